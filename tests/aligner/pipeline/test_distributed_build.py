"""`corpus build` over many document groups: a folder of 20 Bible chapter pairs in the `DIR/<lang>/<name>`
layout (plus one group holding a binary file) built on a local Dask cluster of 2 worker processes and in this
process gives the same units, row for row, and the same TMX bytes; the broken group is reported by name
(exit code 1) without losing the others; `--resume` leaves stored groups alone and runs only what is missing;
worker processes writing one embedding cache at once lose nothing."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from aligner.pipeline.build import BuildOptions, build_corpus
from aligner.pipeline.executors import DaskExecutor, SerialExecutor, group_path
from aligner.pipeline.layout import split_layout
from benchmarks.datasets import bible_folder

PAIRS = 20
BROKEN = "zz-broken"  # sorts last: the group whose German file is binary


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A private embedding cache (inherited by the Dask workers) and a fixed TMX date."""
    patch = pytest.MonkeyPatch()
    patch.setenv("CORPUS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    yield
    patch.undo()


@pytest.fixture(scope="module")
def folder(env, tmp_path_factory) -> Path:
    root = bible_folder(tmp_path_factory.mktemp("bible") / "docs", PAIRS, verses=4)
    (root / "de").mkdir()
    (root / "en" / f"{BROKEN}.txt").write_text("In the beginning was the Word.\n", encoding="utf-8")
    (root / "de" / f"{BROKEN}.txt").write_bytes(bytes(range(256)) * 4)
    return root


def _build(folder: Path, out: Path, executor, resume: bool = False):
    from aligner.models.embed import Embedder

    # An embedder on this module's cache, as the workers use: both sides see the same stored vectors.
    options = BuildOptions(presegmented=True, embedder=Embedder())
    return build_corpus(folder, out, "bible", options, executor=executor, resume=resume)


@pytest.fixture(scope="module")
def on_two_workers(folder, tmp_path_factory):
    # First, on a cold cache: the two workers write the embedding cache at the same time.
    executor = DaskExecutor(workers=2)
    result = _build(folder, tmp_path_factory.mktemp("dask") / "out", executor)
    assert executor.description == "local Dask cluster of 2 worker processes"
    return result


@pytest.fixture(scope="module")
def in_process(folder, on_two_workers, tmp_path_factory):
    return _build(folder, tmp_path_factory.mktemp("serial") / "out", SerialExecutor())


def test_the_layout_names_the_groups(folder):
    named, other = split_layout(folder)
    assert len(named) == PAIRS + 1 and other == []
    name, members = named[0]
    assert name == "gen-001" and [lang for lang, _ in members] == ["en", "zh"]


@pytest.mark.slow  # the builds on two Dask workers and in process: 10-20 s
def test_two_workers_give_the_units_of_the_serial_build(on_two_workers, in_process):
    dask_units, serial_units = on_two_workers.units, in_process.units
    assert dask_units.get_column("corpus").n_unique() == PAIRS
    assert set(dask_units.get_column("lang")) == {"en", "zh"}
    assert dask_units.get_column("fidelity").drop_nulls().len() > 0  # the groups were scored on the workers
    differing = [c for c in dask_units.get_column("corpus").unique(maintain_order=True)
                 if not dask_units.filter(pl.col("corpus") == c).equals(serial_units.filter(pl.col("corpus") == c))]
    assert not differing, (differing, [c for c in dask_units.columns if not dask_units[c].equals(serial_units[c])])
    assert dask_units.equals(serial_units)
    assert on_two_workers.unaligned.equals(in_process.unaligned)
    assert on_two_workers.decisions.equals(in_process.decisions)
    tmx = on_two_workers.out_dir / "bible.tmx"
    assert tmx.read_bytes() == (in_process.out_dir / "bible.tmx").read_bytes()
    # Groups come back in the folder's order, whatever order they finished in.
    order = dask_units.get_column("corpus").unique(maintain_order=True).to_list()
    assert order == sorted(order) and order[0] == "gen-001"


@pytest.mark.slow  # the builds on two Dask workers and in process: 10-20 s
def test_a_broken_group_is_reported_and_the_others_kept(on_two_workers, in_process):
    for result in (on_two_workers, in_process):
        assert [f.corpus for f in result.failed] == [BROKEN]
        assert "binary" in result.failed[0].error and f"de/{BROKEN}.txt" in result.failed[0].error
        assert len(result.groups) == PAIRS
        assert BROKEN not in set(result.units.get_column("corpus"))
        assert len(list((result.out_dir / "groups").glob("*.parquet"))) == PAIRS


@pytest.mark.slow  # the builds on two Dask workers and in process: 10-20 s
def test_the_cli_reports_failed_groups_and_exits_1(folder, in_process, tmp_path, monkeypatch, capsys):
    from aligner import cli

    out = tmp_path / "out"
    groups = out / "groups"
    groups.mkdir(parents=True)
    for stored in (in_process.out_dir / "groups").iterdir():  # a previous run's results
        (groups / stored.name).write_bytes(stored.read_bytes())
    monkeypatch.setattr(sys, "argv", ["corpus", "build", str(folder), "--presegmented", "--out", str(out),
                                      "--name", "bible", "--workers", "0", "--resume",
                                      "--tmx", str(tmp_path / "all.tmx"), "--table", str(tmp_path / "all.parquet")])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("corpus:")]
    assert lines[0].startswith(f"corpus: group {BROKEN} failed: ") and "binary" in lines[0]
    assert "1 of 21 document groups failed" in lines[1]
    assert pl.read_parquet(tmp_path / "all.parquet").equals(in_process.units)
    assert (tmp_path / "all.tmx").read_bytes() == (in_process.out_dir / "bible.tmx").read_bytes()


@pytest.mark.slow  # the builds on two Dask workers and in process: 10-20 s
def test_resume_runs_only_the_groups_not_stored(folder, in_process, tmp_path):
    out = tmp_path / "out"
    (out / "groups").mkdir(parents=True)
    stored = sorted((in_process.out_dir / "groups").iterdir())
    for path in stored[1:]:  # the first group's result is missing
        (out / "groups" / path.name).write_bytes(path.read_bytes())
    before = {p.name: p.stat().st_mtime_ns for p in (out / "groups").iterdir()}
    ran: list[str] = []

    class Recording(SerialExecutor):
        def map(self, fn, items):
            ran.extend(task.corpus for task in items)
            return super().map(fn, items)

    result = _build(folder, out, Recording(), resume=True)
    assert ran == ["gen-001", BROKEN]
    assert {p.name: p.stat().st_mtime_ns for p in (out / "groups").iterdir() if p.name in before} == before
    assert result.units.equals(in_process.units)
    # A group whose input changed is not taken from the store.
    (folder / "en" / "gen-002.txt").write_text("In the beginning.\nA changed line.\n", encoding="utf-8")
    try:
        ran.clear()
        _build(folder, out, Recording(), resume=True)
        assert ran == ["gen-002", BROKEN]
    finally:
        bible_folder(folder, PAIRS, verses=4)
    assert group_path(out / "groups", "gen-002").is_file()


def _write_entries(args) -> int:
    from aligner.models.embed import EmbeddingCache

    path, worker = args
    cache = EmbeddingCache(Path(path), "test-model")
    rng = np.random.default_rng(worker)
    for batch in range(40):
        cache.put({cache.key(f"{worker}-{batch}-{k}"): rng.standard_normal(512).astype(np.float32) for k in range(25)})
    return len(cache.get([cache.key(f"{worker}-{b}-{k}") for b in range(40) for k in range(25)]))


def test_processes_writing_one_embedding_cache_at_once_lose_nothing(tmp_path):
    from aligner.models.embed import EmbeddingCache

    path = tmp_path / "embeddings.sqlite"
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        found = pool.map(_write_entries, [(str(path), w) for w in range(3)])
    assert found == [1000, 1000, 1000]
    cache = EmbeddingCache(path, "test-model")
    assert len(cache.get([cache.key(f"{w}-{b}-{k}") for w in range(3) for b in range(40) for k in range(25)])) == 3000


def test_a_large_table_is_written_as_a_folder_of_whole_corpora(tmp_path):
    from aligner.pipeline.executors import write_units_parquet
    from corpus.formats.table import units_frame

    units = units_frame([{"corpus": f"c{c}", "unit_id": u, "lang": lang, "text": f"{c} {u} {lang}", "sent_ids": [u]}
                         for c in range(7) for u in range(c + 3) for lang in ("en", "zh")])
    path = tmp_path / "big.parquet"
    write_units_parquet(units, path, partition_rows=20)
    parts = sorted(path.iterdir())
    assert [p.name for p in parts][:2] == ["part-00000.parquet", "part-00001.parquet"] and len(parts) > 2
    corpora = [pl.read_parquet(p).get_column("corpus").unique().to_list() for p in parts]
    assert sorted(c for cs in corpora for c in cs) == [f"c{c}" for c in range(7)]  # no corpus split
    assert pl.read_parquet(path / "*.parquet").equals(units)
    write_units_parquet(units, path)  # small again: one file in place of the folder
    assert path.is_file() and pl.read_parquet(path).equals(units)
    assert [p.name for p in tmp_path.iterdir()] == ["big.parquet"]


def test_without_workers_a_small_folder_runs_in_process():
    from aligner.pipeline.executors import AUTO_SERIAL_BELOW, executor_for

    executor = executor_for(None, None)
    assert list(executor.map(str.upper, ["a", "b", "c"])) == [(0, "A"), (1, "B"), (2, "C")]
    assert executor.description == "in-process" and AUTO_SERIAL_BELOW > 3
    assert isinstance(executor_for(0, None), SerialExecutor)
