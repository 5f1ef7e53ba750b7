"""`build_corpus` on a folder holding two unrelated parallel pairs (a Text+Berg de-fr article and the first
chapter of the Bible in en and zh): two groups, named NAME-1 and NAME-2 in one set of files, each group
built by the pure `build_group` task exactly as the whole build does; and `--presegmented` input."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from aligner.pipeline.build import build_corpus
from aligner.pipeline.group import BuildOptions, build_group
from corpus.reading.presegmented import read_corpus_folder
from aligner.align.docalign import DocumentAligner, document_groups
from benchmarks.datasets import DATA as BENCH
from support import NEWS_SEEDS, SEEDS


def _lines(path: Path, keep=lambda i: True) -> list[str]:
    rows = path.read_text(encoding="utf-8").splitlines()
    return [r.strip() for i, r in enumerate(rows) if r.strip() and keep(i)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("two-groups") / "docs"
    root.mkdir()
    (root / "article.de.txt").write_text("\n".join(_lines(BENCH / "textberg-defr/test4.de")) + "\n", encoding="utf-8")
    (root / "article.fr.txt").write_text("\n".join(_lines(BENCH / "textberg-defr/test4.fr")) + "\n", encoding="utf-8")
    for lang in ("en", "zh"):
        verses = _lines(BENCH / f"bible-enzh/{lang}.verse")
        genesis_1 = _lines(BENCH / f"bible-enzh/{lang}.txt", lambda i: i < len(verses) and verses[i].startswith("Gen:1:"))
        (root / f"genesis.{lang}.txt").write_text("\n".join(genesis_1) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("presegmented", [False, True])
def test_two_groups_in_one_set_of_files(folder, tmp_path, presegmented):
    result = build_corpus(folder, tmp_path / "out", "mixed", BuildOptions(presegmented=presegmented, fidelity=False))
    assert [g.corpus for g in result.groups] == ["mixed-1", "mixed-2"]
    assert [sorted(g.langs) for g in result.groups] == [["de", "fr"], ["en", "zh"]]
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"mixed.tmx", "mixed.parquet", "documents.csv", "unaligned.csv"} <= names
    # one file per language pair, named in the group's language order (most aligned sentences first)
    assert len(names & {"mixed.de-fr.tmx", "mixed.fr-de.tmx"}) == 1
    assert len(names & {"mixed.en-zh.tmx", "mixed.zh-en.tmx"}) == 1
    units = pl.read_parquet(tmp_path / "out/mixed.parquet")
    per_group = units.group_by("corpus").agg(pl.col("unit_id").n_unique().alias("n"), pl.col("unit_id").max().alias("last"))
    assert all(n == last + 1 and n > 20 for n, last in per_group.select("n", "last").iter_rows())
    decided = pl.read_csv(tmp_path / "out/documents.csv")
    assert decided.filter(pl.col("decision") == "parallel").height == 2 and decided.height == 6  # 4 languages
    if presegmented:  # one sentence per line, as given: sentence numbers are line numbers
        de = read_corpus_folder(folder, presegmented=True)[0]
        assert de.sentence_texts == _lines(folder / "article.de.txt")


def test_a_group_built_alone_equals_its_part_of_the_whole_build(folder, tmp_path):
    options = BuildOptions(fidelity=False)
    whole = build_corpus(folder, tmp_path / "out", "mixed", options)
    docs = read_corpus_folder(folder)
    decisions = DocumentAligner().decide(docs)
    second = document_groups(docs, decisions)[1]
    ids = {d.id for d in second}
    alone = build_group("mixed-2", second, [d for d in decisions if d.doc_a in ids and d.doc_b in ids], options)
    assert alone.units.equals(whole.units.filter(pl.col("corpus") == "mixed-2"))


def test_a_folder_without_translations_gives_decisions_and_no_corpus(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    for f in SEEDS.iterdir():
        if f.name.startswith(NEWS_SEEDS):
            (news / f.name).write_bytes(f.read_bytes())
    result = build_corpus(news, tmp_path / "out", "news", BuildOptions(fidelity=False))
    assert result.groups == [] and result.units.is_empty()
    decided = pl.read_csv(tmp_path / "out/documents.csv")
    assert decided.height == 3 and set(decided["decision"]) == {"not parallel"}
    assert pl.read_csv(tmp_path / "out/unaligned.csv").height == sum(len(d.sentence_texts) for d in result.documents)
    assert not (tmp_path / "out/news.tmx").exists() and result.notes
