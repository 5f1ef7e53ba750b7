"""Reading files and folders into Documents, whatever their format.

Decoding text (encoding detection, line breaks, NFC) is corpus.reading.decoding; the formats and their
readers are corpus.reading.registry; this module reads one file (`read_documents`) or a whole folder
(`read_folder`) and keeps document ids unique.
"""

from __future__ import annotations

import os
from pathlib import Path

from corpus.errors import CorpusError
from corpus.reading.decoding import decode_bytes, normalise_text, read_bytes, read_text  # noqa: F401 (their home)
from corpus.reading.document import Document
from corpus.reading.plaintext import TEXT_SUFFIXES  # noqa: F401 (re-exported)
from corpus.reading.registry import DOCUMENT_SUFFIXES, ReadOptions, format_names, is_document_file  # noqa: F401
from corpus.reading.registry import read_documents as read_file


def read_documents(path: str | os.PathLike, markdown: bool | None = None, fmt: str | None = None,
                   options: ReadOptions | None = None) -> list[Document]:
    """The documents in one file: one per language found, in order of first appearance.

    The format comes from `fmt` (a reader name: docx, pdf...), else the suffix, else the bytes. For text
    files `markdown=None` decides by suffix (.md...) or by sniffing the syntax."""
    if markdown is not None:
        options = ReadOptions(markdown=markdown, keep_segments=options.keep_segments if options else False)
    return read_file(path, fmt, options)


def read_folder(folder: str | os.PathLike, fmt: str | None = None,
                options: ReadOptions | None = None) -> list[Document]:
    """All documents of the files of every known format under `folder` (recursively, sorted by path,
    hidden files and folders skipped); formats may be mixed. `fmt` reads every file with that reader."""
    root = Path(folder)
    if not root.exists():
        raise CorpusError("no such folder", root)
    if not root.is_dir():
        raise CorpusError("not a folder", root)
    files = sorted(
        f for f in root.rglob("*")
        if f.is_file() and is_document_file(f)
        and not any(part.startswith(".") for part in f.relative_to(root).parts)
    )
    if not files:
        raise CorpusError(f"no text or other document files in this folder (formats: {format_names()})", root)
    documents: list[Document] = []
    for f in files:
        documents.extend(read_documents(f, fmt=fmt, options=options))
    return unique_ids(documents, root)


def unique_ids(documents: list, root: str | os.PathLike) -> list:
    """Ids come from file stems; where documents of two files share one (a/intro.txt and b/intro.txt, or
    intro.txt and intro.md), those are named by their file's path under `root` instead (`a/intro.txt`, plus
    the `.lang` of a split file), so that no document hides another. Works on anything with `id` and `path`."""
    from collections import Counter

    counts = Counter(d.id for d in documents)
    for d in documents:
        if counts[d.id] > 1:
            path = Path(d.path)
            d.id = path.relative_to(root).as_posix() + d.id[len(path.stem):]
    return documents
