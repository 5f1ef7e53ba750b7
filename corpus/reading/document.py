"""Documents, paragraphs and sentences, each pointing back into the original file.

Offsets (`start`, `end`) are character offsets into `Document.text`, the decoded file text: the whole file
after BOM removal, line-break normalisation (CRLF and CR become LF) and Unicode NFC, so
`doc.text[s.start:s.end]` is the sentence as it stands in the file, markup included, while `s.text` is the
clean form (markup stripped, whitespace runs folded to one space). A file holding several languages
yields one Document per language; they share the same `text` and each owns only its paragraphs.

For formats that are not plain text (DOCX, HTML, PDF, subtitles...; corpus.reading.registry) `Document.text`
is the text the reader extracted, its parts separated by blank lines, and offsets refer to it. Provenance:
each paragraph says where it stands in the file (`where`: "line 12", "heading 2", "table 1 row 2 cell 3",
"footnote 4", "page 3", "cue 17 00:01:02.500 --> 00:01:04.000"); a paragraph that runs over several such
places (a PDF paragraph across a page break, a sentence across subtitle cues) lists where each begins in
`places`, and each sentence gets the places it covers as its own `where`.
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
    # "heading", "item", "quote", "paragraph"; from structured formats also "cell", "footnote", "cue" and
    # "segment" (a sentence its file's own segmentation made, as XLIFF's: never cut again)
    kind: str = field(default="paragraph", compare=False)
    where: str = field(default="", compare=False)  # where the paragraph begins in the file (module docstring)
    # (offset in `text`, place) where each further place begins, for paragraphs over several places
    places: tuple[tuple[int, str], ...] = field(default=(), compare=False)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in Document.text of the clean-text span text[start:end] (end exclusive, start < end)."""
        if self.offsets is None:
            return self.start + start, self.start + end
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1

    def where_of(self, start: int, end: int) -> str:
        """The places that the clean-text span text[start:end] covers: one, or the first and the last."""
        first = last = self.where
        for offset, place in self.places:
            if offset <= start:
                first = place
            if offset < end:
                last = place
        return first if first == last else f"{first} to {last}"


@dataclass
class Sentence:
    doc_id: str
    index: int  # position among the document's sentences, 0-based
    text: str  # clean text as in the original (markup stripped)
    paragraph: int  # index of its paragraph in the document
    start: int  # offset in Document.text
    end: int
    where: str = ""  # where it stands in the file (Paragraph.where_of)


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
            spans = [(0, len(p.text))] if p.kind == "segment" else segment_spans(p.text, self.lang)
            for a, b in spans:
                start, end = p.source_span(a, b)
                out.append(Sentence(self.id, len(out), p.text[a:b], p.index, start, end, p.where_of(a, b)))
        return out

    @property
    def sentence_texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    @property
    def sentence_places(self) -> list[str]:
        """Where each sentence stands in the file (`Sentence.where`), by sentence number."""
        return [s.where for s in self.sentences]

    @property
    def title(self) -> str:
        return str(self.metadata.get("title") or "")

    def __repr__(self) -> str:
        return (f"Document(id={self.id!r}, lang={self.lang!r}, script={self.script!r}, "
                f"paragraphs={len(self.paragraphs)}, path={self.path!r})")
