"""Atomic writes: a temporary file in the target's folder, fsynced, then renamed over the target.

A crash or Ctrl-C mid-write leaves either the old file or the new one, never a partial one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from corpus.errors import CorpusError


def check_writable(*paths: str | os.PathLike | None) -> None:
    """Refuse, before any work is done, an output path that cannot be written: its folder is missing, not a
    folder or read-only, or the path is a folder. None entries (outputs not asked for) are skipped."""
    for path in paths:
        if path is not None:
            _check_target(Path(path))


def _check_target(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        if parent.exists():
            raise CorpusError(f"cannot write: {parent} is not a folder", path)
        raise CorpusError("cannot write: the folder does not exist", path)
    if not os.access(parent, os.W_OK):
        raise CorpusError("cannot write: the folder is not writable", path)
    if path.is_dir():
        raise CorpusError("cannot write: this is a folder", path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is renamed onto `path`, on error removed.

    For writers that want a file name (polars, lxml); `atomic_open` is the file-object form.
    """
    target = Path(path)
    _check_target(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file for writing that replaces `path` only when the block completes."""
    if "b" in mode:
        encoding = None
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=encoding, newline="" if encoding else None) as fh:
            yield fh


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder beside `path`; on success it replaces `path` (a file or a folder), on error it
    is removed. The new folder is complete before the old one goes; a crash between the two renames leaves the
    old one as `.NAME.old` beside it."""
    import shutil

    target = Path(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        old = target.with_name(f".{target.name}.old")
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
