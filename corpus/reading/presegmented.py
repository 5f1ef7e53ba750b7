"""Presegmented text: files of one sentence per line, taken as given (no segmentation).

A single file (`corpus align --presegmented`) keeps the file's line numbers as sentence numbers; a folder
(`corpus build --presegmented`) becomes one document per file, its language identified from the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from corpus.reading.reader import read_documents, read_folder, read_text, unique_ids
from corpus.text.langid import identify
from corpus.text.normalize import is_traditional

# Longer "sentences" in a presegmented file mean the file is not one sentence per line (embedding a 1 MB
# line takes minutes): refused with the line number.
MAX_SENTENCE_CHARS = 20_000


def read_sentence_lines(path) -> tuple[list[str], list[int]]:
    """One sentence per line, as given (any encoding `corpus.reading.reader` detects). Blank lines are not sentences:
    they are left out of the alignment, but sentence numbers stay the file's 0-based line numbers, so links
    read like the gold files of Vecalign/Bertalign (which number lines), whatever blank lines there are."""
    text, _ = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.rstrip("\r") for line in lines]
    longest = max(range(len(lines)), key=lambda k: len(lines[k]), default=None)
    if longest is not None and len(lines[longest]) > MAX_SENTENCE_CHARS:  # a wrong file, not a sentence
        raise CorpusError(f"line {longest + 1} has {len(lines[longest]):,} characters: not one sentence per line "
                          f"(at most {MAX_SENTENCE_CHARS:,})", path)
    numbers = [k for k, line in enumerate(lines) if line.strip()]
    return lines, numbers


@dataclass
class PresegmentedDocument:
    """A document given one sentence per line: no segmentation, language identified from its text."""

    id: str
    path: str
    lang: str
    script: str
    sentence_texts: list[str]
    metadata: dict = field(default_factory=dict)
    sentence_places: list[str] = field(default_factory=list)  # "line 12" (1-based) by sentence number


def read_presegmented_folder(folder: Path, files: list[Path] | None = None) -> list[PresegmentedDocument]:
    """One document per text file of `folder` (or per file of `files`), its lines the sentences."""
    files = files if files is not None else sorted(
        f for f in folder.rglob("*") if f.is_file() and f.suffix.lower() in (".txt", ".md")
        and not any(p.startswith(".") for p in f.relative_to(folder).parts))
    if not files:
        raise CorpusError("no text files (.txt, .md) in this folder", folder)
    docs = []
    for f in files:
        text, _ = read_text(f)
        numbered = [(k, line.strip()) for k, line in enumerate(text.splitlines(), 1) if line.strip()]
        lines = [line for _, line in numbered]
        if not lines:
            continue
        longest = max(lines, key=len)
        if len(longest) > MAX_SENTENCE_CHARS:  # a wrong file, not one sentence per line (as in corpus align)
            raise CorpusError(f"a line has {len(longest):,} characters: not one sentence per line "
                              f"(at most {MAX_SENTENCE_CHARS:,})", f)
        lang = identify(" ".join(lines[:200]))
        script = ("Hant" if is_traditional(text) else "Hans") if lang == "zh" else ""
        docs.append(PresegmentedDocument(f.stem, str(f), lang, script, lines,
                                         sentence_places=[f"line {k}" for k, _ in numbered]))
    return unique_ids(docs, folder)


def read_corpus_folder(folder: str | Path, presegmented: bool = False, files: list[Path] | None = None,
                       fmt: str | None = None) -> list:
    """The documents of `folder` (of its `files` only, when given); `fmt` names the reader of every file."""
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError("no such folder" if not root.exists() else "not a folder", root)
    if presegmented:
        return read_presegmented_folder(root, files)
    if files is None:
        return read_folder(root, fmt)
    return unique_ids([d for f in files for d in read_documents(f, fmt=fmt)], root)
