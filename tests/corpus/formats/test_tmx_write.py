"""Writing TMX 1.4b: the spec's rules, an independent reader (translate-toolkit), hostile text, determinism."""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from corpus.errors import CorpusError
from corpus.formats.table import units_frame
from corpus.formats.tmx import TmxWarning, format_lang, parse_lang, read_tmx, write_tmx
from support import hand_units

FIXED = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# TMX 1.4b content models (LISA OSCAR spec, section 3): what may appear where.
HEADER_REQUIRED = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")
SEGTYPES = {"block", "paragraph", "sentence", "phrase"}
TMX_DATE = re.compile(r"^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3])[0-5]\d[0-5]\dZ$")
SEG_INLINE = {"bpt", "ept", "ph", "it", "hi", "ut"}
# RFC 3066 / BCP 47 shape: letters/digits subtags of 1-8, hyphen-separated (never underscores).
LANG_CODE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def tmx_rule_violations(path: Path) -> list[str]:
    """Every way the file breaks the TMX 1.4b rules (empty list: valid). Parsing it proves well-formedness."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    bad: list[str] = []
    if root.tag != "tmx" or root.get("version") != "1.4":
        bad.append(f"root <{root.tag} version={root.get('version')}>")
    if [c.tag for c in root] != ["header", "body"]:
        bad.append(f"tmx children {[c.tag for c in root]}")
    header, body = root.find("header"), root.find("body")
    for attr in HEADER_REQUIRED:
        if not header.get(attr):
            bad.append(f"header lacks {attr}")
    if header.get("segtype") not in SEGTYPES:
        bad.append(f"segtype {header.get('segtype')!r}")
    for attr in ("creationdate", "changedate"):
        if header.get(attr) is not None and not TMX_DATE.match(header.get(attr)):
            bad.append(f"header {attr} {header.get(attr)!r}")
    src = header.get("srclang", "")
    if src != "*all*" and not LANG_CODE.match(src):
        bad.append(f"srclang {src!r}")
    if any(c.tag not in ("note", "prop", "ude") for c in header):
        bad.append("header content")
    tuids = []
    for tu in body:
        if tu.tag != "tu":
            bad.append(f"body child <{tu.tag}>")
            continue
        tuids.append(tu.get("tuid"))
        kids = [c.tag for c in tu]
        first_tuv = kids.index("tuv") if "tuv" in kids else len(kids)
        if first_tuv == len(kids) or any(k != "tuv" for k in kids[first_tuv:]):
            bad.append(f"tu {tu.get('tuid')}: children {kids}")
        if any(k not in ("note", "prop") for k in kids[:first_tuv]) or kids[:first_tuv] != sorted(
            kids[:first_tuv], key=("note", "prop").index
        ):
            bad.append(f"tu {tu.get('tuid')}: note/prop order {kids[:first_tuv]}")
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG)
            if not lang or not LANG_CODE.match(lang):
                bad.append(f"tu {tu.get('tuid')}: xml:lang {lang!r}")
            tkids = [c.tag for c in tuv]
            if tkids.count("seg") != 1 or tkids[-1] != "seg":
                bad.append(f"tu {tu.get('tuid')}: tuv children {tkids}")
            elif tkids[:-1] != sorted(tkids[:-1], key=("note", "prop").index):
                bad.append(f"tu {tu.get('tuid')}: tuv note/prop order {tkids}")
            seg = tuv.find("seg")
            if seg is not None and any(c.tag not in SEG_INLINE for c in seg):
                bad.append(f"tu {tu.get('tuid')}: seg markup")
        for prop in tu.iter("prop"):
            if not prop.get("type"):
                bad.append("prop without type")
    if any(t is None for t in tuids) or len(set(tuids)) != len(tuids):
        bad.append("tuids missing or repeated")
    return bad


def test_trilingual_file_follows_the_tmx_rules(tmp_path):
    out = tmp_path / "letter.tmx"
    report = write_tmx(hand_units(), out, langs=["en", "zh", "de"], creation_date=FIXED)
    assert tmx_rule_violations(out) == []
    raw = out.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx')
    root = etree.fromstring(raw)
    header = root.find("header")
    assert header.get("srclang") == "*all*"
    assert header.get("creationdate") == "20260304T050607Z"
    assert header.get("segtype") == "sentence" and header.get("datatype") == "plaintext"
    # 6 units in the table; the German-only note (0-0-1) has one language and is left out.
    assert report.units_written == 5 and report.units_skipped == 1
    assert report.segments_written == 2 + 3 + 3 + 3 + 2
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["letter-0", "letter-1", "letter-2", "letter-4", "notes-0"]
    assert [[v.get(XML_LANG) for v in tu.findall("tuv")] for tu in tus] == [
        ["en", "zh-CN"], ["en", "zh-CN", "de"], ["en", "zh-CN", "de"], ["en", "zh-CN", "de"], ["en", "zh-TW"]
    ]
    assert set(report.languages) == {"en", "zh-CN", "zh-TW", "de"}
    assert "_" not in raw.decode()


def test_props_trace_every_segment_back_to_its_document_and_sentences(tmp_path):
    out = tmp_path / "letter.tmx"
    write_tmx(hand_units(), out, langs=["en", "zh", "de"], creation_date=FIXED)
    tu = etree.parse(str(out)).find("body/tu[@tuid='letter-2']")
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props == {"x-corpus": "letter", "x-link": "1-1-1", "x-confidence": "0.7"}
    de = [v for v in tu.findall("tuv") if v.get(XML_LANG) == "de"][0]
    assert {p.get("type"): p.text for p in de.findall("prop")} == {
        "x-doc": "article.de", "x-sentences": "13", "x-fidelity": "0.41"}
    assert [n.text for n in de.findall("note")] == ["number-mismatch"]
    en = [v for v in tu.findall("tuv") if v.get(XML_LANG) == "en"][0]
    # the source variant has no fidelity of its own
    assert "x-fidelity" not in {p.get("type") for p in en.findall("prop")}


def test_translate_toolkit_reads_every_unit_and_language(tmp_path):
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage import tmx

    out = tmp_path / "letter.tmx"
    write_tmx(hand_units(), out, langs=["en", "zh", "de"], creation_date=FIXED)
    with open(out, "rb") as fh:
        store = tmx.tmxfile(fh)
    got = {
        u.getid(): {getXMLlang(n): u.getNodeText(n) for n in u.getlanguageNodes()} for u in store.units
    }
    tags = {("zh", "Hans"): "zh-CN", ("zh", "Hant"): "zh-TW"}
    expected: dict[str, dict[str, str]] = {}
    table = hand_units().filter(pl.col("unit_id") != 3)
    for row in table.iter_rows(named=True):
        tag = tags.get((row["lang"], row["script"]), row["lang"])
        expected.setdefault(f"{row['corpus']}-{row['unit_id']}", {})[tag] = row["text"]
    assert got == expected
    assert store.units[0].source == "An Open Letter on Maps"


def test_bilingual_export_keeps_units_with_both_languages_and_recounts_links(tmp_path):
    out = tmp_path / "letter.en-de.tmx"
    report = write_tmx(hand_units(), out, langs=["en", "de"], creation_date=FIXED)
    assert tmx_rule_violations(out) == []
    root = etree.parse(str(out)).getroot()
    assert root.find("header").get("srclang") == "en"
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["letter-1", "letter-2", "letter-4"]
    assert report.units_skipped == 3
    links = [tu.find("prop[@type='x-link']").text for tu in tus]
    assert links == ["2-1", "1-1", "1-1"]  # the table's 2-1-1 counted over en, de only
    assert all([v.get(XML_LANG) for v in tu.findall("tuv")] == ["en", "de"] for tu in tus)


def test_include_single_writes_one_language_units(tmp_path):
    out = tmp_path / "all.tmx"
    report = write_tmx(hand_units(), out, include_single=True, creation_date=FIXED)
    assert report.units_written == 6 and report.units_skipped == 0
    assert tmx_rule_violations(out) == []
    lone = etree.parse(str(out)).find("body/tu[@tuid='letter-3']")
    assert [v.get(XML_LANG) for v in lone.findall("tuv")] == ["de"]


def test_bcp47_style_writes_script_subtags(tmp_path):
    out = tmp_path / "bcp.tmx"
    write_tmx(hand_units(), out, langs=["zh", "en"], lang_style="bcp47", srclang="zh", creation_date=FIXED)
    root = etree.parse(str(out)).getroot()
    codes = {v.get(XML_LANG) for v in root.iter("tuv")}
    assert codes == {"zh-Hans", "zh-Hant", "en"}
    assert root.find("header").get("srclang") == "zh-Hans"  # the script most zh rows have


def test_language_codes_parse_and_format():
    assert parse_lang("EN-US") == ("en", "")
    assert parse_lang("ZH-CN") == ("zh", "Hans")
    assert parse_lang("zh_TW") == ("zh", "Hant")
    assert parse_lang("zh-Hant-HK") == ("zh", "Hant")
    assert parse_lang("zh-HK") == ("zh", "Hant")
    assert parse_lang("sr-Latn") == ("sr", "Latn")
    assert format_lang("zh", "Hans") == "zh-CN"
    assert format_lang("zh", "Hant", "bcp47") == "zh-Hant"
    assert format_lang("zh_tw") == "zh-TW"
    assert format_lang("de") == "de"
    with pytest.raises(ValueError):
        parse_lang("*all*")


def test_hostile_text_survives_and_control_characters_are_counted(tmp_path):
    nasty_en = 'a < b && c > "d" \'e\' </seg><tu> &amp; ]]> 😀🇩🇪 \t tab\nline\r\nwindows'
    nasty_zh = "中文「引号」與繁體\x00字\x1b符\ufffe號"
    rows = [
        {"unit_id": 0, "lang": "en", "text": nasty_en + "\x07bell\x0b\x0c", "sent_ids": [0], "link": "1-1"},
        {"unit_id": 0, "lang": "zh", "script": "Hans", "text": nasty_zh, "sent_ids": [0], "link": "1-1",
         "flags": ["odd\x01flag"]},
    ]
    out = tmp_path / "nasty.tmx"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = write_tmx(units_frame(rows), out, creation_date=FIXED)
    assert report.control_chars_removed == 3 + 3 + 1
    assert [str(w.message) for w in caught if issubclass(w.category, TmxWarning)] == [
        f"{out}: removed 7 control characters that XML 1.0 cannot carry"]
    assert tmx_rule_violations(out) == []
    back = read_tmx(out)
    texts = dict(zip(back["lang"], back["text"]))
    assert texts["en"] == nasty_en + "bell"
    assert texts["zh"] == "中文「引号」與繁體字符號"
    assert back.filter(pl.col("lang") == "zh")["flags"].to_list() == [["oddflag"]]


def test_same_input_same_bytes_and_source_date_epoch(tmp_path, monkeypatch):
    a, b = tmp_path / "a.tmx", tmp_path / "b.tmx"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_tmx(hand_units(), a)
    shuffled = hand_units().sample(fraction=1.0, shuffle=True, seed=7)
    write_tmx(shuffled, b)
    assert a.read_bytes() == b.read_bytes()
    assert b'creationdate="20231114T221320Z"' in a.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(CorpusError, match="SOURCE_DATE_EPOCH"):
        write_tmx(hand_units(), a)


def test_write_is_atomic(tmp_path):
    out = tmp_path / "keep.tmx"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(CorpusError):
        write_tmx(hand_units(), out, langs=["en", "fr"])  # no French in the table: nothing is written
    assert out.read_text(encoding="utf-8") == "old"
    bad = hand_units().with_columns(pl.when(pl.col("unit_id") == 4).then(pl.lit("x y")).otherwise("lang").alias("lang"))
    with pytest.raises(CorpusError):
        write_tmx(bad, out)  # "x y" is no language code: the writer stops before touching the file
    assert out.read_text(encoding="utf-8") == "old"
    write_tmx(hand_units(), out, creation_date=FIXED)
    assert out.read_bytes().startswith(b"<?xml")
    assert sorted(os.listdir(tmp_path)) == ["keep.tmx"]  # no temporary file left behind
    with pytest.raises(CorpusError, match="does not exist"):
        write_tmx(hand_units(), tmp_path / "missing" / "x.tmx")


def test_rule_check_catches_what_the_spec_forbids(tmp_path):
    """The validator above is only worth something if it fails on broken files."""
    good = tmp_path / "good.tmx"
    write_tmx(hand_units(), good, creation_date=FIXED)
    text = good.read_text(encoding="utf-8")
    breakages = {
        "date": text.replace('creationdate="20260304T050607Z"', 'creationdate="2026-03-04 05:06"'),
        "segtype": text.replace('segtype="sentence"', 'segtype="line"'),
        "lang": text.replace('xml:lang="de"', 'xml:lang="de_DE"', 1),
        "nolang": text.replace(' xml:lang="de"', "", 1),
        "twoseg": text.replace("<seg>Der Rest liegt an uns.</seg>", "<seg>Der Rest</seg><seg>liegt an uns.</seg>"),
        "header": text.replace('adminlang="en" ', ""),
    }
    for name, broken in breakages.items():
        path = tmp_path / f"{name}.tmx"
        path.write_text(broken, encoding="utf-8")
        assert tmx_rule_violations(path), name
