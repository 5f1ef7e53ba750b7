"""XLIFF 1.2 and 2.x, the exchange format of CAT tools, read with lxml (no entities, no DTD, no network).

An XLIFF file holds two documents: the source texts and the target texts of its units, in the languages the
file declares (`source-language`/`target-language` of each 1.2 `<file>`, `srcLang`/`trgLang` of the 2.x
root; an undeclared target language is identified from the text). Each unit (1.2 `<trans-unit>`, 2.x
`<unit>`) is a paragraph, segmented like any text; with `keep_segments` (`--presegmented`) the file's own
segments (1.2 `<mrk mtype="seg">` in `<seg-source>` and `<target>`, 2.x `<segment>`) are the sentences.
Kept: text, the content of paired and marker codes (`<g>`, `<pc>`, `<mrk>`), code points (`<cp>`).
Dropped: native codes and placeholders (`<x>`, `<bx>`, `<ex>`, `<ph>`, `<bpt>`, `<ept>`, `<it>`, `<sc>`,
`<ec>`), notes, alternative translations (`<alt-trans>`), 2.x `<ignorable>` parts, units marked
`translate="no"` only where they have no target.
Provenance: the file's `original` (1.2) or id (2.x), the unit id and the segment id.
"""

from __future__ import annotations

from pathlib import Path

from corpus.errors import CorpusError
from corpus.reading.containers import local, parse_xml
from corpus.reading.parts import Extraction, Part, extraction_from_parts, join_pieces
from corpus.text.langid import language_code

_DROPPED_CODES = {"x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec", "sub", "note", "notes"}


def _inline(el) -> str:
    """The translatable text of a <source>, <target> or segment: codes dropped, paired codes' content kept."""
    out = [el.text or ""]
    for child in el:
        name = local(child.tag)
        if name == "cp":
            try:
                out.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                pass
        elif name and name not in _DROPPED_CODES:
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _declared(tag: str | None, path) -> str:
    """The ISO 639-1 code of a declared language; "" when absent or unknown (the text decides then)."""
    if not tag:
        return ""
    try:
        return language_code(tag)
    except CorpusError:
        return ""


def _segments_12(el) -> list[tuple[str, str]]:
    """(mid, text) of the <mrk mtype="seg"> segments of a 1.2 <seg-source> or <target>."""
    return [(m.get("mid", ""), _inline(m)) for m in el.iter() if local(m.tag) == "mrk" and m.get("mtype") == "seg"]


class XliffReader:
    name = "xliff"
    description = "XLIFF 1.2 or 2.x (two documents: source and target)"
    suffixes = (".xlf", ".xliff", ".sdlxliff", ".mxliff")

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        root = parse_xml(data, path, "the XLIFF file")
        if local(root.tag) != "xliff":
            raise CorpusError(f"not an XLIFF file (its root element is <{local(root.tag)}>)", path)
        version = root.get("version", "")
        sources: list[Part] = []
        targets: list[Part] = []
        keep = options.keep_segments
        if version.startswith("1"):
            self._read_12(root, path, keep, sources, targets)
        elif version.startswith("2"):
            self._read_2(root, path, keep, sources, targets)
        else:
            raise CorpusError(f"unsupported XLIFF version {version!r} (1.2 and 2.x are read)", path)
        if not sources:
            raise CorpusError("no translation units with text in this XLIFF file", path)
        for part in targets:
            part.section = 1
        return extraction_from_parts(sources + targets, {"format": self.name, "xliff_version": version})

    def _read_12(self, root, path, keep: bool, sources: list[Part], targets: list[Part]) -> None:
        for file in (el for el in root.iter() if local(el.tag) == "file"):
            src_lang = _declared(file.get("source-language"), path)
            tgt_lang = _declared(file.get("target-language"), path)
            name = file.get("original", "")
            for unit in (el for el in file.iter() if local(el.tag) == "trans-unit"):
                where = f"{name}, unit {unit.get('id', '')}" if name else f"unit {unit.get('id', '')}"
                children = {local(c.tag): c for c in unit if local(c.tag) in ("source", "seg-source", "target")}
                for side, element, out, lang in (("source", children.get("seg-source", children.get("source")),
                                                   sources, src_lang),
                                                  ("target", children.get("target"), targets, tgt_lang)):
                    if element is None:
                        continue
                    segments = _segments_12(element) if keep else []
                    if segments:
                        out.extend(Part(text, "segment", f"{where}, segment {mid}", 0, (), lang)
                                   for mid, text in segments if text.strip())
                    else:
                        plain = children.get(side) if side == "source" else element
                        text = _inline(plain)
                        if text.strip():
                            out.append(Part(text, "segment" if keep else "paragraph", where, 0, (), lang))

    def _read_2(self, root, path, keep: bool, sources: list[Part], targets: list[Part]) -> None:
        src_lang = _declared(root.get("srcLang"), path)
        tgt_lang = _declared(root.get("trgLang"), path)
        for file in (el for el in root.iter() if local(el.tag) == "file"):
            name = file.get("original") or file.get("id", "")
            for unit in (el for el in file.iter() if local(el.tag) == "unit"):
                where = f"{name}, unit {unit.get('id', '')}" if name else f"unit {unit.get('id', '')}"
                segments = [s for s in unit if local(s.tag) == "segment"]
                for side, out, lang in (("source", sources, src_lang), ("target", targets, tgt_lang)):
                    found = []
                    for k, segment in enumerate(segments, 1):
                        element = next((c for c in segment if local(c.tag) == side), None)
                        if element is not None:
                            found.append((segment.get("id") or str(k), _inline(element)))
                    if keep:
                        out.extend(Part(text, "segment", f"{where}, segment {sid}", 0, (), lang)
                                   for sid, text in found if text.strip())
                    else:
                        text = join_pieces(t for _, t in found)
                        if text:
                            out.append(Part(text, "paragraph", where, 0, (), lang))
