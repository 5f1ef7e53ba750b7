"""The user's cache folder (embeddings, unpacked lexicons, the language identifier's model): $CORPUS_CACHE_DIR,
else $XDG_CACHE_HOME/corpus-aligner, else ~/.cache/corpus-aligner. Everything in it can be rebuilt."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("CORPUS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "corpus-aligner"
    )
    return Path(base)
