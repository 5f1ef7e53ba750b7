"""Properties of the TMX writer for arbitrary Unicode: the file is always well-formed XML (lxml parses it back,
and it follows the TMX structure), characters XML 1.0 forbids never reach it, and reading it back gives the
same units (text minus the forbidden characters)."""

from __future__ import annotations

import re
import warnings

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from polars.testing import assert_frame_equal

from corpus.formats.table import units_frame
from corpus.formats.tmx import read_tmx, write_tmx

pytestmark = pytest.mark.slow  # each property writes and parses hundreds of TMX files: 3-6 s

# XML 1.0 Char production: what a document may contain at all.
_XML_CHAR = re.compile("^[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Arbitrary code points (no lone surrogates: polars strings are UTF-8), biased towards the awkward ones.
_awkward = st.sampled_from(["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\r", "\r\n", "\t", "\n", " ", "\ufffe", "\uffff",
                            "\ufeff", "\u2028", "\u0085", "]]>", "<", "&", "&amp;", "\"", "'", "<seg>", "\x7f",
                            "\U0010ffff", "\U0001f600", "新", "e\u0301"])
_unicode = st.lists(st.one_of(st.characters(exclude_categories=("Cs",)), _awkward), max_size=30).map("".join)
_lang = st.sampled_from([("en", ""), ("de", ""), ("zh", "Hans"), ("zh", "Hant"), ("fr", ""), ("ar", ""), ("ja", "")])


@st.composite
def units_tables(draw):
    langs = draw(st.lists(_lang, min_size=1, max_size=4, unique_by=lambda x: x[0]))
    corpus = draw(st.one_of(st.just(""), _unicode))
    rows = []
    for unit_id in range(draw(st.integers(1, 6))):
        present = draw(st.lists(st.sampled_from(langs), min_size=1, max_size=len(langs), unique_by=lambda x: x[0]))
        confidence = draw(st.one_of(st.none(), st.floats(0, 1)))
        link = "-".join(str(draw(st.integers(0, 3))) for _ in langs)
        for lang, script in present:
            rows.append({
                "corpus": corpus, "unit_id": unit_id, "lang": lang, "script": script,
                "doc_id": draw(_unicode), "sent_ids": draw(st.lists(st.integers(0, 10**6), min_size=1, max_size=3)),
                "text": draw(_unicode), "link": link, "confidence": confidence,
                "fidelity": draw(st.one_of(st.none(), st.floats(0, 1))),
                "flags": draw(st.lists(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
                                       max_size=2)),
            })
    return units_frame(rows)


def _cleaned(df: pl.DataFrame) -> pl.DataFrame:
    """What a TMX can carry: the forbidden characters removed from every string, and flags left empty by
    that dropped (an empty `<note/>` would read back as no flag)."""
    strip = lambda s: _FORBIDDEN.sub("", s)  # noqa: E731
    return df.with_columns(
        *(pl.col(c).map_elements(strip, return_dtype=pl.Utf8) for c in ("corpus", "doc_id", "text")),
        pl.col("flags").map_elements(lambda fl: [strip(f) for f in fl if strip(f)], return_dtype=pl.List(pl.Utf8)),
    )


def _write(df: pl.DataFrame, path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_tmx(df, path, include_single=True)


def _check_well_formed(path) -> etree._Element:
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # strict: valid UTF-8
    assert _XML_CHAR.match(text), "a character XML 1.0 forbids reached the file"
    root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert [c.tag for c in root] == ["header", "body"]
    for tu in root.iter("tu"):
        assert tu.get("tuid")
        tuvs = tu.findall("tuv")
        assert tuvs
        for tuv in tuvs:
            assert tuv.get("{http://www.w3.org/XML/1998/namespace}lang")
            assert len(tuv.findall("seg")) == 1
    return root


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(units=units_tables())
def test_written_tmx_is_well_formed_and_reads_back_the_same_units(tmp_path, units):
    path = tmp_path / "u.tmx"
    _write(units, path)
    _check_well_formed(path)
    back = read_tmx(path)
    expected = _cleaned(units)
    # Every unit is written (include_single), in order; ids survive because tuid = corpus-unit_id.
    assert_frame_equal(back, expected, check_exact=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(units=units_tables())
def test_write_read_write_gives_the_same_bytes(tmp_path, units):
    import datetime as dt

    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    first, second = tmp_path / "a.tmx", tmp_path / "b.tmx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_tmx(units, first, include_single=True, creation_date=when, tool_version="t")
        write_tmx(read_tmx(first), second, include_single=True, creation_date=when, tool_version="t")
    assert first.read_bytes() == second.read_bytes()
