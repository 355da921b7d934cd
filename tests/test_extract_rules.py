"""Rules added to generalise the extractor: short sentences written for each rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_normaliser_import_does_not_load_spacy() -> None:
    code = ("import sys, kg.core.text, kg.core.iris; "
            "assert 'spacy' not in sys.modules, 'spacy imported'; "
            "import extractors; assert callable(extractors.make_nlp); "
            "assert 'spacy' in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------- pipelines

import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from kg.core.model import Document, Report  # noqa: E402
from tests.extraction import PUBLISHED, casualties, pipeline_fixtures, run  # noqa: E402

ALIASES = [
    ["قوات سوريا الديمقراطية", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["داعش", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["الحشد الشعبي", "actor:pmf", "actor", "ArmedGroup", None, 0.7],
    ["قوات النظام", "actor:saa", "actor", "StateForce", None, 0.6],
    ["منبج", "place:manbij", "place", "City", None, 0.6],
    ["الرقة", "place:raqqa", "place", "City", None, 0.6],
    ["SDF", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["Raqqa", "place:raqqa", "place", "City", None, 0.6],
]


nlp_ar, nlp_en = pipeline_fixtures(ALIASES)


def roles(report: Report) -> set[tuple[str | None, str]]:
    return {(p.mention.entity or p.mention.name, p.role)
            for e in report.events for p in e.actors}


# --------------------------------------------------------------------------- civilians


def test_civilians_are_a_side_named_as_written(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج ما أدى إلى مقتل ثلاثة مدنيين وإصابة آخرين.")
    assert ("killed", 3, "مدنيين") in casualties(report)
    assert ("injured", None, "مدنيين") in casualties(report)
    # civilians are no party of the event
    assert roles(report) == {("actor:saa", "perpetrator")}


def test_children_are_civilians(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # guidelines: the side is "civilians" for people who are no party's fighters
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج ما أدى إلى مقتل طفلين.")
    assert casualties(report) == {("killed", 2, "طفلين")}
    (event,) = report.events
    assert event.casualties[0].affiliation.label == "Civilians"


def test_english_civilians(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Regime shelling on Raqqa wounded four civilians on Monday.")
    assert ("injured", 4, "civilians") in casualties(report)


# --------------------------------------------------------------------------- side of the dead


def test_soldiers_without_a_side_are_of_the_side_attacked(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم مسلحون نقطة لقوات النظام في منبج ما أسفر عن مقتل جنديين "
                         "وإصابة ثالث.")
    assert ("killed", 2, "actor:saa") in casualties(report)
    assert ("injured", 1, "actor:saa") in casualties(report)


@pytest.mark.parametrize("text", [
    "An SDF fighter was shot dead at a checkpoint in Raqqa on Monday.",
    "Gunmen attacked a checkpoint in Raqqa, and one SDF member died in the attack.",
])
def test_an_english_side_named_before_the_people_noun(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert ("killed", 1, "actor:sdf") in casualties(run(nlp_en, text))


@pytest.mark.parametrize(("text", "count"), [
    ("أطلق مسلحون مجهولون النار على شاب في منبج، ما أدى لمقتله على الفور.", 1),
    ("أطلق مسلحون مجهولون النار على شابين في منبج، ما أدى لمقتلهما.", 2),
])
def test_a_status_noun_with_a_pronoun_counts_its_people(nlp_ar, text: str,
                                                        count: int) -> None:  # type: ignore[no-untyped-def]
    assert ("killed", count) in {(status, n) for status, n, _ in casualties(run(nlp_ar, text))}


def test_the_side_of_the_dead_is_no_author(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتل خمسة من عناصر الحشد الشعبي بهجوم انتحاري قرب الرقة.")
    assert ("actor:pmf", "target") in roles(report)
    assert ("actor:pmf", "perpetrator") not in roles(report)


# --------------------------------------------------------------------------- states as parties

STATES = [
    ["تركيا", "place:tr", "place", "Country", None, 0.9],
    ["إيطاليا", "place:it", "place", "Country", None, 0.9],
    ["القوات التركية", "actor:tsk", "actor", "StateForce", "place:tr", 0.65],
    ["الجيش التركي", "actor:tsk", "actor", "StateForce", "place:tr", 0.65],
    ["الدرك التركي", "actor:gendarmerie", "actor", "StateForce", "place:tr", 0.5],
    ["القوات العراقية", "actor:iraqi_army", "actor", "StateForce", "place:iq", 0.65],
    ["عين عيسى", "place:ain_issa", "place", "Town", None, 0.6],
]


@pytest.fixture(scope="module")
def nlp_states():  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    return make_nlp("ar", {"aliases": ALIASES + STATES, "ner": False})


def test_a_state_acts_through_its_armed_forces(nlp_states) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_states, "قصفت تركيا بلدة عين عيسى بالمدفعية الثقيلة.")
    (event,) = report.events
    (actor,) = event.actors
    assert (actor.role, actor.mention.kind, actor.mention.entity) == (
        "perpetrator", "actor", "actor:tsk")  # the more prominent force of the two
    assert actor.mention.name == "تركيا"  # as written


def test_a_state_without_forces_is_an_actor_named_as_written(nlp_states) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_states, "قصفت إيطاليا بلدة عين عيسى.")
    (actor,) = report.events[0].actors
    assert (actor.mention.kind, actor.mention.entity, actor.mention.name) == (
        "actor", None, "إيطاليا")


@pytest.fixture(scope="module")
def nlp_kb():  # type: ignore[no-untyped-def]
    from kg.pipeline.nlp import build_nlp
    return build_nlp("ar", {"ner": False})


@pytest.mark.parametrize(("text", "key"), [
    ("قصفت مدفعية عراقية مواقع لداعش قرب الموصل.", "actor:iraqi_armed_forces"),
    ("استهدفت طائرة مسيرة أميركية سيارة قرب البوكمال.", "actor:united_states_armed_forces"),
    ("قصف الطيران الروسي بلدة كفرنبل.", "actor:russian_armed_forces"),
])
def test_a_nationality_adjective_names_the_forces(nlp_kb, text: str, key: str) -> None:  # type: ignore[no-untyped-def]
    assert (key, "perpetrator") in roles(run(nlp_kb, text))


@pytest.mark.parametrize(("text", "key"), [
    ("قتل جنديان عراقيان بانفجار عبوة ناسفة قرب الموصل.", "actor:iraqi_armed_forces"),
    ("قتل خمسة جنود أتراك بقصف على مواقعهم قرب منبج.", "actor:turkish_armed_forces"),
])
def test_soldiers_with_a_nationality_adjective_are_of_its_forces(nlp_kb, text: str,
                                                                 key: str) -> None:  # type: ignore[no-untyped-def]
    assert {side for _, _, side in casualties(run(nlp_kb, text))} == {key}


@pytest.mark.parametrize(("text", "words"), [
    ("U.S. forces raided a house.", ["U.S.", "forces", "raided", "a", "house", "."]),
    ("the U.S.-led coalition", ["the", "U.S.", "-", "led", "coalition"]),
    ("The S.D.F. said", ["The", "S.D.F.", "said"]),
    ("in the U.N.", ["in", "the", "U.N."]),
    ("John F. Kennedy", ["John", "F", ".", "Kennedy"]),  # one initial is no abbreviation
    ("3.5 km", ["3.5", "km"]),
])
def test_an_abbreviation_with_dots_is_one_token(text: str, words: list[str]) -> None:
    from extractors.tokenizer import RegexTokenizer, split_words
    assert split_words(text) == words
    doc = RegexTokenizer(pytest.importorskip("spacy").blank("en").vocab)(text)
    assert [t.text for t in doc] == words and doc.text == text


@pytest.fixture(scope="module")
def nlp_kb_en():  # type: ignore[no-untyped-def]
    from kg.pipeline.nlp import build_nlp
    return build_nlp("en", {"ner": False})


@pytest.mark.parametrize("text", [
    "U.S. forces carried out an airstrike near the town of Hajin on Monday.",
    "U.S. troops carried out an airstrike near the town of Hajin on Monday.",
    "A U.S. drone struck a car near the town of Hajin on Monday.",
])
def test_the_forces_of_a_state_written_with_dots(nlp_kb_en, text: str) -> None:  # type: ignore[no-untyped-def]
    # "U.S." is one word, so its nationality with a force or aircraft word names the forces
    assert ("actor:united_states_armed_forces", "perpetrator") in roles(run(nlp_kb_en, text))


@pytest.mark.parametrize(("text", "key", "name"), [
    ("Turkish security forces killed three PKK militants near Metina.",
     "actor:turkish_armed_forces", "Turkish security forces"),
    ("U.S. special forces raided a house in the village of Atmeh.",
     "actor:united_states_armed_forces", "U.S. special forces"),
])
def test_a_force_word_after_its_modifier_names_the_forces(nlp_kb_en, text: str, key: str,
                                                           name: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, text)
    assert (key, "perpetrator") in roles(report)
    assert name in {p.mention.name for e in report.events for p in e.actors}


def test_a_modifier_without_a_force_word_names_no_forces(nlp_kb_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, "The Turkish security chief said the border crossing was shelled.")
    assert not any(m.entity == "actor:turkish_armed_forces" for m in report.mentions)


@pytest.mark.parametrize(("text", "key"), [
    ("Kata’ib Hezbollah fighters attacked a convoy near Baghdad.", "actor:kataib_hezbollah"),
    ("Kata'ib Hezbollah fighters attacked a convoy near Baghdad.", "actor:kataib_hezbollah"),
    ("Asa’ib Ahl al-Haq fighters attacked a convoy near Baghdad.", "actor:asaib_ahl_al_haq"),
])
def test_a_name_with_a_typographic_apostrophe(nlp_kb_en, text: str, key: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, text)
    assert (key, "perpetrator") in roles(report)
    assert "actor:hezbollah" not in {m.entity for m in report.mentions}  # not the Lebanese one


def _outlets(report: Report) -> dict[str, str | None]:
    return {m.name or m.span.text: m.entity for m in report.mentions if m.kind == "outlet"}


def _places(report: Report) -> set[str | None]:
    return {m.entity for m in report.mentions if m.kind == "place"}


@pytest.mark.parametrize(("text", "outlet", "place"), [
    # an outlet whose name holds a place is the outlet, not the place
    ("أفاد موقع كوردستان 24 بأن مسيرة قصفت سيارة في قضاء سنجار.", "outlet:kurdistan24",
     "place:kurdistan_region"),
    ("قال تلفزيون سوريا إن قوات النظام قصفت بلدة في ريف إدلب.", "outlet:syria_tv", "place:SY"),
    # "<place> today": the outlet where its name is written as one (quoted, after its
    # reporter or an attribution word, a dateline)
    ('وقال مصدر أمني لـ"بغداد اليوم" إن عبوة ناسفة انفجرت في قضاء الطارمية.',
     "outlet:baghdad_today", "place:gn-98182"),
    ("وذكر مراسل (بغداد اليوم) أن عبوة ناسفة انفجرت في قضاء الطارمية.",
     "outlet:baghdad_today", "place:gn-98182"),
    ("ذكرت بغداد اليوم أن عبوة ناسفة انفجرت في قضاء الطارمية.",
     "outlet:baghdad_today", "place:gn-98182"),
    ("بغداد اليوم - ديالى\nانفجرت عبوة ناسفة على دورية للجيش في قضاء المقدادية.",
     "outlet:baghdad_today", "place:gn-98182"),
])
def test_an_outlet_named_after_a_place_is_no_place(nlp_kb, text: str, outlet: str,
                                                   place: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb, text)
    assert outlet in _outlets(report).values()
    assert place not in _places(report)


@pytest.mark.parametrize("text", [
    "وشهدت بغداد اليوم إصابة خمسة مدنيين بانفجار عبوة ناسفة.",
    "قصفت طائرة مسيرة موقعا في بغداد اليوم الأحد.",
])
def test_a_place_and_the_day_are_no_outlet(nlp_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb, text)
    assert "place:gn-98182" in _places(report)
    assert not _outlets(report)


@pytest.mark.parametrize(("text", "outlet"), [
    ("Two bombs exploded in Tarmiyah, Baghdad Today reported.", "outlet:baghdad_today"),
    ("A Turkish drone struck a car near Sinjar, Kurdistan 24 reported.", "outlet:kurdistan24"),
    ("A Turkish drone struck a car near Sinjar, Rudaw reported.", "outlet:rudaw"),
    ("Gunmen killed a shepherd near Hajin, according to Syria TV.", "outlet:syria_tv"),
    ("Police arrested a suspect in Kirkuk, the Iraqi News Agency said.",
     "outlet:iraqi_news_agency"),
])
def test_english_outlets_named_after_a_place(nlp_kb_en, text: str, outlet: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, text)
    assert outlet in _outlets(report).values()
    assert outlet in {m.entity for e in report.events for m in e.according_to}


def test_a_place_today_in_english_is_the_place(nlp_kb_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, "Two bombs exploded in Baghdad today, police said.")
    assert "place:gn-98182" in _places(report) and not _outlets(report)


@pytest.mark.parametrize("text", [
    "نقل موقع الحسكة نيوز أن مسلحين مجهولين اغتالوا مختار قرية قرب بلدة الشدادي.",
    "وبحسب الحسكة بوست، اغتال مسلحون مجهولون مختار قرية قرب بلدة الشدادي.",
])
def test_a_place_before_an_outlet_suffix_opens_the_outlet_name(nlp_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb, text)
    assert any(name.startswith("الحسكة") for name in _outlets(report))
    assert "place:gn-173811" not in _places(report)  # not the city of al-Hasakah


@pytest.mark.parametrize(("text", "name"), [
    ("قتل ثلاثة أشخاص بانفجار في بلدة السيدة زينب جنوب دمشق.", "السيدة زينب"),
    ("A car bomb exploded in Sayyida Zeinab, south of Damascus.", "Sayyida Zeinab"),
])
def test_sayyida_zaynab_is_read_whole(nlp_kb, nlp_kb_en, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en if name.isascii() else nlp_kb, text)
    assert "place:sayyida_zaynab" in _places(report)
    assert all(e.place is None or e.place.mention.entity == "place:sayyida_zaynab"
               for e in report.events)


@pytest.mark.parametrize("text", [
    "Turkey-backed rebels recaptured Saraqeb on Monday after fierce battles.",
    "Government forces shelled Saraqib on Monday, killing two civilians.",
])
def test_a_capitalised_town_name_mid_sentence_is_a_place(nlp_kb_en, text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, text)
    assert "place:gn-164816" in _places(report)


def test_a_capitalised_word_opening_a_sentence_needs_a_place_word(nlp_kb_en) -> None:  # type: ignore[no-untyped-def]
    # the first word of a sentence is capitalised whatever it is
    report = run(nlp_kb_en, "Saraqeb is the second-largest town of the province.")
    assert "place:gn-164816" not in _places(report)


def test_us_central_command_with_dots_is_centcom(nlp_kb_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, "U.S. Central Command said its forces killed an ISIS leader in Idlib.")
    assert "actor:centcom" in {m.entity for m in report.mentions}
    assert not _outlets(report)


def test_a_common_noun_before_an_outlet_word_is_no_outlet(nlp_kb_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en,
                 "Gunmen attacked an army post near Kirkuk, the Jerusalem Post reported.")
    outlets = {m.name for m in report.mentions if m.kind == "outlet"}
    assert "army post" not in outlets and "Jerusalem Post" in outlets


def test_a_country_after_in_is_a_place(nlp_states) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_states, "قصفت قوات النظام بلدة عين عيسى في تركيا.")
    assert all(p.mention.kind == "actor" for e in report.events for p in e.actors)
    assert ("actor:tsk", "perpetrator") not in roles(report)


# --------------------------------------------------------------------------- sources


def sources(report: Report) -> set[str]:
    return {m.name or m.span.text for e in report.events for m in e.according_to}


@pytest.mark.parametrize(("text", "source"), [
    # a relative clause between the preposition and the speaker
    ("قصفت قوات النظام بلدة منبج، بحسب ما أفاد به مركز توثيق الانتهاكات.",
     "مركز توثيق الانتهاكات"),
    ("قصفت قوات النظام بلدة منبج، وفق ما أعلنته شرطة المدينة.", "شرطة المدينة"),
    # an outlet cue before a name that has no head noun of its own
    ("قصفت قوات النظام بلدة منبج، بحسب ما نقله موقع صوت العاصمة عن مصادر محلية.",
     "صوت العاصمة"),
    # a quoted name after a head word is the outlet's own name (as after موقع)
    ('قصفت قوات النظام بلدة منبج، بحسب شبكة "الخابور 7".', "الخابور 7"),
    # a definite head with a name of its own
    ("قصفت قوات النظام بلدة منبج، بحسب المركز الإعلامي لقوات سوريا الديمقراطية.",
     "المركز الإعلامي لقوات سوريا الديمقراطية"),
])
def test_sources_after_a_preposition(nlp_ar, text: str, source: str) -> None:  # type: ignore[no-untyped-def]
    assert sources(run(nlp_ar, text)) == {source}


def test_a_source_name_stops_at_the_event_word(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "أعلنت مديرية أمن الرقة فرض حظر تجول في مدينة الرقة.")
    assert sources(report) == {"مديرية أمن الرقة"}
    report = run(nlp_ar, "أفادت دائرة صحة الرقة بمقتل مدنيين اثنين بقصف لقوات النظام على الرقة.")
    assert sources(report) == {"دائرة صحة الرقة"}


# --------------------------------------------------------------------------- casualty counts


def test_a_count_after_a_time_phrase_between_commas(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "اختطف مسلحون مجهولون، مساء أمس الأحد، ثلاثة رعاة قرب الرقة.")
    assert ("abducted", 3, "رعاة") in casualties(report)  # shepherds: civilians
    report = run(nlp_ar, "قتل، فجر اليوم، قيادي من داعش بقصف لقوات النظام على منبج.")
    assert ("killed", 1, "actor:isis") in casualties(report)


def test_a_civilian_adjective_is_no_side(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # the activist is the civilian (guidelines: activists are civilians), named by the
    # people noun rather than by the adjective after it
    report = run(nlp_ar, "اغتال مسلحون مجهولون ناشطا مدنيا في منبج.")
    assert casualties(report) == {("killed", 1, "ناشطا")}


def test_members_and_terrorists_are_people(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتل أربعة من منتسبي الحشد الشعبي بهجوم قرب الرقة.")
    assert ("killed", 4, "actor:pmf") in casualties(report)
    report = run(nlp_ar, "اعتقلت قوات سوريا الديمقراطية إرهابيين اثنين من عصابات داعش في الرقة.")
    assert ("arrested", 2, "actor:isis") in casualties(report)


# ------------------------------------------------------------------ quoted groups, soldiers


def test_a_quoted_name_after_a_group_word_is_an_actor(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, 'وردت فصائل غرفة عمليات "نصر الشمال" باستهداف مواقع لقوات النظام '
                         "في منبج.")
    assert ("نصر الشمال", "perpetrator") in roles(report)
    assert ("actor:saa", "target") in roles(report)


def test_a_quoted_name_that_starts_with_a_unit_word(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, 'اغتال مسلحون مجهولون قياديا في "لواء الفاتحين" في منبج.')
    assert ("killed", 1, "لواء الفاتحين") in casualties(report)


def test_a_quoted_place_is_no_group(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, 'قصفت قوات النظام قرية "الكرامة" قرب منبج.')
    assert roles(report) == {("actor:saa", "perpetrator")}


def test_soldiers_are_of_the_state_force_in_a_clash(nlp_en) -> None:  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["Syrian army", "actor:saa", "actor", "StateForce", None, 0.6]]})
    report = run(nlp, "Clashes between the Syrian army and the SDF near Raqqa on Monday "
                      "left three soldiers dead.")
    assert ("killed", 3, "actor:saa") in casualties(report)


# ----------------------------------------------------------- command names, "by"-genitive


def test_an_operations_room_is_no_operation(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, 'اندلعت اشتباكات بين فصائل غرفة عمليات "نصر الشمال" وقوات النظام '
                         "قرب منبج، أسفرت عن مقتل ثلاثة عناصر من قوات النظام.")
    assert [e.type for e in report.events] == ["ArmedClash"]


def test_a_nominal_trigger_with_possessive_l_names_its_author(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "تزامن ذلك مع قصف مدفعي مكثف لقوات النظام على بلدة منبج.")
    assert roles(report) == {("actor:saa", "perpetrator")}
    # a target word before the possessive still makes it the side attacked
    report = run(nlp_ar, "شنت قوات سوريا الديمقراطية هجوما على مواقع لقوات النظام قرب منبج.")
    assert ("actor:saa", "target") in roles(report)


# ------------------------------------------------------------------- authorities, occupiers


def test_an_authority_announcing_a_curfew_imposes_it(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "أعلنت مديرية أمن الرقة فرض حظر تجوال في مدينة الرقة.")
    (event,) = report.events
    assert event.type == "Curfew"
    assert [(p.mention.name, p.mention.kind, p.role) for p in event.actors] == [
        ("مديرية أمن الرقة", "actor", "imposer")]


def test_an_outlet_is_no_party(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج، بحسب شبكة أخبار الخابور.")
    assert roles(report) == {("actor:saa", "perpetrator")}
    assert {m.kind for e in report.events for m in e.according_to} == {"outlet"}


@pytest.mark.parametrize(("text", "key", "name"), [
    ("شن العدو الإسرائيلي عدوانا جويا على مواقع قرب دمشق.", "actor:idf", "العدو الإسرائيلي"),
    ("قصفت قوات الاحتلال التركي قرية قرب تل تمر.", "actor:turkish_armed_forces",
     "قوات الاحتلال التركي"),
    ("قصفت طائرات حربية روسية بلدة كفرنبل.", "actor:russian_armed_forces",
     "طائرات حربية روسية"),
])
def test_occupiers_and_aircraft_by_nationality(nlp_kb, text: str, key: str, name: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb, text)
    (event,) = report.events
    assert [(p.mention.entity, p.mention.name, p.role) for p in event.actors] == [
        (key, name, "perpetrator")]
    assert event.type in ("Airstrike", "Shelling")


@pytest.mark.parametrize(("text", "key", "name"), [
    ("قصفت مقاتلات روسية بلدة كفرنبل.", "actor:russian_armed_forces", "مقاتلات روسية"),
    ("قصفت طائرتان تركيتان موقعا قرب سنجار.", "actor:turkish_armed_forces",
     "طائرتان تركيتان"),
    ("قصفت المقاتلات الإسرائيلية موقعا قرب دمشق.", "actor:idf", "المقاتلات الإسرائيلية"),
])
def test_fighter_jets_and_the_dual_carry_a_nationality(nlp_kb, text: str, key: str,
                                                       name: str) -> None:  # type: ignore[no-untyped-def]
    actors = [(p.mention.entity, p.mention.name, p.role)
              for e in run(nlp_kb, text).events for p in e.actors]
    assert (key, name, "perpetrator") in actors


@pytest.mark.parametrize("text", [
    "واستهدفت الغارات الجوية الروسية بلدة كفرنبل بعد منتصف الليل.",
    "واستهدفت الغارات الروسية بلدة كفرنبل بعد منتصف الليل.",
    "قتل مدني بغارة جوية روسية على بلدة كفرنبل.",
    "قتل مدنيان في العدوان الروسي على بلدة كفرنبل.",
    "قتل مدنيان في الغارة الروسية على بلدة كفرنبل.",
])
def test_the_nationality_of_an_act_is_its_author(nlp_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    assert ("actor:russian_armed_forces", "perpetrator") in roles(run(nlp_kb, text))
    assert ("actor:russian_armed_forces", "target") not in roles(run(nlp_kb, text))


@pytest.mark.parametrize(("text", "key"), [
    ("Russian air strikes killed five people in the town of Kafr Nabl.",
     "actor:russian_armed_forces"),
    ("Russian fighter jets bombed the town of Kafr Nabl on Friday.",
     "actor:russian_armed_forces"),
    ("The Turkish air force bombed a village near Sinjar on Friday.",
     "actor:turkish_armed_forces"),
    ("Turkish security forces raided a village near Derik on Friday.",
     "actor:turkish_armed_forces"),
    ("Iraqi warplanes bombed hideouts near the town of Tuz on Friday.",
     "actor:iraqi_armed_forces"),
    ("A Turkish unmanned aerial vehicle struck a car near Sinjar on Friday.",
     "actor:turkish_armed_forces"),
    ("The Turkish bombing of a village near Derik killed two fighters on Friday.",
     "actor:turkish_armed_forces"),
])
def test_english_nationality_of_forces_and_air_strikes(nlp_kb_en, text: str,
                                                       key: str) -> None:  # type: ignore[no-untyped-def]
    assert (key, "perpetrator") in roles(run(nlp_kb_en, text))


def test_a_day_of_the_month_is_no_count(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "نفذت قوات سوريا الديمقراطية حملة دهم واعتقال في مدينة الرقة يوم "
                         "الخميس 9 آذار/مارس، واعتقلت 12 شخصا.")
    assert casualties(report) == {("arrested", 12, None)}


# --------------------------------------------------------------------------- joint operations


def test_participating_forces_carry_it_out_and_coordination_shares_the_role(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "نفذت قوات النظام حملة عسكرية ضد داعش قرب الرقة بمشاركة قطعات من "
                         "قوات سوريا الديمقراطية والحشد الشعبي وبإسناد من الجيش الوطني.")
    assert roles(report) >= {("actor:saa", "perpetrator"), ("actor:sdf", "perpetrator"),
                             ("actor:pmf", "perpetrator"), ("actor:isis", "target")}
    assert ("actor:pmf", "target") not in roles(report)


def test_coordinated_targets(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام مواقع قوات سوريا الديمقراطية والحشد الشعبي قرب الرقة.")
    assert roles(report) == {("actor:saa", "perpetrator"), ("actor:sdf", "target"),
                             ("actor:pmf", "target")}


# --------------------------------------------------------------------------- dates


def test_today_with_weekday_and_date_is_one_day_without_publication() -> None:
    from extractors import extract, make_nlp
    nlp = make_nlp("ar", {"aliases": ALIASES, "ner": False})
    text = "قصفت قوات النظام، صباح اليوم الأربعاء 27 تشرين الثاني/نوفمبر، بلدة منبج."
    report = extract(Document(text, lang="ar", published=None), nlp=nlp,
                     today=dt.date(2026, 11, 25))
    # 27 November was a Wednesday in 2024 (not in 2025): the weekday picks the year
    assert [e.date.value for e in report.events if e.date] == ["2024-11-27"]


@pytest.mark.parametrize(("text", "published", "date"), [
    # 8 November was a Sunday in 2026, and in 2020 before it: the weekday picks the year
    ("A drone struck a car in Raqqa on Sunday evening (November 8).", None, "2026-11-08"),
    ("Gunmen attacked a checkpoint in Raqqa on June 24, 2018.", None, "2018-06-24"),
    ("On January 15, gunmen attacked a checkpoint in Raqqa.", PUBLISHED, "2023-01-15"),
])
def test_an_english_date_written_month_first(nlp_en, text: str, published: dt.date | None,
                                            date: str) -> None:  # type: ignore[no-untyped-def]
    from extractors import extract
    report = extract(Document(text, lang="en", published=published), nlp=nlp_en,
                     today=dt.date(2026, 11, 25))
    assert [e.date.value for e in report.events if e.date] == [date]


def test_an_abbreviated_month_with_its_full_stop(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A curfew was imposed on Raqqa as of Thursday (Jan. 27, 2022).")
    assert [e.date.value for e in report.events if e.date] == ["2022-01-27"]


def test_a_date_told_deep_in_the_body_is_no_publication_date(nlp_en) -> None:  # type: ignore[no-untyped-def]
    from extractors import extract
    text = ("Car bombs hit Raqqa. On Saturday, a car bomb exploded at a checkpoint in "
            "Raqqa, killing five. The SDF closed the road. Raqqa has seen many attacks. "
            "The last one was a car bomb on Dec. 10, 2015, which killed three.")
    report = extract(Document(text, lang="en", published=None), nlp=nlp_en,
                     today=dt.date(2026, 11, 25))
    # without a page date a weekday alone gives no date (guidelines), and a date of
    # the background is no page date
    dates = sorted((e.date.value if e.date else None) or "" for e in report.events)
    assert dates == ["", "2015-12-10"]


def test_an_undated_page_dates_only_the_events_told_with_a_time(nlp_en) -> None:  # type: ignore[no-untyped-def]
    from extractors import extract
    text = ("A curfew was imposed on Raqqa on Thursday (Jan. 27, 2022). Meanwhile, the SDF "
            "raided the village of Manbij and arrested ten young men.")
    report = extract(Document(text, lang="en", published=None), nlp=nlp_en,
                     today=dt.date(2026, 11, 25))
    # the date read in the text is no publication date: the raid, told with no
    # time of their own, are not dated by it (nor by the day the story was at)
    dates = {e.type: e.date.value if e.date else None for e in report.events}
    assert dates["Curfew"] == "2022-01-27"
    assert dates["Raid"] is None


def test_a_date_said_to_be_today_is_the_page_date(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    from extractors import extract
    text = ("منبج – اليوم الأربعاء 19 أيار/مايو. "
            "وقال مصدر إن قوات سوريا الديمقراطية فرضت حظر التجول في مدينة منبج.")
    report = extract(Document(text, lang="ar", published=None), nlp=nlp_ar,
                     today=dt.date(2026, 11, 25))
    # "today, Wednesday 19 May" is the day the report was written (2021): an event told
    # with no time of its own is of that day
    assert [e.date.value for e in report.events if e.date] == ["2021-05-19"]


@pytest.mark.parametrize("text", [
    "The SDF announced on Saturday that a drone attack on a car in Raqqa on Friday killed "
    "three fighters.",
    "أعلنت قوات سوريا الديمقراطية، اليوم السبت، أن هجوما بطائرة مسيرة على سيارة في الرقة "
    "يوم الجمعة أدى إلى مقتل ثلاثة مقاتلين.",
])
def test_the_day_told_in_a_statement_beats_the_day_of_the_statement(
        nlp_ar, nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en if text.isascii() else nlp_ar, text)
    # published Monday 13 March 2023: the Friday before is 10 March
    assert [e.date.value for e in report.events if e.date] == ["2023-03-10"]


@pytest.mark.parametrize("text", [
    "فرضت قوات سوريا الديمقراطية حظر تجوال في مدينة الرقة ابتداءً من يوم الأحد.",
    "The SDF imposed a two-day curfew in Raqqa, starting Sunday.",
])
def test_a_weekday_after_starting_is_still_to_come(nlp_ar, nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en if text.isascii() else nlp_ar, text)
    # published Monday 13 March 2023: the Sunday to come is 19 March
    assert [e.date.value for e in report.events if e.date] == ["2023-03-19"]


def test_the_day_of_a_claim_is_not_the_day_of_the_act(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Islamic State on Monday claimed an attack on a checkpoint of the "
                         "SDF near Raqqa late on Friday.")
    # published Monday 13 March 2023: the Friday before is 10 March
    assert [e.date.value for e in report.events if e.date] == ["2023-03-10"]


def test_a_weekday_and_its_date_in_brackets_are_one_day(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # published Monday 13 March 2023: the weekday alone would be 8 March
    report = run(nlp_ar, "قصفت قوات النظام، اليوم الأربعاء (1 آذار/مارس)، بلدة منبج.")
    assert [e.date.value for e in report.events if e.date] == ["2023-03-01"]


def test_a_prison_break_with_an_accusative_prisoner_and_a_relative_clause(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "أفاد ناشطون بفرار ما لا يقل عن 15 سجينا من سجن تسيطر عليه قوات النظام "
                         "في مدينة منبج.")
    breaks = [e for e in report.events if e.type == "PrisonBreak"]
    assert len(breaks) == 1
    assert breaks[0].place is not None and breaks[0].place.mention.name == "منبج"


def test_a_quoted_party_announcing_its_own_attack(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, 'أعلنت "المقاومة الشعبية" أنها استهدفت رتلا لقوات سوريا الديمقراطية '
                         "قرب الرقة.")
    assert ("المقاومة الشعبية", "perpetrator") in roles(report)
    assert ("actor:sdf", "target") in roles(report)


# --------------------------------------------------------------------------- place names


@pytest.mark.parametrize(("text", "place"), [
    ("دارت اشتباكات بين قوات النظام وقوات سوريا الديمقراطية قرب قرية خربة الجوز.", "خربة الجوز"),
    ("قصفت قوات النظام قرية سعد الدبس شمال منبج.", "سعد الدبس"),
    # a relation adjective or a direction ends the name
    ("قصفت قوات النظام بلدة الصبخة الشرقية.", "الصبخة"),
    ("قصفت قوات النظام قرية الحويز السورية.", "الحويز"),
])
def test_two_word_village_names_after_an_admin_word(nlp_ar, text: str, place: str) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, text).events
    assert event.place is not None and event.place.mention.name == place


@pytest.mark.parametrize("text", [
    "قصفت قوات النظام قرية #القنطرة بالمدفعية.",  # a hashtag on the name
    "سقطت قذيفة في “القنطرة” مساء.",  # an opening quote after the preposition
])
def test_a_small_place_after_a_hashtag_or_quote_keeps_its_context(nlp_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_kb, text).events
    assert event.place is not None and event.place.mention.entity == "place:C1936"


def test_a_hashtag_on_a_name_after_an_admin_word(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_ar, "قصفت قوات النظام بلدة #الزهيرية بالمدفعية.").events
    assert event.place is not None and event.place.mention.name == "الزهيرية"


def test_a_small_place_after_a_conjunction_on_the_preposition(nlp_kb) -> None:  # type: ignore[no-untyped-def]
    # وفي، ففي: the conjunction leaves the preposition one
    (event,) = run(nlp_kb, "وفي القنطرة قتل مدني برصاص قناص.").events
    assert event.place is not None and event.place.mention.entity == "place:C1936"


def test_a_noun_joined_to_an_admin_word_is_no_name(nlp_kb) -> None:  # type: ignore[no-untyped-def]
    # "قرى وبلدة وموقعاً": a list of nouns after a joined admin word names no place
    report = run(nlp_kb, "سيطرت الفصائل على عشر قرى وبلدة وموقعاً في ريف حلب.")
    assert not [m for m in report.mentions if m.kind == "place" and m.name.startswith("و")]


@pytest.mark.parametrize(("text", "place"), [
    # a bare seat name told again as its countryside: the countryside says where
    ("قتل عنصران من الأمن العام في كمين في اللاذقية. وقع الكمين في ريف اللاذقية الشمالي "
     "مساء أمس.", "ريف اللاذقية الشمالي"),
    # a direction from the seat told again as the countryside named after it
    ("قصفت قوات النظام مناطق شمال حمص بالمدفعية. وطال القصف بلدات ريف حمص الشمالي.",
     "ريف حمص الشمالي"),
    # a town's countryside told again at a village: the village is the finer place
    ("قصفت القوات التركية مواقع بريف منبج. وطال القصف قرية عون الدادات.", "عون الدادات"),
    # the city a countryside is named after, told after it, is a landmark
    ("قصفت قوات النظام قرى ريف حلب الغربي بالمدفعية. ويأتي القصف مع اقتراب الفصائل من "
     "مدينة حلب.", "ريف حلب الغربي"),
])
def test_a_countryside_and_the_seat_it_is_named_after(nlp_kb, text: str, place: str) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_kb, text).events
    assert event.place is not None and event.place.mention.name == place


# --------------------------------------------------------------------------- English, "of them"


def test_romanised_article_with_or_without_hyphen(nlp_en) -> None:  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["Ras al Ain", "place:ras_al_ain", "place", "City", None, 0.6],
        ["Tal al-Abyad", "place:tal_abyad", "place", "City", None, 0.6]]})
    for text, key in (("SDF fighters attacked a post near Ras al-Ain on Monday.",
                       "place:ras_al_ain"),
                      ("SDF fighters attacked a post near Tal al Abyad on Monday.",
                       "place:tal_abyad")):
        (event,) = run(nlp, text).events
        assert event.place is not None and event.place.mention.entity == key


def test_of_them_is_the_side_named_before(nlp_en, nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "The army repelled an attack by SDF fighters near Raqqa, killing four "
                         "of them.")
    assert ("killed", 4, "actor:sdf") in casualties(report)
    report = run(nlp_ar, "صدت قوات النظام هجوما لداعش قرب الرقة وقتلت خمسة منهم.")
    assert ("killed", 5, "actor:isis") in casualties(report)


def test_a_nickname_after_a_full_name_refers_back(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["هيئة الحشد الشعبي", "actor:pmf", "actor", "ArmedGroup", None, 0.7],
        ["الهيئة", "actor:hts", "actor", "ArmedGroup", None, 0.5]]})
    report = run(nlp, "قتل ثلاثة من عناصر الحشد الشعبي بهجوم قرب الرقة، بحسب ما أعلنته "
                      "هيئة الحشد الشعبي. وقالت الهيئة إن المهاجمين فروا.")
    assert [m.entity for m in report.mentions if m.span.text == "الهيئة"] == ["actor:pmf"]


def test_arrests_resulting_from_a_raid_are_its_casualties(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "نفذت قوات سوريا الديمقراطية عملية إنزال في بلدة قرب الرقة، أسفرت عن "
                         "اعتقال ثلاثة عناصر من داعش.")
    assert [e.type for e in report.events] == ["Raid"]
    assert casualties(report) == {("arrested", 3, "actor:isis")}


def test_the_outlet_an_anonymous_source_spoke_to(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج، بحسب ما أفاد به ناشطون لموقع صوت الفرات.")
    assert sources(report) == {"صوت الفرات"}
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج، وفق ما قاله مصدر محلي لصحيفة الرقة اليوم.")
    assert sources(report) == {"الرقة اليوم"}


def test_lower_case_force_names_in_english(nlp_en) -> None:  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["regime forces", "actor:saa", "actor", "StateForce", None, 0.6],
        ["raqqa", "place:raqqa", "place", "City", None, 0.6]]})
    report = run(nlp, "Clashes erupted between SDF fighters and regime forces near Raqqa.")
    assert roles(report) == {("actor:sdf", "participant"), ("actor:saa", "participant")}
    # a lower-case one-word name is still no name ("raqqa" in a URL-like slug)
    assert all(m.entity != "place:raqqa" for m in run(nlp, "the raqqa slug was attacked").mentions)


def test_a_statement_of_the_apparatus_refers_back(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["جهاز مكافحة الإرهاب", "actor:cts", "actor", "StateForce", None, 0.6]]})
    report = run(nlp, "اعتقلت قوة من جهاز مكافحة الإرهاب إرهابيين اثنين من داعش في الرقة، "
                      "وفقا لبيان صادر عن الجهاز.")
    assert {m.entity for e in report.events for m in e.according_to} == {"actor:cts"}


def test_a_bomber_s_group_carried_it_out_and_the_dead_of_an_attack_were_its_target() -> None:
    from kg.pipeline.nlp import build_nlp

    nlp = build_nlp("ar", {"ner": False})
    (bombing,) = run(nlp, "وأضاف المرصد أن سيارة ملغومة يقودها انتحاري من داعش، انفجرت "
                          "شمال مدينة كوباني.").events
    assert {(p.mention.entity, p.role) for p in bombing.actors} == {("actor:isis", "perpetrator")}
    (attack,) = run(nlp, "قتل فردان من القوات العراقية، مساء اليوم، إثر هجوم عناصر من داعش "
                         "على نقطة أمنية جنوبي كركوك.").events
    assert ("target", "killed", 2) in {(p.role, c.status, c.count) for p in attack.actors
                                       for c in attack.casualties
                                       if c.affiliation and p.mention.entity
                                       == c.affiliation.entity}


def test_people_arrested_on_a_charge_are_of_the_group_they_are_accused_of() -> None:
    from kg.pipeline.nlp import build_nlp

    (arrest,) = run(build_nlp("ar", {"ner": False}),
                    "ألقت قسد القبض على شخص بتهمة الانتماء لتنظيم داعش في بلدة الشحيل.").events
    assert [(c.status, c.count, c.affiliation.entity if c.affiliation else None)
            for c in arrest.casualties] == [("arrested", 1, "actor:isis")]


@pytest.mark.parametrize("text, expected", [
    # the object is the pronoun on the verb: the name after it did it
    ("أصيبت سيدة قرب سيارة استهدفتها مسيرة تركية في مدينة عامودا.",
     ("actor:turkish_armed_forces", "perpetrator")),
    # the nominative alone is the acting party
    ("خطف مسلحون ثلاثة مدنيين في ريف السويداء الغربي.", ("مسلحون", "perpetrator")),
    # the سورية spelling of the SDF
    ("شن تنظيم داعش هجوما ضد قوات سورية الديموقراطية في ريف الرقة الشمالي.",
     ("actor:sdf", "target")),
])
def test_roles_on_real_news_forms(text: str, expected: tuple[str, str]) -> None:
    from kg.pipeline.nlp import build_nlp

    nlp = build_nlp("ar", {"ner": False})
    (event,) = run(nlp, text).events
    assert expected in {(p.mention.entity or p.mention.name, p.role) for p in event.actors}


# --------------------------------------------------------------------------- places

SEATS = [
    ["حلب", "place:aleppo_gov", "place", "Governorate", None, 0.9],
    ["حلب", "place:aleppo", "place", "City", "place:aleppo_gov", 0.7],
    ["Aleppo", "place:aleppo_gov", "place", "Governorate", None, 0.9],
    ["Aleppo", "place:aleppo", "place", "City", "place:aleppo_gov", 0.7],
]


def place_keys(report: Report) -> list[str | None]:
    return [m.entity for m in report.mentions if m.kind == "place" and m.entity]


def test_a_name_shared_by_a_governorate_and_its_seat_is_the_seat() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + SEATS})
    report = run(nlp, "استهدفت غارة جوية حي الشعار في حلب.")
    assert place_keys(report) == ["place:aleppo"]
    # the event is in the city, not in the neighbourhood named without it
    assert [e.place.mention.entity for e in report.events if e.place] == ["place:aleppo"]
    # an admin word next to the name makes it the governorate
    assert place_keys(run(nlp, "قصفت قوات النظام قرى في ريف حلب.")) == ["place:aleppo_gov"]
    assert place_keys(run(nlp, "اعتقلت قوات النظام شابين في محافظة حلب.")) == [
        "place:aleppo_gov"]
    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + SEATS})
    assert place_keys(run(nlp, "A drone struck a car in Aleppo.")) == ["place:aleppo"]
    assert place_keys(run(nlp, "A drone struck a car in Aleppo province.")) == [
        "place:aleppo_gov"]
    assert place_keys(run(nlp, "A drone struck a car in the province of Aleppo.")) == [
        "place:aleppo_gov"]


def event_places(report: Report) -> list[str | None]:
    return [e.place.mention.entity or e.place.mention.name if e.place else None
            for e in report.events]


def test_a_quarter_named_with_hay_is_below_the_city_named_with_it() -> None:
    from extractors import make_nlp

    # the KB knows القلعة as a subdistrict somewhere; حي makes it a quarter of the city
    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["القلعة", "place:qalaa", "place", "Subdistrict", None, 0.5]]})
    report = run(nlp, "خطف مسلحون مجهولون موظفا في حي القلعة بمدينة الرقة.")
    assert [m.label for m in report.mentions if m.entity == "place:qalaa"] == ["Neighbourhood"]
    assert event_places(report) == ["place:raqqa"]


def test_a_settlement_in_brackets_is_the_place_just_named(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["العبيدي", "place:ubaidi", "place", "Subdistrict", None, 0.5],
        ["سوريا", "place:sy", "place", "Country", None, 0.9]]})
    # the city in brackets names "the Syrian city"; a country in brackets is an aside
    report = run(nlp, "فجر انتحاري نفسه في حي الأمين شرقي المدينة السورية (الرقة). وتشهد "
                      "منبج توترا منذ أيام. وانتشرت قوات في منبج.")
    assert event_places(report) == ["place:raqqa"]
    report = run(nlp, "فجر انتحاري نفسه في بلدة منبج (سوريا).")
    assert event_places(report) == ["place:manbij"]


def test_a_direction_from_a_settlement_is_that_settlement(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # "east of Raqqa": Raqqa, east of it — not a vague region
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة شرقي الرقة.")
    assert event_places(report) == ["place:raqqa"]
    assert [e.place.relation for e in report.events if e.place] == ["east of"]
    # a named area east of a city lies outside it: the area is the place, the city a
    # landmark
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة في منطقة المشتل شرقي الرقة.")
    assert event_places(report) == ["المشتل"]
    # a settlement named with the direction is the place; the other one a landmark
    report = run(nlp_ar, "قتل شاب برصاص مسلحين مجهولين في بلدة الكرامة شرقي الرقة.")
    assert event_places(report) == ["الكرامة"]
    # an unnamed town east of a city is not the city
    report = run(nlp_ar, "قتل شاب برصاص مسلحين مجهولين ببلدة شرقي الرقة.")
    assert event_places(report) != ["place:raqqa"]


def test_a_direction_from_a_place_word_locates_from_the_place_it_stands_for(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # "south-west of the city": the city told before is a landmark for the area
    report = run(nlp_ar, "وصلت تعزيزات إلى مدينة منبج. ودارت اشتباكات بين قسد وداعش في "
                         "منطقة الغابة بجنوب غربي المدينة.")
    assert event_places(report) == ["الغابة"]
    # with no place named with it, the direction gives the city, south-west of it
    report = run(nlp_ar, "وصلت تعزيزات إلى مدينة منبج. ودارت اشتباكات بين قسد وداعش "
                         "بجنوب غربي المدينة.")
    assert event_places(report) == ["place:manbij"]
    assert [e.place.relation for e in report.events if e.place] == ["southwest of"]


def test_a_place_word_refers_back_to_a_place_of_its_kind() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"aliases": [*ALIASES, ["سوريا", "place:sy", "place", "Country",
                                                 None, 0.9]], "ner": False})
    # "the village" is the village just named, not the city named after it
    report = run(nlp, "سقطت قذيفة على قرية الخضراء قرب منبج، وأصيب طفل بجروح في القرية.")
    assert [m.name for m in report.mentions if m.span.text == "القرية"] == ["الخضراء"]
    # "the area" is no country, nor the town told before: the region around
    report = run(nlp, "انسحبت القوات الأمريكية من سوريا. وقصفت طائرات مجهولة مواقع في "
                      "المنطقة.")
    assert all(m.span.text != "المنطقة" for m in report.mentions)
    assert event_places(report) == [None]
    report = run(nlp, "اشتبكت قسد مع داعش في مدينة منبج. وقصفت طائرات مجهولة مواقع في "
                      "المنطقة.")
    assert all(m.span.text != "المنطقة" for m in report.mentions)
    # … but an area named as one
    report = run(nlp, "هاجم داعش نقطة لقسد في منطقة الغابة. وقصفت طائرات مجهولة مواقع في "
                      "المنطقة.")
    assert [m.name for m in report.mentions if m.span.text == "المنطقة"] == ["الغابة"]


def test_a_place_below_a_settlement_in_the_countryside_stays(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # the report is mostly about Manbij, but the area is in the countryside of Raqqa
    report = run(nlp_ar, "هاجم مسلحون سيارة لقسد في منطقة الغابة بريف الرقة الشمالي. "
                         "وشهدت منبج توترا. وانتشرت قوات في منبج.")
    assert event_places(report)[0] == "الغابة"
    assert [m.label for m in report.mentions if m.entity == "place:raqqa"] == ["Countryside"]
    # the countryside alone is the place, around the city
    (event,) = run(nlp_ar, "هاجم مسلحون سيارة لقسد بريف الرقة.").events
    assert event.place is not None and event.place.precision == "area"


def test_words_of_a_relative_clause_are_no_prison_name(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هرب عشرة سجناء من سجن تابع لداعش في مدينة الرقة.")
    assert all(m.name != "تابع" for m in report.mentions)
    assert event_places(report) == ["place:raqqa"]


# --------------------------------------------------------------------------- incidents


def test_a_bomber_killed_or_wearing_a_belt_is_no_bombing(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتلت قوات النظام انتحاريين اثنين من داعش قرب الرقة.")
    assert "SuicideBombing" not in [e.type for e in report.events]
    # the act is told: a bombing; a phrase says enough
    report = run(nlp_ar, "فجر انتحاري من داعش نفسه قرب حاجز لقوات النظام في الرقة.")
    assert [e.type for e in report.events] == ["SuicideBombing"]
    report = run(nlp_ar, "قتل خمسة عناصر من قوات النظام في عملية انتحارية في الرقة.")
    assert [e.type for e in report.events] == ["SuicideBombing"]


def test_shots_fired_by_abductors_are_part_of_the_abduction(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "خطف مسلحون ثلاثة مدنيين في منبج، وأطلقوا النار على أحدهم مما أدى "
                         "لإصابته.")
    assert [e.type for e in report.events] == ["Abduction"]


def test_the_explosion_of_a_drone_is_its_strike(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "استهدفت طائرة مسيرة مقرا لقوات سوريا الديمقراطية في الرقة. ولم ترد "
                         "معلومات عن ضحايا جراء الانفجار في الرقة.")
    assert [e.type for e in report.events] == ["Airstrike"]


# --------------------------------------------------------------------------- sources


def source_names(report: Report) -> set[str]:
    return {m.name or m.span.text for e in report.events for m in e.according_to}


def test_a_source_name_ends_before_the_time_of_the_statement(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "اعتقلت قوات النظام شابين في الرقة، وفقا لما أعلنته مديرية الأمن "
                         "العسكري اليوم الثلاثاء.")
    assert source_names(report) == {"مديرية الأمن العسكري"}


def test_quotes_are_no_part_of_a_source_s_name(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # an outlet's own name is the quoted one after its head word
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة في الرقة، بحسب ما ذكرته وكالة “الفرات” "
                         "المقربة من قسد.")
    assert source_names(report) == {"الفرات"}
    # a reporter of a quoted outlet: the whole name, without the quotes
    report = run(nlp_ar, "وقال مراسل “صوت الرقة” إن طائرة مسيرة استهدفت سيارة في الرقة.")
    assert "مراسل صوت الرقة" in source_names(report)


def test_a_bomb_is_an_explosion_unless_aircraft_drop_it(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A bomb attack targeted an SDF vehicle in Raqqa on Sunday.")
    assert [e.type for e in report.events] == ["Explosion"]
    report = run(nlp_en, "Turkish warplanes bombed SDF positions near Raqqa on Sunday.")
    assert [e.type for e in report.events] == ["Airstrike"]


def test_dead_told_after_an_event_without_an_event_word_are_no_new_event(nlp_en, nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A drone strike hit a car in Raqqa on Sunday. Three civilians were "
                         "killed in Manbij, a source said.")
    assert [e.type for e in report.events] == ["Airstrike"]
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة في الرقة. وقتل ثلاثة عناصر من قسد كانوا "
                         "في السيارة.")
    assert [e.type for e in report.events] == ["Airstrike"]
    # alone, people killed by someone tell of an attack
    report = run(nlp_ar, "قتل مسلحون مجهولون ثلاثة مدنيين في الرقة.")
    assert [e.type for e in report.events] == ["Attack"]


def test_weapons_named_with_no_firing_are_no_shelling(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "The SDF seized vehicles and weapons in Raqqa, including mortars and "
                         "rockets.")
    assert "Shelling" not in [e.type for e in report.events]
    report = run(nlp_en, "Mortars fired by ISIS landed in Raqqa on Sunday.")
    assert [e.type for e in report.events] == ["Shelling"]


def test_english_places_short_names_possessives_and_place_words() -> None:
    from extractors import make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["Iraq", "place:iq", "place", "Country", None, 0.9],
        ["Sinjar", "place:sinjar", "place", "Town", None, 0.6]]})
    # a short place name is capitalised, not in capitals (Iraq, Homs)
    report = run(nlp, "Clashes erupted between the SDF and ISIS in Iraq.")
    assert "place:iq" in place_keys(report)
    # the place after a possessive is in the one before it; a place word names it
    report = run(nlp, "Turkish warplanes bombed a base of the YBS in Sinjar's Dguri village.")
    assert event_places(report) == ["Dguri"]
    report = run(nlp, "F-16s carried out airstrikes against ISIS fighters in Iraq's Hamrin "
                      "Mountains.")
    assert event_places(report) == ["Hamrin Mountains"]
    report = run(nlp, "Two fighters were killed in a drone strike in the Qandil area.")
    assert event_places(report) == ["Qandil"]


def test_english_rockets_are_shelling_and_an_airdrop_is_a_raid(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A rocket attack targeted an SDF base in Raqqa on Sunday.")
    assert [e.type for e in report.events] == ["Shelling"]
    report = run(nlp_en, "The SDF arrested an ISIS commander during an airdrop in Raqqa.")
    assert [e.type for e in report.events] == ["Raid"]


def test_a_shooting_that_kills_one_person_is_an_assassination(nlp_ar, nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قتل عنصر من قوات سوريا الديمقراطية برصاص مسلحين مجهولين في الرقة.")
    assert [e.type for e in report.events] == ["Assassination"]
    report = run(nlp_en, "Unknown gunmen shot dead an SDF fighter in Raqqa.")
    assert [e.type for e in report.events] == ["Assassination"]
    # killed and wounded in one shooting, many killed, or an ambush: an attack
    report = run(nlp_ar, "قتل عنصر من قوات النظام وأصيب اثنان برصاص مسلحين مجهولين في الرقة.")
    assert [e.type for e in report.events] == ["Attack"]
    report = run(nlp_en, "Gunmen shot dead six SDF fighters in Raqqa.")
    assert [e.type for e in report.events] == ["Attack"]
    report = run(nlp_en, "An SDF fighter was shot dead in an ambush by ISIS in Raqqa.")
    assert [e.type for e in report.events] == ["Attack"]


def test_a_countryside_is_named_as_written_and_stays_in_its_governorate() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["ريف حلب", "place:aleppo_gov", "place", "Governorate", None, 0.9],
        ["دمشق", "place:damascus", "place", "City", "place:damascus_gov", 0.8]]})
    # the report is mostly about Damascus, which is not in Aleppo's countryside
    report = run(nlp, "قصفت قوات النظام قرى بريف حلب الغربي. وشهدت دمشق توترا. وانتشرت "
                      "قوات في دمشق.")
    (shelling,) = [e for e in report.events if e.type == "Shelling"]
    assert shelling.place is not None
    assert shelling.place.mention.name == "ريف حلب الغربي"
    assert shelling.place.mention.entity == "place:aleppo_gov"


def test_the_side_whose_prison_it_was_is_the_target_of_an_escape(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هرب عشرون سجينا من سجن تابع لداعش في مدينة الرقة.")
    assert [e.type for e in report.events] == ["PrisonBreak"]
    assert roles(report) == {("actor:isis", "target")}
    from extractors import make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["ISIS", "actor:isis", "actor", "TerroristOrganization", None, 0.7]]})
    report = run(nlp, "Twenty inmates escaped from an ISIS prison in Raqqa.")
    assert roles(report) == {("actor:isis", "target")}


def test_a_sentence_opened_as_context_is_background_in_all_its_clauses(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج اليوم. وسبق أن شنت قوات سوريا "
                         "الديمقراطية، حملة اعتقالات في الرقة.")
    assert [(e.type, e.background) for e in report.events] == [("Shelling", False),
                                                              ("Arrest", True)]
    # a pluperfect كان opening the sentence needs no قد
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج اليوم. وكانت قوات سوريا الديمقراطية "
                         "أعلنت اعتقال ثلاثة عناصر من داعش في الرقة.")
    assert [(e.type, e.background) for e in report.events] == [("Shelling", False),
                                                              ("Arrest", True)]
    # a quarter maps to its settlement in background events too
    report = run(nlp_ar, "قصفت قوات النظام مدينة الرقة اليوم. وسبق أن شنت قوات سوريا "
                         "الديمقراطية، حملة اعتقالات في حي الدرعية.")
    assert [(e.type, e.background, e.place.mention.entity if e.place else None)
            for e in report.events] == [("Shelling", False, "place:raqqa"),
                                        ("Arrest", True, "place:raqqa")]


def test_a_monitor_is_no_party_to_what_it_documents() -> None:
    from extractors import make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["SOHR", "actor:sohr", "actor", "MonitoringOrganization", None, 0.7]]})
    report = run(nlp, "SOHR documented the death of an SDF fighter after being shot in Raqqa.")
    assert all(p.mention.entity != "actor:sohr" for e in report.events for p in e.actors)


def test_the_feed_s_outlet_is_the_kb_outlet_of_that_name() -> None:
    from extractors import extract, make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["North Press Agency", "outlet:north_press", "outlet", "NewsOutlet", None, 0.7],
        ["North Press", "outlet:north_press", "outlet", "NewsOutlet", None, 0.7]]})
    doc = Document("Unknown gunmen shot dead an SDF fighter in Raqqa on Sunday.", lang="en",
                   published=PUBLISHED, source="North Press Agency")
    (event,) = extract(doc, nlp=nlp, today=dt.date(2026, 11, 25)).events
    assert [(m.name, m.entity) for m in event.according_to] == [
        ("North Press Agency", "outlet:north_press")]


# --------------------------------------------------------------------------- one incident


def test_the_assassination_names_the_shooting_told_before(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Gunmen opened fire on a car in Raqqa on Sunday, wounding its driver "
                         "and a passer-by. The assassination was the third this month.")
    assert [e.type for e in report.events] == ["Assassination"]


def test_the_bombing_names_the_attack_told_before(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Gunmen attacked an SDF post in Raqqa on Sunday. The bombing "
                         "wounded two fighters.")
    assert [e.type for e in report.events] == ["Explosion"]


def test_page_lines_before_the_headline_keep_it_a_headline(nlp_en) -> None:  # type: ignore[no-untyped-def]
    text = ("English | Kurdî\n\nSDF fighter shot dead in Raqqa\n\nIssued on:\n\n"
            "Unknown gunmen killed an SDF fighter in Raqqa on Sunday, a local source said. "
            "The SDF has not commented.")
    report = run(nlp_en, text)
    assert [e.type for e in report.events] == ["Assassination"]


def test_fire_on_a_checkpoint_is_an_attack(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Gunmen opened fire on an SDF checkpoint in Raqqa on Sunday, "
                         "killing two fighters.")
    assert [e.type for e in report.events] == ["Attack"]


def test_many_acts_counted_together_are_a_statistic(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Gunmen attacked an SDF post in Raqqa on Sunday. "
                         "In Manbij: Six attacks left four fighters dead.")
    assert [e.type for e in report.events] == ["Attack"]


@pytest.mark.parametrize("lang, text, kind", [
    ("en", "Russian jets carried out 20 airstrikes on Idlib on Monday.", "Airstrike"),
    ("ar", "شنت طائرات التحالف 12 غارة على مدينة الرقة يوم الاثنين.", "Airstrike"),
])
def test_many_acts_on_a_day_told_are_one_happening(nlp_en, nlp_ar, lang: str, text: str,  # type: ignore[no-untyped-def]
                                                   kind: str) -> None:
    report = run(nlp_en if lang == "en" else nlp_ar, text)
    assert [e.type for e in report.events] == [kind]


def test_gunned_down_is_a_killing_by_gunfire(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "An SDF fighter was gunned down outside his home in Raqqa on "
                         "Sunday.")
    assert [e.type for e in report.events] == ["Assassination"]
    assert casualties(report) == {("killed", 1, "actor:sdf")}


def test_a_year_before_an_act_is_no_count(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج اليوم. وكان داعش قد شن في كانون "
                         "الثاني 2022 هجوما على سجن في الرقة.")
    assert [(e.type, e.background) for e in report.events] == [("Shelling", False),
                                                              ("Attack", True)]


# ------------------------------------------------------------- English places and days


def test_a_name_head_in_the_kb_is_no_place_before_the_rest_of_the_name() -> None:
    from extractors import make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["Tal", "place:tal", "place", "Town", None, 0.6]]})
    (event,) = run(nlp, "Turkish shelling killed a civilian near Tal Tamr on Monday.").events
    assert event.place is not None and event.place.mention.name == "Tal Tamr"


def test_an_english_region_is_kept_as_written() -> None:
    from extractors import make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["Syria", "place:syria", "place", "Country", None, 0.6]]})
    report = run(nlp, "U.S. jets struck ISIS camps in central Syria on Sunday. "
                      "The SDF later entered Raqqa and Raqqa's suburbs.")
    assert [e.place.mention.name for e in report.events if e.place] == ["central Syria"]


def test_a_capitalised_weekday_stands_on_its_own(nlp_en) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, "U.S. jets struck ISIS camps Sunday near Raqqa.").events
    assert event.date is not None and event.date.value == "2023-03-12"


def test_the_day_after_a_claim_dates_the_claim(nlp_en) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, "ISIS claimed responsibility Sunday for a car bomb in Raqqa.").events
    assert event.date is not None and (event.date.value, event.date.precision) == (
        "2023-03", "month")


def test_unnamed_gunmen_told_twice_are_one_side(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Masked gunmen opened fire on a car in Raqqa on Sunday. A witness said "
                         "the gunmen fled after the shooting.")
    assert len(report.events) == 1


def test_an_explosive_device_is_an_explosion(nlp_en) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, "An SDF fighter was killed by an explosive device near Raqqa on "
                           "Sunday.").events
    assert event.type == "Explosion"


def test_a_verb_form_after_a_determiner_is_no_act(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "The outskirts of Raqqa have long been a target for ISIS cells.")
    assert report.events == []
    report = run(nlp_en, "France said it would hit government targets in Raqqa.")
    assert report.events == []


def test_a_restatement_is_not_split_by_a_side_read_from_word_order() -> None:
    from extractors import make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["Raqqa General Hospital", "org:hospital", "actor", "Organisation", None, 0.6],
        ["Saraqib", "place:saraqib", "place", "City", None, 0.6]]})
    report = run(nlp, "SDF fighters raided a house in Raqqa on Sunday. The wounded were "
                      "taken to Raqqa General Hospital after the raid.")
    assert [e.type for e in report.events] == ["Raid"]
    # told at another settlement, the word-order side still makes it another event
    report = run(nlp, "SDF fighters raided a house in Raqqa on Sunday. Raqqa General "
                      "Hospital staff were held after the raid in Saraqib.")
    assert [e.type for e in report.events] == ["Raid", "Raid"]


def test_a_participle_goes_on_with_the_act_before_it(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Gunmen raided a village near Raqqa on Sunday, wounding a resident "
                         "and abducting three others.")
    assert [e.type for e in report.events] == ["Abduction"]


def test_an_event_told_again_with_the_same_toll_is_one(nlp_en) -> None:  # type: ignore[no-untyped-def]
    lead = "A Turkish drone strike killed three SDF fighters near Raqqa on Sunday. "
    report = run(nlp_en, lead + "An SDF source said three fighters were killed in an attack "
                                "on their car.")
    assert [e.type for e in report.events] == ["Airstrike"]
    # another toll is another event
    report = run(nlp_en, lead + "An SDF source said two fighters were killed in an attack "
                                "on their car.")
    assert [e.type for e in report.events] == ["Airstrike", "Attack"]


def test_a_plan_covers_the_acts_coordinated_after_it(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Turkey will increase its drone strikes and artillery strikes on "
                         "Raqqa.")
    assert report.events == []


def test_a_restated_event_keeps_its_sides() -> None:
    from extractors import make_nlp

    nlp = make_nlp("en", {"ner": False, "aliases": ALIASES + [
        ["Raqqa General Hospital", "org:hospital", "actor", "Organisation", None, 0.6]]})
    (event,) = run(nlp, "SDF fighters raided a house in Raqqa on Sunday. The wounded were "
                        "taken to Raqqa General Hospital after the raid.").events
    assert {(p.mention.entity, p.role) for p in event.actors} == {("actor:sdf", "perpetrator")}


def test_the_source_named_again_is_no_new_source(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A local source said gunmen shot dead an SDF fighter in Raqqa on "
                         "Sunday. The gunmen fled after the attack, the source added.")
    assert [[m.name or m.span.text for m in e.according_to] for e in report.events] == [
        ["A local source"]]


def test_a_source_of_a_party_is_named_as_written(nlp_en) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, "A military source of the SDF told reporters that gunmen shot "
                           "dead a fighter in Raqqa on Sunday.").events
    assert [m.name for m in event.according_to] == ["A military source of the SDF"]


def test_non_combatants_are_civilians(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "Gunmen killed two shepherds and wounded a resident near Raqqa on "
                         "Sunday.")
    assert casualties(report) == {("killed", 2, "shepherds"), ("injured", 1, "resident")}


def test_the_count_of_the_killed_is_not_the_count_of_the_wounded(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A suicide bomber blew himself up in Raqqa on Sunday, killing at "
                         "least 15 people and injuring several more.")
    assert casualties(report) == {("killed", 15, None), ("injured", None, None)}


def test_a_list_of_villages_is_at_the_container_named_after_it(nlp_en) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, "SDF patrols arrested 20 men in raids on the villages of Al-Roz, "
                           "Daman and Ziban in the countryside of Raqqa on Sunday.").events
    assert event.place is not None and event.place.mention.name == "Raqqa"
    # with no container named, the first-listed site
    (event,) = run(nlp_en, "Turkish forces shelled the villages of al-Dardara and al-Aboush "
                           "on Sunday.").events
    assert event.place is not None and event.place.mention.name == "al-Dardara"


def test_guns_that_strike_make_a_shelling(nlp_en) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(nlp_en, "Turkish forces struck with heavy artillery the village of "
                           "al-Dardara on Sunday.").events
    assert event.type == "Shelling"
    (event,) = run(nlp_en, "Turkish drones struck a car near the village of al-Dardara on "
                           "Sunday.").events
    assert event.type == "Airstrike"
# --------------------------------------------------------------------------- round five

def test_an_arabic_dateline_place_is_where_the_story_was_filed() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["حمص", "place:homs", "place", "City", None, 0.8]]})
    # "CITY (OUTLET) - …": the clashes are in the town the sentence names, not the city
    report = run(nlp, "حمص (وكالة) - اندلعت اشتباكات عنيفة، مساء أمس، في بلدة تيرمعلة "
                      "بين قوات النظام وداعش.")
    assert [(e.type, e.place.mention.name if e.place else None) for e in report.events] == [
        ("ArmedClash", "تيرمعلة")]
    labels = {m.name: m.label for m in report.mentions if m.kind == "place"}
    assert labels["حمص"] == "Dateline"
    # a short line "OUTLET – CITY" is a dateline too; the city named in the body is not
    report = run(nlp, "وكالة – حمص\nقصفت قوات النظام أحياء في حمص اليوم.")
    assert [m.label for m in report.mentions if m.entity == "place:homs"] == [
        "Dateline", "City"]


def test_a_countryside_does_not_give_way_to_the_city_it_is_named_after() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["ريف حمص", "place:homs_gov", "place", "Governorate", None, 0.9],
        ["حمص", "place:homs", "place", "City", "place:homs_gov", 0.8]]})
    report = run(nlp, "وصلت قوات المعارضة إلى أطراف حمص. وقصفت قوات النظام قرى ريف حمص "
                      "الشمالي. ويعيش في مدينة حمص مليون شخص.")
    (shelling,) = [e for e in report.events if e.type == "Shelling"]
    assert shelling.place is not None and shelling.place.mention.name == "ريف حمص الشمالي"


def test_a_tally_goes_on_in_a_sentence_that_refers_back_to_it(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم مسلحون حاجزا لقوات سوريا الديمقراطية في منبج اليوم. وأحصى "
                         "المرصد 120 عملية لداعش منذ مطلع العام. وجميعها تمت عبر هجمات "
                         "مسلحة وتفجيرات.")
    assert [e.type for e in report.events] == ["Attack"]


def test_a_bare_seat_name_may_be_its_governorate_when_the_event_is_told_again() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + SEATS})
    report = run(nlp, "نفذت قوات سوريا الديمقراطية عملية إنزال في حلب. وقالت مصادر إن "
                      "قوات سوريا الديمقراطية نفذت عملية إنزال في قرية تل جبين.")
    assert [(e.type, e.place.mention.name if e.place else None) for e in report.events] == [
        ("Raid", "تل جبين")]
    # with مدينة before it the name is the city: two raids
    report = run(nlp, "نفذت قوات سوريا الديمقراطية عملية إنزال في مدينة حلب. وقالت مصادر "
                      "إن قوات سوريا الديمقراطية نفذت عملية إنزال في قرية تل جبين.")
    assert len(report.events) == 2


def test_an_event_told_again_in_other_words_is_one_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # the explosion a drone strike caused, told after other news of the day
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة لقوات سوريا الديمقراطية في منبج. "
                         "ويعاني السكان من نقص في المياه. وتجمع الأهالي في السوق. وأفاد "
                         "شهود بأن انفجارا هز منبج.")
    assert [e.type for e in report.events] == ["Airstrike"]
    # elsewhere it is another event
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة لقوات سوريا الديمقراطية في منبج. "
                         "ويعاني السكان من نقص في المياه. وأفاد شهود بأن انفجارا هز الرقة.")
    assert [e.type for e in report.events] == ["Airstrike", "Explosion"]


def test_a_place_name_in_quotes_after_an_admin_word(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "داهمت قوات سوريا الديمقراطية منازل في قرية “أبو خشب” فجر اليوم.")
    assert [(e.type, e.place.mention.name if e.place else None) for e in report.events] == [
        ("Raid", "أبو خشب")]
    report = run(nlp_ar, 'قصفت قوات النظام بلدات "الهبيط" و"كفرسجنة" بالمدفعية.')
    assert [m.name for m in report.mentions if m.kind == "place"] == ["الهبيط", "كفرسجنة"]


def test_a_named_area_is_a_locality_unless_a_settlement_is_named(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # the report is mostly about Raqqa; the attack was in an area of the countryside
    report = run(nlp_ar, "تشهد الرقة توترا. وهاجم مسلحون سيارة في منطقة الحويجة بريف الرقة "
                         "الشمالي. ويعيش في الرقة آلاف النازحين.")
    (attack,) = [e for e in report.events if e.type == "Attack"]
    assert attack.place is not None and attack.place.mention.name == "الحويجة"
    # a town named with it is the place
    report = run(nlp_ar, "هاجم مسلحون سيارة في منطقة الحويجة قرب مدينة منبج.")
    assert [e.place.mention.entity for e in report.events if e.place] == ["place:manbij"]


def test_a_town_is_no_seat_of_a_governorate_it_is_not_in() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["صلاح الدين", "place:saladin_gov", "place", "Governorate", None, 0.9],
        ["صلاح الدين", "place:saladin_town", "place", "Town", "place:erbil_gov", 0.5]]})
    report = run(nlp, "هاجم داعش نقطة للجيش في صلاح الدين.")
    assert place_keys(report) == ["place:saladin_gov"]


def test_people_told_by_age_or_trade_with_no_side_are_civilians(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_ar, "اختطف مسلحون مجهولون موظفا في منبج.")) == {
        ("abducted", 1, "موظفا")}
    # a side named, or the charge of an arrest, wins
    assert casualties(run(nlp_ar, "اعتقلت قوات النظام شابا بتهمة الانتماء لداعش في منبج.")) == {
        ("arrested", 1, "actor:isis")}


def test_a_count_after_the_subject_and_a_comma_is_counted(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_ar, "قتلت قوات سوريا الديمقراطية، عنصرين من داعش في الرقة.")) == {
        ("killed", 2, "actor:isis")}
    assert casualties(run(nlp_ar, "اعتقلت قوات سوريا الديمقراطية عضوا في داعش بالرقة.")) == {
        ("arrested", 1, "actor:isis")}


def test_a_quarter_and_the_city_named_with_it_tell_one_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "فجر انتحاري نفسه في حي المشلب بمدينة الرقة. ويعيش في الحي آلاف "
                         "السكان. وقال مصدر إن انتحاريا فجر نفسه في الرقة.")
    assert [e.type for e in report.events] == ["SuicideBombing"]


def test_a_definite_ordinal_further_on_is_no_sign_of_another_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "انفجرت سيارة مفخخة في الرقة اليوم. وقال مصدر إن سيارة مفخخة انفجرت "
                         "في حي الأمين الثانية بالرقة.")
    assert [e.type for e in report.events] == ["Explosion"]
    report = run(nlp_ar, "انفجرت سيارة مفخخة في الرقة اليوم. وانفجرت سيارة مفخخة أخرى في "
                         "الرقة.")
    assert [e.type for e in report.events] == ["Explosion", "Explosion"]


def test_an_event_noun_with_a_possessive_pronoun_refers_back(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "اختطف مسلحون مجهولون شابا في منبج. وكان الشاب يعمل في الرقة، وجرى "
                         "اختطافه يوم الأحد الماضي.")
    assert [(e.type, e.date.value if e.date else None) for e in report.events] == [
        ("Abduction", "2023-03-12")]


def test_an_anonymous_source_keeps_where_it_is_from_and_not_a_dangling_word(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قالت مصادر محلية في الرقة إن مسلحين هاجموا حاجزا لقوات سوريا "
                         "الديمقراطية في منبج.")
    assert "مصادر محلية في الرقة" in sources(report)
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج. لكن مصادر أهلية قالت إن القصف طال "
                         "الرقة أيضا.")
    assert "لكن مصادر أهلية" not in sources(report)


def test_the_sources_refer_back_to_sources_already_told(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قالت مصادر محلية إن مسلحين هاجموا حاجزا لقوات سوريا الديمقراطية في "
                         "منبج. وأضافت المصادر أن المهاجمين فروا.")
    assert sources(report) == {"مصادر محلية"}


def test_anonymous_sources_speak_rather_than_the_outlet_they_told(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["عنب بلدي", "outlet:enab", "outlet", "NewsOutlet", None, 0.7]]})
    report = run(nlp, "أكدت مصادر خاصة لعنب بلدي أن قوات سوريا الديمقراطية داهمت منازل في "
                      "منبج.")
    assert "مصادر خاصة" in sources(report)


def test_a_clause_naming_only_a_governorate_takes_the_place_the_next_one_gives() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["ديالى", "place:diyala", "place", "Governorate", None, 0.9]]})
    report = run(nlp, "هاجم مسلحون نقطة للجيش في ديالى، في منطقة المطارة، وقتلوا جنديا.")
    assert [e.place.mention.name for e in report.events if e.place] == ["المطارة"]


def test_a_definite_mention_after_the_verb_that_tells_it_is_that_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة في منبج. وفي الشهر الماضي، استهدفت طائرة "
                         "مسيرة سيارة في قرية تل جبين، وأسفر الاستهداف عن سقوط جرحى.")
    assert [e.place.mention.name for e in report.events if e.place] == ["منبج", "تل جبين"]


def test_an_event_noun_after_a_verb_of_undergoing_happened(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "تعرض حاجز لقوات سوريا الديمقراطية لهجوم مسلح في منبج.")
    assert [e.type for e in report.events] == ["Attack"]
    # an event noun with ل is otherwise what was meant ("in order to arrest")
    assert run(nlp_ar, "توجهت قوات سوريا الديمقراطية إلى منبج لاعتقال المطلوبين.").events == []


@pytest.mark.parametrize("text", [
    "اعتقلت قوات سوريا الديمقراطية شابين في مدينة عراقية حدودية.",
    "هاجم مسلحون سيارة في منطقة ريفية بين منبج والرقة.",
])
def test_an_adjective_after_an_admin_word_is_no_place_name(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    names = {m.name for m in run(nlp_ar, text).mentions if m.kind == "place"}
    assert not names & {"عراقية", "ريفية"}


@pytest.mark.parametrize("text", [
    "بدأت قوات سوريا الديمقراطية هجومها لاستعادة مدينة الرقة من داعش.",
    "شنت قوات النظام هجوما بريا على بلدة منبج.",
])
def test_an_offensive_to_take_ground_is_a_military_operation(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [e.type for e in run(nlp_ar, text).events] == ["MilitaryOperation"]


def test_an_attack_on_a_checkpoint_stays_an_attack(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "شن مسلحون هجوما على حاجز لقوات سوريا الديمقراطية في منبج.")
    assert [e.type for e in report.events] == ["Attack"]


def test_a_word_of_a_name_does_not_make_an_offensive() -> None:
    from extractors import make_nlp

    nlp = make_nlp("ar", {"ner": False, "aliases": ALIASES + [
        ["هيئة تحرير الشام", "actor:hts", "actor", "ArmedGroup", None, 0.7]]})
    report = run(nlp, "شن مقاتلون من هيئة تحرير الشام هجوما على مواقع لقوات النظام قرب منبج.")
    assert [e.type for e in report.events] == ["Attack"]


def test_a_present_tense_trigger_in_a_relative_clause_is_no_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "يخشى السكان المسلحين الذين يستهدفون المدنيين في منبج.")
    assert report.events == []
    # in the past tense it tells what happened
    report = run(nlp_ar, "يخشى السكان المسلحين الذين استهدفوا المدنيين في منبج أمس.")
    assert [e.type for e in report.events] == ["Attack"]


def test_a_toll_told_after_an_event_is_that_event_s(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "انفجرت سيارة مفخخة في منبج اليوم. وقال مصدر طبي إن ثلاثة مدنيين "
                         "قتلوا.")
    assert [e.type for e in report.events] == ["Explosion"]
    assert casualties(report) == {("killed", 3, "مدنيين")}


def test_a_year_after_since_does_not_date_the_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم مسلحون حاجزا لقوات سوريا الديمقراطية في منبج، في أعنف هجوم "
                         "تشهده المنطقة منذ هزيمة داعش عام 2019.")
    assert {e.date.value if e.date else None for e in report.events} == {"2023-03-13"}


def test_a_security_operation_to_hunt_down_cells_is_a_sweep(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "أطلقت قوات سوريا الديمقراطية عملية أمنية لملاحقة خلايا داعش في الرقة.")
    assert [e.type for e in report.events] == ["MilitaryOperation"]
    # a raid stays a raid
    report = run(nlp_ar, "داهمت قوات سوريا الديمقراطية منزلا لملاحقة خلايا داعش في الرقة.")
    assert [e.type for e in report.events] == ["Raid"]


def test_officials_and_activists_unnamed_are_anonymous_sources(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قال مسؤول أمني إن مسلحين هاجموا حاجزا لقوات سوريا الديمقراطية في "
                         "منبج.")
    assert sources(report) == {"مسؤول أمني"}
    report = run(nlp_ar, "أفادت شبكات إخبارية محلية بأن مسلحين هاجموا حاجزا لقوات سوريا "
                         "الديمقراطية في منبج.")
    assert sources(report) == {"شبكات إخبارية محلية"}


# ------------------------------------------------------- one incident across paragraphs


@pytest.mark.parametrize("lang, text", [
    ("ar", "هاجم مسلحون حاجزا لقوات النظام في منبج اليوم.\n\nودارت اشتباكات بين الطرفين "
           "في منبج."),
    ("en", "Gunmen attacked an SDF checkpoint in Raqqa on Sunday.\n\nClashes broke out "
           "between the two sides in Raqqa."),
])
def test_clashes_told_in_the_next_paragraph_are_part_of_the_attack(  # type: ignore[no-untyped-def]
        nlp_en, nlp_ar, lang: str, text: str) -> None:
    report = run(nlp_en if lang == "en" else nlp_ar, text)
    assert [e.type for e in report.events] == ["Attack"]


def test_an_act_told_again_with_no_place_is_the_incident_at_the_main_place(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("شنت طائرات التحالف غارة جوية على مقر لداعش في منبج اليوم.\n\n"
            "وقالت مصادر محلية إن مسلحين هاجموا المقر.")
    assert [e.type for e in run(nlp_ar, text).events] == ["Airstrike"]


@pytest.mark.parametrize("text, kind", [
    ("SDF fighters raided a house in Raqqa on Sunday. The house belonged to a tribal elder. "
     "Residents said the area was calm. The SDF arrested two ISIS suspects in Raqqa.", "Raid"),
    ("A suicide bomber blew himself up at a checkpoint in Raqqa on Sunday. The checkpoint "
     "belonged to the SDF. Residents said the area was calm. A car exploded near the "
     "checkpoint in Raqqa.", "SuicideBombing"),
])
def test_english_restatements_join_the_mechanism(nlp_en, text: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert [e.type for e in run(nlp_en, text).events] == [kind]


@pytest.mark.parametrize("lang, text", [
    ("ar", "قصفت قوات النظام بالمدفعية بلدة منبج اليوم. وتعود ملكية المنازل لمزارعين. وقال "
           "الأهالي إن المنطقة هادئة. ووقع انفجار في منبج."),
    ("en", "Government forces shelled Raqqa with artillery on Sunday. The houses belonged to "
           "farmers. Residents said the area was calm. A blast hit Raqqa."),
])
def test_the_blast_a_shelling_caused_is_the_shelling(  # type: ignore[no-untyped-def]
        nlp_en, nlp_ar, lang: str, text: str) -> None:
    report = run(nlp_en if lang == "en" else nlp_ar, text)
    assert [e.type for e in report.events] == ["Shelling"]


@pytest.mark.parametrize("lang, text", [
    ("ar", "هاجم مسلحون حاجزا لقوات النظام في منبج اليوم. وتصاعدت هجمات داعش في الرقة "
           "خلال الفترة الماضية."),
    ("en", "Gunmen attacked an SDF checkpoint in Manbij on Sunday. ISIS attacks have been on "
           "the rise in Raqqa."),
])
def test_attacks_named_in_the_plural_alone_are_no_event(  # type: ignore[no-untyped-def]
        nlp_en, nlp_ar, lang: str, text: str) -> None:
    report = run(nlp_en if lang == "en" else nlp_ar, text)
    assert [e.type for e in report.events] == ["Attack"]
    # with a toll or a day of their own they are told as a happening
    report = run(nlp_en, "ISIS attacks killed three SDF fighters in Raqqa.")
    assert [e.type for e in report.events] == ["Attack"]
    report = run(nlp_en, "ISIS attacks on SDF posts in Raqqa on Sunday were repelled.")
    assert [e.type for e in report.events] == ["Attack"]


@pytest.mark.parametrize("text, kinds", [
    ("Militias launched a campaign of intimidation against activists in Raqqa on Sunday.", []),
    ("The PKK has waged a terror campaign in Raqqa for decades.", []),
    ("The SDF launched a campaign against ISIS cells in Raqqa on Sunday.",
     ["MilitaryOperation"]),
])
def test_a_campaign_of_a_way_of_acting_is_no_operation(nlp_en, text: str, kinds: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert [e.type for e in run(nlp_en, text).events] == kinds


@pytest.mark.parametrize("lang, text, kind", [
    ("en", "SDF fighters raided a house in Raqqa on Sunday. The house belonged to a tribal "
           "elder. Residents said the area was calm. Two men were arrested in the Old Market.",
     "Raid"),
    ("ar", "داهمت قوات سوريا الديمقراطية منزلا في مدينة الرقة اليوم. وتعود ملكية المنزل لأحد "
           "الوجهاء. وقال الأهالي إن المنطقة هادئة. واعتقلت القوات شخصين في حي المشلب.", "Raid"),
])
def test_a_restatement_in_a_quarter_is_the_incident_in_its_settlement(lang: str, text: str,
                                                                      kind: str) -> None:
    from extractors import make_nlp

    quarters = [["Old Market", "place:old_market", "place", "Neighbourhood", None, 0.6],
                ["حي المشلب", "place:mishlab", "place", "Neighbourhood", None, 0.6]]
    nlp = make_nlp(lang, {"ner": False, "aliases": ALIASES + quarters})
    assert [e.type for e in run(nlp, text).events] == [kind]


def test_an_event_told_again_further_down_at_its_place_is_one(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = ("قصفت المدفعية التركية مدينة منبج اليوم. وقال مصدر إن القوات التركية استهدفت "
            "مواقع قسد. ونزح الأهالي. واستمر القصف التركي على منبج ساعات.")
    assert [e.type for e in run(nlp_ar, text).events] == ["Shelling"]


@pytest.mark.parametrize("lang, text", [
    ("ar", "هاجم مسلحون حاجزا لقوات النظام في منبج اليوم. وشنت قوات النظام عملية أمنية "
           "لملاحقة المهاجمين في منبج."),
    ("en", "Gunmen attacked an SDF checkpoint in Raqqa on Sunday. The SDF launched a security "
           "operation to hunt down the attackers in Raqqa."),
])
def test_the_search_after_an_incident_is_no_event(  # type: ignore[no-untyped-def]
        nlp_en, nlp_ar, lang: str, text: str) -> None:
    report = run(nlp_en if lang == "en" else nlp_ar, text)
    assert [e.type for e in report.events] == ["Attack"]
    # a raid of the search that captures people is told as a raid
    report = run(nlp_en, "Gunmen attacked an SDF checkpoint in Raqqa on Sunday. The SDF raided "
                         "Manbij in search of the attackers, arresting two men.")
    assert [e.type for e in report.events] == ["Attack", "Raid"]


@pytest.mark.parametrize("lang, text, kinds", [
    ("ar", "فر عشرة سجناء من سجن في منبج اليوم. وانتشرت دوريات أمنية لإلقاء القبض على "
           "الفارين.", ["PrisonBreak"]),
    ("ar", "تسلل مسلحون إلى منبج اليوم في محاولة لتأمين هروب سجناء من السجن المركزي.", []),
    ("ar", "وصلت خلية من التنظيم إلى منبج اليوم لتنفيذ هجوم على حاجز للقوات.", []),
    ("en", "Ten prisoners escaped from a jail in Manbij on Sunday. The cell sold oil to fund "
           "the men it uses to carry out raids.", ["PrisonBreak"]),
])
def test_an_act_told_as_an_aim_is_no_event(  # type: ignore[no-untyped-def]
        nlp_en, nlp_ar, lang: str, text: str, kinds: list[str]) -> None:
    report = run(nlp_en if lang == "en" else nlp_ar, text)
    assert [e.type for e in report.events] == kinds
    # the act itself, told without an aim, stays an event
    report = run(nlp_en, "The cell carried out raids on SDF posts in Manbij on Sunday.")
    assert [e.type for e in report.events] == ["Raid"]


@pytest.mark.parametrize("text", [
    # a link line cut into sentences by its ".." is one link
    "داهمت قسد منزلا في منبج أمس.\nاقرأ المزيد: ريف حماة الشرقي..انفجار عبوة ناسفة يقتل 3 "
    "عناصر في الرقة\nوقالت قسد إنها اعتقلت مطلوبا.",
    # a heading with a list of other stories' headlines under it
    "داهمت قسد منزلا في منبج أمس.\n\nمقالات ذات صلة\n\nتصريح جديد بشأن المعابر\n\n"
    "مسلحون يهاجمون حاجزا في الحسكة\n\nانفجار عبوة ناسفة في الرقة\n",
    # a ticker of the latest news over the page
    "آخر الأخبار\nوزارة النقل تعلن جدولا جديدا للرحلات انفجار عبوة ناسفة في الرقة "
    "ارتفاع أسعار الذهب في الأسواق المحلية\n\nداهمت قسد منزلا في منبج أمس.",
])
def test_a_line_or_list_of_links_to_other_stories_is_no_event(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [e.type for e in run(nlp_ar, text).events] == ["Raid"]


def test_a_link_word_inside_a_sentence_is_no_link(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    text = "داهمت قسد منزلا في منبج أمس. وفي آخر الأخبار انفجرت عبوة ناسفة في الرقة."
    assert sorted(e.type for e in run(nlp_ar, text).events) == ["Explosion", "Raid"]


@pytest.mark.parametrize("text, kinds", [
    ("قصفت قوات النظام بلدة كفرنبل في ريف إدلب اليوم. وقال ناشطون إن مئات العائلات نزحت "
     "من كفرنبل هربا من المعارك الدائرة.", ["Shelling"]),
    ("Gunmen attacked an SDF checkpoint in Raqqa on Sunday. Thousands who fled the offensive "
     "are still in camps near Raqqa.", ["Attack"]),
    # at a place no event is told at, it tells an incident there
    ("Gunmen attacked an SDF checkpoint in Raqqa on Sunday. Thousands who fled the offensive "
     "are still in camps near Manbij.", ["Attack", "MilitaryOperation"]),
    # with a toll of its own it is told as a happening
    ("قصفت قوات النظام بلدة كفرنبل في ريف إدلب اليوم. وقال ناشطون إن المعارك في ريف حماة "
     "أسفرت عن مقتل 4 عناصر.", ["Shelling", "ArmedClash"]),
    # the report's first event may be told by a verbal noun with the article
    ("تمكن عشرون سجينا من الهروب من سجن في الموصل اليوم.", ["PrisonBreak"]),
])
def test_a_definite_noun_referring_back_to_nothing_told_is_no_event(  # type: ignore[no-untyped-def]
        nlp_en, nlp_ar, text: str, kinds: list[str]) -> None:
    report = run(nlp_en if text.isascii() else nlp_ar, text)
    assert [e.type for e in report.events] == kinds


# --------------------------------------------------------------------------- who says so


def test_an_anonymous_source_opening_the_sentence_before_its_verb(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # Arabic puts the subject first too: the source's words run to the verb after them
    report = run(nlp_ar, "مصادر أهلية قالت إن مسلحين خطفوا شابين في منبج.")
    assert "مصادر أهلية" in source_names(report)
    report = run(nlp_ar, "مصدر في مدينة الرقة أكد أن مسلحين خطفوا شابين في منبج.")
    assert "مصدر في مدينة الرقة" in source_names(report)
    # the sources of a party named right after the noun are the party's, not anonymous
    report = run(nlp_ar, "مصادر الحشد الشعبي قالت إن مسلحين خطفوا شابين في منبج.")
    assert not any(name.startswith("مصادر") for name in source_names(report))


def test_an_as_said_clause_speaks_for_the_whole_sentence(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # the clause stands at the end, after what it vouches for
    report = run(nlp_ar, "قتل مسلحون شابين في منبج، وفقا لما ذكرته مصادر أهلية.")
    assert "مصادر أهلية" in source_names(report)
    report = run(nlp_ar, "استهدفت طائرة مسيرة سيارة في الرقة، كما أفاد مصدران أمنيان.")
    assert "مصدران أمنيان" in source_names(report)
    # a verb deep in a clause of another kind is still no cue
    report = run(nlp_ar, "قتل مسلحون شابين في منبج في الهجوم الذي أعلنت عنه مصادر أهلية.")
    assert not any(name.startswith("مصادر") for name in source_names(report))


def test_where_an_anonymous_source_s_description_ends(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # at a relative clause
    report = run(nlp_ar, "وقال ضابط الشرطة الذي رفض ذكر اسمه إن مسلحين خطفوا شابين في منبج.")
    assert "ضابط الشرطة" in source_names(report)
    # at the time of the statement
    report = run(nlp_ar, "وأفادت مصادر صحفية مساء اليوم بأن مسلحين خطفوا شابين في منبج.")
    assert "مصادر صحفية" in source_names(report)
    # at the outlet it spoke to, with its preposition joined or apart
    report = run(nlp_ar, "وقال مصدر ميداني بوكالة الفرات إن مسلحين خطفوا شابين في منبج.")
    assert "مصدر ميداني" in source_names(report)
    from extractors import extract
    from tests.extraction import TODAY

    report = extract(Document('وقال مصدر خاص لـ"الفرات" إن مسلحين خطفوا شابين في منبج.',
                              lang="ar", published=PUBLISHED, source="الفرات"),
                     nlp=nlp_ar, today=TODAY)
    assert "مصدر خاص" in source_names(report)
    # the window ending on an admin word takes the place's name after it
    report = run(nlp_ar, "وقالت مصادر محلية في مدينة الرقة إن مسلحين خطفوا شابين في منبج.")
    assert "مصادر محلية في مدينة الرقة" in source_names(report)


# ------------------------------------------------------------------- actors and roles


def test_a_group_named_in_a_hedged_attribution_is_no_party(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم مسلحون مجهولون يرجح أنهم من خلايا تنظيم داعش حاجزا لقوات "
                         "سوريا الديمقراطية في منبج.")
    assert "actor:isis" not in {a for a, _ in roles(report)}
    assert ("مسلحون مجهولون", "perpetrator") in roles(report)
    # an asserted attribution keeps the group
    report = run(nlp_ar, "هاجمت خلايا تنظيم داعش حاجزا لقوات سوريا الديمقراطية في منبج.")
    assert ("actor:isis", "perpetrator") in roles(report)


@pytest.mark.parametrize("lang, text, name", [
    ("ar", "فجر انتحاري يرتدي حزاما ناسفا نفسه في سوق شعبي بمدينة الرقة صباح اليوم.",
     "انتحاري"),
    ("en", "Two suicide bombers detonated their explosive vests at a crowded market in Raqqa on "
           "Monday.",
     "Two suicide bombers"),
])
def test_a_bomber_with_no_side_named_is_the_perpetrator_as_written(  # type: ignore[no-untyped-def]
        nlp_ar, nlp_en, lang: str, text: str, name: str) -> None:
    (bombing,) = run(nlp_ar if lang == "ar" else nlp_en, text).events
    assert bombing.type == "SuicideBombing"
    assert [(p.mention.name, p.role) for p in bombing.actors] == [(name, "perpetrator")]


def test_a_suicide_bombing_named_by_its_kind_has_no_bomber_as_written(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # "تفجير انتحاري": the adjective tells the kind of the act, not who carried it out
    report = run(nlp_ar, "قتل ثلاثة عناصر من الحشد الشعبي بتفجير انتحاري استهدف حاجزا في منبج.")
    assert [e.type for e in report.events] == ["SuicideBombing"]
    assert not [p for e in report.events for p in e.actors if p.role == "perpetrator"]


def test_a_bomber_of_a_named_group_gives_way_to_the_group(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "فجر انتحاري من داعش نفسه في سوق شعبي بمدينة الرقة.")
    assert [e.type for e in report.events] == ["SuicideBombing"]
    assert roles(report) == {("actor:isis", "perpetrator")}


@pytest.mark.parametrize("lang, text", [
    # the genitive of the attack noun, a quantity of members between
    ("ar", "قتل عنصر من قوات سوريا الديمقراطية بهجوم لعنصرين من خلايا داعش على حاجز في منبج."),
    ("ar", "قتل عنصر من قوات سوريا الديمقراطية بهجوم لتنظيم \u201cداعش\u201d في منبج."),
    # the group of the subject of a support verb
    ("ar", "قتل عنصران من قوات النظام بتفجير انتحاري نفذته امرأة تابعة لداعش في الرقة."),
    # the group of the bomber
    ("en", "A suicide bomber from the ISIS group blew himself up at an SDF checkpoint in Raqqa."),
])
def test_the_side_of_the_attacker_named_after_the_act_carried_it_out(  # type: ignore[no-untyped-def]
        nlp_ar, nlp_en, lang: str, text: str) -> None:
    aliases = ALIASES + [["ISIS", "actor:isis", "actor", "TerroristOrganization", None, 0.7]]
    from extractors import make_nlp
    nlp = nlp_ar if lang == "ar" else make_nlp("en", {"aliases": aliases, "ner": False})
    assert ("actor:isis", "perpetrator") in roles(run(nlp, text))
    assert ("actor:isis", "target") not in roles(run(nlp, text))


def test_a_group_name_in_quotes_after_its_head_word_is_one_phrase(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # the head word (تنظيم) and the quotes belong to the name: the genitive of the attack
    report = run(nlp_ar, "قتل حارسان إثر هجوم تنظيم \u201cداعش\u201d على سجن في الرقة.")
    assert ("actor:isis", "perpetrator") in roles(report)
    assert ("actor:isis", "target") not in roles(report)


def test_unnamed_gunmen_told_twice_are_one_perpetrator(nlp_ar, nlp_en) -> None:  # type: ignore[no-untyped-def]
    for nlp, text in [
            (nlp_ar, "استهدف مسلحون مجهولون حاجزا لقوات النظام في منبج. وقد استهدف المسلحون "
                     "الحاجز بقذائف صاروخية."),
            (nlp_en, "Masked gunmen attacked an SDF checkpoint in Raqqa on Sunday. The gunmen "
                     "attacked the checkpoint with rockets.")]:
        unnamed = [p.mention.name for e in run(nlp, text).events for p in e.actors
                   if p.mention.label == "UnidentifiedArmedGroup"]
        assert unnamed in (["مسلحون مجهولون"], ["Masked gunmen"])


# --------------------------------------------------------------------------- recall


@pytest.mark.parametrize("text", [
    # the aircraft the subject of a support verb, several words before the noun
    "نفذت طائرات التحالف الدولي - العربي 5 ضربات على مواقع لداعش في الرقة.",
    "وجهت طائرتان مسيرتان ضربتين لمقر قوات سوريا الديمقراطية في منبج.",
])
def test_a_strike_by_aircraft_is_an_airstrike(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [e.type for e in run(nlp_ar, text).events] == ["Airstrike"]


def test_a_strike_with_no_aircraft_in_its_clause_is_no_event(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # a figure of speech: a blow to a group
    report = run(nlp_ar, "وقال المحلل إن خسارة المدينة تعد ضربة موجعة لداعش في الرقة.")
    assert "Airstrike" not in [e.type for e in report.events]


# --------------------------------------------------------------------------- quarters

QUARTER_ALIASES = ALIASES + [
    ["حمص", "place:homs", "place", "City", "place:homs-gov", 0.6],
    ["الوعر", "place:homs-waer", "place", "Subdistrict", "place:homs-gov", 0.4],
    ["Homs", "place:homs", "place", "City", "place:homs-gov", 0.6],
    ["Waer", "place:homs-waer", "place", "District", "place:homs-gov", 0.4],
]


@pytest.fixture(scope="module")
def nlp_quarters_ar():  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    return make_nlp("ar", {"aliases": QUARTER_ALIASES, "ner": False})


@pytest.fixture(scope="module")
def nlp_quarters_en():  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    return make_nlp("en", {"aliases": QUARTER_ALIASES, "ner": False})


def places(report: Report) -> list[str | None]:
    return [e.place.mention.entity if e.place else None for e in report.events]


@pytest.mark.parametrize("text", [
    # a quarter followed by its city, with a direction or "in" between
    "أصيب مدنيان بانفجار عبوة ناسفة في منطقة الوعر غربي حمص.",
    "أصيب مدنيان بانفجار عبوة ناسفة في منطقة الوعر، في غرب مدينة حمص.",
])
def test_a_quarter_of_a_city_maps_to_the_city(nlp_quarters_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert places(run(nlp_quarters_ar, text)) == ["place:homs"]


@pytest.mark.parametrize("text", [
    "Two civilians were wounded when a roadside bomb exploded in Homs's Waer district.",
    "Two civilians were wounded when a roadside bomb exploded in Waer, in western Homs.",
])
def test_an_english_quarter_of_a_city_maps_to_the_city(nlp_quarters_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert places(run(nlp_quarters_en, text)) == ["place:homs"]


@pytest.mark.parametrize("text", [
    # a ناحية has a seat of its own: the town is the place, not the city it lies near
    "أصيب مدنيان بانفجار عبوة ناسفة في ناحية الوعر غربي حمص.",
    # the desert or countryside of a town lies outside the city named after it
    "أصيب مدنيان بانفجار عبوة ناسفة في بادية الوعر غربي حمص.",
])
def test_a_unit_or_countryside_near_a_city_is_no_quarter(nlp_quarters_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert places(run(nlp_quarters_ar, text)) == ["place:homs-waer"]


# ------------------------------------------------------------------ passive voice


@pytest.fixture(scope="module")
def nlp_roles_en():  # type: ignore[no-untyped-def]
    from extractors import make_nlp
    aliases = ALIASES + [["ISIS", "actor:isis", "actor", "TerroristOrganization", None, 0.7]]
    return make_nlp("en", {"aliases": aliases, "ner": False})


@pytest.mark.parametrize("text", [
    "An SDF commander was assassinated in Raqqa on Monday.",
    "Three members of the SDF, including an officer, were wounded in a bomb attack in Raqqa.",
    "A commander of the SDF (Syrian Democratic Forces) was killed in an ISIS attack in Raqqa.",
    "Leaders of the SDF have been repeatedly targeted in Raqqa.",
])
def test_the_subject_of_a_passive_verb_of_the_act_underwent_it(  # type: ignore[no-untyped-def]
        nlp_roles_en, text: str) -> None:
    found = roles(run(nlp_roles_en, text))
    assert ("actor:sdf", "target") in found
    assert ("actor:sdf", "perpetrator") not in found


def test_the_agent_of_a_passive_verb_carried_the_act_out(nlp_roles_en) -> None:  # type: ignore[no-untyped-def]
    found = roles(run(nlp_roles_en, "An SDF patrol was ambushed by ISIS in Raqqa on Monday."))
    assert ("actor:isis", "perpetrator") in found
    assert ("actor:sdf", "target") in found


@pytest.mark.parametrize("text", [
    # the act is told between the side and the passive verb: the side did it
    "SDF fighters attacked an ISIS hideout in Raqqa, where two guards were killed.",
    # a new noun phrase after a dateline's dash is the subject, not the name before it
    "RAQQA (SDF) – A civilian was killed in a bomb blast in Raqqa on Monday.",
])
def test_a_side_not_the_subject_of_the_passive_verb_keeps_its_role(  # type: ignore[no-untyped-def]
        nlp_roles_en, text: str) -> None:
    assert ("actor:sdf", "target") not in roles(run(nlp_roles_en, text))


# ------------------------------------------------ the agent across quotes (Arabic)


@pytest.mark.parametrize("text", [
    # the dual construct of على يد, and a quote between the agent phrase and the name
    'اختطف شابان على يدي "داعش" في الرقة.',
    "قتل شابان برصاص أطلق من قبل “داعش” في الرقة.",
    # the genitive of the act across the quotes of the name, or a ل written apart
    "قتل جنديان في تفجير «داعش» في الرقة.",
    'قتل جنديان في هجوم لـ"داعش" على حاجز في الرقة.',
])
def test_the_agent_of_the_act_across_the_quotes_of_its_name(  # type: ignore[no-untyped-def]
        nlp_ar, text: str) -> None:
    found = roles(run(nlp_ar, text))
    assert ("actor:isis", "perpetrator") in found
    assert ("actor:isis", "target") not in found


def test_the_source_of_shelling_carried_it_out(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # "مصدره": whose source is
    found = roles(run(nlp_ar, "أصيب مدني جراء قصف مدفعي مصدره قوات النظام على قرية في منبج."))
    assert ("actor:saa", "perpetrator") in found
    assert ("actor:saa", "target") not in found


# --------------------------------------------------------------------------- statuses (stat8)


@pytest.mark.parametrize("text", [
    "ارتقى ثلاثة مدنيين جراء قصف قوات النظام على منبج.",
    "توفي ثلاثة مدنيين جراء قصف قوات النظام على منبج.",
])
def test_arabic_verbs_of_dying(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_ar, text)) == {("killed", 3, "مدنيين")}


@pytest.mark.parametrize("text", [
    "توفي مدني متأثراً بجروحه جراء قصف قوات النظام على منبج أمس.",
    "استشهد مدني متأثرا بجراحه التي أصيب بها بقصف قوات النظام على منبج.",
])
def test_a_death_of_wounds_is_no_injured_toll(nlp_ar, text: str) -> None:  # type: ignore[no-untyped-def]
    assert casualties(run(nlp_ar, text)) == {("killed", 1, "مدني")}


@pytest.mark.parametrize(("text", "count"), [
    ("A civilian succumbed to his wounds after shelling on Raqqa.", 1),
    ("Two civilians died of their injuries after shelling on Raqqa.", 2),
    ("A civilian died from injuries sustained in shelling on Raqqa.", 1),
])
def test_english_deaths_of_wounds(nlp_en, text: str, count: int) -> None:  # type: ignore[no-untyped-def]
    assert {(s, n) for s, n, _ in casualties(run(nlp_en, text))} == {("killed", count)}


def test_a_side_that_lost_its_own_men_lost_them_dead(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم داعش نقطة في منبج، وفقدت قوات سوريا الديمقراطية خمسة من مقاتليها.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 5)}
    report = run(nlp_ar, "هاجم داعش نقطة في منبج، وكانت قوات سوريا الديمقراطية قد فقدت أمس "
                         "خمسة من عناصرها.")
    assert casualties(report) == {("killed", 5, "actor:sdf")}
    # people gone missing are still missing
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج، وفُقد ثلاثة مدنيين.")
    assert ("missing", 3, "مدنيين") in casualties(report)


@pytest.mark.parametrize("text", [
    "Masked gunmen killed a woman in Raqqa on Monday while her husband was wounded.",
    "Gunmen killed a man in Raqqa and wounded his brother.",
])
def test_a_relative_of_a_victim_is_one_civilian(nlp_en, text: str) -> None:  # type: ignore[no-untyped-def]
    assert ("injured", 1) in {(s, n) for s, n, _ in casualties(run(nlp_en, text))}


@pytest.mark.parametrize(("text", "count"), [
    ("SDF forces raided a house in Raqqa and captured three gunmen.", 3),
    ("SDF forces raided a house in Raqqa and apprehended two suspects.", 2),
])
def test_captured_and_apprehended_people_are_arrested(nlp_en, text: str,
                                                      count: int) -> None:  # type: ignore[no-untyped-def]
    assert {(s, n) for s, n, _ in casualties(run(nlp_en, text))} == {("arrested", count)}
    # a captured village is no casualty
    report = run(nlp_en, "The SDF captured the village near Raqqa after clashes.")
    assert casualties(report) == set()


def test_missing_men_of_a_side_are_still_missing(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "هاجم داعش نقطة في منبج، ولا يزال ثلاثة مفقودين من عناصرها.")
    assert ("missing", 3) in {(s, n) for s, n, _ in casualties(report)}


def test_bodies_found_are_people_killed(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "خطف مسلحون مجهولون خمسة مدنيين في منبج، فيما عثر على جثتي اثنتين "
                         "أخريين قرب البلدة.")
    assert casualties(report) == {("abducted", 5, "مدنيين"), ("killed", 2, "مدنيين")}
    report = run(nlp_ar, "هاجم داعش نقطة في منبج، وسحبت قوات سوريا الديمقراطية جثث 4 مقاتلين "
                         "من داعش.")
    assert ("killed", 4, "actor:isis") in casualties(report)
    # a body found makes no event by itself
    assert run(nlp_ar, "عثر الأهالي على جثة شاب في منبج.").events == []


def test_feminine_others_are_people(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, "قصفت قوات النظام بلدة منبج ما أدى لمقتل ثلاثة مدنيين وإصابة أخريات.")
    assert casualties(report) == {("killed", 3, "مدنيين"), ("injured", None, "مدنيين")}


def test_a_side_that_lost_its_own_men_is_theirs(nlp_ar, nlp_en) -> None:  # type: ignore[no-untyped-def]
    # the side that lost them, not the one named before it
    report = run(nlp_ar, "هاجم داعش نقطة في منبج، وفقدت قوات سوريا الديمقراطية خمسة من مقاتليها.")
    assert casualties(report) == {("killed", 5, "actor:sdf")}
    report = run(nlp_en, "Gunmen attacked Raqqa. The SDF lost five of its fighters in the attack.")
    assert casualties(report) == {("killed", 5, "actor:sdf")}
    report = run(nlp_en, "\"We lost two of our comrades in the attack on Raqqa,\" the SDF said.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 2)}
    # a town or positions lost are no casualty
    for text in ("Gunmen attacked Raqqa and the SDF lost control of two villages.",
                 "Gunmen attacked Raqqa and the SDF lost two of its positions near the town."):
        assert casualties(run(nlp_en, text)) == set()


def test_english_bodies_found_are_people_killed(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "The SDF recovered the bodies of five fighters killed in a "
                         "coalition strike on Raqqa.")
    assert {(s, n) for s, n, _ in casualties(report)} == {("killed", 5)}
    assert run(nlp_en, "The bodies of three men were found in Raqqa.").events == []


# --------------------------------------------------------------------------- who says so


@pytest.mark.parametrize(("text", "source"), [
    # where or whom the source is from runs to the verb
    ("A local source in the town told reporters that gunmen killed two fighters in Raqqa "
     "on Sunday.", "A local source in the town"),
    ("An SDF military source from the village said that gunmen killed a fighter in Raqqa "
     "on Sunday.", "An SDF military source from the village"),
    # the words of the description before the source word, after "according to"/"citing"
    ("Gunmen killed two SDF fighters in Raqqa on Sunday, according to local sources.",
     "local sources"),
    ("Gunmen killed two SDF fighters in Raqqa on Sunday, citing a security source.",
     "a security source"),
    # with no comma after it the description ends at the source word
    ("According to local sources gunmen killed two SDF fighters in Raqqa on Sunday.",
     "local sources"),
])
def test_an_english_source_described_as_written(nlp_en, text: str, source: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, text)
    assert sources(report) == {source}
    assert ("actor:sdf", "perpetrator") not in roles(report)  # whose source it is


@pytest.mark.parametrize(("text", "source"), [
    # a preposition first: نقلا عن is no verb نقل
    ("قتل مسلحون عنصرين في الرقة يوم الأحد، نقلاً عن مصدر أمني.", "مصدر أمني"),
    # a verb after a comma whose speaker closes the sentence
    ("قتل مسلحون عنصرين في الرقة يوم الأحد، أفادت مصادر محلية.", "مصادر محلية"),
    # where and whom the source is from, before and after its verb
    ("مصدر عسكري في قوات سوريا الديمقراطية من مدينة منبج قال إن مسلحين قتلوا عنصرين في "
     "الرقة.", "مصدر عسكري في قوات سوريا الديمقراطية من مدينة منبج"),
    ("قال مصدر عسكري في قوات سوريا الديمقراطية من مدينة منبج إن مسلحين قتلوا عنصرين في "
     "الرقة.", "مصدر عسكري في قوات سوريا الديمقراطية من مدينة منبج"),
])
def test_an_arabic_source_read_where_it_stands(nlp_ar, text: str, source: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_ar, text)
    assert sources(report) == {source}
    assert ("actor:sdf", "perpetrator") not in roles(report)


def test_belonging_is_no_speech_verb(nlp_ar) -> None:  # type: ignore[no-untyped-def]
    # تابعة لـ says whose the artillery is (no verb تابع): the owner is the perpetrator
    report = run(nlp_ar, "قصفت مدفعية تابعة لقوات النظام بلدة منبج يوم الأحد.")
    assert sources(report) == set()
    assert ("actor:saa", "perpetrator") in roles(report)
    # the owner of an anonymous source goes with its description, no second source
    report = run(nlp_ar, "قالت وسائل إعلام تابعة لقوات سوريا الديمقراطية إن مسلحين قتلوا "
                         "عنصرين في الرقة.")
    assert sources(report) == {"وسائل إعلام تابعة لقوات سوريا الديمقراطية"}


@pytest.mark.parametrize("text", [
    "وقال مدير الناحية لوكالة أنباء الإعلام العراقي (واع) إن مسلحين قتلوا عنصرين قرب "
    "الموصل.",
    "قتل مسلحون عنصرين قرب الموصل يوم الأحد، أفادت وكالة الأنباء العراقية (واع).",
])
def test_a_short_form_in_brackets_is_no_second_source(nlp_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb, text)
    assert [[m.entity for m in e.according_to] for e in report.events] == [
        ["outlet:iraqi_news_agency"]]


def test_a_speaker_with_its_short_form_before_the_verb(nlp_kb_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb_en, "Gunmen killed two soldiers near Mosul on Sunday, the Iraqi News "
                            "Agency (INA) reported.")
    assert [[m.entity for m in e.according_to] for e in report.events] == [
        ["outlet:iraqi_news_agency"]]


def test_a_speaker_after_what_it_said_with_a_pronoun(nlp_kb) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb, "قتل مسلحون عنصرين في الرقة يوم الأحد، أفاد بذلك المرصد السوري "
                         "لحقوق الإنسان.")
    assert {m.entity for e in report.events for m in e.according_to} == {"actor:sohr"}


def test_according_to_the_source_is_the_source_already_told(nlp_en) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_en, "A local source said gunmen shot dead an SDF fighter in Raqqa on "
                         "Sunday. The gunmen fled after the attack, according to the source.")
    assert [[m.name or m.span.text for m in e.according_to] for e in report.events] == [
        ["A local source"]]


def test_one_name_written_twice_is_one_source(nlp_kb) -> None:  # type: ignore[no-untyped-def]
    report = run(nlp_kb, 'وأعلنت وكالة "سانا" مقتل ثلاثة أشخاص بتفجير في حي الميدان بدمشق. '
                         "وقال مصدر في الشرطة لـ سانا إن التفجير نفذه انتحاري في حي الميدان.")
    assert all(len(e.according_to) == len({m.name for m in e.according_to})
               for e in report.events)
