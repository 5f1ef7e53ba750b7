"""`corpus build DIR`: from a folder of documents to an aligned multilingual corpus, with no hints.

Pipeline: read the folder (mixed-language files split into one document per language) -> document alignment
(aligner.docalign: which documents are parallel, where) -> per document group: align every accepted pair on
its parallel spans (aligner.Aligner), merge the pairs into multilingual units (aligner.merge), score fidelity
-> write the outputs, each atomically.

Each document group is one independent task, `build_group(corpus, docs, decisions, options)`: plain inputs in,
polars tables out, no shared state, so groups can be spread over workers (the Dask engine of `--workers`)
and the result is the same whatever runs them.

Outputs in OUT (NAME from `--name`):
- `NAME.tmx` (every language), `NAME.<l1>-<l2>.tmx` (one per language pair: the pair's own view of the units,
  `pair_tables`), `NAME.parquet` (the central units table, corpus.table), `documents.csv` (every candidate
  document pair, its scores and decision),
  `unaligned.csv` (every sentence in no unit, with the reason), `fidelity.parquet`/`fidelity.csv` (per-unit
  fidelity), `fidelity_documents.parquet`/`.csv` (per document), `compare.html` (side by side).
- Several groups go into the same files: the table's `corpus` column names the group (`NAME` when the folder
  holds one group, else `NAME-1`, `NAME-2`, ... in order of their first document) and `unit_id` counts within
  each group; the TMX `tuid` is `corpus-unit_id`. One set of files keeps a folder's corpus in one translation
  memory, which is what CAT tools import; the `corpus` column and the x-corpus prop split it again.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import polars as pl

from aligner.docalign import DocumentAligner, PairDecision, decisions_frame, document_groups
from aligner.links import Link
from aligner.merge import MergeStats, PairLinks, language_order, merge_pairs, pair_view, units_table
from corpus.errors import CorpusError

UNALIGNED_SCHEMA = {
    "corpus": pl.Utf8, "doc_id": pl.Utf8, "lang": pl.Utf8, "sent_id": pl.Int64, "text": pl.Utf8, "reason": pl.Utf8,
}
OUTSIDE = "outside the parallel part of the document"
NO_COUNTERPART = "no counterpart in the other languages"
NOT_PARALLEL = "document parallel to no other document"
SAME_LANGUAGE = "another document of the group has the same language"


@dataclass
class BuildOptions:
    presegmented: bool = False  # one sentence per line, as given
    max_per_doc: int = 6  # sentences of one document in one unit
    fidelity: bool = True
    embedder: object | None = None


@dataclass
class PresegmentedDocument:
    """A document given one sentence per line: no segmentation, language identified from its text."""

    id: str
    path: str
    lang: str
    script: str
    sentence_texts: list[str]
    metadata: dict = field(default_factory=dict)


@dataclass
class GroupResult:
    corpus: str
    doc_ids: list[str]
    langs: list[str]  # the group's language order (link labels, pair files)
    units: pl.DataFrame  # corpus.table units
    unaligned: pl.DataFrame  # UNALIGNED_SCHEMA
    pairs: pl.DataFrame  # one row per aligned document pair: links, kinds, signature
    merge: dict
    fidelity: pl.DataFrame = field(default_factory=pl.DataFrame)  # aligner.fidelity.unit_scores, parts included
    # the units seen from each aligned pair (aligner.merge.pair_view), corpus `<corpus>.<l1>-<l2>`: what the
    # pair TMX files hold
    pair_units: pl.DataFrame = field(default_factory=pl.DataFrame)


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
    failed: list = field(default_factory=list)  # aligner.distributed.GroupFailure: name and one-line error


# ---- reading ---------------------------------------------------------------------------------------------


def read_presegmented(folder: Path, files: list[Path] | None = None) -> list[PresegmentedDocument]:
    from corpus.langid import identify
    from corpus.normalize import is_traditional
    from aligner.align import MAX_SENTENCE_CHARS
    from corpus.reader import read_text, unique_ids

    files = files if files is not None else sorted(
        f for f in folder.rglob("*") if f.is_file() and f.suffix.lower() in (".txt", ".md")
        and not any(p.startswith(".") for p in f.relative_to(folder).parts))
    if not files:
        raise CorpusError("no text files (.txt, .md) in this folder", folder)
    docs = []
    for f in files:
        text, _ = read_text(f)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            continue
        longest = max(lines, key=len)
        if len(longest) > MAX_SENTENCE_CHARS:  # a wrong file, not one sentence per line (as in corpus align)
            raise CorpusError(f"a line has {len(longest):,} characters: not one sentence per line "
                              f"(at most {MAX_SENTENCE_CHARS:,})", f)
        lang = identify(" ".join(lines[:200]))
        script = ("Hant" if is_traditional(text) else "Hans") if lang == "zh" else ""
        docs.append(PresegmentedDocument(f.stem, str(f), lang, script, lines))
    return unique_ids(docs, folder)


def read_corpus_folder(folder: str | Path, presegmented: bool = False, files: list[Path] | None = None) -> list:
    """The documents of `folder` (of its `files` only, when given)."""
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError("no such folder" if not root.exists() else "not a folder", root)
    if presegmented:
        return read_presegmented(root, files)
    from corpus.reader import read_documents, read_folder, unique_ids

    return read_folder(root) if files is None else unique_ids([d for f in files for d in read_documents(f)], root)


# ---- one document group: the unit of work ----------------------------------------------------------------


def _one_document_per_language(docs: Sequence, decisions: Sequence[PairDecision]) -> tuple[list, list]:
    """Keep, per language, the document with the most anchors to the others (units hold one variant per
    language); the rest is reported, not aligned."""
    strength = {d.id: 0 for d in docs}
    for dec in decisions:
        if dec.parallel and dec.doc_a in strength and dec.doc_b in strength:
            strength[dec.doc_a] += dec.anchors
            strength[dec.doc_b] += dec.anchors
    kept, dropped = {}, []
    for d in sorted(docs, key=lambda d: -strength[d.id]):
        (dropped.append(d) if d.lang in kept else kept.__setitem__(d.lang, d))
    order = [d for d in docs if d in kept.values()]
    return order, dropped


def build_group(corpus: str, docs: Sequence, decisions: Sequence[PairDecision],
                options: BuildOptions | None = None) -> GroupResult:
    """Align one document group into multilingual units. Pure: documents and their pair decisions in,
    tables out (the embedder's disk cache is the only thing touched)."""
    from threadpoolctl import threadpool_limits

    # One BLAS thread per task: the matrices are small, and OpenBLAS's thread per core spins on a busy
    # machine (measured 100x slower small products with 2 cores under load); workers give the parallelism.
    with threadpool_limits(limits=1, user_api="blas"):
        return _build_group(corpus, docs, decisions, options or BuildOptions())


def _build_group(corpus: str, docs: Sequence, decisions: Sequence[PairDecision], options: BuildOptions) -> GroupResult:
    from aligner import Aligner

    docs, dropped = _one_document_per_language(docs, decisions)
    by_id = {d.id: d for d in docs}
    accepted = [d for d in decisions if d.parallel and d.doc_a in by_id and d.doc_b in by_id]
    pair_links, pair_rows = [], []
    in_span: dict[str, set[int]] = {d.id: set() for d in docs}
    for dec in accepted:
        a, b = by_id[dec.doc_a], by_id[dec.doc_b]
        (a0, a1), (b0, b1) = dec.span_a, dec.span_b
        in_span[a.id].update(range(a0, a1 + 1))
        in_span[b.id].update(range(b0, b1 + 1))
        alignment = Aligner(a.sentence_texts[a0 : a1 + 1], b.sentence_texts[b0 : b1 + 1], a.lang, b.lang,
                            embedder=options.embedder).align()
        links = tuple(Link(tuple(i + a0 for i in link.src), tuple(j + b0 for j in link.tgt), link.confidence)
                      for link in alignment.links)
        pair_links.append(PairLinks(a.id, b.id, links))
        kinds: dict[str, int] = {}
        for link in links:
            kinds[link.kind] = kinds.get(link.kind, 0) + 1
        pair_rows.append({"corpus": corpus, "doc_a": a.id, "doc_b": b.id, "lang_a": a.lang, "lang_b": b.lang,
                          "links": len(links), "kinds": " ".join(f"{k}:{v}" for k, v in sorted(kinds.items())),
                          "signature": alignment.signature})
    stats = MergeStats()
    merged = merge_pairs([d.id for d in docs], [len(d.sentence_texts) for d in docs], pair_links,
                         max_per_doc=options.max_per_doc, stats=stats)
    langs = language_order(docs, merged)
    units = units_table(merged, docs, corpus, langs)
    fidelity = pl.DataFrame()
    if options.fidelity and not units.is_empty():
        from aligner.fidelity import score_units, unit_scores

        # scored once: the table's fidelity column and the report's per-unit rows are the same numbers
        fidelity = unit_scores(units, langs[0], options.embedder)
        units = score_units(units, source_lang=langs[0], scored=fidelity)
    pair_units = pair_tables(merged, pair_links, docs, corpus, langs, options)
    in_unit = {d.id: set() for d in docs}
    for u in merged:
        for doc_id, sents in u.sentences.items():
            in_unit[doc_id].update(sents)
    rows = []
    for d in docs:
        for k, text in enumerate(d.sentence_texts):
            if k not in in_unit[d.id]:
                rows.append({"corpus": corpus, "doc_id": d.id, "lang": d.lang, "sent_id": k, "text": text,
                             "reason": NO_COUNTERPART if k in in_span[d.id] else OUTSIDE})
    for d in dropped:
        rows += [{"corpus": corpus, "doc_id": d.id, "lang": d.lang, "sent_id": k, "text": t, "reason": SAME_LANGUAGE}
                 for k, t in enumerate(d.sentence_texts)]
    return GroupResult(
        corpus=corpus, doc_ids=[d.id for d in docs], langs=langs, units=units,
        unaligned=pl.DataFrame(rows, schema=UNALIGNED_SCHEMA),
        pairs=pl.DataFrame(pair_rows, schema={"corpus": pl.Utf8, "doc_a": pl.Utf8, "doc_b": pl.Utf8,
                                              "lang_a": pl.Utf8, "lang_b": pl.Utf8, "links": pl.Int64,
                                              "kinds": pl.Utf8, "signature": pl.Utf8}),
        merge={"links": stats.links, "accepted": stats.accepted, "supported": stats.supported,
               "contradicted": stats.contradicted, "trimmed": stats.trimmed, "rejected": dict(stats.rejected)},
        fidelity=fidelity, pair_units=pair_units,
    )


def pair_tables(merged, pair_links: Sequence[PairLinks], docs: Sequence, corpus: str, langs: Sequence[str],
                options: BuildOptions) -> pl.DataFrame:
    """One units table per aligned pair, its corpus named `<corpus>.<l1>-<l2>` (languages in the group's
    order): the merged units refined by the pair's own links (aligner.merge.pair_view), with the second
    language's fidelity scored against the first."""
    from corpus.table import empty_units

    doc_of = {d.lang: d.id for d in docs}  # one document per language in a group
    links_of = {frozenset((p.doc_a, p.doc_b)): p for p in pair_links}
    frames = []
    for l1, l2 in itertools.combinations(langs, 2):
        # a pair left unaligned by the document aligner, joined through the third language: its view is the
        # trilingual units as they are
        pair = links_of.get(frozenset((doc_of[l1], doc_of[l2])), PairLinks(doc_of[l1], doc_of[l2], ()))
        view = units_table(pair_view(merged, pair), docs, f"{corpus}.{l1}-{l2}", [l1, l2])
        if options.fidelity and not view.is_empty():
            from aligner.fidelity import score_units

            view = score_units(view, source_lang=l1, embedder=options.embedder)
        frames.append(view)
    return pl.concat(frames) if frames else empty_units()


# ---- the whole folder ------------------------------------------------------------------------------------


def group_names(name: str, count: int) -> list[str]:
    return [name] if count == 1 else [f"{name}-{k}" for k in range(1, count + 1)]


def build_corpus(folder: str | Path, out_dir: str | Path, name: str, options: BuildOptions | None = None,
                 progress: Callable[[str, int, int], None] | None = None, executor=None,
                 resume: bool = False) -> BuildResult:
    """Build the corpus of `folder` into `out_dir` (see the module docstring); `progress(step, done, total)`
    is called as the long steps advance. Document groups run on `executor` (aligner.distributed: in this
    process by default, or on Dask); `resume` reuses the groups already stored in `out_dir/groups/`.
    Files laid out as `folder/<lang>/<name>` are grouped by name without document alignment (aligner.layout)."""
    options = options or BuildOptions()
    if not name or any(c in name for c in "/\\") or name.startswith("."):
        raise CorpusError(f"bad corpus name {name!r} (a plain file name prefix is expected)")
    started = time.perf_counter()
    out = Path(out_dir)
    from aligner.distributed import GroupOutput, GroupTask, run_groups
    from aligner.layout import named_groups

    named, other_files = named_groups(folder)
    docs = read_corpus_folder(folder, options.presegmented, other_files if named else None) if other_files or not named else []
    try:  # an unusable output folder is refused before the work, not after it
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusError(f"cannot create the output folder ({exc.strerror})", out) from exc
    if options.embedder is None:
        from aligner.embed import default_embedder

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
    grouped = {i for g in groups for i in (d.id for d in g)}
    lone = [{"corpus": "", "doc_id": d.id, "lang": d.lang, "sent_id": k, "text": t, "reason": NOT_PARALLEL}
            for d in docs if d.id not in grouped for k, t in enumerate(d.sentence_texts)]
    named_done = [o for t, o in zip(tasks, outcomes) if t.named is not None and isinstance(o, GroupOutput)]
    docs = docs + [d for o in named_done for d in o.documents]  # named groups are read on their worker
    decisions = decisions + [d for o in named_done for d in o.decisions]
    from corpus.table import empty_units

    units = pl.concat([r.units for r in results]) if results else empty_units()
    unaligned = pl.concat([*(r.unaligned for r in results), pl.DataFrame(lone, schema=UNALIGNED_SCHEMA)])
    result = BuildResult(name, out, docs, decisions_frame(decisions), results, units, unaligned, [], 0.0)
    result.failed = [o for o in outcomes if not isinstance(o, GroupOutput)]
    write_outputs(result, options)
    result.seconds = time.perf_counter() - started
    return result


def write_outputs(result: BuildResult, options: BuildOptions) -> None:
    from corpus.atomic import atomic_path
    from corpus.page import write_page
    from corpus.tmx import write_tmx

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
    from aligner.distributed import write_units_parquet

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
        from aligner.fidelity import fidelity_report, write_report

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
