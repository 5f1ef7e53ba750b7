/* Side-by-side page: builds every row once from the embedded JSON (as escaped HTML text, in chunks so that a
   long corpus never freezes the page), then filters by toggling `hidden`, sorts by moving rows, and
   orders/hides columns through one generated stylesheet, so no control touches rows x languages elements. */
(function () {
  "use strict";
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById("corpus-data").textContent);
  var tParsed = performance.now();
  var cols = D.columns, data = D.rows, N = data.length;
  var byId = function (id) { return document.getElementById(id); };
  var list = byId("rows"), search = byId("search"), lowInput = byId("low");
  var fFlagged = byId("f-flagged"), fLow = byId("f-low"), fGap = byId("f-gap"), sortSel = byId("sort");
  var navStatus = byId("navstatus"), stats = byId("stats"), emptyNote = byId("empty");
  var scale = D.scoreScale || 1;
  var low = D.low;

  function el(tag, cls, text) {  // for the few controls; rows are built as escaped HTML below
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function fmt(v) { return scale === 100 ? (v * 100).toFixed(1) : v.toFixed(2); }
  function flagHelp(f) { return D.flagHelp[f] || ("Quality flag from fidelity scoring: " + f); }

  // Rows are written as HTML text and parsed once by the browser (several times faster than creating the
  // nodes one by one from script). Every piece of data goes through esc(): segment text can never become markup.
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }

  // Tooltips of scores and marks are written on first hover (see the mouseover handler): ten thousand rows of
  // title text would double the page's markup.
  // Row chips show the page's score (fidelity, or chrF when two renderings are compared); the chips under a
  // text always show that text's fidelity.
  function scoreChip(v, small) {
    var cls = small ? "score small" : "score";
    if (v == null) return '<span class="' + cls + ' none">' + (small ? "" : "no " + esc(D.scoreName)) + "</span>";
    return '<span class="' + cls + '"><span class="sw q' + Math.min(9, Math.floor(v * 10)) + '">' +
      (small ? v.toFixed(2) : fmt(v)) + '</span><span class="bar"><span class="fill" style="width:' +
      Math.round(v * 100) + '%"></span></span></span>';
  }
  function scoreTip(chip) {
    var sw = chip.querySelector(".sw"), cell = chip.closest(".cell");
    if (cell) return "fidelity of this " + cols[+cell.dataset.k].label + " text: " + sw.textContent +
      " (how faithfully it renders the source, 0-1)";
    if (!sw) return D.scoreName + ": not scored (a source text alone, or no counterpart)";
    var v = parseFloat(sw.textContent) / scale;
    return D.scoreName + " " + sw.textContent + (v < low ? "  (below the threshold " + fmt(low) + ")" : "") +
      (D.mode === "compare" ? ": how alike the two renderings are (chrF of B against A)"
                            : ": the worst fidelity among the unit's languages");
  }

  var KIND = { n: "number", m: "name" };
  function piecesHtml(pieces) {
    var out = "";
    for (var i = 0; i < pieces.length; i++) {
      var p = pieces[i];
      if (typeof p === "string") { out += esc(p); continue; }
      var kind = p[1], g = p[2];
      if (kind === "-" || kind === "+") out += '<span class="' + (kind === "-" ? "dA" : "dB") + '">';
      else if (g < 0) out += '<span class="mk bad" data-t="' + kind + '" data-x="' + esc(p[3]) + '">';
      else out += '<span class="mk g' + (g % 8) + (p[3] ? " part" : "") + '" data-t="' + kind + '" data-x="' + esc(p[3]) + '">';
      out += esc(p[0]) + "</span>";
    }
    return out;
  }
  function markTip(m) {
    var text = m.textContent, missing = m.dataset.x;
    if (m.classList.contains("dA")) return "only in " + cols[1].label + " (" + cols[1].sub + ")";
    if (m.classList.contains("dB")) return "only in " + cols[2].label + " (" + cols[2].sub + ")";
    var what = KIND[m.dataset.t] + " \u201c" + text + "\u201d ";
    if (m.classList.contains("bad")) return what + "not found in " + (missing || "the other languages") + ": check it";
    return what + (missing ? "matches another language; not found in " + missing : "matches across the languages of this unit");
  }
  function plain(pieces) {
    for (var j = 0, t = ""; j < pieces.length; j++) t += typeof pieces[j] === "string" ? pieces[j] : pieces[j][0];
    return t;
  }

  // ---- rows: the first screenful at once, the rest in chunks between which the page stays responsive
  var FIRST = 150, CHUNK = 1000;
  var rows = [], built = 0, hay = new Array(N), flagged = new Uint8Array(N), gap = new Uint8Array(N);
  var weight = new Uint32Array(N), WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/g;
  var shown = new Uint8Array(N), nFlagged = 0, nGap = 0, multiCorpus = D.corpora.length > 1;
  var cellOpen = cols.map(function (c, k) {
    return '<div role="cell" lang="' + esc(c.lang) + '"' + (c.dir ? ' dir="' + esc(c.dir) + '"' : "") +
      ' class="cell c' + k;
  });
  function rowHtml(i) {
    var r = data[i], cells = r[5], present = 0, texts = [], isFlagged = 0, h = "";
    for (var k = 0; k < cells.length; k++) if (cells[k]) present++;
    for (k = 0; k < cols.length; k++) {
      var c = cells[k];
      if (!c) { h += cellOpen[k] + ' empty" data-lang="' + esc(cols[k].label) + '"></div>'; continue; }
      h += cellOpen[k] + '" data-k="' + k + '">' + piecesHtml(c[0]);
      texts.push(plain(c[0]));
      if (c[1] != null || c[2].length) {
        h += '<div class="foot">';
        if (c[1] != null) h += scoreChip(c[1], true);
        for (var j = 0; j < c[2].length; j++) {
          h += '<span class="flag" title="' + esc(flagHelp(c[2][j])) + '">' + esc(c[2][j]) + "</span>";
          isFlagged = 1;
        }
        h += "</div>";
      }
      h += "</div>";
    }
    hay[i] = texts.join("\n").toLowerCase();
    for (k = 0, weight[i] = 0; k < texts.length; k++) {  // widest text, CJK characters counting double
      var wide = texts[k].match(WIDE);
      weight[i] = Math.max(weight[i], texts[k].length + (wide ? wide.length : 0));
    }
    flagged[i] = isFlagged; nFlagged += isFlagged;
    gap[i] = present < cols.length ? 1 : 0; nGap += gap[i];
    return '<div role="row" class="row' + (isFlagged ? " flagged" : "") + (gap[i] ? " gap" : "") + '" data-i="' + i + '">' +
      '<div class="meta"><span class="uid">#' + esc(r[0]) + "</span>" +
      (multiCorpus ? '<span class="corpus">' + esc(D.corpora[r[1]]) + "</span>" : "") +
      '<span class="link' + (present < 2 ? ' single" title="unaligned: no counterpart in the other languages"'
                                         : '" title="link type: sentences per language in this unit"') + ">" +
      esc(r[2] || "?") + "</span>" + (r[3] != null ? '<span class="conf">conf ' + r[3].toFixed(2) + "</span>" : "") +
      scoreChip(r[4], false) + "</div>" + h + "</div>";
  }
  // Rows live in blocks of BLOCK rows, and a block off screen is skipped by the browser (content-visibility),
  // so showing, hiding or reordering 10,000 rows costs style and layout for the blocks in view only.
  // Rows after the first screenful are parsed into a detached element and moved into the page at the end:
  // rows added to the live page one chunk at a time would each time invalidate the page's style and layout.
  var BLOCK = 50, blocks = [], blockOf = new Uint32Array(N);
  var stage = document.createElement("div");
  function buildChunk(size, into) {
    var start = built, end = Math.min(N, built + size), html = [];
    for (var i = start; i < end; i++) {
      if ((i - start) % BLOCK === 0) html.push(i > start ? '</div><div class="blk">' : '<div class="blk">');
      html.push(rowHtml(i));
    }
    html.push("</div>");
    into.insertAdjacentHTML("beforeend", html.join(""));
    var kids = into.children, nb = Math.ceil((end - start) / BLOCK);
    for (var b = kids.length - nb; b < kids.length; b++) {
      var blk = kids[b], rs = blk.children;
      for (var j = 0; j < rs.length; j++) { blockOf[rows.length] = blocks.length; rows.push(rs[j]); }
      blocks.push(blk);
    }
    built = end;
    for (i = start; i < end; i++) shown[i] = 1;
    markProblems(start, end);
    apply(start, end);
  }
  // A skipped block takes the height its shown rows are estimated to need (text length against column width);
  // blocks in view are laid out for real, and scroll anchoring absorbs the difference.
  function sizeBlocks() {
    var nCols = 0;
    for (var k = 0; k < cols.length; k++) nCols += colShown[k] ? 1 : 0;
    var charsPerLine = Math.max(8, (list.clientWidth - 170) / Math.max(1, nCols) / 8.3);
    var sums = new Float64Array(blocks.length), counts = new Uint32Array(blocks.length);
    for (var i = 0; i < built; i++) {
      if (!shown[i]) continue;
      sums[blockOf[i]] += 40 + 23 * Math.max(1, Math.ceil(weight[i] / charsPerLine));
      counts[blockOf[i]]++;
    }
    for (var b = 0; b < blocks.length; b++) {
      if (blocks[b].hidden !== (counts[b] === 0)) blocks[b].hidden = counts[b] === 0;
      blocks[b].style.containIntrinsicSize = "0 " + Math.round(sums[b]) + "px";
    }
  }

  function isLow(i) { var s = data[i][4]; return s != null && s < low; }
  function isProblem(i) { return flagged[i] || gap[i] || isLow(i); }
  var nLow = 0;
  function markProblems(start, end) {  // rows [start, end): problem class, and the count of low scores
    if (start === 0) nLow = 0;
    for (var i = start; i < end; i++) {
      var p = !!isProblem(i);
      nLow += isLow(i) ? 1 : 0;
      if (rows[i].classList.contains("problem") !== p) rows[i].classList.toggle("problem", p);
    }
  }

  // ---- columns: choice and order live in one generated stylesheet
  var colOrder = cols.map(function (_, k) { return k; }), colShown = cols.map(function () { return true; });
  var colStyle = el("style");
  document.head.appendChild(colStyle);
  function applyColumns() {
    var css = "", shown = 0;
    colOrder.forEach(function (k, pos) {
      css += ".c" + k + "{order:" + (pos + 1) + "}";
      if (colShown[k]) shown++; else css += ".c" + k + "{display:none !important}";
    });
    css += ":root{--cols:minmax(9rem,11rem) repeat(" + Math.max(shown, 1) + ",minmax(0,1fr))}";
    colStyle.textContent = css;
    if (blocks.length) sizeBlocks();
  }
  var head = byId("colhead");
  head.appendChild(el("div", null, "unit"));
  cols.forEach(function (c, k) {
    var h = el("div", "c" + k, c.label);
    h.setAttribute("role", "columnheader");
    if (c.sub) h.appendChild(el("span", "n", c.sub));
    h.title = c.label + (c.sub ? " (" + c.sub + ")" : "");
    head.appendChild(h);
  });
  var panel = byId("colpanel");
  function buildPanel() {
    panel.textContent = "";
    colOrder.forEach(function (k, pos) {
      var item = el("div", "colitem"), lab = el("label"), box = el("input");
      box.type = "checkbox"; box.checked = colShown[k]; box.id = "col-" + k;
      box.addEventListener("change", function () { colShown[k] = box.checked; applyColumns(); });
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(" " + cols[k].label + (cols[k].sub ? " \u00b7 " + cols[k].sub : "")));
      var left = el("button", "btn", "\u25c0"), right = el("button", "btn", "\u25b6");
      left.title = "move left"; right.title = "move right";
      left.setAttribute("aria-label", "move " + cols[k].label + " left");
      right.setAttribute("aria-label", "move " + cols[k].label + " right");
      left.disabled = pos === 0; right.disabled = pos === colOrder.length - 1;
      left.addEventListener("click", function () { move(pos, -1); });
      right.addEventListener("click", function () { move(pos, 1); });
      item.appendChild(lab); item.appendChild(left); item.appendChild(right);
      panel.appendChild(item);
    });
  }
  function move(pos, d) {
    var to = pos + d, k = colOrder[pos];
    colOrder[pos] = colOrder[to]; colOrder[to] = k;
    applyColumns(); buildPanel();
  }
  applyColumns(); buildPanel();

  // ---- filtering and sorting
  var order = data.map(function (_, i) { return i; });
  var nShown = 0, current = -1;
  function apply(start, end) {  // show/hide rows [start, end) (default: all built rows)
    var q = search.value.trim().toLowerCase(), terms = q ? q.split(/\s+/) : [];
    var only = fFlagged.checked || fLow.checked || fGap.checked;
    if (start == null) { start = 0; end = built; }
    if (start === 0) nShown = 0;
    for (var i = start; i < end; i++) {
      var ok = true;
      for (var t = 0; t < terms.length && ok; t++) ok = hay[i].indexOf(terms[t]) >= 0;
      if (ok && only) ok = (fFlagged.checked && flagged[i]) || (fLow.checked && isLow(i)) || (fGap.checked && gap[i]);
      if (ok !== !!shown[i]) { rows[i].hidden = !ok; shown[i] = ok ? 1 : 0; }
      nShown += ok ? 1 : 0;
    }
    sizeBlocks();
    emptyNote.classList.toggle("show", nShown === 0);
    updateStats();
    if (current >= 0 && !shown[current]) setCurrent(-1);
    if (start === 0) markSearch(terms);
  }
  // The searched words are highlighted where they occur (CSS Custom Highlight API: ranges over the existing
  // text, no change to the rows); only while few enough rows match for this to stay quick.
  function markSearch(terms) {
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    CSS.highlights.delete("search");
    if (!terms.length || nShown > 1500) return;
    var ranges = [];
    for (var i = 0; i < built; i++) {
      if (!shown[i]) continue;
      var walker = document.createTreeWalker(rows[i], NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentNode.closest(".cell") || node.parentNode.closest(".foot")) continue;
        var text = node.data.toLowerCase();
        if (text.length !== node.data.length) continue;  // lower-casing changed the length: offsets would lie
        for (var t = 0; t < terms.length; t++) {
          for (var at = text.indexOf(terms[t]); at >= 0; at = text.indexOf(terms[t], at + terms[t].length)) {
            // static ranges: live ones would be updated on every row move of a later sort (10,000 x ranges)
            ranges.push(new StaticRange({ startContainer: node, startOffset: at, endContainer: node,
                                          endOffset: at + terms[t].length }));
          }
        }
      }
    }
    if (ranges.length) CSS.highlights.set("search", new Highlight(...ranges));
  }
  function sortRows() {
    var how = sortSel.value;
    order = data.map(function (_, i) { return i; });
    if (how !== "doc") {
      var key = how === "conf" ? 3 : 4, sign = how === "score-desc" ? -1 : 1;
      order.sort(function (a, b) {
        var x = data[a][key], y = data[b][key];
        if (x == null || y == null) return (x == null) - (y == null) || a - b;
        return sign * (x - y) || a - b;
      });
    }
    for (var i = 0, k = 0; i < N; i++) {
      var j = order[i];
      if (j >= built) continue;
      blockOf[j] = Math.floor(k++ / BLOCK);
      blocks[blockOf[j]].appendChild(rows[j]);
    }
    sizeBlocks();
    if (current >= 0) rows[current].scrollIntoView({ block: "center" });
  }
  function updateStats() {
    stats.textContent = "";
    var parts = [[nShown.toLocaleString("en"), " of " + N.toLocaleString("en") + " units shown" +
                  (built < N ? " (loading " + Math.round(100 * built / N) + "%)" : "")],
                 [String(nFlagged), " flagged"], [String(nLow), " " + D.scoreName + " < " + fmt(low)],
                 [String(nGap), " with gaps"]];
    parts.forEach(function (p, k) {
      if (k) stats.appendChild(document.createTextNode(" \u00b7 "));
      stats.appendChild(el("b", null, p[0]));
      stats.appendChild(document.createTextNode(p[1]));
    });
  }

  // ---- next / previous problem among the rows shown, in the order shown
  // The marked row is also the page's address (#unit-26), so a reviewer can send a link to one unit.
  function setAddress(i) {
    try {
      history.replaceState(null, "", i < 0 ? location.pathname + location.search
                                            : "#unit-" + encodeURIComponent(String(data[i][0])));
    } catch (err) { /* some browsers refuse replaceState on file:// pages; the address is a convenience */ }
  }
  function setCurrent(i, scroll) {
    if (current >= 0) rows[current].classList.remove("current");
    current = i;
    setAddress(i);
    if (i < 0) { navStatus.textContent = ""; return; }
    rows[i].classList.add("current");
    if (scroll !== false) rows[i].scrollIntoView({ block: "center" });
    var pos = 0, total = 0;
    for (var k = 0; k < N; k++) {
      var j = order[k];
      if (shown[j] && isProblem(j)) { total++; if (j === i) pos = total; }
    }
    navStatus.textContent = (pos ? "problem " + pos + " of " + total : total + " problems") +
      " \u00b7 unit #" + data[i][0];
  }
  function fromAddress() {
    var m = /^#unit-(.+)$/.exec(location.hash), id = m && decodeURIComponent(m[1]);
    for (var i = 0; id != null && i < built; i++) {
      if (String(data[i][0]) === id) { if (!shown[i]) { search.value = ""; apply(); } setCurrent(i); return; }
    }
  }
  function firstRowInView() {  // position in `order` of the first shown row below the sticky header, or -1
    var top = byId("top").getBoundingClientRect().bottom;
    for (var b = 0; b < blocks.length; b++) {
      if (blocks[b].hidden || blocks[b].getBoundingClientRect().bottom <= top) continue;
      var rs = blocks[b].children;
      for (var r = 0; r < rs.length; r++) {
        if (!rs[r].hidden && rs[r].getBoundingClientRect().bottom > top) return order.indexOf(+rs[r].dataset.i);
      }
    }
    return -1;
  }
  function step(d) {
    // from the marked row; else from where the reader is (the top of the page when not scrolled)
    var start = current >= 0 ? order.indexOf(current) : (d > 0 ? -1 : N);
    if (current < 0 && window.scrollY > 0) {
      var here = firstRowInView();
      if (here >= 0) start = here - d;
    }
    for (var k = start + d; k >= 0 && k < N; k += d) {
      var j = order[k];
      if (shown[j] && isProblem(j)) { setCurrent(j); return; }
    }
    navStatus.textContent = d > 0 ? "no further problem below" : "no problem above";
  }

  list.addEventListener("click", function (e) {  // a click on a unit number marks that unit (and links to it)
    var uid = e.target.closest ? e.target.closest(".uid") : null;
    if (uid) setCurrent(+uid.closest(".row").dataset.i, false);
  });
  window.addEventListener("hashchange", fromAddress);
  list.addEventListener("mouseover", function (e) {
    var t = e.target.closest ? e.target.closest(".mk, .dA, .dB, .score, .conf, .uid, .cell") : null;
    if (!t || t.title) return;
    if (t.classList.contains("uid")) { t.title = "mark this unit (the page address then links to it)"; return; }
    if (t.classList.contains("conf")) { t.title = "alignment confidence of this unit (0-1)"; return; }
    if (t.classList.contains("cell")) {  // where the text comes from: document and sentence numbers
      var c = t.dataset.k != null && data[+t.parentNode.dataset.i][5][+t.dataset.k];
      if (c && c[3]) t.title = cols[+t.dataset.k].label + ": " + c[3];
      return;
    }
    t.title = t.classList.contains("score") ? scoreTip(t) : markTip(t);
  });

  var resizeTimer = 0;
  window.addEventListener("resize", function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(sizeBlocks, 150); });

  var timer = 0;
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { apply(); }, 90); });
  [fFlagged, fLow, fGap].forEach(function (b) { b.addEventListener("change", function () { apply(); }); });
  lowInput.addEventListener("change", function () {
    var v = parseFloat(lowInput.value);
    if (!isNaN(v)) { low = Math.max(0, Math.min(1, v / scale)); markProblems(0, built); apply(); }
  });
  sortSel.addEventListener("change", sortRows);
  byId("next").addEventListener("click", function () { step(1); });
  byId("prev").addEventListener("click", function () { step(-1); });
  document.addEventListener("click", function (e) {  // a click elsewhere closes the Columns/Legend panels
    if (!e.target.isConnected) return;  // a panel button that rebuilt the panel
    var open = document.querySelectorAll("details.drop[open]");
    for (var i = 0; i < open.length; i++) if (!open[i].contains(e.target)) open[i].open = false;
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (e.key === "j" || e.key === "n") { step(1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "p") { step(-1); e.preventDefault(); }
    else if (e.key === "/") { search.focus(); search.select(); e.preventDefault(); }
    else if (e.key === "Escape") { setCurrent(-1); }
  });

  lowInput.value = scale === 100 ? (low * 100).toFixed(0) : String(low);
  var api = window.__corpusPage = { apply: apply, sortRows: sortRows, step: step, timing: {} };
  buildChunk(FIRST, list);
  api.timing.parseMs = tParsed - t0;
  api.timing.firstRowsMs = performance.now() - t0;
  var longest = api.timing.firstRowsMs;
  function more() {
    var q = performance.now();
    if (built < N) {
      buildChunk(CHUNK, stage);
      longest = Math.max(longest, performance.now() - q);
      setTimeout(more, 0);
      return;
    }
    var f = document.createDocumentFragment();
    while (stage.firstChild) f.appendChild(stage.firstChild);
    list.appendChild(f);
    if (sortSel.value !== "doc") sortRows();
    api.timing.longestTaskMs = Math.max(longest, performance.now() - q);
    api.timing.allRowsMs = performance.now() - t0;
    api.timing.readyAtMs = performance.now();  // since navigation start
    fromAddress();
    document.documentElement.dataset.ready = "1";
  }
  setTimeout(more, 0);
})();
