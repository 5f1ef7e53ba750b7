"""`corpus inspect` as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from corpus.formats.table import read_parquet, units_frame
from corpus.formats.tmx import write_tmx
from support import CORPUS, ROOT, TMX_DATA, hand_units

FIXED = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)


def corpus(*args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "220", "NO_COLOR": "1"}
    return subprocess.run([str(CORPUS), *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)


@pytest.fixture(scope="module")
def letter_tmx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("inspect") / "letter.tmx"
    write_tmx(hand_units(), path, langs=["en", "zh", "de"], creation_date=FIXED)
    return path


def test_summary_shows_header_languages_links_and_scores(letter_tmx):
    run = corpus("inspect", letter_tmx)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "TMX 1.4" in out
    assert re.search(r"srclang\s+│\s+\*all\*", out) and re.search(r"creationdate\s+│\s+20260304T050607Z", out)
    assert "Units: 5   segments: 13" in out
    segments = dict(re.findall(r"│ (en|zh-CN|zh-TW|de)\s+│\s+(\d+) │", out))
    assert segments == {"en": "5", "zh-CN": "4", "zh-TW": "1", "de": "3"}
    links = dict(re.findall(r"│ (\d-\d(?:-\d)?)\s+│\s+(\d+) │", out))
    assert links == {"1-1-1": "2", "1-1-0": "1", "2-1-1": "1", "1-1": "1"}
    # five unit confidences: 0.91 0.8125 0.7 0.95 0.6 (mean 0.7945, stored as 0.79449...)
    assert re.search(r"confidence\s+│ 5 │ 0\.600 │ 0\.794 │\s+0\.812 │ 0\.950 │", out)
    assert re.search(r"fidelity de\s+│ 3 │ 0\.410 │ 0\.733 │\s+0\.840 │ 0\.950 │", out)
    assert re.search(r"fidelity en\s+│ 0 │\s+│", out)  # the source side has no fidelity
    assert "Sample units" in out and "An Open Letter on Maps" in out
    assert run.stderr == ""


def test_grep_finds_units_in_any_language_case_insensitively(letter_tmx):
    run = corpus("inspect", letter_tmx, "--grep", "KARTEN")
    assert run.returncode == 0, run.stderr
    assert "1 unit containing 'KARTEN'" in run.stdout
    assert "Maps were drawn by hand." in run.stdout  # the whole unit, not only the German variant
    run = corpus("inspect", letter_tmx, "--grep", "繁體")
    assert "1 unit containing '繁體'" in run.stdout and "Traditional characters, too." in run.stdout
    run = corpus("inspect", letter_tmx, "--grep", "no such words")
    assert run.returncode == 0 and "No unit contains 'no such words'." in run.stdout


def test_moses_export_is_line_aligned_over_units_having_every_language(letter_tmx, tmp_path):
    base = tmp_path / "train"
    run = corpus("inspect", letter_tmx, "--lang", "en", "--lang", "de", "--format", "moses", "-o", base)
    assert run.returncode == 0, run.stderr
    en = (tmp_path / "train.en").read_text(encoding="utf-8").splitlines()
    de = (tmp_path / "train.de").read_text(encoding="utf-8").splitlines()
    assert len(en) == len(de) == 3
    assert en[0] == "Maps were drawn by hand. Each one took months."
    assert de[0] == "Karten wurden von Hand gezeichnet, jede dauerte Monate."
    assert de[2] == "Der Rest liegt an uns." and en[2] == "The rest is up to us."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.de", "train.en"]


def test_moses_lines_never_break_inside_a_segment(tmp_path):
    table = units_frame([
        {"unit_id": 0, "lang": "en", "text": "one\nsegment\r\nover\u2028lines"},
        {"unit_id": 0, "lang": "fr", "text": "un segment"},
        {"unit_id": 1, "lang": "en", "text": "second"},
        {"unit_id": 1, "lang": "fr", "text": "deuxième"},
    ])
    tmx = tmp_path / "lines.tmx"
    write_tmx(table, tmx, creation_date=FIXED)
    run = corpus("inspect", tmx, "--format", "moses", "-o", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out.en").read_text(encoding="utf-8") == "one segment over lines\nsecond\n"
    assert (tmp_path / "out.fr").read_text(encoding="utf-8") == "un segment\ndeuxième\n"


def test_table_exports_read_back(letter_tmx, tmp_path):
    parquet, csv, jsonl = tmp_path / "u.parquet", tmp_path / "u.csv", tmp_path / "u.jsonl"
    for path in (parquet, csv):
        run = corpus("inspect", letter_tmx, "--lang", "zh", "-o", path)
        assert run.returncode == 0, run.stderr
    run = corpus("inspect", letter_tmx, "--grep", "1839", "--format", "jsonl", "-o", jsonl)
    assert run.returncode == 0, run.stderr
    written = hand_units().filter(pl.col("unit_id") != 3)  # the lone German unit is not in the TMX
    assert_frame_equal(read_parquet(parquet), written.filter(pl.col("lang") == "zh"))
    flat = pl.read_csv(csv)
    assert flat.height == 5 and set(flat["lang"]) == {"zh"} and "关于地图的公开信" in flat["text"].to_list()
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [(r["unit_id"], r["lang"]) for r in rows] == [(2, "de"), (2, "en"), (2, "zh")]
    assert rows[0]["flags"] == ["number-mismatch"] and rows[2]["sent_ids"] == [2]


def test_other_tools_file_is_summarised(tmp_path):
    run = corpus("inspect", TMX_DATA / "omegat_inline.tmx", "--samples", "1")
    assert run.returncode == 0, run.stderr
    assert re.search(r"creationtool\s+│ OmegaT", run.stdout)
    assert "Codes in the file: EN-US (3), ZH-CN (1), DE-DE (1)" in run.stdout
    assert "(none)" in run.stdout  # no link types in a CAT tool's memory
    assert "Click Save to keep & close." in run.stdout and "See the first map." not in run.stdout


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("<tmx version='1.4'><header/><body><tu>\n<tuv xml:lang='en'><seg>cut he", (),
         r"corpus: error: .*bad\.tmx: line 2, column \d+: not well-formed XML"),
        ("<html><p>hi</p></html>", (), r"corpus: error: .*bad\.tmx: line 1: not a TMX file"),
        (None, (), r"corpus: error: .*bad\.tmx: no such file"),
        ("", (), r"corpus: error: .*bad\.tmx: not a TMX file: the file is empty"),
        ("<tmx version='1.4'><header/><body/></tmx>", ("--format", "moses"),
         r"corpus: error: --format moses needs -o PATH"),
        ("<tmx version='1.4'><header/><body/></tmx>", ("-o", "x.txt"),
         r"corpus: error: x\.txt: cannot tell the export format"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, args, message):
    path = tmp_path / "bad.tmx"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    run = corpus("inspect", path, *args)
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1 and re.match(message, run.stderr), run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
