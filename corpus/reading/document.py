"""Documents, paragraphs and sentences, each pointing back into the original file.

Offsets (`start`, `end`) are character offsets into `Document.text`, the decoded file text: the whole file
after BOM removal, line-break normalisation (CRLF and CR become LF) and Unicode NFC, so
`doc.text[s.start:s.end]` is the sentence as it stands in the file, markup included, while `s.text` is the
clean form (markup stripped, whitespace runs folded to one space). A file holding several languages
yields one Document per language; they share the same `text` and each owns only its paragraphs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from corpus.text.segment import segment_spans


@dataclass
class Paragraph:
    index: int  # position among the document's paragraphs, 0-based
    text: str  # clean text (markup stripped, whitespace folded)
    start: int  # offset of its first character in Document.text
    end: int  # offset just past its last character
    section: int  # section number in the file (horizontal rules start new sections)
    lang: str
    # Offset in Document.text of each character of `text`; None means `text` is the verbatim slice
    # Document.text[start:end].
    offsets: np.ndarray | None = field(default=None, repr=False, compare=False)
    kind: str = field(default="paragraph", compare=False)  # "heading", "item", "quote", "paragraph"

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in Document.text of the clean-text span text[start:end] (end exclusive, start < end)."""
        if self.offsets is None:
            return self.start + start, self.start + end
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


@dataclass
class Sentence:
    doc_id: str
    index: int  # position among the document's sentences, 0-based
    text: str  # clean text as in the original (markup stripped)
    paragraph: int  # index of its paragraph in the document
    start: int  # offset in Document.text
    end: int


@dataclass
class Document:
    id: str  # file stem; f"{stem}.{lang}" when the file holds several languages
    path: str
    lang: str  # ISO 639-1
    script: str  # "Hans"/"Hant" for Chinese, "" otherwise
    text: str  # the decoded file text (see the module docstring)
    paragraphs: list[Paragraph]
    metadata: dict = field(default_factory=dict)  # front matter (title, source...), encoding, format

    @functools.cached_property
    def sentences(self) -> list[Sentence]:
        """The document's sentences, segmented paragraph by paragraph for its language."""
        out: list[Sentence] = []
        for p in self.paragraphs:
            for a, b in segment_spans(p.text, self.lang):
                start, end = p.source_span(a, b)
                out.append(Sentence(self.id, len(out), p.text[a:b], p.index, start, end))
        return out

    @property
    def sentence_texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    @property
    def title(self) -> str:
        return str(self.metadata.get("title") or "")

    def __repr__(self) -> str:
        return (f"Document(id={self.id!r}, lang={self.lang!r}, script={self.script!r}, "
                f"paragraphs={len(self.paragraphs)}, path={self.path!r})")
