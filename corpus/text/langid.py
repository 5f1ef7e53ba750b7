"""Language identification: `identify(text) -> ISO 639-1 code`, and language assignment for the
paragraphs of a file.

Script first, statistics second:
- kana -> `ja`, hangul -> `ko`, Han characters making up a quarter of the letters -> `zh` (one Han character
  carries about as much as a word of five Latin letters, so Chinese text full of English names and
  product words still counts as Chinese); Greek, Hebrew, Thai, Armenian, Georgian and the Indic scripts
  each have one main language;
- other text (Latin, Cyrillic, Arabic scripts) goes to langid.py restricted to the languages written in
  that script among the ~40 it knows best; restricting keeps short texts from landing on rare languages.

langid.py ships its model as a bz2 pickle that takes seconds to unpack; the unpacked model is cached as a
numpy file in the user's cache folder (`$CORPUS_CACHE_DIR`, else `~/.cache/corpus-aligner`), so later runs
load it in a fraction of a second. An unwritable cache only costs time.

`assign_languages(texts, sections)` gives each paragraph a language: the language of its section (by
weight of text) unless the paragraph itself is long enough and clearly in another language, so a date
line or a name inside a Chinese section stays Chinese and a German paragraph quoting an English title
stays German.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter

import numpy as np

from corpus.atomic import atomic_open
from corpus.cache import cache_dir
from corpus.errors import CorpusError

UNDETERMINED = "und"

# Languages langid.py may choose from, by script.
LATIN_LANGUAGES = [
    "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "hu", "ro", "hr",
    "sl", "et", "lv", "lt", "tr", "id", "ms", "vi", "ca", "eu", "gl", "is", "ga", "cy", "sq", "af", "sw",
    "la", "eo",
]
CYRILLIC_LANGUAGES = ["ru", "uk", "bg", "sr", "mk", "be", "kk", "mn", "ky"]
ARABIC_LANGUAGES = ["ar", "fa", "ur", "ps", "ug"]

# Code point ranges of the scripts that matter here (letters only: digits and punctuation carry no script).
_SCRIPT_RANGES: dict[str, list[tuple[int, int]]] = {
    "han": [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF)],
    "kana": [(0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9D)],
    "hangul": [(0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)],
    "latin": [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF)],
    "cyrillic": [(0x400, 0x52F)],
    "greek": [(0x370, 0x3FF), (0x1F00, 0x1FFF)],
    "arabic": [(0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
    "hebrew": [(0x590, 0x5FF)],
    "thai": [(0xE00, 0xE7F)],
    "devanagari": [(0x900, 0x97F)],
    "bengali": [(0x980, 0x9FF)],
    "tamil": [(0xB80, 0xBFF)],
    "armenian": [(0x530, 0x58F)],
    "georgian": [(0x10A0, 0x10FF)],
}
SCRIPTS = list(_SCRIPT_RANGES)
_RANGES = sorted((lo, hi, SCRIPTS.index(name)) for name, spans in _SCRIPT_RANGES.items() for lo, hi in spans)
_RANGE_LO = np.array([r[0] for r in _RANGES], dtype=np.int64)
_RANGE_HI = np.array([r[1] for r in _RANGES], dtype=np.int64)
_RANGE_SCRIPT = np.array([r[2] for r in _RANGES], dtype=np.int64)
_SINGLE_LANGUAGE_SCRIPTS = {
    "greek": "el", "hebrew": "he", "thai": "th", "devanagari": "hi", "bengali": "bn", "tamil": "ta",
    "armenian": "hy", "georgian": "ka", "hangul": "ko", "kana": "ja",
}
_URLISH = re.compile(r"\S+@\S+|\S*://\S+|www\.\S+")


def script_counts(text: str) -> Counter:
    """Number of letters of each script in `text` (one vectorised pass over the code points)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    slot = np.searchsorted(_RANGE_LO, codes, side="right") - 1
    inside = (slot >= 0) & (codes <= _RANGE_HI[np.maximum(slot, 0)])
    counts = np.bincount(_RANGE_SCRIPT[slot[inside]], minlength=len(SCRIPTS))
    return Counter({name: int(n) for name, n in zip(SCRIPTS, counts)})


def dominant_script(text: str) -> str:
    """The writing system of `text`: "han" for Chinese (Han share rule), else the largest script."""
    counts = script_counts(text)
    letters = sum(counts.values())
    if not letters:
        return ""
    if counts["kana"] >= max(2, 0.05 * letters):
        return "kana"
    if counts["hangul"] >= max(2, 0.2 * letters):
        return "hangul"
    if counts["han"] >= 2 and counts["han"] >= 0.25 * letters:
        return "han"
    return counts.most_common(1)[0][0]


# ---- langid.py, loaded once and cached unpacked -------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _langid_model():
    """langid.py's `LanguageIdentifier` over the full model, unpacked once and cached as .npz."""
    from langid import langid as lid

    digest = hashlib.sha1(lid.model[:4096] + str(len(lid.model)).encode()).hexdigest()[:12]
    cache = cache_dir() / f"langid-{digest}.npz"
    arrays = None
    if cache.is_file():
        try:
            with np.load(cache, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except (OSError, ValueError):
            arrays = None
    if arrays is None:
        import base64
        import bz2
        import pickle

        nb_ptc, nb_pc, nb_classes, tk_nextmove, tk_output = pickle.loads(bz2.decompress(base64.b64decode(lid.model)))
        keys = sorted(tk_output)
        lengths = np.array([len(tk_output[k]) for k in keys], dtype=np.int64)
        arrays = {
            "nb_ptc": np.asarray(nb_ptc, dtype=np.float64),
            "nb_pc": np.asarray(nb_pc, dtype=np.float64),
            "nb_classes": np.array(nb_classes),
            "tk_nextmove": np.asarray(tk_nextmove, dtype=np.int64),
            "tk_keys": np.array(keys, dtype=np.int64),
            "tk_lengths": lengths,
            "tk_values": np.array([v for k in keys for v in tk_output[k]], dtype=np.int64),
        }
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with atomic_open(cache, "wb") as fh:
                np.savez(fh, **arrays)
        except (OSError, CorpusError):
            pass  # an unwritable cache only costs time
    nb_pc = arrays["nb_pc"]
    nb_ptc = arrays["nb_ptc"].reshape(-1, len(nb_pc))
    values = arrays["tk_values"].tolist()
    bounds = np.concatenate(([0], np.cumsum(arrays["tk_lengths"]))).tolist()
    tk_output = {
        int(k): tuple(values[bounds[i]:bounds[i + 1]]) for i, k in enumerate(arrays["tk_keys"].tolist())
    }
    identifier = lid.LanguageIdentifier(
        nb_ptc, nb_pc, nb_ptc.shape[0], [str(c) for c in arrays["nb_classes"]],
        arrays["tk_nextmove"].tolist(), tk_output, norm_probs=True,
    )
    return identifier


@functools.lru_cache(maxsize=8)
def _restricted(languages: tuple[str, ...]):
    """A langid identifier restricted to `languages` (a copy: the full model stays intact)."""
    full = _langid_model()
    from langid import langid as lid

    known = [lang for lang in languages if lang in full.nb_classes]
    idx = [full.nb_classes.index(lang) for lang in known]
    return lid.LanguageIdentifier(
        full.nb_ptc[:, idx], full.nb_pc[idx], full.nb_numfeats, known,
        full.tk_nextmove, full.tk_output, norm_probs=True,
    )


def rank(text: str) -> list[tuple[str, float]]:
    """Languages for `text` with normalised probabilities, best first (script decides where it can)."""
    script = dominant_script(text)
    if not script:
        return []
    if script == "han":
        return [("zh", 1.0)]
    if script in _SINGLE_LANGUAGE_SCRIPTS:
        return [(_SINGLE_LANGUAGE_SCRIPTS[script], 1.0)]
    candidates = {"latin": LATIN_LANGUAGES, "cyrillic": CYRILLIC_LANGUAGES, "arabic": ARABIC_LANGUAGES}.get(script)
    if candidates is None:
        return []
    cleaned = _URLISH.sub(" ", text)
    return [(lang, float(p)) for lang, p in _restricted(tuple(candidates)).rank(cleaned)]


def identify(text: str) -> str:
    """ISO 639-1 code of the language of `text`, or "und" when it has no letters to go by."""
    ranked = rank(text)
    return ranked[0][0] if ranked else UNDETERMINED


def letter_count(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _weight(text: str) -> int:
    """Evidence a text carries: Han/kana/hangul characters count like five Latin letters (a word)."""
    counts = script_counts(text)
    dense = counts["han"] + counts["kana"] + counts["hangul"]
    return 5 * dense + sum(counts.values()) - dense


# A paragraph overrides its section's language only with this much evidence (weight, see `_weight`):
# across scripts (Latin inside Chinese) a sentence's worth; within one script (English inside German)
# a few sentences' worth and a confident identification.
MIN_WEIGHT_OTHER_SCRIPT = 40
MIN_WEIGHT_SAME_SCRIPT = 150
MIN_CONFIDENCE_SAME_SCRIPT = 0.98
IDENTIFY_CHARS = 240


def assign_languages(texts: list[str], sections: list[int]) -> list[str]:
    """The language of each paragraph, given the paragraphs' texts and section numbers."""
    # The first couple of hundred characters (a sentence or two) of a paragraph are evidence enough;
    # capping keeps book-length input cheap (langid.py walks its automaton byte by byte in Python).
    texts = [t[:IDENTIFY_CHARS] for t in texts]
    ranked_by_text: dict[str, list[tuple[str, float]]] = {}  # repeated lines (running heads) once
    for t in texts:
        if t not in ranked_by_text:
            ranked_by_text[t] = rank(t)
    own = [ranked_by_text[t] for t in texts]
    weights = [_weight(t) for t in texts]
    section_votes: dict[int, Counter] = {}
    for ranked, weight, section in zip(own, weights, sections):
        if ranked:
            section_votes.setdefault(section, Counter())[ranked[0][0]] += weight
    file_votes = sum(section_votes.values(), Counter())
    file_lang = file_votes.most_common(1)[0][0] if file_votes else UNDETERMINED
    section_lang = {s: v.most_common(1)[0][0] for s, v in section_votes.items()}

    result = []
    for text, ranked, weight, section in zip(texts, own, weights, sections):
        base = section_lang.get(section, file_lang)
        if not ranked:
            result.append(base)
            continue
        lang, confidence = ranked[0]
        if lang == base:
            result.append(base)
            continue
        same_script = _script_family(lang) == _script_family(base)
        if same_script:
            keep_own = weight >= MIN_WEIGHT_SAME_SCRIPT and confidence >= MIN_CONFIDENCE_SAME_SCRIPT
        else:
            keep_own = weight >= MIN_WEIGHT_OTHER_SCRIPT
        result.append(lang if keep_own else base)
    return result


def _script_family(lang: str) -> str:
    if lang in LATIN_LANGUAGES:
        return "latin"
    if lang in CYRILLIC_LANGUAGES:
        return "cyrillic"
    if lang in ARABIC_LANGUAGES:
        return "arabic"
    return lang


# ISO 639-1: every two-letter code, for validating user input (a code langid.py does not know is still a
# language: its text can be read and segmented with the generic rules).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik
io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml
mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd
se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
vo wa wo xh yi yo za zh zu
""".split())


def language_code(code: str) -> str:
    """The ISO 639-1 code in a user's language tag ("de", "DE", "zh-Hant", "pt_BR"); CorpusError otherwise."""
    primary = re.split(r"[-_]", (code or "").strip())[0].lower()
    if primary not in ISO_639_1:
        raise CorpusError(f"unknown language code {code!r} (expected ISO 639-1, such as en, de, fr, zh)")
    return primary
