"""The side-by-side page as HTML text: data embedded safely, every segment present, pairing of two
translations. The browser tests (test_page_browser.py) check what a reader sees."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from lxml import html as lxml_html

from corpus.errors import CorpusError
from corpus.views.highlight import pieces_text
from corpus.views.page import (filter_units, flag_help, pair_translations, render_compare_page, render_page,
                         write_page)
from corpus.formats.table import units_frame

NASTY_EN = "<script>window.__pwned = 1</script> & \"double\" 'single' </p><!-- 🎉 ]]>"
NASTY_DE = "Tom & Jerry <b>fett</b> </script><script>window.__pwned=2</script> \u2028 Zeile"


def trilingual_rows() -> list[dict]:
    """Hand-made en/zh/de units: partial units, 1-0 units, flags, fidelity, nasty text."""
    def unit(uid, link, conf, variants):
        return [dict(corpus="letter", unit_id=uid, lang=lang, doc_id=f"doc-{lang}", sent_ids=ids, text=text,
                     link=link, confidence=conf, fidelity=fid, flags=flags)
                for lang, (ids, text, fid, flags) in variants.items()]
    rows = []
    rows += unit(0, "1-1-0", 0.81, {"en": ([0], "Open Letter on Shared Archives", None, []),
                                   "zh": ([0], "关于共享档案的公开信", 0.9, [])})
    rows += unit(1, "1-1-1", 0.95, {
        "en": ([1], "In 2023, the Hartmann Foundation scanned 12,500 photographs.", None, []),
        "zh": ([1], "2023年，哈特曼基金会扫描了12500张照片。", 0.91, []),
        "de": ([0], "Im Jahr 2023 digitalisierte die Hartmann-Stiftung 12.500 Fotografien.", 0.88, [])})
    rows += unit(2, "1-1-1", 0.7, {"en": ([2], NASTY_EN, None, []),
                                  "zh": ([2], "“引号” 和 <i>斜体</i> 🎉", 0.66, []),
                                  "de": ([1], NASTY_DE, 0.61, ["unbalanced-quotes"])})
    rows += unit(3, "0-0-1", 0.5, {"de": ([2], "Anmerkung der Übersetzerin: Das Archiv wurde 1998 gegründet.",
                                          None, ["addition"])})
    rows += unit(4, "1-1-1", 0.9, {"en": ([3], "We opened 40 reading rooms in three cities.", None, []),
                                  "zh": ([3], "我们在三个城市开设了45个阅览室。", 0.42, ["number-mismatch"]),
                                  "de": ([3], "Wir eröffneten 40 Lesesäle in drei Städten.", 0.93, [])})
    rows += unit(5, "1-0-0", 0.6, {"en": ([4], "This sentence was never translated.", None, [])})
    rows += unit(6, "2-1-1", 0.77, {"en": ([5, 6], "The work is slow. It is also necessary.", None, []),
                                   "zh": ([4], "这项工作缓慢而必要。", 0.84, []),
                                   "de": ([4], "Die Arbeit ist langsam, aber notwendig.", 0.35, ["omission"])})
    return rows


def trilingual_units() -> pl.DataFrame:
    return units_frame(trilingual_rows())


def translation_units(target: list[str], *, extra: tuple[int, str, str] | None = None) -> pl.DataFrame:
    """en->de units of one source, rendered by `target`; `extra` inserts an (index, en, de) unit."""
    source = ["The archive opens at 9 o'clock.", "Visitors must register.", "Photographs may not be copied.",
              "Thank you for your patience."]
    pairs = list(zip(source, target))
    if extra:
        pairs.insert(extra[0], (extra[1], extra[2]))
    rows = []
    for uid, (en, de) in enumerate(pairs):
        rows += [dict(unit_id=uid, lang="en", text=en, link="1-1", confidence=0.9),
                 dict(unit_id=uid, lang="de", text=de, link="1-1", confidence=0.9, fidelity=0.8)]
    return units_frame(rows)


def embedded_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="corpus-data">(.*?)</script>', page, re.S)
    assert m, "data block not found"
    return json.loads(m.group(1))


def test_page_is_one_self_contained_file():
    page = render_page(trilingual_units(), title="Letters & <Archives>")
    tree = lxml_html.fromstring(page)
    assert tree.findtext(".//title") == "Letters & <Archives>"
    # no external resources of any kind, and a policy that forbids the network
    assert not tree.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp
    assert not re.search(r"https?://", page)
    scripts = tree.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json", None]


def test_embedded_json_cannot_close_its_script_block():
    page = render_page(trilingual_units())
    block = page.split('id="corpus-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert page.count("</script>") == 2  # the data block and the program: nothing from the segments


def test_every_segment_is_in_the_data_in_document_order():
    units = trilingual_units()
    data = embedded_data(render_page(units))
    assert [r[0] for r in data["rows"]] == list(range(7))
    assert [c["lang"] for c in data["columns"]] == ["en", "zh", "de"]
    seen = {}
    for row in data["rows"]:
        for col, cell in zip(data["columns"], row[5]):
            if cell:
                seen[(row[0], col["lang"])] = pieces_text(cell[0])
    expected = {(r["unit_id"], r["lang"]): r["text"] for r in units.to_dicts()}
    assert seen == expected
    # half-empty rows: the de-only note and the en-only sentence
    assert data["rows"][3][5][:2] == [0, 0] and data["rows"][5][5][1:] == [0, 0]


def test_row_score_is_the_worst_fidelity_and_flags_are_explained():
    data = embedded_data(render_page(trilingual_units()))
    scores = {r[0]: r[4] for r in data["rows"]}
    assert scores[1] == 0.88 and scores[6] == 0.35 and scores[5] is None
    assert set(data["flagHelp"]) == {"unbalanced-quotes", "addition", "number-mismatch", "omission"}
    assert "omission" in flag_help("omission").lower() and "number" in flag_help("number-mismatch").lower()
    assert flag_help("x-custom").startswith("x-custom:")
    assert "no de text" in flag_help("not-rendered:de") and "omission" in flag_help("possible-omission")
    assert "bracket" in flag_help("x-brackets-open").lower()


def test_numbers_are_marked_matching_or_not():
    data = embedded_data(render_page(trilingual_units()))
    en, zh, de = data["rows"][4][5]
    marks = {lang: [p for p in cell[0] if isinstance(p, list)] for lang, cell in zip("en zh de".split(), (en, zh, de))}
    forty_en = next(p for p in marks["en"] if p[0] == "40")
    forty_de = next(p for p in marks["de"] if p[0] == "40")
    assert forty_en[2] == forty_de[2] >= 0 and forty_en[3] == "zh"  # same group; zh lacks it
    assert next(p for p in marks["zh"] if p[0] == "45")[2] == -1  # found in no other language


def test_language_choice_and_order():
    data = embedded_data(render_page(trilingual_units(), langs=["de", "en"]))
    assert [c["lang"] for c in data["columns"]] == ["de", "en"]
    assert len(data["rows"]) == 7
    only_de = embedded_data(render_page(trilingual_units(), langs=["de"]))
    assert [r[0] for r in only_de["rows"]] == [1, 2, 3, 4, 6]  # units without German are left out
    with pytest.raises(CorpusError, match="no fr text"):
        render_page(trilingual_units(), langs=["fr"])


def test_write_page_is_atomic_and_complete(tmp_path):
    out = write_page(trilingual_units(), tmp_path / "page.html")
    assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    with pytest.raises(CorpusError):
        write_page(trilingual_units(), tmp_path / "missing-dir" / "page.html")


def test_filter_units_keeps_whole_units():
    units = trilingual_units()
    flagged = filter_units(units, only_flagged=True)
    assert sorted(flagged.get_column("unit_id").unique().to_list()) == [2, 3, 4, 6]
    assert flagged.filter(pl.col("unit_id") == 4).height == 3  # every language of a flagged unit
    hits = filter_units(units, grep="LESESÄLE")
    assert hits.get_column("unit_id").unique().to_list() == [4]


def test_pairing_two_translations_by_source_text():
    a = translation_units(["Das Archiv öffnet um 9 Uhr.", "Besucher müssen sich anmelden.",
                           "Fotos dürfen nicht kopiert werden.", "Danke für Ihre Geduld."])
    b = translation_units(["Das Archiv öffnet um 9 Uhr.", "Besucher müssen sich registrieren.",
                           "Fotografien dürfen nicht kopiert werden.", "Vielen Dank für Ihre Geduld."],
                          extra=(2, "Bags stay outside.", "Taschen bleiben draußen."))
    pairs, src, tgt = pair_translations(a, b)
    assert (src, tgt) == ("en", "de")  # found: en is the text both files share
    assert pairs.height == 5
    assert pairs.get_column("a_unit").to_list() == [0, 1, None, 2, 3]
    assert pairs.get_column("b_unit").to_list() == [0, 1, 2, 3, 4]
    chrf = pairs.get_column("chrf").to_list()
    assert chrf[0] == pytest.approx(100.0) and chrf[2] is None and 0 < chrf[1] < 100
    page = render_compare_page(a, b, names=("a.tmx", "b.tmx"))
    data = embedded_data(page)
    assert [c["label"] for c in data["columns"]] == ["en", "A de", "B de"]
    a_cell, b_cell = data["rows"][1][5][1], data["rows"][1][5][2]
    assert ["anmelden", "-", -1, ""] in a_cell[0] and ["registrieren", "+", -1, ""] in b_cell[0]
    assert "nc:6" in page  # the chrF signature is printed
    # identical files: every text is shared; the unscored language (fidelity null) is the source
    assert pair_translations(a, a)[1:] == ("en", "de")
    with pytest.raises(CorpusError, match="share no language"):
        pair_translations(a, units_frame([dict(unit_id=0, lang="fr", text="x")]))
