"""Replays every input the fuzzer (tests/fuzz_run.py) ever found crashing or hanging a reader: each must now
be read or refused with one clean CorpusError line naming the file. Also a short deterministic fuzz run of
every target (TMX and each document format), so the suite itself keeps probing them with fresh inputs."""

from __future__ import annotations

import importlib.util
import random
import sys

import pytest

from support import TESTS

_spec = importlib.util.spec_from_file_location("fuzz_run", TESTS / "fuzz_run.py")
fuzz_run = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fuzz_run", fuzz_run)
_spec.loader.exec_module(fuzz_run)

CASES = sorted(
    (target, path)
    for target in fuzz_run.TARGETS
    for path in (fuzz_run.FUZZ_DIR / target).glob("*")
    if path.is_file()
)


def test_the_regression_corpus_is_there():
    assert CASES, "tests/data/fuzz lost its inputs"


@pytest.mark.parametrize("target,path", CASES, ids=[f"{t}/{p.name}" for t, p in CASES])
def test_saved_input_is_read_or_refused_cleanly(target, path, tmp_path):
    fuzz_run.run_target(target, path.read_bytes(), tmp_path)


@pytest.mark.parametrize("target", sorted(fuzz_run.TARGETS))
def test_short_fuzz_run_finds_nothing(target, tmp_path):
    rng = random.Random(20261121)
    pool = fuzz_run.seed_inputs(target)
    for _ in range(150):
        data = fuzz_run.generate(target, rng, pool)
        finding = fuzz_run.check_one(target, data, tmp_path, slow=30.0)
        assert finding is None or finding[0] == "slow", (finding, data[:300])


def test_a_crash_would_be_reported(tmp_path, monkeypatch):
    """The harness itself: an exception other than CorpusError is a finding, a CorpusError is not."""
    from corpus.errors import CorpusError

    def broken(path):
        raise KeyError("boom")

    monkeypatch.setattr(fuzz_run, "_tmx_target", broken)
    kind, what = fuzz_run.check_one("tmx", b"<tmx/>", tmp_path, slow=30.0)
    assert kind == "crash" and "KeyError" in what

    def refuses(path):
        raise CorpusError("not a TMX file", path)

    monkeypatch.setattr(fuzz_run, "_tmx_target", refuses)
    assert fuzz_run.check_one("tmx", b"<tmx/>", tmp_path, slow=30.0) is None
