"""Fidelity on the hand-judged links of a real translated letter (tests/data/fidelity), with the real
embedder and dictionaries: true links beat wrong ones, the labelled sets keep their AUC, and the document
report finds the added translator's note and the unrendered title/date/copyright."""

from __future__ import annotations

import polars as pl
import pytest

from aligner.fidelity.scorer import FidelityScorer, document_gaps, fidelity_report, score_units
from benchmarks.fidelity_bench import corruptions, load_items, roc_auc, score_items

ITEMS = load_items()
BASE = [i for i in ITEMS if i.kind == "hand"]


def _doc(pair):
    return sorted((i for i in BASE if i.pair == pair), key=lambda i: i.pos)


@pytest.mark.parametrize("pair", ["en-de", "zh-de", "en-zh"])
def test_true_link_outscores_source_with_next_target(pair):
    doc = _doc(pair)
    src_lang, tgt_lang = pair.split("-")
    scorer = FidelityScorer(src_lang, tgt_lang)
    src, tgt = [i.src for i in doc], [i.tgt for i in doc]
    true = scorer.score(src, tgt)["fidelity"].to_list()
    shifted = scorer.score(src[:-1], tgt[1:])["fidelity"].to_list()
    sound = [k for k, i in enumerate(doc[:-1]) if i.label == 1 and not i.borderline]
    assert sound
    losers = [doc[k].src for k in sound if not true[k] > shifted[k]]
    assert not losers


@pytest.fixture(scope="module")
def scored():
    # every other corruption keeps the test well under a minute (the benchmark scores them all)
    return score_items(ITEMS + corruptions(ITEMS)[::2], BASE)


def test_auc_on_hand_judged_and_corrupted_links(scored):
    hand = scored.filter(pl.col("kind").is_in(["hand", "alt"]))
    auc_hand = roc_auc(hand["fidelity"], hand["label"])
    corr = scored.filter((pl.col("kind") != "alt") & ((pl.col("kind") != "hand") | ((pl.col("label") == 1) & ~pl.col("borderline"))))
    auc_corr = roc_auc(corr["fidelity"], corr["label"])
    # regression guards under the measured figures on this set (hand .876, corruptions .961; the benchmark
    # reports the held-out half separately); the acceptance goals are .85 and .95
    assert auc_hand >= 0.85
    assert auc_corr >= 0.94
    # every kind of corruption is caught better than chance, numbers almost always
    for kind, floor in (("number", 0.95), ("clause", 0.85), ("negation", 0.9), ("swap", 0.95)):
        sub = corr.filter(pl.col("kind").is_in([kind, "hand"]))
        assert roc_auc(sub["fidelity"], sub["label"]) >= floor, kind


def test_corruptions_are_flagged(scored):
    numbers = scored.filter(pl.col("kind") == "number")
    assert numbers.height and all("number-mismatch" in f for f in numbers["flags"].to_list())


def _letter_units() -> pl.DataFrame:
    """A trilingual units table of the letter: en source, de with an article around it and a note inside."""
    en_de = _doc("en-de")
    rows = []
    uid = 0

    def unit(texts: dict[str, str]):
        nonlocal uid
        for lang, text in texts.items():
            rows.append({"corpus": "letter", "unit_id": uid, "lang": lang, "doc_id": f"doc-{lang}",
                         "sent_ids": [uid], "text": text, "link": "-".join("1" if l in texts else "0" for l in ("en", "de"))})
        uid += 1

    unit({"de": "Die diesjährigen großen Modelle waren in der ersten Jahreshälfte äußerst lebhaft."})
    unit({"en": "A New Media Landscape"})
    unit({"en": "October 2024"})
    for item in en_de:
        unit({"en": item.src, "de": item.tgt})
        if item.pos == 15:
            unit({"de": "Daguerreotypie ist eine frühe Fototechnik, die 1839 vom Franzosen Louis Daguerre erfunden wurde."})
    unit({"en": "© 2024 Cristobal Valenzuela."})
    unit({"de": "Stimmen Sie den Ansichten des CEO von Runway zu?"})
    from corpus.formats.table import units_frame

    return units_frame(rows)


def test_document_gaps_report_note_as_addition_and_title_as_unrendered():
    units = _letter_units()
    gaps = document_gaps(units, "letter", "en", "de")
    assert gaps["additions"] == ["Daguerreotypie ist eine frühe Fototechnik, die 1839 vom Franzosen Louis Daguerre erfunden wurde."]
    assert gaps["omitted"] == ["A New Media Landscape", "October 2024", "© 2024 Cristobal Valenzuela."]
    assert gaps["outside_units"] == 2  # the article's own sentences around the letter are not additions
    assert gaps["rendered_sentences"] == len(_doc("en-de"))


def test_score_units_fills_fidelity_and_flags():
    units = _letter_units()
    out = score_units(units, source_lang="en")
    de = out.filter((pl.col("lang") == "de") & pl.col("link").eq("1-1"))
    assert de["fidelity"].null_count() == 0 and de["fidelity"].min() >= 0 and de["fidelity"].max() <= 1
    assert out.filter(pl.col("lang") == "en")["fidelity"].null_count() == out.filter(pl.col("lang") == "en").height
    note = out.filter(pl.col("text").str.starts_with("Daguerreotypie"))
    assert note["flags"][0].to_list() == ["addition"]
    title = out.filter(pl.col("text") == "A New Media Landscape")
    assert title["flags"][0].to_list() == ["not-rendered:de"]
    per_unit, per_doc = fidelity_report(units, source_lang="en")
    row = per_doc.row(0, named=True)
    assert row["coverage"] == pytest.approx(len(_doc("en-de")) / (len(_doc("en-de")) + 3))
    assert row["addition_unit_ids"] == note["unit_id"].to_list()
    assert per_unit.height == len(_doc("en-de"))
    worst = per_unit.sort("fidelity").head(8)["src"].to_list()
    # the clearest meaning shift and the swapped-in note are among the worst units
    assert any(s.startswith("Universal Simulation") for s in worst)


def test_unaligned_sentences_count_as_omissions_and_additions():
    """A builder that leaves unmatched sentences out of the units (listing them apart) gets the same report."""
    en_de = _doc("en-de")
    rows, unaligned = [], []
    de_pos = 3  # the German article starts with three sentences of its own
    for k, item in enumerate(en_de):
        rows.append({"corpus": "c", "unit_id": k, "lang": "en", "doc_id": "en", "sent_ids": [k + 1], "text": item.src})
        rows.append({"corpus": "c", "unit_id": k, "lang": "de", "doc_id": "de", "sent_ids": [de_pos], "text": item.tgt})
        de_pos += 1
        if k == 15:
            unaligned.append({"corpus": "c", "doc_id": "de", "lang": "de", "sent_id": de_pos, "text": "Daguerreotypie ist eine frühe Fototechnik."})
            de_pos += 1
    unaligned += [
        {"corpus": "c", "doc_id": "en", "lang": "en", "sent_id": 0, "text": "A New Media Landscape"},
        # a document in no group (the builder's corpus "") and a same-language duplicate: neither counts
        {"corpus": "", "doc_id": "news", "lang": "de", "sent_id": 5, "text": "Eine andere Nachricht."},
        {"corpus": "c", "doc_id": "de-copy", "lang": "de", "sent_id": 5, "text": "Eine Kopie."},
        {"corpus": "c", "doc_id": "en", "lang": "en", "sent_id": len(en_de) + 1, "text": "© 2024 Cristobal Valenzuela."},
        {"corpus": "c", "doc_id": "de", "lang": "de", "sent_id": 0, "text": "Ein Artikel über Runway."},
        {"corpus": "c", "doc_id": "de", "lang": "de", "sent_id": de_pos, "text": "Stimmen Sie zu?"},
    ]
    from corpus.formats.table import units_frame

    reasons = {"c": "no counterpart in the other languages", "": "document parallel to no other document"}
    # the builder's table (aligner.pipeline.group.UNALIGNED_SCHEMA): corpus, doc_id, lang, sent_id, text, reason
    unaligned = pl.DataFrame([{**u, "reason": reasons[u["corpus"]]} for u in unaligned],
                             schema={"corpus": pl.Utf8, "doc_id": pl.Utf8, "lang": pl.Utf8, "sent_id": pl.Int64,
                                     "text": pl.Utf8, "reason": pl.Utf8})
    gaps = document_gaps(units_frame(rows), "c", "en", "de", unaligned)
    assert gaps["additions"] == ["Daguerreotypie ist eine frühe Fototechnik."]
    assert gaps["omitted"] == ["A New Media Landscape", "© 2024 Cristobal Valenzuela."]
    assert gaps["src_sentences"] == len(en_de) + 2 and gaps["rendered_sentences"] == len(en_de)
    per_unit, per_doc = fidelity_report(units_frame(rows), source_lang="en", unaligned=unaligned)
    row = per_doc.row(0, named=True)
    assert row["additions"] == ["Daguerreotypie ist eine frühe Fototechnik."]
    assert row["omitted"] == ["A New Media Landscape", "© 2024 Cristobal Valenzuela."]
    assert row["coverage"] == pytest.approx(len(en_de) / (len(en_de) + 2))


def test_report_files_and_terminal_summary(tmp_path):
    from aligner.fidelity.scorer import summary, write_report

    units = _letter_units()
    per_unit, per_doc = fidelity_report(units, source_lang="en")
    written = write_report(per_unit, per_doc, tmp_path / "output")
    assert sorted(p.name for p in written) == [
        "fidelity.csv", "fidelity.parquet", "fidelity_documents.csv", "fidelity_documents.parquet"]
    back = pl.read_parquet(tmp_path / "output" / "fidelity.parquet")
    assert back.height == per_unit.height and back["flags"].dtype == pl.List(pl.Utf8)
    assert pl.read_csv(tmp_path / "output" / "fidelity_documents.csv").height == 1
    text = summary(per_doc, per_unit)
    assert "letter en->de" in text and "added:        Daguerreotypie" in text
    assert "not rendered: A New Media Landscape" in text and "fidelity:" in text
