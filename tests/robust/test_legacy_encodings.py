"""Legacy encodings and line endings, end to end: the same file saved the way Windows and older Chinese
editors save it gives the same documents and sentences as the UTF-8 file with LF line breaks.

tests/corpus/reading/test_read_encodings.py checks the decoder on each encoding alone (and CRLF/CR on UTF-8); this file
crosses every encoding with every line-ending style, Markdown, NFD input and the CLI, and checks with
hypothesis that the decoder never returns different text from what was written: the right text, or a
CorpusError, never a silent wrong guess.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.errors import CorpusError
from corpus.reading.reader import read_documents, read_text
from support import run_in_process, seed


def _seed(prefix: str) -> str:
    return seed(prefix).read_text(encoding="utf-8")


LETTER = _seed("004")  # front matter, Chinese letter, ---, English original with Markdown
ZH = LETTER.split("\n---\n", 2)[1].split("\n---\n")[0].strip()
HANT = opencc.OpenCC("s2tw").convert(ZH)
DE = _seed("001")
FR = _seed("002").replace("’", "'").replace("œ", "oe")

# (name, text, encoder): how each text is saved; every one of them must read back as the UTF-8 file does.
SAVES = [
    ("gbk", ZH, lambda t: t.encode("gbk")),
    ("gb18030", ZH + "\n罕见字：𠀀。\n", lambda t: t.encode("gb18030")),
    ("big5", HANT, lambda t: t.encode("big5")),
    ("utf-16-le-bom", LETTER, lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
    ("utf-16-be-bom", DE, lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")),
    ("utf-8-bom", LETTER, lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    ("cp1252-de", DE.replace("Milliarden", "Mrd. €"), lambda t: t.encode("cp1252")),
    ("cp1252-fr", FR, lambda t: t.encode("cp1252")),
]
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def _mixed(text: str) -> str:
    """Line breaks cycling through CRLF, LF and CR, as in a file edited on several systems."""
    lines = text.split("\n")
    breaks = ["\r\n", "\n", "\r"]
    return "".join(line + (breaks[i % 3] if i < len(lines) - 1 else "") for i, line in enumerate(lines))


def _documents(path: Path) -> list[tuple[str, str, list[str]]]:
    return [(d.lang, d.script, d.sentence_texts) for d in read_documents(path)]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Sentences of each text saved as UTF-8 with LF: what every other way of saving must give."""
    folder = tmp_path_factory.mktemp("utf8")
    out = {}
    for name, text, _ in SAVES:
        path = folder / f"{name}.txt"
        path.write_bytes(text.encode("utf-8"))
        out[name] = _documents(path)
    return out


@pytest.mark.parametrize("newline", [*NEWLINES, "mixed"])
@pytest.mark.parametrize("name", [s[0] for s in SAVES])
def test_every_encoding_with_every_line_ending_gives_the_utf8_sentences(tmp_path, reference, name, newline):
    _, text, encode = next(s for s in SAVES if s[0] == name)
    saved = _mixed(text) if newline == "mixed" else text.replace("\n", NEWLINES[newline])
    path = tmp_path / f"{name}.txt"
    path.write_bytes(encode(saved))
    decoded, _ = read_text(path)
    assert decoded == text
    got = _documents(path)
    assert got == reference[name]
    assert sum(len(s) for _, _, s in got) >= 20  # real documents, not one or two lines


def test_markdown_file_in_utf16_with_crlf_keeps_its_structure(tmp_path, reference):
    """Windows Notepad's "Unicode" is UTF-16 LE with BOM and CRLF: front matter, headings and the language
    split of a Markdown file survive it."""
    utf8 = tmp_path / "letter.md"
    utf8.write_text(LETTER, encoding="utf-8")
    utf16 = tmp_path / "letter16.md"
    utf16.write_bytes(codecs.BOM_UTF16_LE + LETTER.replace("\n", "\r\n").encode("utf-16-le"))
    a, b = read_documents(utf8), read_documents(utf16)
    assert [d.lang for d in b] == [d.lang for d in a] == ["zh", "en"]
    assert [d.sentence_texts for d in b] == [d.sentence_texts for d in a]
    assert [d.title for d in b] == [d.title for d in a]
    assert [(p.start, p.end) for p in b[1].paragraphs] == [(p.start, p.end) for p in a[1].paragraphs]


def test_decomposed_unicode_reads_like_precomposed(tmp_path):
    """Files from macOS often hold NFD (u + combining diaeresis): the same sentences as NFC."""
    nfc, nfd = tmp_path / "nfc.txt", tmp_path / "nfd.txt"
    nfc.write_text(DE, encoding="utf-8")
    nfd.write_text(unicodedata.normalize("NFD", DE), encoding="utf-8")
    assert unicodedata.normalize("NFD", DE) != DE
    assert _documents(nfd) == _documents(nfc)


def test_cli_segment_prints_the_same_lines_for_gbk_crlf_and_utf8(tmp_path, monkeypatch, capsys):
    utf8 = tmp_path / "zh8.txt"
    utf8.write_text(ZH, encoding="utf-8")
    gbk = tmp_path / "zhgbk.txt"
    gbk.write_bytes(ZH.replace("\n", "\r\n").encode("gbk"))
    outputs = []
    for path in (utf8, gbk):
        code, out, err = run_in_process(["segment", str(path), "--lang", "zh"], monkeypatch, capsys)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1] and "\r" not in outputs[1] and len(outputs[0].splitlines()) > 20


# ---- never a silent wrong guess --------------------------------------------------------------------------

# Real text per encoding: Chinese (simplified for the GB family, traditional for Big5), German and French.
_REAL = {"utf-8": ZH + DE, "utf-16": ZH + FR, "gbk": ZH, "gb18030": ZH, "big5": HANT, "cp1252": DE + FR}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_decoding_gives_the_written_text_or_a_clean_error(tmp_path, data):
    """A paragraph-sized excerpt of real text (60-400 characters) saved in any supported encoding with any
    line ending reads back as exactly that text, or is refused with a clean error naming the file."""
    codec = data.draw(st.sampled_from(sorted(_REAL)))
    source = _REAL[codec]
    start = data.draw(st.integers(0, len(source) - 400))
    text = source[start:start + data.draw(st.integers(60, 400))]
    newline = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    try:
        raw = text.replace("\n", newline).encode(codec)
    except UnicodeEncodeError:
        return  # not representable in this encoding: nothing to read back
    path = tmp_path / "t.txt"
    path.write_bytes(raw)
    try:
        decoded, _ = read_text(path)
    except CorpusError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
        return
    assert decoded == unicodedata.normalize("NFC", text), f"{codec} read back as different text"


def test_one_german_sentence_in_cp1252_is_not_read_as_big5(tmp_path):
    path = tmp_path / "de.txt"
    path.write_bytes("Ich denke, dass die Ära der KI-Unternehmen vorbei ist.\n".encode("cp1252"))
    text, encoding = read_text(path)
    assert encoding in ("cp1252", "latin-1") and "Ära" in text
