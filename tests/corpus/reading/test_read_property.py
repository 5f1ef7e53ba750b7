"""Property: every reader keeps each non-space character of the text it extracts once, in order, with its
provenance. Random paragraphs (any script, markup characters, spaces of every kind) are written as each
format by its own rules (escaped XML, HTML, subtitle cues, XLIFF units) and read back."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.reading.reader import read_documents
from reading_helpers import assert_keeps_characters, docx, epub, odt

_LETTERS = st.sampled_from(list("abcXYZäßéøçğ新的媒体格局。，Ωжש") + ["Runway", "KI-Firma", "2024"])
_OTHER = st.sampled_from(list(" \t.,;:!?-–—()[]*_#`'\"&<>/\\%\u00a0\u3000") + ["  ", "...", "1.", "- "])
_TEXT = st.lists(st.one_of(_LETTERS, _OTHER), min_size=1, max_size=25).map("".join).filter(
    lambda t: any(c.isalnum() for c in t) and "://" not in t and "www." not in t)
_PARAGRAPHS = st.lists(_TEXT, min_size=1, max_size=5)


def _x(text: str) -> str:
    return html.escape(text, quote=False)


def _docx(tmp_path, paragraphs):
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_x(p)}</w:t></w:r></w:p>' for p in paragraphs)
    return docx(tmp_path / "p.docx", body)


def _odt(tmp_path, paragraphs):
    return odt(tmp_path / "p.odt", "".join(f"<text:p>{_x(p)}</text:p>" for p in paragraphs))


def _html(tmp_path, paragraphs):
    path = tmp_path / "p.html"
    path.write_text("<html><body>" + "".join(f"<p>{_x(p)}</p>" for p in paragraphs) + "</body></html>",
                    encoding="utf-8")
    return path


def _epub(tmp_path, paragraphs):
    return epub(tmp_path / "p.epub", {"a.xhtml": "".join(f"<p>{_x(p)}</p>" for p in paragraphs)}, ["a.xhtml"])


def _srt(tmp_path, paragraphs):
    cues = [f"{k}\n00:00:{k:02d},000 --> 00:00:{k:02d},900\n{re.sub(r'[<>{}]', '', p).strip()}\n"
            for k, p in enumerate(paragraphs, 1)]
    path = tmp_path / "p.srt"
    path.write_text("\n".join(cues), encoding="utf-8")
    return path


def _xliff(tmp_path, paragraphs):
    units = "".join(f'<trans-unit id="{k}"><source>{_x(p)}</source><target>{_x(p)}</target></trans-unit>'
                    for k, p in enumerate(paragraphs))
    path = tmp_path / "p.xlf"
    path.write_text(f'<?xml version="1.0"?><xliff version="1.2"><file source-language="en" target-language="de">'
                    f"<body>{units}</body></file></xliff>", encoding="utf-8")
    return path


def _nonspace(text: str) -> str:
    return re.sub(r"\s", "", text)


def _check(make, tmp_path, paragraphs, keep_all=True):
    docs = read_documents(make(tmp_path, paragraphs))
    assert_keeps_characters(docs)
    if keep_all:  # nothing of what was written is lost or added
        read = "".join(_nonspace(p.text) for p in sorted((p for d in docs for p in d.paragraphs),
                                                          key=lambda p: p.start))
        written = "".join(_nonspace(p) for p in paragraphs)
        assert read == written * (2 if make is _xliff else 1)


@pytest.mark.parametrize("make", [_docx, _odt, _html, _epub, _srt, _xliff], ids=lambda m: m.__name__[1:])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=_PARAGRAPHS)
def test_every_reader_keeps_each_character_once_in_order(make, tmp_path, paragraphs):
    _check(make, tmp_path, paragraphs, keep_all=make is not _srt)  # cue text loses its tags by design
