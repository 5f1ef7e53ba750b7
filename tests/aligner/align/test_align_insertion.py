"""A long document pair where the target inserts a long stretch of its own (an extra chapter in the same
genre): the coarse-to-fine search must leave the insertion as 0-1 links instead of drifting diagonally
through it. Vectors stand in for embeddings: every sentence shares a 'genre' direction, translations share
their own direction, so unrelated blocks of sentences look alike when summed, as real ones do."""

from __future__ import annotations

import numpy as np

from aligner.align.aligner import Aligner
from aligner.align.search import FULL_GRID_NODES


class GenreVectors:
    name = "genre-vectors"

    def __init__(self, n_own: int, seed: int = 5):
        rng = np.random.default_rng(seed)
        self.genre = rng.normal(size=64)
        self.own = rng.normal(size=(n_own, 64))
        self.noise = np.random.default_rng(seed + 1)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for t in texts:
            k = int(t.split()[1])  # "src 17" and "tgt 17" translate each other; "ins 3" is inserted text
            own = self.own[k] if not t.startswith("ins") else self.noise.normal(size=64)
            v = 1.2 * self.genre + own + 0.4 * self.noise.normal(size=64)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


def test_long_insertion_stays_unaligned():
    n, inserted, at = 700, 300, 350
    src = [f"src {k}" for k in range(n)]
    tgt = [f"tgt {k}" for k in range(at)] + [f"ins {k}" for k in range(inserted)] + \
          [f"tgt {k}" for k in range(at, n)]
    assert (n + 1) * (len(tgt) + 1) > FULL_GRID_NODES  # the coarse-to-fine path, not the full grid
    links = Aligner(src, tgt, "en", "de", embedder=GenreVectors(n), features=["embedding", "length"]).align().links
    unaligned = {t for l in links if not l.src for t in l.tgt}
    assert len(unaligned & set(range(at, at + inserted))) >= 0.9 * inserted
    expected = {((k,), (k if k < at else k + inserted,)) for k in range(n)}
    correct = sum((l.src, l.tgt) in expected for l in links)
    assert correct >= 0.9 * n
