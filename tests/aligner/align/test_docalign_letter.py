"""Document alignment on the raw seeds: the letter's three versions form one group, the German article's
letter part is found between its introduction and its unrelated last section, and the three news articles
on the same company pair with nothing."""

from __future__ import annotations

import pytest

from aligner.align.docalign import DocumentAligner, decisions_frame, document_groups
from corpus.reading.reader import read_folder
from support import NEWS_SEEDS as NEWS
from support import SEEDS, letter_expectations

EXPECT = letter_expectations()


@pytest.fixture(scope="module")
def seeds():
    docs = read_folder(SEEDS)
    return docs, DocumentAligner().decide(docs)


def test_every_pair_of_different_languages_is_decided(seeds):
    docs, decisions = seeds
    expected = {(a.id, b.id) for i, a in enumerate(docs) for b in docs[i + 1 :] if a.lang != b.lang}
    assert {(d.doc_a, d.doc_b) for d in decisions} == expected
    frame = decisions_frame(decisions)
    assert frame.height == len(expected) and frame["reason"].str.len_chars().min() > 0


def test_news_articles_are_never_paired(seeds):
    _, decisions = seeds
    for d in decisions:
        if d.doc_a.startswith(NEWS) or d.doc_b.startswith(NEWS):
            assert not d.parallel, d
        else:
            assert d.parallel, d


def test_the_letter_is_one_group_and_the_german_letter_part_is_found(seeds):
    docs, decisions = seeds
    groups = document_groups(docs, decisions)
    assert len(groups) == 1 and sorted(d.lang for d in groups[0]) == ["de", "en", "zh"]
    german = next(d for d in groups[0] if d.lang == "de")
    texts = german.sentence_texts
    letter_first = texts.index(EXPECT["intro_de"][-1]) + 1
    letter_last = texts.index(EXPECT["outro_de"][0]) - 1
    spans = [d.span_a if d.doc_a == german.id else d.span_b for d in decisions if d.parallel and german.id in (d.doc_a, d.doc_b)]
    assert len(spans) == 2
    assert min(s[0] for s in spans) == letter_first
    assert max(s[1] for s in spans) == letter_last
    # the English/Chinese pair covers (almost) all of both halves of the mixed file
    en_zh = next(d for d in decisions if d.parallel and german.id not in (d.doc_a, d.doc_b))
    assert en_zh.coverage_a > 0.95 and en_zh.coverage_b > 0.95
