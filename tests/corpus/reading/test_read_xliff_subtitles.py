"""XLIFF 1.2 and 2.x as two documents, their own segments kept when asked; SRT and WebVTT cues joined into
sentences across cues, each sentence naming its cues and times."""

from __future__ import annotations

from corpus.reading.reader import read_documents
from corpus.reading.registry import ReadOptions
from reading_helpers import assert_keeps_characters

XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="letter.txt" source-language="en-US" target-language="de-DE" datatype="plaintext"><body>
<trans-unit id="u1"><source>Runway is not an AI company. It is a <g id="1">media</g> company.<x id="2"/></source>
<seg-source><mrk mtype="seg" mid="1">Runway is not an AI company.</mrk> <mrk mtype="seg" mid="2">It is a <g id="1">media</g> company.</mrk></seg-source>
<target><mrk mtype="seg" mid="1">Runway ist keine KI-Firma.</mrk> <mrk mtype="seg" mid="2">Sie ist eine <g id="1">Medien</g>firma.</mrk></target>
<alt-trans><target>Eine andere Übersetzung.</target></alt-trans><note>Translator note.</note></trans-unit>
</body></file></xliff>"""

XLIFF_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="zh-CN">
<file id="f1"><unit id="u1"><segment id="s1"><source>Runway is not an AI company.</source><target>Runway 不是一家 AI 公司。</target></segment>
<ignorable><source> </source></ignorable>
<segment id="s2"><source>It is a <pc id="1">media</pc> company.<ph id="2"/></source><target>它是一家<pc id="1">媒体</pc>公司。</target></segment></unit></file></xliff>"""


def _read(tmp_path, name, text, keep=False):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_documents(path, options=ReadOptions(keep_segments=keep))


def test_xliff_12_is_two_documents_in_its_declared_languages(tmp_path):
    docs = _read(tmp_path, "job.xlf", XLIFF_12)
    assert [(d.id, d.lang) for d in docs] == [("job.en", "en"), ("job.de", "de")]
    assert docs[0].sentence_texts == ["Runway is not an AI company.", "It is a media company."]
    assert docs[1].sentence_texts == ["Runway ist keine KI-Firma.", "Sie ist eine Medienfirma."]
    assert {s.where for d in docs for s in d.sentences} == {"letter.txt, unit u1"}
    assert_keeps_characters(docs)


def test_xliff_segments_are_kept_when_asked(tmp_path):
    docs = _read(tmp_path, "job.xlf", XLIFF_12, keep=True)
    assert [s.where for s in docs[1].sentences] == ["letter.txt, unit u1, segment 1", "letter.txt, unit u1, segment 2"]
    docs = _read(tmp_path, "job2.xliff", XLIFF_2, keep=True)
    assert [(d.lang, d.sentence_texts) for d in docs] == [
        ("en", ["Runway is not an AI company.", "It is a media company."]),
        ("zh", ["Runway 不是一家 AI 公司。", "它是一家媒体公司。"]),
    ]
    assert docs[1].sentences[1].where == "f1, unit u1, segment s2"


def test_xliff_2_units_are_paragraphs_segmented_as_text(tmp_path):
    docs = _read(tmp_path, "job2.xliff", XLIFF_2)
    assert [len(d.paragraphs) for d in docs] == [1, 1]
    assert docs[1].sentence_texts == ["Runway 不是一家 AI 公司。", "它是一家媒体公司。"]


SRT = """1
00:00:01,000 --> 00:00:03,000
<i>Runway is not an AI company.</i> Runway

2
00:00:03,200 --> 00:00:05,000
is a media and
entertainment company.

3
00:00:30,000 --> 00:00:32,000
{\\an8}Much later.
"""


def test_srt_sentences_run_across_cues_and_name_them(tmp_path):
    docs = _read(tmp_path, "film.srt", SRT)
    (doc,) = docs
    assert [(s.text, s.where) for s in doc.sentences] == [
        ("Runway is not an AI company.", "cue 1 00:00:01,000 --> 00:00:03,000"),
        ("Runway is a media and entertainment company.",
         "cue 1 00:00:01,000 --> 00:00:03,000 to cue 2 00:00:03,200 --> 00:00:05,000"),
        ("Much later.", "cue 3 00:00:30,000 --> 00:00:32,000"),
    ]
    assert [p.kind for p in doc.paragraphs] == ["cue", "cue"]  # the long pause starts a new paragraph
    assert_keeps_characters(docs)


def test_webvtt_drops_notes_settings_and_voice_tags(tmp_path):
    vtt = ("WEBVTT - a film\n\nNOTE translated by hand\n\nSTYLE\n::cue { color: red }\n\nintro\n"
           "00:01.000 --> 00:03.000 align:start line:0\n<v Ann>Hello &amp; <c.loud>welcome</c>\n\n"
           "00:03.100 --> 00:04.000\nto the show.\n")
    (doc,) = _read(tmp_path, "film.vtt", vtt)
    assert [(s.text, s.where) for s in doc.sentences] == [
        ("Hello & welcome to the show.", "cue intro 00:01.000 --> 00:03.000 to cue 2 00:03.100 --> 00:04.000")]
