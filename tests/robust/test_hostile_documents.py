"""Hostile documents: front matter built to overflow the YAML parser or to expand into billions of strings,
and lines of unbalanced Markdown brackets, are read (or refused) without crashing or hanging."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from corpus.reading.reader import read_documents
from support import ROOT

BODY = "\n\nThe council met on Monday. The mayor spoke about schools.\n"


def test_deeply_nested_front_matter_is_body_text_not_a_crash(tmp_path):
    path = tmp_path / "deep.md"
    path.write_text("---\n" + "a: [" * 3000 + "\n---" + BODY, encoding="utf-8")  # RecursionError in PyYAML
    docs = read_documents(path)
    assert docs[0].lang == "en" and "The mayor spoke about schools." in docs[0].sentence_texts


def test_alias_bomb_front_matter_is_not_expanded(tmp_path):
    """Nine levels of nine aliases: 9**11 strings once expanded by str() (the title) or JSON (the build's
    group store). The front matter is refused as metadata instead."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    path = tmp_path / "laughs.md"
    path.write_text("---\n" + "\n".join(lines) + "\ntitle: *a11\n---" + BODY, encoding="utf-8")
    [doc] = read_documents(path)
    assert len(doc.title) < 10_000
    assert len(json.dumps(doc.metadata, default=str)) < 10_000
    assert "The mayor spoke about schools." in doc.sentence_texts


def test_ordinary_front_matter_lists_and_dates_are_kept(tmp_path):
    path = tmp_path / "ok.md"
    path.write_text("---\ntitle: The council\ndate: 2024-10-01\ntags: [a, b]\n---" + BODY, encoding="utf-8")
    [doc] = read_documents(path)
    assert doc.title == "The council" and doc.metadata["tags"] == ["a", "b"]
    assert str(doc.metadata["date"]) == "2024-10-01"


def test_a_line_of_unbalanced_brackets_is_read_in_linear_time(tmp_path):
    """Generous bound: a linear reader needs well under a second for this; the quadratic one a minute."""
    path = tmp_path / "brackets.txt"
    path.write_text("The council met on Monday.\n\n" + "[" * 40_000 + "\n", encoding="utf-8")
    code = ("import sys\nfrom corpus.reading.reader import read_documents\nfrom corpus.errors import CorpusError\n"
            "try:\n    read_documents(sys.argv[1])\nexcept CorpusError:\n    pass\n")
    try:
        run = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True,
                             timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("reading one line of brackets took more than 10 s")
    assert run.returncode == 0, run.stderr


def test_brackets_spread_over_lines_are_fine(tmp_path):
    """2000 lines of balanced Markdown brackets are ordinary text: the document is read, the sentence
    before them is kept, and every line's text is there once (the link [b](x) gives its text b)."""
    path = tmp_path / "brackets.md"
    path.write_text("The council met on Monday.\n\n" + "[a] [b](x) ![c]\n" * 2000, encoding="utf-8")
    [doc] = read_documents(path)
    assert doc.lang == "en" and doc.sentence_texts[0] == "The council met on Monday."
    rest = " ".join(doc.sentence_texts[1:]).split()
    assert rest.count("[a]") == rest.count("b") == rest.count("![c]") == 2000 and len(rest) == 6000
