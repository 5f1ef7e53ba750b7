"""Alignment links and their text format, `[0, 1]:[2]` one a line (as Vecalign and Bertalign use)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus.atomic import write_text_atomic
from corpus.errors import CorpusError

_LINK_RE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]")


@dataclass(frozen=True)
class Link:
    """n source sentences aligned to m target sentences (0-based, consecutive, either side may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float = field(default=1.0, compare=False)

    @property
    def kind(self) -> str:
        """Link type such as `2-1`, `1-0`."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_null(self) -> bool:
        return not self.src or not self.tgt

    def __str__(self) -> str:
        return f"[{', '.join(map(str, self.src))}]:[{', '.join(map(str, self.tgt))}]"


def parse_links(text: str, source: str | os.PathLike | None = None) -> list[Link]:
    links = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _LINK_RE.match(line)
        if not m:
            raise CorpusError(f"line {lineno}: not a link of the form [0, 1]:[2]", source)
        src, tgt = (tuple(int(x) for x in g.replace(",", " ").split()) for g in m.groups())
        links.append(Link(src, tgt))
    return links


def read_links(path: str | os.PathLike) -> list[Link]:
    p = Path(path)
    if not p.is_file():
        raise CorpusError("no such file", p)
    try:
        text = p.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise CorpusError(f"cannot read links ({exc.__class__.__name__})", p) from exc
    return parse_links(text, p)


def format_links(links: list[Link]) -> str:
    return "".join(f"{link}\n" for link in links)


def write_links(links: list[Link], path: str | os.PathLike) -> None:
    write_text_atomic(path, format_links(links))
