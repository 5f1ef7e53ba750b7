"""Language identification and splitting files into one document per language."""

from __future__ import annotations

import opencc
import pytest

from corpus.text.langid import assign_languages, dominant_script, identify, language_code
from corpus.errors import CorpusError
from corpus.text.normalize import is_traditional, simplified
from corpus.reading.reader import read_documents, read_folder
from support import seed


@pytest.mark.parametrize("text,lang", [
    ("Runway is not an AI company. Runway is a media and entertainment company.", "en"),
    ("Runway ist kein KI-Unternehmen. Runway ist ein Medien- und Unterhaltungsunternehmen.", "de"),
    ("Runway ne se repose pas sur ses lauriers. Pourtant, la concurrence est rude.", "fr"),
    ("Runway 不是一家 AI 公司。Runway 是一家媒体和娱乐公司。", "zh"),
    ("Inflection 融 13 亿美金，Runway 拿1.41亿美金，微软 Google 英伟达比尔盖茨均入局", "zh"),
    ("Runway 不是一家 AI 公司。", "zh"),
    ("這並不是因為 AI 失敗了——恰恰相反。", "zh"),
    ("これはテストです。うまくいきました。", "ja"),
    ("이것은 테스트입니다.", "ko"),
    ("Москва является столицей России, и в ней живёт очень много людей.", "ru"),
    ("Αυτό είναι ένα τεστ.", "el"),
    ("Esto es una prueba y funciona muy bien.", "es"),
    ("2024 — 12:30", "und"),
])
def test_identify(text, lang):
    assert identify(text) == lang


def test_script_heuristics():
    assert dominant_script("新的媒体格局") == "han"
    assert dominant_script("October 2024") == "latin"
    assert dominant_script("12345") == ""


def test_short_latin_lines_in_a_chinese_section_stay_chinese():
    texts = ["新的媒体格局", "October 2024", "Runway 不是一家 AI 公司。Runway 是一家媒体和娱乐公司。" * 3,
             "Cristóbal Valenzuela", "电影、电视、TikTok——都是那台捕捉光与时间的革命性工具的“后代”。"]
    assert assign_languages(texts, [0] * len(texts)) == ["zh"] * 5


def test_german_paragraph_with_english_title_stays_german():
    texts = [
        "Die diesjährigen großen Modelle waren in der ersten Jahreshälfte äußerst lebhaft.",
        "Tatsächlich ist die technische Quelle dieses Modells ein Papier „High-Resolution Image Synthesis "
        "with Latent Diffusion Models“.",
        "Artificial Analysis Text to Video Leaderboard",
        "Runway wurde im Jahr 2018 gegründet. Seine Gründer sind drei ehemalige Studenten.",
    ]
    assert assign_languages(texts, [0] * 4) == ["de"] * 4


def test_interleaved_paragraphs_of_two_scripts_are_told_apart():
    zh = "我经常将我们的工作比作一种新型的相机。不是字面意义上的拍摄图像，而是其历史性的影响。"
    en = "I often talk about our work as a new kind of camera. Not in the literal sense of capturing images."
    assert assign_languages([zh, en, zh, en], [0] * 4) == ["zh", "en", "zh", "en"]


def test_letter_file_splits_into_chinese_and_english_documents():
    path = seed("004")
    docs = read_documents(path)
    assert [d.lang for d in docs] == ["zh", "en"]
    zh, en = docs
    assert zh.id == f"{path.stem}.zh" and en.id == f"{path.stem}.en"
    assert zh.script == "Hans" and en.script == ""
    assert zh.sentence_texts[:2] == ["新的媒体格局", "October 2024"]
    assert en.sentence_texts[:2] == ["A New Media Landscape", "October 2024"]
    assert zh.metadata["title"] == "Runway是一家媒体和娱乐公司"
    assert zh.metadata["source"] == en.metadata["source"] == "https://cvalenzuelab.com/newmedia"
    assert en.metadata["title"] == "A New Media Landscape"
    assert {p.section for p in zh.paragraphs} == {0} and {p.section for p in en.paragraphs} == {1}
    assert zh.text == en.text  # both point into the same file text
    assert all(zh.text[s.start:s.end] == s.text for s in zh.sentences)
    assert [s.index for s in en.sentences] == list(range(len(en.sentences)))
    assert all(s.doc_id == en.id for s in en.sentences)


def test_single_language_files_keep_their_stem_as_id():
    for prefix, lang in (("000", "de"), ("001", "de"), ("002", "fr"), ("003", "zh")):
        docs = read_documents(seed(prefix))
        assert [(d.id, d.lang) for d in docs] == [(seed(prefix).stem, lang)]


def test_german_article_embedding_the_letter_is_one_german_document():
    [doc] = read_documents(seed("001"))
    assert doc.lang == "de" and len(doc.sentences) > 60
    assert doc.sentence_texts[-1] == "Stimmen Sie den Ansichten des CEO von Runway zu?"


def test_traditional_chinese_is_chinese_with_script_hant(tmp_path):
    text = opencc.OpenCC("s2tw").convert(seed("004").read_text(encoding="utf-8").split("\n---\n")[1])
    path = tmp_path / "hant.txt"
    path.write_text(text, encoding="utf-8")
    [doc] = read_documents(path)
    assert doc.lang == "zh" and doc.script == "Hant"
    assert "這並不是因為 AI 失敗了——恰恰相反。" in doc.sentence_texts  # the original is stored
    assert simplified("這並不是因為") == "这并不是因为"
    assert is_traditional("這並不是因為") and not is_traditional("这并不是因为")


def test_language_codes():
    assert language_code("DE") == "de" and language_code("zh-Hant") == "zh" and language_code("pt_BR") == "pt"
    for bad in ("xx", "english", "", "123"):
        with pytest.raises(CorpusError, match="unknown language code"):
            language_code(bad)


def test_read_folder_sorted_recursive_skipping_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.md").write_text("Zwei Sätze hier. Und noch einer dazu.", encoding="utf-8")
    (tmp_path / "1.txt").write_text("One sentence here. And another one.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden text.", encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text("Hidden too.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    docs = read_folder(tmp_path)
    assert [(d.id, d.lang) for d in docs] == [("1", "en"), ("2", "de")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no text"):
        read_folder(tmp_path / "empty")
    with pytest.raises(CorpusError, match="no such folder"):
        read_folder(tmp_path / "missing")
