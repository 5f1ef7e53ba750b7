"""The review tests' shared OUT: one real `corpus build` of the letter seeds for the session, and a fresh copy
of it (no journal yet) for each test that asks for `out`."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from support import LETTER_SEEDS, SEEDS


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("review")
    (work / "seeds").mkdir()
    for p in SEEDS.iterdir():
        if p.name.startswith(LETTER_SEEDS):
            shutil.copy(p, work / "seeds" / p.name)
    run = subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", "build",
                          str(work / "seeds"), "--out", str(work / "built"), "--name", "letter"],
                         capture_output=True, text=True, cwd=work, timeout=600)
    assert run.returncode == 0, run.stderr
    return work / "built"


@pytest.fixture()
def out(built, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(built, copy)
    return copy
