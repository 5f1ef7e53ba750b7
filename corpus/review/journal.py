"""The corrections journal: `OUT/corrections.jsonl`, one JSON object a line, one line per reviewer action.

Append-only and durable: an entry is written under an exclusive `fcntl` lock with one `write` on a file opened
`O_APPEND`, then fsynced, so two writers (two browser tabs, two servers) never interleave and an entry that
was acknowledged survives a power cut. A writer killed in the middle of its write can leave a torn last line;
readers ignore it (and any other line that is not a complete entry), and the next append first ends that line,
so the torn fragment never glues onto the next entry.

An entry names sentences, never a build's unit numbers alone: each side of a link is a document id, the
sentence numbers and a fingerprint of each sentence's text (`fingerprint`), so a later build over changed
documents can tell whether the sentences are still there (aligner side) and where.

Entry fields: `id` (unique), `time` (ISO 8601 UTC), `action` (one of ACTIONS), `corpus` and `unit` (where
the reviewer saw it, for the page), and by action:
- confirm, reject, note: `link` (the unit's sides); note also `text`;
- merge, split, move: `before` (the links replaced) and `after` (the links that replace them);
- undo, redo: `target` (the id of the entry undone or redone).
A link is a list of sides `{"doc", "lang", "sents": [int], "fps": [str]}`.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from corpus.errors import CorpusError

JOURNAL_NAME = "corrections.jsonl"
SENTENCES_NAME = "sentences.parquet"  # written by `corpus build`: doc_id, lang, sent_id, text
ACTIONS = ("confirm", "reject", "merge", "split", "move", "note", "undo", "redo")
LINK_ACTIONS = ("confirm", "reject", "note")
EDIT_ACTIONS = ("merge", "split", "move")


def journal_path(out_dir: str | os.PathLike) -> Path:
    return Path(out_dir) / JOURNAL_NAME


def fingerprint(text: str) -> str:
    """A sentence's fingerprint: 16 hex digits of the SHA-1 of its NFC text with outer spaces removed."""
    return hashlib.sha1(unicodedata.normalize("NFC", text).strip().encode("utf-8")).hexdigest()[:16]


def side(doc: str, lang: str, sents: Sequence[int], texts: Sequence[str]) -> dict:
    """One side of a link as the journal stores it: `texts` are the sentences' texts, in `sents` order."""
    if len(sents) != len(texts):
        raise ValueError("one text per sentence is needed")
    return {"doc": doc, "lang": lang, "sents": [int(s) for s in sents], "fps": [fingerprint(t) for t in texts]}


@dataclass(frozen=True)
class Journal:
    """The entries read from a journal, in file order, and how many lines were not complete entries."""

    entries: list[dict]
    skipped: int


def _is_link(link) -> bool:
    return isinstance(link, list) and bool(link) and all(
        isinstance(s, dict) and isinstance(s.get("doc"), str) and isinstance(s.get("sents"), list)
        and isinstance(s.get("fps"), list) and len(s["sents"]) == len(s["fps"])
        and all(isinstance(k, int) and not isinstance(k, bool) for k in s["sents"])
        and all(isinstance(f, str) for f in s["fps"]) for s in link)


def _check_entry(entry: dict) -> None:
    """ValueError unless `entry` is a complete entry: a line that is not (torn, hand-edited) must be skipped by
    readers, never reach the fold with a field missing or of the wrong type."""
    if not isinstance(entry, dict):
        raise ValueError("an entry is a JSON object")
    action = entry.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    need = {"confirm": ("link",), "reject": ("link",), "note": ("link", "text"), "merge": ("before", "after"),
            "split": ("before", "after"), "move": ("before", "after"), "undo": ("target",), "redo": ("target",)}
    missing = [k for k in ("id", "time", *need[action]) if k not in entry]
    if missing:
        raise ValueError(f"a {action} entry needs {', '.join(missing)}")
    if not all(isinstance(entry[k], str) for k in ("id", "time", "text", "target") if k in entry):
        raise ValueError("id, time, text and target are strings")
    if "unit" in entry and entry["unit"] is not None and (
            not isinstance(entry["unit"], int) or isinstance(entry["unit"], bool)):
        raise ValueError("a unit is a number")
    if action in EDIT_ACTIONS:
        if not all(isinstance(entry[k], list) for k in ("before", "after")):
            raise ValueError("before and after are lists of links")
        links = [*entry["before"], *entry["after"]]
    else:
        links = [entry["link"]] if "link" in entry else []
    if not all(_is_link(link) for link in links):
        raise ValueError("a link is a non-empty list of sides with doc, sents and fps")


def append(out_dir: str | os.PathLike, action: str, **fields) -> dict:
    """Write one entry durably and return it (with its `id` and `time`). Raises ValueError for a malformed
    entry, CorpusError when the journal cannot be written."""
    entry = {"id": uuid.uuid4().hex, "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
             "action": action, **fields}
    _check_entry(entry)
    line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    path = journal_path(out_dir)
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise CorpusError(f"cannot write the corrections journal ({exc.strerror})", path) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":  # a torn last line: end it, so ours stands alone
            line = b"\n" + line
        written = os.write(fd, line)
        if written != len(line):  # a full disk: the partial line is a torn line to every reader
            raise CorpusError("cannot write the corrections journal (short write: disk full?)", path)
        os.fsync(fd)
    except OSError as exc:
        raise CorpusError(f"cannot write the corrections journal ({exc.strerror})", path) from exc
    finally:
        os.close(fd)  # closing releases the lock
    return entry


def read(out_dir: str | os.PathLike) -> Journal:
    """Every complete entry of the journal of `out_dir` (none when there is no journal)."""
    path = journal_path(out_dir)
    try:
        with open(path, "rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH)  # no half-appended entry is read
            data = fh.read()
    except FileNotFoundError:
        return Journal([], 0)
    except OSError as exc:
        raise CorpusError(f"cannot read the corrections journal ({exc.strerror})", path) from exc
    entries, skipped = [], 0
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
            _check_entry(entry)
            entries.append(entry)
        except (ValueError, TypeError, KeyError, AttributeError):
            skipped += 1
    return Journal(entries, skipped)


def link_key(link: Sequence[dict]) -> tuple:
    """A link's identity: its documents and sentence numbers, sides in document order."""
    return tuple(sorted((s["doc"], tuple(s["sents"])) for s in link))
