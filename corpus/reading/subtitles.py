"""Subtitles: SubRip (.srt) and WebVTT (.vtt).

Each cue is a place (`cue 12 00:01:02,500 --> 00:01:04,000`); the lines of a cue join with a space (none
between Chinese or Japanese characters), and consecutive cues join into one paragraph, so that a sentence
running over several cues is one sentence, whose provenance names its first and last cue. A pause of more
than PAUSE_SECONDS between two cues starts a new paragraph.
Kept: the cue text. Dropped: cue numbers and identifiers, timings and cue settings, formatting tags
(`<i>`, `<b>`, `<font>`, `<c.x>`, `<v Speaker>`, karaoke timestamps, SSA `{\\an8}` overrides), WebVTT NOTE, STYLE
and REGION blocks. HTML character references in WebVTT (`&amp;`, `&lt;`, `&nbsp;`) are decoded.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.reading.decoding import decode_bytes, normalise_text
from corpus.reading.parts import Extraction, Part, extraction_from_parts, join_pieces, separator

PAUSE_SECONDS = 5.0
_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_TIMING = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}(.*)")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<\d[\d:.,]*>|\{\\[^{}]*\}")


@dataclass
class _Cue:
    number: str
    start: float
    end: float
    timing: str
    text: str


def _seconds(hours, minutes, seconds, millis) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000


def _cue_text(lines: list[str], entities: bool) -> str:
    return join_pieces(html.unescape(_TAG.sub("", line)) if entities else _TAG.sub("", line) for line in lines)


def _cues(text: str, path, vtt: bool) -> list[_Cue]:
    cues = []
    for k, block in enumerate(re.split(r"\n[ \t]*\n", text.strip("\n"))):
        lines = block.split("\n")
        if vtt and k == 0 and lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            continue
        if vtt and re.match(r"(NOTE|STYLE|REGION)\b", lines[0]):
            continue
        timing_at = next((i for i, line in enumerate(lines[:3]) if "-->" in line), None)
        if timing_at is None:
            continue  # a stray block (text between cues): not a cue
        m = _TIMING.match(lines[timing_at])
        if m is None:
            raise CorpusError(f"cue {len(cues) + 1} has a bad timing line: {lines[timing_at][:80]!r}", path)
        start, end = _seconds(*m.group(1, 2, 3, 4)), _seconds(*m.group(5, 6, 7, 8))
        number = lines[0].strip() if timing_at else str(len(cues) + 1)
        timing = lines[timing_at].strip().split("  ")[0]
        timing = re.sub(r"\s+(?:[a-z:]+:\S+\s*)+$", "", timing)  # WebVTT cue settings (align:start ...)
        body = _cue_text(lines[timing_at + 1:], vtt)
        if body:
            cues.append(_Cue(number, start, end, timing, body))
    return cues


def _parts(cues: list[_Cue]) -> list[Part]:
    parts: list[Part] = []
    text, places, where, last_end = "", [], "", None
    for cue in cues:
        place = f"cue {cue.number} {cue.timing}"
        if text and cue.start - last_end > PAUSE_SECONDS:
            parts.append(Part(text, "cue", where, 0, tuple(places)))
            text, places = "", []
        if not text:
            text, where = cue.text, place
        else:
            text += separator(text, cue.text)
            places.append((len(text), place))
            text += cue.text
        last_end = cue.end
    if text:
        parts.append(Part(text, "cue", where, 0, tuple(places)))
    return parts


class _SubtitleReader:
    vtt = False

    def extract(self, data: bytes, path: Path, options) -> Extraction:
        text = normalise_text(decode_bytes(data, path)[0])
        if self.vtt and not text.lstrip("\ufeff").startswith("WEBVTT"):
            raise CorpusError("not a WebVTT file (it does not begin with WEBVTT)", path)
        cues = _cues(text, path, self.vtt)
        if not cues:
            raise CorpusError(f"no subtitle cues in this file (not {self.description})", path)
        return extraction_from_parts(_parts(cues), {"format": self.name, "cues": len(cues)})


class SrtReader(_SubtitleReader):
    name = "srt"
    description = "SubRip subtitles"
    suffixes = (".srt",)


class VttReader(_SubtitleReader):
    name = "vtt"
    description = "WebVTT subtitles"
    suffixes = (".vtt",)
    vtt = True
