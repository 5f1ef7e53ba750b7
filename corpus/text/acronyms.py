"""Acronyms that translations spell differently: `AI` is `KI` in German, `IA` in French and 人工智能 in
Chinese. A name check that compares spellings alone marks such an acronym as found in no other language;
this table tells it the counterparts. Each row is one concept: its spellings in any language, case-folded
(Latin ones are compared as words, Han ones as substrings). Kept small and literal: only acronyms whose
translation is itself conventional."""

from __future__ import annotations

_ROWS = (
    ("ai", "ki", "ia", "人工智能"),
    ("eu", "ue", "欧盟"),
    ("un", "uno", "onu", "联合国"),
    ("us", "usa", "eua", "美国"),
    ("uk", "gb", "英国"),
    ("nato", "otan", "北约"),
    ("who", "oms", "世卫组织", "世界卫生组织"),
    ("gdp", "bip", "pib", "国内生产总值"),
    ("ceo", "pdg", "首席执行官"),
    ("dna", "dns", "adn", "脱氧核糖核酸"),
    ("aids", "sida", "艾滋病"),
    ("ussr", "udssr", "urss", "苏联"),
    ("imf", "iwf", "fmi", "国际货币基金组织"),
    ("wto", "wto", "omc", "世贸组织", "世界贸易组织"),
    ("agi", "agi", "通用人工智能"),
)

_EQUIVALENTS: dict[str, tuple[str, ...]] = {}
for _row in _ROWS:
    for _key in _row:
        _EQUIVALENTS[_key] = tuple(dict.fromkeys((*_EQUIVALENTS.get(_key, ()), *(k for k in _row if k != _key))))


def acronym_equivalents(key: str) -> tuple[str, ...]:
    """The other spellings of a case-folded acronym (`ki` -> `ai`, `ia`, `人工智能`), () when it has none."""
    return _EQUIVALENTS.get(key.casefold(), ())


def has_han(spelling: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in spelling)
