"""The aligner on the real letter: the English/Chinese letter (seed 004) against the German article that
embeds a rendering of it (seed 001). Scored against the project's hand alignment by sentence text
(tests/data/letter/gold.*.jsonl), and the parts the German adds (introduction, translator's note, the
section after the letter) must come out as 0-1 links, never forced into links."""

from __future__ import annotations

import pytest

from aligner import Aligner
from aligner.eval.alignment import evaluate
from support import letter_documents, letter_expectations, letter_gold

EXPECT = letter_expectations()
ADDED_IN_GERMAN = EXPECT["intro_de"] + EXPECT["translator_note_de"] + EXPECT["outro_de"]


@pytest.fixture(scope="module")
def sentences():
    return {lang: d.sentence_texts for lang, d in letter_documents().items()}


@pytest.fixture(scope="module")
def alignments(sentences, embedder):
    out = {}
    for pair in ("en-de", "zh-de", "en-zh"):
        a, b = pair.split("-")
        out[pair] = Aligner(sentences[a], sentences[b], a, b, embedder=embedder).align()
    return out


# measured 2026-11-21: en-de strict .945, zh-de .950, en-zh .957 (.872 / .878 / .957 before the overlap feature)
@pytest.mark.parametrize("pair, strict, lax", [("en-de", 0.92, 0.95), ("zh-de", 0.92, 0.95), ("en-zh", 0.93, 0.96)])
def test_letter_alignment_against_the_hand_alignment(pair, strict, lax, sentences, alignments):
    scores = evaluate([letter_gold(pair, sentences)], [alignments[pair].links])
    assert scores.f1_strict >= strict, scores
    assert scores.f1_lax >= lax, scores


@pytest.mark.parametrize("pair", ["en-de", "zh-de"])
def test_what_the_german_adds_stays_unaligned(pair, sentences, alignments):
    """Introduction, translator's note and outro: 0-1 links. At least 85% of them today (the note on
    daguerreotypes and the heading after the letter are the known misses, see the strict test below)."""
    unaligned = {t for link in alignments[pair].links if not link.src for t in link.tgt}
    index = {s: i for i, s in enumerate(sentences["de"])}
    missed = [s for s in ADDED_IN_GERMAN if index[s] not in unaligned]
    assert len(missed) <= 0.15 * len(ADDED_IN_GERMAN), missed


def test_german_introduction_is_unaligned_against_english(sentences, alignments):
    unaligned = {t for link in alignments["en-de"].links if not link.src for t in link.tgt}
    index = {s: i for i, s in enumerate(sentences["de"])}
    assert all(index[s] in unaligned for s in EXPECT["intro_de"])


@pytest.mark.parametrize("pair", ["en-de", "zh-de"])
def test_translators_note_is_unaligned(pair, sentences, alignments):
    unaligned = {t for link in alignments[pair].links if not link.src for t in link.tgt}
    index = {s: i for i, s in enumerate(sentences["de"])}
    assert all(index[s] in unaligned for s in EXPECT["translator_note_de"])


def test_every_added_german_sentence_is_unaligned(sentences, alignments):
    unaligned = {t for link in alignments["en-de"].links if not link.src for t in link.tgt}
    index = {s: i for i, s in enumerate(sentences["de"])}
    assert all(index[s] in unaligned for s in ADDED_IN_GERMAN)


def test_title_and_date_the_german_lacks_are_unaligned(sentences, alignments):
    unaligned = {s for link in alignments["en-de"].links if not link.tgt for s in link.src}
    index = {s: i for i, s in enumerate(sentences["en"])}
    for unit in EXPECT["without_german"]:
        assert index[unit["en"]] in unaligned, unit["en"]


def test_body_translations_are_linked_with_high_confidence(sentences, alignments):
    en, de = sentences["en"], sentences["de"]
    by_text = {(tuple(en[k] for k in l.src), tuple(de[k] for k in l.tgt)): l for l in alignments["en-de"].links}
    link = by_text[(("Runway is a media and entertainment company.",),
                    ("Runway ist ein Medien- und Unterhaltungsunternehmen.",))]
    assert link.confidence > 0.9
    nulls = [l for l in alignments["en-de"].links if l.is_null]
    assert sum(l.confidence for l in nulls) / len(nulls) < 0.5  # nulls of added text are not "confident links"
