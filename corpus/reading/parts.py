"""From what a format reader extracted to Documents: one builder for every format.

A reader (corpus.reading.registry) returns an `Extraction`: the document text and its blocks (clean text with
offsets into that text, corpus.reading.markdown.Block), each block with its provenance and, where the file
declares it (XLIFF), its language. Readers of structured formats hand over `Part`s instead, the text of each
unit of the document as they found it (a paragraph, a heading, a table cell, a footnote, a cue);
`extraction_from_parts` joins them into one text, separated by blank lines, and folds each into a block.
`build_documents` then identifies the language of the blocks that do not declare one and makes one Document
per language, as for text files.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.errors import CorpusError
from corpus.reading.document import Document, Paragraph
from corpus.reading.markdown import URL, Block, fold_blocks
from corpus.text.langid import assign_languages, identify
from corpus.text.normalize import is_traditional

PART_SEPARATOR = "\n\n"
# Shown URLs are no text to align: left out, as the Markdown reader leaves them out.
# Readers put CITATION where a link shows only a reference number ("camera.[1], [2]" as links to sources):
# such runs are dropped with the commas between them, as the Markdown reader drops `[1](url)` references.
CITATION = "\ue000"
_CITATION_RUN = re.compile(r"([ \t]*)\ue000(?:[\s,;]*\ue000)*(?=(\w?))")
_CITATION_TEXT = re.compile(r"\s*\[?\^?\d{1,3}\]?\s*")


_CJK_CHAR = re.compile(r"[\u2e80-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def separator(before: str, after: str) -> str:
    """What joins two pieces of one paragraph (lines, cues, segments): a space, none between two Chinese or
    Japanese characters (the language is not known yet when readers join them)."""
    return "" if _CJK_CHAR.match(before[-1:]) and _CJK_CHAR.match(after[:1]) else " "


def join_pieces(texts) -> str:
    """Pieces of one paragraph joined by `separator`, each stripped, empty ones left out."""
    out = ""
    for text in (t.strip() for t in texts):
        if text:
            out = out + separator(out, text) + text if out else text
    return out


def is_citation(link_text: str) -> bool:
    """Whether a link's visible text is only a reference number: 1, [2], ^3."""
    return _CITATION_TEXT.fullmatch(link_text) is not None


@dataclass
class Part:
    """One unit of a structured document as its reader found it."""

    text: str
    kind: str = "paragraph"  # see corpus.reading.document.Paragraph.kind
    where: str = ""  # where it begins in the file
    section: int = 0  # a rule, a new chapter or a new file part starts a new section (language split)
    places: tuple[tuple[int, str], ...] = ()  # (offset in `text`, place) where each further place begins
    lang: str = ""  # the language the file declares for it; "" = identify it from the text


@dataclass
class Located:
    """A clean block with where it comes from; `places` offsets are into the block's clean text."""

    block: Block
    where: str = ""
    places: tuple[tuple[int, str], ...] = ()
    lang: str = ""


@dataclass
class Extraction:
    text: str  # becomes Document.text: every block's offsets point into it
    blocks: list[Located]
    metadata: dict = field(default_factory=dict)  # format, title, encoding...


def _normalised(part: Part) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The part's text in NFC with its line breaks normalised, place offsets moved along (piece by piece,
    since NFC may change lengths)."""
    cuts = [0, *(offset for offset, _ in part.places), len(part.text)]
    pieces, places = [], []
    length = 0
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        if k:
            places.append((length, part.places[k - 1][1]))
        piece = part.text[a:b].replace("\r\n", "\n").replace("\r", "\n")
        if CITATION in piece:  # a space between two words stays ("sold [1]films" -> "sold films")
            piece = _CITATION_RUN.sub(lambda m: " " if m.group(1) and m.group(2) else "", piece)
        piece = unicodedata.normalize("NFC", URL.sub("", piece))
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces), tuple(places)


def extraction_from_parts(parts: list[Part], metadata: dict) -> Extraction:
    """Join the parts into one text (blank lines between them) and fold each into a clean block; parts with
    no letter or digit are left out."""
    texts, spans, part_places = [], [], []
    position = 0
    for part in parts:
        text, places = _normalised(part)
        texts.append(text)
        spans.append((position, position + len(text), part.section, part.kind))
        part_places.append(places)
        position += len(text) + len(PART_SEPARATOR)
    joined = PART_SEPARATOR.join(texts)
    blocks = []
    for part, (start, _, _, _), places, block in zip(parts, spans, part_places, fold_blocks(joined, spans)):
        if block is None:
            continue
        # a place begins at the first clean character at or after its offset in the part
        clean_places = tuple((int(np.searchsorted(block.offsets, start + offset)), place)
                             for offset, place in places)
        blocks.append(Located(block, part.where, clean_places, part.lang))
    return Extraction(joined, blocks, metadata)


def build_documents(path: str | os.PathLike, extraction: Extraction) -> list[Document]:
    """One Document per language of the extraction, in order of first appearance."""
    p = Path(path)
    located = extraction.blocks
    if not located:
        raise CorpusError("no text in the file (only markup or symbols)", p)
    undeclared = [k for k, item in enumerate(located) if not item.lang]
    langs = [item.lang for item in located]
    if undeclared:
        found = assign_languages([located[k].block.text for k in undeclared],
                                 [located[k].block.section for k in undeclared])
        for k, lang in zip(undeclared, found):
            langs[k] = lang
    order = list(dict.fromkeys(langs))
    documents = []
    for lang in order:
        own = [item for item, item_lang in zip(located, langs) if item_lang == lang]
        paragraphs = [
            Paragraph(i, item.block.text, item.block.start, item.block.end, item.block.section, lang,
                      item.block.offsets, item.block.kind, item.where, item.places)
            for i, item in enumerate(own)
        ]
        script = ""
        if lang == "zh":
            script = "Hant" if is_traditional("".join(x.text for x in paragraphs)) else "Hans"
        documents.append(
            Document(
                id=p.stem if len(order) == 1 else f"{p.stem}.{lang}",
                path=str(p),
                lang=lang,
                script=script,
                text=extraction.text,
                paragraphs=paragraphs,
                metadata=_metadata_for(extraction.metadata, lang, paragraphs, len(order) > 1),
            )
        )
    return documents


def _metadata_for(meta: dict, lang: str, paragraphs: list[Paragraph], split: bool) -> dict:
    """A document's metadata: the file's, with a title only where it is in the document's language.

    In a file split by language the front-matter title belongs to the document in its language; the
    others take their own leading heading as title. A file without a title takes its first heading."""
    out = dict(meta)
    title = out.get("title")
    if title and split and identify(str(title)) != lang:
        out.pop("title")
        title = None
    if not title and paragraphs and paragraphs[0].kind == "heading":
        out["title"] = paragraphs[0].text
    return out
