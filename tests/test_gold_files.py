"""The project's own gold files (``tests/data/gold/``) follow ``EVAL_FORMAT.md``.

Every record is checked against the schema (fields, event types, roles, statuses,
dates, QIDs), every name against the text it annotates (after the shared
normaliser, allowing proclitics), and each set against the coverage it promises in
``tests/data/gold/README.md``. QIDs are checked against the shared data when it is
present (``KG_SHARED_DIR`` or ``../shared``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.core.text import clitic_variants, detect_language, normalize_text

GOLD_DIR = Path(__file__).resolve().parent / "data" / "gold"

#: Gold file of each set and the language of its reports.
GOLD_FILES: dict[str, tuple[str, str]] = {
    "dev": ("dev-ar.gold.jsonl", "ar"),
    "test": ("test-ar.gold.jsonl", "ar"),
    "en": ("en.gold.jsonl", "en"),
}

EVENT_TYPES = frozenset({
    "ArmedClash", "Attack", "Raid", "Airstrike", "Shelling", "Explosion", "SuicideBombing",
    "Assassination", "Arrest", "Abduction", "Curfew", "PrisonBreak", "MilitaryOperation",
})
ROLES = frozenset({"perpetrator", "supporter", "target", "imposer", "participant"})
STATUSES = frozenset({"killed", "injured", "arrested", "abducted", "missing"})

RECORD_KEYS = frozenset({"id", "lang", "published", "source", "url", "text", "events"})
RECORD_OPTIONAL = frozenset({"notes"})
EVENT_KEYS = frozenset({"type", "date", "place", "actors", "casualties", "according_to",
                        "background"})
EVENT_OPTIONAL = frozenset({"name"})
PLACE_KEYS = frozenset({"name", "wikidata", "admin1"})
ACTOR_KEYS = frozenset({"names", "wikidata", "role"})
CASUALTY_KEYS = frozenset({"status", "count", "affiliation"})

QID = re.compile(r"Q[1-9][0-9]*")
#: Dates at the three precisions EVAL_FORMAT allows.
DATE_FORMATS: dict[str, re.Pattern[str]] = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
}
#: How many events of each type a set must hold (dev and test), and other promises.
MIN_PER_TYPE = 2
MIN_REPORTS = {"dev": 20, "test": 20, "en": 5}

Record = dict[str, Any]


def read_records(name: str) -> list[Record]:
    """All records of one gold file.

    Args:
        name: a key of :data:`GOLD_FILES`.

    Returns:
        The parsed JSON objects, one per non-empty line.
    """
    path = GOLD_DIR / GOLD_FILES[name][0]
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def all_records() -> Iterator[tuple[str, Record]]:
    """Every record of every gold file with the name of its set."""
    for name in GOLD_FILES:
        for record in read_records(name):
            yield name, record


RECORDS = list(all_records())
RECORD_IDS = [record["id"] for _, record in RECORDS]


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", normalize_text(text))


def occurs_in(name: str, text: str) -> bool:
    """Whether a name occurs in a text as whole tokens, after normalisation.

    The first token may carry proclitics in the text (``لداعش`` holds ``داعش``,
    ``للنظام`` holds ``النظام``); punctuation and quotes between tokens are ignored.

    >>> occurs_in("داعش", "قتل عناصر لداعش")
    True
    >>> occurs_in("البصيرة", "قرب البصيرات")
    False

    Args:
        name: the name as annotated.
        text: the report text.

    Returns:
        ``True`` when the name is found.
    """
    wanted, words = _tokens(name), _tokens(text)
    if not wanted:
        return False
    for i in range(len(words) - len(wanted) + 1):
        first = {form for form, _ in clitic_variants(words[i])}
        if wanted[0] in first and words[i + 1:i + len(wanted)] == wanted[1:]:
            return True
    return False


def date_precision(value: str) -> str | None:
    """The precision of an ISO date string, or ``None`` when it is not one.

    >>> date_precision("2021-12"), date_precision("2021-13"), date_precision("13/12/2021")
    ('month', None, None)
    """
    for precision, pattern in DATE_FORMATS.items():
        if pattern.fullmatch(value):
            try:
                dt.date.fromisoformat({"day": value, "month": value + "-01",
                                       "year": value + "-01-01"}[precision])
            except ValueError:
                return None
            return precision
    return None


def _is_qid(value: object) -> bool:
    return isinstance(value, str) and QID.fullmatch(value) is not None


# --------------------------------------------------------------------------- helpers


def test_occurs_in_allows_clitics_and_rejects_partial_words() -> None:
    assert occurs_in("قوات سوريا الديمقراطية", "وقالت لقوات سوريا الديمقراطيّة")
    assert not occurs_in("قوات سوريا الديمقراطية", "قوات سوريا الديموقراطية")
    assert occurs_in("الجيش السوري", "قصف للجيش السوري")
    assert occurs_in("هيئة تحرير الشام", 'عنصران من "هيئة تحرير الشام"')
    assert occurs_in("تحرير", "هيئة تحرير الشام")
    assert not occurs_in("الشام", "الشامي")
    assert not occurs_in("", "نص")


def test_date_precision_rejects_impossible_dates() -> None:
    assert date_precision("2024-02-29") == "day"
    assert date_precision("2023-02-29") is None
    assert date_precision("2019") == "year"
    assert date_precision("2019-1") is None


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_file_is_json_lines_of_objects(name: str) -> None:
    path = GOLD_DIR / GOLD_FILES[name][0]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines, f"{path} is empty"
    for number, line in enumerate(lines, 1):
        assert line.strip(), f"{path}:{number}: blank line"
        assert isinstance(json.loads(line), dict), f"{path}:{number}: not an object"


def test_ids_are_unique_across_files() -> None:
    duplicates = [i for i, n in Counter(RECORD_IDS).items() if n > 1]
    assert not duplicates


def test_held_out_texts_are_not_in_dev() -> None:
    dev = {normalize_text(r["text"]) for r in read_records("dev")}
    assert not [r["id"] for r in read_records("test") if normalize_text(r["text"]) in dev]


@pytest.mark.parametrize("name", ["dev", "test", "en"])
def test_set_size(name: str) -> None:
    assert len(read_records(name)) >= MIN_REPORTS[name]


@pytest.mark.parametrize("name", ["dev", "test"])
def test_every_event_type_is_covered(name: str) -> None:
    counts = Counter(e["type"] for r in read_records(name) for e in r["events"])
    thin = {t: counts[t] for t in EVENT_TYPES if counts[t] < MIN_PER_TYPE}
    assert not thin, f"{name}: too few events of {thin}"


@pytest.mark.parametrize("name", ["dev", "test", "en"])
def test_set_holds_the_hard_cases(name: str) -> None:
    records = read_records(name)
    events = [e for r in records for e in r["events"]]
    assert any(not r["events"] for r in records), "no report without events"
    assert any(e["background"] for e in events), "no background event"
    assert any(e.get("name") for e in events), "no named operation"
    assert any(len(r["events"]) > 1 for r in records), "no report with several events"
    assert any(sum(a["role"] == "perpetrator" for a in e["actors"]) > 1 for e in events), (
        "no joint operation")
    if name != "en":
        assert any(r["published"] is None for r in records), "no report without a date"


# --------------------------------------------------------------------------- records


@pytest.mark.parametrize(("name", "record"), RECORDS, ids=RECORD_IDS)
def test_record_fields(name: str, record: Record) -> None:
    keys = set(record)
    assert keys >= RECORD_KEYS, f"missing {RECORD_KEYS - keys}"
    assert keys <= RECORD_KEYS | RECORD_OPTIONAL, f"unknown {keys - RECORD_KEYS - RECORD_OPTIONAL}"
    assert isinstance(record["id"], str) and record["id"]
    assert record["lang"] == GOLD_FILES[name][1]
    assert isinstance(record["text"], str) and record["text"].strip()
    assert detect_language(record["text"]) == record["lang"]
    assert record["source"] is None or isinstance(record["source"], str)
    assert record["url"] is None or isinstance(record["url"], str)
    assert isinstance(record.get("notes", ""), str)
    assert isinstance(record["events"], list)
    published = record["published"]
    assert published is None or date_precision(published) == "day", published


@pytest.mark.parametrize(("name", "record"), RECORDS, ids=RECORD_IDS)
def test_event_fields(name: str, record: Record) -> None:
    for index, event in enumerate(record["events"]):
        where = f"{record['id']} event {index}"
        keys = set(event)
        assert keys >= EVENT_KEYS, f"{where}: missing {EVENT_KEYS - keys}"
        assert keys <= EVENT_KEYS | EVENT_OPTIONAL, f"{where}: unknown keys"
        assert event["type"] in EVENT_TYPES, where
        assert isinstance(event["background"], bool), where
        assert event.get("name") is None or isinstance(event["name"], str), where
        date = event["date"]
        assert date is None or date_precision(date) is not None, f"{where}: date {date!r}"
        if date is not None and record["published"] is not None:
            assert date <= record["published"], f"{where}: dated after publication"
        place = event["place"]
        if place is not None:
            assert set(place) == PLACE_KEYS, where
            assert isinstance(place["name"], str) and place["name"], where
            for key in ("wikidata", "admin1"):
                assert place[key] is None or _is_qid(place[key]), f"{where}: {key}"
        for actor in event["actors"]:
            assert set(actor) == ACTOR_KEYS, where
            assert actor["role"] in ROLES, f"{where}: role {actor['role']!r}"
            assert actor["names"] and all(isinstance(n, str) and n for n in actor["names"])
            assert len(set(actor["names"])) == len(actor["names"]), f"{where}: repeated name"
            assert actor["wikidata"] is None or _is_qid(actor["wikidata"]), where
        for casualty in event["casualties"]:
            assert set(casualty) == CASUALTY_KEYS, where
            assert casualty["status"] in STATUSES, f"{where}: status {casualty['status']!r}"
            count = casualty["count"]
            assert count is None or (type(count) is int and count > 0), f"{where}: {count!r}"
            affiliation = casualty["affiliation"]
            assert affiliation is None or isinstance(affiliation, str), where
        assert isinstance(event["according_to"], list), where
        assert all(isinstance(s, str) and s for s in event["according_to"]), where


@pytest.mark.parametrize(("name", "record"), RECORDS, ids=RECORD_IDS)
def test_names_occur_in_the_text(name: str, record: Record) -> None:
    """Places, actors (first name = the form as written), sources, operation names and
    affiliations given as names are all in the text."""
    text = record["text"]
    missing: list[str] = []
    for event in record["events"]:
        wanted = [a["names"][0] for a in event["actors"]] + list(event["according_to"])
        if event["place"] is not None:
            wanted.append(event["place"]["name"])
        if event.get("name"):
            wanted.append(event["name"])
        wanted += [c["affiliation"] for c in event["casualties"]
                   if c["affiliation"] and not _is_qid(c["affiliation"])]
        missing += [n for n in wanted if not occurs_in(n, text)]
    assert not missing, f"{record['id']}: not in the text: {missing}"


@pytest.mark.parametrize(("name", "record"), RECORDS, ids=RECORD_IDS)
def test_qid_affiliations_belong_to_an_actor(name: str, record: Record) -> None:
    for event in record["events"]:
        qids = {a["wikidata"] for e in record["events"] for a in e["actors"]}
        for casualty in event["casualties"]:
            if _is_qid(casualty["affiliation"]):
                assert casualty["affiliation"] in qids, record["id"]


# --------------------------------------------------------------------------- shared data


def _geo_qids(shared: Path) -> tuple[set[str], set[str]]:
    """(every place QID, first-level division QIDs) from the shared geography and actors."""
    places: set[str] = set()
    admin1: set[str] = set()
    geo = shared / "data" / "opensyria-geography"
    for file in ("governorates.json", "districts.json", "subdistricts.json"):
        data = json.loads((geo / file).read_text(encoding="utf-8"))
        items = data["items"] if isinstance(data, dict) else data
        for item in items:
            qid = (item.get("externalIds") or {}).get("wikidata")
            if qid:
                places.add(qid)
                if file == "governorates.json":
                    admin1.add(qid)
    for actor in _actors(shared):
        if actor["type"] == "Place" and actor["wikidata"]:
            places.add(actor["wikidata"])
            if actor["label_en"].endswith(("Governorate", "Province")):
                admin1.add(actor["wikidata"])
    return places, admin1


def _actors(shared: Path) -> list[Record]:
    path = shared / "data" / "actors" / "actors.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def test_qids_come_from_the_shared_data(shared: Path) -> None:
    places, admin1 = _geo_qids(shared)
    by_qid = {a["wikidata"]: a for a in _actors(shared) if a["wikidata"]}
    wrong: list[str] = []
    for _, record in RECORDS:
        for event in record["events"]:
            place = event["place"] or {}
            if place.get("wikidata") and place["wikidata"] not in places:
                wrong.append(f"{record['id']}: place {place['wikidata']}")
            if place.get("admin1") and place["admin1"] not in admin1:
                wrong.append(f"{record['id']}: admin1 {place['admin1']}")
            for actor in event["actors"]:
                qid = actor["wikidata"]
                if qid is None:
                    continue
                entry = by_qid.get(qid)
                if entry is None or entry["type"] == "Place":
                    wrong.append(f"{record['id']}: actor {qid} not an actor of the list")
                    continue
                known = {normalize_text(n) for n in [entry["label_ar"], entry["label_en"],
                                                     *entry["aliases_ar"], *entry["aliases_en"]]}
                if not known & {normalize_text(n) for n in actor["names"]}:
                    wrong.append(f"{record['id']}: actor {qid} names {actor['names']}")
    assert not wrong


def test_actors_with_a_listed_qid_carry_it(shared: Path) -> None:
    """An actor whose names include a listed label or alias of a QID entry uses that QID."""
    listed: dict[str, str] = {}
    for entry in _actors(shared):
        if entry["wikidata"] and entry["type"] != "Place":
            for n in [entry["label_ar"], entry["label_en"], *entry["aliases_ar"],
                      *entry["aliases_en"]]:
                listed[normalize_text(n)] = entry["wikidata"]
    wrong = []
    for _, record in RECORDS:
        for event in record["events"]:
            for actor in event["actors"]:
                qids = {listed[k] for k in map(normalize_text, actor["names"]) if k in listed}
                if qids and actor["wikidata"] not in qids:
                    wrong.append(f"{record['id']}: {actor['names'][0]} {sorted(qids)}")
    assert not wrong
