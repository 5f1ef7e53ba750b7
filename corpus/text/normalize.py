"""Text normalisation used for *matching* (comparing, scoring, looking up), never for what is stored.

The original text of a document is what the corpus keeps and writes out; these helpers give comparable
forms of it: Chinese folded to simplified characters with OpenCC (`t2s`), Unicode NFC, and whitespace
folded to single spaces.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


@functools.lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def simplified(text: str) -> str:
    """`text` with traditional Chinese characters converted to simplified ones (OpenCC t2s).

    Same length as a rule for the character-to-character conversions t2s does, but callers must not rely
    on offsets: use it to compare, not to store."""
    if not _HAN.search(text):
        return text
    return _converter("t2s").convert(text)


def traditional(text: str) -> str:
    """`text` converted to traditional characters (OpenCC s2t); used to build test data and lookups."""
    if not _HAN.search(text):
        return text
    return _converter("s2t").convert(text)


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def is_traditional(text: str) -> bool:
    """True when the Han characters of `text` are written in traditional script.

    Counts the Han characters that t2s changes: a simplified text has (almost) none, a traditional text
    a sizeable share (about a fifth of the characters of running text differ between the scripts). Many
    characters are the same in both scripts, so the test is on the share of *changed* characters among all
    Han characters, with a small floor against a stray variant character in a simplified text."""
    han = _HAN.findall(text)
    if not han:
        return False
    original = "".join(han)
    converted = simplified(original)
    if len(converted) != len(original):  # t2s phrase conversions may change the length: compare as sets
        changed = len(set(original) - set(converted))
    else:
        changed = sum(a != b for a, b in zip(original, converted))
    return changed >= max(1, 0.03 * len(han))


def nfc(text: str) -> str:
    """Unicode NFC (composed characters: "u" + combining diaeresis becomes "ü")."""
    return unicodedata.normalize("NFC", text)


def fold_whitespace(text: str) -> str:
    """Every run of whitespace (spaces, tabs, line breaks, NBSP...) becomes one space; ends trimmed."""
    return _WHITESPACE.sub(" ", text).strip()


def for_matching(text: str) -> str:
    """The comparison form: NFC, simplified Chinese, folded whitespace."""
    return fold_whitespace(simplified(nfc(text)))
