"""Gale-Church (1993) sentence alignment on character lengths: the baseline every aligner is compared with.

The model is NLTK's (`nltk.translate.gale_church`: its `LanguageIndependent` priors, mean and variance, its
erfc approximation and its tie-breaking). Two search engines:

- `engine="nltk"` calls `nltk.translate.gale_church.align_blocks` itself. It is a pure-Python double loop
  over all n x m cells (1,000 x 1,260 Bible sentences take about a minute), so it is only practical for
  short blocks such as one Text+Berg article.
- `engine="numpy"` (default) runs the same recurrence one anti-diagonal at a time with numpy: every cell on
  diagonal i+j=k depends only on diagonals k-1..k-4, so a whole diagonal is one vector step. With
  `band=None` it visits every cell and returns exactly what NLTK returns (the tests check this); with
  `band="auto"` it keeps to Bertalign's Gale-Church search window around the length-ratio diagonal
  (window = max(min(max(10, 8% of m * m/n, 3/4 |m-n|), 600), 6% of max(n, m))), which is what makes book-long
  single blocks feasible.

Both return our `Link` list: NLTK's sentence pairs are turned into n-m links, and every sentence that is in no
pair becomes a 1-0 or 0-1 link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from aligner.align.links import Link

# Bead types in NLTK's order (its tie-break: the first minimum wins).
_TYPES = [(1, 0), (0, 1), (1, 1), (2, 1), (1, 2), (2, 2)]
_BANDED_CAP = 25.0  # cost of an underflowing length term in banded mode (Bertalign's Gale-Church value)
_NONE = -1  # NLTK's backlink for a cell no bead type reaches (its cost is then reset to 0)


def _params():
    from nltk.translate.gale_church import LanguageIndependent

    return LanguageIndependent


def _erfcc(x: np.ndarray) -> np.ndarray:
    """NLTK's complementary error function approximation (Numerical Recipes' erfcc), vectorised."""
    z = np.abs(x)
    t = 1 / (1 + 0.5 * z)
    poly = 1.48851587 + t * (-0.82215223 + t * 0.17087277)
    for c in (-1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368):
        poly = c + t * poly
    r = t * np.exp(-z * z - 1.26551223 + t * poly)
    return np.where(x >= 0.0, r, 2.0 - r)


def _bead_cost(l_s: np.ndarray, l_t: np.ndarray, log_prior, params, cap: float | None = None) -> np.ndarray:
    """NLTK's `align_log_prob` for arrays of bead lengths: -log P(bead), +inf when the tail underflows.

    With `cap`, an underflowing length term costs `cap` instead of +inf (Bertalign's Gale-Church uses 25):
    a banded search has no cells outside the band to fall back on, so it must never meet a wall of +inf.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        m = (l_s + l_t / params.AVERAGE_CHARACTERS) / 2
        delta = (l_s * params.AVERAGE_CHARACTERS - l_t) / np.sqrt(m * params.VARIANCE_CHARACTERS)
        sf = 1 - (1 - 0.5 * _erfcc(np.abs(delta) / math.sqrt(2)))  # 1 - norm_cdf(|delta|), as NLTK rounds it
        logsf = np.where(sf > 0, np.log(np.where(sf > 0, sf, 1.0)), -np.inf)
        length_cost = -(math.log(2) + logsf)
        if cap is not None:
            length_cost = np.minimum(length_cost, cap)
        cost = length_cost - log_prior
    return np.where(m == 0, -np.inf, cost)  # NLTK's ZeroDivisionError branch: two empty sentences


def _auto_window(n: int, m: int) -> int:
    ratio = m / n if n else 1.0
    w1 = min(max(10, int(ratio * m * 8 / 100), int(abs(m - n) * 3 / 4)), 600)
    return max(w1, int(max(n, m) * 0.06))


def _search(
    src_lens: Sequence[int], tgt_lens: Sequence[int], band: int | None, ratio: float = 1.0
) -> list[tuple[int, int]]:
    """NLTK's Gale-Church recurrence by anti-diagonals; returns NLTK's sentence pairs.

    `ratio` replaces NLTK's AVERAGE_CHARACTERS (target characters per source character; NLTK uses 1).
    """
    params = _params()
    params = type("Params", (), {"AVERAGE_CHARACTERS": ratio, "VARIANCE_CHARACTERS": params.VARIANCE_CHARACTERS,
                                 "PRIORS": params.PRIORS})
    n, m = len(src_lens), len(tgt_lens)
    ps = np.concatenate([[0], np.cumsum(src_lens, dtype=np.float64)])
    pt = np.concatenate([[0], np.cumsum(tgt_lens, dtype=np.float64)])
    a_ = np.array([t[0] for t in _TYPES])[:, None]
    b_ = np.array([t[1] for t in _TYPES])[:, None]
    log_priors = np.array([math.log(params.PRIORS[t]) for t in _TYPES])[:, None]
    slope = m / n if n else 1.0
    cap = None if band is None else _BANDED_CAP
    pad = 2  # diagonal rows are indexed by source position i + pad so that i - 2 never wraps
    ring = np.full((5, n + 1 + pad), np.inf)  # costs of diagonals k-4..k, row k % 5
    back: list[tuple[int, np.ndarray]] = []  # per diagonal: first source position, bead type index per cell
    for k in range(n + m + 1):
        lo, hi = max(0, k - m), min(n, k)
        if band is not None:
            lo = max(lo, math.ceil((k - band) / (1 + slope)))
            hi = min(hi, math.floor((k + band) / (1 + slope)))
        ring[k % 5] = np.inf
        if lo > hi:
            back.append((lo, np.empty(0, np.int8)))
            continue
        i = np.arange(lo, hi + 1)[None, :]
        j = k - i
        ok = (i >= a_) & (j >= b_)  # (6, cells): the bead fits inside the block
        ii, jj = np.where(ok, i, a_), np.where(ok, j, b_)
        cost = _bead_cost(ps[ii] - ps[ii - a_], pt[jj] - pt[jj - b_], log_priors, params, cap)
        prev = ring[(k - a_ - b_) % 5, np.where(ok, i - a_, -pad) + pad]
        cands = np.where(ok, prev + cost, np.inf)
        best = np.argmin(cands, axis=0).astype(np.int8)
        value = np.take_along_axis(cands, best[None, :].astype(np.intp), 0)[0]
        unreachable = value == np.inf
        if band is None or k == 0:
            # NLTK resets a cell no bead reaches to cost 0 with no backlink (the origin is one); a band
            # leaves all other such cells out.
            value[unreachable] = 0.0
        best[unreachable] = _NONE
        ring[k % 5, lo + pad : hi + 1 + pad] = value
        back.append((lo, best))
    # NLTK's trace: follow backlinks from (n, m); a cell without one steps diagonally and pairs nothing.
    pairs: list[tuple[int, int]] = []
    pi, pj = n, m
    while (pi, pj) != (0, 0) and pi >= 0 and pj >= 0:
        lo, best = back[pi + pj]
        off = pi - lo
        t = int(best[off]) if 0 <= off < len(best) else _NONE
        if t == _NONE:
            pi, pj = pi - 1, pj - 1
            continue
        s, u = _TYPES[t]
        pairs.extend((pi - x - 1, pj - y - 1) for x in range(s) for y in range(u))
        pi, pj = pi - s, pj - u
    return pairs[::-1]


def pairs_to_links(pairs: Sequence[tuple[int, int]], n_src: int, n_tgt: int) -> list[Link]:
    """Sentence pairs (i, j) into n-m links (connected pairs form one link), uncovered sentences as nulls."""
    beads: list[tuple[set[int], set[int]]] = []
    src_bead: dict[int, int] = {}
    tgt_bead: dict[int, int] = {}
    for i, j in pairs:
        b = src_bead.get(i, tgt_bead.get(j))
        if b is None:
            b = len(beads)
            beads.append((set(), set()))
        beads[b][0].add(i)
        beads[b][1].add(j)
        src_bead[i] = tgt_bead[j] = b
    links: list[Link] = []
    si = tj = 0
    for src, tgt in sorted(beads, key=lambda st: (min(st[0]), min(st[1]))):
        while si < min(src):
            if si not in src_bead:
                links.append(Link((si,), ()))
            si += 1
        while tj < min(tgt):
            if tj not in tgt_bead:
                links.append(Link((), (tj,)))
            tj += 1
        links.append(Link(tuple(sorted(src)), tuple(sorted(tgt))))
        si, tj = max(si, max(src) + 1), max(tj, max(tgt) + 1)
    links += [Link((i,), ()) for i in range(si, n_src) if i not in src_bead]
    links += [Link((), (j,)) for j in range(tj, n_tgt) if j not in tgt_bead]
    return links


@dataclass
class GaleChurchResult:
    links: list[Link]
    signature: str


class GaleChurch:
    """Gale-Church alignment of sentence lists, each optionally split into blocks aligned independently.

    `blocks` are (n_src, n_tgt) sentence counts of consecutive block pairs (default: one block each).
    `length` is "chars" (code points, as NLTK's docs use) or "bytes" (UTF-8, as Bertalign's baseline).
    `ratio` is Gale & Church's c (target length per source length): "document" (default for numpy) fits it to
    each block's totals, 1 is NLTK's `LanguageIndependent` value (fine for de-fr, useless for en-zh characters).
    `band`: "auto" (Bertalign's window), an int (cells with |j - i*m/n| <= band), or None (every cell).
    """

    def __init__(
        self,
        src: Sequence[str],
        tgt: Sequence[str],
        *,
        blocks: Sequence[tuple[int, int]] | None = None,
        engine: str = "numpy",
        band: int | str | None = "auto",
        length: str = "chars",
        ratio: float | str | None = None,
    ):
        if engine not in ("numpy", "nltk"):
            raise ValueError(f"unknown engine {engine!r}")
        if engine == "nltk":
            band = None  # NLTK's own align_blocks always visits every cell
        if length not in ("chars", "bytes"):
            raise ValueError(f"unknown length unit {length!r}")
        self.src, self.tgt = list(src), list(tgt)
        self.blocks = list(blocks) if blocks is not None else [(len(self.src), len(self.tgt))]
        if sum(b[0] for b in self.blocks) != len(self.src) or sum(b[1] for b in self.blocks) != len(self.tgt):
            raise ValueError("block sizes do not add up to the sentence counts")
        if ratio is None:
            ratio = 1 if engine == "nltk" else "document"
        if engine == "nltk" and ratio != 1:
            raise ValueError("NLTK's own align_blocks has ratio 1 (LanguageIndependent)")
        self.engine, self.band, self.length, self.ratio = engine, band, length, ratio

    @property
    def signature(self) -> str:
        import nltk

        band = "full" if self.band is None else self.band
        return (
            f"aligner:gale-church|model:nltk-{nltk.__version__}-LanguageIndependent|engine:{self.engine}"
            f"|band:{band}|len:{self.length}|ratio:{self.ratio}|blocks:{len(self.blocks)}"
        )

    def _lengths(self, sents: Sequence[str]) -> list[int]:
        if self.length == "bytes":
            return [len(s.strip().encode("utf-8")) for s in sents]
        return [len(s.strip()) for s in sents]

    def _pairs(self, src_lens: list[int], tgt_lens: list[int]) -> list[tuple[int, int]]:
        if self.engine == "nltk":
            import nltk.translate.gale_church as gc

            gc.MAX_ALIGN_BLOCKS = max(gc.MAX_ALIGN_BLOCKS, len(src_lens), len(tgt_lens))
            return gc.align_blocks(src_lens, tgt_lens)
        band = _auto_window(len(src_lens), len(tgt_lens)) if self.band == "auto" else self.band
        ratio = self.ratio
        if ratio == "document":  # Gale & Church's c: target characters per source character, of this block
            ratio = (sum(tgt_lens) / sum(src_lens)) if sum(src_lens) and sum(tgt_lens) else 1.0
        return _search(src_lens, tgt_lens, band, float(ratio))

    def align(self) -> GaleChurchResult:
        links: list[Link] = []
        s0 = t0 = 0
        for ns, nt in self.blocks:
            block_links = pairs_to_links(
                self._pairs(self._lengths(self.src[s0 : s0 + ns]), self._lengths(self.tgt[t0 : t0 + nt])), ns, nt
            )
            links += [Link(tuple(i + s0 for i in l.src), tuple(j + t0 for j in l.tgt)) for l in block_links]
            s0, t0 = s0 + ns, t0 + nt
        return GaleChurchResult(links, self.signature)
