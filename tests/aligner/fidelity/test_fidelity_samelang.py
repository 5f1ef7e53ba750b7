"""sacrebleu metrics for same-language texts: Chinese tokenisation, TER with Asian support, signatures,
sentence level and paired significance."""

from __future__ import annotations

import pytest

from aligner.fidelity.samelang import corpus_scores, paired_significance, sentence_scores
from corpus.errors import CorpusError

REF_ZH = ["我们构建的模型和技术能力只是开始。", "媒体传统上就像是一条单行道。", "角色分明，界限清晰。", "模型已经商品化。"]
HYP_ZH = ["我们构建的模型和技术只是开始。", "传统媒体就像一条单行道。", "角色分明，界限清晰。", "模型已成为商品。"]


def test_chinese_is_tokenised_for_bleu_and_ter():
    scores = corpus_scores(HYP_ZH, REF_ZH, "zh")
    assert "tok:zh" in scores.signatures["BLEU"]
    assert "asian:yes" in scores.signatures["TER"]
    assert "nw:2" in scores.signatures["chrF++"]
    # unsegmented Chinese with the default tokeniser would be one 'word' per sentence: BLEU near zero
    assert scores.scores["BLEU"] > 30
    assert 0 < scores.scores["TER"] < 60
    same = corpus_scores(REF_ZH, REF_ZH, "zh")
    assert same.scores["BLEU"] == pytest.approx(100) and same.scores["TER"] == pytest.approx(0)
    assert "BLEU = " in str(scores) and "tok:zh" in str(scores)


def test_sentence_level_rows():
    df = sentence_scores(HYP_ZH, REF_ZH, "zh")
    assert df.height == 4 and df.columns[:5] == ["hyp", "ref", "BLEU", "chrF++", "TER"]
    assert df["BLEU"][2] == pytest.approx(100) and df["TER"][2] == pytest.approx(0)
    assert df["BLEU"][0] > df["BLEU"][3]
    assert "eff:yes" in df["signature"][0]


def test_english_defaults():
    scores = corpus_scores(["The cat sat on the mat."], ["The cat sat on a mat."], "en")
    assert "tok:13a" in scores.signatures["BLEU"] and "asian:no" in scores.signatures["TER"]


def test_paired_significance_prefers_the_better_system():
    refs = ["The infrastructure is laid.", "The foundation is built.", "Models are commodities.",
            "There are no secrets.", "Media has traditionally operated like a one-way street."] * 4
    good = list(refs)
    good[0] = "The infrastructure has been laid."
    bad = ["Infrastructure exists.", "Something is done.", "Models are products.", "No secrets.",
           "Media was a street."] * 4
    df = paired_significance(bad, good, refs, "en", test="bs", samples=200)
    bleu = df.filter((df["metric"] == "BLEU") & (df["system"] == "system")).row(0, named=True)
    assert bleu["p_value"] is not None and bleu["p_value"] < 0.05
    assert bleu["ci"] is not None
    assert set(df["metric"]) == {"BLEU", "chrF++", "TER"}


def test_mismatched_lengths_are_a_user_error():
    with pytest.raises(CorpusError):
        corpus_scores(["a"], ["a", "b"], "en")
