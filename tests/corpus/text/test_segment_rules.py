"""Hand-written cases for each segmentation rule (corpus.text.segment)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.text.segment import segment, segment_spans, signature

# (lang, text, expected sentences)
CASES = [
    # abbreviations
    ("de", "Das gilt z. B. für Mrd. Euro und Dr. Müller. Dann kam der Rest.",
     ["Das gilt z. B. für Mrd. Euro und Dr. Müller.", "Dann kam der Rest."]),
    ("de", "Es kostet ca. 5 Mio. Euro, vgl. Abb. 3 bzw. Nr. 4 usw. Das ist viel.",
     ["Es kostet ca. 5 Mio. Euro, vgl. Abb. 3 bzw. Nr. 4 usw. Das ist viel."]),
    ("de", "Das ist z.B. ein Test, d.h. eine Probe. Sie gelingt.",
     ["Das ist z.B. ein Test, d.h. eine Probe.", "Sie gelingt."]),
    ("en", "Dr. Smith moved to the U.S. in 1990. He stayed.",
     ["Dr. Smith moved to the U.S. in 1990.", "He stayed."]),
    ("en", "Use a tool, e.g. a hammer, i.e. something heavy. Then strike.",
     ["Use a tool, e.g. a hammer, i.e. something heavy.", "Then strike."]),
    ("en", "Mr. and Mrs. Brown met Prof. Gray. They talked.",
     ["Mr. and Mrs. Brown met Prof. Gray.", "They talked."]),
    ("en", "See No. 5 on p. 12. I said no. Then I left.",
     ["See No. 5 on p. 12.", "I said no.", "Then I left."]),
    ("en", "It was written by J. R. R. Tolkien. It is long.",
     ["It was written by J. R. R. Tolkien.", "It is long."]),
    ("en", "The startup closed its Series B. Investors were pleased.",
     ["The startup closed its Series B.", "Investors were pleased."]),
    ("fr", "M. Dupont et Mme Martin sont là, p. ex. au bureau. Ils travaillent.",
     ["M. Dupont et Mme Martin sont là, p. ex. au bureau.", "Ils travaillent."]),
    ("de", "Der neue Wert ist 8481 m. Am schlimmsten ist es beim Cho Oyu.",
     ["Der neue Wert ist 8481 m.", "Am schlimmsten ist es beim Cho Oyu."]),
    ("en", "1. First step. Then more.\n2. Second step.",
     ["1. First step.", "Then more.", "2. Second step."]),
    # German ordinals
    ("de", "Am 11. Februar und im 20. Jahrhundert geschah es. Danach nicht mehr.",
     ["Am 11. Februar und im 20. Jahrhundert geschah es.", "Danach nicht mehr."]),
    ("de", "Die Firma wurde im Jahr 2018. Gegründet wurde sie in New York.",
     ["Die Firma wurde im Jahr 2018.", "Gegründet wurde sie in New York."]),
    # decimal numbers
    ("de", "Sie sammelte 2,2 Milliarden Yuan. Der Wert stieg auf 5,3 Mrd. Dollar.",
     ["Sie sammelte 2,2 Milliarden Yuan.", "Der Wert stieg auf 5,3 Mrd. Dollar."]),
    ("en", "The price was $5.3 billion, up 2.5%. Version 1.5. Gen-4.5 is out.",
     ["The price was $5.3 billion, up 2.5%.", "Version 1.5.", "Gen-4.5 is out."]),
    ("en", "Stable Diffusion v1.5. It was released in 2022.",
     ["Stable Diffusion v1.5.", "It was released in 2022."]),
    # ellipses
    ("en", "Well... maybe not. Wait… what? He left.",
     ["Well... maybe not.", "Wait… what?", "He left."]),
    ("en", "The list went on... And then it stopped.",
     ["The list went on...", "And then it stopped."]),
    ("de", "Das war … Unsinn, sagte er. Dann ging er.",
     ["Das war … Unsinn, sagte er.", "Dann ging er."]),
    # closing quotes and brackets stay with their sentence
    ("de", "Er sagte: „Ich denke, die Ära ist vorbei.“ Dann schwieg er.",
     ["Er sagte: „Ich denke, die Ära ist vorbei.“", "Dann schwieg er."]),
    ("de", "Sie fragte: „Kommst du?“ und ging. Er blieb.",
     ["Sie fragte: „Kommst du?“ und ging.", "Er blieb."]),
    ("en", "He said, \"It is over.\" Then he left. (It was late.) Nobody noticed.",
     ["He said, \"It is over.\"", "Then he left.", "(It was late.)", "Nobody noticed."]),
    ("en", "She wrote “Done.” Then she slept.", ["She wrote “Done.”", "Then she slept."]),
    ("fr", "Il a dit : « Nos avancées posent les bases. » Puis il est parti.",
     ["Il a dit : « Nos avancées posent les bases. »", "Puis il est parti."]),
    ("fr", "L’objectif ? Accélérer la recherche. Comment faire ? En misant sur la qualité.",
     ["L’objectif ?", "Accélérer la recherche.", "Comment faire ?", "En misant sur la qualité."]),
    ("zh", "他说：“我们走吧。”然后就走了。", ["他说：“我们走吧。”", "然后就走了。"]),
    ("zh", "这是「测试」！」不对。好！」再见。", ["这是「测试」！」", "不对。", "好！」", "再见。"]),
    ("zh", "真的吗？（我不信。）当然。", ["真的吗？", "（我不信。）", "当然。"]),
    ("zh", "他说。“你好”是问候。", ["他说。", "“你好”是问候。"]),
    # colon never ends a sentence
    ("en", "Now comes the exciting part: creating something meaningful. Done.",
     ["Now comes the exciting part: creating something meaningful.", "Done."]),
    ("de", "Nehmen wir zum Beispiel OpenAI: Die Verluste sind hoch.",
     ["Nehmen wir zum Beispiel OpenAI: Die Verluste sind hoch."]),
    ("zh", "愿景：AI 是讲故事的必要工具。", ["愿景：AI 是讲故事的必要工具。"]),
    # Chinese: ；does not end a sentence, 。！？ do
    ("zh", "每家公司都在使用互联网；每家公司也将会使用 AI。角色分明！真的吗？是的。",
     ["每家公司都在使用互联网；每家公司也将会使用 AI。", "角色分明！", "真的吗？", "是的。"]),
    ("zh", "他想了想……然后笑了。", ["他想了想……然后笑了。"]),
    ("zh", "太好了!我们走吧?好的。", ["太好了!", "我们走吧?", "好的。"]),
    ("zh", "这是 Runway 的模型 Gen-4.5。它支持 1.41 亿美金的项目。",
     ["这是 Runway 的模型 Gen-4.5。", "它支持 1.41 亿美金的项目。"]),
    # line breaks: headings, date lines and captions are sentences of their own
    ("en", "A New Media Landscape\nOctober 2024\nRunway is not an AI company. It is a media company.",
     ["A New Media Landscape", "October 2024", "Runway is not an AI company.", "It is a media company."]),
    ("zh", "新的媒体格局\n\nOctober 2024\n\nRunway 不是一家 AI 公司。",
     ["新的媒体格局", "October 2024", "Runway 不是一家 AI 公司。"]),
    # lower case after a period: no sentence start
    ("en", "The file is named report.final. and then deleted.", ["The file is named report.final. and then deleted."]),
    # other scripts via the fallback rules
    ("es", "¿Qué pasa? ¡Nada! El Sr. García llegó. Bien.",
     ["¿Qué pasa?", "¡Nada!", "El Sr. García llegó.", "Bien."]),
    ("ru", "Это тест. Он работает! Правда?", ["Это тест.", "Он работает!", "Правда?"]),
    ("hi", "यह एक परीक्षण है। यह काम करता है।", ["यह एक परीक्षण है।", "यह काम करता है।"]),
    ("ar", "هل أنت هنا؟ نعم أنا هنا.", ["هل أنت هنا؟", "نعم أنا هنا."]),
    ("ja", "これはテストです。うまくいきました！", ["これはテストです。", "うまくいきました！"]),
]


@pytest.mark.parametrize("lang,text,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule(lang, text, expected):
    assert segment(text, lang) == expected


def test_unknown_language_uses_generic_rules():
    assert segment("One sentence. Another one! A third?", "xx") == ["One sentence.", "Another one!", "A third?"]


def test_spans_point_into_the_text_and_skip_whitespace():
    text = "  First one.   Second one!\n\n  Third  "
    spans = segment_spans(text, "en")
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third"]
    assert spans == sorted(spans)


def test_empty_and_blank_text_have_no_sentences():
    assert segment("", "en") == []
    assert segment(" \n\t\n ", "zh") == []


_alphabet = st.sampled_from(list("abc XYZ.!?。！？；:,\n\"“”„«» 12…") + ["z. B.", "Dr.", "U.S.", "2,2", "5.3"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=60).map("".join), st.sampled_from(["en", "de", "fr", "zh", "xx"]))
def test_every_non_space_character_is_kept_once_in_order(text, lang):
    spans = segment_spans(text, lang)
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert b <= c
    for a, b in spans:
        assert a < b and not text[a].isspace() and not text[b - 1].isspace()
    joined = "".join(text[a:b] for a, b in spans)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", text)


def test_book_length_text_is_linear():
    """5,000+ sentences go through in one pass (no quadratic behaviour): checked by size, not by time."""
    paragraph = ("Dr. Smith said it was fine. The price was $5.3 billion, e.g. more than before. "
                 "Was it? Yes! ") * 10
    text = "\n".join([paragraph] * 140)
    sentences = segment(text, "en")
    assert len(sentences) == 140 * 40


def test_signature_says_which_rules_apply():
    assert signature("de").startswith("segment:rules-v1|lang:de|abbrev:own list")
    assert "ordinal-dot" in signature("de") and "capitalised-nouns" in signature("de")
    assert "generic + pysbd" in signature("es") and signature("xx").split("|")[2].startswith("abbrev:generic ")
