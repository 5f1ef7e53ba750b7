"""DOCX and ODT: the accepted text of tracked changes, fields as shown, comments and hidden text out,
footnotes after their paragraph, structure (headings, list items, table cells) and provenance kept. The files
are written here in each format's own XML, as a word processor stores it."""

from __future__ import annotations

from corpus.reading.reader import read_documents
from reading_helpers import assert_keeps_characters, docx, odt


def _r(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def test_docx_reads_what_word_shows(tmp_path):
    body = (
        '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>' + _r("The Title") + '</w:p>'
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' + _r("A heading") + '</w:p>'
        '<w:p>' + _r("The company ") + '<w:ins w:id="1" w:author="a">' + _r("really ") + '</w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>never </w:delText></w:r></w:del>' + _r("grew.")
        + '<w:commentRangeStart w:id="0"/>' + _r(" It sold films.") + '<w:commentRangeEnd w:id="0"/>'
        '<w:r><w:commentReference w:id="0"/></w:r>' + _r(" Secret words.", "<w:vanish/>")
        + '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
        '<w:p>' + _r("It is page ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _r("7") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + _r(" of the report.") + '</w:p>'
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>' + _r("A list item.") + '</w:p>'
        '<w:tbl><w:tr><w:tc><w:p>' + _r("Cell one.") + '</w:p></w:tc><w:tc><w:p>' + _r("Cell two.")
        + '</w:p></w:tc></w:tr></w:tbl>'
    )
    notes = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p>' + _r("A footnote.") + '</w:p></w:footnote>')
    docs = read_documents(docx(tmp_path / "report.docx", body, notes))
    (doc,) = docs
    assert doc.metadata["format"] == "docx" and doc.title == "The Title"
    assert [(p.text, p.kind, p.where) for p in doc.paragraphs] == [
        ("A heading", "heading", "paragraph 2"),
        ("The company really grew. It sold films.", "paragraph", "paragraph 3"),
        ("A footnote.", "footnote", "footnote 1"),
        ("It is page 7 of the report.", "paragraph", "paragraph 4"),
        ("A list item.", "item", "paragraph 5"),
        ("Cell one.", "cell", "table 1 row 1 cell 1"),
        ("Cell two.", "cell", "table 1 row 1 cell 2"),
    ]
    assert_keeps_characters(docs)


def test_docx_rule_starts_a_section_for_the_language_split(tmp_path):
    rule = '<w:p><w:r><w:pict><v:rect o:hr="t"/></w:pict></w:r></w:p>'
    body = ("<w:p>" + _r("Runway 不是一家 AI 公司。Runway 是一家媒体和娱乐公司。") + "</w:p>" + rule
            + "<w:p>" + _r("Runway is not an AI company. Runway is a media and entertainment company.") + "</w:p>")
    docs = read_documents(docx(tmp_path / "letter.docx", body))
    assert [(d.id, d.lang, d.paragraphs[0].section) for d in docs] == [("letter.zh", "zh", 0), ("letter.en", "en", 1)]


def test_odt_reads_what_writer_shows(tmp_path):
    styles = ('<style:style style:name="Hidden" style:family="text"><style:text-properties text:display="none"/>'
              '</style:style>')
    body = (
        '<text:h text:outline-level="1">A heading</text:h>'
        '<text:p>The company<text:s text:c="2"/>grew.<office:annotation><text:p>A comment.</text:p></office:annotation>'
        '<text:span text:style-name="Hidden"> Secret words.</text:span>'
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body>'
        '<text:p>A footnote.</text:p></text:note-body></text:note> It sold <text:a xlink:href="http://x.org/1">'
        '1</text:a>films<text:change-start text:change-id="c1"/> today<text:change-end text:change-id="c1"/>.</text:p>'
        '<text:tracked-changes><text:changed-region text:id="c2"><text:deletion><text:p>Deleted words.</text:p>'
        '</text:deletion></text:changed-region></text:tracked-changes>'
        '<text:list><text:list-item><text:p>A list item.</text:p></text:list-item></text:list>'
        '<table:table><table:table-row><table:table-cell><text:p>Cell one.</text:p></table:table-cell>'
        '<table:table-cell><text:p>Cell two.</text:p></table:table-cell></table:table-row></table:table>'
        '<text:p>Page <text:page-number>3</text:page-number>.</text:p>'
    )
    docs = read_documents(odt(tmp_path / "report.odt", body, styles))
    (doc,) = docs
    assert doc.metadata["format"] == "odt"
    assert [(p.text, p.kind, p.where) for p in doc.paragraphs] == [
        ("A heading", "heading", "paragraph 1"),
        ("The company grew. It sold films today.", "paragraph", "paragraph 2"),
        ("A footnote.", "footnote", "footnote 1"),
        ("A list item.", "item", "paragraph 3"),
        ("Cell one.", "cell", "table 1 row 1 cell 1"),
        ("Cell two.", "cell", "table 1 row 1 cell 2"),
        ("Page 3.", "paragraph", "paragraph 6"),
    ]
    assert_keeps_characters(docs)
