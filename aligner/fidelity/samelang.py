"""sacrebleu metrics for two texts in the same language: a translation against a reference translation, or
two translations of one source (the second taken as the reference).

BLEU, chrF++ (chrF with word bigrams) and TER, at corpus and sentence level, each with its sacrebleu
signature. Chinese (and Japanese/Korean) are tokenised the way sacrebleu intends: BLEU `tokenize="zh"`
(`ja-mecab`/`ko-mecab` would need extra packages, so those fall back to character-level `char`), TER with
`asian_support=True` (which sacrebleu only applies together with `normalized=True`). Two systems against one
reference get sacrebleu's paired significance tests (approximate randomisation or paired bootstrap).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from corpus.errors import CorpusError

CJK = {"zh": "zh", "ja": "char", "ko": "char"}


def metrics_for(lang: str) -> dict[str, object]:
    """BLEU, chrF++ and TER configured for `lang` (corpus level)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    cjk = lang in CJK
    return {
        "BLEU": BLEU(tokenize=CJK.get(lang, "13a")),
        "chrF++": CHRF(word_order=2),
        "TER": TER(asian_support=cjk, normalized=cjk),
    }


def sentence_metrics_for(lang: str) -> dict[str, object]:
    """As `metrics_for`, with BLEU's effective order (sentence BLEU without it is 0 for short sentences)."""
    from sacrebleu.metrics import BLEU

    metrics = metrics_for(lang)
    metrics["BLEU"] = BLEU(tokenize=CJK.get(lang, "13a"), effective_order=True)
    return metrics


@dataclass
class CorpusScores:
    scores: dict[str, float]
    signatures: dict[str, str]
    texts: dict[str, str]  # sacrebleu's one-line rendering, e.g. "BLEU = 33.52 100.0/75.0/..."

    def __str__(self) -> str:
        return "\n".join(f"{self.texts[k]}  {self.signatures[k]}" for k in self.scores)


def _check(hyps: list[str], refs: list[str]) -> None:
    if len(hyps) != len(refs):
        raise CorpusError(f"{len(hyps)} hypothesis lines but {len(refs)} reference lines: they must pair up")
    if not hyps:
        raise CorpusError("nothing to score: no lines")


def corpus_scores(hyps: list[str], refs: list[str], lang: str) -> CorpusScores:
    """Corpus-level BLEU, chrF++ and TER of `hyps` against `refs` (line by line)."""
    _check(hyps, refs)
    scores, sigs, texts = {}, {}, {}
    for name, metric in metrics_for(lang).items():
        result = metric.corpus_score(hyps, [refs])
        scores[name] = float(result.score)
        sigs[name] = str(metric.get_signature())
        texts[name] = str(result)
    return CorpusScores(scores, sigs, texts)


def sentence_scores(hyps: list[str], refs: list[str], lang: str) -> pl.DataFrame:
    """One row per line: hyp, ref, BLEU, chrF++, TER (sentence level); signatures in `signature`."""
    _check(hyps, refs)
    metrics = sentence_metrics_for(lang)
    cols: dict[str, list] = {"hyp": hyps, "ref": refs}
    for name, metric in metrics.items():
        cols[name] = [float(metric.sentence_score(h, [r]).score) for h, r in zip(hyps, refs)]
    signature = " ".join(f"{n}:{m.get_signature()}" for n, m in metrics.items())
    return pl.DataFrame(cols).with_columns(pl.lit(signature).alias("signature"))


def paired_significance(baseline: list[str], system: list[str], refs: list[str], lang: str,
                        test: str = "ar", samples: int = 0) -> pl.DataFrame:
    """Compare two systems on one reference with sacrebleu's paired test: `ar` (approximate randomisation,
    10,000 trials by default) or `bs` (paired bootstrap resampling, 1,000 samples, with 95% CIs). One row
    per system and metric: score, p-value (system vs baseline), bootstrap mean and CI, signature. The
    resampling is seeded (sacrebleu's SACREBLEU_SEED, 12345 unless set), so results repeat."""
    from sacrebleu.significance import PairedTest

    _check(baseline, refs)
    _check(system, refs)
    if test not in ("ar", "bs"):
        raise CorpusError(f"unknown significance test {test!r} (ar or bs)")
    paired = PairedTest(
        [("baseline", baseline), ("system", system)], metrics_for(lang), references=[refs],
        test_type=test, n_samples=samples,
    )
    signatures, results = paired()
    rows = []
    for metric, values in results.items():
        if metric == "System":
            continue
        for name, res in zip(results["System"], values):
            rows.append({"system": name, "metric": "chrF++" if metric.startswith("chrF") else metric,
                         "score": float(res.score),
                         "p_value": res.p_value, "mean": res.mean, "ci": res.ci,
                         "signature": str(signatures[metric])})
    return pl.DataFrame(rows, schema_overrides={"p_value": pl.Float64, "mean": pl.Float64, "ci": pl.Float64})
