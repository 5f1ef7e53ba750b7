"""Sentence segmentation: `segment(text, lang)` and `segment_spans(text, lang)`.

Rules, one pass of a regular expression over each line (linear in the text length):

- every line break ends a sentence (the reader has already joined soft-wrapped lines, so a line break that
  reaches this module separates paragraphs, headings, captions or date lines);
- Chinese/Japanese full stops `。！？` end a sentence wherever they stand, together with the closing quotes
  and brackets that follow them (`。”`, `！」`, `？）`); `；`, `：` and `……` do not;
- `.`, `!`, `?` and ellipses end a sentence when whitespace and a character that is not a lower-case
  letter follow (closing quotes/brackets such as `.“`, `?”`, `. »`, `.)` stay with the sentence);
  a period does not end one after an abbreviation of the language (`Dr.`, `z. B.`, `Mrd.`, `U.S.`,
  `e.g.`), after a single letter (initials), after a German-style ordinal (`11. Februar`), and `No. 5`
  style abbreviations only hold before a number; a colon never ends a sentence;
- an ellipsis ends a sentence only before an upper-case letter, and never in German (where nouns are
  capitalised, so the case of the next word says nothing);
- danda, Arabic question mark and the like end sentences of their scripts.

Spans cover every non-space character of the input exactly once, in order; whitespace around sentences
is left out. Languages without their own abbreviation list use a generic one plus pysbd's list when pysbd
knows the language.
"""

from __future__ import annotations

import functools
import re

# Closers that may follow a CJK full stop: “ and ‘ open a quotation in Chinese, so they are not here.
_CJK_CLOSE = "”’」』）)]】》〉〕｣\"'"
# Closers after a Latin terminator; “ and ‘ close quotations in German („…“), French puts a space before ».
_LATIN_CLOSE = "”’“‘\"'»›)]」』）】》〉"

_CANDIDATE = re.compile(
    r"(?P<cjk>[。！？｡][。！？!?｡]*)(?P<cjk_close>[" + re.escape(_CJK_CLOSE) + r"]*)"
    r"|(?P<latin>[.!?…]+)(?P<latin_close>(?:[" + re.escape(_LATIN_CLOSE) + r"]|[ \u00a0\u202f][»›])*)"
    r"|(?P<other>[।॥؟۔։።။]+)(?P<other_close>[\"'”’»)\]]*)"
)

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_OPENERS = "([{„“\"'«‹‚‘¿¡*_"
_DOTTED = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")  # u.s, z.b, e.g, i.e, d.h, ph.d (letters only: not v1.5)

# Always abbreviations (lower-cased, without the final period).
_ABBREVIATIONS: dict[str, set[str]] = {
    "en": {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "al", "approx", "cf", "viz",
        "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt", "rev", "hon", "esp", "messrs", "dept",
        "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "ph.d", "ca", "incl", "est", "corp", "ltd",
    },
    "de": {
        "dr", "prof", "st", "ca", "bzw", "usw", "vgl", "ggf", "inkl", "evtl", "bspw", "zzgl", "sog",
        "mrd", "mio", "tsd", "jh", "jhd", "str", "hrsg", "dipl", "ing", "geb", "gest", "gegr", "ebd",
        "u.a", "z.b", "d.h", "o.ä", "u.ä", "z.t", "u.u", "s.o", "s.u", "v.a", "i.d.r", "u.s.w", "a.d",
        "min", "max", "mind", "ehem", "eigtl", "allg", "bzgl", "etc", "hr", "fr", "vs",
        "e.v", "gmbh", "co", "zit",
    },
    "fr": {
        "mme", "mmes", "mlle", "mlles", "mm", "dr", "pr", "st", "ste", "av", "bd", "cf", "env", "ex",
        "p.ex", "c.-à-d", "ibid", "op", "cit", "vol", "éd", "etc", "vs", "me", "mgr",
    },
}
# Abbreviations that hold only before a number (`No. 5`, `S. 12`, `Jan. 2024`); elsewhere the word may
# simply end a sentence (`I said no.`).
_NUMERIC_ABBREVIATIONS: dict[str, set[str]] = {
    "en": {
        "no", "nos", "p", "pp", "vol", "fig", "ch", "sec", "art", "para", "ed", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    },
    "de": {
        "nr", "s", "abs", "art", "bd", "kap", "abb", "tab", "jan", "feb", "mär", "apr", "jun", "jul", "aug",
        "sep", "sept", "okt", "nov", "dez", "no",
    },
    "fr": {
        "n", "no", "p", "pp", "art", "chap", "fig", "janv", "févr", "avr", "juil", "sept", "oct", "nov", "déc",
    },
}
_GENERIC_ABBREVIATIONS = {"dr", "prof", "st", "vs", "ca", "cf", "e.g", "i.e", "u.s"}
_GENERIC_NUMERIC = {"no", "nr", "p", "pp", "vol", "art", "fig"}

# Words after which a single capital letter is a designator ("Series D."), not a name's initial.
_DESIGNATORS = {
    "series", "serie", "série", "round", "runde", "plan", "phase", "type", "typ", "class", "klasse",
    "vitamin", "grade", "level", "stufe", "category", "kategorie", "model", "modell", "block", "gruppe",
    "group", "groupe", "section", "abschnitt", "option",
}
# Languages that write ordinals as a number with a period ("am 11. Februar").
_ORDINAL_DOT = {"de", "da", "no", "nb", "nn", "fi", "cs", "sk", "pl", "hu", "sl", "hr", "sr", "bs", "et",
                "lv", "is", "fo", "tr"}
# Languages that capitalise nouns: a capital after an ellipsis does not start a sentence there.
_CAPITALISED_NOUNS = {"de", "lb"}


@functools.lru_cache(maxsize=None)
def _abbreviations(lang: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(always, before a number only, only when written with a capital) abbreviations of `lang`."""
    always = set(_ABBREVIATIONS.get(lang, ()))
    numeric = set(_NUMERIC_ABBREVIATIONS.get(lang, ()))
    capitalised: set[str] = set()
    if lang not in _ABBREVIATIONS:
        always |= _GENERIC_ABBREVIATIONS
        numeric |= _GENERIC_NUMERIC
        try:  # pysbd carries abbreviation lists for some twenty languages
            from pysbd.languages import Language

            pysbd_lang = Language.get_language_code(lang)
            # Those lists hold short common words too (`is`, `man`, `me` in English), which would veto real
            # sentence ends; an abbreviation is trusted when dotted (`a.c`), else only when written with
            # a capital (titles before names: `Sr.`, `Av.`), where a sentence rarely ends.
            for a in pysbd_lang.Abbreviation.ABBREVIATIONS:
                a = a.strip().lower()
                (always if "." in a else capitalised).add(a)
            numeric |= {a.strip().lower() for a in getattr(pysbd_lang.Abbreviation, "NUMBER_ABBREVIATIONS", [])}
        except (ValueError, KeyError, AttributeError, ImportError):
            pass
    return frozenset(a.lower() for a in always), frozenset(numeric), frozenset(capitalised)


def _token_before(line: str, end: int) -> tuple[str, int]:
    """The word that ends at `end` (without leading quotes/brackets) and where it starts."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    token = line[start:end]
    stripped = token.lstrip(_OPENERS)
    return stripped, start + (len(token) - len(stripped))


def _word_before(line: str, start: int) -> str:
    end = start
    while end > 0 and line[end - 1].isspace():
        end -= 1
    return _token_before(line, end)[0].rstrip(",;:")


def _is_abbreviation(line: str, term_start: int, next_char: str, lang: str) -> bool:
    token, token_start = _token_before(line, term_start)
    if not token:
        return False
    low = token.lower()
    always, numeric, capitalised = _abbreviations(lang)
    if low in always or (low in capitalised and token[0].isupper()):
        return True
    if low in numeric and next_char.isdigit():
        return True
    if len(token) == 1 and token.isalpha():
        if token.islower():
            # z. B., d. h., u. a., p. ex. -- but a unit after a number ends sentences: "8481 m. Am Gipfel"
            return not _word_before(line, token_start).replace(",", "").replace(".", "").isdigit()
        # A capital letter: a name's initial (J. R. R. Tolkien, George W. Bush), unless a designator word
        # such as "Series" precedes it.
        return _word_before(line, token_start).lower() not in _DESIGNATORS
    if _DOTTED.fullmatch(token):
        return True  # U.S, z.B, i.e, Ph.D: dotted abbreviations
    if token.isdigit() and len(token) <= 3:
        if not line[:token_start].strip():
            return True  # "1. First step": the number of a list item at the start of a line
        if lang in _ORDINAL_DOT:
            return True  # am 11. Februar, im 20. Jahrhundert
    return False


def _line_boundaries(line: str, lang: str) -> list[int]:
    """End offsets (within `line`) of the sentences in one line, the last one being len(line)."""
    ends: list[int] = []
    n = len(line)
    for m in _CANDIDATE.finditer(line):
        end = m.end()
        if end >= n or not line[end:].strip():
            break  # the line's end ends the sentence anyway
        nxt_pos = end
        while nxt_pos < n and line[nxt_pos].isspace():
            nxt_pos += 1
        nxt = line[nxt_pos]
        spaced = nxt_pos > end
        if m.group("cjk"):
            ends.append(end)
            continue
        if m.group("other"):
            if spaced or not nxt.islower():
                ends.append(end)
            continue
        term = m.group("latin")
        if not spaced:
            # "5.3", "z.B.", "Gen-4.5": no break without a space, except "!"/"?"/"." written straight
            # before Chinese text after Chinese text ("好!我们").
            before = line[m.start() - 1] if m.start() > 0 else ""
            if _CJK_CHAR.match(nxt) and (set(term) & set("!?") or term == "." and _CJK_CHAR.match(before or " ")):
                ends.append(end)
            continue
        if nxt.islower():
            continue
        if "…" in term or ".." in term:
            if lang in _CAPITALISED_NOUNS or not nxt.isupper():
                continue
        elif term == "." and not m.group("latin_close"):
            if _is_abbreviation(line, m.start(), nxt, lang):
                continue
        ends.append(end)
    ends.append(n)
    return ends


def segment_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans `(start, end)` of the sentences of `text`, trimmed of surrounding whitespace."""
    lang = (lang or "").lower().split("-")[0].split("_")[0]
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start = 0
        for end in _line_boundaries(line, lang):
            chunk = line[start:end]
            left = len(chunk) - len(chunk.lstrip())
            right = len(chunk.rstrip())
            if right > left:
                spans.append((pos + start + left, pos + start + right))
            start = end
        pos += len(line) + 1
    return spans


def segment(text: str, lang: str) -> list[str]:
    """The sentences of `text` in language `lang` (ISO 639-1), as they are written in `text`."""
    return [text[a:b] for a, b in segment_spans(text, lang)]


SEGMENTER_VERSION = "1"


def signature(lang: str) -> str:
    """How sentences of `lang` are cut, for reports: rules version and the language's rule set."""
    lang = (lang or "").lower().split("-")[0].split("_")[0]
    always, numeric, capitalised = _abbreviations(lang)
    source = "own list" if lang in _ABBREVIATIONS else "generic + pysbd" if capitalised else "generic"
    extras = [name for name, on in (("ordinal-dot", lang in _ORDINAL_DOT),
                                    ("capitalised-nouns", lang in _CAPITALISED_NOUNS)) if on]
    return (f"segment:rules-v{SEGMENTER_VERSION}|lang:{lang or 'und'}|abbrev:{source} "
            f"{len(always)}+{len(numeric)}num+{len(capitalised)}cap" + "".join(f"|{e}" for e in extras))
