"""Normalisation for matching (corpus.text.normalize) and the NFC text the reader stores."""

from __future__ import annotations

import unicodedata

from corpus.text.normalize import fold_whitespace, for_matching, is_traditional, nfc, simplified, traditional
from corpus.reading.reader import read_documents


def test_simplified_and_traditional_round_trip():
    hans = "这并不是因为 AI 失败了——恰恰相反。"
    hant = traditional(hans)
    assert hant == "這並不是因爲 AI 失敗了——恰恰相反。"
    assert simplified(hant) == hans
    assert simplified("No Chinese here.") == "No Chinese here."


def test_is_traditional_needs_a_share_of_changed_characters():
    assert is_traditional("這並不是因為 AI 失敗了")
    assert not is_traditional("这并不是因为 AI 失败了")
    assert not is_traditional("Runway 是一家媒体和娱乐公司")  # characters common to both scripts
    assert not is_traditional("English only")
    long_simplified = "我认为我们在 Runway 所做的工作是为全新的媒体格局奠定基础。" * 20
    assert not is_traditional(long_simplified + "們")  # one stray traditional character


def test_nfc_and_whitespace_folding():
    decomposed = "Gru\u0308\u00dfe"
    assert nfc(decomposed) == "Grüße"
    assert fold_whitespace("  a \t b\n\n c\u00a0d\u3000e ") == "a b c d e"
    assert for_matching(" 這並不是\n因為 ") == "这并不是 因为"


def test_reader_stores_nfc(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", "Die Größe der Modelle wächst schnell. Das ist gut."), encoding="utf-8")
    [doc] = read_documents(path)
    assert doc.sentence_texts == ["Die Größe der Modelle wächst schnell.", "Das ist gut."]
    assert unicodedata.is_normalized("NFC", doc.text)
