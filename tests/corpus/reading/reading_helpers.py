"""Making real documents for the reader tests: with pandoc and headless Chromium when they are installed
(tests skip with the reason when not), or written directly in each format's own XML inside its ZIP
container (DOCX, ODT, EPUB), as a word processor would store them. Also the checks every reader must pass."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from support import SEEDS, TEST_DATA

GOLD = TEST_DATA / "segment"
LETTER = SEEDS / "004_5735f0aff54c5676.txt"  # Chinese, a rule, then English
ARTICLE = SEEDS / "001_dad216c83b9a9b59.txt"  # German article holding the letter
NEWS = [SEEDS / "000_fe93bb039c29780f.txt", SEEDS / "002_b5e1742234045f21.txt", SEEDS / "003_ef89d530122f6520.txt"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def need(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.skip(f"{tool} is not installed (apt-get install {tool}); .ci/run installs it")
    return found


def pandoc(source: Path, target: Path, *options: str) -> Path:
    """`source` (Markdown) converted by pandoc, without its smart typography (which would rewrite ' as ’, a
    change of the text rather than of the format)."""
    subprocess.run([need("pandoc"), "-f", "markdown-smart", "-s", str(source), "-o", str(target), *options],
                   check=True, capture_output=True, timeout=120)
    return target


def chromium_pdf(page: Path, target: Path, header_footer: bool = True) -> Path:
    """`page` printed to PDF by headless Chromium, by default with its header and footer (date, title, file
    URL, page numbers)."""
    command = [need("chromium"), "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={target}"]
    if not header_footer:
        command.append("--no-pdf-header-footer")
    subprocess.run([*command, page.as_uri()], check=True, capture_output=True, timeout=120)
    assert target.exists() and target.stat().st_size > 0
    return target


def article_pdf(folder: Path) -> Path:
    """The German article as HTML (each line of the text a line of the page) printed by Chromium."""
    page = pandoc(ARTICLE, folder / "article.html", "-f", "markdown+hard_line_breaks-smart",
                  "--metadata", "pagetitle=article")
    return chromium_pdf(page, folder / "article.pdf")


def write_zip(path: Path, members: dict[str, str | bytes], first: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if first:  # EPUB's mimetype comes first, stored
            z.writestr(zipfile.ZipInfo(first), members[first], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != first:
                z.writestr(name, data)
    return path


def docx(path: Path, body: str, footnotes: str = "") -> Path:
    """A DOCX whose word/document.xml body is `body` (WordprocessingML, prefix w)."""
    ns = (f'xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:o="urn:schemas-microsoft-com:office:office" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
    members = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body}</w:body>'
                             '</w:document>',
    }
    if footnotes:
        members["word/footnotes.xml"] = f'<?xml version="1.0"?><w:footnotes {ns}>{footnotes}</w:footnotes>'
    return write_zip(path, members)


def odt(path: Path, body: str, styles: str = "") -> Path:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
               f'<office:automatic-styles>{styles}</office:automatic-styles>'
               f'<office:body><office:text>{body}</office:text></office:body></office:document-content>')
    return write_zip(path, {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content},
                     first="mimetype")


def epub(path: Path, chapters: dict[str, str], spine: list[str], nav: str = "") -> Path:
    """An EPUB 3 with XHTML `chapters` (file name -> body), read in `spine` order."""
    def page(body: str) -> str:
        return (f'<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
                f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title></head><body>{body}</body></html>')
    items = "".join(f'<item id="{n}" href="{n}" media-type="application/xhtml+xml"/>' for n in chapters)
    if nav:
        items += '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
    refs = "".join(f'<itemref idref="{n}"/>' for n in spine) + ('<itemref idref="nav"/>' if nav else "")
    members = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
                                  'opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/book.opf" '
                                  'media-type="application/oebps-package+xml"/></rootfiles></container>',
        "OEBPS/book.opf": '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
                          '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Book</dc:title>'
                          f'</metadata><manifest>{items}</manifest><spine>{refs}</spine></package>',
    }
    members.update({f"OEBPS/{n}": page(b) for n, b in chapters.items()})
    if nav:
        members["OEBPS/nav.xhtml"] = page(nav)
    return write_zip(path, members, first="mimetype")


def gold(lang: str) -> list[str]:
    return [line for line in (GOLD / f"letter.{lang}.gold.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def sentence_f1(predicted: list[str], reference: list[str]) -> float:
    """F1 of exact sentence matches (whitespace runs folded), as tests/corpus/text/test_segment_gold.py scores."""
    fold = lambda s: " ".join(s.split())  # noqa: E731
    pred, ref = Counter(map(fold, predicted)), Counter(map(fold, reference))
    hits = sum((pred & ref).values())
    p, r = hits / max(1, sum(pred.values())), hits / max(1, sum(ref.values()))
    return 2 * p * r / (p + r) if p + r else 0.0


def sentences(documents, lang: str) -> list[str]:
    return [s for d in documents if d.lang == lang for s in d.sentence_texts]


def assert_keeps_characters(documents, complete: bool = True) -> None:
    """Every reader's guarantee: each non-space character of the text it extracted (Document.text) is in
    exactly one paragraph, in order, and each paragraph character points at its own place in that text;
    every paragraph and sentence says where it comes from. `complete`: no non-space character of the text is
    left out (true where every extracted part holds a letter or digit)."""
    text = documents[0].text
    owned = sorted((p for d in documents for p in d.paragraphs), key=lambda p: p.start)
    kept = []
    for p in owned:
        assert p.where, p
        offsets = range(p.start, p.end) if p.offsets is None else p.offsets
        for ch, at in zip(p.text, offsets):
            if not ch.isspace():
                assert text[at] == ch, (ch, at, text[at])
                kept.append(int(at))
    assert kept == sorted(set(kept)), "a character is kept twice or out of order"
    assert "".join(text[k] for k in kept) == "".join(re.sub(r"\s", "", p.text) for p in owned)
    if complete:
        assert kept == [k for k, ch in enumerate(text) if not ch.isspace()]
    for d in documents:
        for s in d.sentences:
            assert s.where
