"""Similarity features: how well a run of source sentences matches a run of target sentences.

Every feature is one class with the same small interface (sacrebleu style):

- `name` (what `--features` calls it), `signature()` (name and version, printed in the aligner signature);
- `available` (False when, say, no dictionary exists for the language pair; the aligner then leaves it out);
- `scores(pair, band, kinds) -> {(a, b): (n+1, width) array}`: for each link type a-b and each cell (i, j) of
  the search band, the evidence that source sentences [i-a, i) translate target sentences [j-b, j).
  Higher is better; 0 means "no evidence either way"; the aligner adds the features up with its weights.

Runs of sentences are never embedded or compared one by one: every feature first fills a *pair grid*, the
sentence-by-sentence values in the band (a few dozen per sentence), and run values are box sums over it.
So the cost grows with the band, linearly in the document, whatever the link types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from aligner.align.search import Band, LinkType
from aligner.models.dictionary import load_dictionary
from aligner.models.embed import DIM
from corpus.text.languages import join_sentences
from corpus.text.numbers import number_tokens


@dataclass
class SentencePair:
    """The two sides of one alignment problem: texts, languages, and one vector per unit.

    At sentence level a unit is a sentence and its vector a unit-length embedding; at coarser levels of the
    search a unit is a block of sentences and its vector the sum of their embeddings."""

    src: list[str]
    tgt: list[str]
    src_lang: str
    tgt_lang: str
    src_vecs: np.ndarray
    tgt_vecs: np.ndarray
    cache: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.src_vecs)

    @property
    def m(self) -> int:
        return len(self.tgt_vecs)


def band_products(rows: np.ndarray, table: np.ndarray, cols: np.ndarray, chunk: int = 256) -> np.ndarray:
    """(n+1, width) dot products rows[i] . table[cols[i, k]]: one matrix product per chunk of rows over the
    slice of the table that chunk's columns span (the band is monotone, so the slice stays narrow)."""
    out = np.zeros(cols.shape, np.float32)
    for r0 in range(0, len(rows), chunk):
        r1 = min(r0 + chunk, len(rows))
        c = cols[r0:r1]
        c0, c1 = int(c.min()), int(c.max()) + 1
        block = rows[r0:r1] @ table[c0:c1].T
        out[r0:r1] = np.take_along_axis(block, c - c0, axis=1)
    return out


class PairGrid:
    """Sentence pairs (r, c) that links ending in a band can touch, with one neighbour on each side:
    row r (source sentence) holds target sentences lo[r] .. lo[r] + width - 1."""

    def __init__(self, band: Band, kinds: list[LinkType]):
        max_a = max(a for a, _ in kinds)
        max_b = max(b for _, b in kinds)
        n, m = band.n, band.m
        rows = np.arange(n)
        self.band, self.n, self.m = band, n, m
        self.lo = np.clip(band.lo[rows + 1] - max_b - 1, 0, max(m - 1, 0))
        hi = np.clip(band.hi[np.minimum(rows + max_a, n)], 0, max(m - 1, 0))
        self.width = int((hi - self.lo).max()) + 1 if n else 1

    def cols(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        return self.lo[rows, None] + np.arange(self.width)[None, :]

    def products(self, src: np.ndarray, tgt: np.ndarray, chunk: int = 256) -> np.ndarray:
        """(n, width) dot products src[r] . tgt[c] (0 past the last target sentence)."""
        cols = self.cols()
        out = band_products(src[: self.n], tgt, np.clip(cols, 0, max(self.m - 1, 0)), chunk)
        out[cols >= self.m] = 0.0
        return out

    def prefix(self, values: np.ndarray) -> np.ndarray:
        """Row-wise prefix sums, (n, width + 1), for `box`."""
        p = np.zeros((self.n, self.width + 1), np.float64)
        np.cumsum(values, axis=1, out=p[:, 1:])
        return p

    def box(self, prefix: np.ndarray, row_off: int, nrows: int, col_off: int, ncols: int) -> np.ndarray:
        """For every band cell (i, j): the sum of the grid over source rows [i+row_off, i+row_off+nrows) and
        target columns [j+col_off, j+col_off+ncols); rows outside the document add nothing."""
        band = self.band
        j = band.cols()
        flat = prefix.ravel()
        stride = self.width + 1
        total = np.zeros(j.shape, np.float64)
        for t in range(nrows):
            r = np.arange(band.n + 1) + row_off + t
            inside = (r >= 0) & (r < self.n)
            rr = np.clip(r, 0, max(self.n - 1, 0))
            start = (rr * stride)[:, None]
            base = (j - self.lo[rr][:, None]) + col_off
            hi = flat[start + np.clip(base + ncols, 0, self.width)]
            lo = flat[start + np.clip(base, 0, self.width)]
            total += np.where(inside[:, None], hi - lo, 0.0)
        return total


def run_sums(values: np.ndarray, size: int) -> np.ndarray:
    """(n+1, ...) sums of `values` over runs [i-size, i) for i = 0..n (zero where i < size)."""
    c = np.zeros((len(values) + 1,) + values.shape[1:], np.float64)
    np.cumsum(values, axis=0, out=c[1:])
    out = np.zeros_like(c)
    out[size:] = c[size:] - c[:-size] if size else 0.0
    return out


def run_norms(vectors: np.ndarray, size: int, memo: dict) -> np.ndarray:
    """(n+1,) lengths of the summed vectors of runs [i-size, i), computed once per size."""
    if size not in memo:
        sums = np.zeros((len(vectors) + 1, vectors.shape[1]), np.float32)
        for t in range(size if size <= len(vectors) else 0):  # no run that long: all zero
            sums[size:] += vectors[t : len(vectors) - size + 1 + t]
        memo[size] = np.linalg.norm(sums, axis=1)
    return memo[size]


def _neg_inf_outside(band: Band, a: int, b: int, values: np.ndarray) -> np.ndarray:
    """-inf where an a-b link cannot end: before row a, before column b, or past the band's end."""
    i = np.arange(band.n + 1)[:, None]
    j = band.cols()
    ok = (i >= a) & (j >= b) & (j <= band.hi[:, None])
    return np.where(ok, values, -np.inf)


class Feature:
    """Base class: see the module docstring."""

    name = "feature"
    version = "1"
    available = True

    def signature(self) -> str:
        return f"{self.name}-{self.version}"

    def scores(self, pair: SentencePair, band: Band, kinds: list[LinkType]) -> dict[LinkType, np.ndarray]:
        raise NotImplementedError


class EmbeddingMargin(Feature):
    """Cosine of the two runs' summed embeddings minus `neighbour_weight` times their mean cosine with the
    sentences just outside the other run (Bertalign's margin, weight 1): a run that also matches its
    neighbours is weaker evidence, so merging is not favoured. The only feature of the coarse levels."""

    name = "embedding"
    version = "2"
    neighbour_weight = 0.25  # tuned on Text+Berg dev: 0 .878, 0.25 .879, 0.5 .871, 1 .864 strict F1

    def scores(self, pair, band, kinds):
        grid = PairGrid(band, kinds)
        dots = grid.prefix(grid.products(pair.src_vecs, pair.tgt_vecs))
        src_norm1 = np.linalg.norm(pair.src_vecs, axis=1)
        tgt_norm1 = np.linalg.norm(pair.tgt_vecs, axis=1)
        i = np.arange(band.n + 1)[:, None]
        j = band.cols()
        out = {}
        for a, b in kinds:
            if a == 0 or b == 0:
                continue
            src_norm = run_norms(pair.src_vecs, a, pair.cache.setdefault("src_norms", {}))[:, None]
            tgt_norm_all = run_norms(pair.tgt_vecs, b, pair.cache.setdefault("tgt_norms", {}))
            tgt_norm = tgt_norm_all[np.clip(j, 0, band.m)]
            cos = grid.box(dots, -a, a, -b, b) / np.maximum(src_norm * tgt_norm, 1e-9)
            # the target sentences just before and after the target run, against the source run ...
            before_t = _neighbour(grid.box(dots, -a, a, -b - 1, 1), src_norm, tgt_norm1, j - b - 1, band.m)
            after_t = _neighbour(grid.box(dots, -a, a, 0, 1), src_norm, tgt_norm1, j, band.m)
            # ... and the source sentences around the source run, against the target run
            before_s = _neighbour(grid.box(dots, -a - 1, 1, -b, b), tgt_norm, src_norm1, i - a - 1, band.n)
            after_s = _neighbour(grid.box(dots, 0, 1, -b, b), tgt_norm, src_norm1, i, band.n)
            margin = neighbour_margin(cos, before_t, after_t, before_s, after_s, self.neighbour_weight)
            out[a, b] = _neg_inf_outside(band, a, b, margin)
            pair.cache.setdefault("cosine", {})[a, b] = cos
        return out


class Members(Feature):
    """Every sentence of a link must match the other side: the sum over the link's sentences of
    min(0, cos(sentence, other side's run) - floor). Zero for ordinary links; clearly negative when a link
    swallows sentences foreign to it (an introduction, a caption), which summed embeddings hardly notice.
    This keeps one 1-4 link from being cheaper than four honest 0-1s."""

    name = "members"
    version = "1"
    floor = 0.2

    def scores(self, pair, band, kinds):
        grid = PairGrid(band, kinds)
        dots = grid.prefix(grid.products(pair.src_vecs, pair.tgt_vecs))
        src_memo = pair.cache.setdefault("src_norms", {})
        tgt_memo = pair.cache.setdefault("tgt_norms", {})
        j = np.clip(band.cols(), 0, band.m)
        out = {}
        for a, b in kinds:
            if a == 0 or b == 0:
                continue
            src_norm = np.maximum(run_norms(pair.src_vecs, a, src_memo)[:, None], 1e-9)
            tgt_norm = np.maximum(run_norms(pair.tgt_vecs, b, tgt_memo)[j], 1e-9)
            # member vectors are unit length at sentence level
            shortfall = np.zeros(j.shape)
            for t in range(b):
                shortfall += np.minimum(0.0, grid.box(dots, -a, a, -b + t, 1) / src_norm - self.floor)
            for t in range(a):
                shortfall += np.minimum(0.0, grid.box(dots, -a + t, 1, -b, b) / tgt_norm - self.floor)
            out[a, b] = _neg_inf_outside(band, a, b, shortfall)
        return out


def _neighbour(dot_sum, run_norm, unit_norms, index, length):
    """Cosine of a run with one neighbouring unit, NaN where the neighbour lies outside the document."""
    inside = (index >= 0) & (index < length)
    norms = unit_norms[np.clip(index, 0, max(length - 1, 0))] if length else np.ones_like(dot_sum)
    return np.where(inside, dot_sum / np.maximum(run_norm * norms, 1e-9), np.nan)


def neighbour_margin(cos, before_t, after_t, before_s, after_s, weight: float):
    """A run pair's cosine minus `weight` times the mean cosine of each run with the units just outside the
    other run (NaN where there is none), averaged over the two sides."""
    return cos - weight * 0.5 * (_mean_present(before_t, after_t) + _mean_present(before_s, after_s))


def _mean_present(x, y):
    """Mean of x and y where both are numbers, the one present where one is NaN, 0 where neither is."""
    x_in, y_in = ~np.isnan(x), ~np.isnan(y)
    total = np.where(x_in, x, 0.0) + np.where(y_in, y, 0.0)
    return total / np.maximum(x_in.astype(np.int8) + y_in, 1)


def text_length(text: str) -> int:
    """Characters that carry content (no spaces), the length measure of the length feature."""
    return sum(1 for ch in text if not ch.isspace())


class LengthRatio(Feature):
    """Bertalign's length agreement log2(1 + short / long) - 1, in [-1, 0], after scaling the source run by r,
    the document's own ratio of target to source characters (so zh against en needs no table); beyond a
    factor of two it keeps falling with log2(short / long)."""

    name = "length"
    version = "2"
    beyond_double = 1.0

    def scores(self, pair, band, kinds):
        src_len = np.array([text_length(s) for s in pair.src], np.float64)
        tgt_len = np.array([text_length(s) for s in pair.tgt], np.float64)
        ratio = (tgt_len.sum() + 1.0) / (src_len.sum() + 1.0)
        j = np.clip(band.cols(), 0, band.m)
        out = {}
        for a, b in kinds:
            if a == 0 or b == 0:
                continue
            ls = run_sums(src_len, a)[:, None] * ratio
            lt = run_sums(tgt_len, b)[j]
            short_over_long = np.minimum(ls, lt) / np.maximum(np.maximum(ls, lt), 1e-9)
            values = np.log2(1 + short_over_long) - 1
            # beyond a factor of two, keep falling (log scale): a title is no match for four sentences
            values += self.beyond_double * np.minimum(0.0, np.log2(np.maximum(short_over_long, 1e-3)) + 1)
            out[a, b] = _neg_inf_outside(band, a, b, values)
        return out


class SharedTokens(Feature):
    """Evidence from tokens that survive translation unchanged: Dice overlap of the runs' token bags minus
    one half where either run has any (0 when neither has: no evidence)."""

    name = "tokens"
    version = "1"

    def tokens(self, text: str, lang: str) -> list[str]:
        raise NotImplementedError

    def scores(self, pair, band, kinds):
        src_tok = [self.tokens(s, pair.src_lang) for s in pair.src]
        tgt_tok = [self.tokens(s, pair.tgt_lang) for s in pair.tgt]
        grid = PairGrid(band, kinds)
        shared = np.zeros((grid.n, grid.width), np.float32)
        tgt_sets = [set(t) for t in tgt_tok]
        for r in np.flatnonzero([bool(t) for t in src_tok]):
            mine = set(src_tok[r])
            for k, c in enumerate(range(grid.lo[r], min(grid.lo[r] + grid.width, grid.m))):
                if tgt_sets[c]:
                    shared[r, k] = len(mine & tgt_sets[c])
        prefix = grid.prefix(shared)
        src_count = np.array([len(set(t)) for t in src_tok], np.float64)
        tgt_count = np.array([len(set(t)) for t in tgt_tok], np.float64)
        j = np.clip(band.cols(), 0, band.m)
        out = {}
        for a, b in kinds:
            if a == 0 or b == 0:
                continue
            total = run_sums(src_count, a)[:, None] + run_sums(tgt_count, b)[j]
            common = np.minimum(grid.box(prefix, -a, a, -b, b), total / 2)
            values = np.where(total > 0, 2 * common / np.maximum(total, 1) - 0.5, 0.0)
            out[a, b] = _neg_inf_outside(band, a, b, values)
        return out


class Numbers(SharedTokens):
    """Numbers, dates and years: the tokens a translation almost never changes."""

    name = "numbers"
    version = "1"

    def tokens(self, text, lang):
        return number_tokens(text)


_WORD = re.compile(r"[^\W\d_]{4,}")


def _ascii_fold(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch))


class Names(SharedTokens):
    """Names and cognates in Latin script: words of 4+ letters, accents and case folded, compared on their
    first five letters (Expedition ~ expédition, Everest ~ Everest, a Latin name inside Chinese ~ English).
    Words common in either document (over 1 in 200 sentences) are function words or jargon, not evidence."""

    name = "names"
    version = "1"
    prefix = 5

    _common: frozenset = frozenset()

    def words(self, text: str) -> list[str]:
        return [_ascii_fold(w)[: self.prefix] for w in _WORD.findall(text) if "LATIN" in unicodedata.name(w[0], "")]

    def tokens(self, text, lang):
        return [w for w in self.words(text) if w not in self._common]

    def scores(self, pair, band, kinds):
        self._common = frozenset(self._frequent(pair.src) | self._frequent(pair.tgt))
        return super().scores(pair, band, kinds)

    def _frequent(self, texts: list[str]) -> set[str]:
        from collections import Counter

        counts = Counter(w for text in texts for w in set(self.words(text)))
        limit = max(2, len(texts) // 200)
        return {w for w, c in counts.items() if c > limit}


FEATURES: dict[str, type[Feature]] = {
    "embedding": EmbeddingMargin,
    "length": LengthRatio,
    "numbers": Numbers,
    "names": Names,
    "members": Members,
}


class DictionaryOverlap(Feature):
    """Content words of one run that a bilingual dictionary finds translated in the other run
    (`aligner.models.dictionary`: CC-CEDICT zh-en, Ding de-en, FreeDict fr-en and fr-de, any two of them through
    English): the harmonic mean of both
    coverages, minus a baseline so that a chance overlap is no evidence. Unavailable (and left out of the
    signature's feature list) when there is no dictionary for the pair."""

    name = "dictionary"
    version = "1"
    baseline = 0.3

    def __init__(self, src_lang: str, tgt_lang: str):
        self.dictionary = load_dictionary(src_lang, tgt_lang)
        self.available = self.dictionary is not None

    def signature(self) -> str:
        return f"{self.name}-{self.version}"

    def scores(self, pair, band, kinds):
        src_bags = self.dictionary.bags(pair.src, pair.src_lang)
        tgt_bags = self.dictionary.bags(pair.tgt, pair.tgt_lang)
        grid = PairGrid(band, kinds)
        src_hits, tgt_hits = met_words(grid, src_bags, tgt_bags)
        src_prefix, tgt_prefix = grid.prefix(src_hits), grid.prefix(tgt_hits)
        src_words = np.array([len(b) for b in src_bags], np.float64)
        tgt_words = np.array([len(b) for b in tgt_bags], np.float64)
        j = np.clip(band.cols(), 0, band.m)
        out = {}
        for a, b in kinds:
            if a == 0 or b == 0:
                continue
            ws = run_sums(src_words, a)[:, None]
            wt = run_sums(tgt_words, b)[j]
            # a word met by two sentences of the other run is counted twice: cap at the run's word count
            cs = np.minimum(grid.box(src_prefix, -a, a, -b, b), ws) / np.maximum(ws, 1)
            ct = np.minimum(grid.box(tgt_prefix, -a, a, -b, b), wt) / np.maximum(wt, 1)
            f1 = 2 * cs * ct / np.maximum(cs + ct, 1e-9)
            values = np.where((ws > 0) & (wt > 0), f1 - self.baseline, 0.0)
            out[a, b] = _neg_inf_outside(band, a, b, values)
        return out


def met_words(grid: PairGrid, src_bags: list, tgt_bags: list) -> tuple[np.ndarray, np.ndarray]:
    """(n, width) grids of how many content words of source sentence r meet target sentence c's pivots, and
    how many of c's meet r's. Through an inverted index (pivot -> sentences whose bag holds it): each word
    is looked up once, not against every sentence of the band (dev de-fr: 2.3 s -> well under 1 s)."""
    src_hits = np.zeros((grid.n, grid.width), np.float32)
    tgt_hits = np.zeros((grid.n, grid.width), np.float32)
    tgt_meeting = _sentences_meeting(tgt_bags)
    for r, bag in enumerate(src_bags):
        if bag.words:
            k = np.concatenate([tgt_meeting(w) for w in bag.words]) - grid.lo[r]
            src_hits[r] = np.bincount(k[(k >= 0) & (k < grid.width)], minlength=grid.width)[: grid.width]
    src_meeting = _sentences_meeting(src_bags)
    for c, bag in enumerate(tgt_bags):
        if bag.words:
            rows = np.concatenate([src_meeting(w) for w in bag.words])
            k = c - grid.lo[rows]
            inside = (k >= 0) & (k < grid.width)
            np.add.at(tgt_hits, (rows[inside], k[inside]), 1.0)
    return src_hits, tgt_hits


def _sentences_meeting(bags: list):
    """word pivots -> sorted numbers of the sentences whose pivots meet them (memoised per pivot set)."""
    index: dict[int, list[int]] = {}
    for s, bag in enumerate(bags):
        for p in bag.union:
            index.setdefault(p, []).append(s)
    arrays = {p: np.array(v, np.int64) for p, v in index.items()}
    empty = np.zeros(0, np.int64)
    memo: dict[frozenset, np.ndarray] = {}

    def meeting(word: frozenset) -> np.ndarray:
        got = memo.get(word)
        if got is None:
            parts = [arrays[p] for p in word if p in arrays]
            got = memo[word] = np.unique(np.concatenate(parts)) if parts else empty
        return got

    return meeting


class RunEmbedding(Feature):
    """Bertalign's evidence: the cosine of real embeddings of the two runs' concatenated texts (not sums of
    sentence vectors), minus a quarter of the mean cosine with the sentences just outside the other run, as
    `EmbeddingMargin` does. A summed vector weighs a two-word piece ("il faut se hâter") like a whole
    sentence, so that merges with short pieces look worse than they are; the model reading the joined text
    does not. Runs of 2..max_side sentences are embedded once per document side (through the embedder's
    cache, and built from the sentences' token features when the embedder can: aligner.models.runs)."""

    name = "overlap"
    version = "1"
    neighbour_weight = 0.25
    max_embedded = 4  # Text+Berg dev strict F1: 2 .866, 3 .880, 4 .886, 5 .884; tokens to embed 5x, 9x, 14x

    def __init__(self, embedder=None):
        self.embedder = embedder  # an object with .encode(texts) -> unit vectors, or a callable giving one

    def _encode_runs(self, sentences: list[str], lang: str, runs: list[tuple[int, int]]) -> np.ndarray:
        """The runs' vectors: built from token features where the embedder can (`encode_runs`, exact and
        about a third of the cost), else by embedding the joined texts."""
        embedder = self.embedder() if callable(self.embedder) else self.embedder
        if not runs:
            return np.zeros((0, DIM), np.float32)
        if hasattr(embedder, "encode_runs"):
            return embedder.encode_runs(sentences, lang, runs)
        return embedder.encode([join_sentences(sentences[a : a + z], lang) for a, z in runs])

    def embedded_sizes(self, kinds: list[LinkType], side: int, n: int) -> list[int]:
        """The run sizes of one side (0 source, 1 target) that get real embeddings: 2..max_embedded."""
        return sorted({k[side] for k in kinds if k[0] and k[1] and 2 <= k[side] <= min(self.max_embedded, n)})

    def tables(self, kinds: list[LinkType], side: int, vecs: np.ndarray, embedded: dict) -> dict:
        """{size: (n+1, dim)}: row i holds the unit vector of the run [i-size, i) (zero where i < size), from
        `embedded` ({size: vectors of the runs in order of their start}); sizes without real embeddings (one
        sentence, or longer than max_embedded: rare) take the normalised sum of their sentences' vectors."""
        out = {}
        for size in sorted({k[side] for k in kinds if k[0] and k[1]}):
            if size in embedded:
                table = np.zeros((len(vecs) + 1, vecs.shape[1]), np.float32)
                table[size:] = embedded[size]
            else:
                sums = run_sums(vecs, size).astype(np.float32)
                norms = np.linalg.norm(sums, axis=1, keepdims=True)
                table = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
            out[size] = table
        return out

    def runs(self, pair: SentencePair, kinds: list[LinkType]) -> tuple[dict, dict]:
        """The run tables of both sides (`tables`), kept in the pair's cache; the aligner may have put them
        there already, from the same pass that embedded the sentences (Embedder.encode_document)."""
        if "runs" in pair.cache:
            return pair.cache["runs"]
        out = []
        for side, (sentences, lang, vecs) in enumerate(((pair.src, pair.src_lang, pair.src_vecs),
                                                         (pair.tgt, pair.tgt_lang, pair.tgt_vecs))):
            sizes = self.embedded_sizes(kinds, side, len(sentences))
            runs = [(i, z) for z in sizes for i in range(len(sentences) - z + 1)]
            vectors = self._encode_runs(sentences, lang, runs)
            embedded, start = {}, 0
            for z in sizes:
                embedded[z] = vectors[start:start + len(sentences) - z + 1]
                start += len(sentences) - z + 1
            out.append(self.tables(kinds, side, vecs, embedded))
        pair.cache["runs"] = tuple(out)
        return pair.cache["runs"]

    def scores(self, pair, band, kinds):
        src_runs, tgt_runs = self.runs(pair, kinds)
        dim = pair.src_vecs.shape[1]
        # single sentences with a zero row at both ends: index k+1 is sentence k, 0 and n+1 are "outside"
        src1 = np.vstack([np.zeros((1, dim), np.float32), pair.src_vecs, np.zeros((1, dim), np.float32)])
        tgt1 = np.vstack([np.zeros((1, dim), np.float32), pair.tgt_vecs, np.zeros((1, dim), np.float32)])
        i = np.arange(band.n + 1)
        j = band.cols()
        valid_j = np.clip(j, 0, band.m)
        pairs = [(a, b) for a, b in kinds if a and b]
        max_b = max((b for _, b in pairs), default=1)
        # A source run's products with the single target sentences around the band, computed once per run
        # size and shifted for each target size: column c of row i is target row lo[i] - max_b + c of tgt1
        # (cells whose shift leaves the band lie outside it and become -inf below).
        near = np.clip(band.lo[:, None] - max_b + np.arange(band.width + max_b + 2)[None, :], 0, band.m + 1)
        around = {a: band_products(src_runs[a], tgt1, near) for a in {a for a, _ in pairs}}
        after_s = {b: _masked(band_products(src1[np.clip(i + 1, 0, band.n + 1)], tgt_runs[b], valid_j),
                              (i < band.n)[:, None]) for b in {b for _, b in pairs}}
        out = {}
        for a, b in pairs:
            src_run, tgt_run = src_runs[a], tgt_runs[b]
            cos = band_products(src_run, tgt_run, valid_j)
            # neighbours: target sentences j-b-1 and j (rows j-b and j+1 of tgt1), source i-a-1 and i
            k = np.arange(band.width)
            before_t = _masked(around[a][:, k + max_b - b], valid_j - b - 1 >= 0)
            after_t = _masked(around[a][:, k + max_b + 1], valid_j < band.m)
            before_s = _masked(band_products(src1[np.clip(i - a, 0, band.n + 1)], tgt_run, valid_j),
                               (i - a - 1 >= 0)[:, None])
            margin = neighbour_margin(cos, before_t, after_t, before_s, after_s[b], self.neighbour_weight)
            out[a, b] = _neg_inf_outside(band, a, b, margin)
        return out


def _masked(values: np.ndarray, inside: np.ndarray) -> np.ndarray:
    return np.where(inside, values, np.nan)
