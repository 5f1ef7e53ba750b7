"""PDF files with a text layer, read with pdfminer.six (its layout analysis gives the lines, their
positions and their fonts; the text boxes come in reading order, columns included).

From the lines to paragraphs:
- running headers and footers are removed: a line in the top or bottom sixth of the page whose text (digits
  masked, so "3/12" matches "4/12") stands at the same height on at least half the pages, two at least
  (dates, titles, file names, page numbers as browsers and word processors print them); a line there that
  is only a page number ("7", "3/12", "- 7 -", "Page 7 of 12") goes on any page;
- lines join into paragraphs: a paragraph ends at a larger vertical gap (a new text box), at a change of
  font size (a heading), or where a line stops short of its column's right edge by more than the next
  line's first word would have needed, so the writer broke the line; a paragraph runs on over a page or
  column break when its last line is full;
- a word hyphenated at a line end is joined: a soft or typographic hyphen (U+00AD, U+2010: what renderers
  draw where they break a word) is dropped; a hyphen-minus is dropped between two lower-case parts (unless the
  document writes the word with its hyphen elsewhere), kept before a capital ("KI-Unternehmen"), kept with
  its space before a conjunction ("Forschungs- und"), and a dash after a space joins without one;
- lines of Chinese and Japanese join without a space.

Refused: encrypted files that need a password ("encrypted: decrypt it first"), files whose pages have no
text at all ("no text layer: run OCR first"), and anything pdfminer cannot parse.
Provenance: the page a paragraph begins on, and each page it runs onto.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException

from corpus.errors import CorpusError
from corpus.reading.parts import Extraction, Part, extraction_from_parts, separator

MAX_PAGES = 5000
MARGIN_SHARE = 1 / 6  # top and bottom sixth of a page: where running headers and footers stand
_PAGE_NUMBER = re.compile(r"[-–—\s]*(?:(?:page|seite|p\.|s\.|页|第)\s*)?\d{1,4}(?:\s*(?:/|of|von|sur|de|页)\s*\d{1,4})?"
                          r"\s*页?[-–—\s]*", re.I)
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})  # glyphs fonts draw for letter pairs
_BREAK_HYPHENS = ("\u00ad", "\u2010")  # soft hyphen, and the hyphen Chromium draws at a soft hyphen
# Words after which a line-end hyphen is a suspended compound ("Forschungs- und Entwicklungskosten").
_CONJUNCTIONS = {"und", "oder", "bis", "sowie", "bzw", "and", "or", "nor", "to", "et", "ou", "y", "e", "o"}


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float  # median font size of its characters
    page: int  # 1-based
    box: int  # text box number over the whole document
    first_word: float  # width of its first word
    space: float  # width of a space in its font


def _lines_of(data: bytes, path) -> tuple[list[_Line], list[float]]:
    """Every text line of the document in reading order, and each page's height."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings about odd fonts are not the user's
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise CorpusError("not a PDF file (no %PDF header)", path)
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams(line_margin=0.5, char_margin=2.0, boxes_flow=0.5))
    interpreter = PDFPageInterpreter(resources, device)
    lines: list[_Line] = []
    heights: list[float] = []
    box = 0
    try:
        for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data), password="", check_extractable=False), 1):
            if number > MAX_PAGES:
                raise CorpusError(f"more than {MAX_PAGES} pages: split the file", path)
            interpreter.process_page(page)
            layout = device.get_result()
            heights.append(float(layout.height))
            for element in layout:
                if not isinstance(element, LTTextBox):
                    continue
                box += 1
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = _line_text(list(line), LTChar).rstrip("\n")
                    if not text.strip():
                        continue
                    chars = [c for c in line if isinstance(c, LTChar)]
                    sizes = [c.size for c in chars] or [line.height]
                    first_end = next((c.x1 for c, nxt in zip(chars, chars[1:] + [None])
                                      if nxt is None or nxt.get_text().isspace() or nxt.x0 - c.x1 > 0.2 * c.size),
                                     line.x1)
                    size = statistics.median(sizes)
                    lines.append(_Line(text.strip(), line.x0, line.x1, line.y0, line.y1, size, number, box,
                                       first_end - line.x0, 0.25 * size))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise CorpusError("encrypted: decrypt it first", path) from None
    except CorpusError:
        raise
    except (PDFSyntaxError, PSException) as exc:
        raise CorpusError(f"not a readable PDF file ({type(exc).__name__}: {str(exc)[:150]})", path) from None
    except Exception as exc:  # pdfminer raises plain errors (KeyError, TypeError, ...) on damaged files
        if type(exc).__name__ in ("PDFEncryptionError", "PDFEncryptionWarning", "PDFNotImplementedError"):
            raise CorpusError("encrypted: decrypt it first", path) from None
        raise CorpusError(f"not a readable PDF file ({type(exc).__name__}: {str(exc)[:150]})", path) from None
    if not heights:
        raise CorpusError("not a readable PDF file (no pages)", path)
    if not lines:
        raise CorpusError("no text layer: run OCR first", path)
    return lines, heights


def _line_text(items: list, char_type) -> str:
    """A line's text, less the zero-width "spaces" some PDF makers (Chromium) put where a soft hyphen is
    (a space glyph the next character starts on)."""
    out = []
    for item, following in zip(items, items[1:] + [None]):
        text = item.get_text()
        if (text.isspace() and isinstance(item, char_type) and isinstance(following, char_type)
                and following.x0 - item.x0 < 0.3):
            continue
        out.append(text)
    return "".join(out).translate(_LIGATURES)


def _running_lines(lines: list[_Line], heights: list[float]) -> set[int]:
    """Indices of the running headers, footers and page numbers."""
    def in_margin(line: _Line) -> bool:
        height = heights[line.page - 1]
        return line.y0 >= height * (1 - MARGIN_SHARE) or line.y1 <= height * MARGIN_SHARE

    def key(line: _Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.y0 / 4)

    pages = len(heights)
    seen = Counter()
    for k in {(key(line), line.page) for line in lines if in_margin(line)}:
        seen[k[0]] += 1
    out = set()
    for i, line in enumerate(lines):
        if not in_margin(line):
            continue
        if _PAGE_NUMBER.fullmatch(line.text) or (pages >= 2 and seen[key(line)] >= max(2, pages / 2)):
            out.add(i)
    return out


def _joined(previous: str, line: str, vocabulary: set[str]) -> str:
    """`previous` and the next line of its paragraph as one text: hyphenation and spaces as the module says."""
    if previous.endswith(_BREAK_HYPHENS):  # a hyphen the renderer added where it broke a word
        return previous[:-1].rstrip() + line
    if previous.endswith("-") and len(previous) >= 2:
        before = previous[-2]
        head = re.match(r"\w+", line)
        next_word = head.group() if head else ""
        if before.isspace():
            return previous[:-1].rstrip() + " -" + line if previous[-1] != "-" else previous + line
        if next_word.lower() in _CONJUNCTIONS:
            return previous[:-1] + "- " + line
        if before.isalpha() and before.islower() and next_word[:1].islower():
            stem = re.search(r"\w+$", previous[:-1])
            hyphenated = f"{stem.group() if stem else ''}-{next_word}".lower()
            if hyphenated not in vocabulary:
                return previous[:-1] + line
        return previous[:-1] + "-" + line
    return previous + separator(previous, line) + line


def _column_rights(lines: list[_Line]) -> list[float]:
    """The right edge of each line's column: the furthest any line starting where it starts reaches."""
    right_of: dict[int, float] = {}
    for line in lines:
        column = round(line.x0 / 20)
        right_of[column] = max(right_of.get(column, 0.0), line.x1)
    return [right_of[round(line.x0 / 20)] for line in lines]


def _stacked(upper: _Line, lower: _Line) -> bool:
    """Whether `lower` is the line under `upper` in one column of one page."""
    return (upper.page == lower.page and lower.x0 < upper.x1 and upper.x0 < lower.x1
            and upper.y0 - lower.y1 > -0.5 * lower.size)


def _paragraphs(lines: list[_Line], skip: set[int]) -> list[Part]:
    body = [line for i, line in enumerate(lines) if i not in skip]
    if not body:
        return []
    body_size = statistics.median(line.size for line in body)
    rights = _column_rights(body)
    gaps = [a.y0 - b.y1 for a, b in zip(body, body[1:]) if _stacked(a, b)]
    line_gap = statistics.median(gaps) if gaps else 0.3 * body_size  # the usual space between two lines
    vocabulary = {w.lower() for line in body for w in re.findall(r"\w+(?:-\w+)+", line.text)}

    parts: list[Part] = []
    text = ""
    places: list[tuple[int, str]] = []
    first = None

    def flush() -> None:
        if first is not None and text.strip():
            kind = "heading" if first.size > 1.15 * body_size else "paragraph"
            parts.append(Part(text, kind, f"page {first.page}", 0, tuple(places)))

    for k, line in enumerate(body):
        if k == 0:
            first, text = line, line.text
            continue
        previous = body[k - 1]
        full = rights[k - 1] - previous.x1 <= line.first_word + line.space + 2.0
        heading_change = (line.size > 1.15 * body_size) != (previous.size > 1.15 * body_size)
        if _stacked(previous, line):
            gap = previous.y0 - line.y1
            breaks = not full or heading_change or gap > line_gap + 0.6 * line.size
        else:  # a page or column break: the paragraph runs on from a full line into a new page or column
            breaks = not full or heading_change or not (line.page != previous.page or line.y1 > previous.y1)
        if breaks:
            flush()
            first, text, places = line, line.text, []
        else:
            joined = _joined(text, line.text, vocabulary)
            if line.page != previous.page:
                places.append((len(joined) - len(line.text), f"page {line.page}"))
            text = joined
    flush()
    return parts


class PdfReader:
    name = "pdf"
    description = "PDF with a text layer"
    suffixes = (".pdf",)

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        lines, heights = _lines_of(data, path)
        skip = _running_lines(lines, heights)
        parts = _paragraphs(lines, skip)
        if not parts:
            raise CorpusError("no text layer: run OCR first (only running headers and page numbers)", path)
        return extraction_from_parts(parts, {"format": self.name, "pages": len(heights)})
