"""Document alignment: the local-alignment search on its own, the decision on real parallel and non-parallel
documents (Text+Berg de-fr articles of one yearbook: same domain, different articles), and the grouping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from aligner.align.docalign import (
    DocumentAligner,
    PairDecision,
    decisions_frame,
    document_groups,
    local_alignment,
    margin_matrix,
    ordered_stretches,
)
from benchmarks.datasets import DATA as BENCH_DATA

TEXTBERG = BENCH_DATA / "textberg-defr"


@dataclass
class Doc:
    id: str
    lang: str
    sentence_texts: list[str]


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_local_alignment_finds_the_diagonal_stretch_in_noise():
    rng = np.random.default_rng(0)
    scores = rng.normal(-0.3, 0.1, size=(40, 30))
    for k in range(12):  # a parallel stretch a[10:22] ~ b[5:17], with one skipped sentence on each side
        scores[10 + k + (k > 6), 5 + k] = 0.5
    total, cells = local_alignment(scores, gap=0.05)
    assert cells[0] == (10, 5) and cells[-1] == (22, 16)
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(cells, cells[1:]))
    assert total == pytest.approx(12 * 0.5 - 0.05, abs=1e-9)


def test_a_weak_stretch_inside_a_translation_does_not_cut_it_in_half():
    scores = np.full((60, 60), -1.0)
    for k in range(60):
        scores[k, k] = 0.4 if not 25 <= k < 40 else -0.8  # a list of names in the middle: weak margins
    best = local_alignment(scores, gap=0.5)[1]
    assert (best[0], best[-1]) == ((0, 0), (24, 24))  # one local alignment keeps only the larger half
    stretches = ordered_stretches(scores, 0.5, lambda cells, rows, cols: len(cells) >= 5)
    assert [(s[0], s[-1]) for s in stretches] == [((0, 0), (24, 24)), ((40, 40), (59, 59))]


def test_local_alignment_of_all_negative_scores_is_empty():
    total, cells = local_alignment(-np.ones((5, 7)), gap=0.1)
    assert (total, cells) == (0.0, [])


def test_margin_cancels_a_row_that_is_similar_to_everything():
    sim = np.full((4, 4), 0.2) + np.eye(4) * 0.5
    sim[2] += 0.3  # a sentence that shares vocabulary with every other one
    margins = margin_matrix(sim, k=2)
    assert (margins.argmax(axis=1) == np.arange(4)).all()
    assert margins[2, 2] == pytest.approx(margins[0, 0], abs=0.2)


def test_groups_are_connected_components_of_accepted_pairs():
    docs = [Doc(x, lang, []) for x, lang in [("a", "en"), ("b", "de"), ("c", "zh"), ("d", "fr"), ("e", "fr")]]

    def verdict(a: str, b: str, parallel: bool) -> PairDecision:
        return PairDecision(a, "", b, "", 1, 1, 0.0, 0.0, 0, 0, None, None, parallel, "")

    groups = document_groups(docs, [verdict("a", "b", True), verdict("c", "b", True), verdict("d", "e", False)])
    assert [[d.id for d in g] for g in groups] == [["a", "b", "c"]]
    frame = decisions_frame([verdict("a", "b", True)])
    assert frame["decision"].to_list() == ["parallel"] and frame["span_a"].to_list() == [""]


@pytest.fixture(scope="module")
def textberg() -> dict[str, tuple[list[str], list[str]]]:
    return {i: (_lines(TEXTBERG / f"test{i}.de"), _lines(TEXTBERG / f"test{i}.fr")) for i in ("2", "3", "4")}


def test_same_domain_articles_pair_only_with_their_own_translation(textberg):
    docs = [Doc(f"{i}.de", "de", de) for i, (de, _) in textberg.items()]
    docs += [Doc(f"{i}.fr", "fr", fr) for i, (_, fr) in textberg.items()]
    decisions = DocumentAligner().decide(docs)
    assert len(decisions) == 9  # every de-fr combination is a candidate, same-language ones are not
    for d in decisions:
        assert d.parallel == (d.doc_a.split(".")[0] == d.doc_b.split(".")[0]), d
        if d.parallel:
            assert d.coverage_a > 0.9 and d.coverage_b > 0.9 and d.anchors > 0.5 * d.matched
        else:
            assert d.anchors < 3
    groups = document_groups(docs, decisions)
    assert sorted(sorted(x.id for x in g) for g in groups) == [[f"{i}.de", f"{i}.fr"] for i in ("2", "3", "4")]


def test_an_article_inside_unrelated_text_is_found_with_its_boundaries(textberg):
    (de3, _), (de4, fr4) = textberg["3"], textberg["4"]
    before, after = de3[:25], de3[40:60]
    mixed = Doc("mixed.de", "de", before + de4 + after)
    decision = DocumentAligner().compare(mixed, Doc("4.fr", "fr", fr4), *DocumentAligner().embed([mixed, Doc("4.fr", "fr", fr4)]))
    assert decision.parallel
    first, last = decision.span_a
    assert abs(first - len(before)) <= 1 and abs(last - (len(before) + len(de4) - 1)) <= 1


def test_chapters_of_one_book_pair_only_with_their_own_translation():
    """Neighbouring Bible chapters share names, formulas and style: the hardest non-parallel pairs here."""
    bible = BENCH_DATA / "bible-enzh"
    docs = []
    for lang in ("en", "zh"):
        verses = _lines(bible / f"{lang}.verse")
        chapters: dict[str, list[str]] = {}
        for text, verse in zip(_lines(bible / f"{lang}.txt"), verses):
            chapter = verse.rsplit(":", 1)[0]
            if chapter.startswith("Gen:") and int(chapter[4:]) in range(24, 38):
                chapters.setdefault(chapter, []).append(text)
        docs += [Doc(f"{c}.{lang}", lang, texts) for c, texts in chapters.items()]
    decisions = DocumentAligner().decide(docs)
    wrong = [d for d in decisions if d.parallel != (d.doc_a.rsplit(".", 1)[0] == d.doc_b.rsplit(".", 1)[0])]
    assert not wrong, [(d.doc_a, d.doc_b, d.anchors, d.reason) for d in wrong]
    assert len(document_groups(docs, decisions)) == 14
