"""Reading files into Documents: decoding, line breaks, Markdown, language splitting.

Decoding (`decode_bytes`) never guesses silently. In order:
1. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. NUL bytes: UTF-16 without a BOM when the NULs sit in every other byte and the result is clean text,
   otherwise the file is binary and refused;
3. strict UTF-8 (ASCII included);
4. the Chinese legacy encodings, GBK/GB18030 and Big5, each decoded strictly and scored by how many of
   the characters it yields are *common* ones: GB2312's level-1 hanzi for GB, Big5's "frequently used"
   block for Big5, plus CJK punctuation. Decoding with the wrong one of the two (or decoding Latin-1
   text as GBK) produces mostly rare characters, so the right one scores near 1 and the wrong ones far
   lower; the best one is taken when it scores at least 0.8;
5. CP1252 (reported as latin-1 when no byte falls in 0x80-0x9F, where the two differ), accepted when
   the non-ASCII characters it yields are letters and typographic signs;
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

from corpus.document import Document, Paragraph
from corpus.errors import CorpusError
from corpus.markdown import MARKDOWN_SUFFIXES

TEXT_SUFFIXES = {".txt", ".text"}

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
]
MIN_CJK_SCORE = 0.8
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


def _latin_score(text: str) -> float:
    """Share of the non-ASCII characters of `text` that are Latin letters or typographic signs."""
    non_ascii = [ch for ch in text[:SCORE_SAMPLE_CHARS] if ord(ch) > 127]
    if not non_ascii:
        return 1.0
    good = sum(1 for ch in non_ascii if ch in _LATIN_SIGNS or (ch.isalpha() and ord(ch) < 0x250))
    return good / len(non_ascii)


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

    gb_common, big5_common = _common_hanzi()
    candidates = []
    for names, common in ((("gbk", "gb18030"), gb_common), (("big5", "cp950", "big5hkscs"), big5_common)):
        for name in names:
            text = _strict(data, name)
            if text is not None:
                candidates.append((_cjk_score(text, common), name, text))
                break
    if candidates:
        score, name, text = max(candidates, key=lambda c: c[0])
        if score >= MIN_CJK_SCORE:
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


def read_text(path: str | os.PathLike) -> tuple[str, str]:
    """The normalised text of a file and its encoding; CorpusError for anything unreadable."""
    p = Path(path)
    if not p.exists():
        raise CorpusError("no such file", p)
    if p.is_dir():
        raise CorpusError("is a folder, not a file", p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read: {exc.strerror or exc}", p) from exc
    text, encoding = decode_bytes(data, p)
    return normalise_text(text), encoding


def read_documents(path: str | os.PathLike, markdown: bool | None = None) -> list[Document]:
    """The documents in one file: one per language found, in order of first appearance.

    `markdown=None` decides by file suffix (.md...) or, for other files, by sniffing the syntax."""
    from corpus.langid import assign_languages
    from corpus.markdown import parse
    from corpus.normalize import is_traditional

    p = Path(path)
    text, encoding = read_text(p)
    if markdown is None and p.suffix.lower() in MARKDOWN_SUFFIXES:
        markdown = True
    parsed = parse(text, markdown)
    blocks = parsed.blocks
    if not blocks:
        raise CorpusError("no text in the file (only markup or symbols)", p)
    langs = assign_languages([b.text for b in blocks], [b.section for b in blocks])

    order: list[str] = []
    for lang in langs:
        if lang not in order:
            order.append(lang)
    base_meta = dict(parsed.metadata)
    base_meta["encoding"] = encoding
    base_meta["format"] = "markdown" if parsed.markdown else "text"
    stem = p.stem
    documents = []
    for lang in order:
        own = [b for b, block_lang in zip(blocks, langs) if block_lang == lang]
        paragraphs = [
            Paragraph(i, b.text, b.start, b.end, b.section, lang, b.offsets, b.kind) for i, b in enumerate(own)
        ]
        script = ""
        if lang == "zh":
            script = "Hant" if is_traditional("".join(x.text for x in paragraphs)) else "Hans"
        documents.append(
            Document(
                id=stem if len(order) == 1 else f"{stem}.{lang}",
                path=str(p),
                lang=lang,
                script=script,
                text=text,
                paragraphs=paragraphs,
                metadata=_metadata_for(base_meta, lang, paragraphs, len(order) > 1),
            )
        )
    return documents


def _metadata_for(meta: dict, lang: str, paragraphs: list[Paragraph], split: bool) -> dict:
    """A document's metadata: the file's, with a title only where it is in the document's language.

    In a file split by language the front-matter title belongs to the document in its language; the
    others take their own leading heading as title. A file without a title takes its first heading."""
    from corpus.langid import identify

    out = dict(meta)
    title = out.get("title")
    if title and split and identify(str(title)) != lang:
        out.pop("title")
        title = None
    if not title and paragraphs and paragraphs[0].kind == "heading":
        out["title"] = paragraphs[0].text
    return out


def _is_document_file(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES | MARKDOWN_SUFFIXES


def read_folder(folder: str | os.PathLike) -> list[Document]:
    """All documents of the text and Markdown files under `folder` (recursively, sorted by path,
    hidden files and folders skipped)."""
    root = Path(folder)
    if not root.exists():
        raise CorpusError("no such folder", root)
    if not root.is_dir():
        raise CorpusError("not a folder", root)
    files = sorted(
        f for f in root.rglob("*")
        if f.is_file() and _is_document_file(f)
        and not any(part.startswith(".") for part in f.relative_to(root).parts)
    )
    if not files:
        raise CorpusError("no text or Markdown files (.txt, .md) in this folder", root)
    documents: list[Document] = []
    for f in files:
        documents.extend(read_documents(f))
    return documents
