"""Score predicted event records against gold records in the ``EVAL_FORMAT`` schema.

Pure: records in, metrics out. :func:`score` compares gold records with predicted
records and returns an :class:`EvalResult` (all metrics plus a per-report diff);
:mod:`kg.pipeline.evaluation` runs reports through the pipeline to make the
predicted records.

Definitions (also printed under the table by :meth:`EvalResult.format_table`):

* **Event match** (strict): same type; places agree (see :func:`places_agree`);
  dates agree at the gold's precision (``2021-12`` accepts any day of that
  month; a null gold date accepts any date). **Relaxed**: type and place only.
  Matching is one-to-one and maximises the number of matched pairs, ties broken
  by agreement on actors, casualties, attribution and date (Hungarian algorithm,
  deterministic). Background events take part in matching like any other; the
  ``reported`` line repeats the scores with background events removed from both
  sides.
* **Actor-role F1** over strict matches: a predicted actor matches a gold actor
  when their QIDs are equal or any of their names agree (:func:`names_agree`)
  *and* the roles are equal; one-to-one, micro-averaged.
* **Casualty accuracy** over strict matches: correct casualties (status, count
  and affiliation all right, one-to-one) divided by gold casualties plus
  spurious predicted ones. An affiliation agrees by QID, by name, or when both
  designate the same gold actor of the event.
* **Date accuracy** over *relaxed* matches (strict matches agree on the date by
  construction): the predicted date string equals the gold one (same value at
  the same precision; null equals null).
* **Place-linking accuracy** over strict matches: for each non-null gold
  ``place.wikidata`` and ``place.admin1``, whether the prediction has the same QID.
* **Attribution accuracy** over strict matches: the predicted ``according_to``
  list equals the gold list as a set — every gold source matched one-to-one by a
  predicted source whose name agrees, and no predicted source left over (both
  empty counts as right). Source-level P/R/F1 are given too.
* **Background**: among strict matches, how many gold background events were
  marked background, and how many gold reported events were marked background.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.core.text import clitic_variants, normalize_text, strip_article

log = logging.getLogger(__name__)

Record = dict[str, Any]

#: Leading words that say what kind of place a name is; ``بلده البصيره`` and
#: ``البصيره`` name the same place (normalised forms).
PLACE_KIND_WORDS: frozenset[str] = frozenset(
    {"مدينه", "بلده", "قريه", "ناحيه", "محافظه", "منطقه", "مخيم", "حي", "city", "town",
     "village", "governorate", "province"}
)

#: KB place types that are first-level divisions.
ADMIN1_TYPES: frozenset[str] = frozenset({"Governorate", "Province", "ADM1", "admin1"})


class EvalFormatError(ValueError):
    """A gold file line does not follow ``EVAL_FORMAT.md``; the message says where."""


# --------------------------------------------------------------------------- names


def _token_forms(token: str) -> frozenset[str]:
    """The clitic- and article-free forms of a token; a token too short to carry a clitic
    ("a" in "A local source") is its own form."""
    return frozenset(strip_article(form) for form, _ in clitic_variants(token)) or frozenset(
        {token})


def name_forms(name: str) -> list[tuple[frozenset[str], ...]]:
    """Comparison keys of a name: per token, its clitic- and article-free forms.

    A leading place-kind word (``بلدة``, ``مدينة`` …) gives a second key without it.

    >>> len(name_forms("بلدة البصيرة"))
    2

    Args:
        name: a name as written.

    Returns:
        One tuple of per-token form sets per reading of the name.
    """
    tokens = normalize_text(name).split()
    keys = [tuple(_token_forms(t) for t in tokens)]
    if len(tokens) > 1 and strip_article(tokens[0]) in PLACE_KIND_WORDS:
        keys.append(tuple(_token_forms(t) for t in tokens[1:]))
    return keys


def names_agree(a: str, b: str) -> bool:
    """Whether two names are the same after normalisation, ignoring clitics and articles.

    Tokens are compared one by one; two tokens agree when some clitic-stripped,
    article-free form of each is equal (``بالبصيرة`` ~ ``البصيرة``, ``لقوات`` ~ ``قوات``).

    >>> names_agree("بالبصيرة", "البصيره")
    True
    >>> names_agree("قوات سوريا الديمقراطية", "قوات سوريا الديموقراطية")
    False
    >>> names_agree("بلدة البصيرة", "البصيرة")
    True

    Args:
        a: a name.
        b: another name.

    Returns:
        ``True`` when they agree.
    """
    for ka in name_forms(a):
        for kb in name_forms(b):
            if ka and len(ka) == len(kb) and all(x & y for x, y in zip(ka, kb, strict=True)):
                return True
    return False


def any_names_agree(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether any name of ``a`` agrees with any name of ``b`` (:func:`names_agree`)."""
    b_list = [n for n in b if n]
    return any(names_agree(x, y) for x in a if x for y in b_list)


# --------------------------------------------------------------------------- matching


def assign(weights: Sequence[Sequence[float | None]]) -> list[tuple[int, int]]:
    """One-to-one assignment with the most pairs, then the highest total weight.

    ``weights[i][j]`` is ``None`` when ``i`` and ``j`` cannot be paired, else a
    weight in ``[0, 1)``. Solved exactly with the Hungarian algorithm; the result
    is deterministic.

    >>> assign([[0.9, 0.5], [0.8, None]])  # two pairs beat the heavier single one
    [(0, 1), (1, 0)]

    Args:
        weights: an ``n × m`` matrix (rows may be empty).

    Returns:
        Sorted ``(row, column)`` pairs.
    """
    n = len(weights)
    m = len(weights[0]) if n else 0
    if n == 0 or m == 0:
        return []
    size = max(n, m)
    big = float(size + 1) * 4.0
    cost = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(size):
            w = weights[i][j] if i < n and j < m else None
            # a feasible pair is worth more than any sum of tie-break weights
            cost[i][j] = big if w is None else -(size * 2.0 + w)
    # Hungarian algorithm (potentials, O(size^3)), rows and columns 1-based
    inf = float("inf")
    u = [0.0] * (size + 1)
    v = [0.0] * (size + 1)
    p = [0] * (size + 1)
    way = [0] * (size + 1)
    for i in range(1, size + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (size + 1)
        used = [False] * (size + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, size + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(size + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs = []
    for j in range(1, size + 1):
        i = p[j] - 1
        if i < n and j - 1 < m and weights[i][j - 1] is not None:
            pairs.append((i, j - 1))
    return sorted(pairs)


# --------------------------------------------------------------------------- agreement


def _place_names(place: Mapping[str, Any]) -> list[str]:
    names = [place.get("name") or ""]
    names.extend(place.get("names") or [])
    return [n for n in names if n]


def places_agree(gold: Mapping[str, Any] | None, pred: Mapping[str, Any] | None) -> bool:
    """Whether a predicted place agrees with the gold place (``EVAL_FORMAT.md``).

    They agree when the gold place is null (any prediction is accepted), when both
    have the same QID, or when a name of each agrees (:func:`names_agree`; the
    prediction may list the place's aliases in ``names``). A coarser or finer place of
    the same hierarchy does not agree: a governorate is not the town in it.

    >>> busayrah = {"name": "البصيرة", "wikidata": None, "admin1": "Q232387"}
    >>> places_agree(busayrah, {"name": "بلدة البصيرة"})
    True
    >>> places_agree(busayrah, {"name": "دير الزور", "wikidata": "Q232387"})
    False

    Args:
        gold: the gold ``place`` object (or ``None``).
        pred: the predicted ``place`` object (or ``None``).

    Returns:
        ``True`` when they agree.
    """
    if gold is None:
        return True
    if pred is None:
        return False
    g_qid, p_qid = gold.get("wikidata"), pred.get("wikidata")
    if g_qid and p_qid and g_qid == p_qid:
        return True
    return any_names_agree(_place_names(gold), _place_names(pred))


def _is_qid(value: str) -> bool:
    return len(value) > 1 and value[0] == "Q" and value[1:].isdigit()


def dates_agree(gold: str | None, pred: str | None) -> bool:
    """Whether a predicted date agrees with the gold date at the gold's precision.

    >>> dates_agree("2021-12", "2021-12-13"), dates_agree("2021-12-13", "2021-12")
    (True, False)
    >>> dates_agree(None, "2020"), dates_agree("2020", None)
    (True, False)

    Args:
        gold: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``None`` (any date accepted).
        pred: the predicted date in the same forms.

    Returns:
        ``True`` when the predicted date falls in the gold period.
    """
    if gold is None:
        return True
    if pred is None:
        return False
    return pred == gold or pred.startswith(gold + "-")


def _actor_names(actor: Mapping[str, Any]) -> list[str]:
    return [n for n in actor.get("names") or [] if n]


def actors_same(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Whether two actor objects designate the same actor (QID, or any name)."""
    g_qid, p_qid = gold.get("wikidata"), pred.get("wikidata")
    if g_qid and p_qid and g_qid == p_qid:
        return True
    return any_names_agree(_actor_names(gold), _actor_names(pred))


def _affiliation_names(value: str | None, extra: Iterable[str] = ()) -> list[str]:
    names = [value] if value and not _is_qid(value) else []
    names.extend(n for n in extra if n)
    return names


def affiliations_agree(gold: str | None, pred: str | None, *, pred_names: Iterable[str] = (),
                       gold_actors: Sequence[Mapping[str, Any]] = ()) -> bool:
    """Whether a predicted casualty affiliation agrees with the gold one.

    Equal QIDs or names agree; so do a QID and a name, or two names, that designate
    the same gold actor of the report (e.g. gold ``Q2429253``, predicted ``داعش``).

    Args:
        gold: the gold affiliation (QID, name or ``None``).
        pred: the predicted affiliation (QID, name or ``None``).
        pred_names: more names of the predicted affiliation (KB labels).
        gold_actors: the gold report's actors, to resolve QIDs and names.

    Returns:
        ``True`` when they agree (both ``None`` agrees).
    """
    if gold is None or pred is None:
        return gold is None and pred is None
    if gold == pred:
        return True
    p_names = _affiliation_names(pred, pred_names)
    g_names = _affiliation_names(gold)
    if g_names and any_names_agree(g_names, p_names):
        return True
    for actor in gold_actors:
        qid = actor.get("wikidata")
        names = _actor_names(actor)
        g_hit = gold == qid or (not _is_qid(gold) and any_names_agree([gold], names))
        p_hit = pred == qid or any_names_agree(p_names, names)
        if g_hit and p_hit:
            return True
    return False


def _casualty_right(gold: Mapping[str, Any], pred: Mapping[str, Any],
                    gold_actors: Sequence[Mapping[str, Any]]) -> bool:
    return (gold.get("status") == pred.get("status")
            and gold.get("count") == pred.get("count")
            and affiliations_agree(gold.get("affiliation"), pred.get("affiliation"),
                                   pred_names=pred.get("affiliation_names") or (),
                                   gold_actors=gold_actors))


#: Hidden key under which :func:`score_report` gives each gold event the actors of the
#: whole gold report, so a source or affiliation written as one alias of a gold actor
#: is compared with all of that actor's names.
_REPORT_ACTORS = "_report_actors"


def _source_names(record: Mapping[str, Any], index: int) -> list[str]:
    name = record["according_to"][index]
    names = [name]
    extra = record.get("according_to_names") or []
    if index < len(extra):
        names.extend(extra[index])
    for actor in record.get(_REPORT_ACTORS) or []:
        if any_names_agree([name], _actor_names(actor)):
            names.extend(_actor_names(actor))
    return names


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class Ratio:
    """A count of successes over a count of trials."""

    right: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        """``right / total``, or ``None`` when there were no trials."""
        return self.right / self.total if self.total else None

    def add(self, right: int, total: int) -> None:
        """Add successes and trials."""
        self.right += right
        self.total += total


@dataclass(slots=True)
class PRF:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """``tp / (tp + fp)`` (0 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """``tp / (tp + fn)`` (0 when there was nothing to find)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, tp: int, fp: int, fn: int) -> None:
        """Add counts."""
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict[str, float | int]:
        """Counts and scores as a plain dict."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass(slots=True)
class ReportDiff:
    """Why one report did not score perfectly."""

    id: str
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    #: problems on matched events, one line each
    wrong: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def empty(self) -> bool:
        """Whether there is nothing to report."""
        return not (self.missed or self.spurious or self.wrong or self.error)

    def as_dict(self) -> dict[str, Any]:
        """The diff as a plain dict."""
        return {"id": self.id, "missed": self.missed, "spurious": self.spurious,
                "wrong": self.wrong, "error": self.error}


@dataclass(slots=True)
class EvalResult:
    """Every metric of ``kg eval`` and the per-report diffs."""

    reports: int = 0
    gold_events: int = 0
    predicted_events: int = 0
    events: PRF = field(default_factory=PRF)
    relaxed: PRF = field(default_factory=PRF)
    #: strict scores with background events removed from gold and prediction
    reported: PRF = field(default_factory=PRF)
    actor_roles: PRF = field(default_factory=PRF)
    casualties: Ratio = field(default_factory=Ratio)
    dates: Ratio = field(default_factory=Ratio)
    place_links: Ratio = field(default_factory=Ratio)
    attribution: Ratio = field(default_factory=Ratio)
    sources: PRF = field(default_factory=PRF)
    #: gold background events among strict matches, and how many were marked background
    background: Ratio = field(default_factory=Ratio)
    #: gold reported events among strict matches, and how many were marked background
    background_false: Ratio = field(default_factory=Ratio)
    gold_background: int = 0
    predicted_background: int = 0
    failed_reports: int = 0
    #: ids of gold reports left out because their text is not in the local corpus
    missing_texts: list[str] = field(default_factory=list)
    diffs: list[ReportDiff] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """All metrics and diffs as JSON-ready data."""

        def ratio(r: Ratio) -> dict[str, Any]:
            return {"right": r.right, "total": r.total, "accuracy": r.value}

        return {
            "reports": self.reports,
            "failed_reports": self.failed_reports,
            "missing_texts": self.missing_texts,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "events": self.events.as_dict(),
            "events_relaxed": self.relaxed.as_dict(),
            "events_reported_only": self.reported.as_dict(),
            "actor_roles": self.actor_roles.as_dict(),
            "casualties": ratio(self.casualties),
            "dates": ratio(self.dates),
            "place_links": ratio(self.place_links),
            "attribution": ratio(self.attribution),
            "attribution_sources": self.sources.as_dict(),
            "background": {
                "gold": self.gold_background,
                "predicted": self.predicted_background,
                "matched_gold_background": self.background.total,
                "marked_background": self.background.right,
                "matched_gold_reported": self.background_false.total,
                "reported_marked_background": self.background_false.right,
            },
            "diffs": [d.as_dict() for d in self.diffs if not d.empty],
        }

    def format_table(self, *, diffs: bool = True) -> str:
        """A plain-text table of every metric, its definitions and the diffs."""

        def prf(name: str, s: PRF) -> str:
            return (f"{name:<26}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}"
                    f"   tp={s.tp} fp={s.fp} fn={s.fn}")

        def acc(name: str, r: Ratio) -> str:
            value = "    n/a" if r.value is None else f"{r.value:>7.3f}"
            return f"{name:<26}{value}   {r.right}/{r.total}"

        lines = [
            f"reports: {self.reports} (failed: {self.failed_reports})   "
            f"gold events: {self.gold_events}   predicted events: {self.predicted_events}",
            *([f"not scored: {len(self.missing_texts)} reports whose text is not in the "
               "local corpus (kg corpus add)"] if self.missing_texts else []),
            "",
            f"{'metric':<26}{'P':>7}{'R':>7}{'F1':>7}",
            prf("events (strict)", self.events),
            prf("events (relaxed)", self.relaxed),
            prf("events (reported only)", self.reported),
            prf("actor roles", self.actor_roles),
            prf("attribution sources", self.sources),
            "",
            f"{'metric':<26}{'acc':>7}",
            acc("casualties", self.casualties),
            acc("dates (relaxed matches)", self.dates),
            acc("place links", self.place_links),
            acc("attribution", self.attribution),
            acc("background marked", self.background),
            acc("reported marked bg", self.background_false),
            f"background events: gold {self.gold_background}, "
            f"predicted {self.predicted_background}",
            "",
            "Strict match: same type, places agree (same QID or a shared name without",
            "clitics/article; a coarser or finer place does not), date agrees at the gold",
            "precision; relaxed: type and place.",
            "Actor roles: actor by QID or any name, role equal. Casualties: status, count",
            "and affiliation right / (gold + spurious). Attribution: predicted according_to",
            "equals the gold set by name (one-to-one, nothing extra). Background marked:",
            "matched gold background events flagged background; reported marked bg: matched",
            "gold reported events wrongly flagged background (lower is better).",
        ]
        if diffs:
            for diff in self.diffs:
                if diff.empty:
                    continue
                lines += ["", f"== {diff.id}"]
                if diff.error:
                    lines.append(f"  ERROR {diff.error}")
                lines += [f"  - missed   {m}" for m in diff.missed]
                lines += [f"  + spurious {s}" for s in diff.spurious]
                lines += [f"  ~ {w}" for w in diff.wrong]
        return "\n".join(lines)


# --------------------------------------------------------------------------- scoring


def describe(event: Mapping[str, Any]) -> str:
    """A one-line summary of an event record for diffs."""
    place = event.get("place") or {}
    actors = ", ".join(
        f"{(a.get('names') or ['?'])[0]}:{a.get('role')}" for a in event.get("actors") or [])
    bg = " [background]" if event.get("background") else ""
    return (f"{event.get('type')} {event.get('date') or '-'} @ {place.get('name') or '-'}"
            f" ({actors}){bg}")


def _strict(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    return (g.get("type") == p.get("type") and places_agree(g.get("place"), p.get("place"))
            and dates_agree(g.get("date"), p.get("date")))


def _relaxed(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    return g.get("type") == p.get("type") and places_agree(g.get("place"), p.get("place"))


def _match_actors(gold: Sequence[Mapping[str, Any]],
                  pred: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    weights = [[0.0 if g.get("role") == p.get("role") and actors_same(g, p) else None
                for p in pred] for g in gold]
    return assign(weights)


def _match_casualties(g_event: Mapping[str, Any],
                      p_event: Mapping[str, Any]) -> list[tuple[int, int]]:
    gold = g_event.get("casualties") or []
    pred = p_event.get("casualties") or []
    actors = g_event.get(_REPORT_ACTORS) or g_event.get("actors") or []
    weights = [[0.0 if _casualty_right(g, p, actors) else None for p in pred] for g in gold]
    return assign(weights)


def _match_sources(g_event: Mapping[str, Any],
                   p_event: Mapping[str, Any]) -> list[tuple[int, int]]:
    gold = g_event.get("according_to") or []
    pred = p_event.get("according_to") or []
    weights = [[0.0 if any_names_agree(_source_names(g_event, i), _source_names(p_event, j))
                else None for j in range(len(pred))] for i in range(len(gold))]
    return assign(weights)


def _quality(g: Mapping[str, Any], p: Mapping[str, Any]) -> float:
    """Tie-break weight in [0, 1): how much else of the pair agrees."""
    parts = [
        len(_match_actors(g.get("actors") or [], p.get("actors") or []))
        / max(1, len(g.get("actors") or []), len(p.get("actors") or [])),
        len(_match_casualties(g, p))
        / max(1, len(g.get("casualties") or []), len(p.get("casualties") or [])),
        len(_match_sources(g, p))
        / max(1, len(g.get("according_to") or []), len(p.get("according_to") or [])),
        1.0 if g.get("date") == p.get("date") else 0.0,
        1.0 if bool(g.get("background")) == bool(p.get("background")) else 0.0,
    ]
    return 0.99 * sum(parts) / len(parts)


def match_events(gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]],
                 agree: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] = _strict,
                 ) -> list[tuple[int, int]]:
    """Pair gold and predicted events one-to-one.

    Args:
        gold: gold event objects.
        pred: predicted event objects.
        agree: the pairing condition (strict by default).

    Returns:
        ``(gold index, predicted index)`` pairs: as many as possible, ties broken by
        how well the rest of each pair agrees.
    """
    weights = [[_quality(g, p) if agree(g, p) else None for p in pred] for g in gold]
    return assign(weights)


def _score_pair(result: EvalResult, diff: ReportDiff, g: Mapping[str, Any],
                p: Mapping[str, Any]) -> None:
    label = describe(g)
    # actor roles
    g_actors, p_actors = g.get("actors") or [], p.get("actors") or []
    pairs = _match_actors(g_actors, p_actors)
    result.actor_roles.add(len(pairs), len(p_actors) - len(pairs), len(g_actors) - len(pairs))
    hit_g = {i for i, _ in pairs}
    hit_p = {j for _, j in pairs}
    for i, actor in enumerate(g_actors):
        if i not in hit_g:
            diff.wrong.append(f"{label}: actor missing or wrong role "
                              f"{(actor.get('names') or ['?'])[0]}:{actor.get('role')}")
    for j, actor in enumerate(p_actors):
        if j not in hit_p:
            diff.wrong.append(f"{label}: spurious actor "
                              f"{(actor.get('names') or ['?'])[0]}:{actor.get('role')}")
    # casualties
    g_cas, p_cas = g.get("casualties") or [], p.get("casualties") or []
    c_pairs = _match_casualties(g, p)
    result.casualties.add(len(c_pairs), len(g_cas) + len(p_cas) - len(c_pairs))
    if len(c_pairs) != len(g_cas) or len(c_pairs) != len(p_cas):
        diff.wrong.append(f"{label}: casualties gold {_cas_text(g_cas)} "
                          f"predicted {_cas_text(p_cas)}")
    # date (agrees at the gold precision, but may differ in value)
    if g.get("date") != p.get("date"):
        diff.wrong.append(f"{label}: date gold {g.get('date')} predicted {p.get('date')}")
    # place links
    g_place, p_place = g.get("place") or {}, p.get("place") or {}
    for key in ("wikidata", "admin1"):
        if g_place.get(key):
            right = g_place[key] == p_place.get(key)
            result.place_links.add(int(right), 1)
            if not right:
                diff.wrong.append(f"{label}: place {key} gold {g_place[key]} "
                                  f"predicted {p_place.get(key)}")
    # attribution
    s_pairs = _match_sources(g, p)
    n_g, n_p = len(g.get("according_to") or []), len(p.get("according_to") or [])
    result.sources.add(len(s_pairs), n_p - len(s_pairs), n_g - len(s_pairs))
    exact = len(s_pairs) == n_g == n_p
    result.attribution.add(int(exact), 1)
    if not exact:
        diff.wrong.append(f"{label}: according_to gold {g.get('according_to') or []} "
                          f"predicted {p.get('according_to') or []}")
    # background
    marked = bool(p.get("background"))
    if g.get("background"):
        result.background.add(int(marked), 1)
    else:
        result.background_false.add(int(marked), 1)
    if marked != bool(g.get("background")):
        diff.wrong.append(f"{label}: background gold {bool(g.get('background'))} "
                          f"predicted {marked}")


def _cas_text(items: Sequence[Mapping[str, Any]]) -> str:
    return "[" + ", ".join(f"{c.get('status')} {c.get('count')} {c.get('affiliation')}"
                           for c in items) + "]"


def score_report(result: EvalResult, gold: Mapping[str, Any],
                 pred: Mapping[str, Any] | None, *, error: str | None = None,
                 ) -> ReportDiff:
    """Add one report's comparison to ``result``.

    Args:
        result: the running totals, updated in place.
        gold: the gold record.
        pred: the predicted record, or ``None`` when extraction failed.
        error: why extraction failed, shown in the diff.

    Returns:
        The report's diff (also appended to ``result.diffs``).
    """
    diff = ReportDiff(str(gold.get("id")), error=error)
    report_actors = [a for e in gold.get("events") or [] for a in e.get("actors") or []]
    g_events = [{**e, _REPORT_ACTORS: report_actors} for e in gold.get("events") or []]
    p_events = list((pred or {}).get("events") or [])
    result.reports += 1
    result.failed_reports += int(error is not None)
    result.gold_events += len(g_events)
    result.predicted_events += len(p_events)
    result.gold_background += sum(bool(e.get("background")) for e in g_events)
    result.predicted_background += sum(bool(e.get("background")) for e in p_events)

    strict = match_events(g_events, p_events, _strict)
    result.events.add(len(strict), len(p_events) - len(strict), len(g_events) - len(strict))
    relaxed = match_events(g_events, p_events, _relaxed)
    result.relaxed.add(len(relaxed), len(p_events) - len(relaxed), len(g_events) - len(relaxed))
    g_rep = [e for e in g_events if not e.get("background")]
    p_rep = [e for e in p_events if not e.get("background")]
    rep = match_events(g_rep, p_rep, _strict)
    result.reported.add(len(rep), len(p_rep) - len(rep), len(g_rep) - len(rep))

    for i, j in relaxed:
        g, p = g_events[i], p_events[j]
        right = g.get("date") == p.get("date")
        result.dates.add(int(right), 1)
    for i, j in strict:
        _score_pair(result, diff, g_events[i], p_events[j])

    matched_g = {i for i, _ in strict}
    matched_p = {j for _, j in strict}
    relaxed_by_g = dict(relaxed)
    for i, g in enumerate(g_events):
        if i not in matched_g:
            hint = ""
            rel = relaxed_by_g.get(i)
            if rel is not None:
                hint = f"   (type and place found; predicted date {p_events[rel].get('date')})"
            diff.missed.append(describe(g) + hint)
    diff.spurious.extend(describe(p) for j, p in enumerate(p_events) if j not in matched_p)
    result.diffs.append(diff)
    return diff


def score(gold_records: Iterable[Mapping[str, Any]],
          predicted_records: Iterable[Mapping[str, Any]]) -> EvalResult:
    """Score predicted records against gold records (paired by ``id``).

    A gold record without a prediction counts as a report with no events found;
    predictions without a gold record are ignored (and logged).

    Args:
        gold_records: records in the ``EVAL_FORMAT`` schema.
        predicted_records: records from :func:`to_eval_record`.

    Returns:
        All metrics and per-report diffs (see the module docstring for definitions).
    """
    predicted = {str(r.get("id")): r for r in predicted_records}
    result = EvalResult()
    seen: set[str] = set()
    for gold in gold_records:
        key = str(gold.get("id"))
        seen.add(key)
        score_report(result, gold, predicted.get(key))
    extra = sorted(set(predicted) - seen)
    if extra:
        log.warning("predictions without gold record ignored: %s", ", ".join(extra))
    return result
