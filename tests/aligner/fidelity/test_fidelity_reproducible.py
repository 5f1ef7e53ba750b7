"""Fidelity scores hardly depend on what the embedding cache held: a sentence embedded in another batch can
differ in its last float16 bit (BLAS sums in another order), which moved every score in its sixth decimal.
Scores are rounded to four decimals, so nearly all cells are identical and none is more than one unit in the
fourth decimal apart."""

from __future__ import annotations

import numpy as np
import polars as pl

from benchmarks.datasets import DATA
from aligner.models.embed import Embedder, EmbeddingCache
from aligner.fidelity.scorer import score_pairs
from aligner.align.links import read_links

DEV = DATA / "textberg-defr"


def one_to_one_pairs(limit: int = 60) -> tuple[list[str], list[str], list[str]]:
    de = (DEV / "dev.de").read_text(encoding="utf-8").splitlines()
    fr = (DEV / "dev.fr").read_text(encoding="utf-8").splitlines()
    links = [l for l in read_links(DEV / "dev.de-fr.gold") if len(l.src) == len(l.tgt) == 1][:limit]
    return [de[l.src[0]] for l in links], [fr[l.tgt[0]] for l in links], de[300:420]


def warmed(folder, texts_in_batches: list[list[str]]) -> Embedder:
    embedder = Embedder(cache=False, workers=1)
    embedder.cache = EmbeddingCache(folder / "embeddings.sqlite", embedder.name)
    for batch in texts_in_batches:
        embedder.encode(batch)
    return embedder


def test_scores_are_the_same_whichever_batches_filled_the_cache(tmp_path):
    src, tgt, other = one_to_one_pairs()
    # one big batch with unrelated text around, against small batches of the pairs alone
    big = warmed(tmp_path / "a", [other + src + tgt + other[::-1]])
    small = warmed(tmp_path / "b", [src[k : k + 7] for k in range(0, len(src), 7)] + [tgt[::-1]])
    vectors_a, vectors_b = big.encode(src + tgt), small.encode(src + tgt)
    assert not np.array_equal(vectors_a, vectors_b)  # the batches did leave their trace in the vectors ...
    a = score_pairs(src, tgt, "de", "fr", embedder=big)
    b = score_pairs(src, tgt, "de", "fr", embedder=small)
    assert a.get_column("fidelity").null_count() == 0
    numeric = [c for c, t in a.schema.items() if t == pl.Float64]
    x = a.select(numeric).fill_null(-1.0).to_numpy()
    y = b.select(numeric).fill_null(-1.0).to_numpy()
    assert np.abs(x - y).max() <= 1e-4 + 1e-9  # ... hardly in the scores
    assert (x == y).mean() >= 0.98
