"""The folder convention `DIR/<lang>/<name>`: files of the same name in two or more language folders are one
document group, taken as parallel without document alignment.

A language folder is a folder directly under DIR named by an ISO 639-1 code (`en`, `zh`, `de`; a tag such as
`zh-Hant` counts as its language). `<name>` is the file's path inside its language folder without the suffix,
so `en/news/a.txt` and `zh/news/a.md` form the group `news/a`. Every other file of DIR (files outside language
folders, names found in one language only) goes through document alignment (aligner.align.docalign) as usual.

A group travels as `NamedGroup`: the files' bytes, not their paths, so the machine that aligns it needs no
access to DIR (a Dask worker on another host). It is read there (`read_named_group`) with the same readers
as a serial build, so both give the same documents.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from aligner.align.docalign import PairDecision
from corpus.errors import CorpusError
from corpus.reading.presegmented import read_presegmented_folder
from corpus.reading.reader import DOCUMENT_SUFFIXES, read_documents
from corpus.text.langid import ISO_639_1
from corpus.text.normalize import is_traditional



@dataclass(frozen=True)
class SourceFile:
    """One file of a named group: its id (`<lang folder>/<file>`), language, original path and bytes."""

    doc_id: str
    lang: str
    path: str
    data: bytes | None  # None: the file could not be read on the client (`error` says why)
    error: str = ""


@dataclass(frozen=True)
class NamedGroup:
    corpus: str  # the shared name, e.g. `gen01` or `news/a`
    files: tuple[SourceFile, ...]

    def fingerprint(self) -> str:
        """Identifies the group's input: names, languages and bytes of its files."""
        digest = hashlib.sha1(self.corpus.encode())
        for f in self.files:
            digest.update(f"\0{f.doc_id}\0{f.lang}\0".encode())
            digest.update(f.data or f.error.encode())
        return digest.hexdigest()


def _language(folder_name: str) -> str | None:
    primary = folder_name.replace("_", "-").split("-")[0]
    return primary if len(primary) == 2 and primary in ISO_639_1 and primary == primary.lower() else None


def _visible_files(root: Path) -> list[Path]:
    return sorted(f for f in root.rglob("*") if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES
                  and not any(p.startswith(".") for p in f.relative_to(root).parts))


def split_layout(folder: str | Path) -> tuple[list[tuple[str, list[tuple[str, Path]]]], list[Path]]:
    """(named groups as (name, [(lang, path), ...]) sorted by name, the other document files of the folder).

    Only the listing: no file is opened."""
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError("no such folder" if not root.exists() else "not a folder", root)
    files = _visible_files(root)
    by_name: dict[str, list[tuple[str, Path]]] = {}
    for f in files:
        parts = f.relative_to(root).parts
        lang = _language(parts[0]) if len(parts) > 1 else None
        if lang:
            name = Path(*parts[1:]).with_suffix("").as_posix()
            by_name.setdefault(name, []).append((lang, f))
    named = sorted((n, members) for n, members in by_name.items() if len({lang for lang, _ in members}) > 1)
    in_groups = {f for _, members in named for _, f in members}
    return named, [f for f in files if f not in in_groups]


def named_groups(folder: str | Path) -> tuple[list[NamedGroup], list[Path]]:
    """The named groups of `folder` with their files' bytes (read here, on the client), and the other files.
    A file that cannot be read makes its group fail later, not the listing."""
    root = Path(folder)
    named, rest = split_layout(root)
    groups = []
    for name, members in named:
        sources = []
        for lang, path in members:
            doc_id = path.relative_to(root).as_posix()
            try:
                sources.append(SourceFile(doc_id, lang, str(path), path.read_bytes()))
            except OSError as exc:
                sources.append(SourceFile(doc_id, lang, str(path), None, f"{path}: cannot read ({exc.strerror})"))
        groups.append(NamedGroup(name, tuple(sources)))
    return groups, rest


# ---- on the worker: bytes -> documents -> one group ------------------------------------------------------


def read_source(source: SourceFile, presegmented: bool):
    """The document of `source` in its folder's language, read by the serial build's readers from a private
    copy of the bytes (so nothing depends on the worker seeing the client's files)."""
    if source.data is None:
        raise CorpusError(source.error)
    with tempfile.TemporaryDirectory(prefix="corpus-group-") as tmp:
        copy = Path(tmp) / Path(source.path).name
        copy.write_bytes(source.data)
        try:
            docs = read_presegmented_folder(Path(tmp)) if presegmented else read_documents(copy)
        except CorpusError as exc:
            raise CorpusError(str(exc).replace(str(copy), source.path)) from None
    if not docs:
        raise CorpusError("no text in the file", source.path)
    mine = [d for d in docs if d.lang == source.lang] if len(docs) > 1 else docs
    if not mine:
        raise CorpusError(f"no {source.lang} text in this file (found: {', '.join(d.lang for d in docs)})",
                          source.path)
    doc = mine[0]
    script = doc.script if doc.lang == source.lang else ""
    if source.lang == "zh" and not script:
        script = "Hant" if is_traditional("".join(doc.sentence_texts)) else "Hans"
    # The folder names the language: a short text langid misreads still gets its folder's segmentation.
    return dataclasses.replace(doc, id=source.doc_id, lang=source.lang, script=script, path=source.path)


def named_decisions(group: NamedGroup, docs: list) -> list:
    """Every pair of the group's documents declared parallel over their whole length (no discovery)."""
    out = []
    for a, b in itertools.combinations(docs, 2):
        n, m = len(a.sentence_texts), len(b.sentence_texts)
        both = n > 0 and m > 0
        out.append(PairDecision(
            doc_a=a.id, lang_a=a.lang, doc_b=b.id, lang_b=b.lang, sentences_a=n, sentences_b=m,
            doc_similarity=float("nan"), score=float("nan"), matched=0, anchors=0,
            span_a=(0, n - 1) if both else None, span_b=(0, m - 1) if both else None, parallel=both,
            reason=f"same name {group.corpus!r} in the {a.lang} and {b.lang} folders (no document alignment)"
            if both else "a document has no sentences"))
    return out
