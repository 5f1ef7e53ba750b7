"""How the aligner weighs its evidence: the link scoring, by hand or fitted on gold alignments.

A scoring is a handful of numbers: the cost of leaving a sentence unaligned (`null_cost`), the cosine below
which a link found by the search is split into nulls (`min_link_cos`), the two thresholds at which an edge
sentence of a merge is detached after the search (`min_member_cos`, `min_joined_gain`, `max_detached_cos`), the weights of the features' evidence
that differ from the aligner's defaults, and a per-document calibration of the null cost:

    null cost of a document = null_cost + quality * max(0, quality_ref - its confident cosine)
                                        + spread * max(0, its length spread - spread_ref)

clipped to [min_null, max_null]; each sentence's null cost is the document's times (its length / the median
length of its side) ** -short, kept within a factor of two. "Confident links" are the document's mutual-best 1-1 pairs (each sentence
the other's most similar one in the search band); their median cosine says how literal the translation is
and the spread of their log length ratios how freely it is rephrased. A loose literary translation (low
cosine, wide spread) then pays more for a null, so that the short sentences it adds ("'Ow!' he hollered.")
are attached to a neighbouring link as a human aligner attaches them; a close translation with a genuine
insertion (the letter's translator's note) keeps the base null cost (the terms are hinges: a document more
literal than the references is not pushed the other way), and the insertion stays out. The length term
says the same of single sentences: what a translation adds in passing is short, an omission that matters
(a note, an introduction) is made of whole sentences. And of runs: with `isolated`, the first null link of
a run pays its null cost (1 + isolated) times, the others once (affine gaps, `search.best_path_gapped`), so
that one sentence left out between two links is dearer than a sentence of an omitted passage.

`hand` is the scoring chosen by hand on Text+Berg dev and the letter (no calibration). `fitted` reads
`linkscore.json` beside this module, written by `python -m benchmarks.linkscore_cv --fit --write`, which fits
the numbers on the development sets' gold alignments (choosing between candidates by leave-one-set-out);
the file's `name` (e.g. `linkscore-1`) goes into the aligner's signature as `score:<name>`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from corpus.errors import CorpusError

FITTED_FILE = Path(__file__).with_name("linkscore.json")
FORMAT_VERSION = 1
SCORINGS = ("hand", "fitted")
MAX_FACTOR = 2.0


@dataclass(frozen=True)
class Profile:
    """What a document's confident links (mutual-best 1-1 pairs) look like."""

    cosine: float  # median cosine of the confident pairs
    spread: float  # robust spread (1.4826 x median absolute deviation) of their log length ratios
    confident: int  # how many there are


@dataclass(frozen=True)
class LinkScoring:
    name: str
    null_cost: float = 0.2
    min_link_cos: float = 0.2
    min_member_cos: float = 0.0  # an edge sentence of a merge below this cosine with the other side leaves it
    min_joined_gain: float = 0.1  # ... or when the joined text without it matches the other side this much better
    max_detached_cos: float = 1.0  # ... and it alone matches the other side below this cosine (1: no such check)
    weights: dict = field(default_factory=dict)  # feature -> weight, over the aligner's defaults
    quality: float = 0.0  # calibration slopes (0: a constant null cost)
    spread: float = 0.0
    isolated: float = 0.0  # the first null of a run pays this times its null cost once more (affine gaps)
    short: float = 0.0  # a sentence's null cost x (its length / its side's median) ** -short, clipped
    quality_ref: float = 0.6
    spread_ref: float = 0.3
    min_null: float = 0.05
    max_null: float = 1.0

    @property
    def calibrated(self) -> bool:
        return bool(self.quality or self.spread)

    def null_cost_for(self, profile: Profile | None) -> float:
        """The null cost of one document (the constant where uncalibrated or nothing is confident)."""
        if not self.calibrated or profile is None or profile.confident < 3:
            return self.null_cost
        cost = (self.null_cost + self.quality * max(0.0, self.quality_ref - profile.cosine)
                + self.spread * max(0.0, profile.spread - self.spread_ref))
        return float(min(max(cost, self.min_null), self.max_null))

    def length_factors(self, lengths: np.ndarray) -> np.ndarray:
        """Each sentence's factor on the null cost: (length / the side's median length) ** -short, within
        [1 / max_factor, max_factor]; all ones without the length term."""
        if not self.short or not len(lengths):
            return np.ones(len(lengths))
        median = max(float(np.median(lengths)), 1.0)
        factor = (np.maximum(lengths, 1.0) / median) ** -self.short
        return np.clip(factor, 1 / MAX_FACTOR, MAX_FACTOR)

    def to_json(self, extra: dict | None = None) -> str:
        body = {"format": FORMAT_VERSION, **asdict(self), **(extra or {})}
        return json.dumps(body, indent=2, sort_keys=True) + "\n"


HAND = LinkScoring("hand")
_FIELDS = set(LinkScoring.__dataclass_fields__)


def from_dict(data: dict) -> LinkScoring:
    return LinkScoring(**{k: v for k, v in data.items() if k in _FIELDS})


@lru_cache(maxsize=4)
def _read(path: str) -> LinkScoring:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"cannot read the fitted link scoring ({exc.__class__.__name__})", p) from exc
    if data.get("format") != FORMAT_VERSION:
        raise CorpusError(f"fitted link scoring of format {data.get('format')!r}, this version reads "
                          f"{FORMAT_VERSION}", p)
    return from_dict(data)


def load(scoring: str | LinkScoring) -> LinkScoring:
    """`hand`, `fitted` (linkscore.json beside this module) or a LinkScoring as it is."""
    if isinstance(scoring, LinkScoring):
        return scoring
    if scoring == "hand":
        return HAND
    if scoring == "fitted":
        return _read(str(FITTED_FILE))
    raise CorpusError(f"unknown link scoring {scoring!r}; known: {', '.join(SCORINGS)}")


def document_profile(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray,
                     band, cosine11: np.ndarray | None = None) -> Profile:
    """The Profile of one document from its sentence vectors and lengths, over the search band (`cosine11`:
    the band's 1-1 cosines where a feature computed them already: cell (i, j) holds sentence i-1 against j-1)."""
    n, m = band.n, band.m
    j = band.cols()
    i = np.arange(n + 1)[:, None]
    valid = (i >= 1) & (j >= 1) & (j <= band.hi[:, None]) & (j <= m)
    if cosine11 is None:
        from aligner.align.features import band_products

        cosine11 = np.zeros(j.shape, np.float32)
        cosine11[1:] = band_products(src_vecs, tgt_vecs, np.clip(j[1:] - 1, 0, max(m - 1, 0)))
    rows, cols = np.nonzero(valid)
    if not len(rows):
        return Profile(0.0, 0.0, 0)
    values = np.asarray(cosine11, np.float64)[rows, cols]
    s, t = rows - 1, j[rows, cols] - 1  # sentence numbers
    row_best = np.full(n, -np.inf)
    np.maximum.at(row_best, s, values)
    col_best = np.full(m, -np.inf)
    np.maximum.at(col_best, t, values)
    mutual = (values >= row_best[s]) & (values >= col_best[t]) & (values > 0)
    if not mutual.any():
        return Profile(0.0, 0.0, 0)
    ratio = (tgt_len.sum() + 1.0) / (src_len.sum() + 1.0)
    log_ratio = np.log((tgt_len[t[mutual]] + 1.0) / (ratio * src_len[s[mutual]] + 1.0))
    spread = 1.4826 * float(np.median(np.abs(log_ratio - np.median(log_ratio))))
    return Profile(float(np.median(values[mutual])), spread, int(mutual.sum()))
