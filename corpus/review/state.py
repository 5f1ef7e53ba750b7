"""The journal folded into the current corrections: `corrections(out_dir)`.

Undo and redo are entries too: an undo takes its target out of the active entries, a redo puts it back, and
the active entries are folded in journal order. A link's latest action wins: confirm and reject set its
status, note adds to its notes, an edit (merge, split, move) drops the links it replaced and adds its new
links as `edited`. A link that shares a sentence with a newer one is dropped (two tabs editing the same
sentences: the later edit wins), and its notes go with the sentences to the link that took them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from corpus.review.journal import EDIT_ACTIONS, link_key, read


@dataclass
class Correction:
    """One link as the reviewer left it: `status` is confirmed, edited, rejected or "" (only notes)."""

    link: list[dict]
    status: str
    notes: list[str] = field(default_factory=list)
    entry: str = ""  # id of the entry that last changed it
    time: str = ""
    corpus: str = ""
    unit: int | None = None
    edited: bool = False  # made by a merge, split or move (a later confirm keeps it so)

    @property
    def key(self) -> tuple:
        return link_key(self.link)

    def sentences(self) -> set[tuple[str, int]]:
        return {(s["doc"], k) for s in self.link for k in s["sents"]}


@dataclass
class Corrections:
    links: list[Correction]  # in the order they were last changed
    undo: list[str]  # active entry ids, the newest last: what an undo would take back
    redo: list[str]  # undone entry ids a redo can restore, the most recently undone last
    skipped: int  # journal lines that were not complete entries (a torn last line)
    entries: int

    def by_status(self, status: str) -> list[Correction]:
        return [c for c in self.links if c.status == status]

    def of_sentence(self, doc: str, sent: int) -> Correction | None:
        for c in self.links:
            if (doc, sent) in c.sentences():
                return c
        return None


def _active(entries: list[dict]) -> tuple[list[dict], list[str], list[str]]:
    active: list[str] = []
    redo: list[str] = []
    for e in entries:
        if e["action"] == "undo":
            if e["target"] in active:
                active.remove(e["target"])
                redo.append(e["target"])
        elif e["action"] == "redo":
            if e["target"] in redo:
                redo.remove(e["target"])
                active.append(e["target"])
        else:
            active.append(e["id"])
            redo.clear()
    live = set(active)
    return [e for e in entries if e["id"] in live], active, redo


def fold(entries: list[dict]) -> tuple[list[Correction], list[str], list[str]]:
    live, undo, redo = _active(entries)
    state: dict[tuple, Correction] = {}

    def put(c: Correction) -> None:
        taken = c.sentences()
        for key in [k for k, old in state.items() if k != c.key and old.sentences() & taken]:
            c.notes = state.pop(key).notes + c.notes
        state.pop(c.key, None)
        state[c.key] = c

    for e in live:
        where = {"entry": e["id"], "time": e["time"], "corpus": e.get("corpus", ""), "unit": e.get("unit")}
        if e["action"] in EDIT_ACTIONS:
            notes = [n for link in e["before"] for n in state.pop(link_key(link), Correction([], "")).notes]
            for k, link in enumerate(e["after"]):
                put(Correction(link, "edited", notes if k == 0 else [], edited=True, **where))
            continue
        old = state.get(link_key(e["link"]))
        c = Correction(e["link"], old.status if old else "", list(old.notes) if old else [],
                       edited=bool(old and old.edited), **where)
        if e["action"] == "note":
            c.notes.append(e["text"])
        else:
            c.status = "confirmed" if e["action"] == "confirm" else "rejected"
        put(c)
    return list(state.values()), undo, redo


def corrections(out_dir: str | os.PathLike) -> Corrections:
    """The current corrections of the corpus in `out_dir` (empty when it has no journal)."""
    journal = read(out_dir)
    links, undo, redo = fold(journal.entries)
    return Corrections(links, undo, redo, journal.skipped, len(journal.entries))
