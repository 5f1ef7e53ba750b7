"""Gale-Church baseline: the numpy search returns exactly NLTK's pairs, and links cover every sentence once."""

from __future__ import annotations

from pathlib import Path

import nltk.translate.gale_church as nltk_gc
import pytest

from aligner.eval.alignment import evaluate
from aligner.align.galechurch import GaleChurch, _search, pairs_to_links
from aligner.align.links import Link, read_links
from benchmarks.datasets import DATA as BENCH_DATA

TB = BENCH_DATA / "textberg-defr"
BIBLE = BENCH_DATA / "bible-enzh"


def lines(path: Path, n: int | None = None) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[:n]


def lens(sents: list[str]) -> list[int]:
    return [len(s.strip()) for s in sents]


@pytest.mark.parametrize(
    "src,tgt",
    [
        (lines(TB / "test4.de"), lines(TB / "test4.fr")),
        (lines(BIBLE / "en.txt", 60), lines(BIBLE / "zh.txt", 75)),  # en-zh: many impossible beads
        (["kurz", "", "ein viel längerer Satz hier"], ["court", "une phrase beaucoup plus longue ici"]),
    ],
)
def test_numpy_search_returns_exactly_nltks_pairs(src, tgt):
    assert _search(lens(src), lens(tgt), None) == nltk_gc.align_blocks(lens(src), lens(tgt))


def test_wide_band_equals_full_search():
    src, tgt = lens(lines(TB / "test2.de")), lens(lines(TB / "test2.fr"))
    assert _search(src, tgt, 1000, 1.1) == _search(src, tgt, None, 1.1)


def test_pairs_to_links_groups_pairs_and_keeps_every_sentence():
    links = pairs_to_links([(0, 0), (1, 1), (2, 1), (4, 2), (4, 3)], 6, 5)
    assert [str(l) for l in links] == ["[0]:[0]", "[1, 2]:[1]", "[3]:[]", "[4]:[2, 3]", "[5]:[]", "[]:[4]"]


def covers_once_in_order(links: list[Link], n: int, m: int) -> bool:
    src = [i for l in links for i in l.src]
    tgt = [j for l in links for j in l.tgt]
    return src == list(range(n)) and tgt == list(range(m))


def test_real_article_aligns_better_than_chance_and_blocks_are_respected():
    de, fr = lines(TB / "test4.de"), lines(TB / "test4.fr")
    gold = read_links(TB / "test4.de-fr.gold")
    res = GaleChurch(de, fr).align()
    assert covers_once_in_order(res.links, len(de), len(fr))
    assert evaluate([gold], [res.links]).f1_lax > 0.5
    assert "aligner:gale-church" in res.signature and "band:auto" in res.signature
    nltk_res = GaleChurch(de, fr, engine="nltk").align()
    assert nltk_res.links == GaleChurch(de, fr, band=None, ratio=1).align().links
    # two blocks: no link may cross the block border
    blocked = GaleChurch(de, fr, blocks=[(20, 22), (len(de) - 20, len(fr) - 22)]).align()
    assert covers_once_in_order(blocked.links, len(de), len(fr))
    assert all(max(l.src, default=0) < 20 and max(l.tgt, default=0) < 22 or min(l.src, default=99) >= 20
               and min(l.tgt, default=99) >= 22 for l in blocked.links)
    with pytest.raises(ValueError):
        GaleChurch(de, fr, blocks=[(1, 1)])
    with pytest.raises(ValueError):
        GaleChurch(de, fr, engine="nltk", ratio="document")
