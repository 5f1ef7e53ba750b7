"""Bad input: one clear line on stderr, exit code 2, no traceback (library: CorpusError)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from corpus.errors import CorpusError
from corpus.reading.reader import decode_bytes, read_documents
from support import ROOT, seed

LETTER = seed("004")
GERMAN = seed("001")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aligner.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


BAD_FILES = {
    "empty.txt": b"",
    "blank.txt": b" \n\t\r\n  \n",
    "bom-only.txt": b"\xef\xbb\xbf",
    "binary.txt": bytes(range(256)) * 4,
    "png.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "controls.txt": b"abc\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f def\x10\x11\x12\x13\x14" * 10,
    "undecodable.txt": bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x41]) * 30,
    "markup-only.md": b"![](https://x.org/a.png)\n\n---\n\n<br/>\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_raise_corpus_error_naming_the_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    with pytest.raises(CorpusError) as err:
        read_documents(path)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_utf16_after_bom():
    with pytest.raises(CorpusError, match="byte-order mark"):
        decode_bytes(b"\xff\xfe" + b"a\x00\x00\xd8")  # lone surrogate


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_documents(tmp_path / "nope.txt")
    with pytest.raises(CorpusError, match="folder"):
        read_documents(tmp_path)


@pytest.mark.parametrize("case", ["empty.txt", "binary.txt", "undecodable.txt"])
def test_cli_bad_file_exits_2_with_one_line(tmp_path, case):
    path = tmp_path / case
    path.write_bytes(BAD_FILES[case])
    result = run_cli("segment", str(path), "--lang", "en")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("corpus: error: ") and str(path) in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_missing_file_and_unknown_language(tmp_path):
    result = run_cli("segment", str(tmp_path / "missing.txt"), "--lang", "en")
    assert result.returncode == 2 and "no such file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli("segment", str(LETTER), "--lang", "klingon")
    assert result.returncode == 2 and "unknown language code 'klingon'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli("segment", str(LETTER), "--lang", "en", "--format", "xml")
    assert result.returncode == 2 and "unknown format" in result.stderr


def test_cli_language_absent_from_the_file():
    result = run_cli("segment", str(GERMAN), "--lang", "fr")
    assert result.returncode == 2 and "no fr text" in result.stderr and "found: de" in result.stderr


def test_cli_segment_prints_the_letter_per_language():
    en = run_cli("segment", str(LETTER), "--lang", "en")
    assert en.returncode == 0, en.stderr
    lines = en.stdout.splitlines()
    assert lines[:3] == ["A New Media Landscape", "October 2024", "Runway is not an AI company."]
    assert "I often talk about our work as a new kind of camera." in lines
    assert lines[-1] == "© 2024 Cristobal Valenzuela."
    assert "http" not in en.stdout and "[1" not in en.stdout and "新" not in en.stdout

    zh = run_cli("segment", str(LETTER), "--lang", "zh", "--format", "jsonl")
    assert zh.returncode == 0, zh.stderr
    records = [json.loads(line) for line in zh.stdout.splitlines()]
    assert [r["text"] for r in records[:2]] == ["新的媒体格局", "October 2024"]
    assert {r["doc"] for r in records} == {f"{LETTER.stem}.zh"}
    text = LETTER.read_text(encoding="utf-8")
    for r in records:
        assert text[r["start"]:r["end"]] == r["text"]
    assert [r["index"] for r in records] == list(range(len(records)))

    de = run_cli("segment", str(GERMAN), "--lang", "de")
    assert de.returncode == 0 and len(de.stdout.splitlines()) == 67
