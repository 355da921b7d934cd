"""Reading numbers in casualty reports: compound numerals, teens, hundreds, dozens,
qualifiers, and the numbers that count no people (years, ages, measures)."""

from __future__ import annotations

import pytest

from extractors.casualties import read_number
from extractors.lexicon import load_lexicon, token_keys
from kg.core.text import normalize_text
from tests.extraction import casualties, pipeline_fixtures, run

ALIASES = [
    ["قسد", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["داعش", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["منبج", "place:manbij", "place", "City", None, 0.6],
    ["SDF", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["ISIS", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["Raqqa", "place:raqqa", "place", "City", None, 0.6],
]

nlp_ar, nlp_en = pipeline_fixtures(ALIASES)


def read(lang: str, words: list[str]) -> tuple[int, int | None, str | None] | None:
    """:func:`read_number` at the first of ``words`` (already split into tokens)."""
    norms = [normalize_text(w) for w in words]
    return read_number([token_keys(w, lang) for w in norms], norms, 0, load_lexicon(lang))


# --------------------------------------------------------------------------- the reader


@pytest.mark.parametrize(("text", "value"), [
    ("خمسة وعشرون عنصرا", 25),
    ("خمسة وعشرين عنصرا", 25),
    ("واحد وثلاثين مدنيا", 31),
    ("سبع و أربعون سيدة", 47),
    ("أحد عشر مقاتلا", 11),
    ("إحدى عشرة امرأة", 11),
    ("اثنا عشر جنديا", 12),
    ("اثني عشر شخصا", 12),
    ("مئة وخمسون مدنيا", 150),
    ("مائتين وخمسة أشخاص", 205),
    ("مئة وخمسة وعشرون شخصا", 125),
    ("ثلاثمائة عنصر", 300),
    ("ثلاثة آلاف شخص", 3000),
    ("٣٥ عنصرا", 35),
])
def test_arabic_compound_numbers(text: str, value: int) -> None:
    words = text.split()
    found = read("ar", words)
    assert found is not None and found[1] == value
    assert found[0] == len(words) - 1  # the people noun is not part of the number


@pytest.mark.parametrize(("text", "value"), [
    ("twenty - three civilians", 23),
    ("twenty three civilians", 23),
    ("ninety - nine people", 99),
    ("seventeen people", 17),
    ("a dozen people", 12),
    ("two dozen people", 24),
    ("half a dozen people", 6),
    ("one hundred and fifty people", 150),
    ("two hundred people", 200),
    ("1,200 people", 1200),
])
def test_english_compound_numbers(text: str, value: int) -> None:
    words = text.split()
    found = read("en", words)
    assert found is not None and found[1] == value
    assert found[0] == len(words) - 1


@pytest.mark.parametrize(("lang", "text", "end"), [
    # the parts of two counts are not one number
    ("ar", "خمسة وعشرة", 1),      # tens after units only, not ten
    ("ar", "عشرون وثلاثة", 1),    # Arabic writes units before tens
    ("ar", "15 و20", 1),          # digits are not joined
    ("en", "three twenty", 1),    # English writes tens before units
    ("en", "twenty and three", 1),
])
def test_parts_that_are_no_compound(lang: str, text: str, end: int) -> None:
    found = read(lang, text.split())
    assert found is not None and found[0] == end


def test_vague_words_have_no_value() -> None:
    assert read("ar", ["عشرات", "المدنيين"]) == (1, None, None)
    assert read("en", ["dozens", "of"]) == (1, None, None)


def test_one_of_is_no_number_without_ten() -> None:
    assert read("ar", ["أحد", "العناصر"]) is None


# --------------------------------------------------------------------------- in reports


@pytest.mark.parametrize(("text", "count"), [
    ("قتل ثلاثة وعشرون عنصرا من قسد في هجوم لداعش على منبج.", 23),
    ("أسفر هجوم لداعش على منبج عن مقتل مئة وخمسين عنصرا من قسد.", 150),
    ("قتل أحد عشر عنصرا من قسد في هجوم لداعش على منبج.", 11),
    ("أسفر هجوم لداعش على منبج عن سقوط خمسة وعشرين قتيلا من قسد.", 25),
])
def test_arabic_counts_in_words(nlp_ar, text: str, count: int) -> None:  # type: ignore[no-untyped-def]
    assert ("killed", count) in {(s, n) for s, n, _ in casualties(run(nlp_ar, text))}


@pytest.mark.parametrize(("text", "count"), [
    ("Twenty-three SDF fighters were killed in an ISIS attack on Raqqa.", 23),
    ("An ISIS attack on Raqqa killed forty-one SDF fighters.", 41),
    ("An ISIS attack on Raqqa killed a dozen SDF fighters.", 12),
    ("An ISIS attack on Raqqa killed eighteen SDF fighters.", 18),
])
def test_english_counts_in_words(nlp_en, text: str, count: int) -> None:  # type: ignore[no-untyped-def]
    assert ("killed", count, "actor:sdf") in casualties(run(nlp_en, text))


def test_a_qualifier_before_a_count_before_its_status(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # "أكثر من 250 قتيلا": more than 250, which the gold format gives no count
    report = run(nlp_ar, "أسفر هجوم لداعش على منبج عن أكثر من 250 قتيلا.")
    found = [c for e in report.events for c in e.casualties]
    assert [(c.status, c.count, c.qualifier) for c in found] == [("killed", 250, "more_than")]


def test_a_year_before_the_status_is_no_count(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "An ISIS attack on Raqqa in 2017 killed 12 SDF fighters.")
    assert casualties(report) == {("killed", 12, "actor:sdf")}


def test_an_age_is_no_count(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "An ISIS attack on Raqqa killed a 25-year-old man.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 1)}


# ------------------------------------------------------------------------- coordinated tolls


@pytest.mark.parametrize("text", [
    "أسفر هجوم لداعش على منبج عن مقتل 4 وإصابة 9 آخرين.",
    "أسفر هجوم لداعش على منبج عن مقتل أربعة وجرح تسعة آخرين.",
])
def test_the_wounded_after_a_bare_count_of_dead_are_their_own(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    # the people after the second status word are its own, not the dead's
    found = {(s, n) for s, n, _ in casualties(run(nlp_ar, text))}
    assert found == {("killed", 4), ("injured", 9)}


@pytest.mark.parametrize("text", [
    "Four SDF fighters were killed and 9 were wounded in an ISIS attack on Raqqa.",
    "Four SDF fighters were killed and nine others were wounded in an ISIS attack on Raqqa.",
])
def test_a_count_after_killed_and_opens_the_next_status(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_en, text)) == {("killed", 4, "actor:sdf"),
                                             ("injured", 9, "actor:sdf")}


def test_the_count_right_after_a_status_word_stays_its_own(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "An ISIS attack on Raqqa killed at least 15 people and wounded 20.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 15), ("injured", 20)}


# ------------------------------------------------------------------- vague and padded counts


@pytest.mark.parametrize("text", [
    "An ISIS attack on Raqqa killed a number of SDF fighters.",
    "An ISIS attack on Raqqa killed a few SDF fighters.",
    "An ISIS attack on Raqqa killed a handful of SDF fighters.",
])
def test_vague_phrases_with_the_article_have_no_count(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_en, text)) == {("killed", None, "actor:sdf")}


def test_words_before_a_count_are_not_the_count(nlp_ar, nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "An ISIS attack on Raqqa killed a total of 30 SDF fighters.")
    assert casualties(report) == {("killed", 30, "actor:sdf")}
    assert read("ar", ["ما", "مجموعه", "30", "عنصرا"]) == (3, 30, None)


def test_the_arabic_thousands_separator() -> None:
    # the tokenizer splits "١٬٢٠٠" at the separator
    assert read("ar", ["1", ",", "200", "مدني"]) == (3, 1200, None)
    assert read("ar", ["3", ",", "20", "مدني"]) == (1, 3, None)


def test_a_part_told_aside_between_a_count_and_its_status(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Six people, including two children, were killed in an air strike "
                         "on Raqqa.")
    # the count of all of them, not of the part; the part names no side for the rest
    assert casualties(report) == {("killed", 6, None)}


# ------------------------------------------------------------------ people told before the verb


@pytest.mark.parametrize(("text", "count"), [
    ("قالت مصادر محلية إن مدنيا قتل في انفجار عبوة ناسفة في منبج.", 1),
    ("قالت مصادر محلية إن شخصا أصيب في انفجار عبوة ناسفة في منبج.", 1),
    ("قالت مصادر محلية إن عنصرين من قسد قتلا في هجوم لداعش على منبج.", 2),
    ("قالت مصادر محلية إن خمسة وعشرين عنصرا من قسد قتلوا في هجوم لداعش على منبج.", 25),
    ("قالت مصادر محلية إن أربعة من عناصر قسد قتلوا في هجوم لداعش على منبج.", 4),
])
def test_a_noun_opening_its_clause_before_the_verb_counts(nlp_ar, text: str, count: int) -> None:  # type: ignore[no-untyped-def]
    assert count in {n for _s, n, _side in casualties(run(nlp_ar, text))}


def test_a_body_found_is_not_counted_by_this_rule(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # "جثة شاب قضى": the young man does not open the clause; the one killed is the body
    # found (a body counts one), told once
    report = run(nlp_ar, "عثر الأهالي على جثة شاب قضى برصاص مجهولين في منبج.")
    assert casualties(report) == {("killed", 1, "شاب")}


@pytest.mark.parametrize("text", [
    "An ISIS sniper in Raqqa killed him and three others were wounded.",
    "SDF officers said their comrades lost their lives and three others were wounded in "
    "Raqqa.",
])
def test_a_count_told_with_the_next_status_is_not_this_ones(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    found = {(s, n) for s, n, _ in casualties(run(nlp_en, text))}
    assert ("injured", 3) in found and ("killed", 3) not in found


# ------------------------------------------------------------------ numbers that count no people


@pytest.mark.parametrize(("nlp_name", "text", "count"), [
    ("nlp_ar", "قالت مصادر إن 12 عنصرا من قسد قتلوا نتيجة تفجير داعش ثلاث عربات مفخخة في منبج.",
     12),
    ("nlp_ar", "أسفر قصف لداعش على منبج عن مقتل 3 بغارة جوية.", 3),  # a strike, not counted
])
def test_things_counted_are_no_people(request, nlp_name: str, text: str, count: int) -> None:  # type: ignore[no-untyped-def]
    found = {n for _s, n, _side in casualties(run(request.getfixturevalue(nlp_name), text))}
    assert found == {count}


@pytest.mark.parametrize("text", [
    "Twelve SDF fighters were killed or wounded in an ISIS attack on Raqqa.",
    "An ISIS attack on Raqqa left 12 SDF fighters dead or wounded.",
])
def test_a_count_of_the_dead_and_wounded_together_counts_neither(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_en, text)) == {("killed", None, "actor:sdf"),
                                             ("injured", None, "actor:sdf")}


def test_the_second_status_with_a_count_of_its_own_keeps_both(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A car bomb in Raqqa left at least 13 people dead and wounded more "
                         "than 30.")
    assert ("killed", 13) in {(s, n) for s, n, _ in casualties(report)}


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", "some 30 people", (2, 30, "about")),
    ("en", "some people", (1, None, None)),        # alone, a vague word
    ("en", "approximately 30 people", (2, 30, "about")),
    ("en", "as many as 30 people", (4, 30, "up_to")),
    ("en", "upwards of 30 people", (3, 30, "more_than")),
    ("ar", "مايقارب 30 شخصا", (2, 30, "about")),
    ("ar", "ما يربو على ثلاثين شخصا", (4, 30, "more_than")),
])
def test_qualifiers_of_a_count(lang: str, text: str, expected: tuple[int, int | None, str | None],
                               ) -> None:
    assert read(lang, text.split()) == expected


def test_people_joined_before_a_count_before_its_status(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Twenty-five SDF fighters and 3 civilians were killed in an ISIS attack "
                         "on Raqqa.")
    assert casualties(report) == {("killed", 25, "actor:sdf"), ("killed", 3, "civilians")}
    report = run(nlp_en, "Four SDF fighters and a commander were killed in Raqqa.")
    assert casualties(report) == {("killed", 5, "actor:sdf")}


def test_people_joined_after_a_toll_with_a_status_of_their_own(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Three civilians were killed and two SDF fighters and a child were "
                         "wounded in an ISIS attack on Raqqa.")
    assert ("killed", 2, "actor:sdf") not in casualties(report)
    assert ("injured", 2, "actor:sdf") in casualties(report)


def test_a_qualifier_after_the_people_noun(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "أسفر هجوم لداعش على منبج عن مقتل تسعة عناصر على الأقل من قسد.")
    found = [(c.count, c.qualifier) for e in report.events for c in e.casualties]
    assert found == [(9, "at_least")]


@pytest.mark.parametrize("text", [
    "One SDF fighter was killed and another wounded in an ISIS attack on Raqqa.",
    "An ISIS attack on Raqqa killed one SDF fighter, while a second was wounded.",
])
def test_one_more_person_before_a_status_counts_one(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_en, text)) == {("killed", 1, "actor:sdf"),
                                             ("injured", 1, "actor:sdf")}


def test_bare_counts_before_their_status_words(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Twelve were killed in an ISIS attack on Raqqa.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 12)}
    report = run(nlp_en, "At least 12 were killed and 30 were wounded in an ISIS attack on Raqqa.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 12), ("injured", 30)}
