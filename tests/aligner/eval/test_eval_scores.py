"""Strict/lax P/R/F1 on hand-made link lists whose scores were worked out by hand, plus the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aligner.eval.alignment import evaluate, merge_within
from aligner.align.links import Link, read_links
from benchmarks.datasets import DATA as BENCH


def L(src, tgt):
    return Link(tuple(src), tuple(tgt))


GOLD = [L([0], [0]), L([1], [1]), L([2], []), L([3, 4], [2])]
PRED = [L([0], [0]), L([1], [1]), L([2], []), L([3], [2]), L([4], [])]


def test_hand_computed_example():
    s = evaluate([GOLD], [PRED])
    # precision over 5 predicted links, nulls included: 3 identical; [3]:[2] shares 3 and 2 with gold -> lax
    assert s.precision_counts.n == 5
    assert (s.precision_strict, s.precision_lax) == pytest.approx((3 / 5, 4 / 5))
    # recall over the 3 non-null gold links, against the 3 non-null predictions
    assert s.recall_counts.n == 3
    assert (s.recall_strict, s.recall_lax) == pytest.approx((2 / 3, 3 / 3))
    assert s.f1_strict == pytest.approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))
    assert s.f1_lax == pytest.approx(2 * 0.8 * 1.0 / 1.8)


def test_null_link_is_never_a_lax_hit_unless_identical():
    gold = [L([0], [0]), L([1], [1])]
    pred = [L([0], [0]), L([1], []), L([], [1])]
    s = evaluate([gold], [pred])
    assert (s.precision_counts.strict, s.precision_counts.lax) == (1, 1)
    # recall ignores the two null predictions, so gold [1]:[1] is missed entirely
    assert (s.recall_counts.strict, s.recall_counts.lax, s.recall_counts.n) == (1, 1, 2)


def test_lax_needs_overlap_on_both_sides():
    gold = [L([0], [0]), L([1], [1])]
    pred = [L([0], [1]), L([1], [0])]  # each shares a source with gold, but a target of another gold link
    s = evaluate([gold], [pred])
    assert s.precision_lax == 0.0 and s.recall_lax == 0.0


def test_counts_are_pooled_not_averaged():
    perfect = [L([0], [0])]
    wrong_gold = [L([0], [0]), L([1], [1]), L([2], [2])]
    wrong_pred = [L([0], [1]), L([1], [2]), L([2], [0])]
    s = evaluate([perfect, wrong_gold], [perfect, wrong_pred])
    assert s.precision_strict == pytest.approx(1 / 4)  # a per-document mean would give 1/2
    assert s.documents == 2 and "docs:2" in s.signature


def test_duplicates_count_once_and_empty_links_are_ignored():
    gold = [L([0], [0]), L([1], [1])]
    pred = [L([0], [0]), L([0], [0]), L([], []), L([1], [1])]
    s = evaluate([gold], [pred])
    assert s.precision_counts.n == 2 and s.f1_strict == 1.0


def test_empty_prediction_scores_zero_without_dividing_by_zero():
    s = evaluate([GOLD], [[]])
    assert (s.precision_strict, s.recall_strict, s.f1_strict, s.f1_lax) == (0.0, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        evaluate([GOLD], [])


def test_merge_within_groups_joins_links_inside_one_verse_only():
    src_verse = ["v1", "v2", "v2", "v3"]
    tgt_verse = ["v1", "v2", "v2", "v2", "v3"]
    pred = [L([0], [0]), L([1], [1]), L([2], [2, 3]), L([], []), L([3], [4])]
    merged = merge_within([p for p in pred if p.src or p.tgt], src_verse, tgt_verse)
    assert merged == [L([0], [0]), L([1, 2], [1, 2, 3]), L([3], [4])]
    # a link across two verses is never merged, nor is what follows it
    across = [L([0, 1], [0, 1]), L([2], [2])]
    assert merge_within(across, src_verse, tgt_verse) == across
    # a null link takes its verse from the other side
    assert merge_within([L([1], [1]), L([], [2])], src_verse, tgt_verse) == [L([1], [1, 2])]
    assert "merge:groups" in evaluate([GOLD], [PRED], merged=True).signature


def test_real_gold_against_itself_and_shifted():
    gold = read_links(BENCH / "textberg-defr" / "test0.de-fr.gold")
    assert evaluate([gold], [gold]).f1_strict == 1.0
    shifted = [Link(tuple(i + 1 for i in g.src), g.tgt) for g in gold]
    s = evaluate([gold], [shifted])
    assert s.f1_strict < 0.2 and s.f1_lax < s.f1_strict + 0.5


def _corpus(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from aligner.cli import main; main()", *args],
        capture_output=True, text=True, timeout=60,
    )


def test_cli_pools_pairs_and_reports_errors(tmp_path):
    g, p = tmp_path / "g", tmp_path / "p"
    g.write_text("".join(f"{x}\n" for x in GOLD))
    p.write_text("".join(f"{x}\n" for x in PRED))
    out = _corpus("eval", str(g), str(p), str(g), str(g), "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["pred_links"] == 5 + 4 and res["precision_strict"] == pytest.approx((3 + 4) / 9)
    text = _corpus("eval", str(g), str(p))
    assert "F1" in text.stdout and "eval:strict+lax" in text.stdout
    bad = _corpus("eval", str(g), str(p), str(g))
    assert bad.returncode == 2 and bad.stderr.startswith("corpus: error:") and "Traceback" not in bad.stderr
    missing = _corpus("eval", str(g), str(tmp_path / "nope"))
    assert missing.returncode == 2 and "nope" in missing.stderr
