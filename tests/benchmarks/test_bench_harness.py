"""The benchmark harness: measuring a real subprocess, the letter gold loader, and a quick run end to end
(Gale-Church only, so it stays fast; the aligner is measured by `make bench`)."""

from __future__ import annotations

import csv
import sys

import pytest

from benchmarks import bench
from aligner.align.links import Link



def test_measure_sees_time_cpu_and_memory_of_a_real_process():
    code = "import time; b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"
    run = bench.measure([sys.executable, "-c", code])
    assert run.returncode == 0
    assert run.wall >= 0.5 and run.cpu > 0
    assert run.peak_mb >= 150
    failed = bench.measure([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"])
    assert failed.returncode == 3 and "boom" in failed.stderr


def test_letter_gold_maps_onto_the_segmented_sentences(tmp_path):
    b = bench.letter(tmp_path, "en", "de")
    assert not isinstance(b, str), b
    pair = b.pairs[0]
    src = [i for link in pair.gold for i in link.src]
    tgt = [j for link in pair.gold for j in link.tgt]
    assert len(set(src)) == len(src) and len(set(tgt)) == len(tgt)
    assert max(src) < pair.n_src and max(tgt) < pair.n_tgt
    assert any(link.src and not link.tgt for link in pair.gold) or any(link.tgt and not link.src for link in pair.gold)


def test_bible_prefix_keeps_gold_inside_the_cut(tmp_path):
    b = bench.bible(tmp_path, copies=2, n_src=5100)
    pair = b.pairs[0]
    assert pair.n_src == 5100 and len(pair.src.read_text(encoding="utf-8").splitlines()) == 5100
    assert all(max(l.src, default=0) < pair.n_src and max(l.tgt, default=0) < pair.n_tgt for l in pair.gold)
    assert Link((5000,), (6301,)) in pair.gold  # the second copy starts where the first ends


@pytest.mark.slow
def test_quick_run_writes_table_and_plot(tmp_path, capsys):
    assert bench.main(["--quick", "--systems", "gc", "--out", str(tmp_path)]) == 0
    rows = list(csv.DictReader((tmp_path / "bench.csv").open(encoding="utf-8")))
    gc_rows = [r for r in rows if r["system"].startswith("Gale-Church")]
    assert len(gc_rows) == 2 and all(0 < float(r["strict F1"]) <= 1 for r in gc_rows)
    assert any(r["system"] == "Bertalign (published)" for r in rows)
    assert (tmp_path / "scaling.png").read_bytes()[:4] == b"\x89PNG"
    md = (tmp_path / "bench.md").read_text(encoding="utf-8").splitlines()
    assert md[2].startswith("| benchmark |") and len(md) == 4 + len(rows)
    out = capsys.readouterr().out
    assert "aligner:gale-church" in out and "eval:strict+lax" in out
