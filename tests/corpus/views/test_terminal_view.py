"""`corpus compare` in the terminal: a wrapped table per language, filters, paging on a terminal, plain text
when piped; and the command's page and error paths on real TMX files."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from aligner.cli import app
from corpus.views.page import filter_units, pair_translations
from corpus.views.terminal import print_pairs, print_units
from corpus.formats.tmx import read_tmx, write_tmx
from test_page_render import embedded_data, trilingual_units, translation_units

ANSI = re.compile(r"\x1b\[[0-9;]*m")
A_DE = ["Das Archiv öffnet um 9 Uhr.", "Besucher müssen sich anmelden.", "Fotos dürfen nicht kopiert werden.",
        "Danke für Ihre Geduld."]
B_DE = ["Das Archiv öffnet um 10 Uhr.", "Besucher müssen sich registrieren.", "Fotos dürfen nicht kopiert werden.",
        "Vielen Dank für Ihre Geduld."]


@pytest.fixture(scope="module")
def tmx_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tmx")
    files = {"tri": folder / "letter.tmx", "a": folder / "a.tmx", "b": folder / "b.tmx"}
    write_tmx(trilingual_units(), files["tri"], include_single=True)
    write_tmx(translation_units(A_DE), files["a"])
    write_tmx(translation_units(B_DE, extra=(1, "Bags stay outside.", "Taschen bleiben draußen.")), files["b"])
    return files


def run(*args: str) -> str:
    result = CliRunner().invoke(app, ["compare", *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def plain_table(units, **kwargs) -> str:
    out = io.StringIO()
    print_units(units, console=Console(file=out, width=400, force_terminal=False), **kwargs)
    return out.getvalue()


def test_table_has_a_column_per_chosen_language_and_every_segment(tmx_files):
    out = run(str(tmx_files["tri"]), "--lang", "en", "--lang", "de")
    header = out.splitlines()[1]
    assert header.split() == ["#", "link", "fid.", "en", "de"]
    units = read_tmx(tmx_files["tri"])
    for text in units.filter(units["lang"].is_in(["en", "de"]))["text"]:
        assert " ".join(text.split()) in " ".join(out.split())
    assert "哈特曼" not in out and "阅览室" not in out  # zh not chosen
    assert "— no de —" in out and "⚑ number-mismatch" not in out  # the zh flag is not shown
    assert "\x1b[" not in out  # piped: plain text


def test_only_flagged_and_grep(tmx_files):
    flagged = run(str(tmx_files["tri"]), "--only-flagged")
    ids = [line.split()[0] for line in flagged.splitlines()[3:] if re.match(r"^\s*\d+\s+\d-\d", line)]
    assert ids == ["2", "3", "4", "6"]
    assert "⚑ omission" in flagged and "⚑ number-mismatch" in flagged
    en_de = run(str(tmx_files["tri"]), "--only-flagged", "--lang", "en", "--lang", "de")
    ids = [line.split()[0] for line in en_de.splitlines()[3:] if re.match(r"^\s*\d+\s+\d-\d", line)]
    assert ids == ["2", "3", "6"]  # unit 4 is flagged in zh only
    hits = run(str(tmx_files["tri"]), "--grep", "LESESÄLE")
    assert "Wir eröffneten 40 Lesesäle" in hits and "Hartmann" not in hits
    assert "1 units" in hits


def test_long_tables_are_paged_on_a_terminal(monkeypatch, tmp_path):
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"cat > '{paged}'")  # a real pager process, reading the table from a pipe
    out = io.StringIO()
    console = Console(file=out, width=120, height=12, force_terminal=True, color_system="truecolor")
    print_units(trilingual_units(), console=console)
    text = paged.read_text(encoding="utf-8")
    plain = ANSI.sub("", text)
    assert "Die Arbeit ist" in plain and "Anmerkung der" in plain and "\x1b[" in text  # coloured
    assert "48;2;" in text  # fidelity on its colour scale (truecolor background)
    assert "Die Arbeit" not in out.getvalue()  # the table went to the pager, the summary to the terminal
    assert "7 units · 2 with fidelity < 0.50" in out.getvalue()
    # short output, or no pager asked for: printed directly
    paged.unlink()
    print_units(filter_units(trilingual_units(), grep="Lesesäle"), console=console)
    print_units(trilingual_units(), console=console, pager=False)
    assert not paged.exists() and "Lesesäle" in out.getvalue()


def test_quitting_the_pager_early_is_not_an_error(monkeypatch):
    import polars as pl

    monkeypatch.setenv("PAGER", "head -c 100 > /dev/null")  # reads a little, then closes the pipe
    many = pl.concat([trilingual_units().with_columns(pl.col("unit_id") + 10 * k) for k in range(60)])
    console = Console(file=io.StringIO(), width=100, height=20, force_terminal=True)
    assert print_units(many, console=console) == 420


def test_two_translations_in_the_terminal(tmx_files):
    out = run(str(tmx_files["a"]), str(tmx_files["b"]))
    assert "en (source)" in out and "A de: a.tmx" in out and "B de: b.tmx" in out
    assert "100.0" in out and "— no unit in a.tmx —" in out
    assert "5 rows · 4 paired" in out
    pairs, src, tgt = pair_translations(read_tmx(tmx_files["a"]), read_tmx(tmx_files["b"]))
    console = Console(file=io.StringIO(), width=160, force_terminal=True, color_system="truecolor")
    print_pairs(pairs, src, tgt, console=console, pager=False)
    coloured = console.file.getvalue()
    assert re.search(r"\x1b\[[0-9;]*4[0-9;]*m9\x1b", coloured)  # "9" underlined: only in A


def test_page_from_the_command_line(tmx_files, tmp_path):
    page = tmp_path / "out.html"
    assert "wrote" in run(str(tmx_files["tri"]), "--html", str(page))
    data = embedded_data(page.read_text(encoding="utf-8"))
    texts = {"".join(p if isinstance(p, str) else p[0] for p in cell[0])
             for row in data["rows"] for cell in row[5] if cell}
    assert texts == set(read_tmx(tmx_files["tri"])["text"])  # every segment of the TMX
    run(str(tmx_files["a"]), str(tmx_files["b"]), "--html", str(page), "--grep", "anmelden")
    data = embedded_data(page.read_text(encoding="utf-8"))
    assert data["mode"] == "compare" and len(data["rows"]) == 1


def test_user_errors_are_one_line(tmx_files, tmp_path, monkeypatch, capsys):
    from aligner.cli import main

    cases = [
        ([str(tmp_path / "missing.tmx")], "no such file"),
        ([str(tmx_files["tri"]), "--lang", "fr"], "'fr' does not occur"),
        ([str(tmx_files["a"]), str(tmx_files["b"]), str(tmx_files["tri"])], "one file, or two"),
        ([str(tmx_files["a"]), str(tmx_files["b"]), "--source-lang", "zh"], "'zh' does not occur"),
    ]
    for args, message in cases:
        monkeypatch.setattr(sys, "argv", ["corpus", "compare", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        err = capsys.readouterr().err
        assert exit_.value.code == 2, err
        assert err.startswith("corpus: error: ") and message in err and len(err.strip().splitlines()) == 1
