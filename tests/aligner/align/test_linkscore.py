"""The link scoring: the fitted file inside the package is what `Aligner(linkscore="fitted")` runs and names in
its signature, a refit on the development sets gives the same file back, and the per-document calibration
and per-sentence costs behave as aligner.align.linkscore says."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aligner import Aligner
from aligner.align import linkscore as ls
from benchmarks.datasets import available
from corpus.errors import CorpusError

SRC = ["Die Expedition erreichte den Gipfel am Morgen.", "Das Wetter war klar.", "Alle kehrten sicher zurück."]
TGT = ["L'expédition atteignit le sommet le matin.", "Le temps était clair.", "Tous revinrent sains et saufs."]


def _shipped() -> dict:
    return json.loads(ls.FITTED_FILE.read_text(encoding="utf-8"))


def test_the_fitted_file_is_read_and_named_in_the_signature(embedder):
    data = _shipped()
    aligner = Aligner(SRC, TGT, "de", "fr", embedder=embedder, linkscore="fitted")
    assert f"score:{data['name']}" in aligner.signature and data["name"] != "hand"
    assert aligner.null_cost == data["null_cost"] and aligner.min_link_cos == data["min_link_cos"]
    assert all(aligner.weights[k] == v for k, v in data["weights"].items())
    assert aligner.linkscore.isolated == data["isolated"]
    hand = Aligner(SRC, TGT, "de", "fr", embedder=embedder, linkscore="hand")
    assert "score:hand" in hand.signature
    assert [(l.src, l.tgt) for l in aligner.align().links] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_another_file_changes_the_aligner_and_a_broken_one_is_refused(tmp_path, monkeypatch, embedder):
    other = {**_shipped(), "name": "linkscore-test", "null_cost": 0.45, "isolated": 1.5}
    path = tmp_path / "linkscore.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    monkeypatch.setattr(ls, "FITTED_FILE", path)
    aligner = Aligner(SRC, TGT, "de", "fr", embedder=embedder, linkscore="fitted")
    assert aligner.null_cost == 0.45 and "score:linkscore-test" in aligner.signature and "+gap" in aligner.signature
    path.write_text(json.dumps({**other, "format": 99}), encoding="utf-8")
    ls._read.cache_clear()
    with pytest.raises(CorpusError, match="format 99"):
        Aligner(SRC, TGT, "de", "fr", embedder=embedder, linkscore="fitted")
    path.write_text("{not json", encoding="utf-8")
    ls._read.cache_clear()
    with pytest.raises(CorpusError, match="cannot read the fitted link scoring"):
        Aligner(SRC, TGT, "de", "fr", embedder=embedder, linkscore="fitted")
    ls._read.cache_clear()
    with pytest.raises(CorpusError, match="unknown link scoring"):
        Aligner(SRC, TGT, "de", "fr", embedder=embedder, linkscore="learned")


def test_calibration_raises_the_null_cost_of_loose_documents_only():
    scoring = ls.LinkScoring("t", null_cost=0.2, quality=2.0, quality_ref=0.6, spread=1.0, spread_ref=0.3)
    literal = ls.Profile(cosine=0.7, spread=0.2, confident=100)
    loose = ls.Profile(cosine=0.5, spread=0.4, confident=100)
    assert scoring.null_cost_for(literal) == 0.2  # hinges: a literal document is not pushed below the base
    assert scoring.null_cost_for(loose) == pytest.approx(0.2 + 2.0 * 0.1 + 1.0 * 0.1)
    assert scoring.null_cost_for(ls.Profile(0.1, 2.0, 2)) == 0.2  # too few confident links to judge by
    assert ls.HAND.null_cost_for(loose) == ls.HAND.null_cost


def test_length_term_makes_short_sentences_dear_to_leave_out():
    factors = ls.LinkScoring("t", short=1.0).length_factors(np.array([10.0, 40.0, 40.0, 160.0, 400.0]))
    assert factors[0] == 2.0 and factors[1] == 1.0 and factors[3] == 0.5 and factors[4] == 0.5
    assert (ls.HAND.length_factors(np.array([3.0, 300.0])) == 1.0).all()


def test_profile_of_a_real_pair_sees_its_confident_links(embedder):
    from aligner.align.search import Band

    src, tgt = embedder.encode(SRC), embedder.encode(TGT)
    lengths = [np.array([len(t) for t in side], np.float64) for side in (SRC, TGT)]
    profile = ls.document_profile(src, tgt, *lengths, Band.full(3, 3))
    assert profile.confident == 3 and 0.4 < profile.cosine < 1.0
    shuffled = ls.document_profile(src, embedder.encode(["Le chat dort.", "Il pleut.", "Nous mangeons."]), *lengths,
                                   Band.full(3, 3))
    assert shuffled.cosine < profile.cosine


@pytest.mark.slow
def test_refitting_on_the_development_sets_reproduces_the_shipped_file(embedder):
    """`python -m benchmarks.linkscore_cv --fit --write` on the development sets gives the numbers shipped."""
    from benchmarks import linkscore_cv as cv

    data = _shipped()
    if not available("mac-dev"):
        pytest.skip("MAC-Dev is not here (benchmarks/data/README.md): the shipped fit used it")
    import tempfile
    from pathlib import Path

    sets, _ = cv.dev_sets(Path(tempfile.mkdtemp()))
    assert [d.name for d in sets] == data["fitted_on"]
    fitted = cv.Evaluator(sets, embedder, log=lambda s: None).fit(sets, cv.CANDIDATES[data["candidate"]],
                                                                  cv.hand_params())
    refit = json.loads(cv.scoring_of(fitted).to_json())
    assert {k: v for k, v in refit.items() if k != "format"} == {
        k: v for k, v in data.items() if k in refit and k != "format"}
