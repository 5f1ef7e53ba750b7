"""Merge the pairwise alignments of a document group into multilingual units, consistent across pairs.

Every sentence of every document is a node; every non-null link of every pair alignment is a hyperedge over
its sentences. Units are the connected components, built greedily (Kruskal-style) from the most trustworthy
links down, where a link is only added when the component it makes stays a sound unit:

- *majority on additions*: an edge sentence of a link (say de 26 in en 19 ~ de 25+26) that the third
  document leaves without counterpart while confirming the rest of the link (zh 19 ~ de 25, de 26 null) is
  taken out of the link: two pairs out of three call it an addition. Unless the link's other side also
  holds a sentence of the third document that the same pair left alone (en 8 and zh 8 both null in en-zh,
  both inside de 15's links): those two are counterparts that pair missed, and stay;
- *agreement first*: a link is `supported` when the third document confirms it (its two sides have a common
  partner there), `contradicted` when the third document pairs its two sides with different sentences, and
  neutral when the third pair has nothing to say. Supported links go first, then by confidence;
- a contradicted link may not join components that already hold *different* sentences of the contradicting
  document (the disagreeing cycle: the stronger links placed first win, the weakest conflicting edge drops);
- per document a unit holds consecutive sentences (a sentence that no link touches, lying between two of a
  unit's sentences, is taken in), at most `max_per_doc` of them;
- units never cross: if unit U comes before V in one document it does so in every document they share.

Transitivity comes for free: if en 5 ~ zh 5 and en 5 ~ de 13, zh 5 and de 13 land in one unit even when the
zh-de pair missed the link. Components with sentences of a single document are not units: those sentences
are reported as unaligned by the caller.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from aligner.align.links import Link
from corpus.formats.table import units_frame
from corpus.text.languages import join_sentences


@dataclass(frozen=True)
class PairLinks:
    """The alignment of two documents of a group, in absolute 0-based sentence numbers of each document."""

    doc_a: str
    doc_b: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class MergedUnit:
    sentences: dict[str, tuple[int, ...]]  # doc id -> its sentence numbers in the unit (consecutive)
    confidence: float  # mean confidence of the links that built the unit
    supported: int  # how many of those links a third document confirmed


@dataclass
class MergeStats:
    links: int = 0
    accepted: int = 0
    supported: int = 0
    contradicted: int = 0
    trimmed: int = 0
    rejected: dict[str, int] = field(default_factory=dict)


class _Components:
    """Union-find over sentence nodes with, per component, its sentences per document."""

    def __init__(self, sizes: Sequence[int]):
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        total = int(self.offsets[-1])
        self.parent = list(range(total))
        self.members: dict[int, dict[int, set[int]]] = {}
        # Per pair of documents (P, Q), the units holding both as (first sentence in P, in Q, root), sorted.
        # Units never cross, so each list is monotone in Q too, and a new unit crosses one iff it crosses its
        # neighbour in P order: two bisections instead of a scan of every unit.
        self.chains: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        self.conf: dict[int, list[float]] = {}
        self.support: dict[int, int] = {}

    def node(self, doc: int, sent: int) -> int:
        return int(self.offsets[doc]) + sent

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def docs_of(self, root: int, doc_count: int) -> dict[int, set[int]]:
        if root in self.members:
            return self.members[root]
        doc = int(np.searchsorted(self.offsets, root, side="right") - 1)
        return {doc: {root - int(self.offsets[doc])}}

    def is_single(self, root: int) -> bool:
        return root not in self.members

    def union(self, roots: list[int], merged: dict[int, set[int]], conf: float, supported: bool) -> int:
        new = min(roots)
        confs, support = [conf], int(supported)
        for r in roots:
            self._unchain(r)
            self.parent[r] = new
            confs += self.conf.pop(r, [])
            support += self.support.pop(r, 0)
            self.members.pop(r, None)
        self.members[new] = merged
        self.conf[new], self.support[new] = confs, support
        first = {doc: min(sents) for doc, sents in merged.items()}
        for p, q in itertools.permutations(sorted(first), 2):
            bisect.insort(self.chains.setdefault((p, q), []), (first[p], first[q], new))
        return new

    def _unchain(self, root: int) -> None:
        members = self.members.get(root)
        if not members:
            return
        first = {doc: min(sents) for doc, sents in members.items()}
        for p, q in itertools.permutations(sorted(first), 2):
            chain = self.chains[(p, q)]
            chain.pop(bisect.bisect_left(chain, (first[p], first[q], root)))

    def crosses(self, merged: dict[int, set[int]], exclude: set[int]) -> bool:
        """Would a unit of `merged` sentences cross a unit other than those in `exclude`?"""
        first = {doc: min(sents) for doc, sents in merged.items()}
        for p, q in itertools.permutations(sorted(first), 2):
            chain = self.chains.get((p, q), [])
            at = bisect.bisect_left(chain, (first[p], -1, -1))
            before = at - 1
            while before >= 0 and chain[before][2] in exclude:
                before -= 1
            if before >= 0 and chain[before][1] > first[q]:
                return True
            after = at
            while after < len(chain) and chain[after][2] in exclude:
                after += 1
            if after < len(chain) and chain[after][1] < first[q]:
                return True
        return False


def merge_pairs(doc_ids: Sequence[str], sizes: Sequence[int], pairs: Sequence[PairLinks], max_per_doc: int = 4,
                stats: MergeStats | None = None) -> list[MergedUnit]:
    """Units over several documents from their pairwise links (see the module docstring), in document order."""
    stats = stats if stats is not None else MergeStats()
    index = {d: i for i, d in enumerate(doc_ids)}
    comps = _Components(sizes)
    # partner[(doc, sentence, other doc)] = the other document's sentences linked to it
    partner: dict[tuple[int, int, int], set[int]] = {}
    edges = []
    for p in pairs:
        a, b = index[p.doc_a], index[p.doc_b]
        for link in p.links:
            if link.is_null:
                continue
            for s in link.src:
                partner.setdefault((a, s, b), set()).update(link.tgt)
            for t in link.tgt:
                partner.setdefault((b, t, a), set()).update(link.src)
            edges.append((a, b, link))
    stats.links = len(edges)

    def agreement(a: int, b: int, link: Link) -> int:
        vote = 0
        for c in range(len(doc_ids)):
            if c in (a, b):
                continue
            via_a = set().union(*(partner.get((a, s, c), set()) for s in link.src))
            via_b = set().union(*(partner.get((b, t, c), set()) for t in link.tgt))
            if via_a and via_b:
                vote += 1 if via_a & via_b else -1
        return vote

    # which sentences each pair alignment covers (linked or explicitly left null)
    covered: dict[tuple[int, int], set[int]] = {}
    for p in pairs:
        a, b = index[p.doc_a], index[p.doc_b]
        covered.setdefault((a, b), set()).update(i for link in p.links for i in link.src)
        covered.setdefault((b, a), set()).update(j for link in p.links for j in link.tgt)

    def linked_in(doc: int, sents, c: int) -> set[int]:
        return set().union(*(partner.get((doc, x, c), set()) for x in sents))

    def trim(a: int, b: int, link: Link) -> Link:
        """Drop an edge sentence of a link when a third document confirms the rest of the link but leaves
        that sentence without counterpart: two pairs out of three say it is an addition."""
        sides = {a: list(link.src), b: list(link.tgt)}
        for c in range(len(doc_ids)):
            if c in (a, b):
                continue
            for doc, other in ((a, b), (b, a)):
                side = sides[doc]
                while len(side) > 1:
                    for pos in (0, -1):
                        x, rest = side[pos], (side[1:] if pos == 0 else side[:-1])
                        via_other = linked_in(other, sides[other], c)
                        if (x in covered.get((doc, c), ()) and not partner.get((doc, x, c))
                                and linked_in(doc, rest, c) & via_other
                                # unless the other side's link also holds a sentence of c that the doc-c pair
                                # left alone: then x and it are each other's counterparts that pair missed
                                and not any(y in covered.get((c, doc), ()) and not partner.get((c, y, doc))
                                            for y in via_other)):
                            side.remove(x)
                            stats.trimmed += 1
                            break
                    else:
                        break
        return Link(tuple(sides[a]), tuple(sides[b]), link.confidence)

    edges = [(a, b, trim(a, b, link)) for a, b, link in edges]
    scored = [(agreement(a, b, link), a, b, link) for a, b, link in edges]
    scored.sort(key=lambda e: (-(e[0] > 0), -(e[0] >= 0), -e[3].confidence, e[1], e[2], e[3].src))

    def reject(reason: str) -> None:
        stats.rejected[reason] = stats.rejected.get(reason, 0) + 1

    for vote, a, b, link in scored:
        stats.supported += vote > 0
        stats.contradicted += vote < 0
        nodes = [comps.node(a, s) for s in link.src] + [comps.node(b, t) for t in link.tgt]
        roots = sorted({comps.find(x) for x in nodes})
        merged: dict[int, set[int]] = {}
        for r in roots:
            for doc, sents in comps.docs_of(r, len(doc_ids)).items():
                merged.setdefault(doc, set()).update(sents)
        if vote < 0 and any(
            sum(1 for r in roots if doc in comps.docs_of(r, len(doc_ids))) > 1
            for doc in range(len(doc_ids)) if doc not in (a, b)
        ):
            reject("contradicted by a third document")
            continue
        # take in untouched sentences between a unit's sentences; refuse holes held by other units
        holes_ok = True
        for doc, sents in merged.items():
            for s in range(min(sents), max(sents) + 1):
                if s in sents:
                    continue
                r = comps.find(comps.node(doc, s))
                if not comps.is_single(r):
                    holes_ok = False
                    break
                roots.append(r)
                sents.add(s)
            if not holes_ok:
                break
        if not holes_ok:
            reject("not consecutive")
            continue
        if max(len(s) for s in merged.values()) > max_per_doc:
            reject(f"more than {max_per_doc} sentences of one document")
            continue
        if comps.crosses(merged, set(roots)):
            reject("crosses another unit")
            continue
        comps.union(sorted(set(roots)), merged, link.confidence, vote > 0)
        stats.accepted += 1

    units = []
    for root, members in comps.members.items():
        if comps.find(root) != root or len(members) < 2:
            continue
        confs = comps.conf.get(root, [])
        units.append(MergedUnit(
            {doc_ids[d]: tuple(sorted(s)) for d, s in sorted(members.items())},
            float(np.mean(confs)) if confs else 0.0, comps.support.get(root, 0),
        ))
    return order_units(units, doc_ids)


def order_units(units: list[MergedUnit], doc_ids: Sequence[str]) -> list[MergedUnit]:
    """Document order: units never cross, so comparing on any shared document is consistent; units sharing
    no document compare by relative position."""
    import functools

    sizes = {d: 1 + max((max(u.sentences.get(d, (0,))) for u in units), default=0) for d in doc_ids}

    def cmp(u: MergedUnit, v: MergedUnit) -> int:
        for d in doc_ids:
            if d in u.sentences and d in v.sentences:
                return -1 if u.sentences[d][0] < v.sentences[d][0] else (1 if u.sentences[d][0] > v.sentences[d][0] else 0)
        pu = np.mean([u.sentences[d][0] / sizes[d] for d in u.sentences])
        pv = np.mean([v.sentences[d][0] / sizes[d] for d in v.sentences])
        return -1 if pu < pv else (1 if pu > pv else 0)

    return sorted(units, key=functools.cmp_to_key(cmp))


def language_order(docs: Sequence, units: Sequence[MergedUnit]) -> list[str]:
    """The group's fixed language order for link labels: most sentences in units first, ties by code."""
    count = {d.id: 0 for d in docs}
    for u in units:
        for doc_id, sents in u.sentences.items():
            count[doc_id] += len(sents)
    return [d.lang for d in sorted(docs, key=lambda d: (-count[d.id], d.lang))]


def pair_view(units: Sequence[MergedUnit], pair: PairLinks) -> list[MergedUnit]:
    """The units seen from one pair of documents, as fine as that pair's own alignment allows: a unit whose
    sentences of the two documents are tiled exactly by two or more of the pair's links becomes one unit per
    link (en 5+6 ~ zh 5+6 ~ de 13 is en 5 ~ zh 5 and en 6 ~ zh 6 seen from en-zh), keeping that link's
    confidence; any other unit keeps both documents' sentences whole. Units lacking either document are left
    out. A pair TMX built from this view holds what the pair can tell apart, not the union a third language
    forced on the trilingual unit."""
    a, b = pair.doc_a, pair.doc_b
    link_of = {s: link for link in pair.links if link.src and link.tgt for s in link.src}
    out = []
    for unit in units:
        if a not in unit.sentences or b not in unit.sentences:
            continue
        mine, theirs = unit.sentences[a], set(unit.sentences[b])
        parts = list(dict.fromkeys(link_of.get(s) for s in mine))
        tiles = (len(parts) > 1 and None not in parts
                 and sorted(s for p in parts for s in p.src) == sorted(mine)
                 and sorted(t for p in parts for t in p.tgt) == sorted(theirs))
        if tiles:
            out += [MergedUnit({a: p.src, b: p.tgt}, p.confidence, unit.supported) for p in parts]
        else:
            out.append(MergedUnit({a: unit.sentences[a], b: unit.sentences[b]}, unit.confidence, unit.supported))
    return out


def units_table(units: Sequence[MergedUnit], docs: Sequence, corpus: str, langs: Sequence[str] | None = None):
    """The central units table (corpus.formats.table) of merged units: unit_id in document order, one row per
    language present, link such as `1-1-2` over `langs` (0 where the unit lacks a language); `where` holds each
    sentence's place in its file (the document's `sentence_places`), empty for documents that have none."""
    by_id = {d.id: d for d in docs}
    langs = list(langs or language_order(docs, units))
    texts_of = {d.id: d.sentence_texts for d in docs}  # properties that build a list: once per document
    places_of = {d.id: getattr(d, "sentence_places", None) or () for d in docs}
    rows = []
    for unit_id, unit in enumerate(units):
        per_lang = {by_id[doc_id].lang: len(sents) for doc_id, sents in unit.sentences.items()}
        link = "-".join(str(per_lang.get(lang, 0)) for lang in langs)
        for doc_id, sents in unit.sentences.items():
            doc = by_id[doc_id]
            texts, places = texts_of[doc_id], places_of[doc_id]
            rows.append({
                "corpus": corpus, "unit_id": unit_id, "lang": doc.lang, "script": getattr(doc, "script", "") or "",
                "doc_id": doc_id, "sent_ids": list(sents),
                "where": [places[k] for k in sents] if len(places) == len(texts) else [],
                "text": join_sentences([texts[k] for k in sents], doc.lang),
                "link": link, "confidence": round(unit.confidence, 4),
            })
    return units_frame(rows)
