"""Numbers in text, read in one place: digits with their separators, Chinese numerals, number words.

Three readings for three uses: `number_tokens` (the aligner's cheap evidence: digit runs, separators dropped),
`number_values` (the fidelity score: values with scale words, number words, months and counted Chinese
numerals) and `digit_run_keys` / `silent_number_keys` (the page's marks: each run's normalised key, and
numbers written as words that count as counterparts of digits)."""

from __future__ import annotations

import re
import unicodedata

# Fullwidth digits and separators -> ASCII, one character for one, so offsets stay valid.
FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"．": ".", "，": ","})
NUMBER_RUN = re.compile(r"[0-9]+(?:[.,\u00a0\u202f\u2009' ][0-9]+)*")

_CJK_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
               "九": 9}
_CJK_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
# Spelled-out small numbers: used only as silent evidence that a digit has a counterpart ("3" ~ "drei").
_NUMBER_WORDS = {
    w: n
    for n, words in enumerate([
        "zero null zéro", "one eins ein eine un une", "two zwei deux", "three drei trois", "four vier quatre",
        "five fünf cinq", "six sechs", "seven sieben sept", "eight acht huit", "nine neun neuf", "ten zehn dix",
        "eleven elf onze", "twelve zwölf douze",
    ])
    for w in words.split()
}

# ---------------------------------------------------------------- digit runs


_NUMBER = re.compile(r"\d+(?:[.,'’]\d+)*")


def number_tokens(text: str) -> list[str]:
    """Numbers as written, thousand separators and decimal marks removed (8'848, 8.848, 8848 all agree);
    full-width digits folded to ASCII first."""
    folded = unicodedata.normalize("NFKC", text)
    return [re.sub(r"[.,'’]", "", t) for t in _NUMBER.findall(folded)]


def digit_run_keys(digits: str) -> list[tuple[int, int, str]]:
    """Keys of one run of digits and separators, as (offset, end, key) relative to the run.

    "2,000" / "2.000" / "2 000" -> 2000; "3,5" / "3.5" -> 3.5; a run with several kinds of separators or short
    groups ("7.3.2024", "1.2.3") is a date or version: each part is its own number.
    """
    parts = re.split(r"([.,\u00a0\u202f\u2009' ])", digits)
    groups, seps = parts[0::2], parts[1::2]
    if len(groups) == 1:
        return [(0, len(digits), str(int(digits)))]
    if len(set(seps)) == 1 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
        return [(0, len(digits), str(int("".join(groups))))]
    if len(groups) == 2 and seps[0] in ".,":
        frac = groups[1].rstrip("0")
        return [(0, len(digits), f"{int(groups[0])}.{frac}" if frac else str(int(groups[0])))]
    out, pos = [], 0
    for i, g in enumerate(groups):
        out.append((pos, pos + len(g), str(int(g))))
        pos += len(g) + (len(seps[i]) if i < len(seps) else 0)
    return out


# ---------------------------------------------------------------- numbers written as words


def cjk_numeral_value(run: str) -> int | None:
    if all(c in _CJK_DIGITS for c in run):  # 二〇二四 -> 2024
        return int("".join(str(_CJK_DIGITS[c]) for c in run)) if len(run) > 1 else _CJK_DIGITS[run]
    total = section = number = 0
    for c in run:
        if c in _CJK_DIGITS:
            number = _CJK_DIGITS[c]
        elif c in _CJK_SMALL_UNITS:
            section += (number or 1) * _CJK_SMALL_UNITS[c]
            number = 0
        else:
            total += (section + number or 1) * _CJK_BIG_UNITS[c]
            section = number = 0
    return total + section + number


def silent_number_keys(text: str) -> set[str]:
    """Numbers written as words (Chinese numerals, small number words): they count as counterparts of digits
    in other languages but are not marked themselves (一 is also part of ordinary words such as 统一)."""
    keys = {str(v) for m in _CJK_NUMERAL_RUN.finditer(text) if (v := cjk_numeral_value(m.group())) is not None}
    keys.update(str(_NUMBER_WORDS[w]) for w in re.findall(r"[a-zäöüéèû]+", text.lower()) if w in _NUMBER_WORDS)
    return keys


# ---------------------------------------------------------------- values, for the fidelity score

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

_NUM_WORDS = {
    "en": "two:2 three:3 four:4 five:5 six:6 seven:7 eight:8 nine:9 ten:10 eleven:11 twelve:12 thirteen:13 "
    "fourteen:14 fifteen:15 sixteen:16 seventeen:17 eighteen:18 nineteen:19 twenty:20 thirty:30 forty:40 "
    "fifty:50 sixty:60 seventy:70 eighty:80 ninety:90 hundred:100 thousand:1000 dozen:12",
    "de": "zwei:2 drei:3 vier:4 fünf:5 sechs:6 sieben:7 acht:8 neun:9 zehn:10 elf:11 zwölf:12 dreizehn:13 "
    "vierzehn:14 fünfzehn:15 sechzehn:16 siebzehn:17 achtzehn:18 neunzehn:19 zwanzig:20 dreißig:30 "
    "vierzig:40 fünfzig:50 sechzig:60 siebzig:70 achtzig:80 neunzig:90 hundert:100 tausend:1000 dutzend:12",
}
_NUM_WORDS = {lang: dict((k, float(v)) for k, v in (p.split(":") for p in s.split())) for lang, s in _NUM_WORDS.items()}
_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
}
_MONTHS = {lang: {m: float(i + 1) for i, m in enumerate(s.split())} for lang, s in _MONTHS.items()}
_SCALES = {
    "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "trillion": 1e12,
    "million.": 1e6, "mio": 1e6, "millionen": 1e6, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9,
    "billionen": 1e12, "万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2,
}
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
# a Chinese numeral counts as a number only before one of these (七年, 三个); bare 一 is an article ("a")
_ZH_COUNTED = "年个种位家次天月日岁多名倍项条部章节小时分钟秒周亿万千百%"
_DIGIT_RE = re.compile(r"(?<![A-Za-z\d.,])(\d{1,3}(?:[.,\u202f ]\d{3})+|\d+(?:[.,]\d+)?)(?![\d])")
_ZH_NUM_RE = re.compile(f"([零〇一二两三四五六七八九十百千]+)(?=[{_ZH_COUNTED}])")


def _digit_value(s: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,\u202f ]\d{3})+", s):
        return float(re.sub(r"\D", "", s))
    return float(s.replace(",", "."))


def _zh_numeral(s: str) -> float | None:
    return None if s == "一" else float(cjk_numeral_value(s))


def number_values(text: str, lang: str) -> list[float]:
    """Numeric values in a text: digits (with separators and scale words: '5 Milliarden' = 5e9), number
    words from two upwards, month names (as their number, so 'October 2024' matches '2024年10月') and
    Chinese numerals before a counter. 'one'/'ein'/'一' are left out: mostly articles."""
    values: list[float] = []
    scale_after = re.compile(r"\s*([A-Za-zÄÖÜäöü]+\.?|[万亿千百])")
    for m in _DIGIT_RE.finditer(text):
        value = _digit_value(m.group(1))
        nxt = scale_after.match(text, m.end())
        if nxt and nxt.group(1).lower() in _SCALES:
            value *= _SCALES[nxt.group(1).lower()]
        values.append(value)
    if lang == "zh":
        for m in _ZH_NUM_RE.finditer(text):
            v = _zh_numeral(m.group(1))
            if v is not None:
                nxt = text[m.end(): m.end() + 1]
                values.append(v * _SCALES[nxt] if nxt in ("万", "亿") else v)
    # Latin text inside Chinese is mostly English ('October 2024' in a Chinese letter)
    words = _NUM_WORDS.get(lang, _NUM_WORDS["en"] if lang == "zh" else {})
    months = _MONTHS.get(lang, _MONTHS["en"] if lang == "zh" else {})
    tokens = [t.lower() for t in _WORD_RE.findall(text)]
    for i, tok in enumerate(tokens):
        if tok in words:
            value = words[tok]
            if i + 1 < len(tokens) and tokens[i + 1] in _SCALES:
                value *= _SCALES[tokens[i + 1]]
            values.append(value)
        elif tok in months and (tok not in ("may", "march") or lang not in ("en", "zh")):
            values.append(months[tok])
    return [round(v, 6) for v in values]
