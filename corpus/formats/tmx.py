"""TMX 1.4b: the units table written as a translation memory that CAT tools read, and read back.

Writing (`write_tmx`) streams one `<tu>` per aligned unit through lxml's incremental writer into an atomic
temporary file: `<tuv xml:lang=...>` per language present, exactly one `<seg>` each, and our metadata as
`<prop type="x-...">` (unit level: x-corpus, x-link, x-confidence; variant level: x-doc, x-sentences,
x-where, x-fidelity) plus one `<note>` per QA flag of a variant, so every segment traces back to its document,
its sentences and their places in the file (x-where: `paragraph 4; paragraph 5`, one per sentence).

Reading (`read_tmx`, `load_tmx`) streams any TMX 1.1-1.4 with iterparse: ours, translate-toolkit's, OmegaT's
(upper-case and region codes, the TMX 1.1 `lang=` attribute), with inline markup flattened to plain text.
Whatever a file lacks takes the table's defaults, so write -> read -> write gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import os
import re
import warnings
from pathlib import Path

import polars as pl
from lxml import etree

from corpus.atomic import atomic_open
from corpus.errors import CorpusError
from corpus.formats.table import UNITS_SCHEMA, WHERE_SEP, empty_units, languages, units_frame
from corpus.version import package_version

CREATION_TOOL = "corpus-aligner"
ALL_LANGUAGES = "*all*"
LANG_STYLES = ("rfc3066", "bcp47")

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

# Characters XML 1.0 cannot carry at all (not even as character references). The polars (Rust regex) form
# counts and removes them column-wise; the Python form also catches lone surrogates, which only Python
# strings can hold.
_FORBIDDEN_RUST = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
_FORBIDDEN_PY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Inline elements whose content is native markup of the original format (RTF codes, HTML tags): not text.
_NATIVE_CODE = frozenset({"bpt", "ept", "ph", "it", "ut"})

# Chinese script from the region, for the RFC 3066 codes CAT tools use (zh-CN, zh-TW) and Microsoft's old ones.
_ZH_REGION_SCRIPT = {"cn": "Hans", "sg": "Hans", "my": "Hans", "chs": "Hans",
                     "tw": "Hant", "hk": "Hant", "mo": "Hant", "cht": "Hant"}
_ZH_SCRIPT_REGION = {"Hans": "CN", "Hant": "TW"}

# Notes travel joined by NUL while read: XML text can never contain it.
_NOTE_SEP = "\x00"


class TmxWarning(UserWarning):
    """Something was changed to make the data fit TMX (e.g. control characters removed)."""


# ---- language codes ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def parse_lang(tag: str) -> tuple[str, str]:
    """A language code as found in TMX files (`EN-US`, `zh_CN`, `zh-Hant-TW`, `ZH-CN`) -> (base, script).

    The base is the lower-case primary subtag; the script is an ISO 15924 subtag when given, or for Chinese
    the script implied by the region (CN/SG -> Hans, TW/HK/MO -> Hant). Regions of other languages are
    dropped: the units table keys variants by language, not by locale.
    """
    parts = [p for p in re.split(r"[-_]", tag.strip()) if p]
    if not parts or not parts[0].isalpha() or len(parts[0]) > 8:
        raise ValueError(f"not a language code: {tag!r}")
    base = parts[0].lower()
    script = ""
    for sub in parts[1:]:
        if len(sub) == 4 and sub.isalpha():
            script = sub.title()
            break
    if not script and base == "zh":
        script = next((_ZH_REGION_SCRIPT[p.lower()] for p in parts[1:] if p.lower() in _ZH_REGION_SCRIPT), "")
    return base, script


def format_lang(lang: str, script: str = "", style: str = "rfc3066") -> str:
    """(base, script) -> the code written to `xml:lang`: `zh-CN`/`zh-TW` (rfc3066) or `zh-Hans`/`zh-Hant`
    (bcp47) for Chinese, `lang-Script` for other scripted variants, plain `en` otherwise. Never `_`."""
    if style not in LANG_STYLES:
        raise CorpusError(f"unknown language code style {style!r} (choose from {', '.join(LANG_STYLES)})")
    base, parsed_script = parse_lang(lang)
    script = script.title() if script else parsed_script
    if not script:
        return base
    if style == "rfc3066" and base == "zh" and script in _ZH_SCRIPT_REGION:
        return f"zh-{_ZH_SCRIPT_REGION[script]}"
    return f"{base}-{script}"


# ---- writing -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TmxWriteReport:
    """What `write_tmx` wrote, and what it had to change or leave out."""

    path: Path
    units_written: int
    segments_written: int
    languages: tuple[str, ...]  # xml:lang codes in the order they appear in each <tu>
    srclang: str
    units_skipped: int  # units with fewer of the chosen languages than a <tu> needs
    control_chars_removed: int
    creationdate: str

    def summary(self) -> str:
        text = (f"{self.path}: {self.units_written} units, {self.segments_written} segments "
                f"({', '.join(self.languages)}), srclang {self.srclang}")
        if self.units_skipped:
            text += f"; {self.units_skipped} units skipped (too few of the chosen languages)"
        if self.control_chars_removed:
            text += f"; {self.control_chars_removed} control characters removed"
        return text


def tmx_date(when: dt.datetime | None = None) -> str:
    """TMX date `YYYYMMDDThhmmssZ` in UTC: `when`, else $SOURCE_DATE_EPOCH (reproducible builds), else now."""
    if when is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            try:
                when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
            except (ValueError, OverflowError, OSError) as exc:
                raise CorpusError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds") from exc
        else:
            when = dt.datetime.now(dt.timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime(_DATE_FORMAT)


def _clean_strings(df: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Remove the characters XML 1.0 forbids from every string the TMX carries; return the count removed."""
    removed = df.select(
        pl.sum_horizontal(
            *(pl.col(c).fill_null("").str.count_matches(_FORBIDDEN_RUST).sum() for c in ("corpus", "doc_id", "text")),
            *(pl.col(c).list.eval(pl.element().str.count_matches(_FORBIDDEN_RUST)).list.sum().sum()
              for c in ("where", "flags")),
        )
    ).item()
    if not removed:
        return df, 0
    cleaned = df.with_columns(
        *(pl.col(c).str.replace_all(_FORBIDDEN_RUST, "") for c in ("corpus", "doc_id", "text")),
        *(pl.col(c).list.eval(pl.element().str.replace_all(_FORBIDDEN_RUST, "")) for c in ("where", "flags")),
    )
    return cleaned, int(removed)


def _number(value: float | None) -> str | None:
    """Floats as Python's shortest exact repr, so reading them back gives the same number."""
    if value is None or math.isnan(value):
        return None
    return repr(float(value))


def select_languages(df: pl.DataFrame, langs: list[str] | None) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """Rows of the chosen languages, and the choice as (base, script-or-"") in the order given.

    `langs` holds codes in any style (`en`, `ZH-TW`, `zh_Hans`); a code with a script (or a Chinese region)
    keeps only rows of that script. None chooses every language of the table, in table order.
    A code the table lacks is a CorpusError.
    """
    chosen = _chosen_languages(df, langs)
    scripts = {base: script for base, script in chosen if script}
    required_script = pl.col("lang").replace_strict(scripts, default="", return_dtype=pl.Utf8)
    rows = df.filter(
        pl.col("lang").is_in([base for base, _ in chosen])
        & ((required_script == "") | (pl.col("script") == required_script))
    )
    return rows, chosen


def _chosen_languages(df: pl.DataFrame, langs: list[str] | None) -> list[tuple[str, str]]:
    if not langs:
        return [(lang, "") for lang in languages(df)]
    chosen: list[tuple[str, str]] = []
    present = set(df.get_column("lang").unique().to_list())
    for code in langs:
        try:
            base, script = parse_lang(code)
        except ValueError as exc:
            raise CorpusError(str(exc)) from exc
        if base not in present:
            raise CorpusError(f"language {code!r} does not occur in the units table "
                              f"(it has {', '.join(sorted(present)) or 'none'})")
        if base not in (b for b, _ in chosen):
            chosen.append((base, script))
    return chosen


def language_tags(df: pl.DataFrame, lang_style: str = "rfc3066") -> pl.DataFrame:
    """`lang`, `script`, `tag`: the xml:lang code of each (lang, script) pair of the table, to join on.

    Formats the few distinct pairs, not the rows."""
    pairs = df.select("lang", pl.col("script").fill_null("")).unique().sort("lang", "script")
    codes = []
    for lang, script in pairs.iter_rows():
        try:
            codes.append(format_lang(lang, script or "", lang_style))
        except ValueError as exc:
            raise CorpusError(f"units table: {exc}") from exc
    return pairs.with_columns(pl.Series("tag", codes, dtype=pl.Utf8))


def _prop(parent: etree._Element, kind: str, value: str | None) -> None:
    if value:
        etree.SubElement(parent, "prop", type=kind).text = value


def _tu_element(unit: dict, tuid: str, link: str) -> etree._Element:
    tu = etree.Element("tu", tuid=tuid)
    _prop(tu, "x-corpus", unit["corpus"])
    _prop(tu, "x-link", link)
    _prop(tu, "x-confidence", _number(unit["confidence"]))
    for tag, doc, sents, places, text, fidelity, flags in zip(
        unit["tag"], unit["doc_id"], unit["sent_ids"], unit["where"], unit["text"], unit["fidelity"], unit["flags"]
    ):
        tuv = etree.SubElement(tu, "tuv")
        tuv.set(_XML_LANG, tag)
        for flag in flags or ():
            if flag:  # an empty flag (e.g. one made only of control characters) is no flag: <note/> reads as none
                etree.SubElement(tuv, "note").text = flag
        _prop(tuv, "x-doc", doc)
        _prop(tuv, "x-sentences", ",".join(map(str, sents or ())))
        _prop(tuv, "x-where", WHERE_SEP.join(places or ()))
        _prop(tuv, "x-fidelity", _number(fidelity))
        etree.SubElement(tuv, "seg").text = text or ""
    return tu


def write_tmx(
    units: pl.DataFrame,
    path: str | os.PathLike,
    *,
    langs: list[str] | None = None,
    srclang: str | None = None,
    lang_style: str = "rfc3066",
    include_single: bool = False,
    tool_version: str | None = None,
    creation_date: dt.datetime | None = None,
) -> TmxWriteReport:
    """Write the units table as TMX 1.4b, atomically; return what was written.

    `langs` chooses the languages and their order inside each `<tu>` (default: all, in table order); codes
    such as `zh-TW` also select the script. A unit is written when it has at least two of them (all of them
    for a bilingual file), or one with `include_single`. `srclang` defaults to the first language of an
    explicit one- or two-language choice, else `*all*`. The x-link prop is the table's link when every
    language of the table is written, else the link recounted over the chosen languages (`2-1`).
    Same input, same bytes: only the creation date varies (fix it with `creation_date` or SOURCE_DATE_EPOCH).
    """
    if lang_style not in LANG_STYLES:
        raise CorpusError(f"unknown language code style {lang_style!r} (choose from {', '.join(LANG_STYLES)})")
    df = units_frame(units).with_columns(pl.col("text").fill_null(""), pl.col("script").fill_null(""))
    selected, chosen = select_languages(df, langs)
    order = {base: i for i, (base, _) in enumerate(chosen)}
    selected = selected.join(language_tags(selected, lang_style), on=["lang", "script"], how="left").with_columns(
        pl.col("lang").replace_strict(order, return_dtype=pl.Int64).alias("_order")
    )
    needed = 1 if include_single else min(2, len(chosen))
    kept = selected.group_by("corpus", "unit_id").len().filter(pl.col("len") >= needed).drop("len")
    selected, removed = _clean_strings(selected.join(kept, on=["corpus", "unit_id"], how="semi"))
    written = (
        selected.sort("corpus", "unit_id", "_order")
        .group_by("corpus", "unit_id", maintain_order=True)
        .agg(pl.col("link").first(), pl.col("confidence").first(), pl.col("lang"), pl.col("tag"),
             pl.col("doc_id"), pl.col("sent_ids"), pl.col("where"), pl.col("text"), pl.col("fidelity"), pl.col("flags"))
    )
    all_units = df.select("corpus", "unit_id").unique().height
    keep_links = set(order) >= set(df.get_column("lang").unique().to_list())

    tags_in_order = selected.select("_order", "tag").unique().sort("_order", "tag").get_column("tag")
    if srclang == ALL_LANGUAGES:
        header_src = ALL_LANGUAGES
    elif srclang is not None:
        try:
            src_base, src_script = parse_lang(srclang)
        except ValueError as exc:
            raise CorpusError(str(exc)) from exc
        header_src = _source_tag(selected, src_base, src_script, lang_style)
    elif langs and len(chosen) <= 2:
        header_src = _source_tag(selected, *chosen[0], lang_style)
    else:
        header_src = ALL_LANGUAGES
    date = tmx_date(creation_date)

    header = etree.Element("header", {
        "creationtool": CREATION_TOOL,
        "creationtoolversion": tool_version or package_version(),
        "segtype": "sentence",
        "o-tmf": CREATION_TOOL,
        "adminlang": "en",
        "srclang": header_src,
        "datatype": "plaintext",
        "creationdate": date,
    })
    segments = 0
    with atomic_open(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        with etree.xmlfile(fh, encoding="UTF-8") as xf:
            xf.write_doctype(_DOCTYPE)
            with xf.element("tmx", version="1.4"):
                xf.write("\n  ")
                xf.write(header)
                xf.write("\n  ")
                with xf.element("body"):
                    for unit in written.iter_rows(named=True):
                        link = unit["link"] if keep_links else _recount_link(unit, chosen)
                        tuid = f"{unit['corpus']}-{unit['unit_id']}" if unit["corpus"] else str(unit["unit_id"])
                        tu = _tu_element(unit, tuid, link)
                        etree.indent(tu, level=2)
                        xf.write("\n    ")
                        xf.write(tu)
                        segments += len(unit["lang"])
                    xf.write("\n  ")
                xf.write("\n")
        fh.write(b"\n")
    report = TmxWriteReport(
        path=Path(path), units_written=written.height, segments_written=segments,
        languages=tuple(tags_in_order.to_list()), srclang=header_src,
        units_skipped=all_units - written.height, control_chars_removed=removed, creationdate=date,
    )
    if removed:
        warnings.warn(f"{path}: removed {removed} control characters that XML 1.0 cannot carry", TmxWarning,
                      stacklevel=2)
    return report


def _source_tag(selected: pl.DataFrame, base: str, script: str, style: str) -> str:
    """Header srclang for a base code: with the given script, else the script most of its rows have."""
    if not script:
        counts = selected.filter(pl.col("lang") == base).get_column("script").value_counts(sort=True)
        script = counts.item(0, "script") if counts.height else ""
    return format_lang(base, script, style)


def _recount_link(unit: dict, chosen: list[tuple[str, str]]) -> str:
    sizes = dict(zip(unit["lang"], (len(s or ()) for s in unit["sent_ids"])))
    if not all(sizes.values()):  # no sentence ids to count: the table's link is all we know
        return unit["link"]
    return "-".join(str(sizes.get(base, 0)) for base, _ in chosen)


# ---- reading -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class TmxDocument:
    """A TMX file as read: its header, its units table, and per-language segment counts."""

    path: Path
    version: str
    header: dict[str, str]  # header attributes as in the file
    header_props: dict[str, str]
    units: pl.DataFrame
    segments: dict[str, int]  # xml:lang code as in the file -> number of segments, in order of appearance
    tu_count: int
    variants_dropped: int  # a second variant of the same language in one <tu> (e.g. en-US next to en-GB)


def _local(tag: object) -> str:
    """Element name without namespace; "" for comments and entities (whose tag is not a string)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _seg_text(seg: etree._Element) -> str:
    """Plain text of a <seg>: inline native codes (bpt/ept/ph/it/ut) dropped, <hi> and others kept."""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and _local(child.tag) not in _NATIVE_CODE:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _float(value: str | None) -> float | None:
    """A confidence or fidelity prop: a number in [0, 1], else None. Other tools' files may hold `nan`,
    `inf` or another scale, which the table's views (page colours, JSON) cannot take."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if 0.0 <= number <= 1.0 else None


def _props_and_notes(elem: etree._Element) -> tuple[dict[str, str], list[str]]:
    props: dict[str, str] = {}
    notes: list[str] = []
    for child in elem:
        name = _local(child.tag)
        if name == "prop":
            props.setdefault(child.get("type", ""), child.text or "")
        elif name == "note":
            notes.append(child.text or "")
    return props, notes


class _UnitCollector:
    """Column lists for the units table, filled one <tu> at a time."""

    def __init__(self, path: Path):
        self.path = path
        self.columns: dict[str, list] = {name: [] for name in [*UNITS_SCHEMA, "_tu"]}
        self.segments: dict[str, int] = {}
        self.tu_count = 0
        self.dropped = 0

    def add(self, tu: etree._Element) -> None:
        props, unit_notes = _props_and_notes(tu)
        corpus = props.get("x-corpus", "")
        tuid = tu.get("tuid", "")
        prefix = f"{corpus}-" if corpus else ""
        number = tuid[len(prefix):] if tuid.startswith(prefix) else ""
        unit_id = int(number) if re.fullmatch(r"\d+", number) else None  # None: numbered by position later
        seen: set[str] = set()
        for tuv in tu:
            if _local(tuv.tag) != "tuv":
                continue
            code = tuv.get(_XML_LANG) or tuv.get("lang")
            if not code:
                raise CorpusError(f"line {tuv.sourceline}: <tuv> without xml:lang", self.path)
            try:
                lang, script = parse_lang(code)
            except ValueError as exc:
                raise CorpusError(f"line {tuv.sourceline}: {exc}", self.path) from exc
            segs = [c for c in tuv if _local(c.tag) == "seg"]
            if len(segs) != 1:
                raise CorpusError(f"line {tuv.sourceline}: <tuv> has {len(segs)} <seg> elements, expected 1",
                                  self.path)
            if lang in seen:
                self.dropped += 1
                continue
            seen.add(lang)
            self.segments[code] = self.segments.get(code, 0) + 1
            vprops, vnotes = _props_and_notes(tuv)
            cols = self.columns
            cols["corpus"].append(corpus)
            cols["unit_id"].append(unit_id)
            cols["lang"].append(lang)
            cols["script"].append(script)
            cols["doc_id"].append(vprops.get("x-doc", ""))
            cols["sent_ids"].append(vprops.get("x-sentences", ""))
            cols["where"].append(vprops.get("x-where", ""))
            cols["text"].append(_seg_text(segs[0]))
            cols["link"].append(props.get("x-link", ""))
            cols["confidence"].append(_float(props.get("x-confidence")))
            cols["fidelity"].append(_float(vprops.get("x-fidelity")))
            cols["flags"].append(_NOTE_SEP.join(vnotes + unit_notes))
        self.columns["_tu"].extend([self.tu_count] * len(seen))
        self.tu_count += 1

    def frame(self) -> pl.DataFrame:
        if not self.columns["lang"]:
            return empty_units()
        # Lists travel as strings and are split by polars: building a Series per row is 20x slower.
        schema = {**UNITS_SCHEMA, "sent_ids": pl.Utf8, "where": pl.Utf8, "flags": pl.Utf8, "_tu": pl.Int64}
        df = pl.DataFrame(self.columns, schema=schema).with_columns(
            pl.col("sent_ids").str.extract_all(r"-?\d+").cast(pl.List(pl.Int64)),
            pl.when(pl.col("where") == "").then(pl.lit([], dtype=pl.List(pl.Utf8)))
            .otherwise(pl.col("where").str.split(WHERE_SEP)).alias("where"),
            pl.when(pl.col("flags") == "").then(pl.lit([], dtype=pl.List(pl.Utf8)))
            .otherwise(pl.col("flags").str.split(_NOTE_SEP)).alias("flags"),
        )
        # Foreign tuids (absent, text, repeated) cannot key units: number the units by position instead.
        unusable = pl.col("unit_id").is_null().any() | (
            pl.struct("corpus", "unit_id").n_unique() < pl.struct("corpus", "_tu").n_unique()
        )
        if df.select(unusable).item():
            df = df.with_columns(pl.col("_tu").alias("unit_id"))
        return units_frame(df.drop("_tu"))


_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                       remove_comments=True, remove_pis=True)


def load_tmx(path: str | os.PathLike) -> TmxDocument:
    """Read a TMX file (streamed) into a `TmxDocument`; CorpusError naming file and line when it is not TMX."""
    p = Path(path)
    if not p.is_file():
        raise CorpusError("no such file" if not p.exists() else "not a file", p)
    collector = _UnitCollector(p)
    header: dict[str, str] = {}
    header_props: dict[str, str] = {}
    body_seen = False
    try:
        # The root alone first, so that a large file of another kind is refused at once.
        for _, root in etree.iterparse(str(p), events=("start",), **_PARSER_OPTIONS):
            if _local(root.tag) != "tmx":
                raise CorpusError(f"line {root.sourceline}: not a TMX file (root element <{_local(root.tag)}>, "
                                  f"expected <tmx>)", p)
            version = root.get("version", "")
            break
        events = etree.iterparse(str(p), events=("end",), tag=("{*}header", "{*}body", "{*}tu"), **_PARSER_OPTIONS)
        for _, elem in events:
            name = _local(elem.tag)
            if name == "tu":
                collector.add(elem)
                elem.clear(keep_tail=True)  # stream: drop the finished unit and its predecessors
                parent = elem.getparent()
                while elem.getprevious() is not None and parent is not None:
                    del parent[0]
            elif name == "header":
                header = dict(elem.attrib)
                header_props, _ = _props_and_notes(elem)
            else:
                body_seen = True
    except etree.XMLSyntaxError as exc:
        if p.stat().st_size == 0:
            raise CorpusError("not a TMX file: the file is empty", p) from None
        line, column = exc.position if exc.position else (exc.lineno, 0)
        # libxml2 puts a newline inside some messages ("...range\n, line 10, column 2"): keep it to one line.
        reason = " ".join(re.sub(r",? line \d+, column \d+$", "", exc.msg or "").split())
        raise CorpusError(f"line {max(line, 1)}, column {column}: not well-formed XML: {reason}", p) from None
    except OSError as exc:
        raise CorpusError(f"cannot read: {exc.strerror or exc}", p) from None
    if not body_seen:
        raise CorpusError("not a TMX file: no <body> element", p)
    return TmxDocument(
        path=p, version=version, header=header, header_props=header_props, units=collector.frame(),
        segments=collector.segments, tu_count=collector.tu_count, variants_dropped=collector.dropped,
    )


def read_tmx(path: str | os.PathLike) -> pl.DataFrame:
    """Read a TMX file into a units table (see `corpus.formats.table`)."""
    return load_tmx(path).units
