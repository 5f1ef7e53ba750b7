"""Translations side by side in the terminal (rich): a table with a wrapped column per language, the fidelity
coloured on the same colour-blind-safe scale as the page (with its number), flags under each text, numbers
and names marked as on the page; paged when it is long and stdout is a terminal, plain text otherwise.

`run_compare` is the `corpus compare` command: one file -> table (or page with --html); two files of one
source -> their renderings paired by source text, with chrF and differences.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from corpus.errors import CorpusError
from corpus.highlight import diff_pieces, mark_unit, uses_characters

# viridis, as on the page: dark = low, light = high; the number is always printed too
VIRIDIS = ["#471365", "#463480", "#3b528b", "#2f6c8e", "#25848e", "#1e9c89", "#2fb47c", "#5ec962", "#9bd93c",
           "#dfe318"]
# Okabe-Ito: one colour per group of matching numbers/names
GROUP_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#b8a200", "#d55e00", "#777777"]


def score_text(value: float | None, *, scale: int = 1) -> Text:
    if value is None:
        return Text("–", style="dim")
    bin_ = min(9, int(value * 10))
    label = f"{value * 100:.1f}" if scale == 100 else f"{value:.2f}"
    return Text(f" {label} ", style=f"bold {'white' if bin_ < 5 else 'black'} on {VIRIDIS[bin_]}")


def pieces_text(pieces: list, *, grep: str | None = None) -> Text:
    """Rich text of marked pieces (see corpus.highlight): matches underlined in their group's colour,
    mismatches reversed in red, differences of two renderings underlined (A) or bold (B)."""
    out = Text()
    for p in pieces:
        if isinstance(p, str):
            out.append(p)
            continue
        text, kind, group, missing = p
        if kind == "-":
            style = "underline #e69f00"
        elif kind == "+":
            style = "bold #56b4e9"
        elif group < 0:
            style = "bold reverse red"
        else:
            style = f"underline {GROUP_COLOURS[group % 8]}" + (" italic" if missing else "")
        out.append(text, style=style)
    if grep:
        out.highlight_words([grep], style="reverse", case_sensitive=False)
    return out


def _cell(pieces: list | None, fidelity: float | None, flags: list[str], *, grep: str | None, missing: str) -> Text:
    if pieces is None:
        return Text(f"— no {missing} —", style="dim italic")
    text = pieces_text(pieces, grep=grep)
    if fidelity is not None or flags:
        text.append("\n")
        if fidelity is not None:
            text.append_text(score_text(fidelity))
        for flag in flags:
            text.append(" ")
            text.append(f"⚑ {flag}", style="bold red")
    return text


def _show(console: Console, table: Table, rows: int, pager: bool) -> None:
    """Page through `less -R` when stdout is a terminal and the table is longer than the screen."""
    if pager and console.is_terminal and rows * 3 > console.height:
        os.environ.setdefault("LESS", "-R")  # keep the colours in less
        with console.pager(styles=True):
            console.print(table)
    else:
        console.print(table)


def print_units(units: pl.DataFrame, *, langs: list[str] | None = None, low: float = 0.5,
                grep: str | None = None, console: Console | None = None, pager: bool = True) -> int:
    """Print the units (already filtered) as a table with a column per language; return the units shown."""
    from corpus.page import unit_frame

    console = console or Console()
    w, langs = unit_frame(units, langs)
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", no_wrap=True, style="dim")
    table.add_column("link", no_wrap=True)
    table.add_column("fid.", no_wrap=True, justify="right")
    for lang in langs:
        table.add_column(lang, ratio=1, overflow="fold")
    low_count = 0
    for r in w.iter_rows(named=True):
        texts = {lang: r[f"text_{lang}"] for lang in langs if r[f"text_{lang}"] is not None}
        pieces = mark_unit(texts)
        score = r["score"]
        low_count += score is not None and score < low
        link = Text(r["link"] or "?", style="bold red" if len(texts) < 2 else "")
        table.add_row(
            str(r["unit_id"]), link, score_text(score),
            *(_cell(pieces.get(lang), r[f"fidelity_{lang}"], list(r[f"flags_{lang}"] or []), grep=grep,
                    missing=lang) for lang in langs),
        )
    _show(console, table, w.height, pager)
    console.print(f"{w.height} units · {low_count} with fidelity < {low:.2f}", style="dim", highlight=False)
    return w.height


def print_pairs(pairs: pl.DataFrame, source_lang: str, target_lang: str, *, names: tuple[str, str] = ("A", "B"),
                grep: str | None = None, console: Console | None = None, pager: bool = True) -> int:
    """Print two renderings of one source side by side with their chrF and differences."""
    console = console or Console()
    chars = uses_characters(target_lang)
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False, header_style="bold")
    table.add_column("chrF", no_wrap=True, justify="right")
    table.add_column(f"{source_lang} (source)", ratio=1, overflow="fold")
    table.add_column(f"A {target_lang}: {names[0]}", ratio=1, overflow="fold")
    table.add_column(f"B {target_lang}: {names[1]}", ratio=1, overflow="fold")
    for r in pairs.iter_rows(named=True):
        a, b = r["a"], r["b"]
        pa, pb = diff_pieces(a, b, chars=chars) if a is not None and b is not None else (
            [a] if a is not None else None, [b] if b is not None else None)
        chrf = None if r["chrf"] is None else r["chrf"] / 100
        table.add_row(score_text(chrf, scale=100), pieces_text([r["source"] or ""], grep=grep),
                      _cell(pa, r["a_fidelity"], r["a_flags"], grep=grep, missing=f"unit in {names[0]}"),
                      _cell(pb, r["b_fidelity"], r["b_flags"], grep=grep, missing=f"unit in {names[1]}"))
    _show(console, table, pairs.height, pager)
    both = pairs.filter(pl.col("chrf").is_not_null())
    mean = both.get_column("chrf").mean() if both.height else None
    console.print(f"{pairs.height} rows · {both.height} paired · mean chrF "
                  f"{'–' if mean is None else f'{mean:.1f}'}", style="dim", highlight=False)
    return pairs.height


def _base_langs(units: pl.DataFrame, codes: list[str] | None) -> list[str] | None:
    """Language codes as a user writes them (`de`, `ZH-CN`, `zh_Hans`) -> the table's base codes."""
    if not codes:
        return None
    from corpus.tmx import select_languages

    return [base for base, _ in select_languages(units, codes)[1]]


def run_compare(files: list[Path], *, html: Path | None = None, langs: list[str] | None = None,
                source_lang: str | None = None, only_flagged: bool = False, grep: str | None = None,
                low: float = 0.5, title: str | None = None, pager: bool = True,
                console: Console | None = None) -> None:
    """The `corpus compare` command."""
    from corpus.inspect import open_units
    from corpus.atomic import write_text_atomic
    from corpus.page import filter_pairs, filter_units, pair_translations, render_pairs_page, write_page

    console = console or Console()
    if len(files) not in (1, 2):
        raise CorpusError(f"compare takes one file, or two translations of one source (got {len(files)} files)")
    if len(files) == 1:
        units = open_units(files[0]).units
        chosen = _base_langs(units, langs)
        if chosen:  # flags and words count in the languages shown only
            units = units.filter(pl.col("lang").is_in(chosen))
        shown = filter_units(units, only_flagged=only_flagged, grep=grep)
        if html:
            write_page(shown, html, langs=chosen, title=title or files[0].name, low=low)
            console.print(f"wrote {html} ({shown.select('corpus', 'unit_id').n_unique()} units)")
        else:
            print_units(shown, langs=chosen, low=low, grep=grep, console=console, pager=pager)
        return
    a, b = (open_units(f).units for f in files)
    source = _base_langs(a, [source_lang])[0] if source_lang else None
    targets = [lang for lang in (_base_langs(a, langs) or []) if lang != source]
    names = (files[0].name, files[1].name)
    pairs, src, tgt = pair_translations(a, b, source_lang=source, target_lang=targets[0] if targets else None)
    pairs = filter_pairs(pairs, only_flagged=only_flagged, grep=grep)
    if html:
        write_text_atomic(html, render_pairs_page(pairs, src, tgt, names=names, low=low,
                                                  title=title or f"{names[0]} vs {names[1]}"))
        console.print(f"wrote {html} ({pairs.height} rows, {src} source, {tgt} renderings)")
    else:
        print_pairs(pairs, src, tgt, names=names, grep=grep, console=console, pager=pager)
