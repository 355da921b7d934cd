"""Tests of the knowledge base: the loader, the alias index, the build script, the RDF."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pyoxigraph
import pytest

from kg.core import iris
from kg.linking.kb import (
    DEFAULT_PATH,
    KnowledgeBase,
    alias_key,
    fold_key,
    kb_version,
    load_kb,
    read_resource,
)
from kg.linking.kb.build import build, main, plausible_name, write_resource
from kg.linking.kb.rdf import kb_quads
from tests.conftest import kb_entity

FIXTURE = Path(__file__).parent / "data" / "kb_shared"


def shared_data() -> Path | None:
    env = os.environ.get("KG_SHARED_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[2] / "shared"
    return base / "data" if (base / "data").is_dir() else None


place = kb_entity


@pytest.fixture(scope="module")
def mini_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The KB built by the real build script from the tiny fixture inputs."""
    resource, _notes = build(FIXTURE, FIXTURE / "build.json", FIXTURE / "supplement.json")
    out = tmp_path_factory.mktemp("kb") / "kb.json.gz"
    write_resource(resource, out)
    return read_resource(out)


# --------------------------------------------------------------------------- names


def test_fold_key_equates_transliteration_variants() -> None:
    forms = ["al-Busayrah", "Busayrah", "Al Buşayrah", "Busayra", "AL-BUSAYRAH", "el-Busayrah"]
    assert len({fold_key(f) for f in forms}) == 1
    assert fold_key("Basra") != fold_key("Busayrah")


def test_fold_key_drops_arabic_articles_and_apostrophes() -> None:
    assert fold_key("دير الزور") == fold_key("دير زور")
    assert fold_key("البصيرة") == fold_key("بصيرة")
    assert fold_key("Hay'at Tahrir al-Sham") == fold_key("Hayat Tahrir ash-Sham") != ""


def test_alias_key_is_the_shared_normaliser() -> None:
    assert alias_key("قوّات سوريا الديمقراطيّة") == "قوات سوريا الديمقراطيه"
    assert alias_key("  Deir  ez-Zor ") == "deir ez-zor"


def test_plausible_name_drops_vowelless_machine_romanisations() -> None:
    assert not plausible_name("nahyt albsyrt")
    assert plausible_name("Bseira") and plausible_name("ناحية البصيرة")


# --------------------------------------------------------------------------- index


@pytest.fixture()
def tiny() -> KnowledgeBase:
    return KnowledgeBase.from_entities(
        [
            place("place:SY", "Country", "سوريا", "Syria", admin_level=0),
            place(
                "place:SY09", "Governorate", "دير الزور", "Deir ez-Zor", "place:SY", admin_level=1
            ),
            place(
                "place:T1",
                "Town",
                "البصيرة",
                "al-Busayrah",
                "place:SY09",
                aliases=("Busayrah",),
                admin_level=4,
            ),
            place(
                "actor:isis",
                "TerroristOrganization",
                "تنظيم الدولة الإسلامية",
                "Islamic State",
                aliases=("داعش",),
            ),
        ],
        redirects={"place:old": "place:T1"},
    )


def test_candidates_strip_clitics(tiny: KnowledgeBase) -> None:
    assert [e.key for e in tiny.candidates("لداعش")] == ["actor:isis"]
    assert [e.key for e in tiny.candidates("وبالبصيرة")] == ["place:T1"]
    assert [e.key for e in tiny.candidates("وداعش")] == ["actor:isis"]


def test_lookup_scores_exact_above_folded(tiny: KnowledgeBase) -> None:
    (exact,) = tiny.lookup("البصيرة")
    (folded,) = tiny.lookup("al-Busayra")
    assert exact.entity.key == folded.entity.key == "place:T1"
    assert exact.match > folded.match > 0


def test_unknown_name_has_no_candidates(tiny: KnowledgeBase) -> None:
    assert tiny.candidates("الميادين") == []
    assert tiny.candidates("") == []


def test_entity_follows_redirects_and_raises_keyerror(tiny: KnowledgeBase) -> None:
    assert tiny.entity("place:old").key == "place:T1"
    assert "place:old" in tiny
    with pytest.raises(KeyError):
        tiny.entity("place:nope")


def test_aliases_yields_normalised_pairs(tiny: KnowledgeBase) -> None:
    pairs = set(tiny.aliases())
    assert ("البصيره", "place:T1") in pairs
    assert ("busayrah", "place:T1") in pairs
    assert all(alias == alias_key(alias) for alias, _ in pairs)


def test_ancestors_chain(tiny: KnowledgeBase) -> None:
    assert [e.key for e in tiny.ancestors("place:T1")] == ["place:SY09", "place:SY"]
    assert tiny.ancestors("place:SY") == []


def test_read_resource_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 99}', encoding="utf-8")
    with pytest.raises(ValueError):
        read_resource(bad)
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError):
        read_resource(bad)
    with pytest.raises(OSError):
        read_resource(tmp_path / "missing.json.gz")


# --------------------------------------------------------------------------- build


def test_build_places_town_under_its_subdistrict(mini_kb: KnowledgeBase) -> None:
    town = mini_kb.entity("place:gn-173927")
    assert town.type == "Town" and town.label_en == "al-Busayrah"  # actor-list label wins
    assert [a.key for a in mini_kb.ancestors(town.key)] == [
        "place:SY090102",
        "place:SY0901",
        "place:SY09",
        "place:SY",
    ]
    assert (town.lat, town.lon) == (35.15618, 40.42716)
    # the seat town takes the subdistrict's plain names, not its formal ones
    assert "Basira" in town.aliases and "ناحية البصيرة" not in town.aliases
    assert "Al Buşayrah" in town.aliases  # the GeoNames label is kept as an alias


def test_build_nearest_subdistrict_and_admin1_mapping(mini_kb: KnowledgeBase) -> None:
    # no namesake subdistrict: under the nearest subdistrict centroid of its governorate
    assert mini_kb.entity("place:gn-900001").parent == "place:SY090102"
    # a city named like a district goes to the district's own (centre) subdistrict
    assert mini_kb.entity("place:gn-170794").parent == "place:SY090100"
    assert mini_kb.entity("place:gn-173811").parent == "place:SY080000"
    assert mini_kb.entity("place:gn-170794").type == "City"
    assert "place:gn-999999" not in mini_kb  # other countries are not read


def test_build_merges_actor_places_and_keeps_redirects(mini_kb: KnowledgeBase) -> None:
    assert mini_kb.entity("place:al_busayrah").key == "place:gn-173927"
    assert mini_kb.entity("place:deir_ez_zor_governorate").key == "place:SY09"
    assert mini_kb.entity("place:SY").wikidata == "Q858"
    assert mini_kb.entity("place:SY09").wikidata == "Q232387"
    # unmerged list place under a governorate becomes a town there
    shuhayl = mini_kb.entity("place:al_shuhayl")
    assert (shuhayl.type, shuhayl.parent) == ("Town", "place:SY09")


def test_build_never_keeps_conflicting_or_supplement_qids(mini_kb: KnowledgeBase) -> None:
    assert mini_kb.entity("place:SY08").wikidata is None  # Q233914 vs Q4: none kept
    assert mini_kb.entity("place:test-hamlet").wikidata is None
    assert mini_kb.entity("place:test-hamlet").parent == "place:SY090102"


def test_build_actors_communities_and_operations(mini_kb: KnowledgeBase) -> None:
    assert mini_kb.entity("actor:dmc").parent == "actor:sdf"
    assert [e.key for e in mini_kb.candidates("قوات قسد")] == ["actor:sdf"]  # supplement alias
    assert [e.key for e in mini_kb.candidates("ردع الإرهاب")] == ["operation:op_test"]
    assert mini_kb.entity("place:C9001").parent == "place:SY080000"
    assert "place:C9002" not in mini_kb  # unknown parent: dropped with a build note


def test_build_is_reproducible(tmp_path: Path) -> None:
    args = [
        "--shared",
        str(FIXTURE),
        "--config",
        str(FIXTURE / "build.json"),
        "--supplement",
        str(FIXTURE / "supplement.json"),
    ]
    assert main([*args, "--out", str(tmp_path / "a.json.gz")]) == 0
    assert main([*args, "--out", str(tmp_path / "b.json.gz")]) == 0
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(shared_data() is None, reason="needs ../shared/data")
def test_shipped_resource_is_what_the_build_makes(tmp_path: Path) -> None:
    data = shared_data()
    assert data is not None
    resource, _notes = build(data)
    shipped = json.loads(gzip.decompress(DEFAULT_PATH.read_bytes()))
    assert resource == shipped, "kb.json.gz is stale: run python -m kg.linking.kb.build"


# --------------------------------------------------------------------------- shipped KB


def test_shipped_kb_busayrah_town_chain() -> None:
    kb = load_kb()
    town = kb.entity("place:al_busayrah")
    assert town.type == "Town" and town.lat and town.lon
    chain = kb.ancestors(town.key)
    assert [e.type for e in chain] == ["Subdistrict", "District", "Governorate", "Country"]
    assert chain[-2].wikidata == "Q232387" and chain[-1].wikidata == "Q858"
    assert kb.entity("place:IQ").wikidata == "Q796"


def test_shipped_kb_actors_have_both_labels() -> None:
    kb = load_kb()
    for key in (
        "actor:sdf",
        "actor:cjtf_oir",
        "actor:sohr",
        "actor:rojava_information_center",
        "actor:isis",
    ):
        ent = kb.entity(key)
        assert ent.label_ar and ent.label_en
    assert kb.entity("actor:isis").wikidata == "Q2429253"
    assert [e.key for e in kb.candidates("مركز معلومات شمال وشرق سوريا")] == [
        "actor:rojava_information_center"
    ]


# --------------------------------------------------------------------------- RDF


def test_rdf_of_a_town(mini_kb: KnowledgeBase) -> None:
    store = pyoxigraph.Store()
    store.extend(kb_quads(mini_kb))
    town = iris.entity_iri("place", "gn-173927")
    query = f"""
        PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
        PREFIX geo: <http://www.opengis.net/ont/geosparql#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?wkt ?gn ?ar ?en ?country WHERE {{
          GRAPH <{iris.KB_GRAPH}> {{
            <{town}> a ckg:Town ; geo:hasGeometry/geo:asWKT ?wkt ; owl:sameAs ?gn ;
                     rdfs:label ?ar, ?en ; ckg:locatedIn+ ?country .
            ?country a ckg:Country ; owl:sameAs ?wd .
            FILTER(lang(?ar) = "ar" && lang(?en) = "en")
          }}
        }}"""
    rows = list(store.query(query))
    assert len(rows) == 1
    row = rows[0]
    assert row["wkt"].value == "POINT(40.42716 35.15618)"
    assert row["wkt"].datatype.value == "http://www.opengis.net/ont/geosparql#wktLiteral"
    assert row["gn"].value == "https://sws.geonames.org/173927/"
    assert row["country"].value == iris.entity_iri("place", "SY")


def test_rdf_links_qids_units_and_stays_in_kb_graph(mini_kb: KnowledgeBase) -> None:
    quads = list(kb_quads(mini_kb))
    assert {q.graph_name.value for q in quads} == {iris.KB_GRAPH}
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    owl_same = "http://www.w3.org/2002/07/owl#sameAs"
    assert (
        iris.entity_iri("actor", "isis"),
        owl_same,
        "http://www.wikidata.org/entity/Q2429253",
    ) in triples
    assert (
        iris.entity_iri("actor", "dmc"),
        "https://w3id.org/conflict-kg/ontology#subUnitOf",
        iris.entity_iri("actor", "sdf"),
    ) in triples
    # no sameAs for entities without a QID from a source
    assert not any(s == iris.entity_iri("actor", "sdf") and p == owl_same for s, p, _ in triples)
    assert list(kb_quads(mini_kb)) == quads  # deterministic


def test_kb_version_changes_with_content(mini_kb: KnowledgeBase, tiny: KnowledgeBase) -> None:
    assert kb_version(mini_kb) == kb_version(mini_kb)
    assert kb_version(mini_kb) != kb_version(tiny)


def test_acronyms_match_only_in_capitals() -> None:
    kb = KnowledgeBase.from_entities(
        [place("place:US", "Country", "الولايات المتحدة", "United States", aliases=("US", "U.S."))]
    )
    assert [e.key for e in kb.candidates("US")] == ["place:US"]
    assert [e.key for e in kb.candidates("U.S")] == ["place:US"]
    assert [e.key for e in kb.candidates("the U.S.")] == ["place:US"]
    assert kb.candidates("us") == []
    assert "us" in kb.acronyms()


def test_short_names_are_not_matched_by_folded_key() -> None:
    kb = KnowledgeBase.from_entities([place("place:T", "Town", "عيري", "Aere")])
    assert kb.candidates("area") == []  # folds like "Aere" but is too short to trust
    assert [e.key for e in kb.candidates("AERE")] == ["place:T"]


def test_alias_key_equals_the_shared_normaliser_on_every_name() -> None:
    from kg.core.text import normalize, normalize_text
    from kg.linking.kb import normalize_chars

    names = [n for e in load_kb() for n in (e.label_ar, e.label_en, *e.aliases) if n]
    names += ["  قوّاتٌ\u200f «قسد»  ", "Ḩalab – ٣٤", "ﻻ"]
    assert [alias_key(n) for n in names] == [normalize_text(n) for n in names]
    text = "قالت «قسد» إنّ ٥ عناصر\nفي  Ḩalab"
    assert normalize_chars(text) == normalize(text).text


def test_rdf_parent_predicates_respect_place_actor_disjointness() -> None:
    kb = load_kb()
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in kb_quads(kb)}
    ckg = "https://w3id.org/conflict-kg/ontology#"

    def has(s: tuple[str, str], p: str, o: tuple[str, str]) -> bool:
        return (iris.entity_iri(*s), ckg + p, iris.entity_iri(*o)) in triples

    assert has(("actor", "russian_armed_forces"), "basedIn", ("place", "RU"))
    assert not has(("actor", "russian_armed_forces"), "subUnitOf", ("place", "RU"))
    assert has(("actor", "asayish"), "subUnitOf", ("place", "aanes"))  # a polity
    assert has(("actor", "ypg"), "subUnitOf", ("actor", "sdf"))
    assert has(("person", "rami_abdulrahman"), "memberOf", ("actor", "sohr"))
    assert has(("operation", "oir"), "hasActor", ("actor", "cjtf_oir"))
    town = kb.entity("place:al_busayrah")
    assert has(("place", town.local), "locatedIn", ("place", "SY090102"))


def test_build_extends_to_a_new_country_by_configuration(tmp_path: Path) -> None:
    config = json.loads((FIXTURE / "build.json").read_text(encoding="utf-8"))
    config["geonames"]["countries"] = ["SY", "XX"]
    path = tmp_path / "build.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    resource, _notes = build(FIXTURE, path, FIXTURE / "supplement.json")
    rows = {row[0]: row for row in resource["entities"]}  # type: ignore[union-attr, index]
    assert rows["place:gn-999999"][6] == "place:XX"  # parent: the new country
    assert rows["place:XX"][1] == "Country"
