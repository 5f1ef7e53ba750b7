"""The corrections journal (corpus/review/journal.py) and its fold (state.py) on real files in a temporary OUT:
every action kind written and read back, undo and redo, the later edit of the same sentences winning, a torn
last line skipped and ended before the next append, two processes appending at once, and a writer SIGKILLed
in the middle of a long run of appends."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from corpus.review import journal
from corpus.review.journal import append, fingerprint, journal_path, read, side
from corpus.review.state import corrections

ROOT = Path(__file__).resolve().parents[3]

EN = ["The letter came on Monday.", "It was short.", "She read it twice.", "Then she wrote back."]
DE = ["Der Brief kam am Montag.", "Er war kurz.", "Sie las ihn zweimal.", "Dann schrieb sie zurück."]
ZH = ["信是星期一到的。", "信很短。", "她读了两遍。", "然后她回了信。"]


def link(en: list[int], de: list[int]) -> list[dict]:
    """A link between sentences of the English and German test documents (by sentence number)."""
    return [side("letter.en", "en", en, [EN[i] for i in en]), side("letter.de", "de", de, [DE[i] for i in de])]


def statuses(out) -> dict[tuple, str]:
    return {tuple(tuple(s["sents"]) for s in c.link): c.status for c in corrections(out).links}


def test_fingerprint_and_side():
    assert fingerprint("  Er war kurz. ") == fingerprint("Er war kurz.")
    assert fingerprint("e\u0301") == fingerprint("\u00e9")  # NFC
    assert fingerprint("Er war kurz.") != fingerprint("Er war kurz!")
    assert len(fingerprint("x")) == 16
    s = side("letter.de", "de", [1, 2], DE[1:3])
    assert s == {"doc": "letter.de", "lang": "de", "sents": [1, 2], "fps": [fingerprint(DE[1]), fingerprint(DE[2])]}
    with pytest.raises(ValueError):
        side("letter.de", "de", [1, 2], DE[1:2])


def test_every_action_kind_is_written_and_read_back(tmp_path):
    assert read(tmp_path).entries == [] and not journal_path(tmp_path).exists()
    written = [
        append(tmp_path, "confirm", link=link([0], [0]), corpus="letter", unit=0),
        append(tmp_path, "reject", link=link([1], [1]), corpus="letter", unit=1),
        append(tmp_path, "note", link=link([0], [0]), text="Montag: a Monday «in Zürich»", unit=0),
        append(tmp_path, "merge", before=[link([1], [1]), link([2], [2])], after=[link([1, 2], [1, 2])], unit=1),
        append(tmp_path, "split", before=[link([1, 2], [1, 2])], after=[link([1], [1]), link([2], [2])], unit=1),
        append(tmp_path, "move", before=[link([2], [2]), link([3], [3])], after=[link([2], [2, 3]), link([3], [])[:1]]),
    ]
    written.append(append(tmp_path, "undo", target=written[-1]["id"]))
    written.append(append(tmp_path, "redo", target=written[-2]["id"]))
    back = read(tmp_path)
    assert back.skipped == 0
    assert back.entries == written  # every field, in order, unicode intact
    assert [e["action"] for e in back.entries] == ["confirm", "reject", "note", "merge", "split", "move", "undo",
                                                   "redo"]
    assert len({e["id"] for e in back.entries}) == len(written)
    lines = journal_path(tmp_path).read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == len(written) + 1  # one entry a line, the file ends with a newline
    assert [json.loads(x) for x in lines[:-1]] == written
    assert "«in Zürich»" in journal_path(tmp_path).read_text(encoding="utf-8")  # UTF-8, not \u escapes


@pytest.mark.parametrize("action, fields", [
    ("approve", {"link": None}),
    ("confirm", {}),
    ("note", {"link": None}),  # no text
    ("merge", {"before": []}),  # no after
    ("undo", {}),
    ("confirm", {"link": []}),
    ("confirm", {"link": [{"doc": "a", "sents": [1, 2], "fps": ["x"]}]}),  # one fingerprint for two sentences
    ("confirm", {"link": [{"doc": "a", "sents": [1]}]}),
])
def test_a_malformed_entry_is_refused_and_nothing_is_written(tmp_path, action, fields):
    fields = {k: (link([0], [0]) if v is None else v) for k, v in fields.items()}
    with pytest.raises(ValueError):
        append(tmp_path, action, **fields)
    assert not journal_path(tmp_path).exists()


def test_an_unwritable_journal_is_one_clear_error(tmp_path):
    missing = tmp_path / "no-such-out"
    with pytest.raises(CorpusError, match="cannot write the corrections journal"):
        append(missing, "confirm", link=link([0], [0]))


def test_fold_statuses_notes_and_the_latest_action_wins(tmp_path):
    append(tmp_path, "confirm", link=link([0], [0]), corpus="letter", unit=0)
    append(tmp_path, "note", link=link([0], [0]), text="check the date")
    append(tmp_path, "reject", link=link([1], [1]))
    assert statuses(tmp_path) == {((0,), (0,)): "confirmed", ((1,), (1,)): "rejected"}
    c = corrections(tmp_path)
    first = c.of_sentence("letter.en", 0)
    assert first.notes == ["check the date"] and first.status == "confirmed"
    assert c.of_sentence("letter.de", 1).status == "rejected" and c.of_sentence("letter.en", 3) is None
    # the same unit later confirmed: the later action wins, the note stays
    append(tmp_path, "reject", link=link([0], [0]))
    append(tmp_path, "confirm", link=link([1], [1]))
    assert statuses(tmp_path) == {((0,), (0,)): "rejected", ((1,), (1,)): "confirmed"}
    assert corrections(tmp_path).of_sentence("letter.en", 0).notes == ["check the date"]
    assert [x.status for x in corrections(tmp_path).by_status("confirmed")] == ["confirmed"]
    # a note on a link without a status leaves its status empty
    append(tmp_path, "note", link=link([3], [3]), text="fine")
    assert statuses(tmp_path)[((3,), (3,))] == ""


def test_edits_replace_their_links_and_keep_the_notes(tmp_path):
    append(tmp_path, "note", link=link([1], [1]), text="short?")
    append(tmp_path, "confirm", link=link([2], [2]))
    append(tmp_path, "merge", before=[link([1], [1]), link([2], [2])], after=[link([1, 2], [1, 2])])
    c = corrections(tmp_path)
    assert statuses(tmp_path) == {((1, 2), (1, 2)): "edited"}
    assert c.links[0].notes == ["short?"] and c.links[0].edited
    # split where the reviewer chose: English 1 | 2, German 1, 2 | (nothing)
    append(tmp_path, "split", before=[link([1, 2], [1, 2])], after=[link([1], [1, 2]), link([2], [])[:1]])
    assert statuses(tmp_path) == {((1,), (1, 2)): "edited", ((2,),): "edited"}
    # move German 2 to the next unit; then confirm the result, which stays marked as edited
    append(tmp_path, "move", before=[link([1], [1, 2]), link([2], [])[:1]], after=[link([1], [1]), link([2], [2])])
    append(tmp_path, "confirm", link=link([2], [2]))
    assert statuses(tmp_path) == {((1,), (1,)): "edited", ((2,), (2,)): "confirmed"}
    assert corrections(tmp_path).of_sentence("letter.en", 2).edited
    assert corrections(tmp_path).of_sentence("letter.en", 1).notes == ["short?"]


def test_undo_and_redo(tmp_path):
    a = append(tmp_path, "confirm", link=link([0], [0]))
    b = append(tmp_path, "merge", before=[link([1], [1]), link([2], [2])], after=[link([1, 2], [1, 2])])
    c = corrections(tmp_path)
    assert c.undo == [a["id"], b["id"]] and c.redo == []
    append(tmp_path, "undo", target=b["id"])
    c = corrections(tmp_path)
    assert statuses(tmp_path) == {((0,), (0,)): "confirmed"}  # the merge is gone
    assert c.undo == [a["id"]] and c.redo == [b["id"]] and c.entries == 3
    append(tmp_path, "undo", target=a["id"])
    assert statuses(tmp_path) == {} and corrections(tmp_path).redo == [b["id"], a["id"]]
    append(tmp_path, "redo", target=a["id"])
    assert statuses(tmp_path) == {((0,), (0,)): "confirmed"}
    append(tmp_path, "redo", target=b["id"])
    assert statuses(tmp_path) == {((0,), (0,)): "confirmed", ((1, 2), (1, 2)): "edited"}
    # undo, then a new action: the redo history is gone, and a redo of it does nothing
    append(tmp_path, "undo", target=b["id"])
    append(tmp_path, "reject", link=link([3], [3]))
    c = corrections(tmp_path)
    assert c.redo == []
    append(tmp_path, "redo", target=b["id"])
    assert statuses(tmp_path) == {((0,), (0,)): "confirmed", ((3,), (3,)): "rejected"}
    # undoing an entry twice, or one that does not exist, changes nothing
    append(tmp_path, "undo", target=b["id"])
    append(tmp_path, "undo", target="0" * 32)
    assert statuses(tmp_path) == {((0,), (0,)): "confirmed", ((3,), (3,)): "rejected"}


def test_the_later_edit_of_the_same_sentences_wins(tmp_path):
    # two tabs: one confirms unit 1, the other (not having seen it) merges units 1 and 2
    append(tmp_path, "note", link=link([1], [1]), text="tab A")
    append(tmp_path, "confirm", link=link([1], [1]))
    append(tmp_path, "merge", before=[link([2], [2])], after=[link([1, 2], [1, 2])])
    assert statuses(tmp_path) == {((1, 2), (1, 2)): "edited"}
    assert corrections(tmp_path).links[0].notes == ["tab A"]  # the notes go with the sentences
    # and the other way round: the first tab, later, confirms unit 1 again: the merge gives way
    append(tmp_path, "confirm", link=link([1], [1]))
    assert statuses(tmp_path) == {((1,), (1,)): "confirmed"}
    # each sentence belongs to at most one link of the state
    append(tmp_path, "split", before=[link([1], [1])], after=[link([0, 1], [0]), link([], [1])[1:]])
    seen = [s for c in corrections(tmp_path).links for s in c.sentences()]
    assert len(seen) == len(set(seen))


def torn_fragment(entry_text: str) -> bytes:
    """The first bytes of an entry cut inside a multi-byte character, as a writer killed mid-write leaves."""
    raw = entry_text.encode("utf-8")
    cut = raw.index("她".encode("utf-8")) + 1
    return raw[:cut]


def test_a_torn_last_line_is_skipped_and_the_next_append_starts_its_own_line(tmp_path):
    zh = [side("letter.zh", "zh", [2], [ZH[2]])]
    a = append(tmp_path, "confirm", link=link([0], [0]))
    b = append(tmp_path, "note", link=zh, text="她读了两遍")
    whole = journal_path(tmp_path).read_bytes()
    fragment = torn_fragment(json.dumps({"id": "f" * 32, "time": b["time"], "action": "note", "link": zh,
                                         "text": "她读了两遍。"}, ensure_ascii=False))
    with open(journal_path(tmp_path), "ab") as fh:
        fh.write(fragment)
    back = read(tmp_path)
    assert back.entries == [a, b] and back.skipped == 1
    assert corrections(tmp_path).skipped == 1
    c = append(tmp_path, "reject", link=link([3], [3]))
    data = journal_path(tmp_path).read_bytes()
    assert data == whole + fragment + b"\n" + json.dumps(c, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    back = read(tmp_path)
    assert back.entries == [a, b, c] and back.skipped == 1
    d = append(tmp_path, "confirm", link=link([2], [2]))  # after a whole line no extra newline is written
    assert journal_path(tmp_path).read_bytes().endswith(b"}\n" + json.dumps(
        d, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    assert read(tmp_path).entries == [a, b, c, d]


@pytest.mark.parametrize("line", [
    b'{"id":"x","action":"confirm"}',  # no link
    b'[1, 2]',
    b'"confirm"',
    b'{"id":"x","time":"t","action":"confirm","link":[{"doc":"a","sents":7,"fps":["x"]}]}',
    b'{"action":"confirm","link":[{"doc":"a","sents":[1],"fps":["x"]}]}',  # no id or time: not an entry
    b'{"id":"x","time":"t","action":"merge","before":5,"after":[]}',
    b'\xff\xfe{}',
])
def test_a_line_that_is_not_a_complete_entry_is_skipped_and_the_fold_still_works(tmp_path, line):
    a = append(tmp_path, "confirm", link=link([0], [0]))
    with open(journal_path(tmp_path), "ab") as fh:
        fh.write(line + b"\n")
    b = append(tmp_path, "reject", link=link([1], [1]))
    back = read(tmp_path)
    assert back.entries == [a, b] and back.skipped == 1
    assert statuses(tmp_path) == {((0,), (0,)): "confirmed", ((1,), (1,)): "rejected"}


def _writer(out: str, who: int, count: int, barrier) -> None:
    barrier.wait()
    for k in range(count):
        # some entries far larger than a pipe buffer or a page, so a write could interleave if unlocked
        text = f"{who}:{k}:" + ("ü" * (k % 7) * 1500)
        append(out, "note", link=link([k % 4], [k % 4]), text=text, unit=k)


def test_two_processes_appending_at_once_leave_every_line_whole(tmp_path):
    count = 300
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), who, count, barrier)) for who in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    lines = journal_path(tmp_path).read_bytes().split(b"\n")
    assert lines[-1] == b""
    parsed = [json.loads(x) for x in lines[:-1]]  # every line is one whole entry
    assert len(parsed) == 2 * count
    back = read(tmp_path)
    assert back.skipped == 0 and back.entries == parsed
    for who in (1, 2):
        mine = [int(e["text"].split(":")[1]) for e in parsed if e["text"].startswith(f"{who}:")]
        assert mine == list(range(count))  # each writer's entries whole and in its own order
        assert all(e["text"] == f"{e['text'].split(':')[0]}:{e['unit']}:" + "ü" * (e["unit"] % 7) * 1500
                   for e in parsed)


KILLED_WRITER = textwrap.dedent("""
    import sys
    from corpus.review.journal import append, side
    out = sys.argv[1]
    link = [side("a.en", "en", [1], ["One."]), side("a.de", "de", [1], ["Eins."])]
    for k in range(1_000_000):
        # a large note: a write takes long enough for the kill to land inside one now and then
        e = append(out, "note", link=link, text=f"{k}:" + "x" * (k % 5) * 200_000, unit=k)
        print(e["id"], flush=True)
""")


@pytest.mark.parametrize("after", [40, 150])
def test_a_writer_killed_in_the_middle_of_appends_leaves_a_whole_journal(tmp_path, after):
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], stdout=subprocess.PIPE,
                            cwd=ROOT, text=True)
    acknowledged = []
    try:
        for line in proc.stdout:
            acknowledged.append(line.strip())
            if len(acknowledged) == after:
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    acknowledged += [x.strip() for x in proc.stdout.read().splitlines()]  # printed before the kill landed
    assert len(acknowledged) >= after
    back = read(tmp_path)
    ids = [e["id"] for e in back.entries]
    assert ids[:len(acknowledged)] == acknowledged  # every acknowledged entry, in order
    assert len(ids) - len(acknowledged) <= 1  # at most one written whose acknowledgement the kill cut off
    assert back.skipped <= 1  # at most the one being written, torn
    assert all(e["text"] == f"{e['unit']}:" + "x" * (e["unit"] % 5) * 200_000 for e in back.entries)
    # the journal stays usable: the next append reads back, after the torn line if any
    new = append(tmp_path, "confirm", link=[side("a.en", "en", [1], ["One."])])
    again = read(tmp_path)
    assert again.entries[-1] == new and again.entries[:-1] == back.entries and again.skipped == back.skipped
    assert corrections(tmp_path).of_sentence("a.en", 1).status == "confirmed"
