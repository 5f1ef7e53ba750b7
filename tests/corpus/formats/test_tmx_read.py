"""Reading TMX: our own files (exact round trip), other tools' files, and broken files (one-line errors)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from corpus.errors import CorpusError
from corpus.formats.table import units_frame, validate_units
from corpus.formats.tmx import load_tmx, read_tmx, write_tmx
from support import TMX_DATA, hand_units

FIXED = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)


def test_write_read_write_gives_the_same_units_and_bytes(tmp_path):
    first, second = tmp_path / "first.tmx", tmp_path / "second.tmx"
    table = hand_units()
    write_tmx(table, first, langs=["en", "zh", "de"], include_single=True, creation_date=FIXED)
    back = validate_units(read_tmx(first))
    assert_frame_equal(back, table)
    write_tmx(back, second, langs=["en", "zh", "de"], include_single=True, creation_date=FIXED)
    assert first.read_bytes() == second.read_bytes()


def test_bilingual_round_trip_keeps_the_chosen_units(tmp_path):
    out = tmp_path / "en-zh.tmx"
    write_tmx(hand_units(), out, langs=["en", "zh"], creation_date=FIXED)
    back = read_tmx(out)
    assert sorted(set(back["lang"])) == ["en", "zh"]
    assert back.select("corpus", "unit_id").unique().sort("corpus", "unit_id").rows() == [
        ("letter", 0), ("letter", 1), ("letter", 2), ("letter", 4), ("notes", 0)]
    assert dict(zip(back["script"], back["text"]))["Hant"] == "也有繁體字。"


def test_omegat_style_file_with_inline_codes_and_uppercase_languages():
    doc = load_tmx(TMX_DATA / "omegat_inline.tmx")
    assert doc.header["creationtool"] == "OmegaT" and doc.header["srclang"] == "EN-US"
    assert doc.tu_count == 4
    table = validate_units(doc.units)
    got = {(r["unit_id"], r["lang"], r["script"]): r["text"] for r in table.iter_rows(named=True)}
    assert got == {
        # bpt/ept carry the original's <b> codes: dropped, the text around them joined
        (0, "en", ""): "Click Save to keep & close.",
        (0, "zh", "Hans"): "点击保存以保留并关闭。",
        # ph (with a sub-flow inside) dropped, hi keeps its text
        (1, "en", ""): "See the first map.",
        (1, "de", ""): "Siehe die erste Karte.",
        # TMX 1.1 lang= attribute, it and the deprecated ut dropped, zh-TW is traditional
        (2, "en", ""): "Colour photographs came later.",
        (2, "zh", "Hant"): "彩色照片是後來才有的。",
        (3, "en", ""): "Done.",
        (3, "de", ""): "Fertig.",
        (3, "zh", "Hans"): "完成。",
    }
    assert table.filter(pl.col("unit_id") == 2)["flags"].to_list() == [["imported from an old TMX 1.1 memory"]] * 2
    assert doc.segments["EN-US"] == 3 and doc.segments["ZH-TW"] == 1


def test_reads_what_translate_toolkit_writes(tmp_path):
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage="en", targetlanguage="de")
    for source, target in [("Hello <b> & world", "Hallo <b> & Welt"), ("Two\nlines", "Zwei\nZeilen")]:
        unit = store.addsourceunit(source)
        unit.target = target
    store.units[0].addnote("check the tag")
    path = tmp_path / "tt.tmx"
    path.write_bytes(bytes(store))
    table = read_tmx(path)
    assert table.sort("unit_id", "lang").select("unit_id", "lang", "text").rows() == [
        (0, "de", "Hallo <b> & Welt"), (0, "en", "Hello <b> & world"),
        (1, "de", "Zwei\nZeilen"), (1, "en", "Two\nlines")]
    assert table.filter(pl.col("unit_id") == 0)["flags"].to_list() == [["check the tag"]] * 2


def test_foreign_tuids_that_cannot_key_units_are_replaced_by_positions(tmp_path):
    path = tmp_path / "dup.tmx"
    tu = '<tu tuid="{}"><tuv xml:lang="en"><seg>{}</seg></tuv><tuv xml:lang="fr"><seg>{}</seg></tuv></tu>'
    body = "".join(tu.format(tuid, f"e{i}", f"f{i}") for i, tuid in enumerate(["7", "7", "9"]))
    path.write_text(f'<tmx version="1.4"><header srclang="en"/><body>{body}</body></tmx>', encoding="utf-8")
    table = validate_units(read_tmx(path))
    assert table.filter(pl.col("lang") == "fr").select("unit_id", "text").rows() == [(0, "f0"), (1, "f1"), (2, "f2")]


def test_second_variant_of_a_language_is_counted_not_duplicated(tmp_path):
    path = tmp_path / "variants.tmx"
    path.write_text(
        '<tmx version="1.4"><header srclang="en-US"/><body><tu>'
        '<tuv xml:lang="en-US"><seg>color</seg></tuv><tuv xml:lang="en-GB"><seg>colour</seg></tuv>'
        '<tuv xml:lang="fr-FR"><seg>couleur</seg></tuv></tu></body></tmx>', encoding="utf-8")
    doc = load_tmx(path)
    assert doc.variants_dropped == 1
    assert validate_units(doc.units).select("lang", "text").rows() == [("en", "color"), ("fr", "couleur")]


def test_truncated_file_is_a_corpus_error_naming_the_line(tmp_path):
    good = tmp_path / "good.tmx"
    write_tmx(hand_units(), good, creation_date=FIXED)
    text = good.read_text(encoding="utf-8")
    cut = text.index("Karten wurden")  # the middle of a <seg> on some line
    line = text[:cut].count("\n") + 1
    broken = tmp_path / "broken.tmx"
    broken.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        read_tmx(broken)
    message = str(err.value)
    assert message.startswith(f"{broken}: line {line}, column ")
    assert "not well-formed XML" in message and "\n" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"<html><body><p>hello</p></body></html>", "line 1: not a TMX file (root element <html>"),
        (b'<?xml version="1.0"?>\n\n<tmx version="1.4"><header/></tmx>', "no <body> element"),
        (bytes(range(256)), "line 1, column 1: not well-formed XML"),
        (b'<tmx version="1.4"><header/><body>\n<tu><tuv><seg>x</seg></tuv></tu></body></tmx>',
         "line 2: <tuv> without xml:lang"),
        (b'<tmx version="1.4"><header/><body><tu>\n<tuv xml:lang="en"><seg>a</seg><seg>b</seg></tuv></tu></body></tmx>',
         "line 2: <tuv> has 2 <seg> elements, expected 1"),
        (b'<tmx version="1.4"><header/><body><tu><tuv xml:lang="12"><seg>a</seg></tuv></tu></body></tmx>',
         "line 1: not a language code: '12'"),
    ],
)
def test_files_that_are_not_tmx_get_one_line_errors(tmp_path, content, expected):
    path = tmp_path / "bad.tmx"
    path.write_bytes(content)
    with pytest.raises(CorpusError) as err:
        read_tmx(path)
    assert str(err.value).startswith(f"{path}: ")
    assert expected in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_tmx(tmp_path / "nope.tmx")


def test_large_file_streams_back_completely(tmp_path):
    n = 5_000
    table = units_frame(
        pl.DataFrame({"unit_id": list(range(n))})
        .join(pl.DataFrame({"lang": ["en", "de"]}), how="cross")
        .with_columns(
            pl.format("unit {} in {}", pl.col("unit_id"), pl.col("lang")).alias("text"),
            pl.lit("big").alias("corpus"),
            pl.concat_list(pl.col("unit_id")).alias("sent_ids"),
            pl.lit("1-1").alias("link"),
            (pl.col("unit_id") % 100 / 100).alias("confidence"),
        )
    )
    path = tmp_path / "big.tmx"
    report = write_tmx(table, path, creation_date=FIXED)
    assert report.units_written == n
    back = read_tmx(path)
    assert_frame_equal(back, table)


def test_utf16_file_as_trados_exports_it(tmp_path):
    path = tmp_path / "trados.tmx"
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n<tmx version="1.4"><header srclang="EN-US"/><body>'
            '<tu><tuv xml:lang="EN-US"><seg>Hi</seg></tuv><tuv xml:lang="ZH-HK"><seg>你好</seg></tuv></tu>'
            '</body></tmx>')
    path.write_bytes(text.encode("utf-16"))  # with BOM
    assert read_tmx(path).select("lang", "script", "text").rows() == [("en", "", "Hi"), ("zh", "Hant", "你好")]
