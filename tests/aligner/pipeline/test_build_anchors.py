"""Anchors inside `corpus build` (BuildOptions.anchors): each aligned pair keeps its given links, numbered as
the documents' sentences, whatever span document alignment chose; `--resume` re-runs a group whose anchors
changed and only then; an anchor that cannot be kept fails its group with one line; anchors for a pair that
was not aligned are reported, not dropped in silence. Real files in the DIR/<lang>/<name> layout, the real
model."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from aligner.align.links import Link
from aligner.pipeline.build import BuildOptions, build_corpus
from aligner.pipeline.executors import SerialExecutor

DE = ["Der Gipfel ist 8848 Meter hoch.", "Die Expedition begann im März.", "Sie dauerte drei Monate.",
      "Das Wetter war schlecht.", "Alle kehrten gesund zurück."]
FR = ["Le sommet culmine à 8848 mètres.", "L'expédition a commencé en mars et a duré trois mois.",
      "Le temps était mauvais.", "Photo: archives du club.", "Tous sont rentrés sains et saufs."]
PAIR = ("de/tour.txt", "fr/tour.txt")


@pytest.fixture()
def folder(tmp_path) -> Path:
    for lang, lines in (("de", DE), ("fr", FR)):
        (tmp_path / "docs" / lang).mkdir(parents=True)
        (tmp_path / "docs" / lang / "tour.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "docs"


class Recording(SerialExecutor):
    def __init__(self):
        super().__init__()
        self.ran: list[str] = []

    def map(self, fn, items):
        self.ran.extend(task.corpus for task in items)
        return super().map(fn, items)


def _units(result) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    rows = result.units.sort("unit_id", "lang").select("unit_id", "lang", "sent_ids").rows()
    by_unit: dict[int, dict[str, tuple[int, ...]]] = {}
    for unit, lang, ids in rows:
        by_unit.setdefault(unit, {})[lang] = tuple(ids)
    return [(u.get("de", ()), u.get("fr", ())) for _, u in sorted(by_unit.items())]


def _build(folder: Path, out: Path, anchors: dict, embedder, executor=None, resume: bool = False):
    options = BuildOptions(presegmented=True, embedder=embedder, anchors=anchors, fidelity=False)
    return build_corpus(folder, out, "tour", options, executor=executor, resume=resume)


def test_build_keeps_each_pairs_anchors_and_resume_notices_them(folder, tmp_path, embedder):
    out = tmp_path / "out"
    free = _build(folder, out, {}, embedder)
    assert ((3,), (2,)) in _units(free) and ((4,), (4,)) in _units(free)
    # the weather anchored to the homecoming, given French first: the pair's other order
    first = Recording()
    anchored = _build(folder, out, {PAIR[::-1]: [Link((4,), (3,))]}, embedder, first, resume=True)
    assert first.ran == ["tour"]  # new anchors: the stored group does not serve
    units = _units(anchored)
    assert ((3,), (4,)) in units
    assert [u for u in units if 3 in u[0] or 4 in u[1]] == [((3,), (4,))]  # the anchored sentences nowhere else
    assert not any(4 in de for de, _ in units)  # the homecoming lost its partner
    assert "|anchors:1|" in anchored.groups[0].pairs["signature"][0]
    again = Recording()
    _build(folder, out, {PAIR[::-1]: [Link((4,), (3,))]}, embedder, again, resume=True)
    assert again.ran == []  # same anchors: the stored group serves
    _build(folder, out, {PAIR: [Link((3,), (2,))]}, embedder, again, resume=True)
    assert again.ran == ["tour"]


def test_an_anchor_that_cannot_be_kept_fails_its_group_with_one_line(folder, tmp_path, embedder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _build(folder, tmp_path / "out", {PAIR: [Link((7,), (0,))]}, embedder)
    assert not any("not used" in str(w.message) for w in caught)  # the failure says it all
    assert [f.corpus for f in result.failed] == ["tour"]
    message = result.failed[0].error
    assert "anchors of de/tour.txt and fr/tour.txt" in message and "source sentence 7 is out of range" in message
    assert "\n" not in message


def test_anchors_for_a_pair_not_aligned_are_reported(folder, tmp_path, embedder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _build(folder, tmp_path / "out", {("de/tour.txt", "en/tour.txt"): [Link((0,), (0,))]}, embedder)
    assert any("anchors given for de/tour.txt and en/tour.txt not used" in str(w.message) for w in caught)
