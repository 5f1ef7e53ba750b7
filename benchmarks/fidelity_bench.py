"""Benchmark of the fidelity score on labelled links: hand-judged links of a real translation, and
programmatically corrupted copies of its sound links (numbers changed, a clause dropped, a negation
inserted or removed, targets swapped with the neighbour's).

    python -m benchmarks.fidelity_bench [--data tests/data/fidelity/letter_links.jsonl] [--fit]

Every link is scored inside its document (the other links of the same alignment), because the fidelity
parts calibrate against the document. Reports ROC AUC of the embedding similarity alone (raw cosine and the
margin part) and of the full score on the held-out half (links at odd document positions and their
corruptions: the logistic coefficients in `aligner.fidelity.scorer` were fitted on the even half only, with
`--fit`), and, labelled as optimistic, on all links.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "fidelity" / "letter_links.jsonl"


@dataclass(frozen=True)
class Item:
    pair: str
    pos: int
    src: str
    tgt: str
    label: int
    kind: str  # hand / alt / number / clause / negation / swap
    note: str = ""
    borderline: bool = False

    @property
    def langs(self) -> tuple[str, str]:
        a, b = self.pair.split("-")
        return a, b


def load_items(path: str | Path = DEFAULT_DATA) -> list[Item]:
    items = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            items.append(Item(r["pair"], r["pos"], r["src"], r["tgt"], int(r["label"]),
                              "alt" if r.get("alt") else "hand", r.get("note", ""), bool(r.get("borderline"))))
    return items


# ---------------------------------------------------------------- corruptions

_DE_NUMBER_WORDS = ["zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn"]
_ZH_NUMBER_CHARS = "二三四五六七八九"


def change_numbers(text: str, lang: str) -> str | None:
    """The text with its first number changed (digits + 3, a number word / Chinese numeral shifted by one)."""
    m = re.search(r"\d+", text)
    if m:
        return text[: m.start()] + str(int(m.group()) + 3) + text[m.end():]
    if lang == "de":
        for i, w in enumerate(_DE_NUMBER_WORDS):
            m = re.search(rf"\b{w}\b", text, re.I)
            if m:
                return text[: m.start()] + _DE_NUMBER_WORDS[(i + 1) % len(_DE_NUMBER_WORDS)] + text[m.end():]
    if lang == "zh":
        m = re.search(f"[{_ZH_NUMBER_CHARS}]", text)
        if m:
            k = _ZH_NUMBER_CHARS.index(m.group())
            return text[: m.start()] + _ZH_NUMBER_CHARS[(k + 1) % len(_ZH_NUMBER_CHARS)] + text[m.end():]
    if lang == "en":
        for w, n in (("two", "three"), ("seven", "eight"), ("five", "six")):
            if re.search(rf"\b{w}\b", text):
                return re.sub(rf"\b{w}\b", n, text, count=1)
    return None


_CLAUSE_SEP = {"zh": r"(?<=[，；：、])|(?=——)", "default": r"(?<=[,;:])\s+|\s+(?=[–—-]\s)"}


def drop_clause(text: str, lang: str) -> str | None:
    """The text without its longest clause after the first (at least a quarter of the text)."""
    pieces = [p for p in re.split(_CLAUSE_SEP.get(lang, _CLAUSE_SEP["default"]), text) if p and p.strip()]
    if len(pieces) < 2:
        return None
    i = max(range(1, len(pieces)), key=lambda k: len(pieces[k]))
    if len(pieces[i]) < 0.25 * len(text):
        return None
    kept = pieces[:i] + pieces[i + 1:]
    joiner = "" if lang == "zh" else " "
    out = joiner.join(p.strip() for p in kept).rstrip(" ,;:，；：、–—-")
    end = "。" if lang == "zh" else "."
    return out if out.endswith((".", "。", "?", "？", "!", "！")) else out + end


_DE_FINITE = r"\b(ist|sind|war|waren|hat|haben|wird|werden|kann|können|bleibt|liegt|markiert|gelangen|erleben|denke|vergleiche)\b"


def flip_negation(text: str, lang: str) -> str | None:
    """A negation removed when there is one, else inserted after the first finite verb."""
    if lang == "de":
        if re.search(r"\bnicht\b ?", text):
            return re.sub(r"\bnicht\b ?", "", text, count=1)
        if re.search(r"\bkein", text):
            return re.sub(r"\bkein", "ein", text, count=1)
        if re.search(_DE_FINITE, text):
            return re.sub(_DE_FINITE, r"\1 nicht", text, count=1)
        return None
    if lang == "en":
        if re.search(r"\bnot\b ?|n't", text):
            return re.sub(r" ?\bnot\b|n't", "", text, count=1)
        m = re.search(r"\b(is|are|was|were|will|can|has|have)\b", text)
        return None if not m else text[: m.end()] + " not" + text[m.end():]
    if lang == "zh":
        m = re.search(r"不(?=[是会再])", text)
        if m:
            return text[: m.start()] + text[m.end():]
        m = re.search(r"[是会能将在]", text)
        return None if not m else text[: m.start()] + "不" + text[m.start():]
    return None


def corruptions(items: list[Item]) -> list[Item]:
    """Corrupted copies (label 0) of the sound, clear-cut hand links, grouped by pair in document order."""
    out = []
    for pair in sorted({i.pair for i in items}):
        sound = sorted((i for i in items if i.pair == pair and i.kind == "hand" and i.label == 1 and not i.borderline),
                       key=lambda i: i.pos)
        base = {i.pos: i for i in items if i.pair == pair and i.kind == "hand"}
        lang = pair.split("-")[1]
        for item in sound:
            for kind, fn in (("number", change_numbers), ("clause", drop_clause), ("negation", flip_negation)):
                new = fn(item.tgt, lang)
                if new and new != item.tgt:
                    out.append(replace(item, tgt=new, label=0, kind=kind, note=f"{kind} corruption"))
        for item in sound[::2]:  # swap with the next link's target (both become wrong)
            nxt = base.get(item.pos + 1)
            if nxt is None or nxt.tgt == item.tgt:
                continue
            out.append(replace(item, tgt=nxt.tgt, label=0, kind="swap", note="target of the next link"))
            out.append(replace(nxt, tgt=item.tgt, label=0, kind="swap", note="target of the previous link"))
    return out


# ---------------------------------------------------------------- scoring in document context


def score_items(items: list[Item], base: list[Item], embedder=None) -> pl.DataFrame:
    """Part scores of every item, each scored inside its document: the base links of its pair with the
    item's position replaced by the item (swaps replace both positions at once)."""
    from aligner.fidelity.scorer import FidelityScorer

    rows = []
    by_pair = {}
    for pair in sorted({i.pair for i in items}):
        src_lang, tgt_lang = pair.split("-")
        scorer = FidelityScorer(src_lang, tgt_lang, embedder=embedder)
        doc = sorted((b for b in base if b.pair == pair), key=lambda b: b.pos)
        by_pair[pair] = (scorer, doc)
    for pair, (scorer, doc) in by_pair.items():
        positions = [b.pos for b in doc]
        base_scores = scorer.score([b.src for b in doc], [b.tgt for b in doc])
        for item in (i for i in items if i.pair == pair):
            if item in doc:
                row = base_scores.row(positions.index(item.pos), named=True)
            else:
                k = positions.index(item.pos)
                src = [b.src for b in doc]
                tgt = [b.tgt for b in doc]
                src[k], tgt[k] = item.src, item.tgt
                row = scorer.score(src, tgt).row(k, named=True)
            rows.append({**{k: row.get(k) for k in ("fidelity", "learned", "emb", "clause", "dict", "ent", "len", "neg", "mood", "cosine", "margin", "neighbour_cosine", "clause_deficit", "added_clause_deficit", "src_coverage", "tgt_coverage", "length_z", "numbers", "names")},
                         "pair": item.pair, "pos": item.pos, "kind": item.kind, "label": item.label,
                         "borderline": item.borderline, "flags": row["flags"], "src": item.src, "tgt": item.tgt})
    return pl.DataFrame(rows, infer_schema_length=None)


def roc_auc(scores, labels) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    pos, neg = s[y == 1], s[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


PARTS = ("emb", "clause", "dict", "ent", "len", "neg", "mood")
# parts sharing one coefficient in the logistic model (negation and mood: fixed-level agreement checks)
GROUPS = (("emb",), ("clause",), ("dict",), ("ent",), ("len",), ("neg", "mood"))


def features(df: pl.DataFrame, groups=GROUPS, floor: float = 0.02) -> np.ndarray:
    """(n, len(groups)): per group, the sum of log(max(part, floor)) of its parts (0 for a NaN part)."""
    cols = []
    for group in groups:
        total = np.zeros(df.height)
        for p in group:
            if p in df.columns:
                v = df.get_column(p).cast(pl.Float64).fill_null(np.nan).to_numpy()
                total += np.where(np.isnan(v), 0.0, np.log(np.maximum(np.nan_to_num(v, nan=1.0), floor)))
        cols.append(total)
    return np.stack(cols, axis=1)


def combine(df: pl.DataFrame, coefficients: dict[str, float], intercept: float, groups=GROUPS) -> np.ndarray:
    """The logistic model of the part columns (as FidelityScorer computes it)."""
    c = np.array([coefficients[g[0]] for g in groups])
    return 1.0 / (1.0 + np.exp(-(intercept + features(df, groups) @ c)))


def hand_set(df: pl.DataFrame) -> pl.DataFrame:
    return df.filter(pl.col("kind").is_in(["hand", "alt"]))


def corruption_set(df: pl.DataFrame) -> pl.DataFrame:
    """Corrupted links against the clear-cut sound links they were made from."""
    return df.filter((pl.col("kind") != "alt") & ((pl.col("kind") != "hand") | ((pl.col("label") == 1) & ~pl.col("borderline"))))


def fit_logistic(df: pl.DataFrame, groups=GROUPS, l2: float = 1.0, steps: int = 4000) -> tuple[dict[str, float], float]:
    """Coefficients (>= 0: a better part never lowers the score) and intercept of a logistic regression of
    the label on `features`, over the hand-judged and the corruption sets of `df`; each set weighs half and
    each class within a set equally (the corruptions outnumber the sound links 2:1). Projected gradient
    descent with an L2 penalty `l2` on the coefficients: no SciPy needed for six weights."""
    parts = [hand_set(df), corruption_set(df)]
    x = np.vstack([features(p, groups) for p in parts])
    y = np.concatenate([p.get_column("label").to_numpy() for p in parts]).astype(float)
    w = np.concatenate([
        np.where(p.get_column("label").to_numpy() == 1, 1.0 / max(1, int((p.get_column("label") == 1).sum())),
                 1.0 / max(1, int((p.get_column("label") == 0).sum())))
        for p in parts
    ])
    w /= w.sum()
    b, c = 0.0, np.ones(x.shape[1])
    for _ in range(steps):
        g = w * (1.0 / (1.0 + np.exp(-(b + x @ c))) - y)
        b -= g.sum()
        c = np.maximum(c - (x.T @ g + l2 * c / len(y)), 0.0)
    coefficients = {p: round(float(c[k]), 2) for k, group in enumerate(groups) for p in group}
    return coefficients, round(float(b), 2)


def report(df: pl.DataFrame, coefficients: dict[str, float] | None = None, intercept: float | None = None) -> pl.DataFrame:
    """AUC table: rows = evaluation set, columns = cosine alone, margin part alone, full score."""
    full = df.get_column("fidelity").to_numpy() if coefficients is None else combine(df, coefficients, intercept)
    df = df.with_columns(pl.Series("full", full))
    sets = {
        "hand (all pairs)": hand_set(df),
        "hand, clear-cut only": hand_set(df).filter(~pl.col("borderline")),
        "corruptions vs sound": corruption_set(df),
    }
    for kind in ("number", "clause", "negation", "swap"):
        sets[f"  {kind}"] = df.filter((pl.col("kind") == kind) | ((pl.col("kind") == "hand") & (pl.col("label") == 1) & ~pl.col("borderline")))
    for pair in sorted(df.get_column("pair").unique().to_list()):
        sets[f"hand {pair}"] = hand_set(df).filter(pl.col("pair") == pair)
    rows = []
    for name, sub in sets.items():
        y = sub.get_column("label").to_numpy()
        rows.append({
            "set": name, "n": sub.height, "negatives": int((y == 0).sum()),
            "auc_cosine": roc_auc(sub.get_column("cosine").to_numpy(), y),
            "auc_margin": roc_auc(sub.get_column("emb").to_numpy(), y),
            "auc_full": roc_auc(sub.get_column("full").to_numpy(), y),
        })
    return pl.DataFrame(rows)


def halves(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(tuning half, held-out half): links at even / odd document positions, each with its corruptions."""
    return df.filter(pl.col("pos") % 2 == 0), df.filter(pl.col("pos") % 2 == 1)


def main(argv: list[str] | None = None) -> None:
    import argparse

    from aligner.fidelity.scorer import COEFFICIENTS, INTERCEPT, FidelityScorer

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--fit", action="store_true",
                    help="fit the logistic coefficients on the tuning half (even positions) and show them with "
                         "their held-out figures, and the 2-fold cross-check (fitted on odd, tested on even)")
    args = ap.parse_args(argv)
    items = load_items(args.data)
    base = [i for i in items if i.kind == "hand"]
    df = score_items(items + corruptions(items), base)
    pl.Config.set_tbl_rows(40)
    pl.Config.set_float_precision(3)
    tune, held_out = halves(df)
    print(FidelityScorer("en", "de").signature)
    print("HELD-OUT half (odd positions; committed coefficients were fitted on the even half):")
    print(report(held_out))
    print("ALL links (includes the tuning half the coefficients were fitted on: optimistic):")
    print(report(df))
    if args.fit:
        coefficients, intercept = fit_logistic(tune)
        print(f"fitted on the tuning half (even positions): COEFFICIENTS = {coefficients}, INTERCEPT = {intercept}")
        print("  committed:", COEFFICIENTS, INTERCEPT)
        print("held-out half (odd positions), freshly fitted coefficients:")
        print(report(held_out, coefficients, intercept))
        other, b = fit_logistic(held_out)
        print(f"cross-check: fitted on the odd half {other}, b={b}; tested on the even half:")
        print(report(tune, other, b))


if __name__ == "__main__":
    main()
