"""Issue 16's provenance in the built outputs: a `corpus build` over the letter as DOCX (pandoc) keeps, for
every sentence of every unit, where it stands in the file (`paragraph 12`), in the units table, in the TMX
(an x-where prop per variant, read back by our reader, by lxml and through translate-toolkit) and in the
compare page's data (the tooltip of each text)."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from lxml import etree

from aligner.pipeline.build import build_corpus
from aligner.pipeline.group import BuildOptions
from corpus.formats.table import WHERE_SEP
from corpus.formats.tmx import read_tmx
from corpus.reading.reader import read_documents
from reading_helpers import LETTER, pandoc

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"



@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder):
    work = tmp_path_factory.mktemp("provenance")
    (work / "in").mkdir()
    docx = pandoc(LETTER, work / "in" / "letter.docx")
    result = build_corpus(work / "in", work / "out", "letter", BuildOptions(fidelity=False, embedder=embedder))
    places = {d.id: [s.where for s in d.sentences] for d in read_documents(docx)}
    return work / "out", result, places


def test_table_holds_each_sentences_paragraph(built):
    out, result, places = built
    units = pl.read_parquet(out / "letter.parquet")
    assert units.schema["where"] == pl.List(pl.Utf8)
    assert set(units["doc_id"]) == set(places) == {"letter.en", "letter.zh"}
    for doc_id, ids, where in units.select("doc_id", "sent_ids", "where").iter_rows():
        assert where == [places[doc_id][k] for k in ids]
        assert all(re.fullmatch(r"paragraph \d+", w) for w in where), where
    # the file's own paragraphs: the Chinese half stands before the English one in the one DOCX
    number = {lang: units.filter(pl.col("lang") == lang).get_column("where").explode()
              .str.extract(r"(\d+)").cast(pl.Int64) for lang in ("zh", "en")}
    assert number["zh"].max() < number["en"].min() and number["en"].n_unique() > 5
    assert result.units.get_column("where").to_list() == units.get_column("where").to_list()


def test_tmx_carries_x_where_per_variant_and_reads_it_back(built):
    out, _, _ = built
    units = pl.read_parquet(out / "letter.parquet")
    expected = {(f"{c}-{u}", lang): WHERE_SEP.join(w)
                for c, u, lang, w in units.select("corpus", "unit_id", "lang", "where").iter_rows()}
    tree = etree.parse(str(out / "letter.tmx"))
    got = {}
    for tu in tree.iter("tu"):
        for tuv in tu.iter("tuv"):
            props = tuv.findall("prop[@type='x-where']")
            assert len(props) == 1
            got[(tu.get("tuid"), tuv.get(XML_LANG).split("-")[0])] = props[0].text
    assert got and all(got[k] == expected[k] for k in got)
    assert any(WHERE_SEP in v for v in got.values())  # a unit of several sentences lists each one's place
    back = read_tmx(out / "letter.tmx")
    merged = back.join(units, on=["corpus", "unit_id", "lang"], suffix="_built")
    assert merged.height == back.height > 0
    assert merged.get_column("where").to_list() == merged.get_column("where_built").to_list()


def test_translate_toolkit_sees_the_places(built):
    from translate.storage import tmx

    out, _, _ = built
    with open(out / "letter.tmx", "rb") as fh:
        store = tmx.tmxfile(fh)
    places = [prop.text for unit in store.units for node in unit.getlanguageNodes()
              for prop in node.iterchildren("prop") if prop.get("type") == "x-where"]
    assert len(places) == sum(len(list(u.getlanguageNodes())) for u in store.units) > 0
    assert all(p.startswith("paragraph ") for p in places)


def test_page_tooltips_name_the_paragraph(built):
    out, _, places = built
    page = (out / "compare.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="corpus-data">(.*?)</script>', page,
                                re.S).group(1).replace("<\\/", "</"))
    tips = [cell[3] for row in data["rows"] for cell in row[5] if cell]
    assert tips and all(re.search(r"\(paragraph \d+\)", t) for t in tips), tips[:5]
    first_en = places["letter.en"][0]
    assert any(t.startswith(f"letter.en · sentence 1 ({first_en})") for t in tips)


def test_unaligned_sentences_say_where_they_are(built):
    out, result, places = built
    unaligned = pl.read_csv(out / "unaligned.csv")
    assert unaligned.height > 0  # the letter's date line and copyright have no counterpart
    for doc_id, k, where in unaligned.select("doc_id", "sent_id", "where").iter_rows():
        assert where == places[doc_id][k]
