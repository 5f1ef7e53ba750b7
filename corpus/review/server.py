"""`corpus review OUT`: the corpus that `corpus build` wrote in OUT, served on a local Flask server as the
side-by-side page plus a small script that posts the reviewer's actions, each saved at once in the
corrections journal (corpus.review.journal) inside OUT.

Safety: the server binds 127.0.0.1 unless told otherwise; a token made at start (printed in the URL) must come
with every request (`?token=` or the `X-Corpus-Token` header; on POST only the header), so another local
process or a web page in the browser can neither read the corpus nor post edits; requests naming another host
than the loopback one are refused (a DNS-rebinding page); only files inside OUT are served; the page keeps its
Content-Security-Policy, widened only by the review script's hash and `connect-src 'self'`.

API (JSON):
- `GET /api/state`: the folded corrections (`state_json`).
- `POST /api/action`: one action, `{"action", "corpus", "unit", "seen", ...}` (see `entry_for`); appends one
  entry and replies `{"entry", "overrode", "message", "state"}`. `seen` is the state digest the client last
  had: when an entry it had not seen touches the same sentences, the new entry is still recorded (the later
  edit wins) and `overrode` lists the entries it replaced, so the page can say so.
- `GET /files/NAME`: a file of OUT (the TMX, CSV, journal...), 404 for anything outside OUT.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import re
import secrets
from importlib import resources
from pathlib import Path

import polars as pl
from flask import Flask, Response, abort, jsonify, request, send_file

from corpus.errors import CorpusError
from corpus.formats.table import UNITS_SCHEMA
from corpus.review.journal import ACTIONS, EDIT_ACTIONS, SENTENCES_NAME, append, fingerprint, read
from corpus.review.state import fold

PAGE_NAME = "compare.html"
TOKEN_HEADER = "X-Corpus-Token"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def _json_for_script(data) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def digest_chain(entries: list[dict]) -> list[str]:
    """The state digest after each entry: `chain[k]` names the state of the first k entries (k = 0: none).
    A digest stands for the exact sequence of entries, so a client's digest tells which entries it had seen."""
    chain = [hashlib.sha256(b"corrections").hexdigest()[:20]]
    for e in entries:
        chain.append(hashlib.sha256(f"{chain[-1]}:{e['id']}".encode()).hexdigest()[:20])
    return chain


def _units_table(out: Path, name: str | None) -> pl.DataFrame:
    """The units table `corpus build` wrote in OUT: NAME.parquet (a file or a folder of parts)."""
    if name:
        candidates = [out / f"{name}.parquet"]
    else:
        candidates = sorted(p for p in out.glob("*.parquet") if p.name != SENTENCES_NAME
                            and not p.name.startswith("fidelity"))
    found = []
    for path in candidates:
        source = str(path / "*.parquet") if path.is_dir() else str(path)
        try:
            columns = pl.scan_parquet(source).collect_schema().names()
        except (OSError, pl.exceptions.PolarsError):
            continue
        if set(UNITS_SCHEMA) <= set(columns):
            found.append((path, source))
    if not found:
        raise CorpusError(f"no units table {'(' + name + '.parquet) ' if name else ''}here: "
                          "is this a folder written by `corpus build`?", out)
    if len(found) > 1:
        raise CorpusError(f"several units tables ({', '.join(p.name for p, _ in found)}): choose one with --name",
                          out)
    return pl.read_parquet(found[0][1])


class ReviewCorpus:
    """What the server knows of OUT: its units (the build's links), every sentence's text, the journal."""

    def __init__(self, out_dir: str | os.PathLike, name: str | None = None):
        self.out = Path(out_dir).resolve()
        if not self.out.is_dir():
            raise CorpusError("no such folder", out_dir)
        if not (self.out / PAGE_NAME).is_file():
            raise CorpusError(f"no {PAGE_NAME} here: is this a folder written by `corpus build`?", self.out)
        units = _units_table(self.out, name)
        sentences_path = self.out / SENTENCES_NAME
        if not sentences_path.is_file():
            raise CorpusError(f"no {SENTENCES_NAME} (written by `corpus build` since the review came): rerun "
                              "`corpus build` into this folder, with --resume to reuse its groups", self.out)
        sentences = pl.read_parquet(sentences_path)
        self.texts: dict[tuple[str, int], str] = dict(zip(
            zip(sentences["doc_id"].to_list(), sentences["sent_id"].to_list()), sentences["text"].to_list()))
        self.langs: dict[str, str] = dict(zip(sentences["doc_id"].to_list(), sentences["lang"].to_list()))
        # one row per unit, its sides in the table's language order
        lang_order = units.get_column("lang").unique(maintain_order=True).to_list()
        grouped = (units.with_columns(_o=pl.col("lang").replace_strict(lang_order, range(len(lang_order)),
                                                                        return_dtype=pl.Int64))
                   .sort("corpus", "unit_id", "_o")
                   .group_by("corpus", "unit_id", maintain_order=True)
                   .agg("doc_id", "lang", "sent_ids"))
        self.units: dict[tuple[str, int], list[dict]] = {}
        for corpus, unit, docs, langs, sents in grouped.iter_rows():
            self.units[(corpus, unit)] = [{"doc": d, "lang": lang, "sents": list(s)}
                                          for d, lang, s in zip(docs, langs, sents)]
        self.missing = sum(1 for side in (s for u in self.units.values() for s in u)
                           for k in side["sents"] if (side["doc"], k) not in self.texts)

    # -- links and entries

    def complete(self, link) -> list[dict]:
        """A link from the client (sides with doc and sents) with its languages and fingerprints, from OUT's
        own sentence texts. ValueError when a side names a sentence OUT does not have."""
        if not isinstance(link, list) or not link:
            raise ValueError("a link is a non-empty list of sides")
        sides = []
        for s in link:
            if not isinstance(s, dict) or not isinstance(s.get("doc"), str) or not isinstance(s.get("sents"), list):
                raise ValueError("a side is {doc, sents}")
            sents = s["sents"]
            if not all(isinstance(k, int) and not isinstance(k, bool) for k in sents):
                raise ValueError("sentence numbers are integers")
            unknown = [k for k in sents if (s["doc"], k) not in self.texts]
            if unknown:
                raise ValueError(f"{s['doc']} has no sentence {unknown[0]}")
            if s["doc"] not in self.langs:
                raise ValueError(f"no document {s['doc']}")
            sides.append({"doc": s["doc"], "lang": self.langs[s["doc"]], "sents": sorted(set(sents)),
                          "fps": [fingerprint(self.texts[(s["doc"], k)]) for k in sorted(set(sents))]})
        if not any(s["sents"] for s in sides):
            raise ValueError("a link needs at least one sentence")
        return sides

    def unit_link(self, corpus, unit) -> list[dict]:
        try:
            link = self.units[(corpus, unit)]
        except (KeyError, TypeError):
            raise ValueError(f"no unit {unit!r} in corpus {corpus!r}") from None
        return self.complete(link)

    def entry_for(self, body: dict) -> tuple[str, dict]:
        """The journal entry (action, fields) for a client's action. confirm, reject and note name their link
        (`link`) or the build's unit (`corpus`, `unit`); merge, split and move give `before` and `after` (links
        of the same sentences, regrouped); undo and redo may name their `target` (default: the newest one)."""
        action = body.get("action")
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r} ({', '.join(ACTIONS)})")
        fields: dict = {}
        if isinstance(body.get("corpus"), str):
            fields["corpus"] = body["corpus"]
        if isinstance(body.get("unit"), int) and not isinstance(body.get("unit"), bool):
            fields["unit"] = body["unit"]
        if action in ("undo", "redo"):
            state = fold(read(self.out).entries)
            pool = state[1] if action == "undo" else state[2]
            target = body.get("target", pool[-1] if pool else None)
            if target is None:
                raise ValueError(f"nothing to {action}")
            if target not in pool:
                raise ValueError(f"entry {target!r} cannot be {'undone' if action == 'undo' else 'redone'}")
            fields["target"] = target
        elif action in EDIT_ACTIONS:
            before = [self.complete(link) for link in _links(body, "before")]
            after = [self.complete(link) for link in _links(body, "after")]
            taken = [(s["doc"], k) for link in before for s in link for k in s["sents"]]
            given = [(s["doc"], k) for link in after for s in link for k in s["sents"]]
            if sorted(taken) != sorted(given) or len(set(given)) != len(given):
                raise ValueError(f"a {action} regroups the same sentences: 'after' must hold each sentence of "
                                 "'before' exactly once")
            fields.update(before=before, after=after)
        else:
            link = body.get("link")
            fields["link"] = self.complete(link) if link is not None else self.unit_link(body.get("corpus"),
                                                                                         body.get("unit"))
            if action == "note":
                if not isinstance(body.get("text"), str) or not body["text"].strip():
                    raise ValueError("a note needs its text")
                fields["text"] = body["text"]
        return action, fields

    # -- the folded state, as the page reads it

    def state_json(self) -> dict:
        journal = read(self.out)
        links, undo, redo = fold(journal.entries)
        status: dict[tuple[str, int], str] = {}
        taken: dict[tuple[str, int], str] = {}
        for c in links:
            for sent in c.sentences():
                taken[sent] = c.status or ("edited" if c.edited else "")
        by_key = {c.key: c for c in links}
        rows = []
        for (corpus, unit), link in self.units.items():
            key = tuple(sorted((s["doc"], tuple(s["sents"])) for s in link))
            c = by_key.get(key)
            if c is not None:
                status[(corpus, unit)] = c.status or ("edited" if c.edited else "")
            else:  # its sentences went (all or some) to an edited link: that link's status, else "edited"
                held = [taken.get((s["doc"], k)) for s in link for k in s["sents"]]
                kinds = set(held) - {None, ""}
                if len(kinds) == 1 and None not in held:
                    status[(corpus, unit)] = kinds.pop()
                elif kinds:
                    status[(corpus, unit)] = "edited"
            if status.get((corpus, unit)) or (c is not None and c.notes):
                rows.append({"corpus": corpus, "unit": unit, "status": status.get((corpus, unit), ""),
                             "notes": list(c.notes) if c is not None else []})
        return {
            "digest": digest_chain(journal.entries)[-1],
            "entries": len(journal.entries),
            "skipped": journal.skipped,
            "total": len(self.units),
            "confirmed": sum(1 for c in links if c.status == "confirmed"),
            "units": rows,
            "links": [{"link": [{k: s[k] for k in ("doc", "lang", "sents") if k in s} for s in c.link],
                       "status": c.status, "notes": c.notes, "edited": c.edited, "corpus": c.corpus,
                       "unit": c.unit, "entry": c.entry, "time": c.time} for c in links],
            "undo": undo[-1] if undo else None,
            "redo": redo[-1] if redo else None,
        }

    def record(self, body: dict) -> dict:
        """Append the entry for `body` and say which unseen entries it overrode."""
        action, fields = self.entry_for(body)
        seen = body.get("seen")
        entry = append(self.out, action, **fields)
        entries = read(self.out).entries  # after the append: an entry another writer added meanwhile counts
        before = entries[:next((k for k, e in enumerate(entries) if e["id"] == entry["id"]), len(entries))]
        chain = digest_chain(before)
        unseen = before[chain.index(seen):] if isinstance(seen, str) and seen in chain else before
        mine = _sentences(entry, before)
        overrode = [e["id"] for e in unseen if _sentences(e, before) & mine]
        message = ""
        if overrode:
            message = (f"this {action} replaced {len(overrode)} change{'s' if len(overrode) > 1 else ''} of the same "
                       "sentences made elsewhere (another tab?) since this page last saw the journal")
        return {"entry": entry["id"], "overrode": overrode, "message": message, "state": self.state_json()}


def _host_name(host: str | None) -> str:
    """The host of a Host header without its port: `127.0.0.1:8000` -> 127.0.0.1, `[::1]:8000` -> [::1]."""
    host = (host or "").lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _links(body: dict, key: str) -> list:
    links = body.get(key)
    if not isinstance(links, list) or not links:
        raise ValueError(f"a {body.get('action')} needs '{key}': a non-empty list of links")
    return links


def _sentences(entry: dict, entries: list[dict]) -> set[tuple[str, int]]:
    """The sentences an entry touches (an undo or redo: those of its target)."""
    if entry["action"] in ("undo", "redo"):
        target = next((e for e in entries if e["id"] == entry["target"]), None)
        return _sentences(target, entries) if target and target["action"] not in ("undo", "redo") else set()
    links = [entry["link"]] if "link" in entry else [*entry["before"], *entry["after"]]
    return {(s["doc"], k) for link in links for s in link for k in s["sents"]}


# ---- the page -----------------------------------------------------------------------------------------------


def review_script() -> str:
    return resources.files("corpus.review").joinpath("review.js").read_text(encoding="utf-8")


_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(">)')


def review_page(page: str, data: dict) -> tuple[str, str]:
    """The built page with the review data and script added before `</body>`, and its Content-Security-Policy
    allowing that script and requests to this server (nothing else). Returns (html, policy)."""
    js = review_script()
    if "</script" in js.lower():
        raise AssertionError("the review script must not close its own element")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    match = _CSP.search(page)
    end = page.rfind("</body>")
    if not match or end < 0:
        raise CorpusError(f"{PAGE_NAME} is not a page written by `corpus build` (no policy or body)")
    policy = html.unescape(match.group(2))
    policy = re.sub(r"script-src ([^;]*)", lambda m: f"script-src {m.group(1)} 'sha256-{digest}'", policy)
    policy += "; connect-src 'self'"
    page = page[:match.start(2)] + html.escape(policy) + page[match.end(2):]
    end = page.rfind("</body>")
    added = (f'<script type="application/json" id="review-data">{_json_for_script(data)}</script>\n'
             f"<script>{js}</script>\n")
    return page[:end] + added + page[end:], policy


# ---- the Flask app ------------------------------------------------------------------------------------------


def create_app(out_dir: str | os.PathLike, token: str | None = None, name: str | None = None,
               allowed_hosts: tuple[str, ...] | None = LOOPBACK) -> Flask:
    """The review app over OUT. `token` (default: a new random one) is in `app.config["TOKEN"]`;
    `allowed_hosts` None accepts any Host header (a server bound to a public address)."""
    corpus = ReviewCorpus(out_dir, name)
    token = token or secrets.token_urlsafe(24)
    app = Flask("corpus.review", static_folder=None)
    app.url_map.merge_slashes = False  # no redirect of //etc/passwd to /etc/passwd: an absolute name is a 404
    app.config.update(TOKEN=token, CORPUS=corpus, MAX_CONTENT_LENGTH=1 << 20, JSON_AS_ASCII=False)

    def token_ok(allow_query: bool) -> bool:
        given = request.headers.get(TOKEN_HEADER) or (request.args.get("token") if allow_query else None) or ""
        return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))

    @app.before_request
    def guard():
        if allowed_hosts is not None and _host_name(request.host) not in allowed_hosts:
            abort(403, "this server answers only on its loopback address")
        if not token_ok(allow_query=request.method in ("GET", "HEAD")):
            abort(403, "a request needs this session's token: open the address `corpus review` printed")

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Frame-Options"] = "DENY"
        return resp

    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    @app.errorhandler(415)
    def error(exc):
        return jsonify(error=exc.description if isinstance(exc.description, str) else exc.name), exc.code

    @app.get("/")
    def page():
        try:
            text = (corpus.out / PAGE_NAME).read_text(encoding="utf-8")
        except OSError:
            abort(404)
        data = {"token": token, "header": TOKEN_HEADER, "state": corpus.state_json(),
                "units": [[c, u, link] for (c, u), link in corpus.units.items()]}
        body, policy = review_page(text, data)
        resp = Response(body, mimetype="text/html")
        resp.headers["Content-Security-Policy"] = policy
        return resp

    @app.get("/api/state")
    def state():
        return jsonify(corpus.state_json())

    @app.post("/api/action")
    def action():
        if not request.is_json:
            abort(415, "send the action as application/json")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="the body is not a JSON object"), 400
        try:
            return jsonify(corpus.record(body))
        except ValueError as exc:
            return jsonify(error=str(exc)), 400
        except CorpusError as exc:
            return jsonify(error=str(exc)), 500

    @app.get("/files/<path:name>")
    def files(name: str):
        try:
            path = (corpus.out / name).resolve()
            inside = path.is_relative_to(corpus.out) and path.is_file()
        except (OSError, ValueError):  # a null byte, a name too long
            inside = False
        if not inside:
            abort(404)  # outside OUT (.., an absolute path, a symbolic link out), or no such file
        return send_file(path)

    return app


def serve(out_dir: str | os.PathLike, host: str = "127.0.0.1", port: int = 0, name: str | None = None,
          announce=print) -> None:
    """Serve the review of OUT until interrupted (Ctrl-C returns); `port` 0 picks a free one. `announce(url)` is told the
    address (with the token) once the server listens."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Handler(WSGIRequestHandler):
        def log_request(self, code="-", size="-") -> None:  # the path without its query: no token in the log
            self.log("info", '"%s %s" %s', self.command, self.path.split("?", 1)[0], getattr(code, "value", code))

    loopback = host in LOOPBACK
    app = create_app(out_dir, name=name, allowed_hosts=LOOPBACK + (host,) if loopback else None)
    try:
        server = make_server(host, port, app, threaded=True, request_handler=Handler)
    except OSError as exc:
        raise CorpusError(f"cannot listen on {host}:{port} ({exc.strerror})") from exc
    shown = f"[{host}]" if ":" in host else host
    announce(f"http://{shown}:{server.server_port}/?token={app.config['TOKEN']}")
    try:
        server.serve_forever()
    finally:
        server.server_close()
