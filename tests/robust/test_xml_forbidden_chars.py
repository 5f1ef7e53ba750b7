"""Characters XML 1.0 forbids, coming in through real documents, never reach a TMX: `corpus align --tmx` on
texts holding C0 controls, form feeds, vertical tabs and the non-characters U+FFFE/U+FFFF writes a TMX
that lxml parses, carries none of them, and `corpus inspect` reads back."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from support import run_in_process
from test_cli_bad_input import DE, EN, run_subprocess

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    d = tmp_path_factory.mktemp("xml")
    en = (EN.replace("Monday.", "Mon\x01day.").replace("schools.", "schools\ufffe.").replace("cost.", "co\x0cst\x0b.")
          + "Done\x1f and \uffff dusted.\n")
    de = DE.replace("Montag", "Mon\x02tag").replace("Kosten", "Kos\uffffen") + "Erledigt\x7f und fertig.\n"
    assert _FORBIDDEN.search(en) and _FORBIDDEN.search(de)
    (d / "en.txt").write_text(en, encoding="utf-8")
    (d / "de.txt").write_text(de, encoding="utf-8")
    return d


def _align(dirty, monkeypatch, capsys):
    tmx = dirty / "out.tmx"
    code, out, err = run_in_process(["align", str(dirty / "en.txt"), str(dirty / "de.txt"), "--src-lang", "en",
                                     "--tgt-lang", "de", "--tmx", str(tmx)], monkeypatch, capsys)
    return code, out, err, tmx


def test_forbidden_characters_never_reach_the_tmx(dirty, monkeypatch, capsys):
    code, out, err, tmx = _align(dirty, monkeypatch, capsys)
    assert code == 0, err
    raw = tmx.read_bytes().decode("utf-8")
    assert not _FORBIDDEN.search(raw)
    assert not re.search(r"&#x?0*(?:[0-8bcBC]|1[0-9a-fA-F]|[1-2][0-9]|3[01]|65534|65535|[fF]{3}[eEfF]);", raw)
    root = etree.fromstring(raw.encode("utf-8"))
    segs = [s.text or "" for s in root.iter("seg")]
    assert len(segs) >= 10
    joined = " ".join(segs)
    assert "council" in joined and "Bürgermeister" in joined and "dusted" in joined
    code, out, err = run_in_process(["inspect", str(tmx)], monkeypatch, capsys)
    assert code == 0, err


def test_removed_characters_are_reported_in_one_line(dirty, tmp_path):
    """As the user sees it (installed script): the TmxWarning is one line saying what was removed."""
    tmx = tmp_path / "out.tmx"
    run = run_subprocess("align", str(dirty / "en.txt"), str(dirty / "de.txt"), "--src-lang", "en", "--tgt-lang",
                         "de", "--tmx", str(tmx), timeout=600)
    assert run.returncode == 0, run.stderr
    assert re.search(r"control characters", run.stderr), run.stderr
    noise = [line for line in run.stderr.splitlines()
             if line.strip() and not line.startswith(("corpus: warning: ", "aligner:"))]
    assert not noise, run.stderr
