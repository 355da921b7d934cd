"""Entity linking: mentions of a report → entities of the shipped knowledge base.

For each mention the linker gathers candidates by normalised alias
(:meth:`kg.linking.kb.KnowledgeBase.lookup`) and ranks them by

* **type**: the mention's kind must fit the entity's class (:data:`KIND_TYPES`); a
  place mention never links to an armed group;
* **context**: countries and governorates named in the report (nearer counts more)
  that contain the candidate (البصيرة with محافظة دير الزور → the one in Deir ez-Zor);
* **admin level**: a cue word before or after the name (ناحية → subdistrict, قرية →
  village or town, محافظة → governorate …, :data:`CUES`); without a cue a settlement
  is preferred to the admin unit named after it;
* **prominence** of the entity (population, admin level).

The confidence of the best candidate falls with a weak match, weak evidence and a
close runner-up; under the threshold the mention stays NIL (``entity`` is ``None``)
and :mod:`kg.graph.build` mints a local entity from its name. Wikidata QIDs are never
decided here: they come with the KB entity.

>>> from kg.linking.kb import load_kb
>>> entity, confidence = resolve_name("البصيرة", "place", "قرية البصيرة في محافظة دير الزور",
...                                   kb=load_kb())
>>> entity.type, entity.label_en, confidence > 0.5
('Town', 'al-Busayrah', True)
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.core.model import Mention, PlacePrecision, Report
from kg.core.text import clitic_variants
from kg.linking.kb import Candidate, KBEntity, KnowledgeBase, alias_key, load_kb, normalize_chars

#: Default confidence under which a mention stays unlinked (NIL).
DEFAULT_THRESHOLD = 0.35

#: Entity classes a mention of each kind may link to, with how well they fit (0..1).
KIND_TYPES: dict[str, dict[str, float]] = {
    "place": {
        "Country": 1.0,
        "Governorate": 1.0,
        "District": 1.0,
        "Subdistrict": 1.0,
        "Community": 1.0,
        "City": 1.0,
        "Town": 1.0,
        "Village": 1.0,
        "Settlement": 1.0,
        "Region": 1.0,
        "River": 1.0,
        "NaturalFeature": 1.0,
        "Place": 1.0,
        "AdministrativeUnit": 1.0,
        "Polity": 0.7,
        "Facility": 0.6,
        "Prison": 0.6,
        "Camp": 0.7,
        "MilitaryBase": 0.6,
        "OilField": 0.6,
        "Headquarters": 0.5,
    },
    "actor": {
        "ArmedGroup": 1.0,
        "StateForce": 1.0,
        "Coalition": 1.0,
        "Militia": 1.0,
        "TerroristOrganization": 1.0,
        "MonitoringOrganization": 1.0,
        "NewsOutlet": 0.8,
        "Polity": 0.8,
        "Person": 0.5,
    },
    "person": {"Person": 1.0},
    "operation": {"MilitaryOperation": 1.0, "Event": 0.8},
    "outlet": {"NewsOutlet": 1.0, "MonitoringOrganization": 0.9},
    "facility": {
        "Facility": 1.0,
        "Prison": 1.0,
        "Camp": 1.0,
        "MilitaryBase": 1.0,
        "OilField": 1.0,
        "Headquarters": 1.0,
    },
}

_SETTLEMENTS = ("City", "Town", "Village", "Community", "Settlement")
_ADMIN_UNITS = ("Governorate", "District", "Subdistrict")

#: Cue words (normalised) next to a place name → the classes they announce.
#: ``before`` cues precede the name (Arabic and English), ``after`` cues follow it.
CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "before": {
        "ناحيه": ("Subdistrict",),
        "منطقه": ("District", "Region"),
        "قضاء": ("District",),
        "محافظه": ("Governorate",),
        "ريف": ("Governorate", "District", "City"),
        "قريه": ("Village", "Town", "Community"),
        "بلده": ("Town", "Village", "Community", "City"),
        "مدينه": ("City", "Town"),
        "مدينتي": ("City", "Town"),
        "مخيم": ("Camp",),
        "سجن": ("Prison",),
        "نهر": ("River",),
        "دوله": ("Country",),
        "village": ("Village", "Town", "Community"),
        "town": ("Town", "Village", "Community", "City"),
        "city": ("City", "Town"),
        "governorate": ("Governorate",),
        "province": ("Governorate",),
        "district": ("District",),
        "subdistrict": ("Subdistrict",),
        "sub-district": ("Subdistrict",),
        "countryside": ("Governorate", "District", "City"),
    },
    "after": {
        "governorate": ("Governorate",),
        "province": ("Governorate",),
        "district": ("District",),
        "subdistrict": ("Subdistrict",),
        "sub-district": ("Subdistrict",),
        "countryside": ("Governorate", "District", "City"),
        "city": ("City",),
        "village": ("Village", "Town", "Community"),
        "town": ("Town", "Village"),
        "camp": ("Camp",),
        "prison": ("Prison",),
        "river": ("River",),
    },
}

#: Cue words whose name means "the area around" (place precision ``area``).
AREA_CUES: frozenset[str] = frozenset({"ريف", "countryside"})

#: Words that make a name a part of a larger place ("شرقي سوريا", "northern Syria"):
#: the name links to the larger place with place precision ``region``.
DIRECTION_WORDS: frozenset[str] = frozenset(
    {
        "شرق",
        "شرقي",
        "غرب",
        "غربي",
        "شمال",
        "شمالي",
        "جنوب",
        "جنوبي",
        "وسط",
        "بادية",
        "east",
        "eastern",
        "west",
        "western",
        "north",
        "northern",
        "south",
        "southern",
        "central",
        "northeast",
        "northeastern",
        "northwest",
        "northwestern",
        "southeast",
        "southeastern",
        "southwest",
        "southwestern",
    }
)

#: Default preference (no cue) among same-named candidates of these classes.
DEFAULT_LEVEL_FIT: dict[str, float] = {
    "City": 1.0,
    "Town": 1.0,
    "Village": 0.9,
    "Community": 0.85,
    "Country": 1.0,
    "Governorate": 0.8,
    "District": 0.6,
    "Subdistrict": 0.55,
}

#: Classes linked only when the text names a governorate that contains them
#: (OCHA communities: many short, common-word names, no coordinates); otherwise their
#: score is multiplied by this factor.
CONTEXT_REQUIRED: dict[str, float] = {"Community": 0.3}

#: Score factor for an actor of a country the text does not name, found by a shortened
#: form of its label (see :meth:`Linker._foreign_generic`).
FOREIGN_GENERIC_PENALTY = 0.3

#: Classes whose shortened labels are generic words ("the security forces", "the army").
GENERIC_RISK_TYPES: frozenset[str] = frozenset({"StateForce"})

#: Words (normalised, Arabic without the article) that name a country's state: its
#: nationality adjective in each form of agreement, and the country's own name. A name
#: with one of them says whose forces it means ("Turkish forces", "القوات العراقية",
#: "the Turkish drone strike"), so it is no generic word of another country's actor.
COUNTRY_WORDS: dict[str, frozenset[str]] = {
    "TR": frozenset({
        "turkish", "turkey", "turkiye", "türkiye", "turkey's", "türkiye's", "ankara",
        "تركي", "تركيه", "تركيين", "تركيان", "تركيتان", "تركيتين", "اتراك", "تركيا",
    }),
    "RU": frozenset({
        "russian", "russia", "russia's", "moscow",
        "روسي", "روسيه", "روسيين", "روسيان", "روسيتان", "روسيتين", "روس", "روسيا",
    }),
    "IQ": frozenset({
        "iraqi", "iraq", "iraq's",
        "عراقي", "عراقيه", "عراقيين", "عراقيان", "عراقيتان", "عراقيتين", "عراق",
    }),
    "SY": frozenset({
        "syrian", "syria", "syria's",
        "سوري", "سوريه", "سوريين", "سوريان", "سوريتان", "سوريتين", "سوريا",
    }),
    "US": frozenset({
        "american", "u.s.", "us", "u.s", "america", "america's", "washington",
        "امريكي", "امريكيه", "امريكيين", "امريكيان", "امريكيتان", "امريكيتين",
        "اميركي", "اميركيه", "اميركيين", "اميركيان", "اميركيتان", "اميركيتين",
        "امريكان", "امريكا", "اميركا", "واشنطن",
    }),
    "IR": frozenset({
        "iranian", "iran", "iran's", "tehran",
        "ايراني", "ايرانيه", "ايرانيين", "ايرانيان", "ايرانيتان", "ايرانيتين", "ايران",
    }),
    "IL": frozenset({
        "israeli", "israel", "israel's",
        "اسراييلي", "اسراييليه", "اسراييليين", "اسراييليان", "اسراييليتان", "اسراييل",
    }),
}

#: Place precision implied by the class of the linked place.
TYPE_PRECISION: dict[str, PlacePrecision] = {
    "Country": "country",
    "Governorate": "admin",
    "District": "admin",
    "Subdistrict": "admin",
    "Region": "region",
    "Polity": "region",
    "River": "region",
}

#: Precision of "<direction> of <place>" by the precision the place alone would give.
DIRECTION_PRECISION: dict[str, PlacePrecision] = {
    "country": "region",
    "exact": "near",
    "near": "near",
    "area": "area",
    "admin": "admin",
    "region": "region",
}

#: Precisions from finest to coarsest (a link only ever makes a precision coarser).
PRECISION_ORDER: tuple[PlacePrecision, ...] = (
    "exact",
    "near",
    "area",
    "admin",
    "region",
    "country",
)

#: Score factor for the candidate the extractor proposed (``Mention.entity`` on input).
HINT_BOOST = 1.15

#: Match score of a proposed entity the name itself does not find.
MATCH_HINT = 0.75

#: Weights of the evidence that ranks candidates.
WEIGHTS: dict[str, float] = {"context": 0.4, "level": 0.35, "prominence": 0.25}

#: Characters of report text around a mention that count as "near" for context.
NEAR_CHARS = 300

_WORD = re.compile(r"[\w\-]+")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]")


@dataclass(frozen=True, slots=True)
class ContextPlace:
    """A country or governorate named in the text, and where."""

    key: str
    start: int
    level: int


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate with its evidence and score."""

    entity: KBEntity
    score: float
    match: float
    fit: float
    context: float
    level: float


@dataclass(frozen=True, slots=True)
class _ContextIndex:
    """Names of countries and governorates (normalised) → keys, and their first words."""

    names: dict[str, tuple[str, ...]]
    first_words: frozenset[str]


@lru_cache(maxsize=8)
def _context_index(kb: KnowledgeBase) -> _ContextIndex:
    index: dict[str, list[str]] = defaultdict(list)
    for alias, key in kb.aliases():
        ent = kb.entity(key)
        if ent.kind == "place" and ent.admin_level in (0, 1) and len(alias) >= 3:
            index[alias].append(key)
    names = {name: tuple(keys) for name, keys in index.items()}
    return _ContextIndex(names, frozenset(name.split()[0] for name in names))


def find_context_places(text: str, kb: KnowledgeBase) -> list[ContextPlace]:
    """Countries and governorates named in ``text``, longest names first.

    Positions are offsets in the normalised text (:func:`kg.linking.kb.normalize_chars`), which
    differ from the original only by dropped diacritics.

    >>> from kg.linking.kb import load_kb
    >>> [p.key for p in find_context_places("في ريف دير الزور بسوريا", load_kb())]
    ['place:SY09', 'place:SY']
    """
    index = _context_index(kb)
    norm = normalize_chars(text)
    words = [(m.start(), m.group()) for m in _WORD.finditer(norm)]
    found: list[ContextPlace] = []
    covered_until = -1
    for i, (start, word) in enumerate(words):
        if start < covered_until:
            continue
        forms = [f for f, _ in clitic_variants(word)] if _ARABIC_WORD.match(word) else [word]
        forms = [f for f in forms if f in index.first_words]
        if not forms:
            continue
        for size in (4, 3, 2, 1):
            if i + size > len(words):
                continue
            rest = " ".join(w for _, w in words[i + 1 : i + size])
            keys = next(
                (index.names[p] for f in forms if (p := f"{f} {rest}".strip()) in index.names),
                (),
            )
            if keys:
                for key in keys:
                    found.append(ContextPlace(key, start, kb.entity(key).admin_level or 0))
                covered_until = words[i + size - 1][0] + len(words[i + size - 1][1])
                break
    return found


def _cue(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The cue word just before ``[start, end)`` and the one just after (normalised)."""
    before_words = alias_key(text[max(0, start - 40) : start]).split()
    after_words = alias_key(text[end : end + 40]).split()
    before = None
    if before_words:
        word = before_words[-1]
        for form, _cut in clitic_variants(word):
            if form in CUES["before"] or form in DIRECTION_WORDS:
                before = form
                break
        # "the village of X" / "ريف محافظة X"
        if before is None and len(before_words) >= 2 and word in ("of", "من"):
            prev = before_words[-2]
            before = prev if prev in CUES["before"] else None
    after = None
    if after_words:
        word = after_words[0].strip(",.;:")
        after = word if word in CUES["after"] else None
    return before, after


def _cue_types(before: str | None, after: str | None) -> tuple[str, ...]:
    types: list[str] = []
    if before:
        types.extend(CUES["before"].get(before, ()))
    if after:
        types.extend(CUES["after"].get(after, ()))
    return tuple(types)


class Linker:
    """Links mentions of one text against a knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, text: str = "", *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        """Prepare linking for a text (its countries and governorates are the context).

        Args:
            kb: the knowledge base.
            text: the report text (original).
            threshold: confidence under which a mention stays NIL.
        """
        self.kb = kb
        self.text = text
        self.threshold = threshold
        self.context = find_context_places(text, kb) if text else []

    def _context_score(self, ent: KBEntity, position: int | None) -> float:
        """How well the text's countries and governorates agree with a candidate (0..1)."""
        if not self.context:
            return 0.4
        chain = {ent.key} | {a.key for a in self.kb.ancestors(ent.key)}
        best = 0.0
        has_gov = False
        for place in self.context:
            has_gov = has_gov or place.level == 1
            if place.key not in chain:
                continue
            near = position is not None and abs(place.start - position) <= NEAR_CHARS
            value = (1.0 if near else 0.8) if place.level == 1 else (0.6 if near else 0.5)
            best = max(best, value)
        if best == 0.0:
            if ent.kind != "place":
                return 0.4
            return 0.15 if has_gov else 0.3
        return best

    def score(
        self,
        cand: Candidate,
        kind: str,
        label: str | None,
        cue_types: tuple[str, ...],
        position: int | None,
        name: str = "",
    ) -> Scored | None:
        """Score one candidate for a mention; ``None`` when its class does not fit."""
        ent = cand.entity
        fit = KIND_TYPES.get(kind, {}).get(ent.type, 0.0)
        if fit == 0.0:
            return None
        if label and label == ent.type:
            fit = min(1.0, fit + 0.1)
        if cue_types:
            level = 1.0 if ent.type in cue_types else 0.1
        else:
            level = DEFAULT_LEVEL_FIT.get(ent.type, 0.8)
        context = self._context_score(ent, position)
        penalty = CONTEXT_REQUIRED.get(ent.type, 1.0) if context < 0.8 else 1.0
        if self._foreign_generic(ent, name, position):
            penalty *= FOREIGN_GENERIC_PENALTY
        evidence = (
            WEIGHTS["context"] * context
            + WEIGHTS["level"] * level
            + WEIGHTS["prominence"] * ent.prominence
        )
        return Scored(ent, cand.match * fit * evidence * penalty, cand.match, fit, context, level)

    def _foreign_generic(self, ent: KBEntity, name: str, position: int | None) -> bool:
        """Whether ``name`` is a shortened label of an actor of a country not named nearby.

        ``القوات الأمنية`` is listed for the Iraqi Security Forces
        (``القوات الأمنية العراقية``), but in a report about Syria it means other forces.
        """
        if ent.type not in GENERIC_RISK_TYPES or not ent.country or not self.context:
            return False
        near = {
            self.kb.entity(p.key).country
            for p in self.context
            if position is None or abs(p.start - position) <= NEAR_CHARS
        }
        if ent.country in near:
            return False
        words = set(alias_key(name).split())
        if _names_country(words, ent.country):
            return False
        labels = [set(alias_key(n).split()) for n in (ent.label_ar, ent.label_en) if n]
        return any(words < label for label in labels)

    def rank(
        self,
        name: str,
        kind: str,
        *,
        label: str | None = None,
        cue_types: tuple[str, ...] = (),
        position: int | None = None,
    ) -> list[Scored]:
        """Candidates for a name, best first."""
        scored = []
        for cand in self.kb.lookup(name):
            s = self.score(cand, kind, label, cue_types, position, name)
            if s is not None:
                scored.append(s)
        scored.sort(key=lambda s: (-s.score, -s.entity.prominence, s.entity.key))
        return scored

    def decide(self, ranked: list[Scored]) -> tuple[KBEntity | None, float]:
        """The best candidate and its confidence, or ``(None, 0.0)`` under the threshold."""
        if not ranked:
            return None, 0.0
        best = ranked[0]
        margin = 1.0 if len(ranked) == 1 else (best.score - ranked[1].score) / best.score
        confidence = min(1.0, best.score / 0.8) * (0.55 + 0.45 * math.sqrt(max(margin, 0.0)))
        confidence = round(confidence, 3)
        if confidence < self.threshold:
            return None, 0.0
        return best.entity, confidence

    def resolve(
        self,
        name: str,
        kind: str,
        *,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        cue_types: tuple[str, ...] | None = None,
        hint: str | None = None,
    ) -> tuple[KBEntity | None, float]:
        """Resolve a name found at ``[start, end)`` of the text (offsets optional).

        ``hint`` is a KB key the extractor proposed (its gazetteer or an anaphor's
        antecedent): it is preferred among the candidates, and stands as the only
        candidate (with a weaker match score) when the name finds none.
        """
        if cue_types is None:
            cue_types = ()
            if start is not None and end is not None and kind == "place":
                cue_types = _cue_types(*_cue(self.text, start, end))
        position = start  # context positions differ from original offsets only by dropped marks
        ranked = self.rank(name, kind, label=label, cue_types=cue_types, position=position)
        if not ranked and kind == "place":
            for rest, types in _name_variants(name):
                ranked = self.rank(
                    rest, kind, label=label, position=position, cue_types=types or cue_types
                )
                if ranked:
                    break
        if hint and hint in self.kb:
            ranked = self._apply_hint(
                ranked, self.kb.entity(hint), kind, label, cue_types, position, name
            )
        return self.decide(ranked)

    def _apply_hint(
        self,
        ranked: list[Scored],
        hinted: KBEntity,
        kind: str,
        label: str | None,
        cue_types: tuple[str, ...],
        position: int | None,
        name: str,
    ) -> list[Scored]:
        if any(s.entity.key == hinted.key for s in ranked):
            boosted = [
                replace(s, score=s.score * HINT_BOOST) if s.entity.key == hinted.key else s
                for s in ranked
            ]
            return sorted(boosted, key=lambda s: (-s.score, -s.entity.prominence, s.entity.key))
        if ranked:
            return ranked
        alone = self.score(Candidate(hinted, MATCH_HINT), kind, label, cue_types, position, name)
        return [alone] if alone is not None else []


def _names_country(words: Iterable[str], country: str) -> bool:
    """Whether one of ``words`` (normalised) names ``country`` (:data:`COUNTRY_WORDS`).

    Arabic words are read without a leading conjunction, preposition or article
    (والتركية، للقوات العراقية).

    >>> _names_country(["القوات", "التركيه"], "TR"), _names_country(["القوات", "الامنيه"], "IQ")
    (True, False)
    """
    own = COUNTRY_WORDS.get(country)
    if not own:
        return False
    for word in words:
        forms = [f for f, _ in clitic_variants(word)] if _ARABIC_WORD.match(word) else [word]
        for form in forms:
            if form in own or (form.startswith("ال") and form[2:] in own):
                return True
    return False


_LEADING_NOISE = frozenset({"the", "of", "من"})
_NAME_SEPARATORS = re.compile(r"[,،(]")


def _strip_cue(name: str) -> tuple[str, str] | None:
    """Split a leading cue word off a name (``ناحية البصيرة`` → cue, ``البصيرة``).

    English articles and ``of`` around the cue are dropped too (``the city of Mosul``).
    """
    words = alias_key(name).split()
    while words and words[0] in _LEADING_NOISE:
        words = words[1:]
    if len(words) < 2:
        return None
    for form, _cut in clitic_variants(words[0]):
        if form in CUES["before"] or form in DIRECTION_WORDS:
            rest = words[1:]
            while rest and rest[0] in _LEADING_NOISE:
                rest = rest[1:]
            return (form, " ".join(rest)) if rest else None
    return None


def _name_variants(name: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Shorter forms of a place name that found no candidate, with the classes they imply.

    A leading cue or direction word (``the city of Mosul``, ``شرقي سوريا``), a trailing
    cue word (``Mosul district``), or what follows a comma (``Palmyra, Syria``) is
    removed.
    """
    stripped = _strip_cue(name)
    if stripped:
        word, rest = stripped
        yield rest, _cue_types(word if word in CUES["before"] else None, None)
    words = alias_key(name).split()
    if len(words) >= 2 and words[-1] in CUES["after"]:
        yield " ".join(words[:-1]), _cue_types(None, words[-1])
    head = _NAME_SEPARATORS.split(name, maxsplit=1)[0].strip()
    if head and head != name.strip():
        yield head, ()


def _direction_of(name: str) -> str | None:
    """The direction word a place name starts with (``شرقي سوريا`` → ``شرقي``)."""
    stripped = _strip_cue(name)
    return stripped[0] if stripped and stripped[0] in DIRECTION_WORDS else None


def _mention_name(mention: Mention) -> str:
    return mention.name or mention.span.text


def report_mentions(report: Report) -> Iterator[Mention]:
    """Every mention of a report, once: the list, then those only held by events."""
    seen: set[int] = set()

    def fresh(items: Iterable[Mention | None]) -> Iterator[Mention]:
        for m in items:
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield m

    yield from fresh(report.mentions)
    for event in report.events:
        yield from fresh([event.place.mention if event.place else None])
        yield from fresh(p.mention for p in event.actors)
        yield from fresh(c.affiliation for c in event.casualties)
        yield from fresh(event.according_to)


def link_report(report: Report, kb: KnowledgeBase, *, threshold: float = DEFAULT_THRESHOLD) -> None:
    """Link every mention of ``report`` to a KB entity, in place.

    A key already in :attr:`Mention.entity` (the extractor's gazetteer guess, or an
    anaphor's antecedent) is taken as a hint (:meth:`Linker.resolve`). Sets
    :attr:`Mention.entity` (a KB key, or ``None`` for NIL),
    :attr:`Mention.link_confidence` and, when linked, :attr:`Mention.label` (the
    entity's class). Mentions with the same name and kind get the same entity unless
    their own cue words say otherwise (one sense per report); a mention without a cue
    borrows the most common cue of its namesakes. Event places get a coarser
    :attr:`PlaceRef.precision` when the linked place is an admin unit, a region or a
    country, or the text says "countryside of" (``ريف``).

    Args:
        report: the extracted report.
        kb: the knowledge base.
        threshold: confidence under which a mention stays NIL.
    """
    linker = Linker(kb, report.document.text, threshold=threshold)
    mentions = list(report_mentions(report))
    cues: dict[int, tuple[str | None, str | None]] = {}
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in mentions:
        cues[id(m)] = _cue(report.document.text, m.span.start, m.span.end)
        groups[(m.kind, alias_key(_mention_name(m)))].append(m)
    for (kind, _name), members in groups.items():
        votes = Counter(_cue_types(*cues[id(m)]) for m in members if kind == "place")
        votes.pop((), None)
        shared = votes.most_common(1)[0][0] if votes else ()
        for m in members:
            own = _cue_types(*cues[id(m)]) if kind == "place" else ()
            entity, confidence = linker.resolve(
                _mention_name(m),
                kind,
                label=m.label,
                start=m.span.start,
                end=m.span.end,
                cue_types=own or shared,
                hint=m.entity,
            )
            m.entity = entity.key if entity else None
            m.link_confidence = confidence
            if entity is not None:
                m.label = entity.type
    for event in report.events:
        if event.place is None or event.place.mention.entity is None:
            continue
        ent = kb.entity(event.place.mention.entity)
        before, after = cues.get(id(event.place.mention), (None, None))
        implied = TYPE_PRECISION.get(ent.type)
        if before in AREA_CUES or after in AREA_CUES:
            implied = _coarser(implied or "area", "area")
        if before in DIRECTION_WORDS or _direction_of(_mention_name(event.place.mention)):
            # "eastern Syria" is a region of the country; "east of al-Busayrah" is near it
            implied = DIRECTION_PRECISION.get(implied or "exact", implied)
        if implied:
            event.place.precision = _coarser(event.place.precision, implied)


def _coarser(a: PlacePrecision, b: PlacePrecision) -> PlacePrecision:
    if a not in PRECISION_ORDER:
        return a
    if b not in PRECISION_ORDER:
        return a
    return a if PRECISION_ORDER.index(a) >= PRECISION_ORDER.index(b) else b


def resolve_name(
    name: str,
    kind: str,
    context: str | None = None,
    *,
    kb: KnowledgeBase | None = None,
    label: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[KBEntity | None, float]:
    """Resolve one name of ``kind`` against the KB, using ``context`` text if given.

    When the name occurs in ``context``, the words around its first occurrence serve as
    cues (``ناحية``, ``قرية`` …); countries and governorates named in ``context``
    rank the candidates.

    Args:
        name: the name as written.
        kind: ``place``, ``actor``, ``person``, ``operation``, ``outlet`` or ``facility``.
        context: text the name was read from (a sentence or the whole report).
        kb: the knowledge base (default: the shipped one).
        label: the fine class the caller expects, if known.
        threshold: confidence under which the answer is NIL.

    Returns:
        The entity (or ``None`` for NIL) and the confidence (0 for NIL).
    """
    kb = kb or load_kb()
    text = context or ""
    linker = Linker(kb, text, threshold=threshold)
    start = text.find(name) if text else -1
    if start >= 0:
        return linker.resolve(name, kind, label=label, start=start, end=start + len(name))
    return linker.resolve(name, kind, label=label)


def describe(
    name: str,
    kind: str,
    context: str | None = None,
    *,
    kb: KnowledgeBase | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, object]:
    """What ``name`` resolves to, as a JSON-ready dict (for ``kg link NAME``).

    >>> describe("داعش", "actor")["wikidata"]
    'Q2429253'
    """
    kb = kb or load_kb()
    entity, confidence = resolve_name(name, kind, context, kb=kb, threshold=threshold)
    if entity is None:
        return {"name": name, "kind": kind, "entity": None, "confidence": 0.0}
    return {
        "name": name,
        "kind": kind,
        "entity": entity.key,
        "type": entity.type,
        "label_ar": entity.label_ar,
        "label_en": entity.label_en,
        "wikidata": entity.wikidata,
        "confidence": confidence,
        "lat": entity.lat,
        "lon": entity.lon,
        "chain": [f"{e.key} {e.type} {e.label}" for e in kb.ancestors(entity.key)],
    }
