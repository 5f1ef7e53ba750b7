"""The library side of `corpus inspect`: summaries over the units table and the export writers, in-process."""

from __future__ import annotations

import polars as pl
import pytest

from corpus.errors import CorpusError
from corpus.formats.export import export_units, format_from_suffix
from corpus.views.inspect import confidence_summary, fidelity_summary, grep_units, language_counts, link_counts
from support import hand_units


def test_summaries_count_units_not_rows():
    df = hand_units()
    assert language_counts(df).rows() == [("en", 5), ("zh-CN", 4), ("de", 4), ("zh-TW", 1)]
    assert link_counts(df).rows() == [("1-1-1", 2), ("0-0-1", 1), ("1-1", 1), ("1-1-0", 1), ("2-1-1", 1)]
    conf = confidence_summary(df)
    assert conf["n"] == 6 and conf["min"] == 0.6 and conf["max"] == 0.95
    fid = {row["code"]: row for row in fidelity_summary(df).iter_rows(named=True)}
    assert fid["en"]["n"] == 0 and fid["de"]["n"] == 3 and fid["de"]["min"] == 0.41


def test_grep_keeps_whole_units_and_ignores_case():
    hits = grep_units(hand_units(), "STRASSE".lower().replace("ss", "ß"))
    assert sorted(set(hits["unit_id"])) == [2] and set(hits["lang"]) == {"en", "zh", "de"}
    assert grep_units(hand_units(), "MAPS")["unit_id"].unique().sort().to_list() == [0, 1]
    assert grep_units(hand_units(), "[").is_empty()  # a literal, not a pattern


def test_moses_chooses_the_script_when_the_code_says_it(tmp_path):
    written = export_units(hand_units(), tmp_path / "tw", "moses", langs=["en", "zh-TW"])
    assert [p.name for p in written] == ["tw.en", "tw.zh-TW"]
    assert written[1].read_text(encoding="utf-8") == "也有繁體字。\n"
    assert written[0].read_text(encoding="utf-8") == "Traditional characters, too.\n"


def test_csv_flattens_lists_and_unknown_format_is_refused(tmp_path):
    export_units(hand_units(), tmp_path / "u.csv", "csv", langs=["de"])
    flat = pl.read_csv(tmp_path / "u.csv", infer_schema=False)
    assert flat["sent_ids"].to_list() == ["12", "13", "14", "15"]
    assert flat["flags"].fill_null("").to_list() == ["", "number-mismatch", "", ""]
    with pytest.raises(CorpusError, match="unknown export format 'xlsx'"):
        export_units(hand_units(), tmp_path / "u.xlsx", "xlsx")
    assert not (tmp_path / "u.xlsx").exists()


def test_format_from_suffix():
    assert [format_from_suffix(n) for n in ("a.CSV", "a.parquet", "a.ndjson", "a.jsonl", "a.txt", "a")] == [
        "csv", "parquet", "jsonl", "jsonl", None, None]
