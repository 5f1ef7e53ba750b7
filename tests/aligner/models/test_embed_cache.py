"""The embedder: disk cache hits give the very same vectors without the model, --no-cache writes nothing,
the cache keeps to its size limit, and two worker processes give what one gives."""

from __future__ import annotations


import numpy as np
import pytest

from aligner.models import embed
from aligner.models.embed import Embedder, EmbeddingCache
from corpus.cache import cache_dir
from benchmarks.datasets import DATA as BENCH_DATA

BIBLE = BENCH_DATA / "bible-enzh"


def sentences(n: int) -> list[str]:
    en = (BIBLE / "en.txt").read_text(encoding="utf-8").splitlines()[:n]
    zh = (BIBLE / "zh.txt").read_text(encoding="utf-8").splitlines()[:n]
    return en + zh


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_cache_hit_returns_identical_vectors_without_the_model(cache_folder, monkeypatch):
    texts = sentences(20)
    first = Embedder(workers=1).encode(texts)
    assert cache_dir() == cache_folder and (cache_folder / "embeddings.sqlite").is_file()
    assert first.shape == (40, 512) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)

    def no_model(self, texts):
        raise AssertionError(f"the model was asked for {len(texts)} texts although all are cached")

    monkeypatch.setattr(Embedder, "_encode_uncached", no_model)
    again = Embedder(workers=1).encode(list(reversed(texts)))
    assert np.array_equal(again, first[::-1])


def test_no_cache_writes_nothing_and_gives_the_same_vectors(cache_folder):
    texts = sentences(10)
    uncached = Embedder(cache=False, workers=1).encode(texts)
    assert not cache_folder.exists()
    cached = Embedder(workers=1).encode(texts)
    assert np.array_equal(uncached, cached)


def test_duplicates_and_empty_strings(cache_folder):
    texts = sentences(3)
    vecs = Embedder(cache=False, workers=1).encode(texts + ["", "   ", texts[0]])
    assert np.array_equal(vecs[-1], vecs[0])
    assert not vecs[-3].any() and not vecs[-2].any()
    assert Embedder(cache=False).encode([]).shape == (0, 512)


def test_two_workers_give_what_one_gives(cache_folder):
    texts = sentences(130)  # above the size at which the worker pool is used
    assert len(texts) >= embed._MIN_PARALLEL
    one = Embedder(cache=False, workers=1).encode(texts)
    two = Embedder(cache=False, workers=2).encode(texts)
    assert np.array_equal(one, two)


def test_cache_keeps_to_its_size_limit(tmp_path):
    cache = EmbeddingCache(tmp_path / "e.sqlite", "model-x", limit_mb=1)
    rng = np.random.default_rng(0)
    cache.put({cache.key(f"text {i}"): rng.standard_normal(512).astype(np.float32) for i in range(1500)})
    (n,) = cache.db.execute("SELECT COUNT(*) FROM vec").fetchone()
    assert 0 < n <= 1024 * 1024 // (512 * 2)
    # keys depend on the model, so another model never reads these vectors
    kept = [k for k in (cache.key(f"text {i}") for i in range(1500)) if cache.get([k])]
    assert len(kept) == n
    # keys depend on the model, so another model never reads these vectors
    other = EmbeddingCache(tmp_path / "e.sqlite", "model-y")
    assert other.get([other.key(f"text {i}") for i in range(1500)]) == {}


def test_default_embedder_reads_its_settings_from_the_environment(cache_folder, monkeypatch):
    monkeypatch.setattr(embed, "_default", None)
    monkeypatch.setenv("CORPUS_CACHE_LIMIT_MB", "3")
    monkeypatch.setenv("CORPUS_EMBED_WORKERS", "1")
    e = embed.default_embedder()
    assert e.cache.limit_bytes == 3 * 1024 * 1024 and e.workers == 1
    assert embed.default_embedder() is e
    monkeypatch.setattr(embed, "_default", None)
    monkeypatch.setenv("CORPUS_NO_CACHE", "1")
    assert embed.default_embedder().cache is None
    monkeypatch.setattr(embed, "_default", None)
