"""Opt-in online reconciliation with Wikidata, and a Wikidata-ready export.

Nothing here runs unless asked (``kg link --online``): the shipped KB is enough
offline. For entities of the store without a Wikidata link, :class:`Reconciler`
searches the Wikidata API (``wbsearchentities``), fetches the candidates
(``wbgetentities``) and accepts one only when

* one of its Arabic or English labels or aliases is the entity's name (the same
  normalised or folded key the linker uses), and
* its class (P31, or a superclass of it up to :data:`MAX_CLASS_DEPTH` P279 steps) is
  one of the classes allowed for the entity's kind (:data:`ALLOWED_CLASSES`), and
* for places: its country (P17) is one the entity's context names; a located-in
  (P131) match with a known parent makes it preferred, and
* exactly one candidate passes (two equally good candidates mean no link).

Every answer is cached on disk (one JSON file per request) and requests are spaced
by a minimum interval. Each accepted link is written to the reconciliation graph
with its provenance: which API, which search, which checks passed, when.

:func:`quickstatements` lists statements the graph holds that Wikidata could take,
in QuickStatements v1 syntax, each with a reference (``S854``) to the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD

from kg import __version__
from kg.core import iris
from kg.linking.kb import KBEntity, KnowledgeBase, alias_key, fold_key
from ontology.namespace import SCHEMA, WD

#: Named graph holding links found online and their provenance.
RECONCILIATION_GRAPH = iris.GRAPH + "reconciliation"

#: Wikidata classes (QIDs) an entity of each kind may be an instance of (or of a subclass).
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    # human settlement, village, town, city, big city, administrative territorial entity,
    # country, river, geographic region
    "place": frozenset(
        {"Q486972", "Q532", "Q3957", "Q515", "Q1549591", "Q56061", "Q6256", "Q4022", "Q82794"}
    ),
    # organization, military unit, armed forces
    "actor": frozenset({"Q43229", "Q176799", "Q8473"}),
    # human
    "person": frozenset({"Q5"}),
    # military operation, battle, war, military campaign
    "operation": frozenset({"Q645883", "Q178561", "Q198", "Q831663"}),
    # news agency, newspaper, news website, organization
    "outlet": frozenset({"Q192283", "Q11032", "Q1153191", "Q43229"}),
    # prison, military base, refugee camp, facility, building
    "facility": frozenset({"Q40357", "Q245016", "Q622425", "Q13226383", "Q41176"}),
}

#: Kinds whose candidates must be in a country the context names (P17).
COUNTRY_CHECKED: frozenset[str] = frozenset({"place", "facility"})

#: How many P279 (subclass of) steps the class check climbs.
MAX_CLASS_DEPTH = 3

#: Wikidata properties used.
P_INSTANCE, P_SUBCLASS, P_COUNTRY, P_LOCATED = "P31", "P279", "P17", "P131"

#: ``maxlag`` sent with every request, in seconds.
MAXLAG = 5

#: Retries of a request the API refused as busy (HTTP 429/503 or a maxlag error).
RETRIES = 3

#: Seconds to wait before retrying when the API does not say (``Retry-After``).
DEFAULT_RETRY_AFTER = 5.0

USER_AGENT = f"conflict-kg/{__version__} (https://w3id.org/conflict-kg; reconciliation)"

_PROV_NOTE = NamedNode(str(RDFS.comment))


class WikidataError(OSError):
    """The Wikidata API could not be reached or answered with an error."""


class WikidataClient:
    """A small client of the Wikidata API with an on-disk cache and a rate limit."""

    def __init__(
        self,
        base_url: str,
        cache_dir: str | Path | None,
        *,
        min_interval: float = 1.0,
        timeout: float = 20.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Prepare a client.

        Args:
            base_url: the ``api.php`` URL (setting ``wikidata_api``).
            cache_dir: folder for cached answers (``None``: no cache).
            min_interval: seconds between two requests that reach the network.
            timeout: seconds to wait for one answer.
            session: a ``requests`` session to use.
            clock: monotonic clock (for tests).
            sleep: sleep function (for tests).
        """
        self.base_url = base_url
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.min_interval = min_interval
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        #: requests that reached the network / were answered from the cache
        self.fetched = 0
        self.cached = 0

    def _cache_path(self, params: Mapping[str, str]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([self.base_url, sorted(params.items())], ensure_ascii=False)
        return self.cache_dir / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ".json")

    def get(self, params: Mapping[str, str]) -> dict[str, Any]:
        """One API request (``format=json`` is added), from the cache when answered before.

        Raises:
            WikidataError: the request failed or the API answered with an error.
        """
        params = {**params, "format": "json"}
        path = self._cache_path(params)
        if path is not None and path.is_file():
            self.cached += 1
            return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        # maxlag asks the API to refuse work while its replicas lag (etiquette for bots)
        sent = {**params, "maxlag": str(MAXLAG)}
        for attempt in range(RETRIES + 1):
            self._wait_turn()
            try:
                response = self.session.get(self.base_url, params=sent, timeout=self.timeout)
                self._last = self._clock()
                busy = response.status_code in (429, 503)
                if not busy:
                    response.raise_for_status()
                    data = response.json()
                    busy = isinstance(data, dict) and (data.get("error") or {}).get("code") == (
                        "maxlag"
                    )
            except (requests.RequestException, ValueError) as exc:
                raise WikidataError(f"Wikidata API request failed: {exc}") from None
            if not busy:
                break
            if attempt == RETRIES:
                raise WikidataError("Wikidata API busy (rate limited or lagging); try later")
            self._sleep(_retry_after(response.headers.get("Retry-After")))
        if not isinstance(data, dict) or "error" in data:
            info = data.get("error", {}).get("info") if isinstance(data, dict) else data
            raise WikidataError(f"Wikidata API error: {info}")
        self.fetched += 1
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return data

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self.min_interval - (self._clock() - self._last)
            if wait > 0:
                self._sleep(wait)

    def search(self, name: str, lang: str, *, limit: int = 10) -> list[dict[str, Any]]:
        """``wbsearchentities``: items whose label or alias starts with ``name``."""
        data = self.get(
            {
                "action": "wbsearchentities",
                "search": name,
                "language": lang,
                "uselang": lang,
                "type": "item",
                "limit": str(limit),
            }
        )
        return list(data.get("search") or [])

    def entities(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """``wbgetentities``: labels, aliases and claims of items (in batches of 50)."""
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}
        for i in range(0, len(wanted), 50):
            data = self.get(
                {
                    "action": "wbgetentities",
                    "ids": "|".join(wanted[i : i + 50]),
                    "props": "labels|aliases|claims",
                    "languages": "ar|en",
                }
            )
            for qid, item in (data.get("entities") or {}).items():
                if "missing" not in item:
                    found[qid] = item
        return found


def _retry_after(header: str | None) -> float:
    try:
        return max(0.0, float(header)) if header else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


def claim_ids(item: Mapping[str, Any], prop: str) -> list[str]:
    """Item values of a property, skipping deprecated statements."""
    values = []
    for claim in (item.get("claims") or {}).get(prop) or []:
        if claim.get("rank") == "deprecated":
            continue
        value = ((claim.get("mainsnak") or {}).get("datavalue") or {}).get("value")
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            values.append(value["id"])
    return values


def item_names(item: Mapping[str, Any]) -> list[str]:
    """Arabic and English labels and aliases of an item."""
    names = [v.get("value", "") for v in (item.get("labels") or {}).values()]
    for values in (item.get("aliases") or {}).values():
        names.extend(v.get("value", "") for v in values)
    return [n for n in names if n]


@dataclass(slots=True)
class Decision:
    """The outcome of reconciling one name."""

    qid: str | None
    #: what was checked, in words (kept as provenance)
    reason: str
    candidates: int = 0
    checks: dict[str, list[str]] = field(default_factory=dict)


class Reconciler:
    """Finds a Wikidata item for a name, or none, by type and context checks."""

    def __init__(self, client: WikidataClient) -> None:
        """Use ``client`` for all requests."""
        self.client = client
        self._superclasses: dict[str, set[str]] = {}

    def _classes_ok(self, classes: list[str], allowed: frozenset[str]) -> bool:
        frontier = set(classes)
        seen: set[str] = set()
        for _ in range(MAX_CLASS_DEPTH + 1):
            if frontier & allowed:
                return True
            seen |= frontier
            unknown = [c for c in frontier if c not in self._superclasses]
            if unknown:
                for qid, item in self.client.entities(unknown).items():
                    self._superclasses[qid] = set(claim_ids(item, P_SUBCLASS))
                for qid in unknown:
                    self._superclasses.setdefault(qid, set())
            frontier = set().union(*(self._superclasses[c] for c in frontier)) - seen
            if not frontier:
                return False
        return bool(frontier & allowed)

    def reconcile(
        self, names: list[str], kind: str, *, countries: set[str], parents: set[str]
    ) -> Decision:
        """Decide on one entity.

        Args:
            names: the entity's names (Arabic and/or English), best first.
            kind: ``place``, ``actor``, ``person``, ``operation``, ``outlet``, ``facility``.
            countries: QIDs of countries the entity's context names (for P17).
            parents: QIDs of places known to contain it (for P131).

        Returns:
            The decision; ``qid`` is ``None`` unless exactly one candidate passes.
        """
        allowed = ALLOWED_CLASSES.get(kind)
        if not allowed or not names:
            return Decision(None, f"kind {kind!r} is not reconciled")
        keys = {alias_key(n) for n in names} | {fold_key(n) for n in names}
        hits: list[str] = []
        for name in names[:2]:
            lang = "ar" if any("\u0600" <= ch <= "\u06ff" for ch in name) else "en"
            hits.extend(h["id"] for h in self.client.search(name, lang) if "id" in h)
        hits = list(dict.fromkeys(hits))
        if not hits:
            return Decision(None, "no search results")
        items = self.client.entities(hits)
        passed: list[tuple[str, bool]] = []
        checks: dict[str, list[str]] = defaultdict(list)
        for qid in hits:
            item = items.get(qid)
            if item is None:
                continue
            if not keys & (
                {alias_key(n) for n in item_names(item)} | {fold_key(n) for n in item_names(item)}
            ):
                checks["name mismatch"].append(qid)
                continue
            if not self._classes_ok(claim_ids(item, P_INSTANCE), allowed):
                checks["class not allowed"].append(qid)
                continue
            if kind in COUNTRY_CHECKED and not set(claim_ids(item, P_COUNTRY)) & countries:
                checks["country not in context"].append(qid)
                continue
            located = bool(set(claim_ids(item, P_LOCATED)) & parents)
            checks["passed"].append(qid)
            passed.append((qid, located))
        located_ones = [q for q, ok in passed if ok]
        if len(passed) == 1:
            qid = passed[0][0]
        elif len(located_ones) == 1:
            qid = located_ones[0]
        else:
            reason = "no candidate passed" if not passed else f"ambiguous: {len(passed)} passed"
            return Decision(None, reason, len(hits), dict(checks))
        why = (
            f"wbsearchentities {names[:2]!r} → {len(hits)} candidates; {qid}: name, class "
            f"({kind})"
            + (", country P17" if kind in COUNTRY_CHECKED else "")
            + (", located in P131" if qid in located_ones else "")
            + " checked"
        )
        return Decision(qid, why, len(hits), dict(checks))


@dataclass(slots=True)
class Target:
    """An entity of the store to reconcile."""

    iri: str
    kind: str
    names: list[str]
    countries: set[str]
    parents: set[str]


@dataclass(slots=True)
class ReconcileSummary:
    """What a reconciliation run did."""

    considered: int = 0
    linked: dict[str, str] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)
    fetched: int = 0
    cached: int = 0


def _kind_of(iri: str) -> str | None:
    if not iri.startswith(iris.ID):
        return None
    return iri[len(iris.ID) :].split("/", 1)[0]


def _kb_by_iri(kb: KnowledgeBase) -> dict[str, KBEntity]:
    return {iris.entity_iri(e.kind, e.local): e for e in kb}


def find_targets(store: Any, kb: KnowledgeBase) -> list[Target]:
    """Entities mentioned in reports that have no Wikidata link yet.

    KB entities without a QID get their names and the QIDs of their ancestors as
    context; entities minted for NIL mentions get their label and the countries of
    the KB places named in the same reports.
    """
    by_iri = _kb_by_iri(kb)
    linked = {
        q.subject.value
        for q in store.match(
            None, NamedNode(str(OWL.sameAs)), None, NamedNode(RECONCILIATION_GRAPH)
        )
    }
    mentioned: dict[str, set[str]] = defaultdict(set)  # entity → report graphs
    for quad in store.match(None, NamedNode(str(SCHEMA.mentions)), None, None):
        mentioned[quad.object.value].add(quad.graph_name.value)
    # context per report graph: QIDs of the KB places it names, with their ancestors
    graph_context: dict[str, set[str]] = defaultdict(set)
    for iri, graphs in mentioned.items():
        ent = by_iri.get(iri)
        if ent is None or ent.kind != "place":
            continue
        qids = {e.wikidata for e in [ent, *kb.ancestors(ent.key)] if e.wikidata}
        for graph in graphs:
            graph_context[graph] |= qids
    country_qids = {e.wikidata for e in kb if e.type == "Country" and e.wikidata}
    targets = []
    for iri in sorted(mentioned):
        if iri in linked:
            continue
        kind = _kind_of(iri)
        if kind is None:
            continue
        ent = by_iri.get(iri)
        if ent is not None:
            if ent.wikidata:
                continue
            chain = {e.wikidata for e in kb.ancestors(ent.key) if e.wikidata}
            names = [n for n in (ent.label_ar, ent.label_en) if n]
            countries = chain & country_qids
            if ent.country:
                countries |= {
                    e.wikidata
                    for e in kb
                    if e.type == "Country" and e.wikidata and e.pcode == ent.country
                }
            targets.append(Target(iri, ent.kind, names, countries, chain))
            continue
        labels = [
            q.object.value
            for q in store.match(NamedNode(iri), NamedNode(str(RDFS.label)), None, None)
        ]
        context = set().union(*(graph_context[g] for g in mentioned[iri]))
        targets.append(Target(iri, kind, sorted(set(labels)), context & country_qids, context))
    return targets


def link_quads(target: Target, decision: Decision, *, api: str, when: dt.datetime) -> list[Quad]:
    """The link and its provenance, in the reconciliation graph."""
    graph = NamedNode(RECONCILIATION_GRAPH)
    subject = NamedNode(target.iri)
    qid = decision.qid
    assert qid is not None
    node = NamedNode(f"{target.iri}/wikidata-link")
    quads = [
        Quad(subject, NamedNode(str(OWL.sameAs)), NamedNode(str(WD[qid])), graph),
        Quad(node, NamedNode(str(RDF.type)), NamedNode(str(RDF.Statement)), graph),
        Quad(node, NamedNode(str(RDF.subject)), subject, graph),
        Quad(node, NamedNode(str(RDF.predicate)), NamedNode(str(OWL.sameAs)), graph),
        Quad(node, NamedNode(str(RDF.object)), NamedNode(str(WD[qid])), graph),
        Quad(node, NamedNode(str(PROV.wasDerivedFrom)), NamedNode(api), graph),
        Quad(
            node,
            NamedNode(str(PROV.generatedAtTime)),
            Literal(when.isoformat(), datatype=NamedNode(str(XSD.dateTime))),
            graph,
        ),
        Quad(node, _PROV_NOTE, Literal(decision.reason, language="en"), graph),
    ]
    return quads


def reconcile_store(
    store: Any,
    kb: KnowledgeBase,
    client: WikidataClient,
    *,
    limit: int | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> ReconcileSummary:
    """Look up the store's unlinked entities online and store the links found.

    Args:
        store: an open, writable :class:`kg.graph.store.GraphStore`.
        kb: the knowledge base (names and context of KB entities).
        client: the Wikidata client.
        limit: reconcile at most this many entities.
        now: clock for the provenance timestamp.

    Returns:
        What was linked and why the rest was not.

    Raises:
        WikidataError: the API failed (links found before are kept).
    """
    reconciler = Reconciler(client)
    summary = ReconcileSummary()
    targets = find_targets(store, kb)[:limit] if limit else find_targets(store, kb)
    try:
        for target in targets:
            summary.considered += 1
            decision = reconciler.reconcile(
                target.names, target.kind, countries=target.countries, parents=target.parents
            )
            if decision.qid:
                store.extend(link_quads(target, decision, api=client.base_url, when=now()))
                summary.linked[target.iri] = decision.qid
            else:
                summary.unresolved[target.iri] = decision.reason
    finally:
        summary.fetched, summary.cached = client.fetched, client.cached
    return summary


# --------------------------------------------------------------------------- QuickStatements

#: GeoNames as a Wikidata item (the source of GeoNames coordinates), and the properties.
GEONAMES_ITEM = "Q830106"
P_COORDINATES, P_GEONAMES_ID, P_REFERENCE_URL, P_STATED_IN = "P625", "P1566", "S854", "S248"


def _qs_string(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def quickstatements(store: Any, kb: KnowledgeBase) -> Iterator[str]:
    """Statements about Wikidata-linked places our reports name, in QuickStatements v1.

    A place counts as linked when the KB holds its QID or online reconciliation stored
    one (:data:`RECONCILIATION_GRAPH`). For every such place a report names: its
    coordinates (P625) when they come from GeoNames, its GeoNames ID (P1566), and its
    located-in parent (P131) when the parent is linked too. Each statement cites the
    report that names the place (``S854``, the first report URL in sort order), plus
    ``S248 Q830106`` (stated in GeoNames) for values taken from GeoNames. Reports
    without a URL cannot be cited and are skipped.
    """
    by_iri = _kb_by_iri(kb)
    online = {
        q.subject.value: q.object.value.rsplit("/", 1)[-1]
        for q in store.match(
            None, NamedNode(str(OWL.sameAs)), None, NamedNode(RECONCILIATION_GRAPH)
        )
    }

    def qid_of(ent: KBEntity) -> str | None:
        return ent.wikidata or online.get(iris.entity_iri(ent.kind, ent.local))

    urls: dict[str, str] = {}
    for quad in store.match(None, NamedNode(str(SCHEMA.url)), None, None):
        urls[quad.graph_name.value] = quad.object.value
    cited: dict[str, str] = {}
    for quad in store.match(None, NamedNode(str(SCHEMA.mentions)), None, None):
        url = urls.get(quad.graph_name.value)
        if url is None:
            continue
        iri = quad.object.value
        if iri not in cited or url < cited[iri]:
            cited[iri] = url
    for iri in sorted(cited):
        ent = by_iri.get(iri)
        qid = qid_of(ent) if ent is not None and ent.kind == "place" else None
        if ent is None or qid is None:
            continue
        ref = f"{P_REFERENCE_URL}|{_qs_string(cited[iri])}"
        from_geonames = ent.local.startswith("gn-")  # the entity itself came from GeoNames
        if ent.lat is not None and ent.lon is not None and from_geonames:
            yield f"{qid}|{P_COORDINATES}|@{ent.lat}/{ent.lon}|{ref}|{P_STATED_IN}|{GEONAMES_ITEM}"
        if ent.geonames:
            yield f"{qid}|{P_GEONAMES_ID}|{_qs_string(ent.geonames)}|{ref}"
        parent = kb.entity(ent.parent) if ent.parent else None
        parent_qid = qid_of(parent) if parent is not None else None
        if parent_qid:
            yield f"{qid}|{P_LOCATED}|{parent_qid}|{ref}"


__all__ = [
    "ALLOWED_CLASSES",
    "RECONCILIATION_GRAPH",
    "Decision",
    "Reconciler",
    "ReconcileSummary",
    "WikidataClient",
    "WikidataError",
    "find_targets",
    "quickstatements",
    "reconcile_store",
]
