"""`corpus build DIR`: from a folder of documents to an aligned multilingual corpus, with no hints.

Pipeline: read the folder (mixed-language files split into one document per language) -> document alignment
(aligner.align.docalign: which documents are parallel, where) -> per document group: align every accepted pair on
its parallel spans (aligner.Aligner), merge the pairs into multilingual units (aligner.align.merge), score fidelity
-> write the outputs, each atomically.

Each document group is one independent task, `build_group(corpus, docs, decisions, options)`: plain inputs in,
polars tables out, no shared state, so groups can be spread over workers (the Dask engine of `--workers`)
and the result is the same whatever runs them.

Outputs in OUT (NAME from `--name`):
- `NAME.tmx` (every language), `NAME.<l1>-<l2>.tmx` (one per language pair: the pair's own view of the units,
  `pair_tables`), `NAME.parquet` (the central units table, corpus.formats.table), `documents.csv` (every candidate
  document pair, its scores and decision),
  `unaligned.csv` (every sentence in no unit, with the reason), `fidelity.parquet`/`fidelity.csv` (per-unit
  fidelity), `fidelity_documents.parquet`/`.csv` (per document), `compare.html` (side by side),
  `sentences.parquet` (every sentence read, for `corpus review`'s fingerprints).
- Several groups go into the same files: the table's `corpus` column names the group (`NAME` when the folder
  holds one group, else `NAME-1`, `NAME-2`, ... in order of their first document) and `unit_id` counts within
  each group; the TMX `tuid` is `corpus-unit_id`. One set of files keeps a folder's corpus in one translation
  memory, which is what CAT tools import; the `corpus` column and the x-corpus prop split it again.
"""

from __future__ import annotations

import itertools
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl

from aligner.align.docalign import DocumentAligner, decisions_frame, document_groups
from aligner.fidelity.scorer import fidelity_report, write_report
from aligner.models.embed import default_embedder
from aligner.pipeline.executors import GroupOutput, GroupTask, run_groups, write_units_parquet
from aligner.pipeline.group import NOT_PARALLEL, UNALIGNED_SCHEMA, BuildOptions, GroupResult, places_of
from aligner.pipeline.layout import named_groups
from corpus.atomic import atomic_path
from corpus.review.journal import SENTENCES_NAME
from corpus.errors import CorpusError
from corpus.formats.table import empty_units
from corpus.formats.tmx import write_tmx
from corpus.reading.presegmented import read_corpus_folder
from corpus.views.page import write_page


@dataclass
class BuildResult:
    name: str
    out_dir: Path
    documents: list
    decisions: pl.DataFrame
    groups: list[GroupResult]
    units: pl.DataFrame
    unaligned: pl.DataFrame
    files: list[Path]
    seconds: float
    notes: list[str] = field(default_factory=list)
    failed: list = field(default_factory=list)  # aligner.pipeline.executors.GroupFailure: name and one-line error


# ---- the whole folder ------------------------------------------------------------------------------------


def group_names(name: str, count: int) -> list[str]:
    return [name] if count == 1 else [f"{name}-{k}" for k in range(1, count + 1)]


def build_corpus(folder: str | Path, out_dir: str | Path, name: str, options: BuildOptions | None = None,
                 progress: Callable[[str, int, int], None] | None = None, executor=None,
                 resume: bool = False) -> BuildResult:
    """Build the corpus of `folder` into `out_dir` (see the module docstring); `progress(step, done, total)`
    is called as the long steps advance. Document groups run on `executor` (aligner.pipeline.executors: in this
    process by default, or on Dask); `resume` reuses the groups already stored in `out_dir/groups/`.
    Files laid out as `folder/<lang>/<name>` are grouped by name without document alignment (aligner.pipeline.layout)."""
    options = options or BuildOptions()
    if not name or any(c in name for c in "/\\") or name.startswith("."):
        raise CorpusError(f"bad corpus name {name!r} (a plain file name prefix is expected)")
    started = time.perf_counter()
    out = Path(out_dir)
    named, other_files = named_groups(folder)
    docs = read_corpus_folder(folder, options.presegmented, other_files if named else None,
                              options.input_format) if other_files or not named else []
    try:  # an unusable output folder is refused before the work, not after it
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusError(f"cannot create the output folder ({exc.strerror})", out) from exc
    if options.embedder is None:
        options.embedder = default_embedder()
    doc_aligner = DocumentAligner(embedder=options.embedder)
    report = (lambda step: (lambda done, total: progress(step, done, total))) if progress else (lambda step: None)
    decisions = doc_aligner.decide(docs, progress=report("comparing documents"))
    groups = document_groups(docs, decisions)
    names = group_names(name, len(groups))
    tasks = [GroupTask(corpus, group, [d for d in decisions if d.doc_a in ids and d.doc_b in ids])
             for corpus, group, ids in ((c, g, {d.id for d in g}) for c, g in zip(names, groups))]
    tasks += [GroupTask(g.corpus, named=g) for g in named]
    outcomes = run_groups(tasks, options, report("aligning document groups"), executor, out / "groups", resume)
    results = [o.result for o in outcomes if isinstance(o, GroupOutput)]
    aligned = {(a, b) for r in results for a, b in zip(r.pairs["doc_a"], r.pairs["doc_b"])}
    failed = {i for t, o in zip(tasks, outcomes) if not isinstance(o, GroupOutput)  # reported as failed already
              for i in [d.id for d in t.docs or []] + [f.doc_id for f in (t.named.files if t.named else ())]}
    for a, b in options.anchors:  # said, never dropped in silence
        if (a, b) not in aligned and (b, a) not in aligned and not {a, b} & failed:
            warnings.warn(f"anchors given for {a} and {b} not used: the two were not aligned as a pair")
    grouped = {i for g in groups for i in (d.id for d in g)}
    lone = [{"corpus": "", "doc_id": d.id, "lang": d.lang, "sent_id": k, "where": w, "text": t,
             "reason": NOT_PARALLEL}
            for d in docs if d.id not in grouped for k, (t, w) in enumerate(zip(d.sentence_texts, places_of(d)))]
    named_done = [o for t, o in zip(tasks, outcomes) if t.named is not None and isinstance(o, GroupOutput)]
    docs = docs + [d for o in named_done for d in o.documents]  # named groups are read on their worker
    decisions = decisions + [d for o in named_done for d in o.decisions]

    units = pl.concat([r.units for r in results]) if results else empty_units()
    unaligned = pl.concat([*(r.unaligned for r in results), pl.DataFrame(lone, schema=UNALIGNED_SCHEMA)])
    result = BuildResult(name, out, docs, decisions_frame(decisions), results, units, unaligned, [], 0.0)
    result.failed = [o for o in outcomes if not isinstance(o, GroupOutput)]
    write_outputs(result, options)
    result.seconds = time.perf_counter() - started
    return result


def write_sentences(docs, path: Path) -> None:
    """Every sentence read, one row each (doc_id, lang, sent_id, text): the units table joins a unit's sentences,
    and `corpus review` needs each one's own text to fingerprint it in the corrections journal."""
    frame = pl.DataFrame({
        "doc_id": [d.id for d in docs for _ in d.sentence_texts],
        "lang": [d.lang for d in docs for _ in d.sentence_texts],
        "sent_id": [k for d in docs for k in range(len(d.sentence_texts))],
        "text": [t for d in docs for t in d.sentence_texts],
    }, schema={"doc_id": pl.Utf8, "lang": pl.Utf8, "sent_id": pl.Int64, "text": pl.Utf8})
    with atomic_path(path) as tmp:
        frame.write_parquet(tmp)


def write_outputs(result: BuildResult, options: BuildOptions) -> None:
    out, name, units = result.out_dir, result.name, result.units
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusError(f"cannot create the output folder ({exc.strerror})", out) from exc
    files: list[Path] = []

    def csv(frame: pl.DataFrame, path: Path) -> None:
        with atomic_path(path) as tmp:
            frame.write_csv(tmp)
        files.append(path)

    csv(result.decisions, out / "documents.csv")
    csv(result.unaligned, out / "unaligned.csv")
    write_sentences(result.documents, out / SENTENCES_NAME)
    files.append(out / SENTENCES_NAME)

    write_units_parquet(units, out / f"{name}.parquet")  # a folder of Parquet files when very large
    files.append(out / f"{name}.parquet")
    if units.is_empty():
        result.notes.append("no parallel documents found: no TMX, fidelity report or page written")
        result.files = files
        return
    order = list(dict.fromkeys(lang for group in result.groups for lang in group.langs))
    write_tmx(units, out / f"{name}.tmx", langs=order)  # the groups' language order, not the table's
    files.append(out / f"{name}.tmx")
    pairs: list[tuple[str, str]] = []
    for group in result.groups:
        for pair in itertools.combinations(group.langs, 2):
            if pair not in pairs and pair[::-1] not in pairs:
                pairs.append(pair)
    # Pair files hold each group's pair view (finer where a third language merged sentences the pair keeps
    # apart); a group stored by an older --resume store has none and gives its trilingual units instead.
    views = pl.concat([g.pair_units if not g.pair_units.is_empty() else g.units for g in result.groups])
    for l1, l2 in pairs:
        path = out / f"{name}.{l1}-{l2}.tmx"
        write_tmx(views, path, langs=[l1, l2])
        files.append(path)
    if options.fidelity:
        # The groups' own scores (a group stored without them, by an older --resume store, means scoring
        # anew); the unaligned sentences let the report name omissions (title, date, copyright) and
        # additions (a translator's note inside the translated stretch), which are in no unit.
        scored = [g.fidelity for g in result.groups if not g.units.is_empty()]
        complete = scored and all(not f.is_empty() for f in scored)
        per_unit = pl.concat(scored, how="diagonal_relaxed") if complete else None
        per_unit, per_doc = fidelity_report(units, embedder=options.embedder, unaligned=result.unaligned,
                                            per_unit=per_unit)
        files += write_report(per_unit, per_doc, out)
    write_page(units, out / "compare.html", title=name)
    files.append(out / "compare.html")
    result.files = files


# ---- terminal summary ------------------------------------------------------------------------------------


def print_summary(result: BuildResult, console=None) -> None:
    """Documents found, pairs decided, units per link type, unaligned sentences per document, time."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    group_of = {doc_id: g.corpus for g in result.groups for doc_id in g.doc_ids}
    docs = Table(title=f"{len(result.documents)} documents", title_justify="left")
    for col in ("document", "lang", "sentences", "corpus", "unaligned"):
        docs.add_column(col, justify="right" if col in ("sentences", "unaligned") else "left")
    unaligned = dict(result.unaligned.group_by("doc_id").len().iter_rows())
    for d in result.documents:
        docs.add_row(d.id, d.lang, str(len(d.sentence_texts)), group_of.get(d.id, "-"), str(unaligned.get(d.id, 0)))
    console.print(docs)
    dec = result.decisions
    parallel = dec.filter(pl.col("decision") == "parallel")
    console.print(f"document pairs: {dec.height} compared, {parallel.height} parallel "
                  f"({', '.join(f'{a}~{b}' for a, b in parallel.select('doc_a', 'doc_b').iter_rows()) or 'none'})")
    for g in result.groups:
        kinds = g.units.group_by("unit_id").agg(pl.col("link").first()).group_by("link").len()
        kinds = kinds.sort(["len", "link"], descending=[True, False])
        console.print(f"corpus {g.corpus}: {kinds['len'].sum()} units over {'/'.join(g.langs)}; link types "
                      + ", ".join(f"{k} x{n}" for k, n in kinds.iter_rows()))
    for note in result.notes:
        console.print(f"note: {note}")
    console.print(f"wrote {len(result.files)} files to {result.out_dir}/ in {result.seconds:.1f} s")
