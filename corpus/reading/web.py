"""Web formats: HTML and XHTML pages (lxml.html) and EPUB books (their XHTML chapters in spine order).

HTML, kept: the text of paragraphs, headings, list items, table cells, definition terms and descriptions,
block quotes, preformatted blocks, figure captions and footnotes (pandoc's and EPUB's endnote sections),
each block a unit; `<br>` is a line break inside its block, `<hr>` starts a new section (language split).
When the page has a `<main>` (or exactly one `<article>`), only that is read.
Dropped: scripts, styles, templates, forms and embedded objects; navigation and page boilerplate (`<nav>`,
`<aside>`, the page's own `<header>` and `<footer>` outside an article, ARIA roles navigation, banner,
contentinfo, complementary and search, elements hidden with `hidden`, `aria-hidden` or `display: none`);
links whose text is only a reference number (citations); the `<title>` is metadata, not text.

EPUB: META-INF/container.xml names the package document; its spine gives the chapters in reading order
(`linear="no"` items and the navigation document skipped), each read as XHTML (above), its title page and
cover left out (the title is metadata), each chapter a new section. Provenance names the chapter file.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import lxml.html
from lxml import etree

from corpus.errors import CorpusError
from corpus.reading.containers import Container, check_no_entities, local
from corpus.reading.decoding import decode_bytes
from corpus.reading.parts import CITATION, Extraction, Part, extraction_from_parts, is_citation

_DROPPED = {"script", "style", "noscript", "template", "nav", "aside", "form", "button", "select", "textarea",
            "iframe", "object", "embed", "svg", "canvas", "audio", "video", "map", "head", "title", "meta",
            "link", "input", "option", "datalist", "dialog", "menu"}
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
                      "doc-toc", "doc-pagelist", "doc-noteref", "doc-backlink"}
_EPUB_SKIPPED = {"titlepage", "cover", "toc", "landmarks", "page-list", "halftitlepage", "noteref"}
_KINDS = {"p": "paragraph", "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
          "h6": "heading", "li": "item", "dt": "item", "dd": "item", "td": "cell", "th": "cell",
          "blockquote": "quote", "pre": "paragraph", "figcaption": "paragraph", "caption": "paragraph",
          "summary": "paragraph", "address": "paragraph"}
# Elements that end a run of inline text without being a unit of their own kind.
_CONTAINERS = {"div", "section", "article", "main", "body", "html", "header", "footer", "figure", "table",
               "thead", "tbody", "tfoot", "tr", "ul", "ol", "dl", "details", "fieldset", "center", "hgroup",
               "search"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_CONTROLS = {code: None for code in [*range(1, 9), 11, 12, *range(14, 32), 127]}


def decode_html(data: bytes, path) -> str:
    """The text of an HTML file: by its BOM, else the charset it declares, else corpus.reading.decoding."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        found = _XML_ENCODING.search(data[:1024]) or _CHARSET.search(data[:4096])
        if found:
            codec = found.group(1).decode("ascii").lower()
            try:
                return data.decode("utf-8" if codec in ("utf8", "unicode") else codec)
            except LookupError:
                pass  # an unknown charset name: detect it instead
            except UnicodeDecodeError as exc:
                raise CorpusError(f"not valid {codec} (as the page declares) at byte {exc.start}", path) from None
    return decode_bytes(data, path)[0]


def parse_html(data: bytes, path) -> etree._Element:
    check_no_entities(data, path, "the page")
    text = _XML_DECLARATION.sub("", decode_html(data, path), count=1)
    if "\x00" in text:
        raise CorpusError("not an HTML page (binary content: NUL bytes)", path)
    text = text.translate(_CONTROLS)  # lxml takes no control characters, and they are no text
    if not text.strip():
        raise CorpusError("empty page (no text)", path)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise CorpusError(f"cannot parse the page ({str(exc)[:200]})", path) from None


def _tag(el) -> str:
    return local(el.tag).lower() if isinstance(el.tag, str) else ""


def _is_boilerplate(el, in_article: bool) -> bool:
    tag = _tag(el)
    if tag in _DROPPED:
        return True
    if tag in ("header", "footer") and not in_article:
        return True
    role = (el.get("role") or "").lower()
    if role in _BOILERPLATE_ROLES:
        return True
    epub_type = set((el.get(_EPUB_TYPE) or el.get("epub:type") or "").split())
    if epub_type & _EPUB_SKIPPED:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


@dataclass
class _Page:
    """Units of one page being collected, with counters for their provenance."""

    prefix: str = ""  # the chapter file of an EPUB
    section: int = 0
    parts: list[Part] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    tables: int = 0

    def place(self, kind: str, cell: str = "") -> str:
        if cell:
            where = cell
        else:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            where = f"{kind} {self.counts[kind]}"
        return f"{self.prefix}, {where}" if self.prefix else where


class _Walker:
    def __init__(self, page: _Page):
        self.page = page
        self.buffer: list[str] = []
        self.kind = "paragraph"
        self.cell = ""

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        if text.strip():
            label = {"paragraph": "paragraph", "heading": "heading", "item": "list item", "cell": "cell",
                     "quote": "quote", "footnote": "footnote"}[self.kind]
            self.page.parts.append(Part(text, self.kind, self.page.place(label, self.cell), self.page.section))

    def inline(self, el) -> str:
        """The text of an inline element (a link, an emphasis), blocks inside it included as text."""
        out = [el.text or ""]
        for child in el:
            if _tag(child) and not _is_boilerplate(child, True):
                out.append("\n" if _tag(child) == "br" else self.inline(child))
            out.append(child.tail or "")
        return "".join(out)

    def walk(self, el, in_article: bool = False, footnotes: bool = False) -> None:
        tag = _tag(el)
        in_article = in_article or tag in ("article", "main")
        epub_type = set((el.get(_EPUB_TYPE) or el.get("epub:type") or "").split())
        footnotes = footnotes or bool(epub_type & {"footnotes", "endnotes", "footnote", "endnote", "rearnotes"}) \
            or (el.get("role") or "") in ("doc-endnotes", "doc-footnotes") or "footnotes" in (el.get("class") or "").split()
        block = _KINDS.get(tag)
        if block or tag in _CONTAINERS:
            self.flush()
            saved = self.kind, self.cell
            if block and not (block == "paragraph" and self.kind != "paragraph"):  # a <p> in an <li> is the item
                self.kind = "footnote" if footnotes and block in ("item", "paragraph") else block
                if block == "cell":
                    self.cell = self.cell_place(el)
        if el.text and tag != "html":
            self.buffer.append(el.text)
        for child in el:
            child_tag = _tag(child)
            if child_tag and not _is_boilerplate(child, in_article):
                if child_tag == "br":
                    self.buffer.append("\n")
                elif child_tag == "hr":
                    self.flush()
                    self.page.section += 1
                elif child_tag == "a" and child.get("href") is not None and not self.has_blocks(child):
                    link = self.inline(child)
                    self.buffer.append(CITATION if is_citation(link) else link)
                elif child_tag == "img":
                    pass
                else:
                    self.walk(child, in_article, footnotes)
            if child.tail:
                self.buffer.append(child.tail)
        if block or tag in _CONTAINERS:
            self.flush()
            self.kind, self.cell = saved

    @staticmethod
    def has_blocks(el) -> bool:
        return any(_tag(d) in _KINDS or _tag(d) in _CONTAINERS for d in el.iterdescendants())

    def cell_place(self, cell) -> str:
        row = cell.getparent()
        table = next((a for a in cell.iterancestors() if _tag(a) == "table"), None)
        if table is None or row is None:
            return "table cell"
        if table.get("data-corpus-table") is None:
            self.page.tables += 1
            table.set("data-corpus-table", str(self.page.tables))
        rows = [r for r in table.iter() if _tag(r) == "tr"]
        r = rows.index(row) + 1 if row in rows else 0
        c = [x for x in row if _tag(x) in ("td", "th")].index(cell) + 1
        return f"table {table.get('data-corpus-table')} row {r} cell {c}"


def _content_root(root):
    """The page's main content: its <main>, else its only <article>, else its body."""
    mains = [el for el in root.iter() if _tag(el) == "main" and not el.get("hidden")]
    if len(mains) == 1:
        return mains[0]
    articles = [el for el in root.iter() if _tag(el) == "article"]
    if len(articles) == 1:
        return articles[0]
    body = next((el for el in root.iter() if _tag(el) == "body"), None)
    return body if body is not None else root


def page_parts(root, page: _Page) -> None:
    content = _content_root(root)
    walker = _Walker(page)
    walker.walk(content, in_article=_tag(content) in ("article", "main"))
    walker.flush()


def page_title(root) -> str:
    title = next((el for el in root.iter() if _tag(el) == "title"), None)
    return " ".join((title.text_content() if title is not None else "").split())


class HtmlReader:
    name = "html"
    description = "HTML or XHTML page"
    suffixes = (".html", ".htm", ".xhtml", ".xht")

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        root = parse_html(data, path)
        page = _Page()
        page_parts(root, page)
        metadata = {"format": self.name}
        title = page_title(root)
        if title:
            metadata["title"] = title
        return extraction_from_parts(page.parts, metadata)


_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_DC = "{http://purl.org/dc/elements/1.1/}"


class EpubReader:
    name = "epub"
    description = "EPUB e-book"
    suffixes = (".epub",)

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        container = Container(data, path, "EPUB")
        if not container.has("META-INF/container.xml"):
            raise CorpusError("not an EPUB file (its ZIP container has no META-INF/container.xml)", path)
        rootfile = container.xml("META-INF/container.xml").find(f".//{_CONTAINER}rootfile")
        package_path = unquote(rootfile.get("full-path", "")) if rootfile is not None else ""
        if not package_path or not container.has(package_path):
            raise CorpusError("not a readable EPUB file (its package document is missing)", path)
        package = container.xml(package_path)
        base = posixpath.dirname(package_path)
        manifest = {item.get("id"): item for item in package.iter(_OPF + "item")}
        parts: list[Part] = []
        page = _Page()
        for chapter, itemref in enumerate(package.iter(_OPF + "itemref")):
            item = manifest.get(itemref.get("idref"))
            if item is None or itemref.get("linear") == "no" or "nav" in (item.get("properties") or "").split():
                continue
            if "html" not in (item.get("media-type") or ""):
                continue
            member = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
            if not container.has(member):
                raise CorpusError(f"not a readable EPUB file (its spine names a missing file, {member})", path)
            root = parse_html(container.read(member), path)
            page.prefix = posixpath.relpath(member, base) if base else member
            page_parts(root, page)
            page.section += 1
            page.counts = {}
            page.tables = 0
        parts = page.parts
        metadata = {"format": self.name}
        title = package.find(f".//{_DC}title")
        if title is not None and (title.text or "").strip():
            metadata["title"] = " ".join(title.text.split())
        return extraction_from_parts(parts, metadata)
