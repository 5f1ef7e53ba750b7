"""Decoding a file's bytes into normalised text: encoding detection, line breaks, NFC.

Decoding (`decode_bytes`) never guesses silently. In order:
1. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. NUL bytes: UTF-16 without a BOM when the NULs sit in every other byte and the result is clean text,
   otherwise the file is binary and refused;
3. strict UTF-8 (ASCII included); UTF-8 with a few invalid bytes is refused (naming the byte), since
   reading it as CP1252 would silently garble every non-ASCII character;
4. the Chinese legacy encodings, GBK/GB18030 and Big5, each decoded strictly and checked twice: the
   characters must be ones the standard counts as common (GB2312 level 1, Big5's frequently-used block,
   CJK punctuation: at least 80%), and the Han characters must mostly (60%) be among the 1,000 most
   frequent hanzi, as real Chinese (about 90%) is and mis-decoded bytes (a third or less) are not: Big5
   read as GBK and back, Korean EUC-KR as GBK, Japanese EUC-JP as Big5. The most natural one wins;
5. CP1252 (reported as latin-1 when no byte falls in 0x80-0x9F, where the two differ), accepted when
   the non-ASCII characters it yields are letters and typographic signs standing alone between ASCII
   characters (Asian two-byte codes read as CP1252 come in runs);
6. anything else is refused as an unknown encoding.
Decoded text with many control characters is refused as binary, empty (or blank) text as empty.

The decoded text then has its line breaks normalised (CRLF and lone CR become LF) and is put in Unicode
NFC: all offsets in Documents refer to this normalised text (`Document.text`), not to raw bytes.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import unicodedata
from pathlib import Path

import numpy as np

from corpus.errors import CorpusError
from corpus.text.normalize import simplified

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
]
MIN_CJK_SCORE = 0.8
# The 1,000 most frequent hanzi (simplified) in running Chinese text, counted from jieba's dictionary
# (word frequencies summed per character). Real Chinese draws about 90% of its characters from them, while
# legacy bytes decoded with the wrong codec (Korean EUC-KR as GBK, Japanese EUC-JP as Big5, Big5 as GBK)
# land on them a third of the time or less.
_FREQUENT_HANZI = frozenset(
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后就发自之对得主长可过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同北定开产前其军还然起种所"
    "如现理机体表力好外与文当两实重新三么只山水关明从化平建又制南内西没此将员名手最东头者月间无安看见各城十相但已些正口通想度加第她合院物性战由位常点海意场武使次二向治因立数样身情入原问把路被并利石老教万知"
    "级量任江及应省资委务元美特期世湖回系比气汉总展电科金先声提品设或义王社很统处四首共马形己儿司太目基领队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决张导术府才保交放管结师便走达族反再题色五"
    "京河接条规式县白它改风光运信受什组听布百济党指论强做取技黄神选记斯真却职号界件花类何眼兵传带空干农边据集联古广完质阳难增历史专官每住商即步认车台林必死游举线言皇土团收考求德叫近备研争非具李众连调感转笑"
    "革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则功属积快图火千准究往极育装许参半令吃观鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源息语股铁断派速怎需片爱律纪支早况病境证编"
    "越局推满且列觉服双未居除乐企引标确织初青志率项飞球节察龙响药站施均消客失轻存低甚般击曾防请离落显罗营足素视护副食创余照兴占巴虽洲村费易试星木黑左宝置跟央识维采六底宫房音环案批切斗富乡另倒若按查故突责严"
    "桥模仅胜杀围席态破承招杨负层须父供续状域似依银范修找九致密终血旅钱赛独细效玉冲获习医演毛尽脸弹楼艺航陆右协七攻镇检写苏宗章注阿抗弟坐验封紧劳户优财养适陈喜卫排射哥油刻留急降念云微伤例景拿绝阶座刘刚害印"
    "亿沙母酒助闻超审待压升送监策略限竟香配藏敌呢差仍兰温园树征善波哪词岛止预怕继皮执味份角草男普答益谁船惊核街夏宣掌田久著画辑奇尼剑吧谈背免孩礼材愿洋春架筑括晚乱乎讲尚良友临激刀夜室既敢邦挥昌板胡欧福港叶"
    "简苦担句岁荆贵娘守辖威宜衣帮块堂额错剧充欢够孙班呼阵销坚练脚退读测吴希宁换版异某顾曲楚典朱毒菜判救宋茶洪含顺啊鲜败货矿端兄归冷忙买险康评肉吗厂永哈沉散遗停笔假输牛洞松渐顶训录否述毕督控丰献姑忽爷互亮纳"
    "襄登咱钟伯臣雄季脑介鄂召饭暗扩祖齐短烈赶牌恩诉移诗础露届蒙静喝盘卖植授伊湾博痛减穿逐秘庭陵固禁票灵杂姓泽吸侧庆妈遇追甲馆补唐炮沿殿刺怪彩俄旧警索岸轮妇载靠附毫怀软骨探雷旁罪枪牙迎序慢盛雨墙恶谷顿危稳熟"
)
MIN_FREQUENT_SHARE = 0.6
MIN_HANZI_FOR_FREQUENCY = 20
MIN_LATIN_SCORE = 0.9
MAX_CONTROL_SHARE = 0.01
# Typographic signs a Western text in CP1252/Latin-1 plausibly contains besides letters.
_LATIN_SIGNS = set("€„“”‘’‚‹›«»–—…•·°§©®™±×÷¿¡¢£¥¤¦¨ª¬¯²³´µ¶¸¹º¼½¾ \u00a0\u00ad†‡‰ˆ˜")
_CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014\u00b7]")


@functools.lru_cache(maxsize=1)
def _common_hanzi() -> tuple[frozenset[str], frozenset[str]]:
    """(GB2312 level-1 hanzi, Big5 frequently-used hanzi): the common characters of each standard."""
    gb = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                gb.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    big5 = set()
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if lead == 0xC6 and trail > 0x7E:
                break
            try:
                big5.add(bytes([lead, trail]).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(gb), frozenset(big5)


SCORE_SAMPLE_CHARS = 200_000  # plausibility is judged on the first 200k characters: plenty of evidence


def _cjk_score(text: str, common: frozenset[str]) -> float:
    """Share of the non-ASCII characters of `text` that are common hanzi or CJK punctuation."""
    non_ascii = [ch for ch in text[:SCORE_SAMPLE_CHARS] if ord(ch) > 127]
    if not non_ascii:
        return 0.0
    good = sum(1 for ch in non_ascii if ch in common or _CJK_PUNCT.match(ch))
    return good / len(non_ascii)


_HAN = re.compile(r"[\u4e00-\u9fff]")
# a hanzi with no hanzi beside it and a Latin letter on at least one side
_GLUED_HAN = re.compile(r"(?<=[A-Za-z])[\u4e00-\u9fff](?![\u4e00-\u9fff])|(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?=[A-Za-z])")


def _han_inside_latin_words(text: str) -> bool:
    """Western bytes read with a CJK codec turn each accented letter and the byte after it into one hanzi
    glued to a Latin word ('Ära' -> hanzi + 'a'); real Chinese, even mixed with English, keeps its hanzi
    in runs. True when most hanzi of a sample stand alone with a Latin letter beside them."""
    sample = text[:SCORE_SAMPLE_CHARS]
    glued = len(_GLUED_HAN.findall(sample))
    han = len(_HAN.findall(sample))
    return han > 0 and glued / han > 0.5


def _frequent_share(text: str) -> tuple[float, int]:
    """(share of frequent hanzi among the Han characters, number of Han characters) of a sample."""
    han = _HAN.findall(simplified(text[:SCORE_SAMPLE_CHARS // 10]))
    if not han:
        return 0.0, 0
    return sum(1 for ch in han if ch in _FREQUENT_HANZI) / len(han), len(han)


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _looks_like_broken_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes: most non-ASCII bytes form valid UTF-8 sequences. Decoding such a file
    as CP1252 would turn every "ä" into "Ã¤" without complaint, so it is refused instead."""
    high = sum(1 for b in data[:SCORE_SAMPLE_CHARS] if b >= 0x80)
    if high < 6:
        return False
    in_sequences = sum(len(m.group()) for m in _UTF8_SEQUENCE.finditer(data[:SCORE_SAMPLE_CHARS]))
    return in_sequences >= 0.8 * high


def _first_bad_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def _latin_score(text: str) -> float:
    """Share of the non-ASCII characters of `text` that are Latin letters or typographic signs, standing
    alone among ASCII characters. Western text has its accented letters one at a time ("für", "café",
    about 1-2% of them next to another one, as in "größte"); the two-byte characters of Asian legacy
    encodings read as CP1252 come in runs ("¤³¤ì¤Ï"), which this score sinks."""
    sample = text[:SCORE_SAMPLE_CHARS]
    positions = [i for i, ch in enumerate(sample) if ord(ch) > 127]
    if not positions:
        return 1.0
    good = sum(1 for i in positions if sample[i] in _LATIN_SIGNS or (sample[i].isalpha() and ord(sample[i]) < 0x250))
    high = set(positions)
    paired = sum(1 for i in positions if i - 1 in high or i + 1 in high)
    return good / len(positions) * (1.0 if paired <= MAX_PAIRED_SHARE * len(positions) else 0.0)


MAX_PAIRED_SHARE = 0.3


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _control_share(text: str) -> float:
    """Share of control characters (Unicode Cc: U+0000-001F, U+007F-009F) other than tab and line breaks."""
    if not text:
        return 0.0
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    control = (codes < 0x20) | ((codes >= 0x7F) & (codes < 0xA0))
    allowed = (codes == 9) | (codes == 10) | (codes == 11) | (codes == 12) | (codes == 13)
    return float(np.count_nonzero(control & ~allowed)) / len(codes)


def _checked(text: str, encoding: str, path) -> tuple[str, str]:
    if "\x00" in text or _control_share(text) > MAX_CONTROL_SHARE:
        raise CorpusError("not a text file (binary content: control characters)", path)
    if not text.strip():
        raise CorpusError("empty file (no text)", path)
    return text, encoding


def decode_bytes(data: bytes, path: str | os.PathLike | None = None) -> tuple[str, str]:
    """Decode a file's bytes: (text, encoding name). Raises CorpusError for empty, binary or
    undecodable data. Line breaks are left as they are (see `normalise_text`)."""
    if not data:
        raise CorpusError("empty file", path)
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec)
            if text is None:
                raise CorpusError(f"starts with a {name} byte-order mark but is not valid {name}", path)
            return _checked(text, name, path)
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return _checked(*utf16, path)
        raise CorpusError("not a text file (binary content: NUL bytes)", path)
    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(text, "utf-8", path)

    if _looks_like_broken_utf8(data):
        bad = _first_bad_utf8(data)
        raise CorpusError(f"not valid UTF-8 at byte {bad}, though the rest is UTF-8; repair or re-save as UTF-8", path)

    gb_common, big5_common = _common_hanzi()
    candidates = []
    for names, common in ((("gbk", "gb18030"), gb_common), (("big5", "cp950", "big5hkscs"), big5_common)):
        for name in names:
            text = _strict(data, name)
            if text is not None:
                frequent, hanzi = _frequent_share(text)
                if _cjk_score(text, common) >= MIN_CJK_SCORE and not _han_inside_latin_words(text) and (
                    hanzi < MIN_HANZI_FOR_FREQUENCY or frequent >= MIN_FREQUENT_SHARE
                ):
                    candidates.append((frequent, name, text))
                break
    if candidates:
        _, name, text = max(candidates, key=lambda c: c[0])
        return _checked(text, name, path)

    text = _strict(data, "cp1252")
    if text is not None and _latin_score(text) >= MIN_LATIN_SCORE:
        name = "cp1252" if re.search(rb"[\x80-\x9f]", data) else "latin-1"
        return _checked(text, name, path)
    raise CorpusError(
        "cannot tell the encoding (not UTF-8/16, GBK/GB18030, Big5 or CP1252/Latin-1); convert it to UTF-8",
        path,
    )


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a BOM has its NULs in every other byte (the high byte of ASCII characters)."""
    if len(data) % 2:
        return None
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    half = len(data) // 2
    if odd_nul >= 0.3 * half and even_nul <= 0.05 * half:
        codec = "utf-16-le"
    elif even_nul >= 0.3 * half and odd_nul <= 0.05 * half:
        codec = "utf-16-be"
    else:
        return None
    text = _strict(data, codec)
    if text is None or _control_share(text) > MAX_CONTROL_SHARE:
        return None
    return text, codec


def normalise_text(text: str) -> str:
    """CRLF and lone CR become LF; Unicode NFC. Offsets everywhere refer to the result."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a regular file; CorpusError for a missing file, a folder, a pipe or a read error."""
    p = Path(path)
    if not p.exists():
        raise CorpusError("no such file", p)
    if p.is_dir():
        raise CorpusError("is a folder, not a file", p)
    if not p.is_file():  # a FIFO or device: reading could block forever or never end
        raise CorpusError("not a regular file (a pipe, socket or device)", p)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read: {exc.strerror or exc}", p) from exc


def read_text(path: str | os.PathLike) -> tuple[str, str]:
    """The normalised text of a file and its encoding; CorpusError for anything unreadable."""
    text, encoding = decode_bytes(read_bytes(path), path)
    return normalise_text(text), encoding
