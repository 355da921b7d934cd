"""Pages for people and linked data: entity pages (HTML and RDF), ontology, query page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

ID = "https://w3id.org/conflict-kg/id/"
CKG = "https://w3id.org/conflict-kg/ontology#"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class Page(HTMLParser):
    """Collects links, text, and the text of elements marked right-to-left."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.rtl: list[str] = []
        self.text: list[str] = []
        self._rtl_depth = 0
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if found.get("dir") == "rtl" or self._rtl_depth:
            self._rtl_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._rtl_depth:
            self._rtl_depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._rtl_depth:
            self.rtl.append(data)


def test_actor_page_lists_events_with_roles(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/id/actor/isis", headers=HTML)
    assert response.status_code == 200
    page = Page(response.data.decode())
    assert "تنظيم الدولة الإسلامية" in "".join(page.rtl)
    assert "Islamic State" in "".join(page.text)
    # both events in which it was the target, linked to their own pages
    assert "/id/event/r1-attack-0" in page.links
    assert "/id/event/r2-airstrike-3" in page.links
    assert "Events this actor took part in" in response.data.decode()
    assert "http://www.wikidata.org/entity/Q2429253" in page.links
    assert response.data.decode().count(">target<") == 2


def test_place_page_shows_hierarchy_and_events(client) -> None:  # type: ignore[no-untyped-def]
    page = Page(client.get("/id/place/C1234", headers=HTML).data.decode())
    text = "".join(page.text)
    assert "Manbij District" in text and "Aleppo Governorate" in text
    assert "/id/place/SY0203" in page.links and "/id/place/SY02" in page.links
    assert "/id/event/r1-attack-0" in page.links
    assert "POINT(37.95 36.53)" in text
    governorate = Page(client.get("/id/place/SY02", headers=HTML).data.decode())
    assert "/id/place/SY0203" in governorate.links  # what it contains


def test_report_page_marks_trigger_spans(client) -> None:  # type: ignore[no-untyped-def]
    markup = client.get("/id/report/r1", headers=HTML).data.decode()
    assert '<mark>هاجمت</mark>' in markup
    assert 'dir="rtl"' in markup
    assert "/id/event/r1-attack-0" in Page(markup).links


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"),
                                        ("application/ld+json", "json-ld"),
                                        ("application/rdf+xml", "xml"),
                                        ("application/n-triples", "nt")])
def test_entity_rdf_by_content_negotiation(client, accept, fmt) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/id/actor/sdf", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    graph = Graph().parse(data=response.data, format=fmt)
    sdf = URIRef(ID + "actor/sdf")
    assert (sdf, RDFS.label, Literal("قوات سوريا الديمقراطية", lang="ar")) in graph
    assert (sdf, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q19851787")) in graph
    assert (URIRef(ID + "event/r1-attack-0"), URIRef(CKG + "perpetrator"), sdf) in graph


def test_unknown_entity_is_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/id/actor/nobody", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_ontology_page_and_rdf(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/ontology", headers=HTML)
    assert html.status_code == 200
    page = Page(html.data.decode())
    assert "ckg:Airstrike" in "".join(page.text)
    assert page.rtl  # Arabic labels and comments
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (URIRef(CKG + "Airstrike"), RDF.type, OWL.Class) in graph
    jsonld = client.get("/ontology?format=jsonld")
    assert len(Graph().parse(data=jsonld.data, format="json-ld")) == len(graph)


def test_query_page_is_self_contained(client) -> None:  # type: ignore[no-untyped-def]
    markup = client.get("/").data.decode()
    assert "<textarea" in markup and "Who attacked whom" in markup
    assert "http://" not in markup.split("<body>")[0].replace("http://www.w3.org", "")
    script = client.get("/static/query.js")
    assert script.status_code == 200 and b"fetch(" in script.data
    assert client.get("/static/style.css").status_code == 200


def test_example_queries_run(client) -> None:  # type: ignore[no-untyped-def]
    from server.pages import EXAMPLES

    for title, query in EXAMPLES:
        response = client.post("/sparql", data={"query": query})
        assert response.status_code == 200, (title, response.data)
    attacks = client.post("/sparql", data={"query": EXAMPLES[1][1]}).json
    rows = attacks["results"]["bindings"]
    assert [(r["attackerName"]["value"], r["targetName"]["value"]) for r in rows] == [
        ("Syrian Democratic Forces", "Islamic State")]


def test_status_reports_worker_figures(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/status").json
    assert data["ok"] is True and data["quads"] >= 64
    assert 0 < data["worker"]["open_seconds"] < 5


def test_void_description(client) -> None:  # type: ignore[no-untyped-def]
    from rdflib.namespace import VOID

    response = client.get("/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.data
    graph = Graph().parse(data=response.data, format="turtle")
    dataset = URIRef("http://localhost/void#dataset")
    assert (dataset, VOID.sparqlEndpoint, URIRef("http://localhost/sparql")) in graph
    assert int(graph.value(dataset, VOID.triples)) >= 64
    linksets = list(graph.subjects(VOID.linkPredicate, OWL.sameAs))
    assert linksets  # the Wikidata links of the sample
    as_jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=as_jsonld.data, format="json-ld")) == len(graph)


def test_entity_path_cannot_inject_sparql(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sent: list[dict] = []
    pool = client.application.extensions["kg"].pool
    original = pool.run

    def spy(job, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(job)
        return original(job, **kwargs)

    monkeypatch.setattr(pool, "run", spy)
    path = "/id/actor/x> ?p ?o } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #"
    response = client.get(path.replace(" ", "%20"), headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert sent == []  # refused before any SPARQL was built


@pytest.mark.parametrize("path", ["/ontology", "/sparql"])
@pytest.mark.parametrize("media_type", ["application/n-quads", "application/trig"])
def test_one_graph_in_a_dataset_format(client, path: str, media_type: str) -> None:  # type: ignore[no-untyped-def]
    """The ontology and the service description are one graph each: asked for in N-Quads
    or TriG they come as that graph in the default graph, not as a server error."""
    from pyoxigraph import DefaultGraph, RdfFormat, parse

    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.content_type.startswith(media_type)
    quads = list(parse(response.get_data(), RdfFormat.from_media_type(media_type)))
    assert quads and all(q.graph_name == DefaultGraph() for q in quads)
