"""Casualty rules (counts, statuses, sides): short sentences written for each rule."""

from __future__ import annotations

import pytest

from kg.core.model import Document, Report
from tests.extraction import PUBLISHED, casualties, pipeline_fixtures, run

ALIASES = [
    ["قوات سوريا الديمقراطية", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["قسد", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["داعش", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["قوات النظام", "actor:saa", "actor", "StateForce", None, 0.6],
    ["منبج", "place:manbij", "place", "City", None, 0.6],
    ["الرقة", "place:raqqa", "place", "City", None, 0.6],
    ["SDF", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["ISIS", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["Raqqa", "place:raqqa", "place", "City", None, 0.6],
]


nlp_ar, nlp_en = pipeline_fixtures(ALIASES)


def sides(report: Report) -> set[tuple[str, str | None]]:
    """``(status, side label or KB key)``: civilians by their label."""
    return {(c.status, None if c.affiliation is None else
             c.affiliation.entity or c.affiliation.label)
            for e in report.events for c in e.casualties}


# --------------------------------------------------------------------------- counts


def test_a_count_told_with_one_status_is_not_read_again(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Regime shelling on Raqqa killed two civilians and wounded several "
                         "others on Monday.")
    assert ("killed", 2, "civilians") in casualties(report)
    assert ("injured", 2, "civilians") not in casualties(report)
    assert ("injured", None, "civilians") in casualties(report)


@pytest.mark.parametrize("text", [
    "Two SDF fighters were killed on Sunday in an attack on a checkpoint in Raqqa.",
    "Two SDF fighters were killed by a roadside bomb in Raqqa.",
])
def test_an_article_after_the_status_is_no_count(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_en, text)) == {("killed", 2, "actor:sdf")}


def test_an_article_right_after_the_verb_counts_one(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Gunmen killed a shepherd near Raqqa on Monday.")
    assert ("killed", 1, "shepherd") in casualties(report)


def test_describing_words_between_a_count_and_its_people(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Four young Kurdish fighters were killed in a drone strike near Raqqa.")
    assert ("killed", 4) in {(s, n) for s, n, _ in casualties(report)}


def test_a_side_after_the_people_noun_before_the_status(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A commander of the SDF was wounded in a bomb attack in Raqqa.")
    assert ("injured", 1, "actor:sdf") in casualties(report)


def test_more_than_gives_no_count_in_the_gold_format(nlp_en) -> None:  # type: ignore[no-untyped-def]
    from kg.pipeline.evaluation import to_eval_record
    report = run(nlp_en, "Over 40 ISIS militants were killed in air strikes near Raqqa.")
    (event,) = to_eval_record(report, id="r")["events"]
    (casualty,) = event["casualties"]
    assert (casualty["count"], casualty["lower_bound"], casualty["qualifier"]) == (
        None, 40, "more_than")
    # the extracted casualty keeps the number written, for the graph
    assert ("killed", 40, "actor:isis") in casualties(report)


# --------------------------------------------------------------------------- sides


@pytest.mark.parametrize("text", [
    "اعتقلت قوات النظام شاباً في منبج يوم أمس.",
    "اختطف مسلحون مجهولون موظفاً في بلدية منبج.",
])
def test_young_men_and_employees_are_civilians(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert {side for _, side in sides(run(nlp_ar, text))} == {"Civilians"}


@pytest.mark.parametrize("text", [
    "Unknown gunmen shot dead a man in Raqqa on Monday.",
    "Gunmen abducted a vegetable vendor near Raqqa on Monday.",
    "SDF forces detained dozens of young men in Raqqa on Monday.",
    "A roadside bomb killed two workers in Raqqa on Monday.",
])
def test_english_men_and_trades_are_civilians(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert {side for _, side in sides(run(nlp_en, text))} == {"Civilians"}


def test_english_women_and_activists_are_civilians(nlp_en) -> None:  # type: ignore[no-untyped-def]
    assert sides(run(nlp_en, "A woman was injured in shelling on Raqqa on Monday.")) == {
        ("injured", "Civilians")}
    assert sides(run(nlp_en, "Gunmen shot dead an activist in Raqqa on Monday.")) == {
        ("killed", "Civilians")}


def test_the_author_of_the_event_is_no_side_of_the_victims(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Four people were wounded in SDF shelling on Raqqa on Monday.")
    assert casualties(report) == {("injured", 4, None)}


@pytest.mark.parametrize("text, side", [
    ("أطلق مسلحون مجهولون النار على أحد عناصر قسد في منبج، ما أدى لإصابته.", "actor:sdf"),
    ("خطف مسلحون ثلاثة مدنيين في منبج وأطلقوا النار على أحدهم ما أدى لإصابته.", "Civilians"),
])
def test_a_pronoun_on_the_status_noun_tells_the_people_named_before(
        nlp_ar, text: str, side: str) -> None:  # type: ignore[no-untyped-def]
    assert ("injured", side) in sides(run(nlp_ar, text))


def test_relatives_are_of_the_side_of_the_people_just_told(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج ما أدى إلى مقتل طفلة وإصابة والدها.")
    assert sides(report) == {("killed", "Civilians"), ("injured", "Civilians")}


def test_a_bare_count_joined_to_a_casualty_shares_its_side(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتل أربعة من عناصر قسد وأصيب 9 بهجوم لداعش قرب منبج.")
    assert ("killed", 4, "actor:sdf") in casualties(report)
    assert ("injured", 9, "actor:sdf") in casualties(report)


def test_a_qualifier_and_a_group_word_before_the_side(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "نصبت قسد كمينا قرب منبج ما أدى لمقتل 9 عناصر على الأقل من تنظيم «داعش».")
    assert ("killed", 9, "actor:isis") in casualties(report)


def test_the_others_name_the_side_of_the_people_before_them(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتل عنصر وأصيب عنصران آخران من قسد بهجوم لداعش قرب منبج.")
    assert casualties(report) == {("killed", 1, "actor:sdf"), ("injured", 2, "actor:sdf")}


def test_people_joined_by_and_add_to_the_count(nlp_ar, nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتل ضابط في قوات النظام وثلاثة جنود بهجوم لداعش قرب منبج.")
    assert ("killed", 4, "actor:saa") in casualties(report)
    report = run(nlp_en, "Gunmen killed an officer and two soldiers near Raqqa on Monday.")
    assert ("killed", 3) in {(s, n) for s, n, _ in casualties(report)}


def test_people_joined_with_a_side_of_their_own_are_a_casualty_of_it(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام منبج ما أدى إلى مقتل 3 مدنيين وعنصرين من قسد.")
    assert sides(report) == {("killed", "Civilians"), ("killed", "actor:sdf")}
    assert ("killed", 2, "actor:sdf") in casualties(report)


def test_women_and_children_under_one_count(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "خطف مسلحون 12 سيدة وطفل قرب منبج.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("abducted", 12)}


def test_a_negated_status_is_no_casualty(nlp_ar, nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "انفجرت عبوة ناسفة في منبج دون أن يسفر الانفجار عن إصابات.")
    assert casualties(report) == set()
    report = run(nlp_en, "A roadside bomb exploded in Raqqa on Monday; no one was injured.")
    assert casualties(report) == set()


@pytest.mark.parametrize("text", [
    "قالت مصادر إن غارات التحالف قتلت منذ عام 2017، مئات المدنيين في الرقة.",
    "أعلن الحشد الشعبي عملية «ثأر الشهداء» في منطقة تبعد 60 كم عن منبج.",
])
def test_years_and_distances_are_no_counts(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert all(n is None or n < 100 for _, n, _ in casualties(run(nlp_ar, text)))


def test_a_casualty_belongs_to_the_event_word_that_caused_it(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "أصيب مدنيان بانفجار عبوة ناسفة في منبج، فيما قتل عنصر من قسد "
                         "بهجوم لداعش قرب الرقة.")
    by_type = {e.type: {(c.status, c.count) for c in e.casualties} for e in report.events}
    assert by_type.get("Attack") == {("killed", 1)}
    assert by_type.get("Explosion") == {("injured", 2)}


@pytest.mark.parametrize("text, count", [
    ('أسفرت المداهمة في منبج عن اعتقال كل من "أحمد العلي" و"محمد الحسن".', 2),
    ('استهدفت مسيرة سيارة في منبج ما أسفر عن مقتل كل من "علي حسن، وخالد عمر، وسامر أحمد".', 3),
])
def test_a_list_of_names_counts_its_people(nlp_ar, text: str, count: int) -> None:  # type: ignore[no-untyped-def]
    assert count in {n for _, n, _ in casualties(run(nlp_ar, text))}


def test_a_count_after_the_subject_and_a_comma(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتلت قوات سوريا الديمقراطية (قسد)، ثلاثة عناصر من داعش قرب منبج.")
    assert ("killed", 3, "actor:isis") in casualties(report)


def test_a_singular_status_noun_counts_one(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة قرب منبج مما أدى إلى سقوط قتيل.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 1)}
    report = run(nlp_ar, "قصفت قوات النظام منبج وسقط مدنيون بين قتيل وجريح.")
    assert all(n is None for _, n, _ in casualties(report))


def test_digits_with_the_conjunction(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قال الدفاع المدني إن 12 قتيلا و20 جريحا هي حصيلة تفجير منبج.")
    assert ("injured", 20) in {(s, n) for s, n, _ in casualties(report)}


def test_english_iraqi_soldiers_are_of_the_iraqi_forces() -> None:
    from kg.pipeline.ingest import Processor
    report = Processor(None)(Document("Five Iraqi soldiers were wounded in an explosion near "
                                      "Tikrit on Monday.", lang="en", published=PUBLISHED))
    ((casualty,),) = [e.casualties for e in report.events]
    assert (casualty.count, casualty.affiliation.entity) == (5, "actor:iraqi_armed_forces")


def test_a_singular_people_noun_before_the_status_counts_one(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "SDF commander injured in a bomb attack in Raqqa")
    assert ("injured", 1, "actor:sdf") in casualties(report)


def test_a_range_or_an_estimate_is_no_count(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Air strikes killed an estimated 40-50 ISIS militants near Raqqa.")
    assert ("killed", None, "actor:isis") in casualties(report)


def test_one_and_others_are_counted_together(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Police arrested an ISIS official and two others in Raqqa on Monday.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("arrested", 3)}


def test_people_told_by_names_are_of_the_side_attacked(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, 'استهدفت طائرة مسيرة سيارة عسكرية لقوات سوريا الديمقراطية في منبج، '
                         'ما أسفر عن مقتل كل من "علي حسن" و"خالد عمر".')
    assert ("killed", 2, "actor:sdf") in casualties(report)


def test_those_caught_in_an_attack_are_the_attackers(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم عناصر من داعش سجنا لقوات سوريا الديمقراطية في منبج، "
                         "وأسر اثنان من المهاجمين.")
    assert ("arrested", "actor:isis") in sides(report)


def test_a_person_killed_in_a_shelling_has_no_side(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام مواقع لقسد في منبج ما أدى لمقتل شخص.")
    assert casualties(report) == {("killed", 1, None)}


def test_one_of_the_people_counts_one(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "ألقت قوات النظام القبض على أحد الإرهابيين في منبج.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("arrested", 1)}


def test_a_part_named_after_the_count_is_not_the_count(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت مسيرة تركية سيارة في منبج ما أسفر عن سقوط قتلى وجرحى بصفوف قسد "
                         "بينهم قيادي.")
    assert casualties(report) == {("killed", None, "actor:sdf"), ("injured", None, "actor:sdf")}


def test_a_plural_status_noun_without_a_count(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج ما أدى لوقوع قتلى.")
    assert casualties(report) == {("killed", None, None)}
    report = run(nlp_ar, "اندلعت اشتباكات في حي الشهداء بمدينة منبج.")
    assert casualties(report) == set()


def test_the_prisoners_of_an_escape_are_no_arrest(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "فر عشرات المعتقلين من سجن منبج فجر اليوم.")
    assert all(s != "arrested" for s, _, _ in casualties(report))


def test_claimed_the_lives_of_is_a_death(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A drone strike on a car in Raqqa on Friday claimed the lives of "
                         "three SDF fighters.")
    assert ("killed", 3, "actor:sdf") in casualties(report)


def test_other_people_joined_to_fighters_take_no_side(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Police arrested seven ISIS fighters and 19 other criminal offenders "
                         "in Raqqa.")
    assert casualties(report) == {("arrested", 7, "actor:isis"), ("arrested", 19, None)}


def test_a_restated_figure_for_the_same_side_keeps_the_first(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "ISIS militants attacked an SDF checkpoint in Raqqa on Monday, killing "
                         "two SDF fighters. The attack on the SDF checkpoint in Raqqa killed "
                         "three SDF fighters, the group said.")
    killed = [(c.count, c.affiliation.entity if c.affiliation else None)
              for e in report.events for c in e.casualties if c.status == "killed"]
    assert killed == [(2, "actor:sdf")]


def test_missing_others_are_of_the_side_of_the_dead(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم مسلحون نقطة لقوات النظام في منبج، ما أسفر عن مقتل 4 جنود وفقدان "
                         "اثنين آخرين.")
    assert ("missing", 2, "actor:saa") in casualties(report)


@pytest.mark.parametrize("nlp_name, text, side", [
    ("nlp_ar", "أعلنت قسد مقتل وجرح عدد من عناصر قوات النظام بهجوم قرب منبج.", "actor:saa"),
    ("nlp_en", "Gunmen killed and wounded several SDF fighters in Raqqa on Monday.", "actor:sdf"),
])
def test_two_joined_statuses_tell_the_same_people(request, nlp_name: str, text: str,
                                                  side: str) -> None:  # type: ignore[no-untyped-def]
    report = run(request.getfixturevalue(nlp_name), text)
    assert casualties(report) == {("killed", None, side), ("injured", None, side)}


def test_civilians_told_in_other_words_are_one_side(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # the headline and the body name the same young man with two forms of the word
    report = run(nlp_ar, "مجهولون يخطفون شاباً في منبج\n"
                         "أقدم مسلحون مجهولون على خطف شاب في مدينة منبج يوم أمس، وطالبوا "
                         "ذويه بفدية.")
    told = [(c.status, c.count) for e in report.events for c in e.casualties]
    assert told == [("abducted", 1)]


@pytest.mark.parametrize(("nlp_name", "text", "side"), [
    ("nlp_en", "A roadside bomb hit an SDF patrol near Raqqa on Monday. "
               "The blast killed three fighters.", "actor:sdf"),
    ("nlp_ar", "استهدفت عبوة ناسفة دورية لقوات سوريا الديمقراطية في منبج اليوم. "
               "وأسفر الانفجار عن مقتل ثلاثة عناصر.", "actor:sdf"),
])
def test_fighters_take_the_side_the_incident_was_against(request, nlp_name: str, text: str,
                                                         side: str) -> None:  # type: ignore[no-untyped-def]
    # the side attacked is named in one sentence, the fighters killed in the next
    report = run(request.getfixturevalue(nlp_name), text)
    assert ("killed", 3, side) in casualties(report)


def test_soldiers_are_of_no_group_that_is_not_a_state(nlp_en) -> None:  # type: ignore[no-untyped-def]
    # the one side named is a group: the soldiers wounded are not of it
    report = run(nlp_en, "An attack on ISIS positions near Raqqa on Monday wounded three "
                         "soldiers.")
    assert ("injured", 3, None) in casualties(report)


@pytest.mark.parametrize(("nlp_name", "text"), [
    ("nlp_en", "ISIS militants attacked an SDF checkpoint in Raqqa on Monday. "
               "The SDF repelled the attack, killing three militants."),
    ("nlp_ar", "هاجم عناصر من داعش حاجزا لقوات سوريا الديمقراطية في الرقة يوم الاثنين. "
               "وتمكنت قسد من صد الهجوم وقتل ثلاثة مسلحين."),
])
def test_militants_killed_are_not_of_the_force_they_attacked(request, nlp_name: str,
                                                             text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(request.getfixturevalue(nlp_name), text)
    assert ("killed", 3, "actor:sdf") not in casualties(report)
    assert ("killed", 3) in {(s, n) for s, n, _ in casualties(report)}
