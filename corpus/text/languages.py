"""What the code needs to know about languages, in one place: which are written without spaces, and how
the sentences of a language join into one text."""

from __future__ import annotations

# Written without spaces between words: sentences join with nothing between them, and renderings are
# compared character by character.
NO_SPACE_LANGS = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})


def writes_without_spaces(lang: str) -> bool:
    """True for a language (a code, or a tag such as `zh-Hant`) written without spaces between words."""
    return lang.split("-")[0].lower() in NO_SPACE_LANGS


def join_sentences(sentences: list[str], lang: str) -> str:
    sep = "" if lang in NO_SPACE_LANGS else " "
    return sep.join(s.strip() for s in sentences)
