"""Alignment quality against gold links: strict and lax precision, recall and F1, pooled over documents.

The definitions are the ones Vecalign's `score.py` and Bertalign's `eval.py` use, so our numbers sit beside
their published ones:

- precision counts every predicted link, null links (an empty side) included;
  strict hit: the identical link is in gold; lax hit: some gold link shares a source sentence with it and
  that source's gold targets share a target sentence with it (a null link is therefore never a lax hit
  unless it is a strict one);
- recall is the same count with gold and prediction swapped, after links with an empty side are left out of
  both;
- counts (not per-document scores) are summed over all documents, then turned into P/R/F1; 0/0 is 0.

Duplicate links within one document count once and empty-both links are ignored, as in the reference code.

`merge_within` is a separate, optional step: Bertalign's Bible evaluation merges consecutive predicted links
that fall inside one verse before scoring (its gold is derived from verse numbers). Scores computed after it
say so in their signature (`merge:groups`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from aligner.align.links import Link

EVAL_VERSION = "1"


@dataclass(frozen=True)
class Counts:
    """Hit counts over a set of links: `n` links considered, `strict` and `lax` hits among them."""

    n: int = 0
    strict: int = 0
    lax: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.n + other.n, self.strict + other.strict, self.lax + other.lax)


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Scores:
    """Pooled strict/lax precision, recall, F1 and the counts they come from."""

    precision_counts: Counts  # over predicted links (nulls included); hits found in gold
    recall_counts: Counts  # over gold links without nulls; hits found in non-null predictions
    documents: int
    merged: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def precision_strict(self) -> float:
        return _ratio(self.precision_counts.strict, self.precision_counts.n)

    @property
    def precision_lax(self) -> float:
        return _ratio(self.precision_counts.lax, self.precision_counts.n)

    @property
    def recall_strict(self) -> float:
        return _ratio(self.recall_counts.strict, self.recall_counts.n)

    @property
    def recall_lax(self) -> float:
        return _ratio(self.recall_counts.lax, self.recall_counts.n)

    @property
    def f1_strict(self) -> float:
        return _f1(self.precision_strict, self.recall_strict)

    @property
    def f1_lax(self) -> float:
        return _f1(self.precision_lax, self.recall_lax)

    @property
    def signature(self) -> str:
        return (
            f"eval:strict+lax|prec:all-links|rec:non-null|pool:counts|docs:{self.documents}"
            f"|merge:{'groups' if self.merged else 'none'}|version:{EVAL_VERSION}"
        )

    def as_dict(self) -> dict:
        return {
            "precision_strict": self.precision_strict,
            "recall_strict": self.recall_strict,
            "f1_strict": self.f1_strict,
            "precision_lax": self.precision_lax,
            "recall_lax": self.recall_lax,
            "f1_lax": self.f1_lax,
            "pred_links": self.precision_counts.n,
            "gold_links_non_null": self.recall_counts.n,
            "documents": self.documents,
            "signature": self.signature,
        }

    def __str__(self) -> str:
        pc, rc = self.precision_counts, self.recall_counts
        return "\n".join(
            [
                "            strict   lax",
                f"precision   {self.precision_strict:.3f}   {self.precision_lax:.3f}"
                f"   ({pc.strict}/{pc.lax} of {pc.n} predicted links)",
                f"recall      {self.recall_strict:.3f}   {self.recall_lax:.3f}"
                f"   ({rc.strict}/{rc.lax} of {rc.n} non-null gold links)",
                f"F1          {self.f1_strict:.3f}   {self.f1_lax:.3f}",
                self.signature,
            ]
        )


def _as_pairs(links: Sequence[Link]) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    return {(tuple(link.src), tuple(link.tgt)) for link in links if link.src or link.tgt}


def _hits(reference: Sequence[Link], candidate: Sequence[Link]) -> Counts:
    """How many distinct `candidate` links are strict / lax hits against `reference`."""
    ref = _as_pairs(reference)
    cand = _as_pairs(candidate)
    # source sentence -> every target sentence a reference link pairs it with
    ref_targets: dict[int, set[int]] = defaultdict(set)
    for src, tgt in ref:
        for s in src:
            ref_targets[s].update(tgt)
    strict = lax = 0
    for src, tgt in cand:
        if (src, tgt) in ref:
            strict += 1
            lax += 1
        elif any(t in ref_targets.get(s, ()) for s in src for t in tgt):
            lax += 1
    return Counts(len(cand), strict, lax)


def _non_null(links: Sequence[Link]) -> list[Link]:
    return [link for link in links if link.src and link.tgt]


def evaluate(golds: list[list[Link]], preds: list[list[Link]], *, merged: bool = False) -> Scores:
    """Score predicted links against gold links, one list per document, counts pooled over documents.

    `merged` only labels the signature (set it when the predictions went through `merge_within`).
    """
    if len(golds) != len(preds):
        raise ValueError(f"{len(golds)} gold documents but {len(preds)} predicted ones")
    precision, recall = Counts(), Counts()
    for gold, pred in zip(golds, preds):
        precision += _hits(gold, pred)
        recall += _hits(_non_null(pred), _non_null(gold))
    return Scores(precision, recall, len(golds), merged)


def _group_of(ids: tuple[int, ...], groups: Sequence[str]) -> list[str | None]:
    """Distinct groups (e.g. verses) the sentences of one side fall in, in order; [None] for an empty side."""
    if not ids:
        return [None]
    return list(dict.fromkeys(groups[i] for i in ids))


def merge_within(links: list[Link], src_groups: Sequence[str], tgt_groups: Sequence[str]) -> list[Link]:
    """Merge consecutive links that lie inside one and the same group (Bertalign's Bible verse merging).

    A link lies inside group g when each non-empty side falls in g alone (an empty side takes the other
    side's group). Consecutive links inside the same group become one link. This is an optional evaluation
    step for gold derived from coarser units, not part of the standard scores.
    """

    def group(link: Link) -> str | None:
        s, t = _group_of(link.src, src_groups), _group_of(link.tgt, tgt_groups)
        if len(s) != 1 or len(t) != 1:
            return None
        if s[0] is None or t[0] is None or s[0] == t[0]:
            return s[0] if s[0] is not None else t[0]
        return None

    merged: list[Link] = []
    last = None
    for link in links:
        g = group(link)
        if merged and g is not None and g == last:
            prev = merged[-1]
            merged[-1] = Link(prev.src + tuple(link.src), prev.tgt + tuple(link.tgt), min(prev.confidence, link.confidence))
        else:
            merged.append(link)
        last = g
    return merged
