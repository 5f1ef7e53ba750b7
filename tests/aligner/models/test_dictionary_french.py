"""The French pivot lexicon on real FreeDict data (Debian dict-freedict-*): dictd parsing, fr-en and
fr -> de -> en lookups, elision and plurals, the missing-package path."""

from __future__ import annotations

import pytest

from aligner.models import dictionary as dm
from aligner.models import lexicon as lx
from aligner.models.dictionary import bag_overlap, load_dictionary

needs_freedict = pytest.mark.skipif(bool(lx.freedict_fr_missing()),
                                    reason="FreeDict fra-eng/eng-fra/fra-deu/deu-fra not installed")
needs_ding = pytest.mark.skipif(not lx.DING_PATH.is_file(), reason="Ding de-en (trans-de-en) not installed")


@needs_freedict
def test_dictd_entries_keep_translations_not_definitions():
    entries, edition = lx.read_dictd("fra-deu")
    assert edition != "unknown"
    maison = [t for head, ts in entries if head == "maison" for t in ts]
    assert "Haus" in maison and "Heim" in maison
    # WikDict follows each sense with a French definition ("Bâtiment servant de logis, ..."): not German
    assert not any("logis" in t or "Bâtiment" in t for t in maison)
    fra_eng = dict(lx.read_dictd("fra-eng")[0])
    assert "house" in fra_eng["maison"]
    assert {"have", "have got", "wear"} <= set(fra_eng["avoir"])  # numbered senses, comma-separated


@needs_freedict
def test_french_english_words_meet():
    en_fr = load_dictionary("en", "fr")
    assert "house" in en_fr.translations("maison", "fr")
    assert en_fr.coverage("The government house", "La maison du gouvernement") == (1.0, 1.0)
    right = en_fr.overlap("The government built a house.", "Le gouvernement a construit une maison.")
    wrong = en_fr.overlap("Snow fell on the glacier.", "Le gouvernement a construit une maison.")
    assert right > 0.5 > wrong


@needs_freedict
@needs_ding
def test_french_meets_german_through_german_translations():
    de_fr = load_dictionary("de", "fr")
    assert de_fr.coverage("der Berg", "la montagne") == (1.0, 1.0)
    assert de_fr.coverage("Gipfel", "sommet") == (1.0, 1.0)
    src = de_fr.bags(["Der Gipfel des Berges war voller Schnee."] * 2, "de")
    tgt = de_fr.bags(["Le sommet de la montagne était plein de neige.", "Les chevaux mangeaient de l'herbe."], "fr")
    # an unrelated sentence keeps some chance overlap ('herbe' and 'Gipfel' share 'top'), but stays below
    # the feature's baseline of 0.3, far from the translation
    assert bag_overlap(src[0], tgt[0]) > 0.6 > 0.3 > bag_overlap(src[1], tgt[1])
    # unrelated words share no pivot
    assert de_fr.coverage("Pferd", "neige") == (0.0, 0.0)
    assert "montagne" in de_fr.translations("Berg", "de") and "neige" not in de_fr.translations("Berg", "de")


@needs_freedict
@needs_ding
def test_elision_and_plurals():
    de_fr = load_dictionary("de", "fr")
    assert de_fr.coverage("des Mannes", "de l'homme") == (1.0, 1.0)
    assert de_fr.coverage("des Mannes", "d’homme") == (1.0, 1.0)  # typographic apostrophe
    assert len(de_fr.bag("qu'il l'a vu d'ici", "fr")) == 1  # que, il, le/la, de are function words: only 'vu'
    assert de_fr.coverage("die Pferde", "les chevaux") == (1.0, 1.0)  # -aux -> -al
    assert de_fr.coverage("die Gletscher", "les glaciers") == (1.0, 1.0)  # -s


@needs_freedict
def test_chinese_french_pivots_through_english():
    zh_fr = load_dictionary("zh", "fr")
    assert zh_fr.coverage("房子", "maison") == (1.0, 1.0)
    assert zh_fr.coverage("房子", "neige") == (0.0, 0.0)


@needs_freedict
@needs_ding
def test_french_lexicon_signature_names_its_sources():
    sig = load_dictionary("de", "fr").signature
    assert "fra-eng" in sig and "deu-fra" in sig and "ding" in sig and "stem-fr" in sig


def test_missing_freedict_gives_none_and_says_which_package(without_dictionary_source):
    without_dictionary_source("FREEDICT_DIR")
    assert load_dictionary("de", "fr") is None
    assert load_dictionary("fr", "en") is None
    status = dm.dictionary_status("zh", "fr")
    assert status.startswith("dict:unavailable") and "dict-freedict-fra-eng" in status
    assert load_dictionary("zh", "en") is not None


@needs_freedict
def test_without_ding_french_keeps_its_english_dictionaries(without_dictionary_source, monkeypatch, tmp_path):
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path / "cache"))
    without_dictionary_source("DING_PATH")
    assert load_dictionary("de", "fr") is None and "Ding" in dm.dictionary_status("de", "fr")
    en_fr = load_dictionary("en", "fr")
    assert en_fr.lexicons["fr"].name == "freedict-en"
    assert en_fr.coverage("house", "maison") == (1.0, 1.0)


def test_lexicon_cache_is_keyed_by_every_source_file(monkeypatch, tmp_path):
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path / "cache"))
    sources = (tmp_path / "a.index", tmp_path / "b.dict.dz")
    for p in sources:
        p.write_text("x")
    built = []

    def build():
        built.append(1)
        return lx.Lexicon.from_mapping("fr", "test", "1", {"maison": (0,)}, ["house"])

    assert lx.load_cached("test", sources, build).get("maison") == (0,)
    assert lx.load_cached("test", sources, build).pivots == ["house"]
    assert len(built) == 1
    sources[1].write_text("changed")
    lx.load_cached("test", sources, build)
    assert len(built) == 2
