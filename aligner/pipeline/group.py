"""One document group, the unit of work of `corpus build`: `build_group(corpus, docs, decisions, options)`.

Plain inputs in (documents, their pair decisions), polars tables out, no shared state: every accepted pair is
aligned on its parallel spans (aligner.Aligner), the pairs are merged into multilingual units
(aligner.align.merge), fidelity is scored, and each pair's own view of the units is kept for the pair TMX
files. So groups can run on any worker (aligner.pipeline.executors) and the result is the same whatever runs
them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Sequence

import polars as pl

from aligner.align.anchors import check_anchors
from aligner.align.docalign import PairDecision
from aligner.align.links import Link
from aligner.align.merge import MergeStats, PairLinks, language_order, merge_pairs, pair_view, units_table
from aligner.fidelity.scorer import score_units, unit_scores
from corpus.formats.table import empty_units

UNALIGNED_SCHEMA = {
    "corpus": pl.Utf8, "doc_id": pl.Utf8, "lang": pl.Utf8, "sent_id": pl.Int64, "where": pl.Utf8, "text": pl.Utf8,
    "reason": pl.Utf8,
}  # `where`: the sentence's place in its file (corpus.reading.document.Sentence.where), "" when unknown


def places_of(doc) -> list[str]:
    """Where each sentence of `doc` stands in its file, by sentence number; "" for a document that does not say."""
    places = list(getattr(doc, "sentence_places", None) or ())
    n = len(doc.sentence_texts)
    return places if len(places) == n else [""] * n
OUTSIDE = "outside the parallel part of the document"
NO_COUNTERPART = "no counterpart in the other languages"
NOT_PARALLEL = "document parallel to no other document"
SAME_LANGUAGE = "another document of the group has the same language"


@dataclass
class BuildOptions:
    presegmented: bool = False  # one sentence per line, as given
    input_format: str | None = None  # a reader name (corpus.reading.registry) for every file: --format
    max_per_doc: int = 6  # sentences of one document in one unit
    fidelity: bool = True
    embedder: object | None = None
    # links each aligned pair keeps as given: {(doc_a id, doc_b id): [Link, ...]} in the documents' own sentence
    # numbers (the units table's sent_ids), either order of the two ids (aligner.align.anchors)
    anchors: dict = field(default_factory=dict)


def pair_anchors(anchors: dict, a_id: str, b_id: str) -> list[Link]:
    """The anchors given for documents a and b, a's sentences on the source side."""
    if (a_id, b_id) in anchors:
        return list(anchors[a_id, b_id])
    return [Link(l.tgt, l.src) for l in anchors.get((b_id, a_id), [])]


@dataclass
class GroupResult:
    corpus: str
    doc_ids: list[str]
    langs: list[str]  # the group's language order (link labels, pair files)
    units: pl.DataFrame  # corpus.formats.table units
    unaligned: pl.DataFrame  # UNALIGNED_SCHEMA
    pairs: pl.DataFrame  # one row per aligned document pair: links, kinds, signature
    merge: dict
    fidelity: pl.DataFrame = field(default_factory=pl.DataFrame)  # aligner.fidelity.scorer.unit_scores, parts included
    # the units seen from each aligned pair (aligner.align.merge.pair_view), corpus `<corpus>.<l1>-<l2>`: what the
    # pair TMX files hold
    pair_units: pl.DataFrame = field(default_factory=pl.DataFrame)


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
        anchors = check_anchors(pair_anchors(options.anchors, a.id, b.id), len(a.sentence_texts),
                                len(b.sentence_texts), f"anchors of {a.id} and {b.id}")
        # the span reaches over every anchor: a confirmed link is parallel text
        a0, a1 = min([a0] + [l.src[0] for l in anchors if l.src]), max([a1] + [l.src[-1] for l in anchors if l.src])
        b0, b1 = min([b0] + [l.tgt[0] for l in anchors if l.tgt]), max([b1] + [l.tgt[-1] for l in anchors if l.tgt])
        in_span[a.id].update(range(a0, a1 + 1))
        in_span[b.id].update(range(b0, b1 + 1))
        shifted = [Link(tuple(i - a0 for i in l.src), tuple(j - b0 for j in l.tgt)) for l in anchors]
        alignment = Aligner(a.sentence_texts[a0 : a1 + 1], b.sentence_texts[b0 : b1 + 1], a.lang, b.lang,
                            embedder=options.embedder, anchors=shifted).align()
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
        for k, (text, where) in enumerate(zip(d.sentence_texts, places_of(d))):
            if k not in in_unit[d.id]:
                rows.append({"corpus": corpus, "doc_id": d.id, "lang": d.lang, "sent_id": k, "where": where,
                             "text": text, "reason": NO_COUNTERPART if k in in_span[d.id] else OUTSIDE})
    for d in dropped:
        rows += [{"corpus": corpus, "doc_id": d.id, "lang": d.lang, "sent_id": k, "where": w, "text": t,
                  "reason": SAME_LANGUAGE}
                 for k, (t, w) in enumerate(zip(d.sentence_texts, places_of(d)))]
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
    order): the merged units refined by the pair's own links (aligner.align.merge.pair_view), with the second
    language's fidelity scored against the first."""
    doc_of = {d.lang: d.id for d in docs}  # one document per language in a group
    links_of = {frozenset((p.doc_a, p.doc_b)): p for p in pair_links}
    frames = []
    for l1, l2 in itertools.combinations(langs, 2):
        # a pair left unaligned by the document aligner, joined through the third language: its view is the
        # trilingual units as they are
        pair = links_of.get(frozenset((doc_of[l1], doc_of[l2])), PairLinks(doc_of[l1], doc_of[l2], ()))
        view = units_table(pair_view(merged, pair), docs, f"{corpus}.{l1}-{l2}", [l1, l2])
        if options.fidelity and not view.is_empty():
            view = score_units(view, source_lang=l1, embedder=options.embedder)
        frames.append(view)
    return pl.concat(frames) if frames else empty_units()
