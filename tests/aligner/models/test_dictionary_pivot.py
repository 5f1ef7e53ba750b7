"""The pivot dictionaries on real CC-CEDICT and Ding data: lookups, coverage, the missing-file path."""

from __future__ import annotations

import pytest

from aligner.models import dictionary as dm
from aligner.models import lexicon as lx
from aligner.models.dictionary import bag_overlap, load_dictionary

needs_ding = pytest.mark.skipif(not lx.DING_PATH.is_file(), reason="Ding de-en (trans-de-en) not installed")


def test_cedict_keeps_every_reading_of_a_headword():
    zh_en = load_dictionary("zh", "en")
    # 行 is both xing2 "to walk" and hang2 "row": the package API keeps only one of them
    glosses = zh_en.translations("行", "zh")
    assert "walk" in glosses and "row" in glosses


def test_traditional_and_simplified_headwords_both_map():
    zh_en = load_dictionary("zh", "en")
    assert zh_en.translations("媒體", "zh") & zh_en.translations("媒体", "zh")
    assert zh_en.coverage("媒體公司", "a media company") == (1.0, 1.0)


def test_zh_en_coverage_ranks_the_translation_first():
    zh_en = load_dictionary("zh", "en")
    src = "我们正在建立一个新的媒体公司。"
    right = zh_en.overlap(src, "We are building a new media company.")
    wrong = zh_en.overlap(src, "The weather was cold and rainy yesterday.")
    assert right > 0.5 > wrong


def test_function_words_are_not_content():
    zh_en = load_dictionary("zh", "en")
    assert len(zh_en.bag("已经", "zh")) == 0
    assert len(zh_en.bag("it is already there", "en")) == 0


@needs_ding
def test_german_inflection_and_compounds():
    de_en = load_dictionary("de", "en")
    assert "world" in de_en.translations("Welten", "de")  # plural from Ding's sub-entries
    assert {"world", "build"} <= de_en.translations("Weltenbau", "de")  # compound split into known parts
    assert de_en.coverage("Universelle Simulation und Weltenbau", "Universal simulation and world building") == (
        1.0,
        1.0,
    )
    # a meaning shift leaves the content words uncovered
    assert de_en.coverage("Wir mussten das Gegenteil tun.", "We had to work backwards.")[0] < 0.5


@needs_ding
def test_zh_de_pivots_through_english():
    zh_de = load_dictionary("zh", "de")
    assert zh_de.coverage("基础", "Das Fundament") == (1.0, 1.0)
    assert "fundament" in zh_de.translations("基础", "zh")
    src = zh_de.bags(["媒体公司", "天气很冷"], "zh")
    tgt = zh_de.bags(["ein Medienunternehmen", "ein Medienunternehmen"], "de")
    assert bag_overlap(src[0], tgt[0]) > bag_overlap(src[1], tgt[1])


def test_missing_ding_gives_none_not_a_crash(without_dictionary_source):
    without_dictionary_source("DING_PATH")
    assert load_dictionary("de", "en") is None
    assert load_dictionary("zh", "de") is None
    assert "unavailable" in dm.dictionary_status("de", "en")
    assert load_dictionary("zh", "en") is not None


def test_unsupported_pairs_are_none():
    assert load_dictionary("ru", "en") is None
    assert load_dictionary("en", "en") is None
    assert "same language" in dm.dictionary_status("en", "en")


def test_lexicon_cache_is_keyed_by_source_file(monkeypatch, tmp_path):
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "lexicon.txt"
    source.write_text("one")
    built = []

    def build():
        built.append(1)
        return lx.Lexicon.from_mapping("zh", "test", "1", {"词": (0,), "字": (1, 0)}, ["word", "character"])

    assert lx.load_cached("test", source, build).get("字") == (1, 0)
    again = lx.load_cached("test", source, build)
    assert again.get("字") == (1, 0) and again.get("词") == (0,) and again.pivots == ["word", "character"]
    assert len(built) == 1
    source.write_text("changed size")
    lx.load_cached("test", source, build)
    assert len(built) == 2
