"""The side-by-side page: one self-contained HTML file (CSS, JS and data inline; no network) with a column per
language and a row per unit in document order.

The units table is turned into compact JSON (text already cut into marked pieces by `corpus.views.highlight`) and
embedded in a `<script type="application/json">` block; the inline script builds the rows from it with text
nodes only, so no segment is ever parsed as HTML. A Content-Security-Policy allows exactly that one script (by
its hash) and no network at all, so even a segment that escaped into markup could not run or fetch anything.

Two translations of one source (`render_compare_page`) use the same page: the source and both renderings as
columns, sentence-level chrF between the renderings as the row score, and their differences marked.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html
import json
import math
import os
import re
import unicodedata
from importlib import resources
from pathlib import Path

import polars as pl

from corpus.atomic import write_text_atomic
from corpus.errors import CorpusError
from corpus.formats.table import languages, wide
from corpus.views.highlight import diff_pieces, mark_unit, uses_characters
from corpus.views.inspect import grep_units

DEFAULT_TITLE = "Translations side by side"
RTL_LANGS = {"ar", "he", "fa", "ur", "yi", "ps", "dv", "sd", "ug", "ku"}
LANG_NAMES = {
    "en": "English", "de": "German", "zh": "Chinese", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "ja": "Japanese", "ko": "Korean", "ar": "Arabic",
    "he": "Hebrew", "pl": "Polish", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian", "cs": "Czech",
}

# Hover text of other QA flags (e.g. from another tool's TMX notes), matched by the words in the flag's name.
_FLAG_HELP = [
    (("number", "numeral", "amount", "date"), "Numbers, dates or amounts differ between source and translation "
                                              "(one is missing, added or changed)."),
    (("name", "entity", "url"), "A name (person, organisation, product) or URL of the source is missing or "
                                "written differently in the translation."),
    (("untranslated", "copy", "identical"), "The target is (almost) the same as the source: left untranslated?"),
    (("wrong-lang", "wrong_lang", "language", "lang"), "The target is not written in the expected language."),
    (("omission", "omit", "missing", "dropped", "short"), "Possible omission: the translation renders less than "
                                                          "the source says."),
    (("addition", "added", "extra", "long"), "Possible addition: the translation says more than the source "
                                             "(e.g. a translator's note)."),
    (("length", "ratio"), "Length outlier: the length ratio is far from this document's usual ratio."),
    (("bracket", "quote", "paren", "unbalanced"), "Unbalanced brackets or quotes in this segment."),
    (("inconsistent", "consistency", "term"), "The same source term is rendered differently elsewhere in the "
                                              "document."),
    (("negation", "polarity"), "One side is negated and the other is not."),
    (("question", "mood"), "A question rendered as a statement, or the other way round."),
    (("low", "fidelity", "score"), "Low fidelity score: read this unit closely."),
]


# The flags fidelity scoring writes (aligner/fidelity.py FLAG_NAMES, plus the gap flags), explained exactly.
_KNOWN_FLAGS = {
    "number-mismatch": "Numbers, dates or amounts differ between source and translation (one is missing, added "
                       "or changed).",
    "name-mismatch": "A name of the source (person, organisation, product) is missing or written differently.",
    "untranslated": "The target is (almost) the same as the source: left untranslated?",
    "wrong-language": "The target is not written in the expected language.",
    "possible-omission": "The translation seems to render less than the source says.",
    "possible-addition": "The translation seems to say more than the source (e.g. a translator's note).",
    "addition": "No source text corresponds to this text: an addition, such as a translator's note.",
    "length-outlier": "The length ratio is far from this document's usual ratio.",
    "unbalanced-brackets": "Brackets are unbalanced in this text.",
    "unbalanced-quotes": "Quotation marks are unbalanced in this text.",
    "inconsistent-term": "A source term is rendered differently here than elsewhere in the document.",
}


def flag_help(flag: str) -> str:
    """The hover text of a flag badge."""
    name, _, arg = flag.partition(":")
    if name == "not-rendered" and arg:
        return f"{flag}: no {arg} text renders this source text (an omission in {arg})."
    if flag in _KNOWN_FLAGS:
        return f"{flag}: {_KNOWN_FLAGS[flag]}"
    words = flag.lower()
    for keys, text in _FLAG_HELP:
        if any(k in words for k in keys):
            return f"{flag}: {text}"
    return f"{flag}: quality flag from fidelity scoring."


def _asset(name: str) -> str:
    return resources.files("corpus.views").joinpath("page_assets", name).read_text(encoding="utf-8")


def _clean(v):
    """JSON-safe number: NaN becomes null, floats are rounded (the page shows 2-3 digits)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return round(float(v), 4)


def _column(lang: str, label: str | None = None, sub: str = "") -> dict:
    base = lang.split("-")[0].lower()
    col = {"label": label or lang, "lang": lang, "sub": sub}
    if base in RTL_LANGS:
        col["dir"] = "rtl"
    return col


def _json_for_script(data: dict) -> str:
    """JSON that cannot end its <script> block or open a comment: <, >, & and the JS line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _html(data: dict, *, title: str, signature: str, score_help: str) -> str:
    css, js = _asset("page.css"), _asset("page.js")
    if "</script" in js.lower() or "</style" in css.lower():
        raise AssertionError("page assets must not close their own element")
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    esc = html.escape
    score = data["scoreName"]
    ramp = "".join(f'<span class="q{i}" title="{i / 10:.1f}-{(i + 1) / 10:.1f}"></span>' for i in range(10))
    sort_opts = [("doc", "document order"), ("score-asc", f"{score} ↑ worst first"),
                 ("score-desc", f"{score} ↓ best first"), ("conf", "confidence ↑")]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="corpus-aligner">
<title>{esc(title)}</title>
<style>
{css}</style>
</head>
<body>
<header id="top">
  <div class="titlebar"><h1>{esc(title)}</h1><span id="stats"></span>
    <span class="right"><span class="sig" title="{esc(score_help)}">{esc(signature)}</span>
    <details class="cols drop"><summary class="btn">Columns</summary><div id="colpanel" class="panel"></div></details>
    <details class="legend drop"><summary class="btn">Legend</summary><div class="panel legendbody">
      <div>{esc(score)}: 0 <span class="ramp" aria-hidden="true">{ramp}</span> 1; the number and the bar give the value</div>
      <div><span class="mk g0">2024</span> <span class="mk g1">Name</span> same colour: the same number or name in
        several languages</div>
      <div><span class="mk g2 part">12</span> dashed: missing in some language (hover for which)</div>
      <div><span class="mk bad">42</span> found in no other language of the unit</div>
      {'<div><span class="dA">only in A</span> <span class="dB">only in B</span> where the renderings differ</div>'
       if data["mode"] == "compare" else ""}
      <div><span class="flag">flag</span> QA flag: hover it for its meaning</div>
      <div><span class="link single">1-0</span> a sentence without counterpart; hatched cells show the gap</div>
    </div></details></span></div>
  <div class="controls">
    <input id="search" type="search" placeholder="Search every language   ( / )" aria-label="Search every language"
           autocomplete="off" spellcheck="false">
    <span class="group"><span class="lbl">Only:</span>
      <label title="units with at least one QA flag"><input type="checkbox" id="f-flagged"> flagged</label>
      <label title="units scoring below the threshold"><input type="checkbox" id="f-low"> {esc(score)} &lt;</label>
      <input id="low" type="number" min="0" max="{100 if data['scoreScale'] == 100 else 1}"
             step="{5 if data['scoreScale'] == 100 else 0.05}" aria-label="low {esc(score)} threshold">
      <label title="units lacking a language: omissions and additions"><input type="checkbox" id="f-gap"> gaps</label>
    </span>
    <span class="group"><label class="lbl" for="sort">Sort</label><select id="sort">
      {"".join(f'<option value="{v}">{esc(t)}</option>' for v, t in sort_opts)}</select></span>
    <span class="group"><button id="prev" class="btn" title="previous problem (k or p)">▲ prev</button><button
      id="next" class="btn" title="next problem: flagged, low {esc(score)} or a gap (j or n)">next problem ▼</button>
      <span id="navstatus" aria-live="polite"></span></span>
  </div>
  <div class="colhead" id="colhead" role="row"></div>
</header>
<main id="rows" role="table" aria-label="aligned units"></main>
<div id="empty">No unit matches the search and filters.</div>
<p class="help">Keys: <kbd>j</kbd>/<kbd>n</kbd> next problem · <kbd>k</kbd>/<kbd>p</kbd> previous problem ·
  <kbd>/</kbd> search · <kbd>Esc</kbd> leave the search / clear the mark. Problems are flagged units, units
  below the {esc(score)} threshold, and units lacking a language.</p>
<script type="application/json" id="corpus-data">{_json_for_script(data)}</script>
<script>{js}</script>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------------------
# one units table, a column per language


def unit_frame(units: pl.DataFrame, langs: list[str] | None = None) -> tuple[pl.DataFrame, list[str]]:
    """One row per unit having any of `langs` (default: all, in table order), as `corpus.formats.table.wide`, plus
    `score`: the worst fidelity among the unit's variants (null when none is scored). Returns (frame, langs)."""
    langs = _check_langs(units, langs)
    w = wide(units, langs)
    fid = [pl.col(f"fidelity_{lang}").fill_nan(None) for lang in langs]
    if not langs:  # an empty table: no language, no unit
        return w.with_columns(score=pl.lit(None, dtype=pl.Float64)), langs
    w = w.with_columns(
        score=pl.min_horizontal(fid),
        confidence=pl.col("confidence").fill_nan(None),
    ).filter(pl.any_horizontal(pl.col(f"text_{lang}").is_not_null() for lang in langs))
    return w, langs


def _where(doc_id: str | None, sent_ids: list[int] | None, places: list[str] | None = None) -> str:
    """Where a text comes from, for its tooltip: document, 1-based sentence numbers and, when the table
    knows them, the places in the file ("letter.en · sentence 4 (paragraph 3)", "sentences 4, 5
    (paragraph 3)" when they share one, else "sentence 4 (paragraph 3), sentence 5 (paragraph 4)")."""
    ids, places = list(sent_ids or []), list(places or [])
    if places and len(places) == len(ids) and len(set(places)) > 1:
        sentences = ", ".join(f"sentence {i + 1} ({p})" if p else f"sentence {i + 1}" for i, p in zip(ids, places))
    else:
        numbers = ", ".join(str(i + 1) for i in ids)
        sentences = f"sentence{'s' if len(ids) > 1 else ''} {numbers}" if ids else ""
        shared = places[0] if places and len(places) == len(ids) else ""
        sentences += f" ({shared})" if sentences and shared else shared
    return " · ".join(x for x in (doc_id or "", sentences) if x)


def page_data(units: pl.DataFrame, *, langs: list[str] | None = None, low: float = 0.5) -> dict:
    """The JSON the page is built from (see page.js for its reader)."""
    w, langs = unit_frame(units, langs)
    corpora = w.get_column("corpus").unique(maintain_order=True).to_list()
    corpus_index = {c: i for i, c in enumerate(corpora)}
    counts = {lang: w.get_column(f"text_{lang}").is_not_null().sum() for lang in langs}
    columns = [_column(lang, sub=f"{LANG_NAMES.get(lang.split('-')[0], '')} · {counts[lang]}".lstrip(" ·"))
               for lang in langs]
    rows = []
    for r in w.iter_rows(named=True):
        texts = {lang: r[f"text_{lang}"] for lang in langs if r[f"text_{lang}"] is not None}
        pieces = mark_unit(texts)
        cells = [
            [pieces[lang], _clean(r[f"fidelity_{lang}"]), list(r[f"flags_{lang}"] or []),
             _where(r[f"doc_{lang}"], r[f"sent_ids_{lang}"], r[f"where_{lang}"])] if lang in texts else 0
            for lang in langs
        ]
        rows.append([r["unit_id"], corpus_index[r["corpus"]], r["link"] or "", _clean(r["confidence"]),
                     _clean(r["score"]), cells])
    flags = units.get_column("flags").explode().drop_nulls().unique().sort().to_list()
    return {"mode": "langs", "scoreName": "fidelity", "scoreScale": 1, "low": low, "columns": columns,
            "corpora": corpora, "flagHelp": {f: flag_help(f) for f in flags}, "rows": rows}


def _check_langs(units: pl.DataFrame, langs: list[str] | None) -> list[str]:
    have = languages(units)
    if not langs:
        return have
    unknown = [lang for lang in langs if lang not in have]
    if unknown:
        raise CorpusError(f"no {', '.join(unknown)} text in these units (languages: {', '.join(have) or 'none'})")
    return list(dict.fromkeys(langs))


def render_page(units: pl.DataFrame, *, langs: list[str] | None = None, title: str = DEFAULT_TITLE,
                low: float = 0.5) -> str:
    """One self-contained HTML page: a column per language (`langs`, default all, in table order), a row per
    unit in document order, half-empty rows where a language lacks a counterpart."""
    data = page_data(units, langs=langs, low=low)
    named = [c for c in data["corpora"] if c]
    signature = (f"corpus {named[0]}" if len(named) == 1 else f"{len(named)} corpora") if named else ""
    return _html(data, title=title, signature=signature,
                 score_help="fidelity: how faithfully each text renders the unit's source (0-1, higher is better); "
                            "the row shows the worst of its languages")


def write_page(units: pl.DataFrame, path: str | os.PathLike, **kwargs) -> Path:
    """Write `render_page(units, **kwargs)` atomically to `path`."""
    write_text_atomic(path, render_page(units, **kwargs))
    return Path(path)


# ---------------------------------------------------------------------------------------------------------
# two translations of one source


def _norm_source(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _source_language(a: pl.DataFrame, b: pl.DataFrame, common: list[str]) -> str:
    """The language whose texts the two files share most (the source is copied, translations differ); on a tie,
    the one more often unscored (fidelity scores targets against their source)."""
    def texts(units: pl.DataFrame, lang: str) -> pl.Series:
        return units.filter(pl.col("lang") == lang).select(
            pl.col("text").str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()
        ).to_series()

    def shared(lang: str) -> int:
        return texts(a, lang).is_in(texts(b, lang).implode()).sum()

    def unscored(lang: str) -> int:  # fidelity is null for the source variant of a unit
        return sum(u.filter((pl.col("lang") == lang) & pl.col("fidelity").is_null()).height for u in (a, b))
    return max(common, key=lambda lang: (shared(lang), unscored(lang), -common.index(lang)))


def pair_translations(a: pl.DataFrame, b: pl.DataFrame, *, source_lang: str | None = None,
                      target_lang: str | None = None) -> tuple[pl.DataFrame, str, str]:
    """Pair the units of two translations of one source by their source text, in document order.

    Returns (pairs, source_lang, target_lang); pairs has one row per pair or unpaired unit with the columns
    `source`, `a`, `b` (texts; null where a side has no unit), `a_unit`, `b_unit`, `a_link`, `b_link`,
    `confidence` (the lower of the two), `a_fidelity`, `b_fidelity`, `a_flags`, `b_flags`, and `chrf`
    (sentence chrF of b against a, 0-100, null unless both exist). Pairing is the longest common subsequence of
    the normalised source texts (difflib), so units that exist in only one file stay where they are.
    """
    la, lb = languages(a), languages(b)
    common = [lang for lang in la if lang in lb]
    if not common:
        raise CorpusError(f"the two files share no language ({', '.join(la)} / {', '.join(lb)})")
    if source_lang is None:
        source_lang = _source_language(a, b, common)
    if source_lang not in common:
        raise CorpusError(f"source language {source_lang} is not in both files (shared: {', '.join(common)})")
    targets = [lang for lang in common if lang != source_lang]
    if target_lang is None:
        if not targets:
            raise CorpusError(f"the two files share only the source language {source_lang}: nothing to compare")
        target_lang = targets[0]
    elif target_lang not in targets:
        raise CorpusError(f"target language {target_lang} is not in both files besides the source "
                          f"(candidates: {', '.join(targets) or 'none'})")
    wa, wb = wide(a, [source_lang, target_lang]), wide(b, [source_lang, target_lang])
    ra, rb = wa.to_dicts(), wb.to_dicts()
    src, tgt = f"text_{source_lang}", f"text_{target_lang}"
    keys_a = [_norm_source(r[src]) if r[src] else f"\x00a{i}" for i, r in enumerate(ra)]
    keys_b = [_norm_source(r[src]) if r[src] else f"\x00b{i}" for i, r in enumerate(rb)]
    steps: list[tuple[int | None, int | None]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
        if op == "equal":
            steps.extend(zip(range(i1, i2), range(j1, j2)))
        else:
            steps.extend((i, None) for i in range(i1, i2))
            steps.extend((None, j) for j in range(j1, j2))
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    out = []
    for i, j in steps:
        x, y = (ra[i] if i is not None else None), (rb[j] if j is not None else None)
        ta, tb = (x or {}).get(tgt), (y or {}).get(tgt)
        confs = [c for c in ((x or {}).get("confidence"), (y or {}).get("confidence")) if _clean(c) is not None]
        out.append({
            "source": (x or y)[src],
            "a": ta, "b": tb,
            "a_unit": x["unit_id"] if x else None, "b_unit": y["unit_id"] if y else None,
            "a_link": x["link"] if x else None, "b_link": y["link"] if y else None,
            "confidence": min(confs) if confs else None,
            "a_fidelity": _clean((x or {}).get(f"fidelity_{target_lang}")),
            "b_fidelity": _clean((y or {}).get(f"fidelity_{target_lang}")),
            "a_flags": list((x or {}).get(f"flags_{target_lang}") or []),
            "b_flags": list((y or {}).get(f"flags_{target_lang}") or []),
            "chrf": chrf.sentence_score(tb, [ta]).score if ta is not None and tb is not None else None,
        })
    schema = {"source": pl.Utf8, "a": pl.Utf8, "b": pl.Utf8, "a_unit": pl.Int64, "b_unit": pl.Int64,
              "a_link": pl.Utf8, "b_link": pl.Utf8, "confidence": pl.Float64, "a_fidelity": pl.Float64,
              "b_fidelity": pl.Float64, "a_flags": pl.List(pl.Utf8), "b_flags": pl.List(pl.Utf8),
              "chrf": pl.Float64}
    return pl.DataFrame(out, schema=schema), source_lang, target_lang


def chrf_signature() -> str:
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    metric.sentence_score("a", ["a"])  # sacrebleu knows the number of references only after a score
    return f"chrF(B, ref=A) {metric.get_signature()}"


def compare_page_data(pairs: pl.DataFrame, source_lang: str, target_lang: str, *, names: tuple[str, str] = ("A", "B"),
                      low: float = 0.5) -> dict:
    chars = uses_characters(target_lang)
    columns = [_column(source_lang, sub="source"), _column(target_lang, f"A {target_lang}", names[0]),
               _column(target_lang, f"B {target_lang}", names[1])]
    rows = []
    for r in pairs.iter_rows(named=True):
        a, b = r["a"], r["b"]
        if a is not None and b is not None:
            pa, pb = diff_pieces(a, b, chars=chars)
        else:
            pa, pb = [a] if a is not None else None, [b] if b is not None else None
        label = " ".join(f"{side}{n}" for side, n in (("A", r["a_unit"]), ("B", r["b_unit"])) if n is not None)
        link = " | ".join(x for x in (r["a_link"], r["b_link"]) if x)
        cells = [
            [[r["source"]], None, []] if r["source"] is not None else 0,
            [pa, r["a_fidelity"], r["a_flags"]] if pa is not None else 0,
            [pb, r["b_fidelity"], r["b_flags"]] if pb is not None else 0,
        ]
        score = None if r["chrf"] is None else r["chrf"] / 100
        rows.append([label, 0, link, _clean(r["confidence"]), _clean(score), cells])
    flags = sorted({f for col in ("a_flags", "b_flags") for fl in pairs.get_column(col).to_list() for f in fl})
    return {"mode": "compare", "scoreName": "chrF", "scoreScale": 100, "low": low, "columns": columns,
            "corpora": [""], "flagHelp": {f: flag_help(f) for f in flags}, "rows": rows}


def render_pairs_page(pairs: pl.DataFrame, source_lang: str, target_lang: str, *,
                      names: tuple[str, str] = ("A", "B"), title: str = "Two translations side by side",
                      low: float = 0.5) -> str:
    """Page of `pair_translations` output: source, A and B columns, chrF of B against A per row (0-100; a
    similarity of the two renderings, not a quality score), differences marked."""
    data = compare_page_data(pairs, source_lang, target_lang, names=names, low=low)
    return _html(data, title=title, signature=chrf_signature(),
                 score_help="sentence-level chrF (sacrebleu) of rendering B against rendering A as reference, "
                            "0-100: how alike the two translations are")


def render_compare_page(a: pl.DataFrame, b: pl.DataFrame, *, source_lang: str | None = None,
                        target_lang: str | None = None, names: tuple[str, str] = ("A", "B"),
                        title: str = "Two translations side by side", low: float = 0.5) -> str:
    """Page comparing two translations (units tables) of one source, paired by source text."""
    pairs, src, tgt = pair_translations(a, b, source_lang=source_lang, target_lang=target_lang)
    return render_pairs_page(pairs, src, tgt, names=names, title=title, low=low)


def write_compare_page(a: pl.DataFrame, b: pl.DataFrame, path: str | os.PathLike, **kwargs) -> Path:
    write_text_atomic(path, render_compare_page(a, b, **kwargs))
    return Path(path)


def filter_pairs(pairs: pl.DataFrame, *, only_flagged: bool = False, grep: str | None = None) -> pl.DataFrame:
    """Rows of `pair_translations` with a flag on either rendering, and/or containing `grep` anywhere."""
    if only_flagged:
        pairs = pairs.filter((pl.col("a_flags").list.len() > 0) | (pl.col("b_flags").list.len() > 0))
    if grep:
        word = grep.lower()
        pairs = pairs.filter(pl.any_horizontal(
            pl.col(c).fill_null("").str.to_lowercase().str.contains(word, literal=True) for c in ("source", "a", "b")
        ))
    return pairs


# ---------------------------------------------------------------------------------------------------------
# shared by the page and the terminal view


def filter_units(units: pl.DataFrame, *, only_flagged: bool = False, grep: str | None = None) -> pl.DataFrame:
    """Keep whole units: those with a flag in any language, and/or whose text in any language contains `grep`
    (case-insensitive, literal). Document order is kept."""
    if only_flagged:
        flagged = units.filter(pl.col("flags").list.len() > 0).select("corpus", "unit_id").unique()
        units = units.join(flagged, on=["corpus", "unit_id"], how="semi", maintain_order="left")
    if grep:
        units = grep_units(units, grep).sort(["corpus", "unit_id", "lang"], maintain_order=True)
    return units
