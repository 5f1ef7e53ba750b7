"""`corpus build` end to end on a copy of the raw seeds: the trilingual letter corpus, with hand-made
expectations on parts of the letter (tests/data/letter), and nothing of the unrelated news articles."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from aligner.pipeline.group import NO_COUNTERPART, NOT_PARALLEL, OUTSIDE
from support import NEWS_SEEDS as NEWS
from support import SEEDS, letter_documents, letter_expectations, letter_gold

EXPECT = letter_expectations()
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

pytestmark = pytest.mark.slow  # every test reads the one `corpus build` of the seeds: 3-4.5 s


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("build")
    shutil.copytree(SEEDS, work / "seeds")
    run = subprocess.run(
        [sys.executable, "-c", "from aligner.cli import main; main()", "build", str(work / "seeds"),
         "--out", str(work / "output"), "--name", "valenzuela"],
        capture_output=True, text=True, cwd=work, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return work / "output", run.stdout


def _units(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "valenzuela.parquet")


def test_all_outputs_are_written(built):
    out, stdout = built
    names = {p.name for p in out.iterdir()}
    expected = {"valenzuela.tmx", "valenzuela.en-zh.tmx", "valenzuela.en-de.tmx", "valenzuela.zh-de.tmx",
                "valenzuela.parquet", "documents.csv", "unaligned.csv", "fidelity.parquet", "fidelity.csv",
                "compare.html"}
    assert expected <= names
    assert not [n for n in names if n.startswith(".")]  # no temporary files left behind
    assert "6 documents" in stdout and "3 parallel" in stdout and "units over en/zh/de" in stdout


def test_every_candidate_pair_is_listed_with_a_decision(built):
    out, _ = built
    docs = pl.read_csv(out / "documents.csv")
    assert docs.height == 13  # 6 documents, pairs of different languages
    assert set(docs["decision"]) == {"parallel", "not parallel"}
    parallel = docs.filter(pl.col("decision") == "parallel")
    assert parallel.height == 3
    assert not any(d.startswith(NEWS) for d in parallel["doc_a"].to_list() + parallel["doc_b"].to_list())


def test_no_sentence_of_the_news_articles_is_in_a_unit(built):
    out, _ = built
    units = _units(out)
    assert not units.filter(pl.col("doc_id").str.contains(r"^(000|002|003)_")).height
    unaligned = pl.read_csv(out / "unaligned.csv")
    news = unaligned.filter(pl.col("doc_id").str.contains(r"^(000|002|003)_"))
    assert news.height > 100 and set(news["reason"]) == {NOT_PARALLEL}


def test_german_intro_note_and_outro_are_in_no_unit(built):
    out, _ = built
    german = _units(out).filter(pl.col("lang") == "de")
    unaligned = pl.read_csv(out / "unaligned.csv").filter(pl.col("lang") == "de")
    reason = dict(zip(unaligned["text"], unaligned["reason"]))
    for key, why in (("intro_de", OUTSIDE), ("translator_note_de", NO_COUNTERPART), ("outro_de", OUTSIDE)):
        for sentence in EXPECT[key]:
            assert not german.filter(pl.col("text").str.contains(sentence, literal=True)).height, sentence
            assert reason.get(sentence) == why, sentence


def test_first_body_sentences_are_trilingual_units(built):
    out, _ = built
    units = _units(out)
    for expected in EXPECT["first_body_units"]:
        hit = units.filter((pl.col("lang") == "en") & pl.col("text").str.contains(expected["en"], literal=True))
        assert hit.height == 1, expected["en"]
        unit = units.filter(pl.col("unit_id") == hit["unit_id"][0])
        text = dict(zip(unit["lang"], unit["text"]))
        assert set(text) == {"en", "zh", "de"}
        assert expected["zh"] in text["zh"] and expected["de"] in text["de"]
        assert len(unit["link"].unique()) == 1 and unit["link"][0].count("-") == 2


def test_the_tmx_holds_all_three_languages_per_full_unit(built):
    out, _ = built
    tree = etree.parse(str(out / "valenzuela.tmx"))
    full = [tu for tu in tree.iter("tu") if {tuv.get(XML_LANG) for tuv in tu.iter("tuv")} >= {"en", "de"}
            and any(tuv.get(XML_LANG, "").startswith("zh") for tuv in tu.iter("tuv"))]
    units = _units(out)
    trilingual = units.group_by("unit_id").len().filter(pl.col("len") == 3).height
    assert len(full) == trilingual > 10
    pair = etree.parse(str(out / "valenzuela.en-de.tmx"))
    assert all({tuv.get(XML_LANG) for tuv in tu.iter("tuv")} == {"en", "de"} for tu in pair.iter("tu"))


def _pair_links(units: pl.DataFrame, a: str, b: str, sizes: dict[str, int]):
    """The units holding both languages as links a -> b, every other sentence a null link."""
    from aligner.align.links import Link

    both = (units.with_columns(pl.col("lang").str.slice(0, 2)).filter(pl.col("lang").is_in([a, b]))
            .group_by("unit_id").agg(pl.col("lang"), pl.col("sent_ids")).filter(pl.col("lang").list.len() == 2))
    pred, used = [], {a: set(), b: set()}
    for langs, ids in both.select("lang", "sent_ids").iter_rows():
        side = dict(zip(langs, ids))
        pred.append(Link(tuple(side[a]), tuple(side[b])))
        used[a].update(side[a])
        used[b].update(side[b])
    pred += [Link((i,), ()) for i in range(sizes[a]) if i not in used[a]]
    pred += [Link((), (j,)) for j in range(sizes[b]) if j not in used[b]]
    return pred


def test_units_agree_with_the_hand_alignment_of_the_letter(built):
    """The trilingual units projected onto each pair, and the pair TMX files (each pair's own view of the
    units), scored against tests/data/letter/gold.*.jsonl (`pytest -s` prints the figures the README quotes)."""
    from aligner.eval.alignment import evaluate
    from corpus.formats.tmx import read_tmx

    out, _ = built
    sentences = {lang: d.sentence_texts for lang, d in letter_documents().items()}
    sizes = {lang: len(texts) for lang, texts in sentences.items()}
    units = _units(out)
    for pair in ("en-zh", "en-de", "zh-de"):
        a, b = pair.split("-")
        gold = letter_gold(pair, sentences)
        trilingual = evaluate([gold], [_pair_links(units, a, b, sizes)])
        view = evaluate([gold], [_pair_links(read_tmx(out / f"valenzuela.{pair}.tmx"), a, b, sizes)])
        print(f"letter {pair}: trilingual units strict F1 {trilingual.f1_strict:.3f}, lax F1 "
              f"{trilingual.f1_lax:.3f}; pair TMX strict F1 {view.f1_strict:.3f}, lax F1 {view.f1_lax:.3f}")
        assert trilingual.f1_lax >= 0.95 and view.f1_lax >= 0.95, pair
        # the pair file is never coarser than the trilingual units, and finer where the pair can tell apart
        assert view.f1_strict >= trilingual.f1_strict, pair
        if pair == "en-zh":
            assert view.f1_strict > trilingual.f1_strict + 0.1
