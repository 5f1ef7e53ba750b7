"""`corpus inspect`: what a TMX file (or a units table in Parquet) holds, at a glance.

Header, languages with their segment counts, units, link types, confidence and fidelity, a few sample units;
`grep_units` finds units by a word in any language. The numbers are polars aggregations over the units table,
so a TMX from any tool is summarised the same way as ours.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import polars as pl

from corpus.errors import CorpusError
from corpus.formats.export import EXPORT_FORMATS, export_units, format_from_suffix
from corpus.formats.table import read_parquet, wide
from corpus.formats.tmx import language_tags, load_tmx, select_languages

_STATS = ("n", "min", "mean", "median", "max")


@dataclasses.dataclass
class Inspected:
    """A file opened for inspection: its units table and whatever header it has."""

    path: Path
    kind: str  # "TMX 1.4", "Parquet units table"
    header: dict[str, str]
    units: pl.DataFrame
    codes_in_file: dict[str, int]  # language codes as written in the file -> segments (TMX only)
    tu_count: int


def open_units(path: str | os.PathLike) -> Inspected:
    """Read a TMX file, or a units table stored as .parquet, for inspection."""
    p = Path(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        df = read_parquet(p)
        return Inspected(p, "Parquet units table", {}, df, {}, df.select("corpus", "unit_id").n_unique())
    doc = load_tmx(p)
    return Inspected(p, f"TMX {doc.version or '(no version)'}", doc.header, doc.units, doc.segments, doc.tu_count)


def grep_units(df: pl.DataFrame, word: str) -> pl.DataFrame:
    """All rows of the units in which any variant contains `word` (literal, case-insensitive)."""
    hits = df.filter(pl.col("text").str.to_lowercase().str.contains(word.lower(), literal=True))
    return df.join(hits.select("corpus", "unit_id").unique(), on=["corpus", "unit_id"], how="semi")


def _with_codes(df: pl.DataFrame) -> pl.DataFrame:
    """The rows with a `code` column: the language code as our TMX writes it (`en`, `zh-CN`)."""
    return df.with_columns(pl.col("script").fill_null("")).join(
        language_tags(df).rename({"tag": "code"}), on=["lang", "script"], how="left", maintain_order="left"
    )


def language_counts(df: pl.DataFrame) -> pl.DataFrame:
    """`code` and `segments` per language, in order of first appearance."""
    return _with_codes(df).group_by("code", maintain_order=True).len("segments")


def link_counts(df: pl.DataFrame) -> pl.DataFrame:
    """Units per link type, most frequent first; units without a link type count as "(none)"."""
    per_unit = df.group_by("corpus", "unit_id").agg(pl.col("link").first())
    return (
        per_unit.with_columns(pl.col("link").fill_null("").replace("", "(none)"))
        .group_by("link").len("units").sort(["units", "link"], descending=[True, False])
    )


def _stats(values: pl.Expr) -> list[pl.Expr]:
    return [values.count().alias("n"), values.min().alias("min"), values.mean().alias("mean"),
            values.median().alias("median"), values.max().alias("max")]


def confidence_summary(df: pl.DataFrame) -> dict[str, float | int | None]:
    """n/min/mean/median/max of the unit confidences (one value per unit; nulls not counted)."""
    per_unit = df.group_by("corpus", "unit_id").agg(pl.col("confidence").first())
    return per_unit.select(_stats(pl.col("confidence"))).row(0, named=True)


def fidelity_summary(df: pl.DataFrame) -> pl.DataFrame:
    """Per language: how many variants carry a fidelity score, and its min/mean/median/max."""
    return _with_codes(df).group_by("code", maintain_order=True).agg(_stats(pl.col("fidelity")))


def render(item: Inspected, *, shown: pl.DataFrame | None = None, samples: int = 5, title: str = "Sample units",
           console=None) -> None:
    """Print the summary of `item.units` (rich tables), then up to `samples` units of `shown`."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    df = item.units
    console.print(Text.assemble((str(item.path), "bold"), f": {item.kind}"))
    if item.header:
        head = Table(title="Header", show_header=False, title_justify="left")
        for key, value in item.header.items():
            head.add_row(Text(key), Text(value))
        console.print(head)
    n_units = df.select("corpus", "unit_id").n_unique()
    console.print(f"Units: {n_units}   segments: {df.height}")

    langs = Table(title="Languages", title_justify="left")
    for column in ("language", "segments"):
        langs.add_column(column, justify="right" if column == "segments" else "left")
    for code, segments in language_counts(df).iter_rows():
        langs.add_row(Text(code), str(segments))
    console.print(langs)
    if item.codes_in_file and list(item.codes_in_file) != language_counts(df)["code"].to_list():
        console.print(Text("Codes in the file: " + ", ".join(f"{c} ({n})" for c, n in item.codes_in_file.items())))

    links = Table(title="Link types", title_justify="left")
    links.add_column("link")
    links.add_column("units", justify="right")
    for link, units in link_counts(df).iter_rows():
        links.add_row(Text(link), str(units))
    console.print(links)

    scores = Table(title="Confidence and fidelity", title_justify="left")
    scores.add_column("")
    for stat in _STATS:
        scores.add_column(stat, justify="right")
    scores.add_row("confidence", *_cells(confidence_summary(df)))
    for row in fidelity_summary(df).iter_rows(named=True):
        scores.add_row(Text(f"fidelity {row['code']}"), *_cells(row))
    console.print(scores)

    shown = df if shown is None else shown
    if samples and shown.height:
        render_units(shown, samples=samples, title=title, console=console)


def render_units(df: pl.DataFrame, *, samples: int, title: str, console) -> None:
    """The first `samples` units of `df`, one row each, one column per language."""
    from rich.table import Table
    from rich.text import Text

    codes = language_counts(df)["code"].to_list()
    bases = list(dict.fromkeys(df.get_column("lang").to_list()))
    table = Table(title=title, title_justify="left", show_lines=True)
    for column in ("unit", "link", "conf."):
        table.add_column(column, no_wrap=True)
    for base in bases:
        table.add_column(", ".join(c for c in codes if c.split("-")[0] == base) or base, overflow="fold")
    for row in wide(df, bases).head(samples).iter_rows(named=True):
        unit = f"{row['corpus']}-{row['unit_id']}" if row["corpus"] else str(row["unit_id"])
        confidence = "" if row["confidence"] is None else f"{row['confidence']:.2f}"
        table.add_row(Text(unit), Text(row["link"] or ""), confidence,
                      *(Text(row[f"text_{b}"] or "") for b in bases))
    console.print(table)


def _cells(stats: dict) -> list[str]:
    cells = [str(stats.get("n") or 0)]
    for stat in _STATS[1:]:
        value = stats.get(stat)
        cells.append("" if value is None else f"{value:.3f}")
    return cells


def run_inspect(path: str | os.PathLike, *, grep: str | None = None, langs: list[str] | None = None,
                fmt: str | None = None, output: str | os.PathLike | None = None,
                samples: int | None = None, console=None) -> list[Path]:
    """The `corpus inspect` command: summary, optional grep, optional export; returns the files exported."""
    from rich.text import Text

    if output is not None and fmt is None:
        fmt = format_from_suffix(output)
        if fmt is None:
            raise CorpusError(f"cannot tell the export format from the name; add --format "
                              f"({', '.join(EXPORT_FORMATS)})", output)
    if fmt is not None and output is None:
        raise CorpusError(f"--format {fmt} needs -o PATH (where to write)")
    if fmt is not None and fmt not in EXPORT_FORMATS:
        raise CorpusError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")

    item = open_units(path)
    if langs:
        try:
            item.units = select_languages(item.units, langs)[0]
        except CorpusError as exc:
            raise CorpusError(str(exc), None if exc.path else item.path) from None
        item.codes_in_file = {}  # counts of the whole file would not match the languages shown
    shown, title = item.units, "Sample units"
    if grep is not None:
        shown = grep_units(item.units, grep)
        n = shown.select("corpus", "unit_id").n_unique()
        title = f"{n} unit{'s' if n != 1 else ''} containing {grep!r}"
        samples = 20 if samples is None else samples
    render(item, shown=shown, samples=5 if samples is None else samples, title=title, console=console)
    if grep is not None and shown.is_empty():
        (console or _console()).print(Text(f"No unit contains {grep!r}."))
    if fmt is None:
        return []
    written = export_units(shown, output, fmt, langs=langs)
    (console or _console()).print(Text("Wrote " + ", ".join(str(p) for p in written)))
    return written


def _console():
    from rich.console import Console

    return Console()
