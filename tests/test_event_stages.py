"""The event builder's stages one by one, on a pipeline with a tiny gazetteer.

Each test runs the pipeline up to (not including) the event builder, then calls one
stage on the document's layers and checks the data it hands to the next stage.
"""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from extractors import make_nlp
from extractors.annotations import DocState, state
from extractors.events import EventBuilder
from extractors.events.arguments import ArgumentReader
from extractors.events.conversion import main_place, to_event
from extractors.events.coreference import Coreference
from extractors.events.drafts import EventDraft, EventMention, identity
from extractors.events.mentions import MentionFinder
from extractors.events.roles import RoleReader
from extractors.lexicon import load_lexicon

ALIASES = [
    ["قوات سوريا الديمقراطية", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["قسد", "actor:sdf", "actor", "ArmedGroup", None, 0.7],
    ["داعش", "actor:isis", "actor", "TerroristOrganization", None, 0.7],
    ["التحالف الدولي", "actor:coalition", "actor", "ArmedGroup", None, 0.7],
    ["البصيرة", "place:busayrah", "place", "City", None, 0.6],
    ["الشحيل", "place:shuhayl", "place", "City", None, 0.6],
    ["دير الزور", "place:deir", "place", "Governorate", None, 0.6],
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return make_nlp("ar", {"aliases": ALIASES, "ner": False})


@pytest.fixture(scope="module")
def lexicon():  # type: ignore[no-untyped-def]
    return load_lexicon("ar")


def layers(nlp: Language, text: str) -> tuple[Doc, DocState]:
    """The document after every component but the event builder."""
    doc = nlp.make_doc(text)
    doc.user_data["published"] = dt.date(2021, 12, 13)
    doc.user_data["today"] = dt.date(2026, 11, 25)
    for name, proc in nlp.pipeline:
        if name != "ckg_events":
            doc = proc(doc)
    return doc, state(doc)


def read_sentence(lexicon, st: DocState, index: int) -> list[EventMention]:  # type: ignore[no-untyped-def]
    """Stages 1 and 2 of one sentence, as the builder runs them."""
    return EventBuilder(lexicon).sentence_mentions(st, index)


def test_mentions_find_each_trigger_with_its_clause(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    _doc, st = layers(nlp, "داهمت قسد منزلا في البصيرة، واشتبكت مع داعش في الشحيل.")
    found = MentionFinder(lexicon).find(st, 0)
    assert [m.type for m in found] == ["Raid", "ArmedClash"]
    first, second = found
    assert first.window[1] <= second.trigger.start  # the comma ends the raid's clause
    assert first.roles == [] and first.place is None  # arguments come in stage 2


def test_grouping_merges_a_raid_and_the_arrest_it_made(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    _doc, st = layers(nlp, "داهمت قسد منزلا في البصيرة فاعتقلت شابين.")
    finder, roles = MentionFinder(lexicon), RoleReader(lexicon)
    found = finder.find(st, 0)
    assert [m.type for m in found] == ["Raid", "Arrest"]
    for m in found:
        roles.read(st, m, set())
    grouped = finder.group(st, found)
    assert [m.type for m in grouped] == ["Raid"]


def test_roles_read_perpetrator_supporter_and_target(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    _doc, st = layers(nlp, "نفذت قسد بدعم من التحالف الدولي عملية دهم ضد خلايا داعش في البصيرة.")
    (m,) = MentionFinder(lexicon).find(st, 0)
    RoleReader(lexicon).read(st, m, set())
    assert {(identity(h), role) for h, role, _ in m.roles} == {
        ("actor:sdf", "perpetrator"), ("actor:coalition", "supporter"),
        ("actor:isis", "target")}


def test_arguments_read_place_time_and_casualties(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    _doc, st = layers(nlp, "قتل 5 عناصر من داعش في مداهمة لقسد في البصيرة أمس.")
    (m,) = read_sentence(lexicon, st, 0)
    assert m.place is not None and identity(m.place) == "place:busayrah"
    assert m.time is not None and m.time.value == "2021-12-12"
    assert [(c.status, c.count) for c in m.casualties] == [("killed", 5)]
    assert m.casualties[0].affiliation is not None
    assert identity(m.casualties[0].affiliation) == "actor:isis"


def test_arguments_mark_a_pluperfect_as_background(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    _doc, st = layers(nlp, "وكانت قسد قد داهمت منزلا في الشحيل.")
    (m,) = read_sentence(lexicon, st, 0)
    ArgumentReader(lexicon).read(st, m)
    assert m.background is True


def test_coreference_merges_a_definite_mention_into_the_event_told(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    text = "داهمت قسد منزلا في البصيرة. وقتل خلال المداهمة عنصران من داعش."
    _doc, st = layers(nlp, text)
    per_sentence = [read_sentence(lexicon, st, i) for i in range(len(st.sentences))]
    assert sum(len(ms) for ms in per_sentence) == 2
    drafts = Coreference(lexicon).merge(st, per_sentence)
    assert len(drafts) == 1 and drafts[0].type == "Raid"
    assert [(c.status, c.count) for c in drafts[0].casualties] == [("killed", 2)]


def test_coreference_keeps_another_event_apart(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    text = "داهمت قسد منزلا في البصيرة. وداهمت قسد منزلا آخر في الشحيل."
    _doc, st = layers(nlp, text)
    per_sentence = [read_sentence(lexicon, st, i) for i in range(len(st.sentences))]
    drafts = Coreference(lexicon).merge(st, per_sentence)
    assert [identity(d.place) for d in drafts if d.place] == ["place:busayrah", "place:shuhayl"]


def test_conversion_gives_an_event_with_the_main_place_when_none_is_told(nlp: Language,
                                                                         lexicon) -> None:  # type: ignore[no-untyped-def]
    doc, st = layers(nlp, "اشتباكات في البصيرة. وشنت قسد حملة دهم أمس.")
    main = main_place(st)
    assert main is not None and identity(main) == "place:busayrah"
    (raid,) = read_sentence(lexicon, st, 1)
    draft = EventDraft(raid.type, [])
    draft.add(raid)
    event = to_event(doc, st, draft, main)
    assert event is not None and event.type == "Raid"
    assert event.place is not None and event.place.mention.entity == "place:busayrah"
    assert event.date is not None and event.date.value == "2021-12-12"
    assert [(p.mention.entity, p.role) for p in event.actors] == [("actor:sdf", "perpetrator")]


def test_conversion_drops_an_untyped_draft(nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    doc, st = layers(nlp, "داهمت قسد منزلا في البصيرة.")
    (m,) = read_sentence(lexicon, st, 0)
    draft = EventDraft(None, [m])
    assert to_event(doc, st, draft, None) is None


def test_grouping_takes_the_clashes_that_followed_an_attack_into_it(nlp: Language,
                                                                    lexicon) -> None:  # type: ignore[no-untyped-def]
    _doc, st = layers(nlp, "هاجم مسلحون من داعش حاجزا لقسد في الشحيل، ودارت اشتباكات بين "
                           "الطرفين.")
    finder, roles = MentionFinder(lexicon), RoleReader(lexicon)
    found = finder.find(st, 0)
    assert [m.type for m in found] == ["Attack", "ArmedClash"]
    for m in found:
        roles.read(st, m, set())
    assert [m.type for m in finder.group(st, found)] == ["Attack"]


def test_a_mention_with_no_place_takes_the_settlement_of_the_sentence_before(
        nlp: Language, lexicon) -> None:  # type: ignore[no-untyped-def]
    doc, st = layers(nlp, "داهمت قسد منزلا في البصيرة. وقتل عنصران من داعش بانفجار عبوة "
                          "ناسفة.")
    per_sentence = [read_sentence(lexicon, st, i) for i in range(len(st.sentences))]
    drafts = Coreference(lexicon).merge(st, per_sentence)
    explosion = next(d for d in drafts if d.type == "Explosion")
    assert explosion.place is None and explosion.soft_place is not None
    event = to_event(doc, st, explosion, None)
    assert event is not None and event.place is not None
    assert event.place.mention.entity == "place:busayrah"
