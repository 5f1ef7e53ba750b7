"""The banded DP and the pair-grid arithmetic, against brute force on random data (no model needed)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from aligner.align import features as feats
from aligner.align import search
from corpus.text.numbers import number_tokens
def _brute_force_best(n, m, score):
    """Best monotone path by exhaustive recursion over link types (tiny grids only)."""
    kinds = search.link_types(2, 3)
    best = {(0, 0): (0.0, [])}
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) == (0, 0):
                continue
            cands = []
            for a, b in kinds:
                if i - a >= 0 and j - b >= 0 and (i - a, j - b) in best:
                    prev, links = best[i - a, j - b]
                    cands.append((prev + score(a, b, i, j), links + [(a, b, i, j)]))
            best[i, j] = max(cands, key=lambda c: c[0])
    return best[n, m]


@pytest.mark.parametrize("seed", range(5))
def test_best_path_matches_exhaustive_search_on_full_band(seed):
    rng = np.random.default_rng(seed)
    n, m = 5, 6
    band = search.Band.full(n, m)
    kinds = search.link_types(2, 3)
    table = {k: rng.normal(size=(n + 1, m + 1)) for k in kinds}

    def score(a, b, i, j):
        return table[a, b][i, j]

    scores = {}
    for a, b in kinds:
        s = table[a, b].copy()
        s[:a, :] = -np.inf
        s[:, :b] = -np.inf
        scores[a, b] = s
    path = search.best_path(band, scores)
    expected_total, expected_links = _brute_force_best(n, m, score)
    assert sum(score(*link) for link in path) == pytest.approx(expected_total)
    assert path == expected_links


def test_path_covers_every_sentence_once_in_order():
    rng = np.random.default_rng(7)
    band = search.Band.full(9, 7)
    kinds = search.link_types(4, 5)
    scores = {k: np.where(band.valid(), rng.normal(size=(10, 8)), -np.inf) for k in kinds}
    for a, b in kinds:
        scores[a, b][:a, :] = -np.inf
        scores[a, b][:, :b] = -np.inf
    path = search.best_path(band, scores)
    src = [s for a, b, i, j in path for s in range(i - a, i)]
    tgt = [t for a, b, i, j in path for t in range(j - b, j)]
    assert src == list(range(9)) and tgt == list(range(7))


def test_band_around_a_path_is_monotone_and_contains_it():
    rows = np.array([0, 1, 2, 2, 3, 5, 6])
    cols = np.array([0, 1, 3, 4, 5, 6, 9])
    band = search.Band.around(rows, cols, 6, 9, widen=1)
    assert np.all(np.diff(band.lo) >= 0) and np.all(np.diff(band.hi) >= 0)
    assert all(band.lo[r] <= c <= band.hi[r] for r, c in zip(rows, cols))
    assert band.lo[0] == 0 and band.hi[6] == 9
    assert band.width < 10


def test_coarse_to_fine_keeps_a_narrow_band_around_the_diagonal():
    """Two long 'documents' whose sentence k matches sentence k: the band must contain the diagonal and
    stay narrow (linear memory), even though the full grid would be far over the budget."""
    rng = np.random.default_rng(3)
    n = 1200
    base = rng.normal(size=(n, 32)).astype(np.float32)
    src = base / np.linalg.norm(base, axis=1, keepdims=True)
    noisy = base + 0.3 * rng.normal(size=base.shape).astype(np.float32)
    tgt = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)

    def score_blocks(s, t, band):
        pair = feats.SentencePair([], [], "en", "de", s, t)
        margin = feats.EmbeddingMargin().scores(pair, band, [(1, 1), (1, 2), (2, 1)])
        valid = band.valid()
        margin[0, 1] = np.where(valid & (band.cols() >= 1), -0.2, -np.inf)
        margin[1, 0] = np.where(valid & (np.arange(band.n + 1) >= 1)[:, None], -0.2, -np.inf)
        return margin

    band = search.coarse_to_fine(src, tgt, score_blocks, widen=4, full_grid_nodes=20_000)
    assert band.width < 40
    assert all(band.lo[k] <= k <= band.hi[k] for k in range(n + 1))


def test_pair_grid_box_sums_equal_direct_run_cosines():
    rng = np.random.default_rng(11)
    n, m = 12, 15
    s = rng.normal(size=(n, 16)).astype(np.float32)
    t = rng.normal(size=(m, 16)).astype(np.float32)
    s /= np.linalg.norm(s, axis=1, keepdims=True)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    pair = feats.SentencePair([""] * n, [""] * m, "en", "de", s, t)
    band = search.Band.full(n, m)
    kinds = search.link_types(3, 4)
    feats.EmbeddingMargin().scores(pair, band, kinds)
    cosine = pair.cache["cosine"]
    for (a, b), i, j in itertools.product([(1, 1), (2, 1), (1, 3), (2, 2)], range(1, n + 1), range(1, m + 1)):
        if i < a or j < b:
            continue
        x, y = s[i - a : i].sum(0), t[j - b : j].sum(0)
        assert cosine[a, b][i, j] == pytest.approx(x @ y / np.linalg.norm(x) / np.linalg.norm(y), abs=1e-5)


def test_number_tokens_agree_across_conventions():
    assert number_tokens("8'848 m, 1955") == ["8848", "1955"]
    assert number_tokens("8.848 Meter im Jahr １９５５") == ["8848", "1955"]
    assert number_tokens("keine Zahl") == []


def test_length_feature_prefers_runs_in_the_documents_own_ratio():
    """zh text is about a third of en in characters: the feature learns that from the document."""
    src = ["a" * 90, "b" * 30, "c" * 60]
    tgt = ["x" * 30, "y" * 10, "z" * 20]
    pair = feats.SentencePair(src, tgt, "en", "zh", np.zeros((3, 4)), np.zeros((3, 4)))
    band = search.Band.full(3, 3)
    values = feats.LengthRatio().scores(pair, band, [(1, 1), (1, 2)])
    assert values[1, 1][1, 1] == pytest.approx(0.0, abs=0.02)  # 90 chars vs 30: the document's own ratio
    assert values[1, 1][1, 2] < -0.5  # 90 vs 10
    assert values[1, 2][1, 2] < values[1, 1][1, 1]  # 90 vs 30 + 10


def _brute_force_gapped(n, m, score, opening):
    """Best path when a run of nulls pays opening(a, b, i, j) at its first link (exhaustive, tiny grids)."""
    kinds = search.link_types(2, 3)
    best = {(0, 0, False): (0.0, [])}  # (i, j, ended in a null) -> (total, links)
    for i in range(n + 1):
        for j in range(m + 1):
            for null_end in (False, True):
                cands = []
                for a, b in kinds:
                    if (a == 0 or b == 0) != null_end or i - a < 0 or j - b < 0:
                        continue
                    for prev_null in (False, True):
                        prev = best.get((i - a, j - b, prev_null))
                        if prev is None:
                            continue
                        extra = opening(a, b, i, j) if null_end and not prev_null else 0.0
                        cands.append((prev[0] + score(a, b, i, j) - extra, prev[1] + [(a, b, i, j)]))
                if cands and (i, j, null_end) != (0, 0, False):
                    best[i, j, null_end] = max(cands, key=lambda c: c[0])
    return max((best[k] for k in ((n, m, False), (n, m, True)) if k in best), key=lambda c: c[0])


@pytest.mark.parametrize("seed", range(8))
def test_gapped_path_matches_exhaustive_search(seed):
    """The two-state DP (a run of nulls pays an opening cost once) finds the best total, and with no opening
    cost it finds best_path's."""
    rng = np.random.default_rng(100 + seed)
    n, m = 5, 6
    band = search.Band.full(n, m)
    kinds = search.link_types(2, 3)
    table = {k: rng.normal(size=(n + 1, m + 1)) for k in kinds}
    table[0, 1] = -np.abs(table[0, 1])  # nulls cost, as in the aligner
    table[1, 0] = -np.abs(table[1, 0])
    opens = {k: np.abs(rng.normal(size=(n + 1, m + 1))) for k in ((0, 1), (1, 0))}
    scores = {}
    for a, b in kinds:
        s = table[a, b].copy()
        s[:a, :] = -np.inf
        s[:, :b] = -np.inf
        scores[a, b] = s
    path = search.best_path_gapped(band, scores, opens)
    total, _ = _brute_force_gapped(n, m, lambda a, b, i, j: table[a, b][i, j], lambda a, b, i, j: opens[a, b][i, j])

    def path_total(p):
        out, prev_null = 0.0, False
        for a, b, i, j in p:
            null = a == 0 or b == 0
            out += table[a, b][i, j] - (opens[a, b][i, j] if null and not prev_null else 0.0)
            prev_null = null
        return out

    assert path_total(path) == pytest.approx(total)
    zero = {k: np.zeros_like(v) for k, v in opens.items()}
    plain = search.best_path(band, scores)
    assert path_total_plain(search.best_path_gapped(band, scores, zero), table) == pytest.approx(
        path_total_plain(plain, table))


def path_total_plain(p, table):
    return sum(table[a, b][i, j] for a, b, i, j in p)
