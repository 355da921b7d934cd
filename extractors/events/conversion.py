"""Stage 4: event drafts become :class:`kg.core.model.Event` objects.

Dates: the draft's time, else its soft time (the day the narrative is at), else the
reference date; background events take no date they do not state. Places: the
draft's place, else the report's main place (the finest place named most often); a
region (شرق سوريا) gives way to the main place for reported events. An attack told
without its author, in a sentence about fighting between two sides, is given the
side that is neither the target nor part of it.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from extractors.annotations import DocState, MentionHit, state
from extractors.attribution import ANONYMOUS, speakers_of
from extractors.entities import STATE_FORCE, SUBUNIT
from extractors.events.drafts import (
    DIRECTED,
    REPORTING_LABELS,
    EventDraft,
    identity,
    is_coarse,
    place_rank,
)
from extractors.events.roles import UNIDENTIFIED
from kg.core.model import Casualty, Event, Mention, Participation, PlaceRef, Span, TimeValue
from kg.core.text import normalize_text


def main_place(st: DocState) -> MentionHit | None:
    """The report's main place: the settlement named most often, else the finest
    place (a neighbourhood, a landmark) named most often."""
    places = [h for h in st.mentions if h.mention.kind == "place" and not is_coarse(h)]
    settlements = [h for h in places if place_rank(h) == 0]
    counts: Counter[str] = Counter()
    first: dict[str, MentionHit] = {}
    for h in settlements or places:
        key = identity(h)
        counts[key] += 1
        first.setdefault(key, h)
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -first[k].start))
    return first[best]


def told_place(st: DocState, d: EventDraft,
               main: MentionHit | None) -> tuple[MentionHit | None, str | None]:
    """The place a draft is told at, and its relation (``near``, ``countryside of``):
    its own place, else (a reported event) the settlement the sentence before was about;
    a governorate, a region with nothing named or a quarter of the report's main place
    gives way to that place (:func:`main_place`)."""
    background = bool(d.background)
    chosen, relation = d.place, d.relation
    if chosen is None and not background and d.soft_place is not None:
        chosen = d.soft_place  # the settlement the sentence before was about
    # a governorate or region gives way to the report's main place, and so does a
    # neighbourhood, prison or camp (guidelines: they map to their settlement)
    below = chosen is not None and place_rank(chosen) == 1 and place_rank(main) == 0 \
        and not _elsewhere(st, chosen, main) if main is not None else False
    # (an English region, "central Syria", is the place as written: English reports
    # name one where they give no settlement, and the settlement they do name elsewhere
    # is seldom in it)
    coarse = chosen is not None and is_coarse(chosen) and not _outside(st, main, chosen) \
        and not (chosen.mention.label == "Region" and st.lang == "en") \
        and not (chosen.countryside and _seat_of(main, chosen))
    # (a quarter maps to its settlement in background events too)
    if main is not None and (below or not background and (chosen is None or coarse)):
        chosen, relation = main, None if chosen is None else relation
        if chosen is main and d.place is not None:
            relation = None
    return chosen, relation


def to_event(doc: Doc, st: DocState, d: EventDraft,
             main: MentionHit | None) -> Event | None:
    """The :class:`kg.core.model.Event` of a draft (``None`` for an untyped operation);
    ``main`` is the report's main place (:func:`main_place`)."""
    if d.type is None:
        return None
    head = d.mentions[0]
    shown = next((m for m in d.mentions if m.trigger.type == d.type), head)
    trig = shown.trigger
    background = bool(d.background)
    date: TimeValue | None = None
    if d.time is not None and d.time.value is not None:
        date = TimeValue(d.time.value, d.time.precision,  # type: ignore[arg-type]
                         _span(doc, d.time.start, d.time.end))
    elif not background and d.soft_time is not None and d.soft_time.value \
            and not st.reference_told:
        date = TimeValue(d.soft_time.value, d.soft_time.precision,  # type: ignore[arg-type]
                         None)
    elif not background and st.reference is not None and not st.reference_told:
        # a date read in the text resolves the relative days told with it, but is no
        # publication date: an event told with no time of its own is not dated by it
        date = TimeValue(st.reference.isoformat(), "day", None)
    place = None
    chosen, relation = told_place(st, d, main)
    if chosen is not None:
        precision = {"near": "near", "countryside of": "area"}.get(relation or "", "exact")
        if chosen.inner is not None:
            chosen = chosen.inner  # شرقي بغداد: Baghdad, east of it
        elif chosen.mention.label == "Region":
            precision = "region"
        place = PlaceRef(chosen.mention, precision, relation)  # type: ignore[arg-type]
    s_start, s_end = st.sentences[shown.sentence]
    actors = [Participation(as_actor(st, h).mention, role)  # type: ignore[arg-type]
              for h, role, _ in unnamed_once(d)]
    has_perp = any(r == "perpetrator" for _, r, _ in d.roles.values())
    if not has_perp and d.type in DIRECTED:
        inferred = opponent(st, d)
        if inferred is not None:
            actors.insert(0, Participation(inferred.mention, "perpetrator"))
            has_perp = True
    if not has_perp:
        # "فجر انتحاري نفسه", "drones struck": the attacker as written (guidelines)
        attacker = next((m.attacker for m in d.mentions if m.attacker is not None), None)
        if attacker is not None:
            actors.insert(0, Participation(attacker.mention, "perpetrator"))
    casualties = [Casualty(c.status, c.count,  # type: ignore[arg-type]
                           c.affiliation.mention if c.affiliation else None,
                           c.qualifier, _span(doc, c.start, c.end))
                  for c in d.casualties]
    confidence = trig.confidence * (1.0 if actors else 0.8)
    return Event(
        type=d.type,  # type: ignore[arg-type]
        trigger=_span(doc, trig.start, trig.end),
        sentence=_span(doc, s_start, s_end),
        date=date, place=place, actors=actors, casualties=casualties,
        according_to=sources(st, d),
        background=background, name=d.name, confidence=round(confidence, 3),
    )


def unnamed_once(d: EventDraft) -> list[tuple[MentionHit, str, float]]:
    """The roles of a draft with unnamed armed men told more than once in one role
    ("مسلحون مجهولون" … "المسلحون", "masked gunmen" … "the gunmen") kept once, under the
    fullest of their descriptions."""
    fullest: dict[str, MentionHit] = {}
    for h, role, _ in d.roles.values():
        if h.mention.label == UNIDENTIFIED:
            best = fullest.get(role)
            if best is None or len(h.mention.name or "") > len(best.mention.name or ""):
                fullest[role] = h
    return [(h, role, strength) for h, role, strength in d.roles.values()
            if h.mention.label != UNIDENTIFIED or fullest.get(role) is h]


def _outside(st: DocState, place: MentionHit | None, governorate: MentionHit) -> bool:
    """Whether the KB puts ``place`` outside a governorate (بريف حلب does not give way
    to Damascus); unknown when either is no KB place."""
    if place is None or governorate.mention.label != "Governorate" \
            or not governorate.mention.entity or not place.mention.entity:
        return False
    key: str | None = place.mention.entity
    seen: set[str] = set()
    while key and key not in seen:
        if key == governorate.mention.entity:
            return False
        seen.add(key)
        key = st.parents.get(key)
    return True


def _seat_of(place: MentionHit | None, countryside: MentionHit) -> bool:
    """Whether ``place`` is the settlement a countryside is named after (ريف حمص
    الشمالي and حمص): the countryside lies around it, so the event is not in it."""
    if place is None:
        return False
    name = normalize_text(place.mention.name or place.mention.span.text)
    tail = normalize_text(countryside.mention.name or "").split(" ", 1)[-1]
    # the settlement as its admin word names it (مدينة حلب) is the seat too
    words = name.split()
    return bool(name) and (name in tail or len(words) == 2 and words[-1] in tail.split())


def _elsewhere(st: DocState, place: MentionHit, main: MentionHit) -> bool:
    """Whether the sentence of a place below a settlement names the container it is in,
    other than the main place's name (منطقة غريبة بريف دير الزور: not in the city the
    report is mostly about)."""
    index = st.sentence_of[place.start]
    name = normalize_text(main.mention.name or main.mention.span.text)
    return any(place_rank(h) == 2 and h.start > place.start
               and name not in normalize_text(h.mention.name or h.mention.span.text)
               and h.mention.kind == "place"
               for h in st.in_sentence("mentions", index))


def sources(st: DocState, d: EventDraft) -> list[Mention]:
    """Who the event is according to: its speakers; where none is named, or only
    anonymous ones (مصادر محلية، ناشطون), also the outlet that published the report —
    the text is then in the outlet's own voice, or the outlet vouches for its sources."""
    named: list[Mention] = []
    seen: dict[str, int] = {}
    for hit in d.speakers.values():
        # one name written twice (وكالة "سانا" … لـ سانا), once linked and once not, is
        # one source: the linked one stands for both
        key = normalize_text(hit.mention.name or hit.mention.span.text)
        if key in seen:
            if named[seen[key]].entity is None and hit.mention.entity:
                named[seen[key]] = hit.mention
            continue
        seen[key] = len(named)
        named.append(hit.mention)
    if st.source and all(m.label == ANONYMOUS for m in named):
        # the feed names the outlet; the text does not, so the mention has no span
        named.append(Mention(span=Span(0, 0, ""), kind="outlet", label="NewsOutlet",
                             entity=st.user.get("source_entity"), name=st.source,
                             confidence=0.9))
    return named


def as_actor(st: DocState, hit: MentionHit) -> MentionHit:
    """A state named as a party (قصفت تركيا) acts through its armed forces: the KB's
    state force of that country, else an actor (no KB entity) named as written —
    never the place, which is no actor."""
    if hit.mention.kind != "place":
        return hit
    forces: dict[str, tuple[float, str]] = st.user.get("state_forces", {})
    found = forces.get(hit.mention.entity or "")
    old = hit.mention
    mention = Mention(span=old.span, kind="actor", label=STATE_FORCE if found else None,
                      entity=found[1] if found else None,
                      name=old.name or old.span.text, confidence=old.confidence)
    return MentionHit(hit.start, hit.end, mention, "anaphor")


def opponent(st: DocState, d: EventDraft) -> MentionHit | None:
    """For an attack told without its author: the one other side of the sentence
    that is neither the target nor part of it (اشتبكت قسد مع داعش … وتعرض مقر
    للمجلس العسكري للهجوم → داعش)."""
    targets = {k for k, (_, r, _) in d.roles.items() if r == "target"}
    if not targets:
        return None
    related = set(targets)
    for key in targets:
        parent = st.parents.get(key)
        while parent and parent not in related:
            related.add(parent)
            parent = st.parents.get(parent)
    index = d.mentions[0].sentence
    s_start, s_end = st.sentences[index]
    speaker = speakers_of(st, index)
    speaking = {identity(h) for h in speaker.speakers} if speaker else set()
    others: dict[str, MentionHit] = {}
    for h in st.mentions:
        if h.mention.kind == "actor" and s_start <= h.start < s_end \
                and h.mention.label != SUBUNIT and h.mention.label not in REPORTING_LABELS:
            key = identity(h)
            if key not in related and key not in speaking and \
                    st.parents.get(key) not in related:
                others.setdefault(key, h)
    return next(iter(others.values())) if len(others) == 1 else None


def link_operations(st: DocState) -> None:
    """Set ``part_of`` of events told in a sentence that names an operation the report
    has as an event of its own (… ضمن عملية "ردع العدوان")."""
    operations: dict[str, int] = {}
    for index, event in enumerate(st.events):
        if event.type == "MilitaryOperation" and event.name:
            operations[normalize_text(event.name)] = index
    if not operations:
        return
    named: list[tuple[int, str]] = [
        (st.starts[h.start], normalize_text(h.mention.name or ""))
        for h in st.mentions if h.mention.kind == "operation"]
    for event in st.events:
        if event.type == "MilitaryOperation":
            continue
        for start, name in named:
            target = operations.get(name)
            if target is not None and event.sentence.start <= start < event.sentence.end:
                event.part_of = target
                break


def _span(doc: Doc, start: int, end: int) -> Span:
    st = state(doc)
    a, b = st.char_span(start, end)
    return Span(a, b, st.text[a:b])
