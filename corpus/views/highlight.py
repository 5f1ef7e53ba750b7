"""Marking text for reviewers: numbers and names that match (or not) across the languages of a unit, and the
word/character differences between two renderings of one source.

Both produce *pieces*: the text cut into a list whose items are either a plain string or a marked span
`[text, kind, group, missing]`; joining the texts of the pieces gives back the original text exactly, so a view
can never lose or alter a character.

- kind `n` = number, `m` = name; `group` >= 0 numbers spans that denote the same thing across the unit's
  languages (a view colours one group alike everywhere), -1 = found in no other language of the unit;
  `missing` = space-separated languages of the unit that lack it ("" when every language has it).
- kind `-` = text of the first rendering that the second lacks, `+` = text only the second has (group -1).

Names cannot be told from ordinary words without a tagger, so the rules are deliberately cautious: acronyms,
CamelCase and letter+digit tokens, and Latin-script words inside non-Latin text (e.g. "Sora" in Chinese), are
*strong* candidates and are marked when they lack a counterpart; capitalised words inside a sentence are *weak*
candidates (German capitalises every noun) and are marked only when another language has them too.
"""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from corpus.text.acronyms import acronym_equivalents, has_han
from corpus.text.languages import writes_without_spaces
from corpus.text.numbers import FULLWIDTH, NUMBER_RUN, digit_run_keys, silent_number_keys

Piece = str | list

_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ0-9'’\-]*")
_SENTENCE_OPENERS = set(".!?:\"“”„«»‹›()[]—–-•*#")


class Span(NamedTuple):
    start: int
    end: int
    kind: str  # "n" number, "m" name
    key: str  # what is compared across languages
    level: int  # 2: marked even without a counterpart; 1: marked when matched; 0: only a counterpart for others


def number_spans(text: str) -> list[Span]:
    """Numbers written with digits (ASCII or fullwidth), with thousands separators and decimals normalised."""
    ascii_text = text.translate(FULLWIDTH)
    spans = []
    for m in NUMBER_RUN.finditer(ascii_text):
        for a, b, key in digit_run_keys(m.group()):
            spans.append(Span(m.start() + a, m.start() + b, "n", key, 2))
    return spans


_HAS_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-zªºÀ-ÖØ-öø-ɏḀ-ỿ]")


def is_latin_host(text: str) -> bool:
    """True when most letters of the text are Latin (names stay in Latin script in such text)."""
    letters = len(_LETTER.findall(text))
    return not letters or 2 * len(_LATIN_LETTER.findall(text)) >= letters


_POSSESSIVE = re.compile(r"['’]s$")


def _name_key(word: str) -> str:
    if "'" in word or "’" in word:
        word = _POSSESSIVE.sub("", word)
    return word.strip("-'’").casefold()


def latin_words(text: str) -> set[str]:
    """Keys of every Latin-script word of two or more letters: the counterparts a name may find."""
    return {_name_key(w) for w in _LATIN_WORD.findall(text) if len(w) > 1}


def name_spans(text: str, latin_host: bool | None = None) -> list[Span]:
    """Latin-script words that may be names (any word in non-Latin text; in Latin text those with a capital
    or a digit), with their level as a name candidate (see module doc). Lower-case words are never names."""
    if latin_host is None:
        latin_host = is_latin_host(text)
    spans = []
    for m in _LATIN_WORD.finditer(text):
        word = m.group().rstrip("-'’")
        if latin_host and word.islower() and not _HAS_DIGIT.search(word):  # the bulk: plain words
            continue
        letters = [c for c in word if c.isalpha()]
        if len(letters) < 2 and not (not latin_host and word.isalpha() and word.isupper()):
            continue
        acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
        camel = re.search(r"[a-zà-ÿ][A-ZÀ-Þ]", word) is not None  # OpenAI, iPhone; not Hartmann-Stiftung
        alnum = any(c.isdigit() for c in word)
        if acronym or camel or alnum or not latin_host:
            level = 2
        elif word[0].isupper():
            j = m.start() - 1
            while j >= 0 and text[j].isspace():
                j -= 1
            level = 0 if j < 0 or text[j] in _SENTENCE_OPENERS else 1  # a sentence-initial capital says nothing
        else:
            level = 0
        spans.append(Span(m.start(), m.start() + len(word), "m", _name_key(word), level))
    return spans


def _same_name(a: str, b: str) -> bool:
    """Equal, a German genitive (Valenzuela / Valenzuelas), or a hyphenated compound (GPT-4 / GPT-4-Lizenzen).
    Nothing looser: Archive / Archiv are different words that happen to look alike."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return long_ == short + "s" or long_.startswith(short + "-")


class _Names:
    """The Latin-script words of one text, for finding a name's counterparts (exact or inflected) quickly."""

    def __init__(self, spans: list[Span], text: str):
        self.keys = latin_words(text)
        self.text = text.casefold()
        self.candidates = {s.key for s in spans if s.kind == "m" and s.level}
        self.capitalised = {s.key for s in spans if s.kind == "m" and (s.level or text[s.start].isupper())}
        self.by_prefix: dict[str, list[str]] = {}
        for k in self.keys:
            self.by_prefix.setdefault(k[:4], []).append(k)

    def find(self, key: str) -> list[str]:
        found = self._spelled(key)
        if found:
            return found
        # an acronym spelled as the other language spells it (AI / KI-Unternehmen / 人工智能, EU / UE)
        return [f for k in acronym_equivalents(key) for f in ([k] if k in self.text else [])
                if has_han(k)] + [f for k in acronym_equivalents(key) if not has_han(k) for f in self._spelled(k)]

    def _spelled(self, key: str) -> list[str]:
        if key in self.keys:
            return [key]
        near = self.by_prefix.get(key[:4], ()) if len(key) >= 4 else [k for k in self.keys if k.startswith(key)]
        return [k for k in near if _same_name(key, k)]

    def has_candidate(self, keys: list[str]) -> bool:
        return any(k in self.candidates for k in keys)

    def has_capitalised(self, keys: list[str]) -> bool:
        return any(k in self.capitalised for k in keys)


def _names_match(s: Span, text: str, counterparts: list[tuple[_Names, list[str]]]) -> bool:
    """Whether a span with counterparts in other languages is marked as matching.

    Numbers and strong names always; a capitalised word inside a sentence when a counterpart is capitalised
    too (German `Mission` and English `mission` are a cognate, not a name); a sentence-initial capital when a
    counterpart is a name candidate; a lower-case word never.
    """
    if s.kind == "n" or s.level == 2:
        return True
    if s.level == 1:
        return any(names.has_capitalised(keys) for names, keys in counterparts)
    return text[s.start].isupper() and any(names.has_candidate(keys) for names, keys in counterparts)


def mark_unit(texts: dict[str, str]) -> dict[str, list[Piece]]:
    """Pieces per language for one unit (language -> text): numbers and names marked as matching or not."""
    langs = list(texts)
    latin = {lang: is_latin_host(t) for lang, t in texts.items()}
    spans = {lang: sorted(number_spans(t) + name_spans(t, latin[lang]), key=lambda s: s.start)
             for lang, t in texts.items()}
    number_keys = {lang: {s.key for s in spans[lang] if s.kind == "n"} | silent_number_keys(texts[lang])
                   for lang in langs}
    names = {lang: _Names(spans[lang], texts[lang]) for lang in langs}
    groups: dict[tuple[str, str], int] = {}

    def group_of(kind: str, key: str, found_keys: list[str]) -> int:
        # one group for all spellings that matched each other (first spelling seen names the group)
        for k in [key, *found_keys]:
            if (kind, k) in groups:
                gid = groups[(kind, k)]
                break
        else:
            gid = len({*groups.values()})
        for k in [key, *found_keys]:
            groups.setdefault((kind, k), gid)
        return gid

    out: dict[str, list[Piece]] = {}
    for lang in langs:
        text, pieces, pos = texts[lang], [], 0
        others = [o for o in langs if o != lang]
        for s in spans[lang]:
            if s.start < pos:
                continue  # a name token that contains a number already marked, or vice versa
            if s.kind == "n":
                found = {o: [s.key] if s.key in number_keys[o] else [] for o in others}
                expected = others
            else:
                found = {o: names[o].find(s.key) for o in others}
                # a Latin-script name next to non-Latin text is usually transliterated (巴伦苏埃拉), not lost;
                # acronyms and product names (AI, GPT-4) are usually kept
                kept = s.level == 2 and latin[lang]
                expected = [o for o in others if latin[o] or not latin[lang] or kept]
            have = [o for o in others if found[o]]
            missing = " ".join(o for o in expected if not found[o])
            if have and _names_match(s, text, [(names[o], found[o]) for o in have]):
                gid = group_of(s.kind, s.key, [k for o in have for k in found[o]])
            elif not have and s.level == 2 and expected:
                gid = -1
            else:
                continue
            if s.start > pos:
                pieces.append(text[pos:s.start])
            pieces.append([text[s.start:s.end], s.kind, gid, missing])
            pos = s.end
        if pos < len(text):
            pieces.append(text[pos:])
        out[lang] = pieces
    return out


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _tokens(text: str, chars: bool) -> list[str]:
    return list(text) if chars else _TOKEN.findall(text)


def _append(pieces: list[Piece], text: str, kind: str | None) -> None:
    """Add text to pieces, merging with the previous piece of the same kind."""
    if not text:
        return
    if kind is None:
        if pieces and isinstance(pieces[-1], str):
            pieces[-1] += text
        else:
            pieces.append(text)
    elif pieces and isinstance(pieces[-1], list) and pieces[-1][1] == kind:
        pieces[-1][0] += text
    elif (len(pieces) > 1 and isinstance(pieces[-1], str) and not pieces[-1].strip()
          and isinstance(pieces[-2], list) and pieces[-2][1] == kind):
        pieces[-2][0] += pieces.pop() + text  # one span for a changed phrase, spaces included
    else:
        pieces.append([text, kind, -1, ""])


def uses_characters(lang: str) -> bool:
    """Languages written without spaces between words are compared character by character."""
    return writes_without_spaces(lang)


def diff_pieces(a: str, b: str, *, chars: bool = False) -> tuple[list[Piece], list[Piece]]:
    """Pieces of `a` with what `b` lacks marked `-`, and of `b` with what `a` lacks marked `+`.

    Words (with punctuation as tokens of their own) are compared, or characters when `chars` (zh, ja).
    Whitespace between two changed words is marked with them, so a changed phrase reads as one span.
    """
    ta, tb = _tokens(a, chars), _tokens(b, chars)
    pa: list[Piece] = []
    pb: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(pa, "".join(ta[i1:i2]), None)
            _append(pb, "".join(tb[j1:j2]), None)
            continue
        for pieces, toks, kind in ((pa, ta[i1:i2], "-"), (pb, tb[j1:j2], "+")):
            chunk = "".join(toks)
            core = chunk.strip()
            if not core:
                _append(pieces, chunk, None)  # whitespace-only change: not worth a mark
                continue
            lead = chunk[: len(chunk) - len(chunk.lstrip())]
            trail = chunk[len(chunk.rstrip()):]
            _append(pieces, lead, None)
            _append(pieces, core, kind)
            _append(pieces, trail, None)
    return pa, pb


def pieces_text(pieces: list[Piece]) -> str:
    return "".join(p if isinstance(p, str) else p[0] for p in pieces)
