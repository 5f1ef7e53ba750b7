"""Translations side by side in the terminal (rich): a table with a wrapped column per language, the fidelity
coloured on the same colour-blind-safe scale as the page (with its number), flags under each text, numbers
and names marked as on the page; paged when it is long and stdout is a terminal, plain text otherwise.

`run_compare` is the `corpus compare` command: one file -> table (or page with --html); two files of one
source -> their renderings paired by source text, with chrF and differences.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from corpus.atomic import write_text_atomic
from corpus.errors import CorpusError
from corpus.formats.table import languages
from corpus.formats.tmx import select_languages
from corpus.views.highlight import diff_pieces, mark_unit, uses_characters
from corpus.views.inspect import open_units
from corpus.views.page import filter_pairs, filter_units, pair_translations, render_pairs_page, unit_frame, write_page

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
    """Rich text of marked pieces (see corpus.views.highlight): matches underlined in their group's colour,
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


def _text_width(console: Console, fixed: list[int], n_text: int) -> int:
    """Width of each text column so that the table fits the console: fixed widths given for the other
    columns spare rich from measuring every cell of a long table (minutes for 10,000 units)."""
    spare = console.width - sum(fixed) - 3 * (len(fixed) + n_text)  # padding and divider: 3 per column
    return max(12, spare // max(1, n_text))


def _new_table(console: Console, columns: list[tuple[str, int, str]], *, header: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False, header_style="bold", show_header=header)
    for title, width, justify in columns:
        table.add_column(title, width=width, justify=justify, overflow="fold", no_wrap=width < 12)
    return table


class _PagerConsole(Console):
    def on_broken_pipe(self) -> None:
        raise BrokenPipeError  # the reader closed the pager: stop rendering (rich would exit the program)


def _print_tables(console: Console, columns: list[tuple[str, int, str]], rows, total: int, pager: bool) -> None:
    """Rows as tables of 50 rows with the same column widths, so output starts at once and memory stays flat;
    on a terminal, a table longer than the screen streams into the pager ($PAGER, else `less -R`) as it is
    rendered (rich takes ~1.5 ms per unit: the first screen of 10,000 units shows at once, not after 15 s)."""
    chunk = 50

    def emit(out: Console) -> None:
        table = _new_table(out, columns, header=True)
        for n, row in enumerate(rows, 1):
            table.add_row(*row)
            if n % chunk == 0:
                out.print(table)
                table = _new_table(out, columns, header=False)
        if table.row_count or total == 0:
            out.print(table)

    command = os.environ.get("PAGER") or ("less" if shutil.which("less") else "")
    if not (pager and command and console.is_terminal and total * 3 > console.height):
        emit(console)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "-R")  # keep the colours in less
    proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)  # a shell command, as pydoc
    stream = io.TextIOWrapper(proc.stdin, encoding="utf-8", errors="replace", write_through=True)
    paged = _PagerConsole(file=stream, force_terminal=True, color_system=console.color_system, width=console.width,
                          height=console.height)
    try:
        emit(paged)
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the reader quit the pager before the end
    finally:
        with contextlib.suppress(BrokenPipeError, OSError):
            stream.close()
        proc.wait()


def print_units(units: pl.DataFrame, *, langs: list[str] | None = None, low: float = 0.5,
                grep: str | None = None, console: Console | None = None, pager: bool = True) -> int:
    """Print the units (already filtered) as a table with a column per language; return the units shown.
    Paged through `less -R` when stdout is a terminal and the table is longer than the screen."""
    console = console or Console()
    w, langs = unit_frame(units, langs)
    id_width = max(1, w.get_column("unit_id").cast(pl.Utf8).str.len_chars().max() or 1)
    link_width = max([4, *(len(x or "") for x in w.get_column("link").unique().to_list())])
    fixed = [id_width, link_width, 6]
    text_width = _text_width(console, fixed, len(langs))
    columns = [("#", id_width, "right"), ("link", link_width, "left"), ("fid.", 6, "right")]
    columns += [(lang, text_width, "left") for lang in langs]
    low_count = w.filter(pl.col("score") < low).height

    def rows():
        for r in w.iter_rows(named=True):
            texts = {lang: r[f"text_{lang}"] for lang in langs if r[f"text_{lang}"] is not None}
            pieces = mark_unit(texts)
            score = r["score"]
            link = Text(r["link"] or "?", style="bold red" if len(texts) < 2 else "")
            yield [Text(str(r["unit_id"]), style="dim"), link, score_text(score),
                   *(_cell(pieces.get(lang), r[f"fidelity_{lang}"], list(r[f"flags_{lang}"] or []), grep=grep,
                           missing=lang) for lang in langs)]

    _print_tables(console, columns, rows(), w.height, pager)
    console.print(f"{w.height} units · {low_count} with fidelity < {low:.2f}", style="dim", highlight=False)
    return w.height


def print_pairs(pairs: pl.DataFrame, source_lang: str, target_lang: str, *, names: tuple[str, str] = ("A", "B"),
                grep: str | None = None, console: Console | None = None, pager: bool = True) -> int:
    """Print two renderings of one source side by side with their chrF and differences."""
    console = console or Console()
    chars = uses_characters(target_lang)
    text_width = _text_width(console, [6], 3)
    columns = [("chrF", 6, "right"), (f"{source_lang} (source)", text_width, "left"),
               (f"A {target_lang}: {names[0]}", text_width, "left"), (f"B {target_lang}: {names[1]}", text_width, "left")]

    def rows():
        for r in pairs.iter_rows(named=True):
            a, b = r["a"], r["b"]
            pa, pb = diff_pieces(a, b, chars=chars) if a is not None and b is not None else (
                [a] if a is not None else None, [b] if b is not None else None)
            chrf = None if r["chrf"] is None else r["chrf"] / 100
            yield [score_text(chrf, scale=100), pieces_text([r["source"] or ""], grep=grep),
                   _cell(pa, r["a_fidelity"], r["a_flags"], grep=grep, missing=f"unit in {names[0]}"),
                   _cell(pb, r["b_fidelity"], r["b_flags"], grep=grep, missing=f"unit in {names[1]}")]

    _print_tables(console, columns, rows(), pairs.height, pager)
    both = pairs.filter(pl.col("chrf").is_not_null())
    mean = both.get_column("chrf").mean() if both.height else None
    console.print(f"{pairs.height} rows · {both.height} paired · mean chrF "
                  f"{'–' if mean is None else f'{mean:.1f}'}", style="dim", highlight=False)
    return pairs.height


def _base_langs(units: pl.DataFrame, codes: list[str] | None) -> list[str] | None:
    """Language codes as a user writes them (`de`, `ZH-CN`, `zh_Hans`) -> the table's base codes."""
    if not codes:
        return None

    return [base for base, _ in select_languages(units, codes)[1]]


def run_compare(files: list[Path], *, html: Path | None = None, langs: list[str] | None = None,
                source_lang: str | None = None, only_flagged: bool = False, grep: str | None = None,
                low: float = 0.5, title: str | None = None, pager: bool = True,
                console: Console | None = None) -> None:
    """The `corpus compare` command."""
    console = console or Console()
    if len(files) not in (1, 2):
        raise CorpusError(f"compare takes one file, or two translations of one source (got {len(files)} files)")
    if len(files) == 1:
        units = open_units(files[0]).units
        chosen = _base_langs(units, langs) or languages(units)  # the table's order, whatever the filter keeps
        units = units.filter(pl.col("lang").is_in(chosen))  # flags and words count in the languages shown only
        shown = filter_units(units, only_flagged=only_flagged, grep=grep)
        chosen = [lang for lang in chosen if lang in set(languages(shown))]
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
