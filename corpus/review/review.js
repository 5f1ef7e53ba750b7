/* Review layer of the side-by-side page, added by `corpus review`: posts the reviewer's actions to the local
   server (with the session token and the digest of the state this page last saw), shows each unit's status
   and the progress, and says when an action replaced a change made elsewhere (another tab).
   Keys on the marked unit (j/k or a click on its number mark one): c confirm, x reject, m merge with the
   next unit, M with the previous one, a add a note, u undo, r redo. */
(function () {
  "use strict";
  var R = JSON.parse(document.getElementById("review-data").textContent);
  var D = JSON.parse(document.getElementById("corpus-data").textContent);
  var state = R.state;
  var built = {};  // corpus + unit -> the build's link: [{doc, lang, sents}]
  R.units.forEach(function (u) { built[key(u[0], u[1])] = u[2]; });

  var style = document.createElement("style");
  style.textContent =
    ".row[data-review=confirmed] .meta{box-shadow:inset 4px 0 #2e7d32}" +
    ".row[data-review=rejected] .meta{box-shadow:inset 4px 0 #b3261e}.row[data-review=rejected] .cell{opacity:.55}" +
    ".row[data-review=edited] .meta{box-shadow:inset 4px 0 #1565c0}" +
    "#review{display:inline-flex;gap:.35rem;align-items:baseline;font-size:.9em}" +
    "#review-msg{margin-left:.5em;color:#8a4b00}#review-msg.over{font-weight:bold;color:#b3261e}";
  document.head.appendChild(style);
  var bar = document.createElement("span");
  bar.id = "review";
  var progress = document.createElement("b");
  progress.id = "review-progress";
  bar.appendChild(progress);
  var buttons = [["confirm", "Confirm", "c"], ["reject", "Reject", "x"], ["merge-next", "Merge \u2193", "m"],
                 ["merge-prev", "Merge \u2191", "M"], ["note", "Note", "a"], ["undo", "Undo", "u"],
                 ["redo", "Redo", "r"]];
  var byName = {};
  buttons.forEach(function (b) {
    var el = document.createElement("button");
    el.className = "btn";
    el.id = "review-" + b[0];
    el.type = "button";
    el.textContent = b[1];
    el.title = b[1].replace(/ .$/, "") + " (" + b[2] + ")";
    el.addEventListener("click", function () { run(b[0]); });
    byName[b[2]] = b[0];
    bar.appendChild(el);
  });
  var msg = document.createElement("span");
  msg.id = "review-msg";
  msg.setAttribute("aria-live", "polite");
  bar.appendChild(msg);
  var titlebar = document.querySelector(".titlebar");
  (titlebar || document.body).insertBefore(bar, titlebar ? titlebar.querySelector(".right") : null);

  function key(corpus, unit) { return corpus + "\u0000" + unit; }
  function rowUnit(row) { var r = D.rows[+row.dataset.i]; return { corpus: D.corpora[r[1]], unit: r[0] }; }
  function show() {
    var status = {};
    state.units.forEach(function (u) { status[key(u.corpus, u.unit)] = u.status; });
    var rows = document.querySelectorAll("#rows .row");
    for (var k = 0; k < rows.length; k++) {
      var u = rowUnit(rows[k]), s = status[key(u.corpus, u.unit)] || "";
      if (s) rows[k].dataset.review = s; else delete rows[k].dataset.review;
    }
    progress.textContent = state.confirmed + " of " + state.total + " confirmed";
    document.getElementById("review-undo").disabled = !state.undo;
    document.getElementById("review-redo").disabled = !state.redo;
    document.documentElement.dataset.reviewDigest = state.digest;
  }
  function say(text, over) { msg.textContent = text || ""; msg.className = over ? "over" : ""; }

  function post(action) {
    action.seen = state.digest;
    var headers = { "Content-Type": "application/json" };
    headers[R.header] = R.token;
    return fetch("/api/action", { method: "POST", headers: headers, body: JSON.stringify(action),
                                  credentials: "same-origin" })
      .then(function (resp) {
        return resp.json().then(function (j) {
          if (!resp.ok) { say("not saved: " + (j.error || resp.status), true); return null; }
          state = j.state;
          show();
          say(j.message || "saved", !!j.message);
          return j;
        });
      }, function (err) { say("not saved: the server does not answer (" + err.message + ")", true); return null; });
  }

  // the link a row's sentences belong to now: an edited link holding them, else the build's unit
  function sentenceKeys(link) {
    var keys = [];
    link.forEach(function (s) { s.sents.forEach(function (k) { keys.push(s.doc + "\u0000" + k); }); });
    return keys;
  }
  function currentLink(u) {
    var mine = sentenceKeys(built[key(u.corpus, u.unit)] || []);
    for (var i = state.links.length - 1; i >= 0; i--) {
      var c = state.links[i];
      if (!c.edited) continue;
      var theirs = sentenceKeys(c.link);
      if (mine.some(function (k) { return theirs.indexOf(k) >= 0; })) return c.link;
    }
    return built[key(u.corpus, u.unit)];
  }
  function same(a, b) { return JSON.stringify(sentenceKeys(a).sort()) === JSON.stringify(sentenceKeys(b).sort()); }
  function union(a, b) {
    var out = [], at = {};
    a.concat(b).forEach(function (s) {
      if (!(s.doc in at)) { at[s.doc] = out.length; out.push({ doc: s.doc, sents: [] }); }
      var side = out[at[s.doc]];
      s.sents.forEach(function (k) { if (side.sents.indexOf(k) < 0) side.sents.push(k); });
    });
    out.forEach(function (s) { s.sents.sort(function (x, y) { return x - y; }); });
    return out;
  }
  function marked() {
    var row = document.querySelector("#rows .row.current");
    if (!row) say("mark a unit first (j/k, or click its number)", true);
    return row;
  }
  function neighbour(row, d) {  // the nearest row in document order whose link is not this row's own
    var u = rowUnit(row), here = currentLink(u), i = +row.dataset.i;
    for (var j = i + d; j >= 0 && j < D.rows.length; j += d) {
      var v = { corpus: D.corpora[D.rows[j][1]], unit: D.rows[j][0] };
      if (v.corpus !== u.corpus) return null;
      if (!same(currentLink(v), here)) return v;
    }
    return null;
  }

  function run(name) {
    if (name === "undo") return state.undo ? post({ action: "undo" }) : say("nothing to undo");
    if (name === "redo") return state.redo ? post({ action: "redo" }) : say("nothing to redo");
    var row = marked();
    if (!row) return null;
    var u = rowUnit(row), link = currentLink(u);
    if (name === "confirm" || name === "reject") {
      return post({ action: name, corpus: u.corpus, unit: u.unit, link: link });
    }
    if (name === "note") {
      var text = window.prompt("Note on unit #" + u.unit);
      if (!text || !text.trim()) return null;
      return post({ action: "note", corpus: u.corpus, unit: u.unit, link: link, text: text });
    }
    var d = name === "merge-next" ? 1 : -1, v = neighbour(row, d);
    if (!v) { say("no " + (d > 0 ? "next" : "previous") + " unit to merge with", true); return null; }
    var other = currentLink(v);
    return post({ action: "merge", corpus: u.corpus, unit: u.unit, before: [link, other], after: [union(link, other)] });
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    if (!byName[e.key]) return;
    e.preventDefault();
    run(byName[e.key]);
  });

  (function whenBuilt() {  // the page builds its rows in chunks; mark them once all are there
    if (document.documentElement.dataset.ready) { show(); document.documentElement.dataset.review = "1"; }
    else setTimeout(whenBuilt, 20);
  })();
  window.__corpusReview = { post: post, run: run, state: function () { return state; }, show: show };
})();
