"""PDF made by headless Chromium: running headers and footers out, lines joined into paragraphs,
hyphenation joined, columns in reading order; encrypted and image-only files refused in one line."""

from __future__ import annotations

import base64
import re

import pytest

from corpus.errors import CorpusError
from corpus.reading.reader import read_documents
from reading_helpers import article_pdf, assert_keeps_characters, chromium_pdf, gold, sentence_f1, sentences

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # every PDF here is printed by headless Chromium


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    return article_pdf(folder)


def test_article_pdf_gives_the_sentences_of_the_text(article):
    docs = read_documents(article)
    f1 = sentence_f1(sentences(docs, "de"), gold("de"))
    print(f"\nletter-de from Chromium's PDF: sentence F1 {f1:.3f}")
    assert f1 >= 0.95
    assert_keeps_characters(docs)


def test_running_header_footer_and_page_numbers_are_gone(article):
    (doc,) = read_documents(article)
    assert doc.metadata["pages"] >= 2
    text = " ".join(p.text for p in doc.paragraphs)
    assert "file://" not in text and not re.search(r"\d+/\d+/\d+, \d+:\d+", text)
    assert not any(re.fullmatch(r"\d+/\d+|article", p.text) for p in doc.paragraphs)
    wheres = [s.where for s in doc.sentences]
    assert wheres[0] == "page 1" and any(" to page " in w for w in wheres)  # a sentence over a page break


def test_hyphenation_is_joined_and_columns_come_in_reading_order(tmp_path):
    word = "Donau&shy;dampf&shy;schiff&shy;fahrts&shy;gesell&shy;schaft"
    first = " ".join([f"Die Zusammen&shy;arbeit der {word} war lang&shy;wierig."] * 5)
    second = " ".join(["Die Wieder&shy;holung der Verein&shy;barungen brachte Fort&shy;schritte."] * 6)
    page = tmp_path / "columns.html"
    page.write_text(f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>c</title><style>
        body {{ column-count: 2; column-gap: 3em; font-size: 14px; }} p + p {{ break-before: column; }}</style>
        </head><body><p>{first}</p><p>{second}</p></body></html>""", encoding="utf-8")
    (doc,) = read_documents(chromium_pdf(page, tmp_path / "columns.pdf", header_footer=False))
    texts = [p.text for p in doc.paragraphs]
    assert texts == [re.sub("&shy;", "", first), re.sub("&shy;", "", second)]


def test_a_pdf_without_text_layer_is_refused(tmp_path):
    pixel = base64.b64encode(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0"
        "00000301010018dd8db00000000049454e44ae426082")).decode()
    page = tmp_path / "scan.html"
    page.write_text(f'<html><body><img src="data:image/png;base64,{pixel}" width="500" height="700"></body></html>')
    pdf = chromium_pdf(page, tmp_path / "scan.pdf", header_footer=False)
    with pytest.raises(CorpusError, match="no text layer: run OCR first"):
        read_documents(pdf)


def test_an_encrypted_pdf_is_refused(article, tmp_path):
    import pypdf  # a test dependency: missing means a broken install, not a skip
    writer = pypdf.PdfWriter(clone_from=str(article))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(CorpusError, match="encrypted: decrypt it first"):
        read_documents(locked)


def test_a_truncated_pdf_is_refused_in_one_line(article, tmp_path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(article.read_bytes()[:2000])
    with pytest.raises(CorpusError) as caught:
        read_documents(cut)
    assert "\n" not in str(caught.value) and str(cut) in str(caught.value)
