"""Exports of the units table for other tools: CSV, Parquet, JSON lines (the long table, one row per unit x
language) and Moses (one plain-text file per language, line N of each file = unit N), every file atomic.

`corpus inspect --format` calls `export_units`; other commands can reuse the single writers.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from corpus.atomic import atomic_open, atomic_path
from corpus.errors import CorpusError
from corpus.formats.table import wide, write_csv, write_parquet
from corpus.formats.tmx import format_lang, select_languages

EXPORT_FORMATS = ("csv", "parquet", "jsonl", "moses")

# Every line break Unicode knows (and the form feed/vertical tab): a Moses line must stay one line.
_LINE_BREAKS = r"[\r\n\x0B\x0C\x{85}\x{2028}\x{2029}]+"


def write_jsonl(df: pl.DataFrame, path: str | os.PathLike) -> None:
    """One JSON object per row, UTF-8 unescaped, lists as JSON arrays."""
    with atomic_path(path) as tmp:
        df.write_ndjson(tmp)


def moses_paths(path: str | os.PathLike, codes: list[str]) -> list[Path]:
    """`PATH.<code>` for each language: the Moses/OPUS naming (corpus.en, corpus.de)."""
    return [Path(f"{path}.{code}") for code in codes]


def write_moses(df: pl.DataFrame, path: str | os.PathLike, langs: list[str] | None = None) -> list[Path]:
    """Line-aligned plain text, one file per language, only units that have every chosen language.

    Line breaks inside a segment become one space each run, so line N is unit N in every file.
    Returns the files written, in language order.
    """
    rows, chosen = select_languages(df, langs)
    bases = [base for base, _ in chosen]
    codes = [format_lang(base, script) for base, script in chosen]
    table = wide(rows, bases).filter(pl.all_horizontal(pl.col(f"text_{b}").is_not_null() for b in bases))
    paths = moses_paths(path, codes)
    for base, target in zip(bases, paths):
        lines = table.get_column(f"text_{base}").str.replace_all(_LINE_BREAKS, " ")
        with atomic_open(target, "w") as fh:
            fh.writelines(f"{line}\n" for line in lines)
    return paths


def export_units(
    df: pl.DataFrame, path: str | os.PathLike, fmt: str, *, langs: list[str] | None = None
) -> list[Path]:
    """Write `df` (rows of `langs` only, when given) as `fmt`; return the files written.

    csv/parquet/jsonl keep every row of the chosen languages; moses keeps only units having all of them.
    """
    if fmt not in EXPORT_FORMATS:
        raise CorpusError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    if fmt == "moses":
        return write_moses(df, path, langs)
    rows = select_languages(df, langs)[0] if langs else df
    writer = {"csv": write_csv, "parquet": write_parquet, "jsonl": write_jsonl}[fmt]
    writer(rows, path)
    return [Path(path)]


def format_from_suffix(path: str | os.PathLike) -> str | None:
    """`x.csv` -> csv, `x.parquet` -> parquet, `x.jsonl`/`x.ndjson` -> jsonl; None when the suffix says nothing."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"csv": "csv", "parquet": "parquet", "pq": "parquet", "jsonl": "jsonl", "ndjson": "jsonl"}.get(suffix)
