"""Markdown and plain-text structure: front matter, markup stripping with offsets, sections, line breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.reading.markdown import front_matter, looks_like_markdown, parse
from corpus.reading.reader import read_documents
from support import seed

LETTER = seed("004")
WECHAT = seed("003")


def texts(source: str, markdown: bool | None = True) -> list[str]:
    return [b.text for b in parse(source, markdown).blocks]


def _doc(tmp_path: Path, text: str, name: str = "doc.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_documents(path)


def test_front_matter_becomes_metadata_and_leaves_the_text():
    meta, body = front_matter("---\ntitle: Hallo Welt\nsource: https://example.org/x\n---\nText.\n")
    assert meta == {"title": "Hallo Welt", "source": "https://example.org/x"}
    assert texts("---\ntitle: Hallo Welt\n---\nText here.\n") == ["Text here."]


def test_a_leading_rule_that_is_not_yaml_is_text():
    assert front_matter("---\njust some words: [unclosed\n---\nText.")[0] == {}
    assert front_matter("---\n- a list\n---\n")[0] == {}


def test_emphasis_headings_and_escapes():
    src = "# A *big* Title #\n\nSome **bold**, __strong__, *italic*, _under_ and ~~gone~~ text.\n\n\\*not emphasis\\*"
    assert texts(src) == ["A big Title", "Some bold, strong, italic, under and gone text.", "*not emphasis*"]
    assert parse(src).blocks[0].kind == "heading"


def test_snake_case_and_lone_stars_survive():
    assert texts("Call my_func_name now, 2 * 3 = 6.", markdown=True) == ["Call my_func_name now, 2 * 3 = 6."]


def test_links_keep_their_text_images_and_urls_go():
    src = ("See [the vision](https://runwayml.com/news/x_(y)) and [world building](https://a.b/c \"T\"). "
           "![](https://img.example/p.jpg?x=1) Visit https://example.com/page?q=1. Or <https://x.org>.")
    assert texts(src) == ["See the vision and world building. Visit. Or."]


def test_footnote_reference_links_and_their_commas_go():
    src = ("I often talk about our work as a new kind of camera.[1](https://x.com/a/1), "
           "[2](https://x.com/a/2), [3](https://x.com/a/3),  [5](https://x.com/a/5) Not in the literal sense.")
    assert texts(src) == ["I often talk about our work as a new kind of camera. Not in the literal sense."]


def test_citation_marks_go():
    assert texts("A claim.[1] Another[^2] one.\n\n[^2]: The note.") == ["A claim. Another one.", "The note."]


def test_html_tags_comments_and_entities():
    src = "<p>Some <b>bold</b> text<br/> and &amp; an entity<!-- hidden --> here.</p>"
    assert texts(src) == ["Some bold text and & an entity here."]


def test_lists_quotes_and_code():
    src = "- first item\n- second item\n\n1. one\n2. two\n\n> quoted line\n\n```\ncode line\n```\n\nUse `x` here."
    assert texts(src) == ["first item", "second item", "one", "two", "quoted line", "code line", "Use x here."]


def test_horizontal_rules_start_sections_and_setext_underlines_do_not():
    parsed = parse("Erster Teil.\n\n---\n\nZweiter Teil.\n\n***\n\nTitel\n-----\n\nDritter Teil.", True)
    assert [(b.text, b.section, b.kind) for b in parsed.blocks] == [
        ("Erster Teil.", 0, "paragraph"),
        ("Zweiter Teil.", 1, "paragraph"),
        ("Titel", 2, "heading"),
        ("Dritter Teil.", 2, "paragraph"),
    ]


def test_markdown_soft_wraps_join_and_hard_breaks_split():
    src = "A sentence that is\nwrapped over lines.\n\nTitle  \nNext line\\\nLast line."
    assert texts(src) == ["A sentence that is wrapped over lines.", "Title", "Next line", "Last line."]


def test_chinese_soft_wrap_joins_without_a_space():
    src = "这是一个被折行的\n中文句子。英文 word\n和中文。\n\n第二段。"
    assert texts(src) == ["这是一个被折行的中文句子。英文 word 和中文。", "第二段。"]


def test_plain_text_without_blank_lines_has_one_paragraph_per_line():
    src = "Überschrift ohne Punkt\nErster Absatz. Zweiter Satz.\nBildunterschrift: drei Personen\nLetzter Absatz."
    assert texts(src, markdown=False) == src.split("\n")


def test_plain_text_wrapped_at_a_fixed_width_is_joined():
    para = ("It was the best of times, it was the worst of times, it was the age of wisdom, it was the age "
            "of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season")
    import textwrap

    wrapped = "\n\n".join(textwrap.fill(para, 70) for _ in range(3))
    assert texts(wrapped, markdown=False) == [para] * 3


def test_a_block_of_short_lines_keeps_its_lines():
    src = "Author: Li Wei\nDate: 2023-06-30\nPlace: Beijing\n\nA long paragraph that is **wrapped**\nover two lines."
    assert texts(src) == ["Author: Li Wei", "Date: 2023-06-30", "Place: Beijing",
                          "A long paragraph that is wrapped over two lines."]


def test_blocks_without_letters_or_digits_are_dropped():
    assert texts("![](https://x.org/a.png)\n\n**\\-----------**\n\n* * *\n\nText.") == ["Text."]


def test_offsets_point_back_into_the_original():
    src = "---\ntitle: T\n---\n\n**Bold title**\n\nA [linked](https://x.org) word and _more_ here.\n"
    for block in parse(src).blocks:
        for i, ch in enumerate(block.text):
            original = src[block.offsets[i]]
            assert original == ch or (ch == " " and original.isspace())
        assert block.start < block.end <= len(src)


def test_sniffing_markdown():
    assert looks_like_markdown(LETTER.read_text(encoding="utf-8"))
    assert looks_like_markdown(WECHAT.read_text(encoding="utf-8"))
    assert not looks_like_markdown("Ein Satz. *Noch* einer.\nUnd noch einer.")


def test_letter_english_document_is_clean(tmp_path):
    docs = {d.lang: d for d in read_documents(LETTER)}
    en = docs["en"]
    sentences = en.sentence_texts
    assert sentences[:2] == ["A New Media Landscape", "October 2024"]
    assert "I often talk about our work as a new kind of camera." in sentences
    assert "© 2024 Cristobal Valenzuela." == sentences[-1]
    joined = " ".join(sentences)
    for junk in ("http", "](", "**", "_October", "[1", "1, 2", ", ,"):
        assert junk not in joined
    # every sentence's offsets cover its words in the original file
    for s in en.sentences:
        source = en.text[s.start:s.end]
        assert source.split()[0].strip("*_[") == s.text.split()[0]
        assert source.rstrip("*_")[-1] == s.text[-1]


def test_wechat_export_is_clean():
    [doc] = read_documents(WECHAT)
    joined = "\n".join(doc.sentence_texts)
    assert doc.lang == "zh" and doc.title.startswith("Inflection 融 13 亿美金")
    for junk in ("http", "mmbiz", "**", "](", "![", "\\-"):
        assert junk not in joined
    assert "这个融资金额比我在 6 月 2 号文章里传的 1 亿美金多了不少，" in joined
    # the separator line of dashes starts a new section: the advert after it
    sections = {p.section for p in doc.paragraphs}
    assert len(sections) == 2


def test_markdown_file_suffix_turns_markdown_on(tmp_path):
    [doc] = _doc(tmp_path, "First line\nstill the first paragraph.\n\nSecond.\n", "a.md")
    assert doc.sentence_texts == ["First line still the first paragraph.", "Second."]
    assert doc.metadata["format"] == "markdown"
    [doc] = _doc(tmp_path, "First line\nsecond line.\n", "a.txt")
    assert doc.sentence_texts == ["First line", "second line."]


@pytest.mark.parametrize("rule", ["---", "***", "___", "- - -"])
def test_each_rule_style_splits_sections(rule):
    parsed = parse(f"Eins.\n\n{rule}\n\nZwei.", True)
    assert [b.section for b in parsed.blocks] == [0, 1]


def test_a_rule_right_under_a_sentence_still_splits_sections():
    parsed = parse("Erster Teil endet hier.\n---\nZweiter Teil.", False)
    assert [(b.text, b.section) for b in parsed.blocks] == [("Erster Teil endet hier.", 0), ("Zweiter Teil.", 1)]
