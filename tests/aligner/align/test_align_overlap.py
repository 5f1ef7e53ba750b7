"""The `overlap` feature (real embeddings of concatenated runs, Bertalign's evidence): its band products are
plain dot products, its scores are the cosines of the joined texts, and long documents leave it out unless
asked. What it changes in alignments is measured on the letter (test_align_letter.py: strict F1 en-de
.872 -> .945, zh-de .878 -> .950, which the thresholds there need)."""

from __future__ import annotations

import numpy as np
import pytest

from aligner import Aligner
from aligner.align import features as feats
from aligner.align import search
from corpus.text.languages import join_sentences


def test_band_products_are_the_dot_products_of_each_band_cell():
    rng = np.random.default_rng(3)
    rows, table = rng.normal(size=(41, 8)).astype(np.float32), rng.normal(size=(37, 8)).astype(np.float32)
    band = search.Band.around(np.arange(41), np.minimum(np.arange(41) * 36 // 40, 36), 40, 36, widen=3)
    cols = np.clip(band.cols(), 0, 36)
    got = feats.band_products(rows, table, cols, chunk=7)  # several chunks
    want = np.einsum("id,ikd->ik", rows, table[cols])
    assert np.allclose(got, want, atol=1e-5)


def test_scores_are_cosines_of_the_joined_texts(embedder):
    src = ["Der Gipfel ist 8848 Meter hoch.", "Er wurde 1953 erstmals bestiegen.", "Das Wetter war gut."]
    tgt = ["Le sommet culmine à 8848 mètres et fut gravi pour la première fois en 1953.", "Il faisait beau."]
    vecs = embedder.encode(src + tgt)
    pair = feats.SentencePair(src, tgt, "de", "fr", vecs[:3], vecs[3:])
    band = search.Band.full(3, 2)
    feature = feats.RunEmbedding(embedder)
    feature.neighbour_weight = 0.0  # the plain cosine
    scores = feature.scores(pair, band, [(2, 1), (1, 1)])
    joined = embedder.encode([join_sentences(src[:2], "de"), tgt[0]])
    assert scores[2, 1][2, 1] == pytest.approx(float(joined[0] @ joined[1]), abs=1e-5)
    assert scores[1, 1][1, 1] == pytest.approx(float(vecs[0] @ vecs[3]), abs=1e-5)
    assert np.isneginf(scores[2, 1][1, 1])  # a 2-1 link cannot end after one source sentence


def test_every_feature_at_every_length(embedder):
    """No length cliff: a long document gets the same features, and the weights made for them, as a short one
    (the signature never says `off(`); only `features=` chooses."""
    from aligner.align import aligner as align
    long_src = [f"Satz Nummer {k} handelt von etwas anderem." for k in range(2100)]
    long_tgt = [f"La phrase numéro {k} parle d'autre chose." for k in range(2100)]
    auto = Aligner(long_src, long_tgt, "de", "fr", embedder=embedder)
    assert "off(" not in auto.signature and "overlap-1" in auto.signature and "dictionary-1" in auto.signature
    assert auto.weights["embedding"] == align.OVERLAP_WEIGHTS["embedding"]
    sums_only = Aligner(long_src, long_tgt, "de", "fr", embedder=embedder, features=["embedding", "length"])
    assert "overlap" not in sums_only.signature and sums_only.weights["embedding"] == align.DEFAULT_WEIGHTS["embedding"]


def test_runs_longer_than_max_embedded_take_summed_vectors(embedder, monkeypatch):
    src = ["Der Gipfel ist 8848 Meter hoch.", "Er wurde 1953 erstmals bestiegen.", "Das Wetter war gut."]
    tgt = ["Le sommet culmine à 8848 mètres et fut gravi pour la première fois en 1953.", "Il faisait beau."]
    vecs = embedder.encode(src + tgt)
    pair = feats.SentencePair(src, tgt, "de", "fr", vecs[:3], vecs[3:])
    feature = feats.RunEmbedding(embedder)
    monkeypatch.setattr(feature, "max_embedded", 1)
    monkeypatch.setattr(feature, "neighbour_weight", 0.0)
    scores = feature.scores(pair, search.Band.full(3, 2), [(2, 1)])
    summed = vecs[0] + vecs[1]
    assert scores[2, 1][2, 1] == pytest.approx(float(summed @ vecs[3]) / float(np.linalg.norm(summed)), abs=1e-5)


def test_a_foreign_sentence_at_the_edge_of_a_merge_is_detached(embedder):
    from aligner.align.aligner import DEFAULT_MIN_JOINED_GAIN, detach_foreign_edges

    src = ["The expedition reached the summit on the ninth of May, after three weeks of bad weather."]
    note = ["Die Expedition erreichte den Gipfel am neunten Mai, nach drei Wochen schlechten Wetters.",
            "Ein Sherpa ist ein Angehöriger eines Volkes im Himalaya, das oft Träger stellt."]
    # a link 1-2 ending at (1, 2): the explanation added by the translator leaves it as a 0-1 link
    assert detach_foreign_edges([(1, 2, 1, 2)], src, note, "en", "de", embedder, DEFAULT_MIN_JOINED_GAIN) == \
        [(1, 1, 1, 1), (0, 1, 1, 2)]
    # a sentence split in two halves stays one 1-2 link; null links pass through
    halves = ["Die Expedition erreichte den Gipfel am neunten Mai,", "nach drei Wochen schlechten Wetters."]
    assert detach_foreign_edges([(1, 2, 1, 2), (0, 1, 1, 3)], src, halves + ["Fotos: Archiv."], "en", "de",
                                embedder, DEFAULT_MIN_JOINED_GAIN) == [(1, 2, 1, 2), (0, 1, 1, 3)]
