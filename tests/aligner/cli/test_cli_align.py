"""`corpus align` end to end in a subprocess: presegmented files (blank lines keep line numbering), the link
format on stdout and in --links, --table and --tmx outputs, the signature on stderr, and user errors as one
line with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aligner.align.links import parse_links, read_links

DE = ["Der Gipfel ist 8848 Meter hoch.", "", "Die Expedition begann im März.", "Sie dauerte drei Monate.",
      "Das Wetter war schlecht.", "Alle kehrten gesund zurück."]
FR = ["Le sommet culmine à 8848 mètres.", "L'expédition a commencé en mars et a duré trois mois.", "",
      "Le temps était mauvais.", "Tous sont rentrés sains et saufs."]


def _corpus(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aligner.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "a.de").write_text("\n".join(DE) + "\n", encoding="utf-8")
    (tmp_path / "a.fr").write_text("\n".join(FR) + "\n", encoding="utf-8")
    return tmp_path


def test_presegmented_links_use_file_line_numbers(files):
    run = _corpus("align", "a.de", "a.fr", "--src-lang", "de", "--tgt-lang", "fr", "--presegmented", cwd=files)
    assert run.returncode == 0, run.stderr
    links = parse_links(run.stdout)
    # blank lines (de 1, fr 2) are in no link; every other line is in exactly one, in order
    assert [s for l in links for s in l.src] == [0, 2, 3, 4, 5]
    assert [t for l in links for t in l.tgt] == [0, 1, 3, 4]
    assert [(l.src, l.tgt) for l in links][:2] == [((0,), (0,)), ((2, 3), (1,))]
    assert run.stderr.strip().splitlines()[-1].startswith("aligner:bandalign|emb:usem3-")


def test_links_table_and_tmx_files(files):
    run = _corpus("align", "a.de", "a.fr", "--src-lang", "de", "--tgt-lang", "fr", "--presegmented",
                  "--links", "out.links", "--table", "out.parquet", "--tmx", "out.tmx", "--features",
                  "embedding,length", cwd=files)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    links = read_links(files / "out.links")
    from corpus.formats.table import read_parquet, validate_units

    table = validate_units(read_parquet(files / "out.parquet"))
    assert table.height == sum(bool(l.src) + bool(l.tgt) for l in links)
    # sent_ids in the table are the same line numbers as in the links
    assert sorted(i for ids in table.filter(table["lang"] == "de")["sent_ids"] for i in ids) == [0, 2, 3, 4, 5]
    # and each sentence's place is its 1-based line in the file
    assert all(w == [f"line {i + 1}" for i in ids] for ids, w in table.select("sent_ids", "where").iter_rows())
    from lxml import etree

    tree = etree.parse(str(files / "out.tmx"))
    segs = tree.findall(".//tu/tuv/seg")
    assert any("8848 mètres" in (s.text or "") for s in segs)
    assert "line 3; line 4" in [p.text for p in tree.findall(".//tu/tuv/prop[@type='x-where']")]  # de 2+3 ~ fr 1
    assert "feat:embedding-2+length-2|" in run.stderr


def test_documents_are_segmented_first(tmp_path):
    (tmp_path / "en.md").write_text("# A title\n\nThe summit is high. The expedition began in March.\n",
                                    encoding="utf-8")
    (tmp_path / "de.md").write_text("# Ein Titel\n\nDer Gipfel ist hoch. Die Expedition begann im März.\n",
                                    encoding="utf-8")
    run = _corpus("align", "en.md", "de.md", "--src-lang", "en", "--tgt-lang", "de", "--table", "t.parquet",
                  cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert [(l.src, l.tgt) for l in parse_links(run.stdout)] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    from corpus.formats.table import read_parquet

    table = read_parquet(tmp_path / "t.parquet")  # the places the reader gave: the heading's line, then line 3
    assert table.filter(table["lang"] == "en")["where"].to_list() == [["line 1"], ["line 3"], ["line 3"]]


@pytest.mark.parametrize("args, message", [
    (["--src-lang", "xx", "--tgt-lang", "fr", "--presegmented"], "unknown language code 'xx'"),
    (["--src-lang", "fr", "--tgt-lang", "fr", "--presegmented", "--features", "embedding,x"], "unknown feature"),
    (["--src-lang", "en", "--tgt-lang", "fr"], "no en text in this file"),
])
def test_user_errors_are_one_line_and_exit_2(files, args, message):
    run = _corpus("align", "a.de", "a.fr", *args, cwd=files)
    assert run.returncode == 2
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_language_contradicted_by_the_text_is_an_error(tmp_path):
    text = "\n".join(["Die Expedition begann im März und dauerte drei Monate bis zum Gipfel."] * 6) + "\n"
    (tmp_path / "x.txt").write_text(text, encoding="utf-8")
    run = _corpus("align", "x.txt", "x.txt", "--src-lang", "fr", "--tgt-lang", "de", "--presegmented",
                  cwd=tmp_path)
    assert run.returncode == 2
    assert "x.txt: the text is in de, not fr" in run.stderr
