"""HTML/XHTML without navigation, scripts, styles and page boilerplate; EPUB chapters in spine order."""

from __future__ import annotations

from corpus.reading.reader import read_documents
from reading_helpers import assert_keeps_characters, epub

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The page title</title>
<style>p { color: red }</style><script>var notText = "Do not read me.";</script></head>
<body><header><a href="/">Home</a> Site banner words.</header>
<nav><ul><li><a href="/a">Menu entry</a></li></ul></nav>
<main><h1>A heading</h1>
<p>The company grew.<a href="#fn1" role="doc-noteref"><sup>1</sup></a> It sold <em>films</em>
across   lines.<a href="https://x.org/1">1</a>, <a href="https://x.org/2">2</a> Then more.</p>
<ul><li><p>A list item.</p></li></ul>
<table><tr><th>Cell one.</th><td>Cell two.</td></tr></table>
<p hidden>Hidden words.</p><p style="display: none">Invisible words.</p>
<div role="navigation">Next page</div>
<section class="footnotes" role="doc-endnotes"><ol><li id="fn1"><p>A footnote.<a href="#r1" role="doc-backlink">↩</a></p></li></ol></section>
</main><aside>Related stories</aside><footer>Copyright words.</footer></body></html>"""


def test_html_keeps_the_content_and_drops_the_page_around_it(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    docs = read_documents(path)
    (doc,) = docs
    assert doc.title == "The page title" and doc.metadata["format"] == "html"
    assert [(p.text, p.kind, p.where) for p in doc.paragraphs] == [
        ("A heading", "heading", "heading 1"),
        ("The company grew. It sold films across lines. Then more.", "paragraph", "paragraph 1"),
        ("A list item.", "item", "list item 1"),
        ("Cell one.", "cell", "table 1 row 1 cell 1"),
        ("Cell two.", "cell", "table 1 row 1 cell 2"),
        ("A footnote.", "footnote", "footnote 1"),
    ]
    assert_keeps_characters(docs)


def test_html_charset_declared_in_the_page_is_used(tmp_path):
    path = tmp_path / "alt.htm"
    path.write_bytes('<html><head><meta charset="windows-1252"></head><body><p>Grüße aus Köln, sagt er.</p>'
                     '</body></html>'.encode("cp1252"))
    assert read_documents(path)[0].paragraphs[0].text == "Grüße aus Köln, sagt er."


def test_epub_reads_chapters_in_spine_order_without_navigation_or_title_page(tmp_path):
    path = epub(tmp_path / "book.epub", {
        "title.xhtml": '<section epub:type="titlepage"><h1>Book</h1></section>',
        "b.xhtml": "<h2>Second chapter</h2><p>The second chapter comes second.</p>",
        "a.xhtml": "<h2>First chapter</h2><p>The first chapter comes first.</p>",
    }, spine=["title.xhtml", "a.xhtml", "b.xhtml"], nav="<nav><ol><li>First chapter</li></ol></nav>")
    docs = read_documents(path)
    (doc,) = docs
    assert doc.title == "Book" and doc.metadata["format"] == "epub"
    assert [(p.text, p.where, p.section) for p in doc.paragraphs] == [
        ("First chapter", "a.xhtml, heading 1", 1),
        ("The first chapter comes first.", "a.xhtml, paragraph 1", 1),
        ("Second chapter", "b.xhtml, heading 1", 2),
        ("The second chapter comes second.", "b.xhtml, paragraph 1", 2),
    ]
    assert_keeps_characters(docs)
