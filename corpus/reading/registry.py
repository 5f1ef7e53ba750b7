"""The document formats, one reader each, looked up by name (`--format docx`) or by file suffix.

A reader is one small interface: `name`, `description`, `suffixes` and `extract(data, path, options)`, which
turns a file's bytes into an Extraction (corpus.reading.parts) or raises CorpusError. `read_documents` is
the one entry point: it picks the reader (the name given, else the suffix, else what the bytes look like),
extracts and builds the Documents, so every format yields the same document model with provenance.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from corpus.errors import CorpusError
from corpus.reading.decoding import read_bytes
from corpus.reading.document import Document
from corpus.reading.office import DocxReader, OdtReader
from corpus.reading.pdf import PdfReader
from corpus.reading.parts import Extraction, build_documents
from corpus.reading.plaintext import MarkdownReader, TextReader
from corpus.reading.subtitles import SrtReader, VttReader
from corpus.reading.web import EpubReader, HtmlReader
from corpus.reading.xliff import XliffReader


@dataclass(frozen=True)
class ReadOptions:
    markdown: bool | None = None  # text files: None = recognise Markdown syntax when evident
    keep_segments: bool = False  # XLIFF: its segments are the sentences, not cut again


class Reader(Protocol):
    name: str
    description: str
    suffixes: tuple[str, ...]

    def extract(self, data: bytes, path: Path, options: ReadOptions) -> Extraction: ...


READERS: dict[str, Reader] = {
    reader.name: reader
    for reader in (TextReader(), MarkdownReader(), DocxReader(), OdtReader(), HtmlReader(), EpubReader(), PdfReader(), XliffReader(),
                   SrtReader(), VttReader())
}
_BY_SUFFIX = {suffix: reader for reader in READERS.values() for suffix in reader.suffixes}
DOCUMENT_SUFFIXES = frozenset(_BY_SUFFIX)


def format_names() -> str:
    return ", ".join(READERS)


def reader_named(name: str) -> Reader:
    key = name.strip().lower().lstrip(".")
    reader = READERS.get(key) or _BY_SUFFIX.get(f".{key}")
    if reader is None:
        raise CorpusError(f"unknown input format {name!r} (one of: {format_names()})")
    return reader


def is_document_file(path: Path) -> bool:
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def _sniffed(data: bytes) -> Reader:
    """The reader for a file whose suffix says nothing: by what its first bytes are."""
    head = data[:4096]
    if head.startswith(b"PK"):
        for marker, name in ((b"word/", "docx"), (b"opendocument.text", "odt"), (b"epub+zip", "epub")):
            if marker in data[:65536] and name in READERS:
                return READERS[name]
    if head.startswith(b"%PDF") and "pdf" in READERS:
        return READERS["pdf"]
    lowered = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if lowered.startswith(b"webvtt") and "vtt" in READERS:
        return READERS["vtt"]
    if b"<xliff" in lowered and "xliff" in READERS:
        return READERS["xliff"]
    if re.match(rb"(<!doctype html|<html|<\?xml[^>]*>\s*(<!doctype html|<html))", lowered) and "html" in READERS:
        return READERS["html"]
    if re.match(rb"\d+\s*\r?\n\d\d:\d\d:\d\d[,.]\d{3}\s*-->", lowered) and "srt" in READERS:
        return READERS["srt"]
    return READERS["text"]


def reader_for(path: Path, data: bytes, name: str | None = None) -> Reader:
    """The reader `name` when given, else the one of the file's suffix, else the one its bytes call for."""
    if name:
        return reader_named(name)
    return _BY_SUFFIX.get(path.suffix.lower()) or _sniffed(data)


def read_documents(path: str | os.PathLike, fmt: str | None = None, options: ReadOptions | None = None,
                   ) -> list[Document]:
    """The documents in one file of any format: one per language found, in order of first appearance."""
    p = Path(path)
    data = read_bytes(p)
    reader = reader_for(p, data, fmt)
    extraction = reader.extract(data, p, options or ReadOptions())
    return build_documents(p, extraction)
