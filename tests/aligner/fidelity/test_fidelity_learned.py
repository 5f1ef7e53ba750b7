"""The learned fidelity model (aligner/fidelity/learned.py, parameters in model.npz) on real human judgements:
MLQE-PE dev rows (it was fitted on train) and the letter's hand-judged links."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import polars as pl
import pytest

from aligner.fidelity.learned import FidelityModel, default_model
from aligner.fidelity.scorer import FidelityScorer
from benchmarks.datasets import available
from benchmarks.fidelity_bench import load_items, score_items
from benchmarks.fidelity_fit import load, pearson, roc_auc

pytestmark = pytest.mark.skipif(not available("mlqe-pe"), reason="MLQE-PE is not in benchmarks/data")


def _learned(task: str, pair: str) -> tuple[np.ndarray, np.ndarray]:
    df = load(task, pair, "dev")
    scored = FidelityScorer(*pair.split("-")).score(df.get_column("src").to_list(), df.get_column("tgt").to_list())
    return scored.get_column("learned").to_numpy(), df.get_column("y").to_numpy()


@pytest.mark.parametrize("pair,bar", [("en-de", 0.25), ("en-zh", 0.30)])
def test_learned_score_tracks_direct_assessments_on_dev(pair, bar):
    score, z = _learned("da", pair)
    assert pearson(score, z) >= bar


def test_learned_score_ranks_critical_errors_en_de_on_dev():
    score, err = _learned("ced", "en-de")
    assert roc_auc(-score, err) >= 0.75


def test_model_ships_as_package_data_and_names_its_data():
    assert files("aligner.fidelity").joinpath("model.npz").is_file()
    model = default_model()
    assert isinstance(model, FidelityModel)
    sig = FidelityScorer("en", "de").signature
    assert "learned:" in sig and "mlqe-pe" in sig and "uncovered-pair" not in sig


def test_uncovered_pair_is_scored_by_the_pooled_model_and_says_so():
    """zh-de is in no training data: the pooled model scores it, the signature tells, and the letter's sound
    zh-de links read as sound (calibrated for a human translation)."""
    scorer = FidelityScorer("zh", "de")
    assert "uncovered-pair:pooled" in scorer.signature
    items = [i for i in load_items() if i.kind == "hand" and i.pair == "zh-de"]
    df = score_items(items, items)
    sound = df.filter(pl.col("label") == 1)
    assert sound.height and sound.get_column("learned").is_between(0, 1).all()
    assert (sound.get_column("learned") < 0.5).mean() <= 0.1
