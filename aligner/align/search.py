"""The alignment search: a dynamic programme over a band of the (source x target) grid, coarse to fine.

A DP node (i, j) means "the first i source and j target sentences are aligned". A link of type a-b ending
at (i, j) covers source sentences [i-a, i) and target sentences [j-b, j) and comes from node (i-a, j-b).
Nodes live in a `Band`: row i holds j in lo[i]..hi[i], so every array is (n+1) x width, never n x m.

`best_path` is the DP itself (one numpy step per row, the 0-1 moves within a row as one running maximum);
`coarse_to_fine` finds the band for a long document the way Vecalign does: sum neighbouring sentence vectors
into blocks, align the blocks (recursively), and widen the block path back into a band of sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LinkType = tuple[int, int]
Scorer = Callable[["Band", list[LinkType]], dict[LinkType, np.ndarray]]

# Band of the full grid up to this many nodes; longer documents go coarse to fine.
FULL_GRID_NODES = 300_000


def link_types(max_side: int = 4, max_total: int = 5) -> list[LinkType]:
    """0-1 and 1-0, then every a-b with 1 <= a, b <= max_side and a + b <= max_total (1-4, 4-1, 2-3, 2-2 ...)."""
    kinds = [(0, 1), (1, 0)]
    kinds += [(a, b) for a in range(1, max_side + 1) for b in range(1, max_side + 1) if a + b <= max_total]
    return kinds


@dataclass
class Band:
    """Monotone band of DP nodes: row i (0..n) holds target positions lo[i]..hi[i] (inclusive)."""

    lo: np.ndarray
    hi: np.ndarray
    n: int
    m: int

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        return cls(np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64), n, m)

    @classmethod
    def around(cls, rows: np.ndarray, cols: np.ndarray, n: int, m: int, widen: int) -> "Band":
        """The band covering path nodes (rows[k], cols[k]) widened by `widen` columns, made monotone."""
        lo = np.full(n + 1, m, np.int64)
        hi = np.zeros(n + 1, np.int64)
        np.minimum.at(lo, rows, cols)
        np.maximum.at(hi, rows, cols)
        # rows the path jumps over (a coarse link spans several fine rows) take their neighbours' range
        lo = np.minimum.accumulate(lo[::-1])[::-1]
        hi = np.maximum.accumulate(hi)
        lo = np.clip(lo - widen, 0, m)
        hi = np.clip(hi + widen, 0, m)
        lo[0], hi[n] = 0, m
        return cls(lo, hi, n, m)

    @property
    def width(self) -> int:
        return int((self.hi - self.lo).max()) + 1

    def cols(self) -> np.ndarray:
        """(n+1, width) absolute target positions of the band's cells."""
        return self.lo[:, None] + np.arange(self.width)[None, :]

    def valid(self) -> np.ndarray:
        return self.cols() <= self.hi[:, None]

    @property
    def nodes(self) -> int:
        return int((self.hi - self.lo + 1).sum())


def best_path(band: Band, scores: dict[LinkType, np.ndarray]) -> list[tuple[int, int, int, int]]:
    """Highest-scoring monotone path from (0, 0) to (n, m); `scores[a, b]` holds, for each band cell, the
    score of an a-b link ending there (-inf where impossible). Returns links as (a, b, i_end, j_end)."""
    kinds = [k for k in scores if k[0] > 0]  # every link type that moves down; 0-1 moves along the row
    width, lo, hi = band.width, band.lo, band.hi
    stacked = np.stack([scores[k] for k in kinds])  # (types, n+1, width)
    by_rows = {a: (np.array([t for t, k in enumerate(kinds) if k[0] == a]),
                   np.array([k[1] for k in kinds if k[0] == a])[:, None]) for a in {k[0] for k in kinds}}
    insert = len(kinds)
    total = np.full((band.n + 1, width), -np.inf)
    back = np.full((band.n + 1, width), -1, np.int8)
    cols = np.arange(width)
    gap_scores = np.where(np.isfinite(scores[0, 1]), scores[0, 1], 0.0)
    for i in range(band.n + 1):
        j = lo[i] + cols
        cand = np.full((len(kinds), width), -np.inf)
        for a, (types, bs) in by_rows.items():
            if a > i:
                continue
            k = j[None, :] - bs - lo[i - a]
            ok = (k >= 0) & (j[None, :] - bs <= hi[i - a])
            cand[types] = np.where(ok, total[i - a][np.clip(k, 0, width - 1)], -np.inf) + stacked[types, i]
        best = np.argmax(cand, axis=0)
        row = cand[best, cols]
        back[i] = np.where(np.isfinite(row), best, -1)
        if i == 0:
            row[0] = 0.0  # lo[0] == 0: the origin
        # 0-1 links chain along the row: best(k) = max over k' <= k of row(k') + gap(k'..k]; the only
        # impossible 0-1 cells are at column 0 (nothing to chain from) and past hi (nothing to chain to)
        gap = np.cumsum(gap_scores[i])
        run = np.maximum.accumulate(row - gap) + gap
        moved = run > row + 1e-9
        back[i, moved] = insert
        row = np.where(moved, run, row)
        row[j > hi[i]] = -np.inf
        total[i] = row
    return _trace(band, back, kinds + [(0, 1)])


def best_path_gapped(band: Band, scores: dict[LinkType, np.ndarray],
                     opening: dict[LinkType, np.ndarray]) -> list[tuple[int, int, int, int]]:
    """As `best_path`, where a run of null links (1-0 and 0-1, in any mix) also pays `opening[k]` (a cost >= 0,
    same layout as `scores[k]`) at its first link: the affine gaps of sequence alignment. A sentence left
    out alone between two links then costs more than one of a run of them, so that what a translation adds
    in passing is attached to a neighbour while a whole passage one side lacks stays out.

    Two states per node: M (the last link had two sides; the origin) and N (the last link was a null). Links
    with two sides come from the better of the two states of their start node; a null from M pays the opening."""
    kinds = [k for k in scores if k[0] > 0 and k[1] > 0]
    width, lo, hi = band.width, band.lo, band.hi
    n = band.n
    stacked = np.stack([scores[k] for k in kinds]) if kinds else np.zeros((0, n + 1, width))
    by_rows = {a: (np.array([t for t, k in enumerate(kinds) if k[0] == a]),
                   np.array([k[1] for k in kinds if k[0] == a])[:, None]) for a in {k[0] for k in kinds}}
    total_m = np.full((n + 1, width), -np.inf)
    total_n = np.full((n + 1, width), -np.inf)
    back_m = np.full((n + 1, width), -1, np.int16)
    back_n = np.full((n + 1, width), -1, np.int8)  # 0/1: 1-0 from M/N above; 2/3: 0-1 from M/N on the left
    cols = np.arange(width)
    skip_t = np.where(np.isfinite(scores[0, 1]), -scores[0, 1], np.inf)  # a 0-1's cost (>= 0), inf: impossible
    open_t = opening[0, 1]
    skip_s, open_s = -scores[1, 0], opening[1, 0]
    for i in range(n + 1):
        j = lo[i] + cols
        # links with two sides, from earlier rows
        cand = np.full((len(kinds), width), -np.inf)
        for a, (types, bs) in by_rows.items():
            if a > i:
                continue
            k = j[None, :] - bs - lo[i - a]
            ok = (k >= 0) & (j[None, :] - bs <= hi[i - a])
            kk = np.clip(k, 0, width - 1)
            prev = np.maximum(total_m[i - a][kk], total_n[i - a][kk])
            cand[types] = np.where(ok, prev, -np.inf) + stacked[types, i]
        if len(kinds):
            best = np.argmax(cand, axis=0)
            row_m = cand[best, cols]
            back_m[i] = np.where(np.isfinite(row_m), best, -1)
        else:
            row_m = np.full(width, -np.inf)
        if i == 0:
            row_m[0] = 0.0  # lo[0] == 0: the origin
        # 1-0: from the node above, same column
        from_above = np.full(width, -np.inf)
        code_above = np.zeros(width, np.int8)
        if i >= 1:
            k = j - lo[i - 1]
            ok = (k >= 0) & (j <= hi[i - 1]) & np.isfinite(skip_s[i])
            kk = np.clip(k, 0, width - 1)
            via_m = total_m[i - 1][kk] - open_s[i] - skip_s[i]
            via_n = total_n[i - 1][kk] - skip_s[i]
            from_above = np.where(ok, np.maximum(via_m, via_n), -np.inf)
            code_above = np.where(via_n > via_m, 1, 0).astype(np.int8)
        # 0-1 along the row: N(k) = max(start(k), N(k-1) - c(k)), start(k) = max(above(k), M(k-1) - open(k) - c(k)),
        # as one running maximum (the only impossible 0-1 cells are at column 0 and past hi, at the ends)
        c = np.where(np.isfinite(skip_t[i]), skip_t[i], 0.0)
        cum = np.cumsum(c)
        m_left = np.full(width, -np.inf)
        m_left[1:] = row_m[:-1] - open_t[i, 1:] - skip_t[i, 1:]
        start = np.maximum(from_above, m_left)
        start_code = np.where(m_left > from_above, 2, code_above).astype(np.int8)
        run = np.maximum.accumulate(start + cum) - cum
        extended = run > start + 1e-9
        row_n = np.where(extended, run, start)
        back_n[i] = np.where(extended, 3, start_code)
        row_m[j > hi[i]] = -np.inf
        row_n[j > hi[i]] = -np.inf
        total_m[i], total_n[i] = row_m, row_n
    return _trace_gapped(band, back_m, back_n, total_m, total_n, kinds)


def _trace_gapped(band, back_m, back_n, total_m, total_n, kinds) -> list[tuple[int, int, int, int]]:
    def in_null(i: int, j: int) -> bool:  # the better state of a node (M on a tie)
        k = j - band.lo[i]
        return bool(total_n[i, k] > total_m[i, k])

    i, j = band.n, band.m
    state_n = in_null(i, j)
    links = []
    while i > 0 or j > 0:
        k = j - band.lo[i]
        code = back_n[i, k] if state_n else back_m[i, k]
        if code < 0:
            raise RuntimeError(f"alignment search lost its path at node ({i}, {j})")
        if state_n:
            a, b = (1, 0) if code < 2 else (0, 1)
        else:
            a, b = kinds[code]
        links.append((a, b, i, j))
        i, j = i - a, j - b
        state_n = code in (1, 3) if state_n else (i > 0 or j > 0) and in_null(i, j)
    return links[::-1]


def _trace(band: Band, back: np.ndarray, kinds: list[LinkType]) -> list[tuple[int, int, int, int]]:
    i, j = band.n, band.m
    links = []
    while i > 0 or j > 0:
        t = back[i, j - band.lo[i]]
        if t < 0:
            raise RuntimeError(f"alignment search lost its path at node ({i}, {j})")
        a, b = kinds[t]
        links.append((a, b, i, j))
        i, j = i - a, j - b
    return links[::-1]


def path_nodes(links: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Every grid node a path's links touch (the whole rectangle of each link), as row and column arrays."""
    rows, cols = [0], [0]
    for a, b, i, j in links:
        for r in range(i - a, i + 1):
            rows += [r] * (b + 1)
            cols += range(j - b, j + 1)
    return np.asarray(rows), np.asarray(cols)


def halve(vectors: np.ndarray) -> np.ndarray:
    """Sum consecutive pairs of (unnormalised) unit vectors: the block vectors of the next coarser level."""
    if len(vectors) % 2:
        vectors = np.vstack([vectors, np.zeros((1, vectors.shape[1]), vectors.dtype)])
    return vectors[0::2] + vectors[1::2]


def coarse_to_fine(
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    score_blocks: Callable[[np.ndarray, np.ndarray, Band], dict[LinkType, np.ndarray]],
    widen: int = 8,
    full_grid_nodes: int = FULL_GRID_NODES,
) -> Band:
    """The band in which to run the final DP over these vectors: the full grid when it is small, else the
    path found one level coarser (pairs of vectors summed), projected back and widened by `widen`."""
    n, m = len(src_vecs), len(tgt_vecs)
    if (n + 1) * (m + 1) <= full_grid_nodes or min(n, m) < 4:
        return Band.full(n, m)
    coarse_src, coarse_tgt = halve(src_vecs), halve(tgt_vecs)
    coarse_band = coarse_to_fine(coarse_src, coarse_tgt, score_blocks, widen, full_grid_nodes)
    links = best_path(coarse_band, score_blocks(coarse_src, coarse_tgt, coarse_band))
    rows, cols = path_nodes(links)
    return Band.around(np.minimum(2 * rows, n), np.minimum(2 * cols, m), n, m, widen)
