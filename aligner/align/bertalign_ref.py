"""Bertalign's alignment algorithm over our embeddings: a same-machine reference row for `make bench`.

Bertalign (Liu & Zhu 2022, https://github.com/bfsujason/bertalign, `bertalign/aligner.py`, `corelib.py`,
`encoder.py`, `utils.py`) aligns in two passes:

1. First pass, 1-1 anchors. Every source sentence gets its `top_k` most similar target sentences (inner
   product over the whole target side). A DP over a wide diagonal band (half-width max(250, 6% of the longer
   side)) with moves 0-1, 1-0 (free) and 1-1 (worth the similarity when the target is among the source's
   top k, else nothing) keeps the 1-1 moves of its best path.
2. Second pass, m-n links. Around the anchors, a narrow band (each row between two anchors may reach `win`
   target sentences before the previous anchor and after the next one) is searched with every link type
   a-b, a + b <= `max_align`, plus 0-1 / 1-0 at a fixed `skip` score. A link's score is the cosine of the
   embeddings of its two sides, each side embedded as one text (its sentences joined with a space), minus
   the mean similarity of each side with the single sentences right before and after the other side
   (`margin`), times log2(1 + min/max) of the two sides' UTF-8 lengths after scaling the target by the
   document's byte ratio (`len_penalty`).

Defaults are Bertalign's: max_align=5, top_k=3, win=5, skip=-0.1, margin and length penalty on.

What differs from Bertalign, on purpose:
- the embedder: ours (`aligner.models.embed`, Google's multilingual USE v3, 512 dimensions, disk cache) instead of
  LaBSE, which needs a download; runs are embedded through it like single sentences;
- exact top-k by chunked numpy matrix products instead of faiss, float64 DP costs instead of numba float32;
- the DP works one row at a time in numpy (the 0-1 moves of a row as one running maximum) and keeps only a
  band of back-pointers, so memory stays linear; ties go to the earlier link type, as in Bertalign;
- no sentence splitting or language detection (the caller gives sentences and languages); a document with
  no 1-1 anchor at all gets one band over the whole grid instead of failing.
"""

from __future__ import annotations

import numpy as np

from aligner.align.links import Link
from aligner.models.embed import default_embedder, model_name

LinkType = tuple[int, int]


def link_types(max_align: int) -> list[LinkType]:
    """0-1, 1-0, then a-b for a, b >= 1 with a + b <= max_align, in Bertalign's order (ties go to the first)."""
    kinds = [(0, 1), (1, 0)]
    kinds += [(a, b) for a in range(1, max_align) for b in range(1, max_align) if a + b <= max_align]
    return kinds


def run_texts(sentences: list[str], width: int) -> list[str]:
    """The texts of the runs of `width` consecutive sentences, one per run end (run k ends at k + width - 1)."""
    lines = [s.strip() or "BLANK_LINE" for s in sentences]  # Bertalign's placeholder for an empty line
    return [" ".join(lines[k : k + width])[:10000] for k in range(len(lines) - width + 1)]


def run_vectors(sentences: list[str], max_run: int, embedder) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings and UTF-8 lengths of the runs ending at each sentence: (max_run, n, dim) and (max_run, n).

    Entry [w - 1, k] is the run of w sentences ending at sentence k; positions k < w - 1 have no such run
    (zero vector, length 0) and the search never reads them.
    """
    n = len(sentences)
    texts_by_width = [run_texts(sentences, w) for w in range(1, max_run + 1)]
    flat = [t for texts in texts_by_width for t in texts]
    encoded = embedder.encode(flat) if flat else np.zeros((0, 512), np.float32)
    vecs = np.zeros((max_run, n, encoded.shape[1]), np.float32)
    lens = np.zeros((max_run, n), np.float64)
    start = 0
    for w, texts in enumerate(texts_by_width, 1):
        vecs[w - 1, w - 1 :] = encoded[start : start + len(texts)]
        lens[w - 1, w - 1 :] = [len(t.encode("utf-8")) for t in texts]
        start += len(texts)
    return vecs, lens


def top_k_targets(src: np.ndarray, tgt: np.ndarray, k: int, chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Exact inner-product top k targets of each source vector, best first: (scores, indices), each n x k.

    Chunks of source rows keep memory at chunk x m however long the documents (faiss IndexFlatIP's result)."""
    k = min(k, len(tgt))
    scores = np.empty((len(src), k), np.float32)
    index = np.empty((len(src), k), np.int64)
    for s in range(0, len(src), chunk):
        sims = src[s : s + chunk] @ tgt.T
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-part_sims, axis=1, kind="stable")
        index[s : s + chunk] = np.take_along_axis(part, order, axis=1)
        scores[s : s + chunk] = np.take_along_axis(part_sims, order, axis=1)
    return scores, index


def first_band(n: int, m: int, min_win: int = 250, percent: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    """Bertalign's first-pass band: row i spans m/n * i +- max(min_win, percent * max(n, m)), clipped."""
    half = max(min_win, int(max(n, m) * percent))
    centre = np.array([int(m / n * i) for i in range(n + 1)], np.int64)
    return np.maximum(0, centre - half), np.minimum(m, centre + half)


def second_band(anchors: list[tuple[int, int]], win: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Second-pass band from the first pass's 1-1 anchors (DP nodes (i, j) after each 1-1 link).

    The last anchor is moved to (n, m) so the path can end there; the rows after one anchor up to the next
    span from `win` before the first anchor's target to `win` after the next one's."""
    anchors = list(anchors)
    if not anchors:
        anchors = [(n, m)]
    elif anchors[-1] != (n, m):
        last_i, last_j = anchors[-1]
        if last_i == n or last_j == m:  # an anchor on the last row or column is replaced, not followed
            anchors.pop()
        anchors.append((n, m))
    lo = np.zeros(n + 1, np.int64)
    hi = np.zeros(n + 1, np.int64)
    prev_i = prev_j = 0
    for i, j in anchors:
        lo[prev_i + 1 : i + 1] = max(0, prev_j - win)
        hi[prev_i + 1 : i + 1] = min(m, j + win)
        prev_i, prev_j = i, j
    lo[0], hi[0] = lo[min(1, n)], hi[min(1, n)]
    if n == 0:
        lo[0], hi[0] = 0, m
    return lo, hi


def _gather(row: np.ndarray | None, row_lo: int, cols: np.ndarray) -> np.ndarray:
    """Costs of one DP row at target positions `cols` (-inf where the row's band does not reach)."""
    out = np.full(len(cols), -np.inf)
    if row is None:
        return out
    k = cols - row_lo
    ok = (k >= 0) & (k < len(row))
    out[ok] = row[k[ok]]
    return out


def banded_path(lo: np.ndarray, hi: np.ndarray, kinds: list[LinkType], gap_score: float,
                score) -> list[tuple[int, int, int, int]]:
    """Best-scoring monotone path from (0, 0) to (n, m) through the band, as (a, b, i, j) links in order.

    `kinds[0]` must be 0-1 (scored `gap_score`, taken within a row as one running maximum); the other kinds
    come from earlier rows and `score(i, a, b, cols)` gives their scores at nodes (i, cols) (1-0 included).
    Ties go to the kind listed first, as Bertalign's strict `>` over its ordered link types does.
    """
    n = len(lo) - 1
    m = int(hi[n])
    deepest = max(a for a, _ in kinds)
    rows: dict[int, np.ndarray] = {}
    pointers: list[np.ndarray] = []
    for i in range(n + 1):
        cols = np.arange(lo[i], hi[i] + 1)
        cand = np.full((len(kinds), len(cols)), -np.inf)
        for t, (a, b) in enumerate(kinds[1:], 1):
            if i - a < 0:
                continue
            prev = _gather(rows.get(i - a), int(lo[i - a]), cols - b)
            live = np.isfinite(prev)
            if live.any():
                cand[t, live] = prev[live] + score(i, a, b, cols[live])
        best_t = np.argmax(cand[1:], axis=0) + 1
        best = cand[best_t, np.arange(len(cols))]
        if i == 0 and lo[0] == 0:
            best[0] = 0.0  # the origin
        # 0-1 moves within the row: cost[j] = max(best[j], cost[j-1] + gap) = j*gap + cummax(best[k] - k*gap)
        steps = np.arange(len(cols)) * gap_score
        cost = np.maximum.accumulate(best - steps) + steps
        from_left = np.zeros(len(cols), bool)
        from_left[1:] = cost[:-1] + gap_score >= best[1:]
        ptr = np.where(from_left, 0, best_t).astype(np.uint8)
        rows[i] = cost
        rows.pop(i - deepest, None)
        pointers.append(ptr)
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = kinds[pointers[i][j - lo[i]]]
        path.append((a, b, i, j))
        i, j = i - a, j - b
    return path[::-1]


def _neighbour_mean(right: np.ndarray, left: np.ndarray) -> np.ndarray:
    """Bertalign's neighbour similarity: the sum of the right and left neighbours' similarities, halved when
    both exist (a missing neighbour counts 0, and so does, as there, a similarity of exactly 0)."""
    both = (right != 0) & (left != 0)
    return (right + left) / np.where(both, 2.0, 1.0)


class BertalignReference:
    """Bertalign's two-pass algorithm (see the module docstring) over our embedder.

    `BertalignReference(src, tgt, src_lang, tgt_lang).align()` returns the links (0-1 / 1-0 included);
    `signature` says how they were produced."""

    def __init__(self, src_sentences: list[str], tgt_sentences: list[str], src_lang: str, tgt_lang: str, *,
                 embedder=None, max_align: int = 5, top_k: int = 3, win: int = 5, skip: float = -0.1,
                 margin: bool = True, len_penalty: bool = True):
        self.src, self.tgt = list(src_sentences), list(tgt_sentences)
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.max_align, self.top_k, self.win, self.skip = max_align, top_k, win, skip
        self.margin, self.len_penalty = margin, len_penalty
        self.embedder = embedder  # None: aligner.models.embed.default_embedder() when first needed

    @property
    def signature(self) -> str:
        emb = getattr(self.embedder, "name", None) or model_name()
        return (
            f"aligner:bertalign-ref|emb:{emb}|max_align:{self.max_align}|top_k:{self.top_k}|win:{self.win}"
            f"|skip:{self.skip}|margin:{'on' if self.margin else 'off'}"
            f"|len_penalty:{'on' if self.len_penalty else 'off'}|search:numpy-exact"
        )

    def align(self) -> list[Link]:
        n, m = len(self.src), len(self.tgt)
        if n == 0 or m == 0:
            return [Link((k,), ()) for k in range(n)] + [Link((), (k,)) for k in range(m)]
        if self.embedder is None:
            self.embedder = default_embedder()
        runs = self.max_align - 1
        src_vecs, src_lens = run_vectors(self.src, runs, self.embedder)
        tgt_vecs, tgt_lens = run_vectors(self.tgt, runs, self.embedder)
        anchors = self._first_pass(src_vecs[0], tgt_vecs[0])
        lo, hi = second_band(anchors, self.win, n, m)
        char_ratio = src_lens[0].sum() / tgt_lens[0].sum()
        score = self._second_pass_scorer(src_vecs, tgt_vecs, src_lens, tgt_lens * char_ratio, lo, hi)
        path = banded_path(lo, hi, link_types(self.max_align), self.skip, score)
        return [Link(tuple(range(i - a, i)), tuple(range(j - b, j))) for a, b, i, j in path]

    def _first_pass(self, src1: np.ndarray, tgt1: np.ndarray) -> list[tuple[int, int]]:
        """DP nodes after each 1-1 link of the best path of 0-1, 1-0 (score 0) and 1-1 (top-k similarity)."""
        n, m = len(src1), len(tgt1)
        sims, index = top_k_targets(src1, tgt1, self.top_k)
        lo, hi = first_band(n, m)

        def score(i: int, a: int, b: int, cols: np.ndarray) -> np.ndarray:
            out = np.zeros(len(cols))
            if b == 0:
                return out
            for s, t in zip(sims[i - 1], index[i - 1]):
                out[cols - 1 == t] += s
            return out

        path = banded_path(lo, hi, [(0, 1), (1, 0), (1, 1)], 0.0, score)
        return [(i, j) for a, b, i, j in path if (a, b) == (1, 1)]

    def _second_pass_scorer(self, src_vecs, tgt_vecs, src_lens, tgt_lens, lo, hi):
        """score(i, a, b, cols) for the second pass: skip for 0-1/1-0, else margin cosine x length penalty.

        The DP asks for one row at a time, so the scores of a whole row (every target position of its band x
        every source run width a) are made at once per target run width b, when the row is first asked for."""
        runs, n, m = src_vecs.shape[0], src_vecs.shape[1], tgt_vecs.shape[1]
        src1, tgt1 = src_vecs[0], tgt_vecs[0]
        zero = np.zeros(src_vecs.shape[2], src_vecs.dtype)
        widths = np.arange(1, runs + 1)
        row: dict = {"i": None}

        def prepare(i: int) -> None:
            # u: the source runs of width 1..runs ending at i - 1, the sentence after them (i), and the
            # sentence before each run (i - a - 1); zero vectors where there is none (a similarity of 0 is
            # what Bertalign counts for a missing neighbour)
            before = [src1[i - a - 1] if i - a > 0 else zero for a in widths]
            u = np.stack([src_vecs[a - 1, i - 1] for a in widths] + [src1[i] if i < n else zero] + before)
            cols = np.arange(lo[i], hi[i] + 1)
            base = int(lo[i]) - runs - 1  # the leftmost target neighbour a link of the row can have
            neighbours = tgt1[np.clip(np.arange(base, hi[i] + 1), 0, m - 1)] @ u[:runs].T
            tables = []
            for b in widths:
                dots = (tgt_vecs[b - 1, np.maximum(cols - 1, 0)] @ u.T).astype(np.float64)  # (cols, 2 runs + 1)
                sim = dots[:, :runs]  # (cols, a)
                if self.margin:
                    # neighbours of the target run (j and j - b - 1, 0-based) against each source run
                    right = np.where((cols < m)[:, None], neighbours[cols - base], 0.0)
                    left = np.where((cols - b > 0)[:, None], neighbours[np.maximum(cols - b - 1, base) - base], 0.0)
                    # neighbours of each source run (i and i - a - 1) against the target run
                    src_side = _neighbour_mean(dots[:, [runs]], dots[:, runs + 1 :])
                    sim = sim - (_neighbour_mean(right, left) + src_side) / 2
                if self.len_penalty:
                    s_len = src_lens[:, i - 1][None, :]
                    t_len = tgt_lens[b - 1, np.maximum(cols - 1, 0)][:, None]
                    with np.errstate(divide="ignore", invalid="ignore"):  # runs that do not exist: never read
                        sim = sim * np.log2(1 + np.minimum(s_len, t_len) / np.maximum(s_len, t_len))
                tables.append(sim)
            row.update(i=i, lo=int(lo[i]), tables=tables)

        def score(i: int, a: int, b: int, cols: np.ndarray) -> np.ndarray:
            if a == 0 or b == 0:
                return np.full(len(cols), self.skip)
            if row["i"] != i:
                prepare(i)
            return row["tables"][b - 1][cols - row["lo"], a - 1]

        return score
