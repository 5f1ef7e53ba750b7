"""The benchmark data: the public sets in `benchmarks/data/` (each with its licence, see NOTICE), or the folder
$CORPUS_BENCH_DATA names. Copyrighted sets (MAC-Dev) are never in the repository: a benchmark or test that
needs one skips when it is absent (`available`)."""

from __future__ import annotations

import os
from pathlib import Path

DATA = Path(os.environ.get("CORPUS_BENCH_DATA") or Path(__file__).resolve().parent / "data")


def available(name: str) -> bool:
    """True when the data set `name` (a folder of DATA, e.g. `mac-dev`) is there."""
    return (DATA / name).is_dir() and any((DATA / name).iterdir())


def bible_folder(dst: Path, pairs: int, verses: int = 6, bible: Path | None = None) -> Path:
    """`dst/en/<book>-<chapter>.txt` and `dst/zh/...`: the first `verses` verses of the first `pairs` chapters
    of the Bible benchmark, one sentence a line (cut at verse boundaries by the `.verse` files, so each pair is
    a real translation)."""
    bible = bible or DATA / "bible-enzh"
    chapters: dict[str, dict[str, list[str]]] = {}
    for lang in ("en", "zh"):
        lines = (bible / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        labels = (bible / f"{lang}.verse").read_text(encoding="utf-8").splitlines()
        for line, label in zip(lines, labels):
            book, chapter, verse = label.split(":")
            if int(verse) <= verses:
                chapters.setdefault(f"{book.lower()}-{int(chapter):03d}", {}).setdefault(lang, []).append(line)
    names = [n for n, by_lang in chapters.items() if len(by_lang) == 2][:pairs]
    if len(names) < pairs:
        raise ValueError(f"the benchmark has {len(names)} chapters, {pairs} asked")
    for lang in ("en", "zh"):
        (dst / lang).mkdir(parents=True, exist_ok=True)
        for n in names:
            (dst / lang / f"{n}.txt").write_text("\n".join(chapters[n][lang]) + "\n", encoding="utf-8")
    return dst
