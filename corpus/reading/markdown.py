"""Plain text and Markdown to paragraphs of clean text that keep their offsets into the original.

`parse(text)` returns the YAML front matter as metadata and the document's paragraphs ("blocks"): each
block has its clean text (markup stripped, whitespace folded) and, for every character of that clean
text, its offset in `text`, so a sentence found in the clean text points back at the original.

How the text is cut into blocks:
- blank lines separate blocks; a horizontal rule (`---`, `***`, `___`, also a line that is nothing but
  such characters after markup is removed) starts a new *section*; a `---`/`===` line right under a text
  line underlines a heading instead (setext, as in CommonMark);
- headings, list items, block quotes, hard line breaks (two trailing spaces or a backslash) always end a
  block;
- a single line break inside a block is a *soft wrap* (joined with a space, or with nothing between two
  CJK characters) when the text is wrapped prose: Markdown whose lines mostly end mid-sentence, or plain
  text whose lines are also evidently wrapped at a fixed width. Otherwise (line-per-paragraph text such
  as most web exports, whose lines end where sentences end, or a block of short `Field: value` lines such
  as an author/date header) every line is a block.

What is stripped: emphasis markers, heading/list/quote markers, link syntax (the link text stays),
footnote-reference links such as `[1](url)` (runs of them with their separating commas), citation marks
`[1]`/`[^1]`, images, bare and angle-bracket URLs, HTML tags and comments, backslash escapes, backticks,
link reference definitions. Blocks without a letter or digit left (an image line, a rule) are dropped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import numpy as np
import yaml

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn"}

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_BLANK = re.compile(r"[ \t\u00a0\u3000]*\Z")
_RULE = re.compile(r"[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})\Z")
_SETEXT = re.compile(r"[ \t]{0,3}(?:=+|-+)[ \t]*\Z")
_ATX = re.compile(r"[ \t]{0,3}(#{1,6})(?:[ \t]+|\Z)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*\Z")
_BULLET = re.compile(r"[ \t]*[-*+•▪●][ \t]+(?=\S)")
_ORDERED = re.compile(r"[ \t]*\d{1,3}[.)][ \t]+(?=\S)")
_QUOTE = re.compile(r"(?:[ \t]{0,3}>[ \t]?)+")
_FENCE = re.compile(r"[ \t]{0,3}(?:`{3,}|~{3,})[^\n]*\Z")
_LINK_DEF = re.compile(r"[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+[^\n]*\Z")
_FOOTNOTE_DEF = re.compile(r"[ \t]{0,3}\[\^[^\]\n]+\]:[ \t]*")

_URL_CHARS = r"[^\s<>()\[\]{}\"'“”‘’，。、；：！？（）「」【】《》]"
URL = _URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)" + _URL_CHARS + r"+(?:\(" + _URL_CHARS + r"*\)" + _URL_CHARS + r"*)*"
)
_LINK_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
# Link and image texts stop at a '[' as well as at ']': otherwise a line of unbalanced brackets is rescanned
# from every '[' (quadratic); nested brackets inside a link text are rare enough to give up.
_IMAGE = re.compile(r"!\[[^\][]*\]" + _LINK_TARGET + r"|!\[[^\][]*\]\[[^\][]*\]")
_FOOTNOTE_REF = r"\[\s*\^?\d{1,3}\s*\]" + _LINK_TARGET
_FOOTNOTE_RUN = re.compile(_FOOTNOTE_REF + r"(?:[\s,;]*" + _FOOTNOTE_REF + r")*")
_INLINE_LINK = re.compile(r"(\[)(?!\s*\^?\d{1,3}\s*\])[^\][]*(\]" + _LINK_TARGET + r"|\]\[[^\][\n]*\])")
_CITATION = re.compile(r"\[\^?\d{1,3}\](?![(:\[])|\[\^[^\][\s]+\](?![(:])")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_STRONG = re.compile(r"\*{2,}|(?<![A-Za-z0-9])_{2,}|_{2,}(?![A-Za-z0-9])|~~")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])[^*\n]*?(?<=[^\s*\\])\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=[^\s_])[^_\n]*?(?<=[^\s_\\])_(?!\w)")
_BOLD_LINE = re.compile(r"(\*\*|__)[^*_\n]*[^\s*_.!?:;,。！？：；，]\1")
_BACKTICKS = re.compile(r"`+")
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")

_CJK = (
    (0x2E80, 0x303F), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FFFF),
)
_WHITESPACE_CODES = np.array(
    [9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F,
     0x3000, 0xFEFF, 0x200B],
    dtype=np.uint32,
)


@dataclass
class Block:
    """One paragraph of a document: clean text plus the original offset of each of its characters."""

    text: str
    offsets: np.ndarray = field(repr=False)  # int64, len(text): offset in the original of each character
    section: int = 0
    kind: str = "paragraph"  # "heading", "item", "quote" or "paragraph"

    @property
    def start(self) -> int:
        return int(self.offsets[0])

    @property
    def end(self) -> int:
        return int(self.offsets[-1]) + 1


@dataclass
class Parsed:
    metadata: dict
    blocks: list[Block]
    markdown: bool
    soft_wrap: bool


def front_matter(text: str) -> tuple[dict, int]:
    """YAML front matter at the start of `text` as a dict, and the offset where the body begins.

    Only a leading `---` ... `---` block that parses as a YAML mapping counts; anything else is body text."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    try:
        data = yaml.safe_load(m.group(1) or "")
    except (yaml.YAMLError, RecursionError):  # deep nesting ("a: [[[[...") overflows the parser
        return {}, 0
    if not isinstance(data, dict) or _yaml_nodes(data, MAX_FRONT_MATTER_NODES) > MAX_FRONT_MATTER_NODES:
        return {}, 0
    return {str(k): v for k, v in data.items()}, m.end()


MAX_FRONT_MATTER_NODES = 10_000


def _yaml_nodes(value: object, limit: int) -> int:
    """Nodes of parsed YAML, an alias counted at every use (as str() or JSON would expand it), counting
    stops past `limit`: nine nested aliases of nine items each ("billion laughs") would be 9**9 strings."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return count


def looks_like_markdown(text: str) -> bool:
    """True when at least two different kinds of Markdown syntax occur (a single `*` proves nothing)."""
    signals = [
        _FRONT_MATTER.match(text) is not None,
        re.search(r"(?m)^#{1,6}[ \t]+\S", text) is not None,
        re.search(r"\*\*\S|__\S", text) is not None,
        re.search(r"\[[^\][\n]+\]\([^)\s]+\)", text) is not None,
        "![" in text,
        re.search(r"(?m)\S {2,}$", text) is not None,
        re.search(r"(?m)^[ \t]*[-*+][ \t]+\S", text) is not None,
        re.search(r"(?m)^>[ \t]?\S", text) is not None,
        re.search(r"(?m)^```", text) is not None,
    ]
    return sum(signals) >= 2


def _visible_length(line: str) -> int:
    return len(_URL.sub("", line).strip())


def _is_wrapped_prose(lines: list[str], markdown: bool) -> bool:
    """Whether single line breaks inside a block are soft wraps.

    The lines that run on into a next non-blank line (hard breaks aside) tell: in text with one paragraph
    per line they end where sentences end (`.`, `?`, `:`, a closing quote) or are headings, in wrapped
    text they mostly end mid-sentence. Markdown wraps unless most such lines end a sentence; plain text
    must also show a fixed wrap width: several such lines, long ones, and no line much longer than that.
    """
    continued = [
        a.rstrip().rstrip("*_")
        for a, b in zip(lines, lines[1:])
        if not _BLANK.match(a) and not _BLANK.match(b) and not a.endswith(("  ", "\\"))
    ]
    if continued and sum(1 for a in continued if a.endswith(_SENTENCE_END)) >= 0.5 * len(continued):
        return False
    if markdown:
        return True
    if len(continued) < 3:
        return False
    lengths = sorted(len(a) for a in continued)
    return lengths[len(lengths) // 2] >= 40 and max(len(ln) for ln in lines) <= 120


_FIELD = re.compile(r"[ \t]*[^\s:：.。!?！？][^:：.。!?！？\n]{0,24}[:：][ \t]*\S")
_SENTENCE_END = tuple(".!?:;。！？：；…\"”’»)）」』")


def _code_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()


def _is_cjk(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in _CJK)


class _Stripper:
    """Holds the original text, a keep-mask over it and replacement characters; yields clean blocks."""

    def __init__(self, text: str):
        self.text = text
        self.codes = _code_array(text)
        self.keep = np.ones(len(text), dtype=bool)
        self.space = np.isin(self.codes, _WHITESPACE_CODES)  # once for the whole text, sliced per block

    def drop(self, start: int, end: int) -> None:
        self.keep[start:end] = False

    def drop_matches(self, pattern: re.Pattern, start: int, end: int, spaced: bool = False) -> None:
        for m in pattern.finditer(self.text, start, end):
            if spaced:
                self.drop_spaced(m.start(), m.end())
            else:
                self.keep[m.start():m.end()] = False

    def drop_spaced(self, start: int, end: int) -> None:
        """Drop text[start:end] and, when punctuation or the line end follows, the spaces before it too
        ("Visit https://x.org." becomes "Visit.", not "Visit .")."""
        self.keep[start:end] = False
        after = self.text[end:end + 1]
        if after in ("", "\n") or after in ".,;:!?)]}。，；：！？）":
            while start > 0 and self.text[start - 1] in " \t\u00a0":
                start -= 1
                self.keep[start] = False

    def strip_inline(self, start: int, end: int) -> None:
        """Remove inline markup in text[start:end] (a block, possibly spanning soft-wrapped lines)."""
        text = self.text
        self.drop_matches(_HTML_COMMENT, start, end)
        self.drop_matches(_IMAGE, start, end, spaced=True)
        self.drop_matches(_FOOTNOTE_RUN, start, end, spaced=True)
        self.drop_matches(_AUTOLINK, start, end, spaced=True)
        for m in _INLINE_LINK.finditer(text, start, end):
            if self.keep[m.start()]:
                self.drop(m.start(1), m.end(1))
                self.drop(m.start(2), m.end(2))
        self.drop_matches(_CITATION, start, end)
        for m in _URL.finditer(text, start, end):
            url_end = m.end()
            while url_end > m.start() and text[url_end - 1] in ".,;:!?'\"":
                url_end -= 1  # sentence punctuation after a URL belongs to the sentence
            self.drop_spaced(m.start(), url_end)
        self.drop_matches(_HTML_TAG, start, end)
        for m in _ENTITY.finditer(text, start, end):
            char = html.unescape(m.group())
            if len(char) == 1 and char != m.group():
                self.drop(m.start() + 1, m.end())
                self.codes[m.start()] = ord(char)
                self.space[m.start()] = char.isspace()
        self.drop_matches(_STRONG, start, end)
        for pattern in (_EM_STAR, _EM_UNDERSCORE):
            for m in pattern.finditer(text, start, end):
                self.drop(m.start(), m.start() + 1)
                self.drop(m.end() - 1, m.end())
        self.drop_matches(_BACKTICKS, start, end)
        self.drop_matches(_ESCAPE, start, end)

    def block(self, start: int, end: int, section: int, kind: str) -> Block | None:
        """The clean text of text[start:end]: kept characters, whitespace runs folded to one space
        (to nothing across a line break between two CJK characters), trimmed."""
        keep = self.keep[start:end]
        idx = np.flatnonzero(keep) + start
        if idx.size == 0:
            return None
        codes = self.codes[idx]
        ws = self.space[idx]
        prev_ws = np.concatenate(([True], ws[:-1]))  # leading whitespace counts as following whitespace
        selected = ~ws | ~prev_ws
        # drop trailing whitespace
        nonws = np.flatnonzero(~ws)
        if nonws.size == 0:
            return None
        selected[nonws[-1] + 1:] = False
        # A line break between two CJK characters joins them without a space (soft-wrapped Chinese).
        for i in np.flatnonzero(ws & ~prev_ws & (codes == 10)):
            j = i + 1
            while j < codes.size and ws[j]:
                j += 1
            if i > 0 and j < codes.size and _is_cjk(int(codes[i - 1])) and _is_cjk(int(codes[j])):
                selected[i] = False
        codes = np.where(ws, 32, codes)[selected].astype(np.uint32)
        clean = codes.tobytes().decode("utf-32-le")
        if not any(ch.isalnum() for ch in clean):
            return None
        return Block(clean, idx[selected].astype(np.int64), section, kind)


def fold_blocks(text: str, spans: list[tuple[int, int, int, str]]) -> list[Block | None]:
    """Clean blocks of the spans (start, end, section, kind) of `text`, whitespace folded as in Markdown
    blocks but no markup stripped: for text other readers extracted, where `**` or `[1]` is text.
    None for a span with no letter or digit."""
    stripper = _Stripper(text)
    return [stripper.block(start, end, section, kind) for start, end, section, kind in spans]


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each line of text[start:], end excluding the line break."""
    spans = []
    pos = start
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            if pos < n:
                spans.append((pos, n))
            break
        spans.append((pos, nl))
        pos = nl + 1
    return spans


def parse(text: str, markdown: bool | None = None) -> Parsed:
    """Front matter and clean blocks of `text` (line breaks already normalised to "\\n").

    `markdown=None` sniffs the syntax (`looks_like_markdown`)."""
    metadata, body = front_matter(text)
    if markdown is None:
        markdown = looks_like_markdown(text)
    stripper = _Stripper(text)
    stripper.drop(0, body)
    spans = _lines(text, body)
    line_texts = [text[a:b] for a, b in spans]
    soft_wrap = _is_wrapped_prose(line_texts, markdown)

    blocks: list[Block] = []
    section = 0
    current: list[tuple[int, int]] = []  # line spans of the block being built
    current_kind = "paragraph"
    in_fence = False

    def flush() -> None:
        nonlocal current, current_kind
        if current:
            start, end = current[0][0], current[-1][1]
            stripper.strip_inline(start, end)
            if current_kind == "paragraph" and _BOLD_LINE.fullmatch(text[start:end].strip()):
                current_kind = "heading"  # a line that is bold as a whole is a heading in many exports
            block = stripper.block(start, end, section, current_kind)
            if block is not None:
                blocks.append(block)
        current = []
        current_kind = "paragraph"

    def field_block(first: int) -> bool:
        """A block of short `Field: value` lines (author, date, place of an article) is a list of lines."""
        j = first
        count = fields = 0
        while j < len(spans) and not _BLANK.match(line_texts[j]):
            if _visible_length(line_texts[j]) >= 40:
                return False
            count += 1
            fields += bool(_FIELD.match(line_texts[j]))
            j += 1
        return count >= 2 and fields >= 0.5 * count

    line_per_block = not soft_wrap
    for i, (a, b) in enumerate(spans):
        line = line_texts[i]
        if in_fence:
            if _FENCE.match(line):
                stripper.drop(a, b)
                in_fence = False
                flush()
                continue
            flush()
            current = [(a, b)]
            flush()
            continue
        if _BLANK.match(line):
            stripper.drop(a, b)
            flush()
            if soft_wrap:
                line_per_block = False
            continue
        if soft_wrap and not current and (i == 0 or _BLANK.match(line_texts[i - 1])):
            line_per_block = field_block(i)
        if _FENCE.match(line):
            stripper.drop(a, b)
            flush()
            in_fence = True
            continue
        if (i > 0 and not _BLANK.match(line_texts[i - 1]) and _SETEXT.match(line) and not _BULLET.match(line)
                and not line_texts[i - 1].rstrip().endswith(_SENTENCE_END)):
            # A heading underline (setext): the text line right above, which does not end like a sentence,
            # is a heading; no new section. Under a sentence, the line is a rule.
            stripper.drop(a, b)
            if current:
                current_kind = "heading"
                flush()
            elif blocks and blocks[-1].end <= a:
                blocks[-1].kind = "heading"
            continue
        if _RULE.match(line) or _RULE_LIKE.fullmatch(_plain(line)):
            stripper.drop(a, b)
            flush()
            if blocks:
                section += 1
            continue
        if _LINK_DEF.match(line) and not _FOOTNOTE_DEF.match(line):
            stripper.drop(a, b)
            flush()
            continue
        kind = None
        m = _ATX.match(line)
        if m:
            stripper.drop(a, a + m.end())
            close = _ATX_CLOSE.search(line)
            if close:
                stripper.drop(a + close.start(), b)
            kind = "heading"
        else:
            m = _QUOTE.match(line)
            if m and m.end() > 0:
                stripper.drop(a, a + m.end())
                kind = "quote"
            m = _FOOTNOTE_DEF.match(line) or _BULLET.match(line) or (markdown and _ORDERED.match(line))
            if m and m.end() > 0:
                stripper.drop(a, a + m.end())
                kind = "item"
        if kind is not None and kind != "quote":
            flush()
        elif line_per_block:
            flush()
        current.append((a, b))
        if kind is not None:
            current_kind = kind
        hard_break = line.endswith("  ") or line.endswith("\\")
        if line.endswith("\\"):
            stripper.drop(b - 1, b)
        if kind == "heading" or hard_break or line_per_block:
            flush()
    flush()
    return Parsed(metadata, blocks, bool(markdown), soft_wrap)


# A line that is only rule characters once emphasis markers and escapes are gone: `**\-----**`.
_RULE_LIKE = re.compile(r"[-_=*~─━—–]{3,}")


def _plain(line: str) -> str:
    return re.sub(r"[\s*\\_]", "", line) if "-" in line or "=" in line or "─" in line else line.strip()
