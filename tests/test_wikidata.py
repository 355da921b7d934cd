"""Tests of the opt-in Wikidata client against a local server speaking the API's JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad

from kg.cli import main
from kg.core import iris
from kg.graph.store import open_store
from kg.linking.kb import load_kb
from kg.linking.wikidata import (
    RECONCILIATION_GRAPH,
    Reconciler,
    WikidataClient,
    WikidataError,
    find_targets,
    quickstatements,
    reconcile_store,
)

SCHEMA = "https://schema.org/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL_SAME = "http://www.w3.org/2002/07/owl#sameAs"


def claim(prop: str, qid: str, rank: str = "normal") -> dict[str, Any]:
    return {
        "mainsnak": {
            "snaktype": "value",
            "property": prop,
            "datavalue": {
                "value": {"entity-type": "item", "id": qid, "numeric-id": int(qid[1:])},
                "type": "wikibase-entityid",
            },
        },
        "type": "statement",
        "rank": rank,
    }


def item(qid: str, ar: str | None, en: str | None, **claims: list[str]) -> dict[str, Any]:
    labels = {lang: {"language": lang, "value": v} for lang, v in (("ar", ar), ("en", en)) if v}
    return {
        "type": "item",
        "id": qid,
        "labels": labels,
        "aliases": {},
        "claims": {p: [claim(p, q) for q in qs] for p, qs in claims.items()},
    }


#: The fake Wikidata: a village in Deir ez-Zor, homonyms that must be rejected, classes.
ITEMS: dict[str, dict[str, Any]] = {
    "Q1001": item(
        "Q1001", "البصيرة", "Al-Busayrah", P31=["Q532"], P17=["Q858"], P131=["Q12247008"]
    ),
    "Q1002": item("Q1002", "البصيرة", "Basira", P31=["Q4167410"]),  # a disambiguation page
    "Q1003": item("Q1003", "البصيرة", None, P31=["Q532"], P17=["Q796"]),  # in Iraq
    "Q1004": item("Q1004", "البصيرة", None, P31=["Q9999"], P17=["Q858"]),  # village in Syria
    "Q1005": item("Q1005", "البصيرة الجديدة", None, P31=["Q532"], P17=["Q858"]),  # prefix only
    "Q2001": item("Q2001", "جيش الاختبار", "Test Army", P31=["Q9998"]),
    "Q2002": item("Q2002", "جيش الاختبار", None, P31=["Q5"]),  # a person of that name
    "Q9999": item("Q9999", None, "village in Syria", P279=["Q532"]),
    "Q9998": item("Q9998", None, "armed organization", P279=["Q9997"]),
    "Q9997": item("Q9997", None, "organisation kind", P279=["Q43229"]),
    "Q532": item("Q532", None, "village", P279=["Q486972"]),
    "Q4167410": item("Q4167410", None, "disambiguation page"),
    "Q5": item("Q5", None, "human"),
}


class FakeWikidata(BaseHTTPRequestHandler):
    requests_seen: list[dict[str, str]] = []
    #: how many next requests get "429 Too Many Requests"
    busy: int = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        type(self).requests_seen.append(params)
        if type(self).busy > 0:
            type(self).busy -= 1
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if params.get("action") == "wbsearchentities":
            text, lang = params["search"].lower(), params["language"]
            hits = []
            for qid, it in ITEMS.items():
                label = it["labels"].get(lang, {}).get("value", "")
                if label and label.lower().startswith(text):
                    hits.append(
                        {
                            "id": qid,
                            "title": qid,
                            "label": label,
                            "match": {"type": "label", "language": lang, "text": label},
                        }
                    )
            body: dict[str, Any] = {
                "searchinfo": {"search": params["search"]},
                "search": hits,
                "success": 1,
            }
        elif params.get("action") == "wbgetentities":
            ids = params["ids"].split("|")
            body = {
                "entities": {q: ITEMS.get(q, {"id": q, "missing": ""}) for q in ids},
                "success": 1,
            }
        else:
            body = {"error": {"code": "badvalue", "info": "Unrecognized value for action"}}
        data = json.dumps(body).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def api() -> Iterator[str]:
    FakeWikidata.requests_seen = []
    FakeWikidata.busy = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWikidata)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    server.shutdown()
    server.server_close()


def client_for(api: str, cache: Path | None = None) -> WikidataClient:
    return WikidataClient(api, cache, min_interval=0.0, timeout=5)


# --------------------------------------------------------------------------- client


def test_cache_answers_repeated_requests(api: str, tmp_path: Path) -> None:
    client = client_for(api, tmp_path / "cache")
    first = client.search("البصيرة", "ar")
    assert {h["id"] for h in first} == {"Q1001", "Q1002", "Q1003", "Q1004", "Q1005"}
    again = client_for(api, tmp_path / "cache").search("البصيرة", "ar")
    assert again == first
    assert len(FakeWikidata.requests_seen) == 1
    assert FakeWikidata.requests_seen[0]["format"] == "json"


def test_rate_limit_spaces_requests(api: str) -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    client = WikidataClient(api, None, min_interval=2.0, clock=lambda: now[0], sleep=sleep)
    client.search("a", "en")
    now[0] += 0.5
    client.search("b", "en")
    assert slept == [pytest.approx(1.5)]


def test_api_errors_are_typed(api: str) -> None:
    with pytest.raises(WikidataError):
        client_for(api).get({"action": "nonsense"})
    with pytest.raises(WikidataError):
        client_for("http://127.0.0.1:9/w/api.php").search("x", "en")


# --------------------------------------------------------------------------- decisions


def test_reconcile_checks_name_class_country_and_location(api: str) -> None:
    reconciler = Reconciler(client_for(api))
    decision = reconciler.reconcile(
        ["البصيرة"], "place", countries={"Q858"}, parents={"Q12247008", "Q232387"}
    )
    assert decision.qid == "Q1001"
    assert decision.checks["class not allowed"] == ["Q1002"]
    assert decision.checks["country not in context"] == ["Q1003"]
    assert decision.checks["name mismatch"] == ["Q1005"]
    assert sorted(decision.checks["passed"]) == ["Q1001", "Q1004"]  # Q1004 via P279


def test_two_equal_candidates_mean_no_link(api: str) -> None:
    decision = Reconciler(client_for(api)).reconcile(
        ["البصيرة"], "place", countries={"Q858"}, parents=set()
    )
    assert decision.qid is None and decision.reason.startswith("ambiguous")


def test_places_need_a_context_country(api: str) -> None:
    decision = Reconciler(client_for(api)).reconcile(
        ["البصيرة"], "place", countries=set(), parents={"Q12247008"}
    )
    assert decision.qid is None


def test_actor_class_is_checked_through_superclasses(api: str) -> None:
    decision = Reconciler(client_for(api)).reconcile(
        ["جيش الاختبار"], "actor", countries=set(), parents=set()
    )
    assert decision.qid == "Q2001"
    assert decision.checks["class not allowed"] == ["Q2002"]


# --------------------------------------------------------------------------- store


def seed_store(path: Path) -> Any:
    """A store with one report naming the KB town al-Busayrah and a NIL actor."""
    store = open_store(path)
    graph = NamedNode(iris.report_graph("r1"))
    report = NamedNode(iris.report_iri("r1"))
    town = NamedNode(iris.entity_iri("place", "gn-173927"))
    local = NamedNode(iris.entity_iri("actor", iris.local_key("جيش الاختبار")))
    store.extend(
        [
            Quad(report, NamedNode(SCHEMA + "url"), Literal("https://example.org/r1"), graph),
            Quad(report, NamedNode(SCHEMA + "mentions"), town, graph),
            Quad(report, NamedNode(SCHEMA + "mentions"), local, graph),
            Quad(local, NamedNode(RDFS_LABEL), Literal("جيش الاختبار", language="ar"), graph),
        ]
    )
    return store


def test_reconcile_store_writes_links_with_provenance(api: str, tmp_path: Path) -> None:
    kb = load_kb()
    store = seed_store(tmp_path / "store")
    try:
        targets = {t.iri: t for t in find_targets(store, kb)}
        town = iris.entity_iri("place", "gn-173927")
        assert targets[town].countries == {"Q858"}
        assert "Q232387" in targets[town].parents
        summary = reconcile_store(store, kb, client_for(api))
        local = iris.entity_iri("actor", iris.local_key("جيش الاختبار"))
        assert summary.linked == {town: "Q1001", local: "Q2001"}
        links = {
            (q.subject.value, q.object.value)
            for q in store.match(None, NamedNode(OWL_SAME), None, NamedNode(RECONCILIATION_GRAPH))
        }
        assert (town, "http://www.wikidata.org/entity/Q1001") in links
        rows = list(
            store.query(f"""
            PREFIX prov: <http://www.w3.org/ns/prov#>
            PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            SELECT ?src ?when WHERE {{ GRAPH <{RECONCILIATION_GRAPH}> {{
              ?link rdf:subject <{town}> ; prov:wasDerivedFrom ?src ; prov:generatedAtTime ?when
            }} }}""")
        )
        assert len(rows) == 1 and rows[0]["src"].value == api
        # linked entities are not looked up again
        assert find_targets(store, kb) == []
        lines = list(quickstatements(store, kb))
    finally:
        store.close()
    ref = 'S854|"https://example.org/r1"'
    assert f"Q1001|P625|@35.15618/40.42716|{ref}|S248|Q830106" in lines
    assert f'Q1001|P1566|"173927"|{ref}' in lines
    assert f"Q1001|P131|Q12247008|{ref}" in lines
    assert all(ref in line for line in lines)


def test_cli_link_online_and_quickstatements(api: str, tmp_path: Path) -> None:
    seed_store(tmp_path / "store").close()
    env = {
        "KG_WIKIDATA_API": api,
        "KG_WIKIDATA_CACHE": str(tmp_path / "cache"),
        "KG_WIKIDATA_MIN_INTERVAL": "0",
        "KG_CONFIG": str(tmp_path / "none.toml"),
    }
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["link", "--online", "--store", str(tmp_path / "store")], env=env)
    assert result.exit_code == 0, result.output
    assert "linked: 2" in result.output
    out = tmp_path / "qs.txt"
    result = runner.invoke(
        main,
        ["link", "--quickstatements", "--store", str(tmp_path / "store"), "-o", str(out)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "Q1001|P625|" in out.read_text(encoding="utf-8")


def test_busy_api_is_retried_then_given_up(api: str) -> None:
    FakeWikidata.busy = 2
    client = client_for(api)
    assert client.search("جيش الاختبار", "ar")[0]["id"] == "Q2001"
    assert len(FakeWikidata.requests_seen) == 3
    assert all(r["maxlag"] == "5" for r in FakeWikidata.requests_seen)
    FakeWikidata.busy = 10
    with pytest.raises(WikidataError):
        client.search("البصيرة", "ar")
