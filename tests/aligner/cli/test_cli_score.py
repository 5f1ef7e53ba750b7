"""`corpus score` end to end through the real CLI entry point: links between two files, a TMX written back
with fidelity props, and same-language scoring with sacrebleu."""

from __future__ import annotations

import json

import polars as pl
import pytest

from benchmarks.fidelity_bench import load_items
from support import run_in_process

DOC = sorted((i for i in load_items() if i.pair == "en-de" and i.kind == "hand"), key=lambda i: i.pos)[:12]


def run(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    return run_in_process(list(args), monkeypatch, capsys)


@pytest.fixture()
def texts(tmp_path):
    src, tgt, links = tmp_path / "en.txt", tmp_path / "de.txt", tmp_path / "links.txt"
    src.write_text("\n".join(i.src for i in DOC) + "\nA sentence nobody translated.\n", encoding="utf-8")
    tgt.write_text("\n".join(i.tgt for i in DOC) + "\n", encoding="utf-8")
    order = [f"[{k}]:[{k}]" for k in range(len(DOC))]
    order[3], order[4] = "[3]:[4]", "[4]:[3]"  # two links deliberately crossed
    links.write_text("\n".join(order + [f"[{len(DOC)}]:[]"]) + "\n", encoding="utf-8")
    return src, tgt, links


def test_score_links_csv(monkeypatch, capsys, texts):
    src, tgt, links = texts
    code, out, err = run(monkeypatch, capsys, "score", src, tgt, "--src-lang", "en", "--tgt-lang", "de",
                         "--presegmented", "--links", links)
    assert code == 0, err
    from io import StringIO

    df = pl.read_csv(StringIO(out))
    assert df.height == len(DOC) + 1
    assert {"src", "tgt", "fidelity", "emb", "dict", "ent", "len", "neg", "mood", "flags"} <= set(df.columns)
    assert df["link"].to_list()[3:5] == ["[3]:[4]", "[4]:[3]"]  # the given order
    fid = df["fidelity"].to_list()
    assert max(fid[3], fid[4]) < min(f for k, f in enumerate(fid[:-1]) if k not in (3, 4) and DOC[k].label == 1)
    assert df["flags"][-1] == "omission" and fid[-1] is None
    assert err.startswith("fidelity:") and "emb:" in err


def test_score_links_json_to_file(monkeypatch, capsys, texts, tmp_path):
    src, tgt, links = texts
    out_file = tmp_path / "scores.json"
    code, out, err = run(monkeypatch, capsys, "score", src, tgt, "--src-lang", "en", "--tgt-lang", "de",
                         "--presegmented", "--links", links, "--format", "json", "-o", out_file)
    assert code == 0 and out == ""
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["signature"].startswith("fidelity:") and len(data["links"]) == len(DOC) + 1


def test_links_past_the_end_are_a_one_line_error(monkeypatch, capsys, texts, tmp_path):
    src, tgt, _ = texts
    bad = tmp_path / "bad.txt"
    bad.write_text("[0]:[99]\n", encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "score", src, tgt, "--src-lang", "en", "--tgt-lang", "de",
                         "--presegmented", "--links", bad)
    assert code == 2 and err.count("\n") == 1 and "points past the end" in err


def test_score_tmx_writes_fidelity_props(monkeypatch, capsys, tmp_path):
    from corpus.formats.table import units_frame
    from corpus.formats.tmx import read_tmx, write_tmx

    rows = []
    for k, item in enumerate(DOC):
        rows.append({"corpus": "letter", "unit_id": k, "lang": "en", "text": item.src, "sent_ids": [k], "link": "1-1"})
        rows.append({"corpus": "letter", "unit_id": k, "lang": "de", "text": item.tgt, "sent_ids": [k], "link": "1-1"})
    tmx, scored = tmp_path / "in.tmx", tmp_path / "out.tmx"
    write_tmx(units_frame(rows), tmx, srclang="en")
    code, out, err = run(monkeypatch, capsys, "score", tmx, "-o", scored)
    assert code == 0, err
    assert "en->de" in out and "fidelity:" in out
    back = read_tmx(scored)
    de = back.filter(pl.col("lang") == "de")
    assert de["fidelity"].null_count() == 0 and de["fidelity"].max() <= 1
    assert back.filter(pl.col("lang") == "en")["fidelity"].null_count() == len(DOC)


def test_score_against_reference(monkeypatch, capsys, tmp_path):
    ref, hyp, hyp2 = tmp_path / "ref.txt", tmp_path / "hyp.txt", tmp_path / "hyp2.txt"
    ref.write_text("媒体传统上就像是一条单行道。\n角色分明，界限清晰。\n模型已经商品化。\n", encoding="utf-8")
    hyp.write_text("传统媒体就像一条单行道。\n角色分明，界限清晰。\n模型已成为商品。\n", encoding="utf-8")
    hyp2.write_text("媒体是路。\n角色清晰。\n模型是商品。\n", encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "score", hyp, "--reference", ref, "--lang", "zh")
    assert code == 0, err
    assert "BLEU = " in out and "tok:zh" in out and "asian:yes" in out and "chrF2++" in out
    code, out, err = run(monkeypatch, capsys, "score", hyp2, hyp, "--reference", ref, "--lang", "zh", "--test", "bs")
    assert code == 0, err
    assert "p = " in out and "signatures:" in out
    code, out, err = run(monkeypatch, capsys, "score", hyp, "--reference", ref, "--lang", "zh", "--sentences", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("hyp,ref,BLEU")
