"""What `corpus score` does, as functions: score the links between two files, every language pair of a TMX,
or same-language texts against a reference (sacrebleu). The CLI only parses options and prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

from aligner.align.aligner import Aligner
from aligner.align.links import read_links
from aligner.fidelity.samelang import corpus_scores, paired_significance, sentence_scores
from aligner.fidelity.scorer import FidelityScorer, score_units, source_language, unit_scores
from corpus.atomic import write_text_atomic
from corpus.errors import CorpusError
from corpus.formats.table import languages
from corpus.formats.tmx import load_tmx, parse_lang, write_tmx
from corpus.reading.reader import read_text
from corpus.reading.sides import read_side
from corpus.text.langid import language_code
from corpus.text.languages import join_sentences

PART_COLUMNS = ("emb", "clause", "dict", "ent", "len", "neg", "mood")
DETAIL_COLUMNS = ("cosine", "margin", "src_coverage", "tgt_coverage", "length_z")
FORMATS = ("csv", "table", "json")


def check_links(links, n_src: int, n_tgt: int, path: Path | None) -> None:
    for k, link in enumerate(links, 1):
        bad = [i for i in link.src if i >= n_src] + [j for j in link.tgt if j >= n_tgt]
        if bad:
            raise CorpusError(
                f"link {k} ({link}) points past the end ({n_src} source, {n_tgt} target sentences)", path
            )


def score_links(src_sents: list[str], tgt_sents: list[str], links, src_lang: str, tgt_lang: str,
                embedder=None) -> tuple[pl.DataFrame, str]:
    """One row per link, in the given order. Links with both sides are scored together as one document;
    null links get no score and the flag `omission` (1-0) or `addition` (0-1)."""
    scorer = FidelityScorer(src_lang, tgt_lang, embedder=embedder)
    src = [join_sentences([src_sents[i] for i in link.src], src_lang) for link in links]
    tgt = [join_sentences([tgt_sents[j] for j in link.tgt], tgt_lang) for link in links]
    full = [k for k, link in enumerate(links) if not link.is_null]
    scored = scorer.score([src[k] for k in full], [tgt[k] for k in full])
    base = pl.DataFrame({
        "link": [str(link) for link in links],
        "kind": [link.kind for link in links],
        "src": src,
        "tgt": tgt,
        "flags": [["omission"] if not link.tgt else ["addition"] if not link.src else [] for link in links],
    }, schema_overrides={"flags": pl.List(pl.Utf8)})
    keep = ["fidelity", *[c for c in PART_COLUMNS if c in scored.columns],
            *[c for c in DETAIL_COLUMNS if c in scored.columns], "flags"]
    scored = scored.select(keep).with_columns(pl.Series("_row", full, dtype=pl.Int64))
    out = base.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64)).join(
        scored.rename({"flags": "_flags"}), on="_row", how="left"
    )
    out = out.with_columns(pl.coalesce("_flags", "flags").alias("flags")).drop("_flags", "_row")
    for col in ("fidelity", *PART_COLUMNS):
        if col not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    order = ["link", "kind", "src", "tgt", "fidelity", *PART_COLUMNS, "flags"]
    return out.select(order + [c for c in out.columns if c not in order]), scorer.signature


def score_files(src: Path, tgt: Path, src_lang: str, tgt_lang: str, presegmented: bool,
                links_path: Path | None) -> tuple[pl.DataFrame, str]:
    """Score the links between two files (aligning them first when no links are given)."""
    src_lang, tgt_lang = language_code(src_lang), language_code(tgt_lang)
    # one reader with `corpus align`: presegmented sentence numbers are line numbers in both commands
    sides = [read_side(path, lang, presegmented) for path, lang in ((src, src_lang), (tgt, tgt_lang))]
    src_lines, tgt_lines = sides[0].lines, sides[1].lines
    if links_path is not None:
        links = read_links(links_path)
        check_links(links, len(src_lines), len(tgt_lines), links_path)
    else:
        alignment = Aligner(sides[0].sentences, sides[1].sentences, src_lang, tgt_lang).align()
        links = alignment.renumbered(sides[0].numbers, sides[1].numbers, src_lines, tgt_lines).links
    return score_links(src_lines, tgt_lines, links, src_lang, tgt_lang)


def render(df: pl.DataFrame, fmt: str, signature: str) -> str:
    """csv (lists joined with ';'), table (aligned text, worst rows are easy to spot), or json records."""
    if fmt not in FORMATS:
        raise CorpusError(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
    if fmt == "json":
        return json.dumps({"signature": signature, "links": df.to_dicts()}, ensure_ascii=False, indent=1) + "\n"
    flat = df.with_columns(pl.col("flags").list.join(";"))
    if fmt == "csv":
        return flat.write_csv(float_precision=4)
    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=48, tbl_width_chars=200, float_precision=3,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        cols = ["link", "src", "tgt", "fidelity", *PART_COLUMNS, "flags"]
        return f"{flat.select([c for c in cols if c in flat.columns])}\n{signature}\n"


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return

    write_text_atomic(output, text)


# ---------------------------------------------------------------- TMX


def score_tmx(path: Path, output: Path | None) -> tuple[pl.DataFrame, str]:
    """Score every language pair of a TMX; with `output`, write the TMX back with the fidelity props (each
    variant against the header's source language) and the QA flags as notes. Returns the per-pair table
    (mean, median, worst, flagged) and its text form with signatures."""
    doc = load_tmx(path)
    units = doc.units
    if units.is_empty():
        raise CorpusError("no translation units to score", path)
    langs = languages(units)
    srclang = doc.header.get("srclang", "")
    source = parse_lang(srclang)[0] if srclang and srclang.lower() != "*all*" else ""
    if source not in langs:
        source = source_language(units)
    rows, lines, against_source = [], [], []
    ordered = [source] + [lang for lang in langs if lang != source]
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            pair_units = units.filter(pl.col("lang").is_in([a, b]))
            scored = unit_scores(pair_units, source_lang=a)
            if scored.is_empty():
                continue
            if a == source:
                against_source.append(scored)
            fid = scored.get_column("fidelity").drop_nulls()
            rows.append({"src_lang": a, "tgt_lang": b, "units": scored.height,
                         "fidelity_mean": fid.mean(), "fidelity_median": fid.median(),
                         "fidelity_min": fid.min(),
                         "flagged": scored.filter(pl.col("flags").list.len() > 0).height,
                         "signature": scored.get_column("signature")[0]})
    table = pl.DataFrame(rows) if rows else pl.DataFrame()
    for r in rows:
        lines.append(f"{r['src_lang']}->{r['tgt_lang']}: {r['units']} units, fidelity mean {r['fidelity_mean']:.3f} "
                     f"median {r['fidelity_median']:.3f} min {r['fidelity_min']:.3f}, {r['flagged']} flagged")
        lines.append(f"  {r['signature']}")
    if output is not None:
        # the pairs against the source were scored above: the same rows, not scored twice
        scored_units = score_units(units, source_lang=source,
                                   scored=pl.concat(against_source, how="diagonal_relaxed") if against_source else None)
        write_tmx(scored_units, output, srclang=source, include_single=True)
        lines.append(f"wrote {output} (fidelity of each variant against {source})")
    return table, "\n".join(lines) + "\n"


# ---------------------------------------------------------------- same language (sacrebleu)


def score_reference(hyps: list[Path], reference: Path, lang: str, fmt: str, sentences: bool,
                    test: str) -> str:
    """sacrebleu metrics of one or two hypothesis files (one segment a line) against a reference; two
    hypotheses also get the paired significance test (the first is the baseline)."""
    lang = language_code(lang)

    def lines(p: Path) -> list[str]:
        return read_text(p)[0].splitlines()

    refs = lines(reference)
    systems = [(str(h), lines(h)) for h in hyps]
    if len(systems) > 2:
        raise CorpusError("give one hypothesis file, or two to compare them")
    if sentences:
        df = sentence_scores(systems[0][1], refs, lang)
        return render_plain(df.drop("signature"), fmt, df.get_column("signature")[0])
    out = []
    if len(systems) == 2:
        df = paired_significance(systems[0][1], systems[1][1], refs, lang, test=test)
        df = df.with_columns(pl.col("system").replace({"baseline": systems[0][0], "system": systems[1][0]}))
        if fmt == "json":
            return json.dumps(df.to_dicts(), ensure_ascii=False, indent=1) + "\n"
        for r in df.iter_rows(named=True):
            p = "" if r["p_value"] is None else f"  p = {r['p_value']:.4f}"
            ci = "" if r["ci"] is None else f"  ({r['mean']:.2f} ± {r['ci']:.2f})"
            out.append(f"{r['system']}: {r['metric']} = {r['score']:.2f}{ci}{p}")
        out.append("signatures: " + " ; ".join(df.unique("metric", maintain_order=True)
                                               .select(pl.format("{}: {}", "metric", "signature"))
                                               .to_series().to_list()))
        out.append(f"test: {'approximate randomisation' if test == 'ar' else 'paired bootstrap'}, "
                   "p = probability that the difference to the baseline is chance")
        return "\n".join(out) + "\n"
    scores = corpus_scores(systems[0][1], refs, lang)
    if fmt == "json":
        return json.dumps({"scores": scores.scores, "signatures": scores.signatures}, indent=1) + "\n"
    return str(scores) + "\n"


def render_plain(df: pl.DataFrame, fmt: str, signature: str) -> str:
    if fmt == "json":
        return json.dumps({"signature": signature, "rows": df.to_dicts()}, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return df.write_csv(float_precision=2)
    with pl.Config(tbl_rows=-1, fmt_str_lengths=48, tbl_width_chars=200, float_precision=2,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        return f"{df}\n{signature}\n"


def is_tmx(path: Path) -> bool:
    return path.suffix.lower() == ".tmx"


__all__ = ["score_files", "score_links", "score_tmx", "score_reference", "render", "write_output", "is_tmx"]
