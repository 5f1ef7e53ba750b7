"""`corpus review OUT` on a real `corpus build` of the letter seeds, with the real Flask app on werkzeug's server
on a free port (a thread, or the `corpus` command in a subprocess) and plain urllib / http.client requests:
the token is needed for everything, the host must be the loopback one, nothing outside OUT is served, each
action lands in OUT's journal and is there after a restart, a stale edit is recorded and reported."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from lxml import html as lxml_html

from corpus.errors import CorpusError
from corpus.review.journal import journal_path, read
from corpus.review.server import create_app, review_script
from review_helpers import running

pytestmark = pytest.mark.slow  # one `corpus build` of the letter for the module: a few seconds


def call(url: str, data: dict | bytes | None = None, headers: dict | None = None) -> tuple[int, bytes, dict]:
    body = json.dumps(data).encode() if isinstance(data, dict) else data
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body is not None else "GET")
    if isinstance(data, dict):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def raw_get(base: str, path: str, host: str | None = None) -> int:
    """GET `path` exactly as written (no client-side normalisation of `..` or escapes)."""
    hostport = base.split("//", 1)[1]
    conn = http.client.HTTPConnection(hostport, timeout=30)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host or hostport)
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


def act(base: str, token: str, **action) -> tuple[int, dict]:
    status, body, _ = call(base + "/api/action", action, {"X-Corpus-Token": token})
    return status, json.loads(body)


def review_data(base: str, token: str) -> dict:
    status, body, _ = call(f"{base}/?token={token}")
    assert status == 200
    doc = lxml_html.fromstring(body)
    return json.loads(doc.get_element_by_id("review-data").text)


def test_the_page_is_the_built_page_with_the_review_script(out):
    with running(out) as (base, token):
        status, body, headers = call(f"{base}/?token={token}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode("utf-8")
    built = (out / "compare.html").read_text(encoding="utf-8")
    # the built page's own data and script are there unchanged
    doc, built_doc = lxml_html.fromstring(page), lxml_html.fromstring(built)
    assert doc.get_element_by_id("corpus-data").text == built_doc.get_element_by_id("corpus-data").text
    scripts = [s.text for s in doc.xpath("//script[not(@type)]")]
    assert scripts[0] == built_doc.xpath("//script[not(@type)]")[0].text and scripts[1] == review_script()
    data = json.loads(doc.get_element_by_id("review-data").text)
    assert data["token"] == token and data["state"]["entries"] == 0 and data["state"]["total"] == len(data["units"])
    assert data["state"]["total"] == len(json.loads(doc.get_element_by_id("corpus-data").text)["rows"])
    # the policy allows the two scripts (by hash) and requests to this server, no more
    import base64
    import hashlib

    policy = headers["Content-Security-Policy"]
    assert doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0] == policy
    h = base64.b64encode(hashlib.sha256(review_script().encode()).digest()).decode()
    assert f"'sha256-{h}'" in policy and "connect-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"


def test_every_request_needs_the_token(out):
    with running(out) as (base, token):
        link_action = {"action": "confirm", "corpus": "letter", "unit": 0}
        for headers in ({}, {"X-Corpus-Token": "wrong"}, {"X-Corpus-Token": token[:-1]},
                        {"X-Corpus-Token": token + "x"}, {"X-Corpus-Token": "é"}):
            assert call(base + "/api/action", link_action, headers)[0] == 403
        assert call(f"{base}/api/action?token={token}", link_action)[0] == 403  # a POST takes it from the header
        assert call(base + "/files/documents.csv", b"x", {})[0] == 403  # any POST, any path
        assert call(base + "/nowhere", b"x", {})[0] == 403
        for path in ("/", "/api/state", "/files/documents.csv", f"/?token={token[:-1]}"):
            assert call(base + path)[0] == 403
        assert not journal_path(out).exists()  # nothing was written
        assert call(f"{base}/api/state?token={token}")[0] == 200
        assert call(base + "/api/state", headers={"X-Corpus-Token": token})[0] == 200
        # the right token, but another host name (a DNS-rebinding page): refused
        assert raw_get(base, f"/?token={token}", host="evil.example:80") == 403
        assert raw_get(base, f"/?token={token}") == 200
        # a form post (no JSON) is refused even with the token: only the page's script posts actions
        assert call(base + "/api/action", b"action=confirm", {"X-Corpus-Token": token,
                                                             "Content-Type": "application/x-www-form-urlencoded"})[0] == 415
        status, body = act(base, token, **link_action)
        assert status == 200 and body["state"]["confirmed"] == 1
    with running(out) as (base2, token2):  # a new session, a new token: the old one is refused
        assert token2 != token
        assert act(base2, token, **link_action)[0] == 403


def test_nothing_outside_out_is_served(out, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser")
    os.symlink(secret, out / "link-out.txt")
    (out / "sub").mkdir()
    (out / "sub" / "inside.txt").write_text("fine")
    with running(out) as (base, token):
        q = f"?token={token}"
        assert raw_get(base, "/files/documents.csv" + q) == 200
        assert raw_get(base, "/files/sub/inside.txt" + q) == 200
        status, body, _ = call(f"{base}/files/documents.csv{q}")
        assert body == (out / "documents.csv").read_bytes()
        for path in ("/files/../secret.txt", "/files/../../etc/passwd", "/files/%2e%2e/secret.txt",
                     "/files/..%2fsecret.txt", "/files/..%2F..%2Fetc%2Fpasswd", "/files/sub/../../secret.txt",
                     "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/../secret.txt", "/files/link-out.txt",
                     "/files/sub", "/files/", "/files/nothing.txt", "/files/%00", "/secret.txt",
                     "/files/" + "a" * 5000):
            assert raw_get(base, path + q) == 404, path


def test_actions_are_saved_and_seen_after_a_restart(out):
    with running(out) as (base, token):
        data = review_data(base, token)
        units = {u: link for c, u, link in data["units"]}
        digest = data["state"]["digest"]
        assert act(base, token, action="confirm", corpus="letter", unit=0, seen=digest)[0] == 200
        assert act(base, token, action="reject", corpus="letter", unit=1)[0] == 200
        status, body = act(base, token, action="note", corpus="letter", unit=0, text="Anrede: «Liebe …»")
        assert status == 200
        # merge units 2 and 3 (the client gives both links and their union)
        merged = [{"doc": s["doc"], "sents": s["sents"] + t["sents"]} for s in units[2] for t in units[3]
                  if s["doc"] == t["doc"]]
        merged += [s for s in units[2] + units[3] if s["doc"] not in {m["doc"] for m in merged}]
        status, body = act(base, token, action="merge", corpus="letter", unit=2, before=[units[2], units[3]],
                           after=[merged])
        assert status == 200, body
        state = body["state"]
        assert state["entries"] == 4 and state["confirmed"] == 1
        by_unit = {u["unit"]: u for u in state["units"]}
        assert by_unit[0]["status"] == "confirmed" and by_unit[0]["notes"] == ["Anrede: «Liebe …»"]
        assert by_unit[1]["status"] == "rejected" and by_unit[2]["status"] == by_unit[3]["status"] == "edited"
    entries = read(out).entries
    assert [e["action"] for e in entries] == ["confirm", "reject", "note", "merge"]
    assert entries[0]["link"][0]["fps"] and entries[0]["unit"] == 0 and entries[0]["corpus"] == "letter"
    with running(out) as (base, token):  # a new server on the same folder
        again = review_data(base, token)["state"]
        assert again["digest"] == state["digest"]
        assert {u["unit"]: u["status"] for u in again["units"]} == {0: "confirmed", 1: "rejected", 2: "edited",
                                                                    3: "edited"}
        # undo the merge and the note: units 2 and 3 are the build's again, the confirm stays
        assert act(base, token, action="undo")[0] == 200
        status, body = act(base, token, action="undo")
        assert status == 200
        assert {u["unit"]: u["status"] for u in body["state"]["units"]} == {0: "confirmed", 1: "rejected"}
        status, body = act(base, token, action="redo")
        assert status == 200 and body["state"]["units"][0]["notes"] == ["Anrede: «Liebe …»"]


def test_a_stale_edit_is_recorded_and_reported(out):
    with running(out) as (base, token):
        seen = review_data(base, token)["state"]["digest"]  # two tabs load the page
        status, b = act(base, token, action="confirm", corpus="letter", unit=5, seen=seen)  # tab B
        assert status == 200 and b["overrode"] == [] and b["message"] == ""
        status, a = act(base, token, action="reject", corpus="letter", unit=5, seen=seen)  # tab A, stale
        assert status == 200 and a["overrode"] == [b["entry"]]
        assert "replaced 1 change" in a["message"]
        assert {u["unit"]: u["status"] for u in a["state"]["units"]} == {5: "rejected"}  # the later edit wins
        # tab A, stale again, but on another unit: nothing of its sentences changed meanwhile
        status, c = act(base, token, action="confirm", corpus="letter", unit=6, seen=seen)
        assert status == 200 and c["overrode"] == []
        # tab B had seen its own confirm only: tab A's reject of the same unit was not seen
        status, d = act(base, token, action="note", corpus="letter", unit=5, text="B again", seen=b["state"]["digest"])
        assert d["overrode"] == [a["entry"]]
        # an up-to-date client overrides nothing
        status, e = act(base, token, action="confirm", corpus="letter", unit=5, seen=d["state"]["digest"])
        assert e["overrode"] == [] and e["state"]["units"][0]["status"] == "confirmed"


def test_bad_actions_are_refused_with_one_line_and_nothing_written(out):
    with running(out) as (base, token):
        data = review_data(base, token)
        units = {u: link for c, u, link in data["units"]}
        doc = units[0][0]["doc"]
        bad = [
            {"action": "approve", "corpus": "letter", "unit": 0},
            {"action": "confirm", "corpus": "letter", "unit": 10_000},
            {"action": "confirm", "corpus": "other", "unit": 0},
            {"action": "confirm", "link": [{"doc": doc, "sents": [10_000]}]},
            {"action": "confirm", "link": [{"doc": "../../etc/passwd", "sents": [0]}]},
            {"action": "note", "corpus": "letter", "unit": 0, "text": " "},
            {"action": "merge", "before": [units[0], units[1]], "after": [units[0]]},  # loses sentences
            {"action": "split", "before": [units[0]], "after": [units[0], units[0]]},  # doubles them
            {"action": "move", "before": [units[0]], "after": [units[1]]},
            {"action": "undo"},  # nothing to undo
            {"action": "redo"},
            {"action": "undo", "target": "0" * 32},
        ]
        for action in bad:
            status, body = act(base, token, **action)
            assert status == 400 and body["error"] and "\n" not in body["error"], action
        assert call(base + "/api/action", b"[1, 2]", {"X-Corpus-Token": token, "Content-Type": "application/json"})[0] == 400
        assert call(base + "/api/action", b"{not json", {"X-Corpus-Token": token,
                                                         "Content-Type": "application/json"})[0] == 400
        assert call(base + "/api/action", b"{}" + b" " * (2 << 20), {"X-Corpus-Token": token,
                                                                      "Content-Type": "application/json"})[0] == 413
    assert not journal_path(out).exists()


def test_a_folder_that_is_no_build_is_one_clear_error(tmp_path, out):
    with pytest.raises(CorpusError, match="no such folder"):
        create_app(tmp_path / "absent")
    with pytest.raises(CorpusError, match="compare.html"):
        create_app(tmp_path)
    (out / "sentences.parquet").unlink()
    with pytest.raises(CorpusError, match="rerun `corpus build`"):
        create_app(out)


def test_the_corpus_review_command(out):
    """The real command: prints the address with the token, serves it, keeps the actions, stops on Ctrl-C."""
    proc = subprocess.Popen([sys.executable, "-c", "from aligner.cli import main; main()", "review", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"reviewing {out} at http://127.0.0.1:"), (line, proc.stderr.read() if not line else "")
        url = line.split(" at ", 1)[1].split()[0]
        base, token = url.split("/?token=")
        assert call(url)[0] == 200 and call(base + "/")[0] == 403
        assert act(base, token, action="confirm", corpus="letter", unit=0)[0] == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
        log = proc.stderr.read()
        assert "corrections.jsonl" in log and "POST /api/action" in log and token not in log
    finally:
        proc.kill()
        proc.wait(30)
    assert [e["action"] for e in read(out).entries] == ["confirm"]
    # not a build folder: one line, exit 2
    run = subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", "review", str(out / "no")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "no such folder" in run.stderr
