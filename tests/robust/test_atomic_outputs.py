"""Ctrl-C never leaves a partial output, and an interrupted `corpus build` run again gives the same output.

The real console script runs in a subprocess and gets SIGINT at a random moment: while it works, or just
after it began replacing the previous outputs (detected by an output file changing its inode, which an
atomic rename does). Afterwards every output file present must be complete: byte for byte the complete
version (same input and SOURCE_DATE_EPOCH give the same bytes, so "the old file or the new one" is one
known content), no temporary file may be left behind, and the process must end with the one-line
`corpus: interrupted`, exit code 130, no traceback. Running the build again (plainly, or with --resume over
a damaged group store) gives the same Parquet tables and the same TMX/CSV/HTML bytes.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import polars as pl
import pytest
from lxml import etree
from polars.testing import assert_frame_equal

from support import CORPUS, seed

EPOCH = "1767225600"  # 2026-01-01: fixed creation dates, so two complete runs give the same bytes
SEED = int(os.environ.get("ROBUST_SEED", time.time_ns() % 10_000))

pytestmark = pytest.mark.slow  # a reference build, then builds interrupted and run again: 2-8 s each


def _env(cache: Path | None = None) -> dict:
    """The user's embedding and lexicon cache is shared with the rest of the suite (a fresh one would parse
    the de-en dictionary again, a minute and more on a busy machine)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    if cache is not None:
        env["CORPUS_CACHE_DIR"] = str(cache)
    return env


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _inodes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.glob("*") if p.is_file()}


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """A copy of the trilingual letter's two seed files and the reference outputs of one complete build."""
    base = tmp_path_factory.mktemp("atomic")
    folder = base / "letter"
    folder.mkdir()
    for prefix in ("001", "004"):
        shutil.copy(seed(prefix), folder)
    cache = None
    reference = base / "reference"
    started = time.monotonic()
    run = subprocess.run([str(CORPUS), "build", str(folder), "--out", str(reference), "--name", "letter"],
                         env=_env(cache), capture_output=True, text=True, timeout=900, cwd=base)
    assert run.returncode == 0, run.stderr
    return {"folder": folder, "cache": cache, "reference": reference, "seconds": time.monotonic() - started,
            "files": _outputs(reference), "base": base}


def _start_build(setting, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([str(CORPUS), "build", str(setting["folder"]), "--out", str(out), "--name", "letter",
                             *extra], env=_env(setting["cache"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=setting["base"])


def _interrupt(proc: subprocess.Popen) -> tuple[int, str]:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the build did not stop within 120 s of Ctrl-C")
    return proc.returncode, err


def _check_interrupted_process(code: int, err: str) -> None:
    """How the process ended. 130 with the one line: interrupted inside the command. 0: it finished before
    the signal arrived, or main() swallowed the interruption (test_ctrl_c_exits_130_with_one_line in
    test_cli_bad_input.py checks that it does not). -SIGINT: the signal came while Python was starting up or shutting down, outside
    main(): Python's own KeyboardInterrupt (a traceback only when it hit the console script's imports)."""
    if code == -signal.SIGINT:
        assert "in main\n" not in err, err  # a traceback only from before or after main()
        return
    assert "Traceback" not in err, err
    if code != 0:
        assert code == 130, (code, err)
        assert err.strip().splitlines()[-1] == "corpus: interrupted", err


def _check_after_interrupt(code: int, err: str, out: Path, reference: dict[str, bytes]) -> None:
    _check_interrupted_process(code, err)
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    for name, data in _outputs(out).items():
        assert name in reference, f"unexpected output {name}"
        assert data == reference[name], f"{name} is not the complete file ({len(data)} of {len(reference[name])} bytes)"


def _check_same_as_reference(out: Path, setting) -> None:
    got, want = _outputs(out), setting["files"]
    assert sorted(got) == sorted(want)
    for name in want:
        if name.endswith(".parquet"):
            assert_frame_equal(pl.read_parquet(out / name), pl.read_parquet(setting["reference"] / name))
        else:
            assert got[name] == want[name], f"{name} differs from the uninterrupted build"
    for name in want:
        if name.endswith(".tmx"):
            etree.parse(str(out / name))  # and well-formed


def test_reference_outputs_are_complete(setting):
    files = setting["files"]
    assert {"letter.tmx", "letter.parquet", "documents.csv", "compare.html"} <= set(files)
    root = etree.fromstring(files["letter.tmx"])
    assert len(root.findall("body/tu")) >= 20


def test_ctrl_c_while_outputs_are_replaced_leaves_each_file_old_or_new(setting, tmp_path):
    """Outputs of a complete build are there; a second build is interrupted just after it started replacing
    them: every file is still complete. Then, with the stored group result damaged, --resume recomputes it
    and gives the reference outputs."""
    rng = random.Random(SEED)
    out = tmp_path / "out"
    shutil.copytree(setting["reference"], out)
    before = _inodes(out)
    proc = _start_build(setting, out)
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        if _inodes(out) != before:  # the first atomic rename: the write phase has begun
            time.sleep(rng.uniform(0.0, 0.3))
            break
        time.sleep(0.005)
    code, err = _interrupt(proc)
    _check_after_interrupt(code, err, out, setting["files"])
    # A damaged group store (disk trouble, a copy cut short) must be recomputed by --resume, not trusted.
    stored = sorted((out / "groups").glob("*.parquet"))
    assert stored
    stored[0].write_bytes(stored[0].read_bytes()[: stored[0].stat().st_size // 2])
    rerun = subprocess.run([str(CORPUS), "build", str(setting["folder"]), "--out", str(out), "--name", "letter",
                            "--resume"], env=_env(setting["cache"]), capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    _check_same_as_reference(out, setting)


def test_ctrl_c_at_a_random_moment_then_rerun_gives_the_same_output(setting, tmp_path):
    """`make align` interrupted anywhere, then run again: the same corpus, byte for byte."""
    rng = random.Random(SEED + 1)
    out = tmp_path / "out"
    proc = _start_build(setting, out)
    time.sleep(rng.uniform(0.5, max(1.0, setting["seconds"])))
    code, err = _interrupt(proc)
    if out.exists():
        _check_after_interrupt(code, err, out, setting["files"])
    rerun = subprocess.run([str(CORPUS), "build", str(setting["folder"]), "--out", str(out), "--name", "letter"],
                           env=_env(setting["cache"]), capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    _check_same_as_reference(out, setting)


def test_ctrl_c_during_align_keeps_the_previous_tmx_and_links(setting, tmp_path):
    """`corpus align --tmx --links` over files holding a previous complete version: interrupted at a random
    moment, each file is the previous version or the new complete one."""
    rng = random.Random(SEED + 2)
    src = seed("004")
    tgt = seed("001")
    tmx, links = tmp_path / "a.tmx", tmp_path / "a.links"
    args = [str(CORPUS), "align", str(src), str(tgt), "--src-lang", "en", "--tgt-lang", "de", "--tmx", str(tmx),
            "--links", str(links)]
    started = time.monotonic()
    complete = subprocess.run(args, env=_env(setting["cache"]), capture_output=True, text=True, timeout=900)
    assert complete.returncode == 0, complete.stderr
    seconds = time.monotonic() - started
    new = {tmx: tmx.read_bytes(), links: links.read_bytes()}
    old = {tmx: setting["files"]["letter.en-de.tmx"], links: b"[0]:[0]\n"}
    for path, data in old.items():
        path.write_bytes(data)
    for trial in range(2):
        proc = subprocess.Popen(args, env=_env(setting["cache"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(rng.uniform(0.2, seconds * 1.1))
        code, err = _interrupt(proc)
        _check_interrupted_process(code, err)
        for path in (tmx, links):
            assert path.read_bytes() in (old[path], new[path]), f"{path.name} is partial after Ctrl-C"
        etree.parse(str(tmx))
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
