"""Anchored alignment: links given beforehand (a reviewer's confirmed links) that the output keeps exactly,
with everything else aligned around them.

An anchor with both sides is a fixed step of the path, from node (s0, t0) to (s1, t1) (the nodes of
`aligner.align.search`): the anchors cut the grid into the rectangles between them, each searched on its
own (`gap_band` gives each its own coarse-to-fine band, `best_path_between` runs the DP in each), so that
no other link can cross an anchor. An anchor with an empty side (`[5]:[]`) fixes no position on the other side, only that its
sentences are in no other link: `block_nulls` sets the score of every two-sided link over them to -inf, and
`merge_null_anchors` joins the 1-0 steps of a longer one (`[5, 6]:[]`) into the one link given.
"""

from __future__ import annotations

import numpy as np

from aligner.align import search
from aligner.align.links import Link
from corpus.errors import CorpusError


class AnchorError(CorpusError, ValueError):
    """An anchor that cannot be kept: out of range, not consecutive, empty, or overlapping or crossing another."""


def check_anchors(anchors, n: int, m: int, source=None, shown: dict | None = None) -> list[Link]:
    """The anchors sorted along the texts, after checking them against n source and m target sentences;
    AnchorError (naming `source`, e.g. the anchors file) at the first one that cannot be kept. `shown`: how
    to write an anchor in a message (its file line numbers, see `renumber`)."""
    anchors = list(dict.fromkeys(a if isinstance(a, Link) else Link(tuple(a[0]), tuple(a[1])) for a in anchors))
    say = (lambda a: str(shown.get(a, a))) if shown else str
    for a in anchors:
        if not a.src and not a.tgt:
            raise AnchorError(f"anchor {say(a)}: both sides are empty", source)
        for side, ids, size in (("source", a.src, n), ("target", a.tgt, m)):
            if ids and (min(ids) < 0 or max(ids) >= size):
                raise AnchorError(f"anchor {say(a)}: {side} sentence {max(ids) if max(ids) >= size else min(ids)} "
                                  f"is out of range (the {side} has {size} sentences)", source)
            if ids and list(ids) != list(range(ids[0], ids[0] + len(ids))):
                raise AnchorError(f"anchor {say(a)}: the {side} sentences are not consecutive and increasing",
                                  source)
    for side in ("src", "tgt"):
        owner: dict[int, Link] = {}
        for a in anchors:
            for k in getattr(a, side):
                if k in owner:
                    raise AnchorError(f"anchors {say(owner[k])} and {say(a)} share a "
                                      f"{'source' if side == 'src' else 'target'} sentence", source)
                owner[k] = a
    fixed = sorted((a for a in anchors if a.src and a.tgt), key=lambda a: a.src[0])
    for a, b in zip(fixed, fixed[1:]):
        if b.tgt[0] <= a.tgt[-1]:
            raise AnchorError(f"anchors {say(a)} and {say(b)} cross: their target order is not their source order",
                              source)
    return fixed + [a for a in anchors if not (a.src and a.tgt)]


def corners(anchors: list[Link]) -> list[tuple[int, int, int, int]]:
    """(s0, s1, t0, t1) of each anchor with both sides, in order: it covers source [s0, s1), target [t0, t1)."""
    return [(a.src[0], a.src[-1] + 1, a.tgt[0], a.tgt[-1] + 1) for a in anchors if a.src and a.tgt]


def gaps(anchors: list[Link], n: int, m: int) -> list[tuple[int, int, int, int]]:
    """The rectangles (r0, r1, c0, c1) between the anchors with both sides: nodes (r0, c0) to (r1, c1)."""
    ends = [(0, 0)] + [(s1, t1) for _, s1, _, t1 in corners(anchors)]
    starts = [(s0, t0) for s0, _, t0, _ in corners(anchors)] + [(n, m)]
    return [(r0, r1, c0, c1) for (r0, c0), (r1, c1) in zip(ends, starts)]


def gap_band(anchors: list[Link], n: int, m: int, band_of) -> search.Band:
    """One band over the whole grid: each gap's own band (`band_of(r0, r1, c0, c1)`, e.g. coarse to fine over
    its sentences) and each anchor's rectangle, made monotone, every row reaching the next row's first node."""
    lo, hi = np.full(n + 1, m, np.int64), np.zeros(n + 1, np.int64)
    for r0, r1, c0, c1 in gaps(anchors, n, m):
        part = band_of(r0, r1, c0, c1)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], part.lo + c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], part.hi + c0)
    for s0, s1, t0, t1 in corners(anchors):
        lo[s0 : s1 + 1] = np.minimum(lo[s0 : s1 + 1], t0)
        hi[s0 : s1 + 1] = np.maximum(hi[s0 : s1 + 1], t1)
    lo, hi = np.minimum.accumulate(lo[::-1])[::-1], np.maximum.accumulate(hi)
    hi[:-1] = np.maximum(hi[:-1], lo[1:])
    lo[0], hi[n] = 0, m
    return search.Band(lo, hi, n, m)


def block_nulls(anchors: list[Link], band: search.Band, scores: dict) -> dict:
    """Scores where no link with both sides covers a sentence of an anchor with an empty side."""
    ends = {"src": np.arange(band.n + 1)[:, None], "tgt": band.cols()}
    out = dict(scores)
    for a in anchors:
        if a.src and a.tgt:
            continue
        side, (first, last) = ("src", (a.src[0], a.src[-1])) if a.src else ("tgt", (a.tgt[0], a.tgt[-1]))
        for (x, y), values in scores.items():
            if x and y:
                size = x if side == "src" else y
                out[x, y] = np.where((ends[side] - size <= last) & (ends[side] > first), -np.inf, out[x, y])
    return out


def best_path_between(anchors: list[Link], band: search.Band, scores: dict,
                      opening: dict | None = None) -> list[tuple[int, int, int, int]]:
    """The best path (as `search.best_path`, or `search.best_path_gapped` with the nulls' `opening` costs)
    through every anchor with both sides: the DP runs in each gap on its part of the band, the anchor's own
    step joins the gaps."""
    path = []
    fixed = corners(anchors) + [None]
    for (r0, r1, c0, c1), anchor in zip(gaps(anchors, band.n, band.m), fixed):
        sub = search.Band(np.clip(band.lo[r0 : r1 + 1], c0, c1) - c0, np.clip(band.hi[r0 : r1 + 1], c0, c1) - c0,
                          r1 - r0, c1 - c0)
        j = c0 + sub.cols()
        k = j - band.lo[r0 : r1 + 1, None]
        inside = sub.valid() & (k < band.width)

        def pick(arrays: dict) -> dict:
            return {kind: np.where(inside, np.take_along_axis(values[r0 : r1 + 1], np.clip(k, 0, band.width - 1),
                                                              1), -np.inf) for kind, values in arrays.items()}

        if opening is None:
            steps = search.best_path(sub, pick(scores))
        else:
            steps = search.best_path_gapped(sub, pick(scores), {kind: np.nan_to_num(v, neginf=0.0)
                                                                for kind, v in pick(opening).items()})
        path += [(a, b, i + r0, jj + c0) for a, b, i, jj in steps]
        if anchor is not None:
            s0, s1, t0, t1 = anchor
            path.append((s1 - s0, t1 - t0, s1, t1))
    return path


def merge_null_anchors(links: list[Link], anchors: list[Link]) -> list[Link]:
    """The links with the nulls of each longer anchor with an empty side (`[5, 6]:[]`) joined into that one
    link, the other side's nulls found between them placed before it."""
    for a in anchors:
        if (a.src and a.tgt) or len(a.src) + len(a.tgt) < 2:
            continue
        side = "src" if a.src else "tgt"
        at = [k for k, l in enumerate(links) if set(getattr(l, side)) & set(getattr(a, side))]
        span = links[at[0] : at[-1] + 1]
        others = [l for l in span if not set(getattr(l, side)) & set(getattr(a, side))]
        links = links[: at[0]] + others + [Link(a.src, a.tgt, 1.0)] + links[at[-1] + 1 :]
    return links


def renumber(anchors: list[Link], src_numbers: list[int], tgt_numbers: list[int], source=None) -> list[Link]:
    """Anchors given in file line numbers (as `corpus align --presegmented` writes its links) as sentence
    positions; AnchorError for a line that holds no sentence (blank, or past the last sentence)."""
    where = ({k: i for i, k in enumerate(src_numbers)}, {k: i for i, k in enumerate(tgt_numbers)})
    for a in anchors:
        for side, ids, index in (("source", a.src, where[0]), ("target", a.tgt, where[1])):
            missing = [k for k in ids if k not in index]
            if missing:
                raise AnchorError(f"anchor {a}: {side} line {missing[0]} holds no sentence (blank or past the end)",
                                  source)
    return [Link(tuple(where[0][k] for k in a.src), tuple(where[1][k] for k in a.tgt)) for a in anchors]

