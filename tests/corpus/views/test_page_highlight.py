"""Marking numbers/names across the languages of a unit, and differences between two renderings."""

from __future__ import annotations

from hypothesis import given, strategies as st

from corpus.views.highlight import diff_pieces, mark_unit, number_spans, pieces_text, silent_number_keys


def marks(pieces):
    return {p[0]: (p[1], p[2], p[3]) for p in pieces if isinstance(p, list)}


def test_numbers_are_normalised_across_conventions():
    keys = lambda text: [s.key for s in number_spans(text)]  # noqa: E731
    assert keys("2,000 / 2.000 / 2 000 / ２０００") == ["2000"] * 4
    assert keys("3.5 und 3,5 and 3.50") == ["3.5", "3.5", "3.5"]
    assert keys("am 7.3.2024") == ["7", "3", "2024"]  # a date: its parts
    assert keys("in 2023, 45 people") == ["2023", "45"]
    assert silent_number_keys("二十三个，两千，二〇二四年，三") >= {"23", "2000", "2024", "3"}
    # numerals in words are evidence for a digit elsewhere, but never marked themselves (一 is in 统一)
    out = mark_unit({"zh": "我们统一了三个档案。", "en": "We merged 3 archives."})
    assert marks(out["zh"]) == {} and marks(out["en"])["3"][1] >= 0


def test_matching_and_mismatching_numbers_and_names():
    out = mark_unit({
        "en": "In 2023, Valenzuela paid $2,000 to OpenAI for 3 GPT-4 licences; Sora was shown to 7 people.",
        "zh": "2023年，巴伦苏埃拉向OpenAI支付了2000美元，购买了三个GPT-4许可证；Sora向5人展示。",
        "de": "2023 zahlte Valenzuelas Firma 2.000 $ an OpenAI für drei GPT-4-Lizenzen. Sora wurde 7 Personen gezeigt.",
    })
    en, zh, de = marks(out["en"]), marks(out["zh"]), marks(out["de"])
    assert en["2,000"][1] == zh["2000"][1] == de["2.000"][1] >= 0  # one group: one colour
    assert en["OpenAI"][1] == zh["OpenAI"][1] == de["OpenAI"][1] >= 0
    assert en["Valenzuela"][1] == de["Valenzuelas"][1] and en["Valenzuela"][2] == ""  # zh transliterates
    assert en["GPT-4"][1] == de["GPT-4-Lizenzen"][1]
    assert en["Sora"][1] == zh["Sora"][1] == de["Sora"][1]  # sentence-initial in de, still matched
    assert en["3"][:2] == ("n", en["3"][1]) and en["3"][2] == ""  # 三 and drei count as counterparts
    assert zh["5"] == ("n", -1, "en de")  # found nowhere else: stands out
    assert en["7"][2] == "zh" and en["7"][1] == de["7"][1]  # matched, but zh lacks it
    for lang, text in (("en", "In 2023,"), ("de", "2023 zahlte")):
        assert pieces_text(out[lang]).startswith(text)


def test_ordinary_capitalised_words_are_not_flagged():
    out = mark_unit({"en": "The Archive opened on Monday.", "de": "Das Archiv öffnete am Montag."})
    assert marks(out["en"]) == {} and marks(out["de"]) == {}
    # a German noun and its English cognate are not a name
    out = mark_unit({"en": "Our mission is simple: keep the archive open.",
                     "de": "Unsere Mission ist einfach: das Archiv offen halten."})
    assert marks(out["en"]) == {} and marks(out["de"]) == {}


def test_a_single_language_unit_marks_nothing():
    assert mark_unit({"en": "We counted 12 boxes at NASA."}) == {"en": ["We counted 12 boxes at NASA."]}


def test_word_and_character_differences():
    pa, pb = diff_pieces("We had to work backwards from the end.", "We had to do the opposite from the end.")
    assert [p[0] for p in pa if isinstance(p, list)] == ["work backwards"]
    assert [p[0] for p in pb if isinstance(p, list)] == ["do the opposite"]
    za, zb = diff_pieces("我们必须倒推。", "我们必须反过来做。", chars=True)
    assert marks(za) == {"倒推": ("-", -1, "")} and marks(zb) == {"反过来做": ("+", -1, "")}
    same_a, same_b = diff_pieces("Gleich.", "Gleich.")
    assert same_a == same_b == ["Gleich."]


@given(st.dictionaries(st.sampled_from(["en", "zh", "de", "ar"]), st.text(max_size=60), min_size=1, max_size=4))
def test_pieces_always_give_back_the_text(texts):
    for lang, pieces in mark_unit(texts).items():
        assert pieces_text(pieces) == texts[lang]


@given(st.text(max_size=50), st.text(max_size=50), st.booleans())
def test_diff_pieces_give_back_both_texts(a, b, chars):
    pa, pb = diff_pieces(a, b, chars=chars)
    assert pieces_text(pa) == a and pieces_text(pb) == b


def test_an_acronym_spelled_the_other_language_s_way_is_found():
    # the seeds' "era of AI companies": German writes KI, Chinese 人工智能; neither is "found in no other
    # language" (issue 15); an acronym with no counterpart at all still is
    out = mark_unit({
        "en": "And I actually think the era of AI companies is over.",
        "de": "Tatsächlich denke ich, dass die Ära der KI-Unternehmen vorbei ist.",
        "zh": "我其实认为人工智能公司的时代已经结束了。",
    })
    assert all(m[1] >= 0 for m in marks(out["de"]).values())
    assert marks(out["en"])["AI"][1] >= 0 and marks(out["en"])["AI"][2] == ""
    out = mark_unit({"en": "The EU and NASA agreed.", "de": "Die EU und die Behörde einigten sich."})
    assert marks(out["en"])["EU"][1] >= 0 and marks(out["en"])["NASA"][1] == -1
    zh = mark_unit({"en": "The EU agreed.", "zh": "欧盟同意了。"})
    assert marks(zh["en"])["EU"][1] >= 0
