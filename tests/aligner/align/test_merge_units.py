"""Merging pairwise links into multilingual units: transitivity, agreement between pairs overriding a single
pair's mistake, legitimate merges (2-2-1), units lacking a language, no crossing units."""

from __future__ import annotations

from aligner.align.links import Link
from aligner.align.merge import MergeStats, PairLinks, merge_pairs, pair_view

DOCS = ["en", "zh", "de"]


def one_to_one(pairs, conf=0.9):
    return tuple(Link((i,), (j,), conf) for i, j in pairs)


def as_sets(units):
    return [{d: s for d, s in u.sentences.items()} for u in units]


def test_transitivity_fills_a_link_one_pair_missed():
    pairs = [
        PairLinks("en", "zh", one_to_one([(0, 0), (1, 1), (2, 2)])),
        PairLinks("en", "de", one_to_one([(0, 0), (1, 1), (2, 2)])),
        PairLinks("zh", "de", one_to_one([(0, 0), (2, 2)]) + (Link((1,), ()), Link((), (1,)))),
    ]
    units = merge_pairs(DOCS, [3, 3, 3], pairs)
    assert as_sets(units) == [{"en": (i,), "zh": (i,), "de": (i,)} for i in range(3)]


def test_two_pairs_that_agree_overrule_a_shifted_third():
    truth = [(i, i) for i in range(8)]
    shifted = [(0, 0), (1, 1), (2, 2), (3, 4), (4, 5), (5, 6), (6, 7)]  # en-de slips by one after 2
    pairs = [
        PairLinks("en", "zh", one_to_one(truth, 0.9)),
        PairLinks("zh", "de", one_to_one(truth, 0.9)),
        PairLinks("en", "de", one_to_one(shifted, 0.6) + (Link((), (3,)), Link((7,), ()))),
    ]
    stats = MergeStats()
    units = merge_pairs(DOCS, [8, 8, 8], pairs, stats=stats)
    assert as_sets(units) == [{"en": (i,), "zh": (i,), "de": (i,)} for i in range(8)]
    assert stats.rejected.get("contradicted by a third document", 0) >= 1
    assert stats.supported > 0 and stats.contradicted > 0


def test_a_sentence_merged_in_one_language_makes_a_2_2_1_unit():
    pairs = [
        PairLinks("en", "zh", one_to_one([(0, 0), (1, 1), (2, 2)])),
        PairLinks("en", "de", (Link((0,), (0,), 0.9), Link((1, 2), (1,), 0.8))),
        PairLinks("zh", "de", (Link((0,), (0,), 0.9), Link((1, 2), (1,), 0.8))),
    ]
    units = merge_pairs(DOCS, [3, 3, 2], pairs)
    assert as_sets(units) == [{"en": (0,), "zh": (0,), "de": (0,)}, {"en": (1, 2), "zh": (1, 2), "de": (1,)}]


def test_a_unit_may_lack_a_language_and_lone_sentences_are_no_units():
    pairs = [
        PairLinks("en", "zh", one_to_one([(0, 0), (1, 1)])),
        PairLinks("en", "de", (Link((0,), ()), Link((1,), (1,), 0.9), Link((), (0,)))),
        PairLinks("zh", "de", (Link((0,), ()), Link((1,), (1,), 0.9), Link((), (0,)))),
    ]
    units = merge_pairs(DOCS, [2, 2, 2], pairs)
    assert as_sets(units) == [{"en": (0,), "zh": (0,)}, {"en": (1,), "zh": (1,), "de": (1,)}]  # de 0 is alone


def test_units_never_cross_and_stay_small():
    pairs = [
        PairLinks("en", "zh", one_to_one([(0, 0), (1, 1), (2, 2)], 0.9)),
        PairLinks("en", "de", one_to_one([(0, 0), (1, 1), (2, 2)], 0.9) + one_to_one([(2, 0)], 0.2)),
    ]
    stats = MergeStats()
    units = merge_pairs(DOCS, [3, 3, 3], pairs, stats=stats)
    assert as_sets(units) == [{"en": (i,), "zh": (i,), "de": (i,)} for i in range(3)]
    assert sum(stats.rejected.values()) == 1
    big = [PairLinks("en", "zh", (Link(tuple(range(6)), (0,), 0.9),))]
    assert merge_pairs(DOCS, [6, 1, 0], big) == []  # more than max_per_doc sentences of one document


def test_a_sentence_two_pairs_leave_out_is_trimmed_from_the_third_pairs_link():
    # de 1 is an addition (a translator's note): zh-de leaves it null, en-de wrongly glues it to de 0
    pairs = [
        PairLinks("en", "zh", one_to_one([(0, 0), (1, 1)])),
        PairLinks("en", "de", (Link((0,), (0, 1), 0.9), Link((1,), (2,), 0.9))),
        PairLinks("zh", "de", (Link((0,), (0,), 0.9), Link((), (1,), 0.2), Link((1,), (2,), 0.9))),
    ]
    stats = MergeStats()
    units = merge_pairs(DOCS, [2, 2, 3], pairs, stats=stats)
    assert as_sets(units) == [{"en": (0,), "zh": (0,), "de": (0,)}, {"en": (1,), "zh": (1,), "de": (2,)}]
    assert stats.trimmed == 1
    # without a third document to confirm, the link stays whole
    alone = merge_pairs(DOCS, [2, 2, 3], pairs[1:2])
    assert as_sets(alone)[0] == {"en": (0,), "de": (0, 1)}


def test_two_sentences_one_pair_missed_stay_in_the_unit_the_other_pairs_agree_on():
    # en 1 and zh 1 translate each other, but en-zh left both alone; en-de and zh-de put them with de 1
    pairs = [
        PairLinks("en", "zh", one_to_one([(0, 0), (2, 2)]) + (Link((1,), ()), Link((), (1,)))),
        PairLinks("en", "de", (Link((0,), (0,), 0.9), Link((1, 2), (1,), 0.9))),
        PairLinks("zh", "de", (Link((0,), (0,), 0.9), Link((1, 2), (1,), 0.9))),
    ]
    stats = MergeStats()
    units = merge_pairs(DOCS, [3, 3, 2], pairs, stats=stats)
    assert as_sets(units) == [{"en": (0,), "zh": (0,), "de": (0,)}, {"en": (1, 2), "zh": (1, 2), "de": (1,)}]
    assert stats.trimmed == 0


def test_a_pair_sees_its_own_finer_links_inside_a_unit_a_third_language_merged():
    # de renders en 1 and en 2 as one sentence; en-zh keeps them apart, and zh-de agrees with de
    pairs = [
        PairLinks("en", "zh", one_to_one([(0, 0), (1, 1), (2, 2), (3, 3)], 0.95)),
        PairLinks("en", "de", one_to_one([(0, 0), (3, 2)]) + (Link((1, 2), (1,), 0.8),)),
        PairLinks("zh", "de", one_to_one([(0, 0), (3, 2)]) + (Link((1, 2), (1,), 0.8),)),
    ]
    units = merge_pairs(DOCS, [4, 4, 3], pairs)
    assert {"en": (1, 2), "zh": (1, 2), "de": (1,)} in as_sets(units)
    en_zh = as_sets(pair_view(units, pairs[0]))
    assert en_zh == [{"en": (i,), "zh": (i,)} for i in range(4)]
    assert [u.confidence for u in pair_view(units, pairs[0])][1:3] == [0.95, 0.95]
    # en-de cannot tell en 1 from en 2: its view keeps the unit whole, without zh
    assert as_sets(pair_view(units, pairs[1])) == [{"en": (0,), "de": (0,)}, {"en": (1, 2), "de": (1,)},
                                                   {"en": (3,), "de": (2,)}]


def test_a_pair_link_reaching_outside_the_unit_does_not_split_it():
    # the merge trimmed en 2 out (zh and de both leave it alone), so en-zh's 2-1 link is not a tile of the unit
    unit_pairs = [
        PairLinks("en", "zh", (Link((0,), (0,), 0.9), Link((1, 2), (1,), 0.7))),
        PairLinks("en", "de", one_to_one([(0, 0), (1, 1)]) + (Link((2,), ()),)),
        PairLinks("zh", "de", one_to_one([(0, 0), (1, 1)])),
    ]
    units = merge_pairs(DOCS, [3, 2, 2], unit_pairs)
    view = as_sets(pair_view(units, unit_pairs[0]))
    assert all(set(u) == {"en", "zh"} for u in view)
    assert {"en": (1,), "zh": (1,)} in view  # the unit as merged, not the pair's 2-1
    assert all(2 not in u["en"] for u in view)
