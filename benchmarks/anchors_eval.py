"""What a few confirmed links lift (issue 17): every 8th gold link given as an anchor, then strict F1 on the
OTHER links against the same run without anchors, on the development sets (the letter's three pairs,
Text+Berg dev, MAC-Dev when present; never a test split).

"The other links": gold links other than the anchors, and predicted links other than those lying wholly
inside anchored sentences (so a run without anchors is not scored on what the anchors fix, but a link of its
that reaches from an anchored sentence into the rest counts, as the error it is). Anchors are gold links
7, 15, 23, ... of each document (0-based). Files are read as `corpus align --presegmented` reads them, with
the library's default settings and the embedding cache.

    python -m benchmarks.anchors_eval [--every 8] [--bible] [--out output/anchors/anchors.csv]

`--bible` adds the Bible en-zh (5,000 x 6,301 verses: long, so not by default).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

from aligner.align.aligner import Aligner
from aligner.align.anchors import renumber
from aligner.align.links import Link
from aligner.eval.alignment import evaluate
from aligner.models.embed import Embedder
from benchmarks.bench import Benchmark, bible, letter, mac_dev, textberg_dev
from corpus.reading.sides import read_side


def rest(links: list[Link], anchors: list[Link]) -> list[Link]:
    """The links not lying wholly inside the anchors' sentences."""
    src = {k for a in anchors for k in a.src}
    tgt = {k for a in anchors for k in a.tgt}
    return [l for l in links if not (set(l.src) <= src and set(l.tgt) <= tgt)]


def run(bench: Benchmark, embedder, every: int) -> dict:
    golds, free, anchored, given, kept = [], [], [], [], 0
    for pair in bench.pairs:
        sides = [read_side(p, lang, True, None) for p, lang in ((pair.src, pair.src_lang), (pair.tgt, pair.tgt_lang))]
        anchors = pair.gold[every - 1 :: every]
        outs = []
        for fixed in ([], renumber(anchors, sides[0].numbers, sides[1].numbers)):
            alignment = Aligner(sides[0].sentences, sides[1].sentences, pair.src_lang, pair.tgt_lang,
                                embedder=embedder, anchors=fixed).align()
            outs.append(alignment.renumbered(sides[0].numbers, sides[1].numbers, sides[0].lines,
                                             sides[1].lines).links)
        kept += sum(a in outs[1] for a in anchors)
        given.append(anchors)
        golds.append(rest(pair.gold, anchors))
        free.append(rest(outs[0], anchors))
        anchored.append(rest(outs[1], anchors))
    without, with_ = evaluate(golds, free), evaluate(golds, anchored)
    return {"benchmark": bench.name, "documents": len(bench.pairs), "anchors": sum(map(len, given)),
            "kept": kept, "other_gold": sum(map(len, golds)), "f1_strict_without": without.f1_strict,
            "f1_strict_with": with_.f1_strict, "f1_lax_without": without.f1_lax, "f1_lax_with": with_.f1_lax}


def table(rows: list[dict], every: int) -> str:
    lines = [f"| set | docs | anchors (every {every}th gold link) | kept | other gold links | strict F1 without | "
             "strict F1 with | lax F1 without | lax F1 with |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['benchmark']} | {r['documents']} | {r['anchors']} | {r['kept']} | {r['other_gold']} | "
                     f"{r['f1_strict_without']:.3f} | {r['f1_strict_with']:.3f} | {r['f1_lax_without']:.3f} | "
                     f"{r['f1_lax_with']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=8)
    parser.add_argument("--bible", action="store_true", help="also the Bible en-zh")
    parser.add_argument("--out", type=Path, default=Path("output/anchors/anchors.csv"))
    args = parser.parse_args(argv)
    embedder = Embedder()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        benches = [letter(Path(work), a, b) for a, b in (("en", "de"), ("zh", "de"), ("en", "zh"))]
        benches += [textberg_dev(), mac_dev()] + ([bible(Path(work))] if args.bible else [])
        for bench in benches:
            if isinstance(bench, str):  # a set that is not there says why
                print(f"skipped: {bench}")
                continue
            rows.append(run(bench, embedder, args.every))
            print(table(rows[-1:], args.every).splitlines()[-1], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(table(rows, args.every))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
