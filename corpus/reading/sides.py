"""The two sides of a pairwise command (`corpus align`, `corpus score`): a document segmented in the given
language, or a presegmented file whose sentence numbers are its line numbers. One reader, so that links
written by one command mean the same sentences to the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from corpus.reading.presegmented import read_sentence_lines
from corpus.reading.reader import read_documents
from corpus.reading.registry import ReadOptions, reader_for
from corpus.text.langid import rank


@dataclass
class Side:
    path: Path
    lang: str
    lines: list[str]  # sentence text by sentence number; a presegmented file's blank lines are ""
    numbers: list[int]  # the numbers that hold sentences (all of them for a segmented document)
    places: list[str] = field(default_factory=list)  # where each sentence number stands in the file ("line 3")

    @property
    def sentences(self) -> list[str]:
        return [self.lines[k] for k in self.numbers]


def read_side(path: Path, lang: str, presegmented: bool, fmt: str | None = None) -> Side:
    if presegmented and not _is_text(path, fmt):  # a format with its own segments (XLIFF): those, as given
        sentences = _sentences(path, lang, fmt, ReadOptions(keep_segments=True))
        return Side(path, lang, [x.text for x in sentences], list(range(len(sentences))), [x.where for x in sentences])
    if presegmented:
        lines, numbers = read_sentence_lines(path)
        check_language(lines, numbers, lang, path)
        return Side(path, lang, lines, numbers, [f"line {k + 1}" for k in range(len(lines))])
    sentences = _sentences(path, lang, fmt)
    return Side(path, lang, [x.text for x in sentences], list(range(len(sentences))), [x.where for x in sentences])


def _is_text(path: Path, fmt: str | None) -> bool:
    """Whether the file is read as text (one sentence a line when presegmented), by name or suffix only."""
    name = fmt or ""
    if not name:
        try:
            head = path.read_bytes()[:65536] if path.is_file() else b""
        except OSError:
            head = b""
        name = reader_for(path, head).name
    return name.lower() in ("text", "markdown", "txt", "md")


def document_sentences(path: Path, lang: str, fmt: str | None = None, options: ReadOptions | None = None
                       ) -> list[str]:
    """The sentences of the LANG part of a document file (all parts in that language, in file order)."""
    return [s.text for s in _sentences(path, lang, fmt, options)]


def _sentences(path: Path, lang: str, fmt: str | None = None, options: ReadOptions | None = None) -> list:
    """`document_sentences` as corpus.reading.document.Sentence objects, each with its `where`."""
    documents = read_documents(path, fmt=fmt, options=options)
    chosen = [d for d in documents if d.lang == lang]
    if not chosen:
        found = ", ".join(sorted({d.lang for d in documents})) or "none"
        raise CorpusError(f"no {lang} text in this file (languages found: {found})", path)
    return [s for d in chosen for s in d.sentences]


def check_language(lines: list[str], numbers: list[int], lang: str, path: Path) -> None:
    """A presegmented file whose text is plainly in another language than the one given is a user error."""
    sample = " ".join(lines[k] for k in numbers[:200])
    if len(sample) < 200:
        return  # too little text to contradict the user
    ranked = dict(rank(sample))
    best = max(ranked, key=ranked.get, default=None)
    # only a language the identifier knows can be contradicted (it may not know the user's)
    if best and best != lang and ranked[best] > 0.99 and ranked.get(lang, 0.0) < 0.01 and (
        lang in ranked or len(ranked) == 1
    ):
        raise CorpusError(f"the text is in {best}, not {lang} as the language option says", path)
