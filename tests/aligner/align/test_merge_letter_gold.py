"""The hand-aligned letter gold (tests/data/letter/gold.*.jsonl) against the real segmentation, and the merge
of the three gold pairs into trilingual units: every gold link kept whole, nothing added, and the German
introduction, translator's note and outro left out."""

from __future__ import annotations

import pytest

from aligner.align.merge import PairLinks, merge_pairs
from support import letter_documents, letter_expectations, letter_gold

EXPECT = letter_expectations()


@pytest.fixture(scope="module")
def letter():
    docs = letter_documents()
    sentences = {lang: d.sentence_texts for lang, d in docs.items()}
    return docs, {pair: letter_gold(pair, sentences) for pair in ("en-zh", "en-de", "zh-de")}


def test_gold_covers_every_sentence_once_in_order(letter):
    docs, gold = letter
    for pair, links in gold.items():
        a, b = pair.split("-")
        src = [i for link in links if link.src for i in link.src]
        tgt = [j for link in links if link.tgt for j in link.tgt]
        assert src == list(range(len(docs[a].sentence_texts))), pair
        assert tgt == list(range(len(docs[b].sentence_texts))), pair


def test_merging_the_gold_pairs_keeps_every_link_and_leaves_the_additions_out(letter):
    docs, gold = letter
    ids = {lang: docs[lang].id for lang in ("en", "zh", "de")}
    pairs = [PairLinks(ids[p[:2]], ids[p[3:]], tuple(gold[p])) for p in gold]
    units = merge_pairs([ids["en"], ids["zh"], ids["de"]], [len(docs[x].sentence_texts) for x in ("en", "zh", "de")], pairs)
    unit_of = {(doc, s): k for k, u in enumerate(units) for doc, sents in u.sentences.items() for s in sents}
    for pair, links in gold.items():
        a, b = ids[pair[:2]], ids[pair[3:]]
        for link in links:
            members = {unit_of.get((a, s)) for s in link.src} | {unit_of.get((b, t)) for t in link.tgt}
            if link.src and link.tgt:
                assert len(members) == 1 and None not in members, (pair, link)
    german = docs["de"].sentence_texts
    for key in ("intro_de", "translator_note_de", "outro_de"):
        for sentence in EXPECT[key]:
            assert (ids["de"], german.index(sentence)) not in unit_of, sentence
    title = docs["en"].sentence_texts.index(EXPECT["without_german"][0]["en"])
    assert set(units[unit_of[(ids["en"], title)]].sentences) == {ids["en"], ids["zh"]}
    assert all(len(u.sentences) == 3 for u in units[2:-1])  # the letter's body is trilingual
