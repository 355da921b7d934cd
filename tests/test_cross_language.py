"""The same incident told in Arabic and in English becomes the same facts in the graph:
event type, place (same IRI), date and actors (same IRIs). The two reports are written
for this test in the style of the two press traditions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.core.model import Document
from kg.graph.store import open_store
from kg.pipeline.ingest import Processor, ingest

ARABIC = ("داهمت قوات سوريا الديمقراطية بدعم من التحالف الدولي منزلا في بلدة البصيرة بريف "
          "دير الزور الشرقي يوم الاثنين، واعتقلت قياديا في تنظيم داعش، بحسب المرصد السوري "
          "لحقوق الإنسان.")
ENGLISH = ("The Syrian Democratic Forces, backed by the International Coalition, raided a house "
           "in the town of al-Busayrah in eastern Deir ez-Zor on Monday and arrested an ISIS "
           "leader, the Syrian Observatory for Human Rights said.")

FACTS = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?lang ?type ?date ?place ?actor ?role ?source WHERE {
  ?e ckg:reportedIn ?r ; a ?type ; ckg:date ?date ; ckg:place ?place ; ckg:accordingTo ?source ;
     ckg:hasParticipation ?p .
  ?p ckg:agent ?actor ; ckg:role ?role .
  ?r <https://schema.org/inLanguage> ?lang .
  FILTER(STRSTARTS(STR(?type), STR(ckg:)) && ?type != ckg:Event)
}"""


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[tuple[str, ...]]]:
    store = open_store(Path(tmp_path_factory.mktemp("pair")) / "store")
    published = dt.date(2021, 12, 15)
    docs = [Document(ARABIC, url="https://example.org/ar", published=published, lang="ar"),
            Document(ENGLISH, url="https://example.org/en", published=published, lang="en")]
    summary = ingest(store, iter(docs), processor=Processor(None))
    assert summary.ok and summary.reports == 2
    out: dict[str, set[tuple[str, ...]]] = {"ar": set(), "en": set()}
    for row in store.query(FACTS):
        lang, *rest = (term.value for term in row)
        out[lang].add(tuple(rest))
    store.close()
    return out


def test_both_languages_give_facts(facts: dict[str, set[tuple[str, ...]]]) -> None:
    assert facts["ar"] and facts["en"]


def test_the_same_incident_gives_the_same_facts(facts: dict[str, set[tuple[str, ...]]]) -> None:
    assert facts["ar"] == facts["en"]
    types = {row[0].rsplit("#", 1)[-1] for row in facts["ar"]}
    assert types == {"Raid"}
    roles = {(row[3].rsplit("/", 1)[-1], row[4].rsplit("#", 1)[-1]) for row in facts["ar"]}
    assert roles == {("sdf", "PerpetratorRole"), ("cjtf_oir", "SupporterRole"),
                     ("isis", "TargetRole")}
    assert {(row[1], row[2].rsplit("/", 1)[-1], row[5].rsplit("/", 1)[-1])
            for row in facts["ar"]} == {("2021-12-13", "gn-173927", "sohr")}
