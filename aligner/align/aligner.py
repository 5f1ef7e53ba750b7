"""Sentence alignment of two documents: `Aligner(src, tgt, src_lang, tgt_lang).align() -> Alignment`.

How a link is scored (as Bertalign, plus features): each feature gives evidence for "source run [i-a, i)
translates target run [j-b, j)"; a link scores the weighted sum of that evidence; a null link (1-0, 0-1)
costs `null_cost` per sentence. The path maximises the total. The embedding margin keeps merges from being
favoured (a merged run is compared with its own neighbours), the `members` feature makes every sentence of a
merge match the other side, and the length feature falls steeply beyond a factor of two, so that text one
side lacks (an introduction, captions) ends up in null links instead of being swallowed by a 1-4 link.
After the search, links whose two sides do not match at all (cosine < `min_link_cos`) become nulls.

Search: the band comes from `search.coarse_to_fine` over the sentence embeddings, then one DP over all link
types with all features in that band (see `aligner.align.search`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from aligner.align import features as feats
from aligner.align import linkscore as ls
from aligner.align import anchors as anchoring
from aligner.align import search
from aligner.align.links import Link
from aligner.models.embed import DIM, default_embedder, model_name
from corpus.errors import CorpusError
from corpus.formats.table import units_frame
from corpus.text.langid import language_code
from corpus.text.languages import join_sentences
from corpus.text.normalize import is_traditional
from corpus.version import package_version

# Every feature at every length: the aligner is the same aligner for a letter and for a book. The dictionary
# feature leaves itself out where no dictionary exists (ru-fr, say); on the letter's hand alignment it lifts
# strict F1 en-de .826 -> .872 and zh-de .703 -> .878.
DEFAULT_FEATURES = ("embedding", "length", "numbers", "members", "dictionary", "overlap")
# Weights of each feature's evidence in the link quality: tuned on Text+Berg dev only. Dictionary (FreeDict
# fr + Ding de, through English) on de-fr dev, strict F1: off .8876; 0.1, 0.2, 0.3 .8911; 0.5 .8887; 0.8 .8882.
DEFAULT_WEIGHTS = {"embedding": 1.0, "length": 0.5, "numbers": 0.4, "members": 0.5, "names": 0.2, "dictionary": 0.3}
# With real embeddings of the runs (the `overlap` feature) the summed-vector margin becomes a small correction
# and members must weigh more, or short foreign lines (captions, OCR debris) get glued onto links. Chosen on
# the development material, Text+Berg dev plus the letter's hand alignment (strict F1, without -> with):
# dev .891 -> .886, letter en-de .872 -> .945, zh-de .878 -> .950, en-zh .957 -> .957.
OVERLAP_WEIGHTS = {"overlap": 1.0, "embedding": 0.25, "members": 1.0}
DEFAULT_NULL_COST = ls.HAND.null_cost
# The link scoring by default: "hand" (the constants here) or "fitted" (aligner/align/linkscore.json, fitted on
# the development sets' gold alignments by benchmarks/linkscore_cv.py; see aligner.align.linkscore).
DEFAULT_LINKSCORE = "fitted"
# After the search: a sentence at the edge of a merge whose cosine with the other side stays below
# min_member_cos is detached as a null link, and a link whose two sides stay below min_link_cos is split
# into nulls (dev: no loss at these values; a title against an unrelated sentence is such a link).
DEFAULT_MIN_MEMBER_COS = ls.HAND.min_member_cos
DEFAULT_MIN_LINK_COS = ls.HAND.min_link_cos
# With the overlap feature, an edge sentence of a merge is also detached when the embedding of the joined text
# without it matches the other side better by more than this (a translator's note explaining a word of the
# sentence: 0.68 without, 0.51 with). Development material, strict F1 by threshold: dev .886 at 0.07-0.2 (.890
# at 0.05, .886 at 0.02), letter en-de .945 -> .966 at 0.035-0.15; 0.1 lies inside that plateau.
DEFAULT_MIN_JOINED_GAIN = ls.HAND.min_joined_gain
COARSE_KINDS = [(0, 1), (1, 0), (1, 1), (1, 2), (2, 1)]
# Sums of many sentences look alike across unrelated passages of one genre, so on coarse levels a wrong pair
# of blocks scores about 0, not below: a null block must cost next to nothing there, or the coarse path
# drifts diagonally through text one side inserted. Bible en 0-2000 against zh with 1,501 sentences from
# elsewhere inserted: strict F1 .43 with 0.2, .85 with 0.05 (1,484 of the 1,501 as 0-1); Bible itself .912
# either way.
COARSE_NULL_COST = 0.05


@dataclass
class Prepared:
    """What `Aligner.prepare` computes once per document pair: the sentences' SentencePair (vectors, run
    tables and the features' caches), the search band and, when asked for, every feature's evidence. None
    throughout when one side is empty."""

    pair: feats.SentencePair | None
    band: search.Band | None
    evidence: dict | None = None


@dataclass
class Alignment:
    """Links covering every sentence of both sides exactly once, in order; `similarity[k]` is the cosine of
    link k's two sides (NaN for null links)."""

    links: list[Link]
    signature: str
    src_sentences: list[str]
    tgt_sentences: list[str]
    src_lang: str
    tgt_lang: str
    similarity: list[float] = field(default_factory=list)

    def renumbered(self, src_numbers: list[int], tgt_numbers: list[int], src_lines: list[str],
                   tgt_lines: list[str]) -> "Alignment":
        """The same alignment with sentence k called src_numbers[k] (e.g. its line in a presegmented file
        with blank lines left out), over the full line lists."""
        links = [Link(tuple(src_numbers[k] for k in l.src), tuple(tgt_numbers[k] for k in l.tgt), l.confidence)
                 for l in self.links]
        return Alignment(links, self.signature, src_lines, tgt_lines, self.src_lang, self.tgt_lang,
                         self.similarity)

    def to_table(self, corpus: str = "", src_doc: str = "", tgt_doc: str = "", src_places: list[str] | None = None,
                 tgt_places: list[str] | None = None) -> pl.DataFrame:
        """The corpus units table (corpus.formats.table): one unit per link, one row per language present;
        `src_places`/`tgt_places` (where each sentence number stands in its file) fill its `where` column."""
        scripts = {self.src_lang: _script(self.src_lang, self.src_sentences),
                   self.tgt_lang: _script(self.tgt_lang, self.tgt_sentences)}
        rows = []
        for unit_id, link in enumerate(self.links):
            for lang, doc, ids, texts, places in (
                (self.src_lang, src_doc, link.src, self.src_sentences, src_places),
                (self.tgt_lang, tgt_doc, link.tgt, self.tgt_sentences, tgt_places),
            ):
                if ids:
                    rows.append({
                        "corpus": corpus, "unit_id": unit_id, "lang": lang, "script": scripts[lang], "doc_id": doc,
                        "sent_ids": list(ids),
                        "where": [places[k] for k in ids] if places and len(places) == len(texts) else [],
                        "text": join_sentences([texts[k] for k in ids], lang),
                        "link": link.kind, "confidence": float(link.confidence),
                    })
        return units_frame(rows)


def _script(lang: str, sentences: list[str]) -> str:
    """ISO 15924 script where the table wants one: Hans/Hant for Chinese (as corpus.reading.reader decides it)."""
    if lang != "zh":
        return ""

    return "Hant" if is_traditional("".join(sentences)) else "Hans"


class Aligner:
    """Align two sentence sequences; options: features, weights, null_cost, max_side, max_total,
    widen (band half-width of the coarse-to-fine search), embedder (share one across calls), progress
    (a callable progress(step, done, total)), anchors (links the output keeps exactly, everything else
    aligned around them: `aligner.align.anchors`; AnchorError for one that cannot be kept)."""

    def __init__(
        self,
        src_sentences: list[str],
        tgt_sentences: list[str],
        src_lang: str,
        tgt_lang: str,
        *,
        features: list[str] | tuple[str, ...] | None = None,
        weights: dict[str, float] | None = None,
        linkscore: str | ls.LinkScoring = DEFAULT_LINKSCORE,
        null_cost: float | None = None,
        min_member_cos: float | None = None,
        min_link_cos: float | None = None,
        max_side: int = 5,
        max_total: int = 6,
        widen: int = 8,
        embedder=None,
        progress=None,
        anchors=None,
    ):
        self.src, self.tgt = list(src_sentences), list(tgt_sentences)
        self.anchors = anchoring.check_anchors(anchors or [], len(self.src), len(self.tgt))
        self.src_lang, self.tgt_lang = language_code(src_lang), language_code(tgt_lang)
        names = list(DEFAULT_FEATURES if features is None else features)
        self.left_out = {}  # feature name -> why it is not used, for the signature
        unknown = [f for f in names if f not in available_features()]
        if unknown:
            raise CorpusError(f"unknown feature(s) {', '.join(unknown)}; known: {', '.join(available_features())}")
        if "embedding" not in names:
            raise CorpusError("the embedding feature cannot be switched off: the search is built on it")
        requested = [_make_feature(n, self.src_lang, self.tgt_lang, lambda: self.embedder) for n in names]
        self.features = [f for f in requested if f.available]
        self.left_out.update({f.name: "none" for f in requested if not f.available})
        self.linkscore = ls.load(linkscore)
        if null_cost is not None:  # an explicit constant null cost replaces the scoring's (and its calibration)
            self.linkscore = replace(self.linkscore, null_cost=null_cost, quality=0.0, spread=0.0, short=0.0,
                                     isolated=0.0)
        # the scoring's weights were chosen with the overlap feature on; without it the hand weights hold
        with_overlap = {**OVERLAP_WEIGHTS, **self.linkscore.weights} if any(
            f.name == "overlap" for f in self.features) else {}
        self.weights = {**DEFAULT_WEIGHTS, **with_overlap, **(weights or {})}
        self.null_cost = self.linkscore.null_cost
        self.min_member_cos = self.linkscore.min_member_cos if min_member_cos is None else min_member_cos
        self.min_joined_gain = self.linkscore.min_joined_gain
        self.min_link_cos = self.linkscore.min_link_cos if min_link_cos is None else min_link_cos
        self.kinds = search.link_types(max_side, max_total)
        self.max_side, self.widen = max_side, widen
        self._embedder = embedder
        self.progress = progress  # progress(step, done, total), e.g. for a progress bar

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    @property
    def signature(self) -> str:
        emb = getattr(self._embedder, "name", None) or model_name()
        feat = "+".join([f.signature() for f in self.features] + [f"{k}:{v}" for k, v in self.left_out.items()])
        return (
            f"aligner:bandalign|emb:{emb}|feat:{feat}|max:{self.max_side}|"
            f"null:{self.null_cost:.2f}{'+cal' if self.linkscore.calibrated else ''}"
            f"{'+len' if self.linkscore.short else ''}{'+gap' if self.linkscore.isolated else ''}|"
            + (f"anchors:{len(self.anchors)}|" if self.anchors else "")
            + f"score:{self.linkscore.name}|version:{package_version()}"
        )

    def align(self) -> Alignment:
        return self.decode(self.prepare())

    def prepare(self, keep_evidence: bool = False) -> "Prepared":
        """The part of an alignment that no scoring parameter changes: the sentence (and run) embeddings and
        the search band; with `keep_evidence`, every feature's evidence too, so that `decode` can be run many
        times with other scorings at the cost of the search alone (benchmarks/linkscore_cv.py)."""
        n, m = len(self.src), len(self.tgt)
        if n == 0 or m == 0:
            return Prepared(None, None, None)
        overlap = next((f for f in self.features if f.name == "overlap"), None)
        if overlap is not None and hasattr(self.embedder, "encode_documents"):
            # sentences and runs in one pass over each side: the runs come from the sentences' token features
            if self.progress:
                self.progress("embedding", 0, 1)
            sides = self.embedder.encode_documents(
                [(texts, lang, overlap.embedded_sizes(self.kinds, side, len(texts)))
                 for side, (texts, lang) in enumerate(((self.src, self.src_lang), (self.tgt, self.tgt_lang)))])
            pair = feats.SentencePair(self.src, self.tgt, self.src_lang, self.tgt_lang, sides[0][0], sides[1][0])
            pair.cache["runs"] = tuple(overlap.tables(self.kinds, side, vecs, embedded)
                                       for side, (vecs, embedded) in enumerate(sides))
        else:
            vecs = self._embed(self.src + self.tgt)
            pair = feats.SentencePair(self.src, self.tgt, self.src_lang, self.tgt_lang, vecs[:n], vecs[n:])
        if self.anchors:  # each stretch between two anchors gets its own band
            band = anchoring.gap_band(self.anchors, n, m, lambda r0, r1, c0, c1: search.coarse_to_fine(
                pair.src_vecs[r0:r1], pair.tgt_vecs[c0:c1], self._score_blocks, widen=self.widen))
        else:
            band = search.coarse_to_fine(pair.src_vecs, pair.tgt_vecs, self._score_blocks, widen=self.widen)
        evidence = self._feature_scores(pair, band, self.kinds) if keep_evidence else None
        return Prepared(pair, band, evidence)

    def decode(self, prepared: "Prepared") -> Alignment:
        """The search and the checks after it, under this aligner's link scoring, over what `prepare` gave."""
        pair, band = prepared.pair, prepared.band
        if pair is None:
            n, m = len(self.src), len(self.tgt)
            links = [Link((k,), (), 1.0) for k in range(n)] + [Link((), (k,), 1.0) for k in range(m)]
            links = anchoring.merge_null_anchors(links, self.anchors)
            return self._result(links, [math.nan] * len(links))
        if prepared.evidence is None:
            # one feature's evidence at a time, so that only one set of band arrays is alive besides the sum
            quality = self._quality(band, self.kinds, ((f.name, f.scores(pair, band, self.kinds))
                                                       for f in self.features))
        else:
            quality = self._quality(band, self.kinds, prepared.evidence)
        null_cost, src_null, tgt_null = self.null_costs(pair, band)
        scores = _with_nulls(band, self.kinds, quality, src_null, tgt_null)
        if self.progress:
            self.progress("search", 0, 1)
        opening = None
        if self.linkscore.isolated:
            # the first null of a run pays `isolated` times its null cost once more (search.best_path_gapped)
            opening = {k: -v for k, v in _with_nulls(band, [(0, 1), (1, 0)], {}, self.linkscore.isolated * src_null,
                                                      self.linkscore.isolated * tgt_null).items()}
        if self.anchors:
            path = anchoring.best_path_between(self.anchors, band, anchoring.block_nulls(self.anchors, band, scores),
                                               opening)
        elif opening is not None:
            path = search.best_path_gapped(band, scores, opening)
        else:
            path = search.best_path(band, scores)
        fixed = {(s1 - s0, t1 - t0, s1, t1) for s0, s1, t0, t1 in anchoring.corners(self.anchors)}
        path = detach_strays(path, pair.src_vecs, pair.tgt_vecs, self.min_member_cos, self.min_link_cos, fixed)
        if any(f.name == "overlap" for f in self.features):
            # the overlap feature's embedded runs serve again (not its summed stand-ins for longer runs)
            overlap = next(f for f in self.features if f.name == "overlap")
            embedded = [{z: t for z, t in side.items() if 2 <= z <= overlap.max_embedded}
                        for side in pair.cache.get("runs", ({}, {}))]
            path = detach_foreign_edges(path, self.src, self.tgt, self.src_lang, self.tgt_lang, self.embedder,
                                        self.min_joined_gain, known=(embedded, (pair.src_vecs, pair.tgt_vecs)),
                                        max_cos=self.linkscore.max_detached_cos, keep=fixed)
        cosine = pair.cache.get("cosine", {})
        null_src = {k for l in self.anchors if not l.tgt for k in l.src}
        null_tgt = {k for l in self.anchors if not l.src for k in l.tgt}
        links, sims = [], []
        for a, b, i, j in path:
            k = j - band.lo[i]
            if (a, b, i, j) in fixed:  # an anchor: sure by definition, of any size
                x, y = pair.src_vecs[i - a : i].sum(axis=0), pair.tgt_vecs[j - b : j].sum(axis=0)
                conf = 1.0
                sims.append(float(x @ y) / max(float(np.linalg.norm(x) * np.linalg.norm(y)), 1e-9))
            elif a and b:
                conf = _sigmoid((quality[a, b][i, k] + null_cost) * 8)
                sims.append(float(cosine[a, b][i, k]))
            else:
                null_anchor = (i - 1 in null_src) if a else (j - 1 in null_tgt)
                conf = 1.0 if null_anchor else self._null_confidence(
                    quality, band, a, i, j, src_null[i - 1] if a else tgt_null[j - 1])
                sims.append(math.nan)
            links.append(Link(tuple(range(i - a, i)), tuple(range(j - b, j)), round(float(conf), 4)))
        if any(not (l.src and l.tgt) and len(l.src) + len(l.tgt) > 1 for l in self.anchors):
            merged = anchoring.merge_null_anchors(links, self.anchors)
            sim = {id(l): s for l, s in zip(links, sims)}
            links, sims = merged, [sim.get(id(l), math.nan) for l in merged]
        return self._result(links, sims)

    def null_costs(self, pair: feats.SentencePair, band: search.Band) -> tuple[float, np.ndarray, np.ndarray]:
        """The cost of leaving a sentence unaligned: the document's (the scoring's null cost, moved by how the
        document's confident links look against the scoring's references: `linkscore.calibrate`), and that of
        each source and target sentence (the document's, scaled by the sentence's length against its side's
        median where the scoring says so: a short sentence costs more to leave out). The hand scoring has no
        calibration and keeps its constant."""
        lengths = [np.array([feats.text_length(t) for t in texts], np.float64) for texts in (pair.src, pair.tgt)]
        cost = self.null_cost
        if self.linkscore.calibrated:
            profile = ls.document_profile(pair.src_vecs, pair.tgt_vecs, *lengths, band,
                                          pair.cache.get("cosine", {}).get((1, 1)))
            cost = self.linkscore.null_cost_for(profile)
        src, tgt = (cost * self.linkscore.length_factors(side) for side in lengths)
        return cost, src, tgt

    def _embed(self, texts: list[str], chunk: int = 2048) -> np.ndarray:
        if self.progress is None or len(texts) <= chunk:
            return self.embedder.encode(texts)
        parts = []
        for start in range(0, len(texts), chunk):
            self.progress("embedding", start, len(texts))
            parts.append(self.embedder.encode(texts[start : start + chunk]))
        self.progress("embedding", len(texts), len(texts))
        return np.vstack(parts)

    def _result(self, links, sims) -> Alignment:
        return Alignment(links, self.signature, self.src, self.tgt, self.src_lang, self.tgt_lang, sims)

    def _feature_scores(self, pair, band, kinds) -> dict[str, dict]:
        """All features' evidence kept apart (for tuning: combine them many times with other weights)."""
        return {f.name: f.scores(pair, band, kinds) for f in self.features}

    def _quality(self, band, kinds, evidence) -> dict:
        """Link qualities from the features' evidence ({name: {kind: array}} or (name, {kind: array}) pairs):
        the weighted sum."""
        quality = {k: np.zeros((band.n + 1, band.width), np.float32) for k in kinds if k[0] and k[1]}
        for name, by_kind in evidence.items() if isinstance(evidence, dict) else evidence:
            weight = self.weights.get(name, 1.0)
            for kind, values in by_kind.items():
                quality[kind] += weight * values
        return quality

    def _score_blocks(self, src_blocks, tgt_blocks, band):
        """Scores of the coarse levels: the embedding margin of blocks of sentences, no other feature."""
        pair = feats.SentencePair([], [], self.src_lang, self.tgt_lang, src_blocks, tgt_blocks)
        margin = feats.EmbeddingMargin().scores(pair, band, COARSE_KINDS)
        return _with_nulls(band, COARSE_KINDS, margin, COARSE_NULL_COST)

    def _null_confidence(self, quality, band, a, i, j, null_cost: float) -> float:
        """How sure a 1-0 / 0-1 is: how far the sentence's best 1-1 quality in the band stays below the
        threshold."""
        q11 = quality[1, 1]
        if a:  # source sentence i-1: links ending in row i
            best = np.max(q11[i], initial=-np.inf)
        else:  # target sentence j-1: 1-1 links ending in column j
            rows = np.flatnonzero((band.lo <= j) & (band.hi >= j))
            best = np.max(q11[rows, j - band.lo[rows]], initial=-np.inf)
        if not np.isfinite(best):
            return 1.0
        return _sigmoid((-null_cost - best) * 8)


def detach_strays(path, src_vecs, tgt_vecs, min_member_cos: float, min_link_cos: float, keep=frozenset()):
    """Post-search check of each link of `path` ((a, b, i_end, j_end) tuples, see `search.best_path`):
    edge sentences of a merge that do not match the other side become 1-0/0-1 links of their own, and
    links whose sides do not match at all become nulls. Links in `keep` (anchors) stay. Returns the new
    path, still in order."""
    out = []
    for a, b, i, j in path:
        if not (a and b) or (a, b, i, j) in keep:
            out.append((a, b, i, j))
            continue
        src, tgt = list(range(i - a, i)), list(range(j - b, j))
        before, after = [], []
        while len(src) + len(tgt) > 2:
            candidates = []
            for side, run, other, vecs, other_vecs in (("s", src, tgt, src_vecs, tgt_vecs),
                                                       ("t", tgt, src, tgt_vecs, src_vecs)):
                if len(run) > 1:
                    other_sum = other_vecs[other].sum(axis=0)
                    norm = max(float(np.linalg.norm(other_sum)), 1e-9)
                    for pos in (0, len(run) - 1):
                        candidates.append((float(vecs[run[pos]] @ other_sum) / norm, side, pos))
            worst, side, pos = min(candidates)
            if worst >= min_member_cos:
                break
            _detach_edge(side, pos, src, tgt, before, after)
        x, y = src_vecs[src].sum(axis=0), tgt_vecs[tgt].sum(axis=0)
        cos = float(x @ y) / max(float(np.linalg.norm(x) * np.linalg.norm(y)), 1e-9)
        if cos < min_link_cos:
            middle = [(1, 0, r + 1, tgt[0]) for r in src] + [(0, 1, src[-1] + 1, c + 1) for c in tgt]
        else:
            middle = [(len(src), len(tgt), src[-1] + 1, tgt[-1] + 1)]
        out += before + middle + after
    return out


def detach_foreign_edges(path, src: list[str], tgt: list[str], src_lang: str, tgt_lang: str, embedder,
                         min_gain: float, known=None, max_cos: float = 1.0, keep=frozenset()):
    """Post-search check of each merge of `path` ((a, b, i_end, j_end) tuples) with real embeddings of joined
    texts: while leaving out an edge sentence of a side raises the cosine of the two joined texts by more than
    `min_gain` and the sentence alone matches the other side's joined text below `max_cos`, that sentence
    becomes a 1-0/0-1 link of its own (the best such sentence first); links in `keep` (anchors) stay. Returns
    the new path, still in order. `known`: (the overlap feature's run tables per side, the sentence vectors per
    side), which give most of the vectors; the rest are embedded."""
    tables, singles = known if known is not None else (None, None)
    sides = ((src, src_lang), (tgt, tgt_lang))

    def vectors(wanted: list[tuple[int, list[int]]]) -> np.ndarray:
        """The unit vector of each (side, run of consecutive sentences) joined."""
        out = np.zeros((len(wanted), DIM), np.float32)
        missing = []
        for n, (side, run) in enumerate(wanted):
            if singles is not None and len(run) == 1:
                out[n] = singles[side][run[0]]
            elif tables is not None and len(run) in tables[side]:
                out[n] = tables[side][len(run)][run[-1] + 1]
            else:
                missing.append(n)
        if missing:
            out[missing] = embedder.encode([join_sentences([sides[wanted[n][0]][0][k] for k in wanted[n][1]],
                                                           sides[wanted[n][0]][1]) for n in missing])
        return out

    out = []
    for a, b, i, j in path:
        src_run, tgt_run = list(range(i - a, i)), list(range(j - b, j))
        before, after = [], []
        while (a, b, i, j) not in keep and src_run and tgt_run and len(src_run) + len(tgt_run) > 2:
            candidates = [(side, pos) for side, run in (("s", src_run), ("t", tgt_run)) if len(run) > 1
                          for pos in (0, len(run) - 1)]
            wanted = [(0, src_run), (1, tgt_run)]
            for side, pos in candidates:
                run = src_run if side == "s" else tgt_run
                wanted.append((0 if side == "s" else 1, run[1:] if pos == 0 else run[:-1]))
            vecs = vectors(wanted)
            base = float(vecs[0] @ vecs[1])
            gains = [float(vecs[2 + n] @ (vecs[1] if side == "s" else vecs[0])) - base
                     for n, (side, _) in enumerate(candidates)]
            if max_cos < 1.0:  # a sentence that matches the other side on its own is part of the link
                alone = vectors([(0, [src_run[pos]]) if side == "s" else (1, [tgt_run[pos]])
                                 for side, pos in candidates])
                gains = [g if float(alone[n] @ (vecs[1] if side == "s" else vecs[0])) < max_cos else -np.inf
                         for n, (g, (side, _)) in enumerate(zip(gains, candidates))]
            best = int(np.argmax(gains))
            if gains[best] <= min_gain:
                break
            _detach_edge(*candidates[best], src_run, tgt_run, before, after)
        out += before + [(len(src_run), len(tgt_run), src_run[-1] + 1, tgt_run[-1] + 1) if src_run and tgt_run
                         else (a, b, i, j)] + after
    return out


def _detach_edge(side: str, pos: int, src: list[int], tgt: list[int], before: list, after: list) -> None:
    """Take the first (pos 0) or last sentence of a link's source ("s") or target side out of the link, as a
    1-0/0-1 path step placed before or after what remains of the link."""
    k = (src if side == "s" else tgt).pop(pos)
    if side == "s":
        null = (1, 0, k + 1, tgt[0] if pos == 0 else tgt[-1] + 1)
    else:
        null = (0, 1, src[0] if pos == 0 else src[-1] + 1, k + 1)
    before.append(null) if pos == 0 else after.insert(0, null)


def _with_nulls(band, kinds, link_scores: dict, src_null, tgt_null=None) -> dict:
    """The link scores with the 1-0 and 0-1 moves added: each costs its sentence's null cost (`src_null[k]`
    for source sentence k, `tgt_null[k]` for target sentence k; a number: the same for every sentence)."""
    tgt_null = src_null if tgt_null is None else tgt_null
    valid = band.valid()
    scores = dict(link_scores)
    cols = band.cols()
    if np.ndim(tgt_null):
        tgt_cost = np.asarray(tgt_null, np.float64)[np.clip(cols - 1, 0, max(band.m - 1, 0))] if band.m else 0.0
    else:
        tgt_cost = tgt_null
    src_cost = (np.asarray(src_null, np.float64)[np.clip(np.arange(band.n + 1) - 1, 0, max(band.n - 1, 0))][:, None]
                if np.ndim(src_null) and band.n else src_null)
    scores[0, 1] = np.where(valid & (cols >= 1), -tgt_cost, -np.inf)
    scores[1, 0] = np.where(valid & (np.arange(band.n + 1) >= 1)[:, None], -src_cost, -np.inf)
    return {k: scores[k] for k in kinds}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


def available_features() -> list[str]:
    return list(feats.FEATURES) + ["dictionary", "overlap"]


def _make_feature(name: str, src_lang: str, tgt_lang: str, embedder=None) -> feats.Feature:
    if name == "dictionary":
        return feats.DictionaryOverlap(src_lang, tgt_lang)
    if name == "overlap":
        return feats.RunEmbedding(embedder)
    return feats.FEATURES[name]()
