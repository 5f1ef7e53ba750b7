"""What several test modules share, importable from any folder of tests/ (`from support import ...`):
the repository's folders, the seed documents, the trilingual letter and its hand alignment, the hand-made
units table, and running the `corpus` command in-process.

pytest puts tests/ on sys.path because tests/conftest.py lives there (the default `prepend` import mode,
tests/ being no package), and `python tests/fuzz_run.py` has it as its script folder. The fixtures are in
tests/conftest.py."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from benchmarks.datasets import DATA as BENCH_DATA  # noqa: F401 (re-exported: the benchmark data folder)

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SEEDS = ROOT / "seeds"
TEST_DATA = TESTS / "data"
LETTER = TEST_DATA / "letter"
TMX_DATA = TEST_DATA / "tmx"
CORPUS = Path(sys.executable).parent / "corpus"  # the installed console script

LETTER_SEEDS = ("001_", "004_")  # the letter: German (with its own introduction and outro), English and Chinese
NEWS_SEEDS = ("000_", "002_", "003_")  # three unrelated news articles on one company


def seed(prefix: str) -> Path:
    """The seed document whose name starts with `prefix` (e.g. "004", the letter in English and Chinese)."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def letter_expectations() -> dict:
    """tests/data/letter/expectations.yaml: hand-made expectations on parts of the letter."""
    import yaml

    return yaml.safe_load((LETTER / "expectations.yaml").read_text(encoding="utf-8"))


def letter_documents() -> dict:
    """The letter's documents read from the seeds, by language (en, zh, de)."""
    from corpus.reading.reader import read_folder

    return {d.lang: d for d in read_folder(SEEDS) if d.id.startswith(LETTER_SEEDS)}


def letter_gold(pair: str, sentences: dict[str, list[str]]) -> list:
    """The hand alignment of the letter for `pair` ("en-de", "zh-de" or "en-zh"), tests/data/letter/gold.*.jsonl,
    as links between the positions of its sentences in `sentences[lang]`."""
    from aligner.align.links import Link

    a, b = pair.split("-")
    index = {lang: {s: i for i, s in enumerate(sentences[lang])} for lang in (a, b)}
    rows = map(json.loads, (LETTER / f"gold.{pair}.jsonl").read_text(encoding="utf-8").splitlines())
    return [Link(tuple(index[a][s] for s in row[a]), tuple(index[b][s] for s in row[b])) for row in rows]


def hand_units():
    """Hand-made trilingual units table (tests/data/tmx/units.json): units lacking a language, a one-language
    (0-0-1) unit, zh-Hans and zh-Hant."""
    from corpus.formats.table import units_frame

    return units_frame(json.loads((TMX_DATA / "units.json").read_text(encoding="utf-8")))


def run_in_process(argv: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """`corpus ARGV` through `aligner.cli.main`, as the console script runs it (error handling included), with
    an empty stdin: the exit code, stdout and stderr."""
    from aligner import cli

    monkeypatch.delenv("CORPUS_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", ["corpus", *map(str, argv)])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err
