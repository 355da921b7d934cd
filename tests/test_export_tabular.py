"""kg.exchange.tabular through kg.exchange.export: the ACLED-style CSV and GeoJSON of the
seed report.

The expected rows are what an ACLED coder would write for the seed (report-ar-000):
six reported events in al-Busayrah (Deir ez-Zor), the background events left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from kg.exchange.export import ExportError, export
from kg.exchange.selection import Selection
from kg.exchange.tabular import ACLED_COLUMNS, ACLED_TYPES
from kg.graph.store import GraphStore
from tests.export_fixture import seed_store_fixture  # noqa: F401 - a fixture

SDF, IS, COALITION = ("Syrian Democratic Forces", "Islamic State",
                      "Combined Joint Task Force – Operation Inherent Resolve")
DMC = "Deir ez-Zor Military Council"

#: (date, event_type, sub_event_type, actor1, assoc_actor_1, actor2, fatalities, class)
EXPECTED = sorted([
    ("2021-12-13", "Battles", "Armed clash", SDF, COALITION, IS, "5", "Raid"),
    ("2021-12-13", "Strategic developments", "Other", SDF, "", "", "0", "Curfew"),
    ("2021-12-12", "Battles", "Armed clash", SDF, "", IS, "0", "ArmedClash"),
    ("2021-12-12", "Battles", "Armed clash", IS, "", DMC, "0", "Attack"),
    ("2021-12-12", "Battles", "Armed clash", IS, "", SDF, "0", "Attack"),
    ("2021-12-12", "Strategic developments", "Arrests", SDF, "", IS, "0", "Raid"),
])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_acled_csv_of_the_seed_has_the_coders_rows(seed_store: GraphStore,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    result = export(seed_store, out, fmt="acled")
    rows = read_csv(out)
    assert result.items == len(rows) == 6
    assert list(rows[0]) == list(ACLED_COLUMNS)
    got = sorted((r["event_date"], r["event_type"], r["sub_event_type"], r["actor1"],
                  r["assoc_actor_1"], r["actor2"], r["fatalities"], r["conflict_kg_type"])
                 for r in rows)
    assert got == EXPECTED
    for row in rows:
        assert (row["country"], row["iso"]) == ("Syria", "760")
        assert (row["admin1"], row["admin2"], row["admin3"]) == (
            "Deir ez-Zor Governorate", "Deir ez-Zor", "Basira")
        assert row["location"] == "al-Busayrah"
        assert (row["latitude"], row["longitude"]) == ("35.15618", "40.42716")
        assert row["geo_precision"] == "1" and row["time_precision"] == "1"
        assert row["year"] == "2021"
        assert row["event_iri"].startswith("https://w3id.org/conflict-kg/id/event/")
    raid = next(r for r in rows if r["fatalities"] == "5")
    assert raid["source"] == "Syrian Democratic Forces; Syrian Observatory for Human Rights"
    assert raid["notes"].startswith("Raid on 2021-12-13 in al-Busayrah. Report: ")
    assert "أدت إلى مقتل 5 عناصر" in raid["notes"]  # the sentence, in Arabic
    curfew = next(r for r in rows if r["conflict_kg_type"] == "Curfew")
    assert "حظر تجول" in curfew["notes"]


def test_acled_mapping_covers_every_event_type() -> None:
    from kg.core.model import EVENT_TYPES

    assert set(ACLED_TYPES) == set(EVENT_TYPES)
    for rules in ACLED_TYPES.values():
        assert rules[-1][0] is None  # a fallback always applies


def test_geojson_has_every_event_with_points(seed_store: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    result = export(seed_store, out)
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert result.items == len(features) == 11
    busayra = [f for f in features if f["properties"].get("location") == "al-Busayrah"]
    assert len(busayra) == 8
    assert all(f["geometry"] == {"type": "Point", "coordinates": [40.42716, 35.15618]}
               for f in busayra)
    sur = next(f for f in features if f["properties"].get("location") == "Sur")
    assert sur["properties"]["background"] is True
    assert sur["properties"]["conflict_kg_type"] == "PrisonBreak"
    assert sur["properties"]["date"] is None
    # the 2019 operation names no place, the 2020 one a place nobody has coordinates for
    # (minted locally, not in the knowledge base): null geometry, still features
    nowhere = [f for f in features if f["geometry"] is None]
    assert sorted(f["properties"]["date"] for f in nowhere) == ["2019", "2020"]
    east = next(f for f in features if f["properties"].get("date") == "2020")
    assert east["properties"]["location"] == "شرقي سوريا"
    assert "geo_precision" not in east["properties"]


def test_event_filters_choose_rows(seed_store: GraphStore, tmp_path: Path) -> None:
    def rows(selection: Selection) -> list[dict[str, str]]:
        out = tmp_path / "x.csv"
        export(seed_store, out, selection=selection)
        return read_csv(out)

    assert {r["conflict_kg_type"] for r in rows(Selection(types=("Raid",)))} == {"Raid"}
    assert len(rows(Selection(types=("Raid", "Curfew")))) == 3
    assert {r["event_date"] for r in rows(Selection(since=dt.date(2021, 12, 13)))} == {
        "2021-12-13"}
    assert len(rows(Selection(until=dt.date(2021, 12, 12)))) == 4
    # by a name of an enclosing unit (Arabic), and by a place IRI
    assert len(rows(Selection(places=("محافظة دير الزور",)))) == 6
    assert len(rows(Selection(
        places=("https://w3id.org/conflict-kg/id/place/SY09",)))) == 6
    with pytest.raises(ExportError, match="nothing matches"):
        rows(Selection(places=("Aleppo",)))


def test_month_precision_counts_as_the_whole_month(seed_store: GraphStore,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    export(seed_store, out, selection=Selection(since=dt.date(2021, 12, 20),
                                                until=dt.date(2021, 12, 31)))
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["date"] for f in features] == ["2021-12"]
    assert features[0]["properties"]["event_date"] == "2021-12-01"
    assert features[0]["properties"]["time_precision"] == 3


def test_csv_to_stdout_is_rfc4180(seed_store: GraphStore,
                                  capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    export(seed_store, None, fmt="acled", selection=Selection(types=("Curfew",)))
    data = capsysbinary.readouterr().out
    assert data.count(b"\r\n") == 2
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[1][ACLED_COLUMNS.index("event_type")] == "Strategic developments"


def test_names_in_arabic_when_asked(seed_store: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "ar.csv"
    export(seed_store, out, fmt="acled", selection=Selection(types=("Curfew",)),
           label_lang="ar")
    row = read_csv(out)[0]
    assert (row["actor1"], row["location"], row["admin1"], row["country"]) == (
        "قوات سوريا الديمقراطية", "البصيرة", "محافظة دير الزور", "سوريا")
    assert row["event_type"] == "Strategic developments"  # ACLED's codes stay English
