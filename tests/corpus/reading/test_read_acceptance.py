"""The owner's check (issue 16): the letter converted by pandoc to DOCX, ODT, EPUB and HTML and the German
article printed to PDF by headless Chromium (its default header and footer on) give the sentences of the
text files; `corpus build` over a folder mixing those formats builds the same trilingual letter corpus as
the text seeds do; --format forces a reader where the suffix lies."""

from __future__ import annotations

import shutil
import subprocess
import sys

import polars as pl
import pytest

from corpus.reading.reader import read_documents, read_folder
from reading_helpers import LETTER, NEWS, SEEDS, article_pdf, gold, pandoc, sentence_f1, sentences

LETTER_FORMATS = ["docx", "odt", "epub", "html"]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("letter")
    return {fmt: pandoc(LETTER, folder / f"letter.{fmt}") for fmt in LETTER_FORMATS}


@pytest.mark.parametrize("fmt", LETTER_FORMATS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_letter_in_each_format_gives_the_letters_sentences(converted, fmt, lang):
    docs = read_documents(converted[fmt])
    assert docs[0].metadata["format"] == fmt
    f1 = sentence_f1(sentences(docs, lang), gold(lang))
    print(f"\nletter-{lang} from {fmt}: sentence F1 {f1:.3f}")
    assert f1 >= 0.95


def test_format_forces_the_reader_where_the_suffix_lies(converted, tmp_path):
    lying = tmp_path / "letter.txt"
    shutil.copy(converted["docx"], lying)
    forced = read_documents(lying, fmt="docx")
    assert sentences(forced, "en") == sentences(read_documents(converted["docx"]), "en")
    unknown = tmp_path / "letter.bin"
    shutil.copy(converted["odt"], unknown)
    assert read_documents(unknown)[0].metadata["format"] == "odt"  # no known suffix: the bytes tell


def test_segment_command_reads_the_format_and_says_where(converted):
    run = subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", "segment",
                          str(converted["html"]), "--lang", "en", "-f", "jsonl"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    first = run.stdout.splitlines()[2]
    assert '"where": "paragraph' in first and "Runway is not an AI company." in first


def _units(path) -> list:
    units = pl.read_parquet(path).sort(["unit_id", "lang"])
    return units.group_by("unit_id", maintain_order=True).agg(
        pl.concat_str([pl.col("lang"), pl.lit(": "), pl.col("text")]).alias("texts"), pl.col("link").first()
    ).select("texts", "link").rows()


@pytest.mark.slow
@pytest.mark.browser  # the article PDF is printed by headless Chromium
def test_build_over_mixed_formats_gives_the_letter_corpus_of_the_text_files(tmp_path):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    pandoc(LETTER, mixed / "letter.docx")
    shutil.copy(article_pdf(tmp_path), mixed / "article.pdf")
    for source, fmt in zip(NEWS, ["odt", "epub", "html"]):
        pandoc(source, mixed / f"{source.stem}.{fmt}", "--metadata", "title=news")
    assert {d.metadata["format"] for d in read_folder(mixed)} == {"docx", "pdf", "odt", "epub", "html"}
    outputs = {}
    for name, folder in (("text", SEEDS), ("mixed", mixed)):
        run = subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", "build", str(folder),
                              "--out", str(tmp_path / f"out-{name}"), "--name", "letter", "--no-fidelity"],
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        outputs[name] = _units(tmp_path / f"out-{name}" / "letter.parquet")
    text_units, mixed_units = outputs["text"], outputs["mixed"]
    same = sum(1 for a, b in zip(text_units, mixed_units) if a == b)
    print(f"\nbuild: {len(text_units)} units from the text seeds, {len(mixed_units)} from the mixed formats, "
          f"{same} identical")
    assert mixed_units == text_units
