"""Plain text and Markdown files as a reader of the registry (corpus.reading.registry): decoded by
corpus.reading.decoding, cut into paragraphs by corpus.reading.markdown. Provenance is the line a paragraph
begins on."""

from __future__ import annotations

import bisect
from pathlib import Path

from corpus.reading.decoding import decode_bytes, normalise_text
from corpus.reading.markdown import MARKDOWN_SUFFIXES, parse
from corpus.reading.parts import Extraction, Located

TEXT_SUFFIXES = (".txt", ".text")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def text_extraction(data: bytes, path: Path, markdown: bool | None) -> Extraction:
    text, encoding = decode_bytes(data, path)
    text = normalise_text(text)
    parsed = parse(text, markdown)
    starts = _line_starts(text)
    blocks = [Located(b, f"line {bisect.bisect_right(starts, b.start)}") for b in parsed.blocks]
    metadata = dict(parsed.metadata)
    metadata["encoding"] = encoding
    metadata["format"] = "markdown" if parsed.markdown else "text"
    return Extraction(text, blocks, metadata)


class TextReader:
    """Plain text; Markdown syntax is recognised when the text evidently uses it."""

    name = "text"
    description = "plain text (Markdown syntax recognised when evident)"
    suffixes = TEXT_SUFFIXES

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        return text_extraction(data, path, options.markdown)


class MarkdownReader:
    name = "markdown"
    description = "Markdown"
    suffixes = tuple(sorted(MARKDOWN_SUFFIXES))

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        return text_extraction(data, path, True if options.markdown is None else options.markdown)
