"""Sentence segmentation against hand-labelled sentences (tests/data/segment/*.gold.txt).

The gold files were written by hand, one sentence a line, from the seed texts (the letter in English,
Chinese and German; excerpts of a German and a French news article and of a Chinese WeChat export in
`*.src.txt`). The score is sentence-level precision/recall/F1 with exact matching: a predicted sentence
counts only if a gold sentence has exactly its text (whitespace runs folded). The whole pipeline runs:
decoding, Markdown stripping, language split, segmentation.

Run `pytest -s tests/corpus/text/test_segment_gold.py` to see the figures.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from corpus.text.normalize import fold_whitespace
from corpus.reading.reader import read_documents
from support import SEEDS, TEST_DATA

DATA = TEST_DATA / "segment"

# (name, source file, language, gold file, required F1)
CASES = [
    ("letter-en", SEEDS / "004_5735f0aff54c5676.txt", "en", DATA / "letter.en.gold.txt", 0.95),
    ("letter-zh", SEEDS / "004_5735f0aff54c5676.txt", "zh", DATA / "letter.zh.gold.txt", 0.95),
    ("letter-de", SEEDS / "001_dad216c83b9a9b59.txt", "de", DATA / "letter.de.gold.txt", 0.95),
    ("news-de", DATA / "news.de.src.txt", "de", DATA / "news.de.gold.txt", 0.9),
    ("news-fr", DATA / "news.fr.src.txt", "fr", DATA / "news.fr.gold.txt", 0.9),
    ("wechat-zh", DATA / "wechat.zh.src.txt", "zh", DATA / "wechat.zh.gold.txt", 0.9),
]


def prf(predicted: list[str], gold: list[str]) -> tuple[float, float, float]:
    """Precision, recall, F1 of exact sentence matches (multisets, so a repeated sentence counts twice)."""
    pred = Counter(fold_whitespace(s) for s in predicted)
    ref = Counter(fold_whitespace(s) for s in gold)
    hits = sum((pred & ref).values())
    p = hits / max(1, sum(pred.values()))
    r = hits / max(1, sum(ref.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def predicted_sentences(source: Path, lang: str) -> list[str]:
    docs = [d for d in read_documents(source) if d.lang == lang]
    assert docs, f"no {lang} document in {source.name}"
    return [s for d in docs for s in d.sentence_texts]


def gold_sentences(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name,source,lang,gold_path,required", CASES, ids=[c[0] for c in CASES])
def test_segmentation_matches_hand_labelled_sentences(name, source, lang, gold_path, required):
    predicted = predicted_sentences(source, lang)
    gold = gold_sentences(gold_path)
    p, r, f = prf(predicted, gold)
    print(f"\n{name}: {len(gold)} gold, {len(predicted)} predicted, P={p:.3f} R={r:.3f} F1={f:.3f}")
    missing = sorted((Counter(gold) - Counter(predicted)).elements())
    extra = sorted((Counter(predicted) - Counter(gold)).elements())
    assert f >= required, f"F1 {f:.3f} < {required}\nmissing: {missing}\nextra: {extra}"


def test_letter_sentences_come_in_document_order():
    predicted = predicted_sentences(SEEDS / "004_5735f0aff54c5676.txt", "en")
    assert predicted == gold_sentences(DATA / "letter.en.gold.txt")


def test_prf_counts_exact_matches_only():
    assert prf(["A b.", "C d."], ["A b.", "C d."]) == (1.0, 1.0, 1.0)
    p, r, f = prf(["A b. C d."], ["A b.", "C d."])
    assert (p, r, f) == (0.0, 0.0, 0.0)
    p, r, _ = prf(["A b.", "C", "d."], ["A b.", "C d."])
    assert p == pytest.approx(1 / 3) and r == pytest.approx(1 / 2)
