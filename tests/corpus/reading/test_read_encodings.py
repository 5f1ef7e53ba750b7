"""Decoding real seed text written in each supported encoding (files made with Python's codecs)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from corpus.errors import CorpusError
import opencc
from corpus.reading.reader import decode_bytes, read_documents, read_text
from support import seed


def _seed(prefix: str) -> str:
    return seed(prefix).read_text(encoding="utf-8")


ZH = _seed("004").split("\n---\n", 2)[1].split("\n---\n")[0].strip()  # the Chinese letter, no front matter
DE = _seed("001")
# Taiwan-standard traditional characters (s2tw), the ones Big5 encodes (plain s2t gives variants like 爲).
HANT = opencc.OpenCC("s2tw").convert(ZH)
FR = _seed("002")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_chinese_sample_is_real_chinese():
    assert "新的媒体格局" in ZH and "---" not in ZH and len(ZH) > 1000


@pytest.mark.parametrize("codec,expected", [("gbk", "gbk"), ("gb18030", "gbk")])
def test_gb_family(tmp_path, codec, expected):
    text = ZH
    path = _write(tmp_path, "zh.txt", text.encode(codec))
    decoded, encoding = read_text(path)
    assert decoded == text
    assert encoding == expected


def test_gb18030_beyond_gbk(tmp_path):
    # U+20000 (CJK Ext. B) and the euro sign have four-byte GB18030 codes that GBK lacks.
    text = ZH + "\n罕见字：𠀀。"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")
    decoded, encoding = read_text(_write(tmp_path, "zh.txt", data))
    assert decoded == text and encoding == "gb18030"


def test_big5_traditional(tmp_path):
    text = HANT
    assert text != ZH
    path = _write(tmp_path, "zh-hant.txt", text.encode("big5"))
    decoded, encoding = read_text(path)
    assert decoded == text
    assert encoding == "big5"
    [doc] = read_documents(path)
    assert doc.lang == "zh" and doc.script == "Hant"
    assert doc.metadata["encoding"] == "big5"
    assert doc.sentences[2].text == "Runway 不是一家 AI 公司。" and "這並不是因為 AI 失敗了——恰恰相反。" in doc.sentence_texts


def test_gbk_bytes_that_are_also_valid_big5_are_read_as_gbk():
    """Most GBK sentences are valid Big5 byte sequences too (yielding rare characters): the common-hanzi
    score must pick GBK, and the Big5 text must still come out as Big5."""
    ambiguous = []
    for sentence in ZH.replace("\n", "。").split("。"):
        data = sentence.encode("gbk")
        if sentence.strip() and data.decode("big5", errors="replace") == data.decode("big5", errors="ignore"):
            ambiguous.append((sentence, data))
    assert len(ambiguous) >= 10
    for sentence, data in ambiguous:
        if any(ord(ch) > 127 for ch in sentence):
            assert decode_bytes(data) == (sentence, "gbk")
    assert decode_bytes(HANT.encode("big5")) == (HANT, "big5")


@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_bom(tmp_path, codec, bom):
    text = DE
    path = _write(tmp_path, "de.txt", bom + text.encode(codec))
    decoded, encoding = read_text(path)
    assert decoded == text and encoding == "utf-16"
    assert not decoded.startswith("\ufeff")


def test_utf16_without_bom(tmp_path):
    decoded, encoding = read_text(_write(tmp_path, "fr.txt", FR.encode("utf-16-le")))
    assert decoded == FR and encoding == "utf-16-le"


def test_utf8_with_and_without_bom(tmp_path):
    decoded, encoding = read_text(_write(tmp_path, "a.txt", codecs.BOM_UTF8 + ZH.encode("utf-8")))
    assert decoded == ZH and encoding == "utf-8-sig"
    decoded, encoding = read_text(_write(tmp_path, "b.txt", ZH.encode("utf-8")))
    assert decoded == ZH and encoding == "utf-8"


def test_cp1252_with_umlauts_and_euro(tmp_path):
    text = DE.replace("5 Milliarden US-Dollar", "5 Milliarden € (US-Dollar)")
    assert "€" in text and "ä" in text and "„" in text
    data = text.encode("cp1252")
    decoded, encoding = read_text(_write(tmp_path, "de.txt", data))
    assert decoded == text and encoding == "cp1252"
    [doc] = read_documents(tmp_path / "de.txt")
    assert doc.lang == "de"


def test_latin1(tmp_path):
    text = "Grüße aus München: Die Straße ist schön, äußerst ruhig und öffentlich.\n" * 3
    decoded, encoding = read_text(_write(tmp_path, "de.txt", text.encode("latin-1")))
    assert decoded == text and encoding == "latin-1"


def test_french_cp1252(tmp_path):
    text = FR.replace("’", "'").replace("œ", "oe")  # keep it encodable in Latin-1 range plus CP1252 quotes
    decoded, encoding = read_text(_write(tmp_path, "fr.txt", text.encode("cp1252")))
    assert decoded == text and encoding in ("cp1252", "latin-1")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_breaks_become_lf(tmp_path, newline):
    letter = _seed("004")
    path = _write(tmp_path, "letter.txt", letter.replace("\n", newline).encode("utf-8"))
    text, _ = read_text(path)
    assert "\r" not in text and text == letter
    docs = read_documents(path)
    reference = read_documents(seed("004"))
    assert [d.sentence_texts for d in docs] == [d.sentence_texts for d in reference]
    for doc in docs:
        for s in doc.sentences[:5]:
            assert doc.text[s.start:s.end].replace("*", "").replace("_", "").startswith(s.text[:5])


def test_mixed_line_breaks(tmp_path):
    path = _write(tmp_path, "m.txt", b"One line.\r\nTwo line.\rThree line.\nFour.")
    [doc] = read_documents(path)
    assert doc.sentence_texts == ["One line.", "Two line.", "Three line.", "Four."]


def test_unreadable_bytes_are_refused_not_guessed(tmp_path):
    # Bytes that are neither UTF-8, nor plausible GBK/Big5, nor Latin text: C1 controls + undefined CP1252.
    data = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40 + b"abc"
    with pytest.raises(CorpusError, match="encoding|binary"):
        decode_bytes(data, "x.txt")


def test_errors_name_the_file(tmp_path):
    path = _write(tmp_path, "bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CorpusError) as err:
        read_text(path)
    assert str(path) in str(err.value) and "binary" in str(err.value)


def test_utf8_with_a_stray_latin1_byte_is_refused_not_garbled(tmp_path):
    data = DE.encode("utf-8")
    broken = data[:500] + b"\xfc" + data[500:]
    with pytest.raises(CorpusError, match="not valid UTF-8 at byte 500"):
        read_text(_write(tmp_path, "broken.txt", broken))


@pytest.mark.parametrize("codec,sample", [
    ("euc_kr", "이것은 테스트입니다. 한국어 문장을 쓰고 있습니다. 서울은 큰 도시입니다. " * 3),
    ("euc_jp", "これはテストです。日本語の文章を書いています。東京は大きな都市です。" * 3),
    ("shift_jis", "これはテストです。日本語の文章を書いています。東京は大きな都市です。" * 3),
])
def test_unsupported_asian_encodings_are_refused_not_read_as_chinese_or_latin(tmp_path, codec, sample):
    # EUC-KR bytes are valid GBK and EUC-JP bytes valid Big5, made of "common" characters: only the
    # frequency check tells that no Chinese text reads like that.
    with pytest.raises(CorpusError, match="cannot tell the encoding"):
        read_text(_write(tmp_path, "asian.txt", sample.encode(codec)))


def test_short_gbk_text(tmp_path):
    decoded, encoding = read_text(_write(tmp_path, "short.txt", "你好，世界。".encode("gbk")))
    assert decoded == "你好，世界。" and encoding == "gbk"
