/* Review layer of the side-by-side page, added by `corpus review`: posts the reviewer's actions to the local
   server (with the session token and the digest of the state this page last saw), shows each unit's status
   and the progress, and says when an action replaced a change made elsewhere (another tab).
   Keys on the marked unit (j/k mark one): c confirm, x reject, u undo, r redo. */
(function () {
  "use strict";
  var R = JSON.parse(document.getElementById("review-data").textContent);
  var D = JSON.parse(document.getElementById("corpus-data").textContent);
  var state = R.state;

  var style = document.createElement("style");
  style.textContent =
    ".row[data-review=confirmed] .meta{box-shadow:inset 4px 0 #2e7d32}" +
    ".row[data-review=rejected] .meta{box-shadow:inset 4px 0 #b3261e}.row[data-review=rejected] .cell{opacity:.55}" +
    ".row[data-review=edited] .meta{box-shadow:inset 4px 0 #1565c0}" +
    "#review{margin-left:1em;font-size:.9em}#review-msg{margin-left:.8em;color:#8a4b00}";
  document.head.appendChild(style);
  var bar = document.createElement("span");
  bar.id = "review";
  var progress = document.createElement("span");
  progress.id = "review-progress";
  var msg = document.createElement("span");
  msg.id = "review-msg";
  msg.setAttribute("aria-live", "polite");
  bar.appendChild(progress);
  bar.appendChild(msg);
  var titlebar = document.querySelector(".titlebar");
  (titlebar || document.body).insertBefore(bar, titlebar ? titlebar.querySelector(".right") : null);

  function key(corpus, unit) { return corpus + "\u0000" + unit; }
  function show() {
    var status = {};
    state.units.forEach(function (u) { status[key(u.corpus, u.unit)] = u.status; });
    var rows = document.querySelectorAll("#rows .row");
    for (var k = 0; k < rows.length; k++) {
      var r = D.rows[+rows[k].dataset.i], s = status[key(D.corpora[r[1]], r[0])] || "";
      if (s) rows[k].dataset.review = s; else delete rows[k].dataset.review;
    }
    progress.textContent = state.confirmed + " of " + state.total + " confirmed";
    document.documentElement.dataset.reviewDigest = state.digest;
  }
  function say(text) { msg.textContent = text || ""; }

  function post(action) {
    action.seen = state.digest;
    var headers = { "Content-Type": "application/json" };
    headers[R.header] = R.token;
    return fetch("/api/action", { method: "POST", headers: headers, body: JSON.stringify(action),
                                  credentials: "same-origin" })
      .then(function (resp) {
        return resp.json().then(function (j) {
          if (!resp.ok) { say("not saved: " + (j.error || resp.status)); throw new Error(j.error); }
          state = j.state;
          show();
          say(j.message || "saved");
          return j;
        });
      });
  }
  function current() {
    var row = document.querySelector("#rows .row.current");
    if (!row) { say("mark a unit first (j/k, or click its number)"); return null; }
    var r = D.rows[+row.dataset.i];
    return { corpus: D.corpora[r[1]], unit: r[0] };
  }
  function onUnit(action) {
    var u = current();
    if (!u) return null;
    u.action = action;
    return post(u);
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    var done = true;
    if (e.key === "c") onUnit("confirm");
    else if (e.key === "x") onUnit("reject");
    else if (e.key === "u") { if (state.undo) post({ action: "undo" }); else say("nothing to undo"); }
    else if (e.key === "r") { if (state.redo) post({ action: "redo" }); else say("nothing to redo"); }
    else done = false;
    if (done) e.preventDefault();
  });

  (function whenBuilt() {  // the page builds its rows in chunks; mark them once all are there
    if (document.documentElement.dataset.ready) { show(); document.documentElement.dataset.review = "1"; }
    else setTimeout(whenBuilt, 20);
  })();
  window.__corpusReview = { post: post, state: function () { return state; }, show: show };
})();
