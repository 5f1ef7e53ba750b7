"""Property: segmentation never loses, duplicates or reorders text. For any text and language, the sentence
spans are non-empty, trimmed, strictly increasing and non-overlapping, and together hold every non-space
character of the input in order; the same holds for the sentences of a Document read from a file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.text.segment import segment, segment_spans
from support import SEEDS

REAL = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))

# Pieces that exercise the rules: terminators, closers, abbreviations, ordinals, ellipses, CJK punctuation,
# numbers, initials, other scripts' terminators, odd whitespace.
PIECES = [
    ".", "!", "?", "…", "...", "。", "！", "？", "｡", "।", "؟", "”", "“", "„", "»", "«", "'", '"', ")", "(", "」",
    "『", "）", "】", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u202f", "\u2028", "\u3000", "Dr.", "z. B.", "U.S.",
    "e.g.", "No. 5", "11. Februar", "J. R. R.", "Series D.", "Mme.", "p. ex.", "5.3", "v1.5", "Gen-4.5",
    "The", "we", "Der", "über", "Étude", "新的媒体格局", "我们", "AI", "好!我们", "😀", "\U00020000", "e\u0301",
    "ﬁ", "İ", "ß", "ا", "ह", "ա", "—", "-", ":", ";", ",", "1.", "2024", "Mrd.", "ca.", "Nr.", "S.", "12",
]

_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=8), st.integers(0, len(REAL) - 80).map(lambda i: REAL[i:i + 60])),
    max_size=40,
).map("".join)
_lang = st.sampled_from(["en", "de", "fr", "zh", "ja", "es", "ru", "hi", "ar", "", "xx", "EN-us", "zh_Hant"])


def _non_space(text: str) -> str:
    return "".join(text.split())


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    pos = 0
    for start, end in spans:
        assert pos <= start < end <= len(text), (pos, start, end, len(text))
        piece = text[start:end]
        assert piece == piece.strip() and piece, repr(piece)
        assert not text[pos:start].strip(), f"non-space text skipped between sentences: {text[pos:start]!r}"
        pos = end
    assert not text[pos:].strip(), f"non-space text lost after the last sentence: {text[pos:]!r}"
    assert _non_space("".join(text[a:b] for a, b in spans)) == _non_space(text)


@settings(max_examples=300, deadline=None)
@given(text=_text, lang=_lang)
def test_spans_cover_every_non_space_character_once_in_order(text, lang):
    spans = segment_spans(text, lang)
    check_spans(text, spans)
    assert segment(text, lang) == [text[a:b] for a, b in spans]


@settings(max_examples=200, deadline=None)
@given(text=st.text(), lang=st.sampled_from(["en", "de", "fr", "zh"]))
def test_arbitrary_unicode_is_segmented_without_loss(text, lang):
    check_spans(text, segment_spans(text, lang))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_text)
def test_document_sentences_keep_the_paragraph_text(tmp_path, text):
    """Through the reader: each paragraph's sentences hold its clean text (markup already stripped) without
    loss, and point into the file's text in order."""
    from corpus.errors import CorpusError
    from corpus.reading.reader import read_documents

    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    try:
        docs = read_documents(path)
    except CorpusError:
        return  # empty, binary-looking or markup-only: refused cleanly
    for doc in docs:
        by_paragraph: dict[int, list[str]] = {}
        last = -1
        for s in doc.sentences:
            assert s.start >= last and s.end > s.start, (s.start, s.end, last)
            last = s.end
            by_paragraph.setdefault(s.paragraph, []).append(s.text)
        for p in doc.paragraphs:
            assert _non_space("".join(by_paragraph.get(p.index, []))) == _non_space(p.text)
