"""The event scorer on hand-made gold/predicted pairs (independent of the extractor)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kg.core.model import Casualty, Document, Event, Mention, Participation, PlaceRef, Report, Span
from kg.core.model import TimeValue as TV
from kg.linking.kb import KBEntity, KnowledgeBase
from kg.pipeline.evaluation import read_gold, to_eval_record
from kg.pipeline.scoring import (
    EvalFormatError,
    assign,
    dates_agree,
    names_agree,
    places_agree,
    score,
)

ISIS = {"names": ["داعش", "Islamic State"], "wikidata": "Q2429253"}
SDF = {"names": ["قوات سوريا الديموقراطية", "قسد"], "wikidata": None}
BUSAYRAH = {"name": "البصيرة", "wikidata": None, "admin1": "Q232387"}


def actor(who: dict[str, Any], role: str) -> dict[str, Any]:
    return {**copy.deepcopy(who), "role": role}


def event(type_: str = "Raid", date: str | None = "2021-12-13",
          place: dict[str, Any] | None = BUSAYRAH, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": type_, "date": date, "place": copy.deepcopy(place),
        "actors": [actor(SDF, "perpetrator"), actor(ISIS, "target")],
        "casualties": [{"status": "killed", "count": 5, "affiliation": "Q2429253"}],
        "according_to": ["المرصد السوري لحقوق الإنسان"], "background": False,
    }
    base.update(extra)
    return base


def record(*events: dict[str, Any], id: str = "r1") -> dict[str, Any]:
    return {"id": id, "lang": "ar", "events": list(events)}


def test_perfect_prediction_scores_one_everywhere() -> None:
    gold = [record(event(), event("Curfew", actors=[actor(SDF, "imposer")], casualties=[]))]
    result = score(gold, copy.deepcopy(gold))
    assert (result.events.tp, result.events.fp, result.events.fn) == (2, 0, 0)
    assert result.events.f1 == result.relaxed.f1 == result.actor_roles.f1 == 1.0
    assert result.casualties.value == result.attribution.value == result.dates.value == 1.0
    assert result.place_links.value == 1.0  # admin1 of both events
    assert all(d.empty for d in result.diffs)


def test_missing_event_lowers_recall_and_is_listed() -> None:
    gold = [record(event(), event("Curfew", actors=[actor(SDF, "imposer")]))]
    pred = [record(event())]
    result = score(gold, pred)
    assert result.events.precision == 1.0
    assert result.events.recall == 0.5
    assert len(result.diffs[0].missed) == 1 and result.diffs[0].missed[0].startswith("Curfew")
    assert result.diffs[0].spurious == []


def test_wrong_type_is_missed_and_spurious() -> None:
    result = score([record(event("Raid"))], [record(event("Attack"))])
    assert (result.events.tp, result.events.fp, result.events.fn) == (0, 1, 1)
    assert result.relaxed.tp == 0
    assert result.diffs[0].spurious[0].startswith("Attack")


@pytest.mark.parametrize(("gold", "pred", "strict_tp", "date_right"), [
    ("2021-12", "2021-12-13", 1, 0),     # finer prediction agrees at the gold precision
    ("2021-12-13", "2021-12", 0, 0),     # coarser prediction does not
    ("2021-12-13", "2021-12-12", 0, 0),  # another day does not
    ("2019", "2019", 1, 1),
    (None, "2020-01-01", 1, 0),          # no gold date: any date is accepted
])
def test_dates_agree_at_gold_precision(gold: str | None, pred: str, strict_tp: int,
                                       date_right: int) -> None:
    result = score([record(event(date=gold))], [record(event(date=pred))])
    assert result.events.tp == strict_tp
    assert result.relaxed.tp == 1
    assert (result.dates.right, result.dates.total) == (date_right, 1)
    if not strict_tp:
        assert "predicted date" in result.diffs[0].missed[0]


def test_dates_agree_function() -> None:
    assert dates_agree("2021", "2021-03-04")
    assert not dates_agree("2021", "20210")
    assert not dates_agree("2021-01", None)


def test_names_with_one_letter_words_agree() -> None:
    assert names_agree("A local source", "a local source")
    assert not names_agree("A local source", "A military source")


def test_place_names_ignore_clitics_article_and_spelling_forms() -> None:
    assert names_agree("بالبصيرة", "البصيره")
    assert names_agree("وبلدة البصيرة", "البصيرة") is False  # clitic on the kind word
    assert names_agree("بلدة البصيرة", "البصيرة")
    assert not names_agree("البصيرة", "الشحيل")
    assert places_agree(BUSAYRAH, {"name": "بالبصيرة", "wikidata": None})
    assert not places_agree(BUSAYRAH, {"name": "الشحيل", "wikidata": None})
    assert not places_agree(BUSAYRAH, None)
    assert places_agree(None, {"name": "الشحيل"})  # no gold place: anything goes


def test_a_place_at_another_level_of_the_hierarchy_does_not_match() -> None:
    governorate = {"name": "دير الزور", "wikidata": "Q232387", "admin1": "Q232387"}
    # the governorate predicted where gold has a town in it, and the other way round
    assert not places_agree(BUSAYRAH, governorate)
    assert not places_agree(governorate, {"name": "البصيرة", "wikidata": None,
                                          "admin1": "Q232387"})
    # the same governorate by QID, or by a shared name, does
    assert places_agree(governorate, {"name": "Deir ez-Zor", "wikidata": "Q232387"})
    assert places_agree({"name": "محافظة دير الزور", "wikidata": None}, governorate)
    # an alias listed by the prediction counts
    assert places_agree(BUSAYRAH, {"name": "Busayrah", "names": ["البصيرة"]})
    result = score([record(event())], [record(event(place=governorate))])
    assert (result.events.tp, result.relaxed.tp) == (0, 0)


def test_matching_is_one_to_one_with_duplicates() -> None:
    gold = [record(event(), event(date="2021-12-12"))]
    # two predictions of the first event, none of the second
    pred = [record(event(), event())]
    result = score(gold, pred)
    assert (result.events.tp, result.events.fp, result.events.fn) == (1, 1, 1)
    # duplicated gold, one prediction
    result = score([record(event(), event())], [record(event())])
    assert (result.events.tp, result.events.fp, result.events.fn) == (1, 0, 1)


def test_matching_maximises_pairs() -> None:
    # greedy in order would pair gold 0 with pred 0 and leave gold 1 unmatched
    g0 = event(date="2021-12")
    g1 = event(date="2021-12-13")
    p0 = event(date="2021-12-13")
    p1 = event(date="2021-12-05")
    result = score([record(g0, g1)], [record(p0, p1)])
    assert result.events.tp == 2


def test_assign_is_deterministic_and_maximal() -> None:
    weights = [[0.1, 0.1, None], [0.1, None, None], [None, 0.1, 0.1]]
    assert assign(weights) == [(0, 1), (1, 0), (2, 2)]
    assert assign(weights) == assign(weights)
    assert assign([]) == [] and assign([[], []]) == []


def test_actor_names_normalised_and_roles_checked() -> None:
    gold = [record(event())]
    pred_event = event(actors=[
        {"names": ["لقوات سوريا الديموقراطيّة"], "wikidata": None, "role": "perpetrator"},
        {"names": ["وداعش"], "wikidata": None, "role": "participant"},  # wrong role
        {"names": ["التحالف الدولي"], "wikidata": None, "role": "supporter"},  # extra
    ])
    result = score(gold, [record(pred_event)])
    assert (result.actor_roles.tp, result.actor_roles.fp, result.actor_roles.fn) == (1, 2, 1)
    wrong = "\n".join(result.diffs[0].wrong)
    assert "داعش:target" in wrong and "التحالف الدولي:supporter" in wrong
    # by QID alone, whatever the names
    by_qid = event(actors=[actor(SDF, "perpetrator"),
                           {"names": ["ISIL"], "wikidata": "Q2429253", "role": "target"}])
    assert score(gold, [record(by_qid)]).actor_roles.f1 == 1.0


def test_casualties_need_status_count_and_affiliation() -> None:
    gold = [record(event())]
    cases = [
        ({"status": "killed", "count": 5, "affiliation": "داعش"}, 1),  # name of the QID actor
        ({"status": "killed", "count": 5, "affiliation": "Q2429253"}, 1),
        ({"status": "injured", "count": 5, "affiliation": "Q2429253"}, 0),
        ({"status": "killed", "count": None, "affiliation": "Q2429253"}, 0),
        ({"status": "killed", "count": 5, "affiliation": "قسد"}, 0),
        ({"status": "killed", "count": 5, "affiliation": "الدولة الإسلامية"}, 0),  # no alias
    ]
    for casualty, right in cases:
        result = score(gold, [record(event(casualties=[casualty]))])
        # a wrong casualty is both a missed gold one and a spurious predicted one
        assert (result.casualties.right, result.casualties.total) == (right, 2 - right), casualty
    # a spurious extra casualty counts against accuracy
    extra = [{"status": "killed", "count": 5, "affiliation": "Q2429253"},
             {"status": "arrested", "count": 2, "affiliation": None}]
    result = score(gold, [record(event(casualties=extra))])
    assert (result.casualties.right, result.casualties.total) == (1, 2)


def test_attribution_is_set_equality_by_name() -> None:
    gold = [record(event(according_to=["المرصد السوري لحقوق الإنسان", "قسد"]))]
    same = event(according_to=["قسد", "للمرصد السوري لحقوق الانسان"])
    assert score(gold, [record(same)]).attribution.value == 1.0
    # a source written as another gold alias of a gold actor of the report
    alias = event(according_to=["المرصد السوري لحقوق الإنسان", "قوات سوريا الديموقراطية"])
    assert score(gold, [record(alias)]).attribution.value == 1.0
    partial = score(gold, [record(event(according_to=["قسد"]))])
    assert partial.attribution.value == 0.0
    assert (partial.sources.tp, partial.sources.fn) == (1, 1)


def test_background_scored_apart() -> None:
    gold = [record(event(), event("MilitaryOperation", date="2019", background=True))]
    pred = [record(event(background=True), event("MilitaryOperation", date="2019"))]
    result = score(gold, pred)
    assert result.events.tp == 2
    assert (result.background.right, result.background.total) == (0, 1)
    assert (result.background_false.right, result.background_false.total) == (1, 1)
    assert (result.gold_background, result.predicted_background) == (1, 1)
    assert result.reported.tp == 0  # the reported event was predicted as background


def test_place_links_count_gold_qids() -> None:
    gold = [record(event(place={"name": "البصيرة", "wikidata": "Q1", "admin1": "Q232387"}))]
    pred = [record(event(place={"name": "البصيرة", "wikidata": None, "admin1": "Q232387"}))]
    result = score(gold, pred)
    assert (result.place_links.right, result.place_links.total) == (1, 2)


def test_missing_prediction_counts_as_no_events() -> None:
    result = score([record(event()), record(event(), id="r2")], [record(event())])
    assert (result.events.tp, result.events.fn) == (1, 1)
    assert result.reports == 2


def test_table_and_json_carry_every_metric() -> None:
    result = score([record(event())], [record(event("Attack"))])
    table = result.format_table()
    for name in ("events (strict)", "actor roles", "casualties", "dates", "place links",
                 "attribution", "background"):
        assert name in table
    data = json.loads(json.dumps(result.as_dict()))
    assert data["events"]["fn"] == 1 and data["diffs"][0]["spurious"]


def _kb() -> KnowledgeBase:
    def ent(key: str, type_: str, ar: str, en: str, qid: str | None, parent: str | None,
            level: int | None) -> KBEntity:
        return KBEntity(key, key.split(":")[0], type_, ar, en, (), qid, parent, None, None,
                        None, None, level, "SY", 0.5)

    return KnowledgeBase.from_entities([
        ent("place:SY", "Country", "سوريا", "Syria", "Q858", None, 0),
        ent("place:SY09", "Governorate", "دير الزور", "Deir ez-Zor", "Q232387", "place:SY", 1),
        ent("place:SY0901", "District", "دير الزور", "Deir ez-Zor", None, "place:SY09", 2),
        ent("place:T1", "Town", "البصيرة", "Busayrah", None, "place:SY0901", 4),
        ent("actor:isis", "ArmedGroup", "داعش", "Islamic State", "Q2429253", None, None),
    ])


def test_the_district_around_the_gold_town_is_not_the_town() -> None:
    gold = [record(event())]  # the town of البصيرة in Q232387
    district = {"name": "منطقة دير الزور", "wikidata": None, "admin1": "Q232387",
                "key": "place:SY0901"}
    assert score(gold, [record(event(place=district))]).events.tp == 0
    town = {"name": "Busayrah", "wikidata": None, "names": ["البصيرة", "Busayrah"]}
    assert score(gold, [record(event(place=town))]).events.tp == 1


def _mention(text: str, start: int, kind: str, entity: str | None = None) -> Mention:
    return Mention(Span(start, start + len(text), text), kind,  # type: ignore[arg-type]
                   entity=entity, name=text)


def test_to_eval_record_round_trips_through_the_scorer() -> None:
    text = "داهمت قسد البصيرة وقتلت 5 من داعش بحسب المرصد"
    isis = _mention("داعش", text.index("داعش"), "actor", "actor:isis")
    ev = Event(
        type="Raid", trigger=Span(0, 5, "داهمت"), sentence=Span(0, len(text), text),
        date=TV("2021-12-13", "day", None),
        place=PlaceRef(_mention("البصيرة", text.index("البصيرة"), "place", "place:T1")),
        actors=[Participation(_mention("قسد", 6, "actor"), "perpetrator"),
                Participation(isis, "target")],
        casualties=[Casualty("killed", 5, isis)],
        according_to=[_mention("المرصد", text.index("المرصد"), "outlet")],
        confidence=0.8,
    )
    report = Report(Document(text, published=None), "ar", events=[ev])
    rec = to_eval_record(report, id="r1", kb=_kb())
    out = rec["events"][0]
    assert out["place"]["admin1"] == "Q232387"
    assert "ancestors" not in out["place"]
    assert out["actors"][1]["wikidata"] == "Q2429253"
    assert "Islamic State" in out["actors"][1]["names"]
    assert out["casualties"][0]["affiliation"] == "Q2429253"
    assert out["spans"]["trigger"] == [0, 5] and out["confidence"] == 0.8
    json.dumps(rec)  # JSON-ready
    gold = record(event(according_to=["المرصد"], actors=[actor(SDF, "perpetrator"),
                                                           actor(ISIS, "target")]))
    result = score([gold], [rec])
    assert result.events.tp == 1 and result.actor_roles.f1 == 1.0
    assert result.casualties.value == 1.0 and result.place_links.value == 1.0
    # without the KB only what the text says is known: admin1 and the QID are missing
    bare = to_eval_record(report, id="r1")
    assert bare["events"][0]["place"]["admin1"] is None
    assert score([gold], [bare]).place_links.value == 0.0


def test_read_gold_resolves_text_files_and_rejects_bad_lines(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("نص التقرير", encoding="utf-8")
    gold = tmp_path / "g.gold.jsonl"
    lines = [{"id": "a", "text_file": "a.txt", "events": []},
             {"id": "b", "text": "inline", "events": []}]
    gold.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    assert [(r["id"], t) for r, t in read_gold(gold)] == [("a", "نص التقرير"), ("b", "inline")]
    gold.write_text('{"id": "c", "events": []}\n', encoding="utf-8")
    with pytest.raises(EvalFormatError, match="g.gold.jsonl:1"):
        list(read_gold(gold))
    gold.write_text("not json\n", encoding="utf-8")
    with pytest.raises(EvalFormatError, match="not JSON"):
        list(read_gold(gold))


def test_casualty_affiliation_name_resolved_through_gold_actors() -> None:
    injured = {"status": "injured", "count": None, "affiliation": "قوات سوريا الديموقراطية"}
    gold = [record(event(casualties=[injured]))]
    pred = [record(event(casualties=[{**injured, "affiliation": "قسد"}]))]
    assert score(gold, pred).casualties.value == 1.0
    by_qid = {**injured, "affiliation": "Q2429253"}  # the other side
    assert score(gold, [record(event(casualties=[by_qid]))]).casualties.value == 0.0


# --------------------------------------------------------------------------- end to end
# The real extractor and linker on short reports written for these tests.

E2E_TEXTS = {
    "a": "قصفت طائرات حربية بلدة البصيرة بريف دير الزور الشرقي أمس، وقُتل ثلاثة مدنيين، "
         "بحسب المرصد السوري لحقوق الإنسان.",
    "b": "اعتقلت قوات الأمن خمسة أشخاص في مدينة الموصل يوم الاثنين.",
    "c": "افتتح المحافظ معرضاً للكتاب في المدينة.",
}


@pytest.fixture
def e2e_gold(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(E2E_TEXTS["a"], encoding="utf-8")
    records = [
        {"id": "a", "lang": "ar", "published": "2021-12-14", "text_file": "a.txt",
         "events": [{"type": "Airstrike", "date": "2021-12-13",
                     "place": {"name": "البصيرة", "wikidata": None, "admin1": None},
                     "actors": [], "casualties": [], "according_to": [],
                     "background": False}]},
        # the gold type is wrong on purpose: the diff must show why nothing matched
        {"id": "b", "lang": "ar", "published": "2022-03-02", "text": E2E_TEXTS["b"],
         "events": [{"type": "Raid", "date": "2022-02-28",
                     "place": {"name": "الموصل", "wikidata": None, "admin1": None},
                     "actors": [], "casualties": [], "according_to": [],
                     "background": False}]},
        {"id": "c", "lang": "ar", "published": None, "text": E2E_TEXTS["c"], "events": []},
    ]
    path = tmp_path / "e2e.gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    return path


def test_evaluate_runs_extractor_and_links(e2e_gold: Path) -> None:
    from kg.pipeline.evaluation import evaluate

    result = evaluate(e2e_gold)
    assert result.reports == 3 and result.failed_reports == 0
    diffs = {d.id: d for d in result.diffs}
    assert not diffs["a"].missed, diffs["a"].missed  # the airstrike matched strictly
    assert diffs["b"].missed and diffs["b"].missed[0].startswith("Raid")
    assert any(s.startswith("Arrest") for s in diffs["b"].spurious)
    assert diffs["c"].empty  # a report without events gives none
    assert result.events.tp == 1 and result.events.fn == 1


def test_kg_eval_command_prints_table_and_json(e2e_gold: Path, runner: Any) -> None:
    from kg.cli import main

    out = runner.invoke(main, ["eval", str(e2e_gold)])
    assert out.exit_code == 0, out.output
    assert "events (strict)" in out.output and "- missed   Raid" in out.output
    out = runner.invoke(main, ["eval", str(e2e_gold), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["events"]["tp"] == 1 and data["reports"] == 3
    bad = e2e_gold.with_name("bad.gold.jsonl")
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    out = runner.invoke(main, ["eval", str(bad)])
    assert out.exit_code != 0 and "bad.gold.jsonl:1" in out.output


def test_kg_eval_on_the_seed_meets_the_issue_target(shared: Path, runner: Any) -> None:
    from kg.cli import main

    out = runner.invoke(main, ["eval", str(shared / "seed" / "report-ar-000.gold.jsonl"),
                               "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["events"]["f1"] >= 0.9
    assert data["actor_roles"]["f1"] == 1.0
    assert data["casualties"]["accuracy"] == 1.0
    bg = data["background"]
    assert bg["marked_background"] == bg["matched_gold_background"] == bg["gold"]
    assert bg["reported_marked_background"] == 0
