"""The central table of aligned units, and its Parquet/CSV views.

Long format, one row per language variant of a unit:

| column     | type          | meaning                                                                      |
|------------|---------------|------------------------------------------------------------------------------|
| corpus     | str           | name of the corpus (document group) the unit belongs to                      |
| unit_id    | int64         | position of the unit in document order, 0-based, unique within `corpus`      |
| lang       | str           | ISO 639-1 code of the variant (`en`, `zh`, `de`); script goes in `script`    |
| script     | str           | ISO 15924 script where it matters (`Hans`/`Hant` for zh), else ""            |
| doc_id     | str           | id of the document the sentences come from                                   |
| sent_ids   | list[int64]   | 0-based sentence numbers in that document (empty list never occurs)          |
| where      | list[str]     | where each of those sentences stands in its file, one per sent_ids entry     |
|            |               | (`line 12`, `paragraph 4`, `page 3`, `cue 12 00:01:02,500 --> ...`); empty   |
|            |               | when not known (a TMX from another tool, sentences given without a file)     |
| text       | str           | the sentences as stored in the original, joined (no space between zh ones)   |
| link       | str           | link type over the unit's languages in `langs` order, e.g. `2-1` or `1-1-0`  |
| confidence | float64       | alignment confidence of the unit in [0, 1]                                   |
| fidelity   | float64, null | how faithfully this variant renders the unit's source variant, in [0, 1];    |
|            |               | null for the source variant itself and where not scored                      |
| flags      | list[str]     | QA flags of this variant (e.g. `number-mismatch`), empty when none           |

A unit lacking a language simply has no row for it; a sentence left unaligned is a unit with one row
(link such as `1-0`), so the table also says where omissions and additions happen.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from corpus.atomic import atomic_path
from corpus.errors import CorpusError

UNITS_SCHEMA: dict[str, pl.DataType] = {
    "corpus": pl.Utf8,
    "unit_id": pl.Int64,
    "lang": pl.Utf8,
    "script": pl.Utf8,
    "doc_id": pl.Utf8,
    "sent_ids": pl.List(pl.Int64),
    "where": pl.List(pl.Utf8),
    "text": pl.Utf8,
    "link": pl.Utf8,
    "confidence": pl.Float64,
    "fidelity": pl.Float64,
    "flags": pl.List(pl.Utf8),
}

# Places (`where`) joined into one string, in CSV and in the TMX x-where prop. No reader's own words hold it;
# only a file name inside a place could (an EPUB chapter, an XLIFF `original`), and would read back as two.
WHERE_SEP = "; "
LIST_COLUMNS = ("sent_ids", "where", "flags")

_DEFAULTS = {"corpus": "", "script": "", "doc_id": "", "link": "", "confidence": None, "fidelity": None}


def empty_units() -> pl.DataFrame:
    return pl.DataFrame(schema=UNITS_SCHEMA)


def units_frame(rows: list[dict] | pl.DataFrame) -> pl.DataFrame:
    """Build a units table from row dicts (or a frame), filling optional columns and fixing types/order."""
    df = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows, infer_schema_length=None)
    if df.is_empty() and not df.columns:
        return empty_units()
    missing = [c for c in ("unit_id", "lang", "text") if c not in df.columns]
    if missing:
        raise ValueError(f"units table lacks required columns {missing}")
    fill = []
    for name, dtype in UNITS_SCHEMA.items():
        if name in df.columns:
            continue
        if name in LIST_COLUMNS:
            fill.append(pl.lit([], dtype=dtype).alias(name))
        else:
            fill.append(pl.lit(_DEFAULTS.get(name), dtype=dtype).alias(name))
    if fill:
        df = df.with_columns(fill)
    # Rows built from dicts may lack a value where others have one: give them the column's neutral value.
    neutral = [pl.col(c).fill_null(pl.lit(v)) for c, v in _DEFAULTS.items() if v is not None]
    neutral += [pl.col(c).fill_null(pl.lit([], dtype=UNITS_SCHEMA[c])) for c in LIST_COLUMNS]
    df = df.with_columns(pl.col(n).cast(t) for n, t in UNITS_SCHEMA.items()).with_columns(neutral)
    return df.select(list(UNITS_SCHEMA)).sort(
        ["corpus", "unit_id", "lang"], maintain_order=True
    )


def validate_units(df: pl.DataFrame) -> pl.DataFrame:
    """Check the schema and the invariants the views rely on; return the frame unchanged."""
    for name, dtype in UNITS_SCHEMA.items():
        if name not in df.columns:
            raise ValueError(f"units table lacks column {name!r}")
        if df.schema[name] != dtype:
            raise ValueError(f"units column {name!r} is {df.schema[name]}, expected {dtype}")
    dup = df.group_by(["corpus", "unit_id", "lang"]).len().filter(pl.col("len") > 1)
    if dup.height:
        raise ValueError(f"{dup.height} (corpus, unit, lang) keys occur more than once")
    return df


def languages(df: pl.DataFrame) -> list[str]:
    """Languages of the table in order of first appearance."""
    return df.get_column("lang").unique(maintain_order=True).to_list()


def wide(df: pl.DataFrame, langs: list[str] | None = None) -> pl.DataFrame:
    """One row per unit with a `text_<lang>` (and `fidelity_<lang>`) column per language: the TMX/HTML shape."""
    langs = langs or languages(df)
    base = df.group_by(["corpus", "unit_id"], maintain_order=True).agg(
        pl.col("link").first(), pl.col("confidence").first()
    )
    for lang in langs:
        part = df.filter(pl.col("lang") == lang).select(
            "corpus", "unit_id",
            pl.col("text").alias(f"text_{lang}"),
            pl.col("fidelity").alias(f"fidelity_{lang}"),
            pl.col("flags").alias(f"flags_{lang}"),
            pl.col("doc_id").alias(f"doc_{lang}"),
            pl.col("sent_ids").alias(f"sent_ids_{lang}"),
            pl.col("where").alias(f"where_{lang}"),
        )
        base = base.join(part, on=["corpus", "unit_id"], how="left")
    return base.sort(["corpus", "unit_id"])


def write_parquet(df: pl.DataFrame, path: str | os.PathLike) -> None:
    with atomic_path(path) as tmp:
        df.write_parquet(tmp)


def read_parquet(path: str | os.PathLike) -> pl.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise CorpusError("no such file", p)
    try:
        df = pl.read_parquet(p)
    except Exception as exc:  # polars raises several types for a damaged file
        raise CorpusError(f"not a readable Parquet file ({type(exc).__name__})", p) from exc
    return units_frame(df)


def write_csv(df: pl.DataFrame, path: str | os.PathLike) -> None:
    """CSV cannot hold lists: they are joined with ',' (sent ids), '; ' (places) and ';' (flags)."""
    joiner = {"sent_ids": ",", "where": WHERE_SEP}
    flat = df.with_columns(
        *(
            pl.col(c).cast(pl.List(pl.Utf8)).list.join(joiner.get(c, ";"))
            for c, t in df.schema.items()
            if isinstance(t, pl.List)
        )
    )
    with atomic_path(path) as tmp:
        flat.write_csv(tmp)
