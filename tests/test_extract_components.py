"""Extraction components on short sentences, on pipelines with a tiny gazetteer.

The sentences are written for these tests in the style of Syrian and Iraqi conflict
news; the KB is replaced by a small alias list so each test says what it relies on.
"""

from __future__ import annotations

import datetime as dt

import pytest

from extractors import extract, make_nlp
from extractors.annotations import TimeHit
from extractors.temporal import last_weekday, latest_year_with, resolve
from kg.core.model import Document, Report
from tests.extraction import PUBLISHED, pipeline_fixtures, run

ALIASES = [
    ["قوات سوريا الديمقراطية", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["قسد", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["داعش", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["تنظيم الدولة الإسلامية", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["الجيش الوطني", "actor:sna", "actor", "ArmedGroup", None, 0.6],
    ["قوات النظام", "actor:saa", "actor", "StateForce", None, 0.6],
    ["هيئة تحرير الشام", "actor:hts", "actor", "ArmedGroup", None, 0.6],
    ["المرصد السوري لحقوق الإنسان", "actor:sohr", "actor", "MonitoringOrganization", None, 0.6],
    ["المرصد", "actor:sohr", "actor", "MonitoringOrganization", None, 0.6],
    ["منبج", "place:manbij", "place", "City", None, 0.6],
    ["الحسكة", "place:hasakah", "place", "Governorate", None, 0.6],
    ["إدلب", "place:idlib", "place", "Governorate", None, 0.6],
    ["سوريا", "place:sy", "place", "Country", None, 0.9],
    ["SDF", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["ISIS", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["Raqqa", "place:raqqa", "place", "City", None, 0.6],
]


nlp_ar, nlp_en = pipeline_fixtures(ALIASES)


def roles(event) -> set[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    return {(p.mention.entity or p.mention.name, p.role) for p in event.actors}


# --------------------------------------------------------------------------- triggers


@pytest.mark.parametrize("text, expected", [
    ("قصفت طائرات حربية بلدة الشحيل.", "Airstrike"),
    ("استهدفت طائرة مسيرة سيارة في منبج.", "Airstrike"),
    ("سقطت قذائف هاون على حي الميدان.", "Shelling"),
    ("انفجرت عبوة ناسفة بسيارة عسكرية في منبج.", "Explosion"),
    ("فجر انتحاري نفسه بحزام ناسف قرب حاجز في منبج.", "SuicideBombing"),
    ("اغتال مسلحون مجهولون مختارا في قرية الكشكية.", "Assassination"),
    ("اختطف مسلحون طفلا في مدينة منبج.", "Abduction"),
    ("داهمت دورية منزلا في قرية الطيانة.", "Raid"),
    ("فرضت قسد حظر التجوال في مدينة الحسكة.", "Curfew"),
    ("فر عشرات السجناء من سجن غويران في الحسكة.", "PrisonBreak"),
    ("اندلعت اشتباكات عنيفة في قرية الباغوز.", "ArmedClash"),
    ("أطلقت قسد حملة عسكرية في ريف الحسكة.", "MilitaryOperation"),
])
def test_trigger_types(nlp_ar, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert [e.type for e in run(nlp_ar, text).events] == [expected]


@pytest.mark.parametrize("text", [
    "تمكنت الفرق الهندسية من تفكيك عبوة ناسفة في منبج.",
    "افتتحت البلدية حديقة جديدة في منبج.",
    "كان عناصر الخلية يرتدون أحزمة ناسفة.",
    "حاول الشابان الفرار على متن دراجة نارية.",
    "لم تهاجم قسد أي موقع في منبج.",
])
def test_no_event(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(nlp_ar, text).events == []


# --------------------------------------------------------------------------- clitics and roles


def test_clitics_and_roles(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "وهاجمت خلايا لداعش مواقع لقسد في بلدة الشحيل بريف دير الزور.")
    (event,) = report.events
    assert event.type == "Attack"
    assert roles(event) == {("actor:isis", "perpetrator"), ("actor:sdf", "target")}
    assert event.place is not None and event.place.mention.name == "الشحيل"
    names = {m.name for m in report.mentions}
    assert {"داعش", "قسد"} <= names  # clitics stripped from the names


def test_joint_operation_with_support(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("نفذت وحدات خاصة من قسد عملية إنزال في قرية الطيانة بدعم جوي من الجيش الوطني، "
            "واعتقلت ثلاثة عناصر من داعش.")
    (event,) = run(nlp_ar, text).events
    assert event.type == "Raid"
    assert roles(event) == {("actor:sdf", "perpetrator"), ("actor:sna", "supporter"),
                            ("actor:isis", "target")}
    assert [(c.status, c.count, c.affiliation.entity) for c in event.casualties] == [
        ("arrested", 3, "actor:isis")]


def test_clash_participants(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "دارت اشتباكات بين قسد والجيش الوطني قرب منبج.").events
    assert roles(event) == {("actor:sdf", "participant"), ("actor:sna", "participant")}
    assert event.place is not None and event.place.relation == "near"


def test_curfew_imposer_and_evening_date(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "فرضت قسد حظر تجول في مدينة الحسكة مساء الجمعة.").events
    assert roles(event) == {("actor:sdf", "imposer")}
    assert event.date is not None and event.date.value == "2023-03-10"


def test_repeated_mentions_are_one_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("داهمت قسد قرية الطيانة يوم الأحد. وأسفرت المداهمة عن مقتل 4 عناصر من داعش. "
            "وقتلت قسد خلال المداهمة 4 عناصر من داعش.")
    (event,) = run(nlp_ar, text).events
    assert event.type == "Raid"
    assert [(c.status, c.count) for c in event.casualties] == [("killed", 4)]
    assert event.date is not None and event.date.value == "2023-03-12"


def test_another_attack_is_a_new_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "هاجم داعش حاجزا لقسد في منبج يوم الأحد. وهاجم داعش أيضا نقطة أخرى لقسد في منبج."
    assert len(run(nlp_ar, text).events) == 2


# --------------------------------------------------------------------------- casualties


@pytest.mark.parametrize("text, expected", [
    ("قتل خمسة عناصر من قسد بقصف مدفعي على منبج.", ("killed", 5, None)),
    ("أصيب ما لا يقل عن 7 مدنيين بقصف على منبج.", ("injured", 7, "at_least")),
    ("قتل عنصرين من قسد بهجوم في منبج.", ("killed", 2, None)),
    ("أصيب عدة مدنيين بقصف صاروخي على منبج.", ("injured", None, None)),
    ("قتل أكثر من ١٢ مدنيا بغارة على منبج.", ("killed", 12, "more_than")),
])
def test_casualty_counts(nlp_ar, text: str, expected) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, text).events
    (cas,) = event.casualties
    assert (cas.status, cas.count, cas.qualifier) == expected


# --------------------------------------------------------------------------- attribution


def test_attribution_carried_to_next_sentence(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("قال المرصد السوري لحقوق الإنسان إن مسلحين اغتالوا قياديا في هيئة تحرير الشام "
            "بريف إدلب. وأضاف أن طائرات حربية قصفت بلدة كفرنبل.")
    first, second = run(nlp_ar, text).events
    assert first.type == "Assassination" and ("actor:hts", "target") in roles(first)
    assert [m.entity for m in first.according_to] == ["actor:sohr"]
    assert second.type == "Airstrike"
    assert [m.entity for m in second.according_to] == ["actor:sohr"]


def test_according_to_preposition(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "وبحسب شبكة نشطاء الفرات، اعتقلت قوات النظام خمسة شبان في حي الجورة."
    (event,) = run(nlp_ar, text).events
    assert [m.name for m in event.according_to] == ["شبكة نشطاء الفرات"]
    assert roles(event) == {("actor:saa", "perpetrator")}
    assert [(c.status, c.count) for c in event.casualties] == [("arrested", 5)]


def test_unattributed_sentence_has_no_source(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "قصفت قوات النظام بلدة كفرنبل.").events
    assert event.according_to == []


# --------------------------------------------------------------------------- background


@pytest.mark.parametrize("text, background", [
    ("وكانت قسد قد أطلقت حملة عسكرية ضد داعش في ريف الحسكة.", True),
    ("وفي عام 2019، أطلقت قسد حملة عسكرية ضد داعش.", True),
    ("هاجم داعش حاجزا لقسد في منبج في وقت سابق.", True),
    ("هاجم داعش حاجزا لقسد في منبج في وقت سابق اليوم.", False),
    ("هاجم داعش حاجزا لقسد في منبج قبل ثلاثة أشهر.", True),
    ("هاجم داعش حاجزا لقسد في منبج يوم السبت.", False),
])
def test_background(nlp_ar, text: str, background: bool) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, text).events
    assert event.background is background


# --------------------------------------------------------------------------- dates


def test_latest_year_with_weekday() -> None:
    today = dt.date(2026, 11, 25)
    assert latest_year_with(13, 12, weekday=0, today=today) == 2021
    assert latest_year_with(13, 12, weekday=None, today=today) == 2025
    assert last_weekday(dt.date(2021, 12, 13), 6) == dt.date(2021, 12, 12)


@pytest.mark.parametrize("hit, value, precision", [
    (TimeHit(0, 1, days_back=1), "2023-03-12", "day"),
    (TimeHit(0, 1, period="week"), "2023-03-06", "week"),
    (TimeHit(0, 1, period="month"), "2023-02", "month"),
    (TimeHit(0, 1, month=11), "2022-11", "month"),
    (TimeHit(0, 1, day=2, month=4), "2022-04-02", "day"),
    (TimeHit(0, 1, year=2019), "2019", "year"),
])
def test_resolve(hit: TimeHit, value: str, precision: str) -> None:
    resolve(hit, PUBLISHED, dt.date(2026, 11, 25))
    assert (hit.value, hit.precision) == (value, precision)


@pytest.mark.parametrize("text, value", [
    ("قالت قسد يوم الاثنين، 13 كانون الأول/ديسمبر، إنها داهمت قرية الطيانة.", "2021-12-13"),
    ("داهمت قسد قرية الطيانة في 5 آذار/مارس 2019.", "2019-03-05"),
    # a day and month with neither year nor weekday tell no year (guidelines: null)
    ("داهمت قسد قرية الطيانة في ١٣ كانون الأول.", None),
    ("قالت قسد اليوم إنها داهمت قرية الطيانة.", None),
])
def test_dates_without_publication(nlp_ar, text: str, value: str | None) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, text, published=None).events
    assert (event.date.value if event.date else None) == value


def test_a_day_that_dates_only_the_statement_dates_the_event_to_its_month(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "أعلنت قسد، اليوم الاثنين، أن قواتها داهمت قرية الطيانة.").events
    assert event.date is not None and (event.date.value, event.date.precision) == (
        "2023-03", "month")
    (told,) = run(nlp_ar, "داهمت قسد، اليوم الاثنين، قرية الطيانة.").events
    assert told.date is not None and told.date.value == "2023-03-13"


# --------------------------------------------------------------------------- offsets and bad input


def test_spans_point_into_the_original_text(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "وَقُتِلَ ٥ عَنَاصِر مِن «داعش» بِقَصْفٍ على مَنْبِج."
    report = run(nlp_ar, text)
    for mention in report.mentions:
        assert text[mention.span.start:mention.span.end] == mention.span.text
    (event,) = report.events
    assert text[event.trigger.start:event.trigger.end] == event.trigger.text
    assert event.casualties[0].count == 5


@pytest.mark.parametrize("text", [
    "",
    "!!!!!!!! ،،،، ....",
    "<div><p>قصفت طائرات</p><script>var x = 1;</script></div>",
    "这是一个中文句子，没有事件。",
    "قالت قسد إن ISIS attacked a checkpoint in Raqqa و قتل 3 عناصر.",
    "هاجم داعش حاجزا لقسد في منبج. " * 400,
])
def test_bad_input_never_crashes(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, text)
    assert isinstance(report.events, list)


# --------------------------------------------------------------------------- English


def test_english_attack(nlp_en) -> None:  # type: ignore[no-untyped-def]
    text = ("ISIS militants attacked an SDF checkpoint near Raqqa on Sunday, "
            "killing three fighters, the SDF said.")
    (event,) = run(nlp_en, text).events
    assert event.type == "Attack"
    assert roles(event) == {("actor:isis", "perpetrator"), ("actor:sdf", "target")}
    assert event.date is not None and event.date.value == "2023-03-12"
    assert [(c.status, c.count) for c in event.casualties] == [("killed", 3)]
    assert [m.entity for m in event.according_to] == ["actor:sdf"]


def test_language_detection() -> None:
    nlp = make_nlp("en", {"aliases": ALIASES, "ner": False})
    report = extract(Document("Clashes broke out between the SDF and ISIS in Raqqa."), nlp=nlp)
    assert report.lang == "en"
    assert [e.type for e in report.events] == ["ArmedClash"]


# --------------------------------------------------------------------------- genre rules


@pytest.mark.parametrize("text", [
    "نفت وزارة الدفاع استهداف مواقع مدنية في منبج.",
    "دعت الأمم المتحدة إلى وقف إطلاق النار في منبج.",
    "وقال ناشطون إن قوات النظام ستشن حملة عسكرية في ريف إدلب.",
    "وتشهد المنطقة هجمات متكررة تشنها خلايا داعش.",
])
def test_denials_calls_plans_and_habits_are_not_events(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(nlp_ar, text).events == []


def test_dawn_is_not_a_detonation(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "داهمت قسد قرية الطيانة فجر اليوم.").events
    assert event.type == "Raid"
    assert event.date is not None and event.date.value == "2023-03-13"


def test_defending_side_is_the_target(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "أحبطت قسد هجوما لداعش على حاجز في منبج.").events
    assert roles(event) == {("actor:sdf", "target"), ("actor:isis", "perpetrator")}


def test_speakers_own_forces(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "قالت قسد إن قواتها داهمت قرية الطيانة.").events
    assert roles(event) == {("actor:sdf", "perpetrator")}
    assert [m.entity for m in event.according_to] == ["actor:sdf"]


def test_nationality_adjective_names_the_force(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "استهدفت طائرة مسيرة تركية سيارة في منبج.").events
    assert event.type == "Airstrike"
    assert [(p.mention.name, p.role) for p in event.actors] == [("القوات التركية",
                                                                 "perpetrator")]


def test_an_accused_group_is_the_side_of_the_arrested_not_a_perpetrator(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # guidelines: suspects arrested by a state are of the group they are accused of
    text = "اعتقلت قسد 15 شابا في منبج بتهمة التعامل مع خلايا داعش."
    (event,) = run(nlp_ar, text).events
    assert roles(event) == {("actor:sdf", "perpetrator"), ("actor:isis", "target")}
    assert [(c.status, c.count, c.affiliation.entity if c.affiliation else None)
            for c in event.casualties] == [("arrested", 15, "actor:isis")]


@pytest.mark.parametrize("text, expected", [
    ("استشهد مدنيان بقصف صاروخي على منبج.", ("killed", 2)),
    ("وقتل شخص وأصيب آخر برصاص مجهولين في منبج.", ("injured", 1)),
    ("اختطف مسلحون مجهولون ثلاثة أطفال في منبج.", ("abducted", 3)),
])
def test_more_counts(nlp_ar, text: str, expected) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, text).events
    assert expected in [(c.status, c.count) for c in event.casualties]


def test_ordinal_day(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "وفي العاشر من آذار/مارس، انفجر لغم أرضي في منبج.").events
    assert event.date is not None and event.date.value == "2023-03-10"


def test_monitor_counts_are_not_speakers(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "وثق المرصد مقتل 12 عنصرا من قوات النظام في هجوم لداعش على منبج."
    (event,) = run(nlp_ar, text).events
    assert [m.entity for m in event.according_to] == ["actor:sohr"]
    assert roles(event) == {("actor:isis", "perpetrator"), ("actor:saa", "target")}


def test_report_discourse(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    """A lead with a date, a definite reference back, clashes "between the two sides"
    that followed the attack (part of it, as the guidelines say), and a background
    paragraph."""
    text = ("قتل أربعة عناصر من الجيش الوطني وأصيب آخرون، إثر هجوم شنته قسد على مواقعهم "
            "في محيط مدينة منبج، فجر الأربعاء 8 من آذار.\n"
            "وقال مراسل شبكة نشطاء الفرات إن الهجوم استهدف نقاطا عسكرية في قرية الدغلباش، "
            "وتبعته اشتباكات بين الطرفين استمرت لساعات.\n"
            "وكانت المنطقة قد شهدت في تشرين الأول 2022 حملة قصف واسعة.")
    attack, shelling = run(nlp_ar, text, published=None).events
    assert attack.type == "Attack"
    assert roles(attack) == {("actor:sdf", "perpetrator"), ("actor:sna", "target")}
    assert [(c.status, c.count, c.affiliation.entity if c.affiliation else None)
            for c in attack.casualties] == [("killed", 4, "actor:sna"),
                                             ("injured", None, "actor:sna")]
    assert [m.name for m in attack.according_to] == ["شبكة نشطاء الفرات"]  # from "الهجوم"
    assert attack.date is not None and attack.date.value == "2023-03-08"
    assert shelling.background and shelling.date is not None
    assert shelling.date.value == "2022-10"


@pytest.mark.parametrize("text, etype, casualties", [
    ("At least 12 people were killed and 20 wounded when a car bomb exploded in the town "
     "of Azaz on Tuesday.", "Explosion", [("killed", 12, "at_least"), ("injured", 20, None)]),
    ("Gunmen abducted two aid workers in Raqqa on Monday.", "Abduction",
     [("abducted", 2, None)]),
])
def test_english_counts(nlp_en, text: str, etype: str, casualties) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, text).events
    assert event.type == etype
    assert [(c.status, c.count, c.qualifier) for c in event.casualties] == casualties


@pytest.mark.parametrize("text", [
    "The SDF denied that its forces had shelled civilian areas in Raqqa.",
    "The UN called for a ceasefire in Raqqa.",
])
def test_english_non_events(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(nlp_en, text).events == []


@pytest.mark.parametrize("text, perpetrator, side", [
    ("اغتال مسلحون مجهولون شابا في منبج.", "مسلحون مجهولون", "Civilians"),
    ("وقتل شخص برصاص مجهولين في منبج.", "مجهولين", None),
])
def test_unidentified_gunmen(nlp_ar, text: str, perpetrator: str,
                             side: str | None) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, text).events
    assert [(p.mention.name, p.role) for p in event.actors] == [(perpetrator, "perpetrator")]
    # a young man (شاب) is a civilian; a person (شخص) is of no side told
    assert [(c.status, c.count, c.affiliation.label if c.affiliation else None)
            for c in event.casualties] == [("killed", 1, side)]


def test_subunits_are_mentions_and_events_name_the_owner(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "داهمت وحدات مكافحة الإرهاب التابعة لقسد قرية الطيانة، واعتقلت عنصرين من داعش."
    report = run(nlp_ar, text)
    subunits = [m.name for m in report.mentions if m.label == "SubUnit"]
    assert subunits == ["وحدات مكافحة الإرهاب"]
    (event,) = report.events
    assert roles(event) == {("actor:sdf", "perpetrator"), ("actor:isis", "target")}


def test_name_after_lam_lam_keeps_the_article(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "وجه الجيش الوطني ضربة للجيش الوطني.")
    assert [m.name for m in report.mentions] == ["الجيش الوطني", "الجيش الوطني"]


@pytest.mark.parametrize("text", [
    "رفعت السلطات حظر التجوال في مدينة الحسكة.",
    "عاد الهدوء إلى منبج بعد انتهاء العملية الأمنية.",
])
def test_lifted_curfews_and_untold_operations(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(nlp_ar, text).events == []


def test_announced_named_operation(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = 'وأعلنت هيئة تحرير الشام إطلاق معركة "فتح المبين" ضد قوات النظام في ريف إدلب.'
    (event,) = run(nlp_ar, text).events
    assert event.type == "MilitaryOperation"
    assert event.name == "معركة فتح المبين"
    assert roles(event) == {("actor:hts", "perpetrator"), ("actor:saa", "target")}


def test_owner_named_after_a_force_is_no_party(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "واعتقلت قوات النظام في الجيش الوطني 7 أشخاص في منبج."
    (event,) = run(nlp_ar, text).events
    assert roles(event) == {("actor:saa", "perpetrator")}


def test_outlet_names_and_described_casualties(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "أكدت مصادر أمنية لشفق نيوز مقتل قيادي بارز في داعش بغارة جوية على منبج."
    (event,) = run(nlp_ar, text).events
    assert event.type == "Airstrike"
    # guidelines: an anonymous source is listed as written, with the outlet it told
    assert [m.name for m in event.according_to] == ["مصادر أمنية", "شفق نيوز"]
    assert [(c.status, c.count, c.affiliation.entity) for c in event.casualties] == [
        ("killed", 1, "actor:isis")]


def test_definite_reference_to_a_finer_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "شنت طائرات حربية غارات جوية على منبج. وأسفر القصف عن سقوط 3 قتلى."
    (event,) = run(nlp_ar, text).events
    assert event.type == "Airstrike"
    assert [(c.status, c.count) for c in event.casualties] == [("killed", 3)]


def test_count_after_the_noun_and_parenthetical_time(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("شنت طائرات حربية تركية، فجر اليوم، غارات على منبج، ما أدى إلى مقتل مدنيين "
            "اثنين وإصابة 4 آخرين بجروح.")
    (event,) = run(nlp_ar, text).events
    assert [(c.status, c.count) for c in event.casualties] == [("killed", 2), ("injured", 4)]
    assert [(p.mention.name, p.role) for p in event.actors] == [("القوات التركية",
                                                                 "perpetrator")]


def test_headline_is_merged_into_the_body(nlp_en) -> None:  # type: ignore[no-untyped-def]
    text = ("Clashes west of Raqqa\n"
            "Clashes broke out on Sunday between Turkish-backed factions of the SDF and ISIS "
            "near Raqqa, the Security Media Cell said.\n"
            "At least three fighters were killed in the fighting.")
    (event,) = run(nlp_en, text).events
    assert event.type == "ArmedClash"
    assert roles(event) == {("actor:sdf", "participant"), ("actor:isis", "participant")}
    assert [(c.status, c.count, c.qualifier) for c in event.casualties] == [
        ("killed", 3, "at_least")]
    assert [m.name for m in event.according_to] == ["Security Media Cell"]


def test_count_before_the_people_and_the_status(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("قال مصدر أمني إن أربعة من عناصر الجيش الوطني قتلوا وأصيب اثنان آخران في هجوم "
            "شنه مسلحون من تنظيم داعش على نقطة في منبج.")
    (event,) = run(nlp_ar, text).events
    assert roles(event) == {("actor:isis", "perpetrator"), ("actor:sna", "target")}
    assert [(c.status, c.count, c.affiliation.entity if c.affiliation else None)
            for c in event.casualties] == [("killed", 4, "actor:sna"),
                                             ("injured", 2, "actor:sna")]


def test_attribution_mid_sentence_covers_what_follows(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("قتل شاب برصاص مجهولين في منبج، وقال المرصد إن قوات النظام اعتقلت ثلاثة شبان "
            "في حي الجورة.")
    attack, arrest = run(nlp_ar, text).events
    assert attack.according_to == []
    assert [m.entity for m in arrest.according_to] == ["actor:sohr"]


def test_according_to_at_the_end_covers_the_sentence(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "قتل شاب برصاص مجهولين في منبج، بحسب المرصد.").events
    assert [m.entity for m in event.according_to] == ["actor:sohr"]


@pytest.mark.parametrize("text, value, background", [
    ("داهمت قسد قرية الطيانة قبل يومين.", "2023-03-11", False),
    ("داهمت قسد قرية الطيانة بتاريخ 13/12/2021.", "2021-12-13", True),
    ("داهمت قسد قرية الطيانة الشهر الفائت.", "2023-02", True),
])
def test_more_dates(nlp_ar, text: str, value: str, background: bool) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, text).events
    assert event.date is not None and event.date.value == value
    assert event.background is background


def test_events_within_a_named_operation(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ('أطلقت هيئة تحرير الشام معركة "فتح المبين" ضد قوات النظام في ريف إدلب. '
            'وسيطرت الهيئة ضمن معركة "فتح المبين" على بلدة كفرنبل بعد اشتباكات مع قوات '
            'النظام.')
    operation, clash = run(nlp_ar, text).events
    assert (operation.type, operation.name, operation.part_of) == (
        "MilitaryOperation", "معركة فتح المبين", None)
    assert (clash.type, clash.name, clash.part_of) == ("ArmedClash", None, 0)
    assert roles(clash) == {("actor:hts", "participant"), ("actor:saa", "participant")}


@pytest.mark.parametrize("text", [
    "وفى الشوط الثاني فرض الفريق سيطرته وظهرت سرعة أدائه في الهجمات المرتدة.",
    "جاء ذلك قبل بدء حملة انتخاباته المقررة في تشرين الثاني.",
    "قللت المخابرات من قدرة دمشق على شن هجوم ذي شأن.",
])
def test_other_domains_and_abilities(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(nlp_ar, text).events == []


def test_ceasefire_violation_is_an_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "خرقت قوات النظام اتفاق وقف إطلاق النار بقصف مدفعي على منبج."
    (event,) = run(nlp_ar, text).events
    assert event.type == "Shelling"
    assert roles(event) == {("actor:saa", "perpetrator")}


def test_killings_without_an_event_word(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "وأعلنت قسد أنها قتلت سبعة من عناصر داعش في منبج."
    (event,) = run(nlp_ar, text).events
    assert event.type == "Attack" and event.confidence < 0.6
    assert roles(event) == {("actor:sdf", "perpetrator"), ("actor:isis", "target")}
    assert [(c.status, c.count) for c in event.casualties] == [("killed", 7)]


def test_statement_without_a_named_speaker(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "وأكد بيان آخر اعتقال قائد في داعش في منبج.").events
    assert event.according_to == []
    assert [(c.status, c.count, c.affiliation.entity) for c in event.casualties] == [
        ("arrested", 1, "actor:isis")]


def test_count_after_a_place_and_background_in_another_clause(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("وقتل في منبج شمال شرق حلب ثلاثة مدنيين بتفجير انتحاري، فيما ذكرت الشرطة في "
            "وقت سابق أن قذائف سقطت على الحسكة.")
    events = run(nlp_ar, text).events
    bombing = next(e for e in events if e.type == "SuicideBombing")
    assert [(c.status, c.count) for c in bombing.casualties] == [("killed", 3)]
    assert bombing.background is False


def test_separate_killings_stay_separate(nlp_en) -> None:  # type: ignore[no-untyped-def]
    text = ("Five civilians were killed in Raqqa on Monday. "
            "The SDF said its forces killed three ISIS militants near Raqqa.")
    first, second = run(nlp_en, text).events
    assert [(c.status, c.count) for c in first.casualties] == [("killed", 5)]
    assert roles(second) == {("actor:sdf", "perpetrator"), ("actor:isis", "target")}


def test_a_text_that_ends_on_a_place_name_after_an_admin_word(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # a page cut off right after "قرية X" (no punctuation, nothing after the name)
    report = run(nlp_ar, "قصفت قوات النظام قرية كفرنبل")
    assert [(e.type, e.place.mention.name if e.place else None) for e in report.events] == [
        ("Shelling", "كفرنبل")]


def _sources(report: Report) -> list[list[str | None]]:
    return [[m.name for m in e.according_to] for e in report.events]


def test_the_outlet_is_the_source_where_the_text_names_none(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    doc = Document("اغتال مسلحون مجهولون عنصرا في قسد في منبج أمس.", lang="ar",
                   published=PUBLISHED, source="نورث برس")
    assert _sources(extract(doc, nlp=nlp_ar)) == [["نورث برس"]]
    # a named source stands alone; without an outlet nothing is added
    named = run(nlp_ar, "قال المرصد السوري لحقوق الإنسان إن مسلحين اغتالوا عنصرا في قسد بمنبج.")
    assert _sources(named) == [["المرصد السوري لحقوق الإنسان"]]
    assert _sources(run(nlp_ar, "اغتال مسلحون مجهولون عنصرا في قسد في منبج أمس.")) == [[]]


def test_an_anonymous_source_comes_with_the_outlet(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    for text, said in [("قالت مصادر محلية إن مسلحين اغتالوا عنصرا في قسد بمنبج.", "مصادر محلية"),
                       ("اغتال مسلحون عنصرا في قسد بمنبج، بحسب ناشطين.", "ناشطين")]:
        doc = Document(text, lang="ar", published=PUBLISHED, source="عنب بلدي")
        assert _sources(extract(doc, nlp=nlp_ar)) == [[said, "عنب بلدي"]], text


def test_running_tallies_are_not_events(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    tally = ("وأحصى المرصد السوري 170 عملية قامت بها خلايا داعش منذ مطلع العام، "
             "وبلغت حصيلة القتلى جراء العمليات آنفة الذكر 77 قتيلا من قسد.")
    assert run(nlp_ar, tally).events == []
    told = run(nlp_ar, "قتل 3 عناصر من قسد بهجوم لخلايا داعش في منبج، ليرتفع عدد القتلى "
                       "منذ مطلع العام إلى 50.")
    assert [(e.type, [(c.status, c.count) for c in e.casualties]) for e in told.events] == [
        ("Attack", [("killed", 3)])]


def _places(report: Report) -> list[tuple[str, str | None]]:
    return [(e.type, e.place.mention.name if e.place else None) for e in report.events]


def test_place_names_stop_at_directions_and_admin_words(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "اندلعت اشتباكات بين قسد وداعش في بلدة أبو حمام شرقي الحسكة.")
    assert _places(report) == [("ArmedClash", "أبو حمام")]
    report = run(nlp_ar, "قصفت قوات النظام قرى وبلدات ريف إدلب.")
    assert "وبلدات" not in {m.name for m in report.mentions}


def test_the_event_place_is_the_settlement_not_an_origin_or_a_bracket(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    origin = run(nlp_ar, "اغتال مسلحون مجهولون عنصرا في قسد ينحدر من قرية الشعفة، في بلدة "
                         "البصيرة.")
    assert _places(origin) == [("Assassination", "البصيرة")]
    bracket = run(nlp_ar, "قصفت قوات النظام بلدة كفرنبل (ريف إدلب).")
    assert _places(bracket) == [("Shelling", "كفرنبل")]
    settlement = run(nlp_ar, "قصفت طائرات روسية منطقة جبل الأربعين قرب مدينة أريحا.")
    assert _places(settlement) == [("Airstrike", "أريحا")]


def test_a_prison_or_neighbourhood_gives_way_to_the_report_s_settlement(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "فرضت قسد حظر تجول في مدينة منبج. وفجرت خلايا داعش سيارة مفخخة قرب "
                         "سجن غويران. وتستمر الاشتباكات في منبج.")
    assert ("Explosion", "منبج") in _places(report)


def test_lost_their_lives_is_killed_and_a_total_ban_is_a_curfew(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "فقد عنصران من قسد، الجمعة، حياتهما برصاص مسلحين مجهولين في منبج.")
    assert [(c.status, c.count) for e in report.events for c in e.casualties] == [("killed", 2)]
    curfew = run(nlp_ar, "أعلنت قسد فرض حظر كلي على مدينة منبج.")
    assert [e.type for e in curfew.events] == ["Curfew"]


def test_clashes_told_right_after_an_attack_are_part_of_it(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم مسلحون من داعش حاجزا لقسد في منبج. وأعقب الهجوم تبادل كثيف "
                         "لإطلاق النار.")
    assert [e.type for e in report.events] == ["Attack"]


@pytest.mark.parametrize("text", [
    "ولن تتم مداهمة منزل من يسلم سلاحه في منبج.",                     # negated
    "انتشرت دوريات قسد في منبج لاعتقال المطلوبين.",                  # what was meant
    "ويأتي ذلك في ظل تصاعد وتيرة العمليات والهجمات لخلايا داعش في منبج.",  # acts in general
    "يسود الهدوء منبج، ويخرقه أصوات إطلاق نار متقطع.",                 # sounds heard
    "يعمل موظفا في محطة تصفية المياه في منبج.",                        # purification
])
def test_no_event_is_read_from(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(nlp_ar, text).events == []


def test_a_headline_of_two_sentences_is_merged_into_the_body(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("بدعم من التحالف.. قسد تداهم منزلا في منبج\n"
            "داهمت قوات سوريا الديمقراطية بدعم من التحالف منزلا في منبج أمس.")
    assert [e.type for e in run(nlp_ar, text).events] == ["Raid"]


def test_a_text_cut_off_after_a_weekday_cue(nlp_en) -> None:  # type: ignore[no-untyped-def]
    # a page cut off right after "on" (a weekday cue) at the very end
    report = run(nlp_en, "ISIS gunmen attacked an SDF checkpoint in Raqqa on")
    assert [e.type for e in report.events] == ["Attack"]


@pytest.mark.parametrize("text, place", [
    ("ISIS gunmen killed two SDF fighters in the village of Jazrat al-Milaj on Monday.",
     "Jazrat al-Milaj"),
    ("An IED exploded in Sha`fah town, killing a civilian.", "Sha`fah"),
    ("Turkish drones struck Tel al-Laban village near Raqqa.", "Tel al-Laban"),
    ("BAGHDAD, Dec 29 (Reuters) - U.S. air strikes hit militia sites in al-Qaim on Sunday.",
     "al-Qaim"),
])
def test_romanised_place_names_no_list_has(nlp_en, text: str, place: str) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, text).events
    assert event.place is not None and event.place.mention.name == place


@pytest.mark.parametrize("text", [
    "Turkey launched the operation in April to target PKK hideouts in Raqqa.",   # purpose
    "Officials fear a spike in terrorist attacks in Raqqa.",                    # trend
    "ISIS cells have kept up hit-and-run attacks in Raqqa.",                     # habitual
])
def test_no_english_event_is_read_from(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [e.type for e in run(nlp_en, text).events if e.type != "MilitaryOperation"] == []


def test_english_persons_after_a_title(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Minister Tobias Ellwood said on Monday that President Hollande "
                         "would visit Raqqa.")
    assert {m.name for m in report.mentions if m.kind == "person"} == {
        "Tobias Ellwood", "Hollande"}


def test_links_to_other_stories_are_not_this_report_s_events(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("داهمت قسد منزلا في منبج أمس.\n"
            "اقرأ أيضا:\n"
            "اشتباكات عنيفة بين داعش وقوات النظام في الحسكة\n"
            "وقالت قسد إنها اعتقلت مطلوبا.")
    types = [e.type for e in run(nlp_ar, text).events]
    assert "Raid" in types and "ArmedClash" not in types


@pytest.mark.parametrize("text, said", [
    ("A source told Shafaq News Agency that a sticky bomb went off in Baquba.", "A source"),
    ("ISIS gunmen attacked a checkpoint in Raqqa, a security source said.",
     "a security source"),
])
def test_an_english_anonymous_source_comes_with_the_outlet(nlp_en, text: str,
                                                           said: str) -> None:  # type: ignore[no-untyped-def]
    report = extract(Document(text, lang="en", published=PUBLISHED, source="Shafaq News"),
                     nlp=nlp_en)
    assert _sources(report) == [[said, "Shafaq News"]]


def test_context_the_report_recalls_is_background(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتل عنصر من قسد بهجوم لداعش في منبج أمس. يذكر أن قسد داهمت "
                         "منزلا في الحسكة.")
    assert [(e.type, e.background) for e in report.events] == [
        ("Attack", False), ("Raid", True)]


def test_a_dated_url_gives_the_publication_date(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    doc = Document("داهمت قسد منزلا في منبج أمس.", lang="ar",
                   url="https://example.org/news/2021/06/14/raid")
    (event,) = extract(doc, nlp=nlp_ar, today=dt.date(2026, 11, 25)).events
    assert event.date is not None and event.date.value == "2021-06-13"


@pytest.mark.parametrize("text, place", [
    ("Gunmen kidnapped 26 hunters from their camp near the Saudi border in Busaya.", "Busaya"),
    ("Clashes erupted in the Druze city of Sweida on Tuesday.", "Sweida"),
])
def test_adjectives_before_a_place_word_are_no_place(nlp_en, text: str, place: str) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, text).events
    assert event.place is not None and event.place.mention.name == place


def test_a_drone_named_well_before_the_verb_still_makes_it_an_airstrike(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "طائرة مسيرة تابعة للجيش التركي استهدفت مقرا لقسد في منبج.")
    assert [e.type for e in report.events] == ["Airstrike"]


def test_recurring_acts_are_habitual(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    assert run(nlp_ar, "وتكررت عمليات تفجير السيارات المفخخة في منبج خلال الأشهر "
                       "الماضية.").events == []


def test_a_name_is_read_without_its_bracketed_acronym() -> None:
    from kg.pipeline.nlp import build_nlp

    report = run(build_nlp("en", {"ner": False}),
                 "The Syrian Observatory for Human Rights (SOHR) said gunmen raided a house "
                 "in Raqqa.")
    names = {m.name for m in report.mentions if m.entity == "actor:sohr"}
    assert names == {"Syrian Observatory for Human Rights"}


def test_a_hedged_group_is_no_party_and_anti_marks_the_target(nlp_en) -> None:  # type: ignore[no-untyped-def]
    hedged = run(nlp_en, "An SDF fighter was assassinated in Raqqa by unknown gunmen believed "
                         "to be ISIS cells.")
    assert "actor:isis" not in {p.mention.entity for e in hedged.events for p in e.actors}
    raid = run(nlp_en, "On Thursday, the SDF executed an anti-ISIS raid in Raqqa.")
    assert {(p.mention.entity, p.role) for e in raid.events for p in e.actors} == {
        ("actor:sdf", "perpetrator"), ("actor:isis", "target")}
