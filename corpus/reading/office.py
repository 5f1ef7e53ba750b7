"""Word processor files: DOCX (Office Open XML) and ODT (OpenDocument text), read with lxml from their ZIP
containers (corpus.reading.containers).

Hand-written over the XML rather than through python-docx or odfpy: what a reviewer needs (tracked changes as
the accepted text, fields as their shown result, hidden text and comments out, footnotes beside the paragraph
that cites them) is a walk over a few elements, which those libraries either do not expose (python-docx drops
or mixes insertions and deletions, fields and footnotes) or do not add to lxml.

DOCX, from word/document.xml (plus word/footnotes.xml and word/endnotes.xml):
- kept: paragraphs, headings (Heading n styles, outline levels), list items (numbered paragraphs), table cells,
  text boxes, footnotes and endnotes (each after the paragraph citing it), tracked insertions and moves-to,
  the shown result of fields (date, page, cross-reference...), symbols, tabs and line breaks;
- dropped: tracked deletions and moves-from, comments, hidden text (w:vanish), field codes, page headers and
  footers, the alternative renderings of drawings (mc:Fallback); a paragraph in the Title style is the
  document's title (metadata, as a Markdown file's front matter), not body text;
- a horizontal rule (pandoc's `---`) or a section break starts a new section, for the language split.

ODT, from content.xml (title from meta.xml):
- kept: text:p, text:h (headings), list items, table cells, text boxes, notes (footnotes, endnotes), fields
  (their shown text), spaces (text:s), tabs and line breaks;
- dropped: tracked deletions (text:tracked-changes holds them), annotations (comments), hidden text and
  hidden paragraphs, note citations; the Title style as for DOCX; a "Horizontal Line" paragraph is a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from corpus.errors import CorpusError
from corpus.reading.containers import Container, local
from corpus.reading.parts import CITATION, Extraction, Part, extraction_from_parts, is_citation

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TITLE_STYLES = {"title"}


# ---- DOCX ---------------------------------------------------------------------------------------------------


@dataclass
class _Collected:
    """What a walk over a word processor's body has collected, with the counters provenance needs."""

    parts: list[Part] = field(default_factory=list)
    section: int = 0
    paragraphs: int = 0
    tables: int = 0
    title: str = ""


@dataclass
class _DocxState(_Collected):
    notes: dict = field(default_factory=dict)  # ("footnote" | "endnote", id) -> text
    heading_styles: set = field(default_factory=set)
    list_styles: set = field(default_factory=set)


def _wattr(el, name: str) -> str:
    return el.get(_W + name, "")


def _is_on(el) -> bool:
    """An on/off property (w:vanish, w:b...): present and not switched off with w:val."""
    return el is not None and _wattr(el, "val").lower() not in ("0", "false", "off")


class _Runs:
    """The shown text of a paragraph: runs, insertions, field results; deletions, field codes and hidden
    runs left out. Footnote references and text boxes found on the way are collected for after it."""

    def __init__(self):
        self.out: list[str] = []
        self.fields: list[str] = []  # stack of "code" / "result" for complex fields
        self.notes: list[tuple[str, str]] = []
        self.boxes: list[etree._Element] = []

    def walk(self, el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag == _MC_FALLBACK:
                continue
            name = local(tag)
            if tag.startswith(_W):
                if name in ("del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr",
                            "commentReference", "annotationRef", "footnoteRef", "endnoteRef", "proofErr"):
                    continue
                if name == "fldChar":
                    kind = _wattr(child, "fldCharType")
                    if kind == "begin":
                        self.fields.append("code")
                    elif kind == "separate" and self.fields:
                        self.fields[-1] = "result"
                    elif kind == "end" and self.fields:
                        self.fields.pop()
                    continue
                if name in ("footnoteReference", "endnoteReference"):
                    self.notes.append((name[:-len("Reference")], _wattr(child, "id")))
                    continue
                if name == "txbxContent":
                    self.boxes.append(child)
                    continue
                if "code" in self.fields and name in ("t", "tab", "br", "cr", "noBreakHyphen", "sym"):
                    continue  # a field's code ("PAGE", "HYPERLINK x"), not its shown result
                if name == "hyperlink":
                    inner = _Runs()
                    inner.fields = self.fields
                    inner.walk(child)
                    link = "".join(inner.out)
                    self.out.append(CITATION if is_citation(link) else link)
                    self.notes += inner.notes
                    self.boxes += inner.boxes
                    continue
                if name == "r":
                    props = child.find(_W + "rPr")
                    if props is not None and (_is_on(props.find(_W + "vanish")) or _is_on(props.find(_W + "specVanish"))):
                        continue
                elif name == "t":
                    self.out.append(child.text or "")
                    continue
                elif name == "tab":
                    self.out.append("\t")
                    continue
                elif name in ("br", "cr"):
                    self.out.append("\n")
                    continue
                elif name == "noBreakHyphen":
                    self.out.append("-")
                    continue
                elif name == "sym":
                    try:
                        self.out.append(chr(int(_wattr(child, "char"), 16)))
                    except ValueError:
                        pass
                    continue
            self.walk(child)


def _docx_paragraph(p, state: _DocxState, where: str, kind: str = "paragraph") -> None:
    props = p.find(_W + "pPr")
    style = ""
    if props is not None:
        style_el = props.find(_W + "pStyle")
        style = _wattr(style_el, "val") if style_el is not None else ""
        if props.find(_W + "numPr") is not None or style in state.list_styles:
            kind = "item" if kind == "paragraph" else kind
        outline = props.find(_W + "outlineLvl")
        if style in state.heading_styles or (outline is not None and _wattr(outline, "val") not in ("", "9")):
            kind = "heading" if kind == "paragraph" else kind
    runs = _Runs()
    runs.walk(p)
    text = "".join(runs.out)
    rule = p.find(f".//{{urn:schemas-microsoft-com:vml}}rect[@{{urn:schemas-microsoft-com:office:office}}hr='t']")
    if rule is not None and not text.strip():
        state.section += 1
    elif style.lower() in _TITLE_STYLES and kind == "paragraph":
        state.title = state.title or " ".join(text.split())
    else:
        state.parts.append(Part(text, kind, where, state.section))
    for box in runs.boxes:
        for k, inner in enumerate(box.iter(_W + "p"), 1):
            _docx_paragraph(inner, state, f"{where}, text box paragraph {k}")
    for note_kind, note_id in runs.notes:
        note = state.notes.get((note_kind, note_id))
        if note is not None:
            state.parts.append(Part(note, "footnote", f"{note_kind} {note_id}", state.section))
    if props is not None and props.find(_W + "sectPr") is not None:
        state.section += 1


def _docx_blocks(el, state: _DocxState) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag == _MC_FALLBACK:
            continue
        name = local(tag)
        if tag == _W + "p":
            state.paragraphs += 1
            _docx_paragraph(child, state, f"paragraph {state.paragraphs}")
        elif tag == _W + "tbl":
            state.tables += 1
            table = state.tables
            for r, row in enumerate(child.iterchildren(_W + "tr"), 1):
                for c, cell in enumerate(row.iterchildren(_W + "tc"), 1):
                    for p in cell.iter(_W + "p"):
                        state.paragraphs += 1
                        _docx_paragraph(p, state, f"table {table} row {r} cell {c}", "cell")
        elif name in ("sectPr",):
            continue
        else:  # content controls (w:sdt), custom XML, inserted blocks: their paragraphs count
            if name not in ("del", "moveFrom"):
                _docx_blocks(child, state)


def _docx_notes(container: Container, member: str, kind: str) -> dict:
    if not container.has(member):
        return {}
    notes = {}
    for note in container.xml(member).iterchildren(_W + kind):
        if _wattr(note, "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts = []
        for p in note.iter(_W + "p"):
            runs = _Runs()
            runs.walk(p)
            texts.append("".join(runs.out))
        notes[(kind, _wattr(note, "id"))] = "\n".join(texts)
    return notes


def _docx_styles(container: Container) -> tuple[set, set]:
    """(heading style ids, list style ids) from word/styles.xml: Heading n and styles with an outline level."""
    headings, lists = set(), set()
    if not container.has("word/styles.xml"):
        return {f"Heading{n}" for n in range(1, 10)}, lists
    for style in container.xml("word/styles.xml").iterchildren(_W + "style"):
        style_id = _wattr(style, "styleId")
        name_el = style.find(_W + "name")
        name = (_wattr(name_el, "val") if name_el is not None else style_id).lower()
        outline = style.find(f"{_W}pPr/{_W}outlineLvl")
        if name.startswith("heading") or (outline is not None and _wattr(outline, "val") not in ("", "9")):
            headings.add(style_id)
        if style.find(f"{_W}pPr/{_W}numPr") is not None:
            lists.add(style_id)
    return headings, lists


def _core_title(container: Container) -> str:
    if not container.has("docProps/core.xml"):
        return ""
    title = container.xml("docProps/core.xml").find("{http://purl.org/dc/elements/1.1/}title")
    return " ".join((title.text or "").split()) if title is not None else ""


class DocxReader:
    name = "docx"
    description = "Word document (Office Open XML)"
    suffixes = (".docx", ".docm", ".dotx")

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        container = Container(data, path, "DOCX")
        if not container.has("word/document.xml"):
            raise CorpusError("not a DOCX file (its ZIP container has no word/document.xml)", path)
        state = _DocxState()
        state.heading_styles, state.list_styles = _docx_styles(container)
        state.notes = {**_docx_notes(container, "word/footnotes.xml", "footnote"),
                       **_docx_notes(container, "word/endnotes.xml", "endnote")}
        root = container.xml("word/document.xml")
        body = root.find(_W + "body")
        if body is None:
            raise CorpusError("not a DOCX file (word/document.xml has no body)", path)
        _docx_blocks(body, state)
        metadata = {"format": self.name}
        title = _core_title(container) or state.title
        if title:
            metadata["title"] = title
        return extraction_from_parts(state.parts, metadata)


# ---- ODT ----------------------------------------------------------------------------------------------------

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T = f"{{{TEXT}}}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_ODT_SKIP = {_T + "tracked-changes", _T + "note-citation", _OFFICE + "annotation", _OFFICE + "annotation-end",
             _T + "hidden-text", _T + "hidden-paragraph", _T + "sequence-decls", _T + "variable-decls",
             _T + "user-field-decls", _T + "bookmark-ref-decls", _T + "soft-page-break", _OFFICE + "forms"}


@dataclass
class _OdtState(_Collected):
    notes: int = 0
    hidden_styles: set = field(default_factory=set)
    rule_styles: set = field(default_factory=set)
    title_styles: set = field(default_factory=set)


class _OdtText:
    """The shown text of a paragraph or heading; notes and text boxes inside it collected for after it."""

    def __init__(self, state: _OdtState):
        self.state = state
        self.out: list[str] = []
        self.notes: list[etree._Element] = []
        self.boxes: list[etree._Element] = []

    def walk(self, el) -> None:
        if el.text:
            self.out.append(el.text)
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag not in _ODT_SKIP:
                if tag == _T + "note":
                    self.notes.append(child)
                elif tag == _T + "s":
                    try:
                        count = min(int(child.get(_T + "c", "1")), 1000)
                    except ValueError:
                        count = 1
                    self.out.append(" " * count)
                elif tag == _T + "tab":
                    self.out.append("\t")
                elif tag == _T + "line-break":
                    self.out.append("\n")
                elif tag == _DRAW + "frame":
                    self.boxes.append(child)
                elif child.get(_T + "style-name") in self.state.hidden_styles:
                    pass
                elif tag == _T + "a":
                    inner = _OdtText(self.state)
                    inner.walk(child)
                    link = "".join(inner.out)
                    self.out.append(CITATION if is_citation(link) else link)
                    self.notes += inner.notes
                    self.boxes += inner.boxes
                else:
                    self.walk(child)
            if child.tail:
                self.out.append(child.tail)


def _odt_paragraph(el, state: _OdtState, where: str, kind: str) -> None:
    style = el.get(_T + "style-name", "")
    text = _OdtText(state)
    text.walk(el)
    joined = "".join(text.out)
    if style in state.hidden_styles:
        return
    if style in state.rule_styles and not joined.strip():
        state.section += 1
        return
    if style in state.title_styles and kind == "paragraph":
        state.title = state.title or " ".join(joined.split())
    else:
        state.parts.append(Part(joined, kind, where, state.section))
    for frame in text.boxes:
        for k, p in enumerate(frame.iter(_T + "p", _T + "h"), 1):
            _odt_paragraph(p, state, f"{where}, text box paragraph {k}", "paragraph")
    for note in text.notes:
        state.notes += 1
        body = note.find(_T + "note-body")
        if body is None:
            continue
        texts = []
        for p in body.iter(_T + "p", _T + "h"):
            inner = _OdtText(state)
            inner.walk(p)
            texts.append("".join(inner.out))
        note_kind = note.get(_T + "note-class", "footnote")
        state.parts.append(Part("\n".join(texts), "footnote", f"{note_kind} {state.notes}", state.section))


def _odt_blocks(el, state: _OdtState, kind: str = "paragraph", where: str | None = None) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _ODT_SKIP:
            continue
        if tag in (_T + "p", _T + "h"):
            state.paragraphs += 1
            own = "heading" if tag == _T + "h" else kind
            _odt_paragraph(child, state, where or f"paragraph {state.paragraphs}", own)
        elif tag == _T + "list-item" or tag == _T + "list-header":
            _odt_blocks(child, state, "item" if kind == "paragraph" else kind, where)
        elif tag == _TABLE + "table":
            state.tables += 1
            table = state.tables
            rows = [r for r in child.iter(_TABLE + "table-row")]
            for r, row in enumerate(rows, 1):
                for c, cell in enumerate(row.iterchildren(_TABLE + "table-cell"), 1):
                    _odt_blocks(cell, state, "cell", f"table {table} row {r} cell {c}")
        elif tag == _TABLE + "table-row" or tag == _TABLE + "table-cell":
            continue  # reached only through their table
        else:  # sections, lists, index bodies: their paragraphs count
            _odt_blocks(child, state, kind, where)


def _odt_styles(roots: list, state: _OdtState) -> None:
    """Hidden, horizontal-rule and title styles, following each style's parent."""
    parents, hidden, names = {}, set(), {}
    for root in roots:
        for style in root.iter(_STYLE + "style"):
            name = style.get(_STYLE + "name", "")
            parents[name] = style.get(_STYLE + "parent-style-name", "")
            names[name] = (style.get(_STYLE + "display-name") or name).replace("_20_", " ").lower()
            props = style.find(_STYLE + "text-properties")
            if props is not None and props.get(
                    "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}display") == "none":
                hidden.add(name)
            if props is not None and props.get(_TEXT_DISPLAY) == "none":
                hidden.add(name)

    def lineage(name: str) -> list[str]:
        seen = []
        while name and name not in seen and len(seen) < 50:
            seen.append(name)
            name = parents.get(name, "")
        return seen

    for name in parents:
        chain = lineage(name)
        if any(n in hidden for n in chain):
            state.hidden_styles.add(name)
        if any(names.get(n, n.replace("_20_", " ").lower()) == "horizontal line" for n in chain):
            state.rule_styles.add(name)
        if any(names.get(n, n.lower()) == "title" for n in chain):
            state.title_styles.add(name)
    state.rule_styles.add("Horizontal_20_Line")
    state.title_styles.add("Title")


_TEXT_DISPLAY = _T + "display"


class OdtReader:
    name = "odt"
    description = "OpenDocument text"
    suffixes = (".odt", ".ott")

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        container = Container(data, path, "ODT")
        if not container.has("content.xml"):
            raise CorpusError("not an ODT file (its ZIP container has no content.xml)", path)
        content = container.xml("content.xml")
        state = _OdtState()
        styles = [content] + ([container.xml("styles.xml")] if container.has("styles.xml") else [])
        _odt_styles(styles, state)
        body = content.find(f"{_OFFICE}body/{_OFFICE}text")
        if body is None:
            raise CorpusError("not an ODT text document (content.xml has no office:text body)", path)
        _odt_blocks(body, state)
        metadata = {"format": self.name}
        title = state.title
        if container.has("meta.xml"):
            found = container.xml("meta.xml").find(".//{http://purl.org/dc/elements/1.1/}title")
            if found is not None and (found.text or "").strip():
                title = " ".join(found.text.split())
        if title:
            metadata["title"] = title
        return extraction_from_parts(state.parts, metadata)
