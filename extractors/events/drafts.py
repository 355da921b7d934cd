"""The data passed between the event stages, and the small rules they share.

:class:`EventMention` is one trigger group of one sentence with the arguments read from
its clause (the output of :mod:`~extractors.events.mentions`,
:mod:`~extractors.events.roles` and :mod:`~extractors.events.arguments`);
:class:`EventDraft` is one happening with all its mentions merged (the output of
:mod:`~extractors.events.coreference`), which :mod:`~extractors.events.conversion`
turns into a :class:`kg.core.model.Event`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from extractors.annotations import CasualtyHit, MentionHit, TimeHit, TriggerHit
from kg.core.model import CIVILIANS
from kg.core.text import normalize_text

CLAUSE_BREAKS = frozenset({"،", ",", ";", "؛", ":"})
ACTOR_KINDS = frozenset({"actor", "person"})
#: Speakers that have no forces of their own (monitors, outlets).
NON_COMBATANT_LABELS = frozenset({"MonitoringOrganization", "NewsOutlet", "NewsAgency",
                                  "Organisation", "Person"})
#: Labels of those who report events (monitors, outlets): never a party to one, though
#: one may be attacked (a civil defence centre struck).
REPORTING_LABELS = frozenset({"MonitoringOrganization", "NewsOutlet", "NewsAgency"})
#: Place labels that may act as a party (أطلقت تركيا عملية …).
STATE_LABELS = frozenset({"Country"})
#: Event types whose object is the side acted on (all but clashes, curfews, escapes).
DIRECTED = frozenset({"Attack", "Raid", "Airstrike", "Shelling", "Explosion", "SuicideBombing",
                      "Assassination", "Arrest", "Abduction", "MilitaryOperation", None})
#: Nominal triggers whose genitive is the side acted on (اعتقال عناصر، اغتيال قيادي).
PATIENT_GENITIVE = frozenset({"Arrest", "Abduction", "Assassination", "Raid", "Curfew"})
#: Place labels too coarse to be an event's place when the report names a finer one.
COARSE_PLACES = frozenset({"Country", "Region", "Polity", "Governorate"})
#: Place labels below a settlement (a neighbourhood, camp, prison, road, area …): the
#: event's place is the settlement they are in when the clause names it.
SUB_SETTLEMENT = frozenset({"Neighbourhood", "Camp", "Prison", "Airport", "OilField",
                            "MilitaryBase", "Crossing", "Bridge", "Dam", "Square", "Street",
                            "Desert", "Facility", "Area", "River", "Mountain"})
#: Label of a named area (منطقة + name) no list has: a locality that ranks below a
#: settlement and above a direction from one (منطقة الفلاحات غربي الفلوجة: the city
#: only locates the area) and a neighbourhood (see :func:`place_rank`).
AREA = "Area"
AREA_RANK = 0.4
#: Place labels above a settlement: containers, not the event's place when a
#: settlement is named (ريف: the countryside of a governorate or city).
CONTAINER_PLACES = COARSE_PLACES | {"Countryside", "Dateline"}
#: Role strength: explicit cue words beat word order.
CUE, ORDER, INFERRED = 0.9, 0.6, 0.4
#: Confidence of an attack read from casualties alone (no event word in the sentence).
FALLBACK_CONFIDENCE = 0.5
#: How many of the latest events a new mention is compared with for coreference.
COREF_WINDOW = 30



@dataclass(slots=True)
class EventMention:
    """One trigger group in one sentence with the arguments read from its clause."""

    type: str | None
    trigger: TriggerHit
    sentence: int
    window: tuple[int, int]
    roles: list[tuple[MentionHit, str, float]] = field(default_factory=list)
    casualties: list[CasualtyHit] = field(default_factory=list)
    time: TimeHit | None = None
    #: the day the narrative is at when the mention gives no time of its own
    soft_time: TimeHit | None = None
    place: MentionHit | None = None
    #: the settlement the sentence just before was about, when the mention names none
    soft_place: MentionHit | None = None
    relation: str | None = None
    background: bool | None = None
    anaphoric: bool = False
    distinct: bool = False
    speakers: list[MentionHit] = field(default_factory=list)
    name: str | None = None
    #: the attacker told only by what it is (انتحاري، a drone), the perpetrator as written
    #: when the event has no other
    attacker: MentionHit | None = None


@dataclass(slots=True)
class EventDraft:
    """An event being assembled from its mentions."""

    type: str | None
    mentions: list[EventMention]
    roles: dict[str, tuple[MentionHit, str, float]] = field(default_factory=dict)
    casualties: list[CasualtyHit] = field(default_factory=list)
    speakers: dict[str, MentionHit] = field(default_factory=dict)
    time: TimeHit | None = None
    soft_time: TimeHit | None = None
    place: MentionHit | None = None
    soft_place: MentionHit | None = None
    relation: str | None = None
    background: bool | None = None
    name: str | None = None

    def add(self, m: EventMention) -> None:
        """Merge a mention into the draft."""
        self.mentions.append(m)
        if self.soft_time is None:
            self.soft_time = m.soft_time
        if self.soft_place is None:
            self.soft_place = m.soft_place
        if self.type is None and m.type is not None:
            self.type = m.type
        for hit, role, strength in m.roles:
            key = identity(hit)
            old = self.roles.get(key)
            if old is None or strength > old[2]:
                self.roles[key] = (hit, role, strength)
        earlier = len(self.casualties)
        for cas in m.casualties:
            add_casualty(self.casualties, cas, earlier)
        for hit in m.speakers:
            self.speakers.setdefault(identity(hit), hit)
        if self.time is None or (self.time.value is None and m.time is not None
                                 and m.time.value is not None):
            self.time = m.time if m.time is not None else self.time
        elif m.time is not None and m.time.value and _finer(m.time, self.time):
            self.time = m.time
        if m.place is not None and (
                self.place is None or _countryside_of(m.place, self.place)
                or (is_coarse(self.place) and not is_coarse(m.place)
                    or self.place.mention.label == "Countryside" and place_rank(m.place) == 0)
                and not _named_after(self.place, m.place)):
            # a countryside told after its seat or a direction from it says where the
            # event is, and a settlement told after a town's countryside (as after a
            # governorate's) is the finer place; its seat told after it is the landmark
            # it is named after
            self.place, self.relation = m.place, m.relation
        if m.background is True or self.background is None:
            self.background = m.background if m.background is not None else self.background
        self.name = self.name or m.name


def _countryside_of(place: MentionHit, told: MentionHit) -> bool:
    """Whether ``place`` is a countryside that says better where an event ``told`` at
    its seat or around it is: the countryside of the governorate whose name the bare
    seat shares ("كمين في اللاذقية" and "في ريف اللاذقية": the bare name may mean the
    governorate), or the countryside named after the settlement a direction or region
    is from ("شمال حمص" and "ريف حمص الشمالي")."""
    if not place.countryside:
        return False
    if told.container is not None and place.mention.entity == told.container:
        return True
    return (told.inner is not None or told.mention.label == "Region") \
        and _named_after(place, told)


def _named_after(countryside: MentionHit, place: MentionHit) -> bool:
    """Whether ``countryside`` is named after the settlement ``place`` is or lies by
    (ريف حلب الغربي and حلب, مدينة حلب or غربي حلب): it lies around the settlement, so
    the settlement told with it is a landmark, not the event's place."""
    if not countryside.countryside or place.countryside:
        return False
    words = normalize_text(place.mention.name or place.mention.span.text).split()
    return bool(words) and words[-1] in normalize_text(countryside.mention.name or "").split()


def identity(hit: MentionHit) -> str:
    """The identity of a mentioned entity: its KB key, else its normalised name (a
    direction from a settlement is the settlement's)."""
    if hit.inner is not None:
        hit = hit.inner
    if hit.mention.entity:
        return hit.mention.entity
    name = normalize_text(hit.mention.name or hit.mention.span.text)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in name.split()]
    return " ".join(words)



def place_rank(hit: MentionHit) -> float:
    """How fit a place is to be an event's place: 0 a settlement (city, town, village,
    or a district named after its seat), 0.4 a named area no list has (منطقة غريبة: a
    locality, kept unless a settlement is named with it), 0.5 a direction from a
    settlement (شرق دمشق: a landmark for a place named with it, else the settlement
    itself), 1 a place below a settlement (neighbourhood, facility: it maps to its
    settlement), 2 a container (governorate, countryside, region, country)."""
    label = hit.mention.label or ""
    if hit.inner is not None:
        return 0.5
    if label == AREA and not hit.mention.entity:
        return AREA_RANK
    if hit.mention.kind == "facility" or label in SUB_SETTLEMENT:
        return 1
    return 2 if label in CONTAINER_PLACES else 0


def is_coarse(hit: MentionHit) -> bool:
    """Whether a place is too coarse to be an event's place when a finer one is named."""
    return hit.inner is None and (hit.mention.label or "") in COARSE_PLACES


def side(hit: MentionHit) -> str:
    """The side a casualty's people are of: civilians whatever word names them (شاب،
    شاباً، مدنيين، a vendor), else the identity of the named side."""
    if hit.mention.label == CIVILIANS:
        return CIVILIANS
    return identity(hit)


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}


def _finer(a: TimeHit, b: TimeHit) -> bool:
    return _PRECISION_RANK.get(a.precision, 4) < _PRECISION_RANK.get(b.precision, 4)


def add_casualty(into: list[CasualtyHit], new: CasualtyHit, earlier: int = 0) -> None:
    """Add a casualty unless it repeats one already told (same status and side, count
    equal or unknown); a known count replaces an unknown one. The first ``earlier``
    casualties come from earlier mentions: another count for the same side there is a
    restated figure, and the first one stands."""
    for i, old in enumerate(into):
        if old.status != new.status:
            continue
        same_side = (old.affiliation is None or new.affiliation is None
                     or side(old.affiliation) == side(new.affiliation))
        if not same_side:
            continue
        if old.count == new.count or new.count is None:
            if old.affiliation is None and new.affiliation is not None:
                old.affiliation = new.affiliation
            return
        if old.count is None:
            if new.affiliation is None:
                new.affiliation = old.affiliation
            into[i] = new
            return
        if i < earlier and old.affiliation is not None and new.affiliation is not None:
            return  # another figure for the same people in a later mention: the first
            # cited stands (guidelines: conflicting figures keep the first cited)
    into.append(new)


def period(hit: TimeHit) -> tuple[dt.date, dt.date] | None:
    """The first and last day a time expression covers (``None`` when unknown)."""
    if hit.value is None:
        return None
    parts = [int(p) for p in hit.value.split("-")]
    if hit.precision == "week":
        start = dt.date(*parts)
        return start, start + dt.timedelta(days=6)
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        start = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def times_compatible(a: TimeHit | None, b: TimeHit | None) -> bool:
    """Whether two explicit times can be the same happening (unknown fits anything)."""
    if a is None or b is None:
        return True
    pa, pb = period(a), period(b)
    if pa is None or pb is None:
        return True
    return pa[0] <= pb[1] and pb[0] <= pa[1]


def from_casualties(m: EventMention) -> bool:
    """Whether a mention was read from casualties alone (it joins others only when it
    refers back to them)."""
    return m.trigger.confidence <= FALLBACK_CONFIDENCE

