"""Events: triggers with their actors and roles, place, date, casualties, sources.

Per sentence, triggers are grouped (a specific trigger absorbs a generic one next to
it: داهمت … فاعتقلت is one raid), each group reads its arguments from its clause,
and then mentions of the same happening across the report are merged:

* a definite or demonstrative mention (المداهمة، هذه الاشتباكات) refers back to the
  last event of its type (or to an untyped ``عملية``, which then takes the type);
* other mentions join an earlier event when type, date, place, background and the
  sides agree, unless a word says it is another one (أخرى، أيضا، جديد);
* mentions that say nothing new in a sentence that refers back to an event are part
  of that event (… قتلت خلال المداهمة 5 عناصر في المعركة التي تلت ذلك).

Roles come from cue words (بدعم → supporter; على، ضد، مواقع → target; بين … و،
مع → participant of a clash; من قبل، شنتها → perpetrator) and word order (the subject
of the trigger verb or of a support verb نفذ/شن/أطلق carried it out; what follows
it was the target). A sub-unit (وحدات مكافحة الإرهاب التابعة لقوات قسد) stands for
the named force it belongs to; "its forces" in a party's statement are that party's;
an attack told without its author, in a sentence about fighting between two sides, is
given the side that is neither the target nor part of it.

Dates: the mention's own time expression, else the day the narrative is at (the last
day told for a reported event), else the reference date; background events (كان … قد،
في وقت سابق، earlier years, قبل أكثر من شهر) take no date they do not state. Places:
the clause's place, else the report's main place (the finest place named most often);
a region (شرق سوريا) gives way to the main place for reported events. A short first
line without a full stop is a headline: its events are merged into the body's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import (
    CasualtyHit,
    DocState,
    MentionHit,
    TimeHit,
    TriggerHit,
    state,
)
from extractors.attribution import speakers_of
from extractors.casualties import CIVILIANS
from extractors.entities import PLACE_CONTEXT, STATE_FORCE, SUBUNIT
from extractors.lexicon import Lexicon, load_lexicon
from kg.core.model import Casualty, Event, Mention, Participation, PlaceRef, Span, TimeValue
from kg.core.text import normalize_text

_CLAUSE_BREAKS = frozenset({"،", ",", ";", "؛", ":"})
_ACTOR_KINDS = frozenset({"actor", "person"})
#: Speakers that have no forces of their own (monitors, outlets).
NON_COMBATANT_LABELS = frozenset({"MonitoringOrganization", "NewsOutlet", "NewsAgency",
                                  "Organisation", "Person"})
#: Place labels that may act as a party (أطلقت تركيا عملية …).
STATE_LABELS = frozenset({"Country"})
#: Event types whose object is the side acted on (all but clashes, curfews, escapes).
DIRECTED = frozenset({"Attack", "Raid", "Airstrike", "Shelling", "Explosion", "SuicideBombing",
                      "Assassination", "Arrest", "Abduction", "MilitaryOperation", None})
#: Nominal triggers whose genitive is the side acted on (اعتقال عناصر، اغتيال قيادي).
PATIENT_GENITIVE = frozenset({"Arrest", "Abduction", "Assassination", "Raid", "Curfew"})
#: Place labels too coarse to be an event's place when the report names a finer one.
COARSE_PLACES = frozenset({"Country", "Region", "Polity", "Governorate"})
#: Role strength: explicit cue words beat word order.
CUE, ORDER, INFERRED = 0.9, 0.6, 0.4
_ESCALATION = normalize_text("تصعيد")
#: Confidence of an attack read from casualties alone (no event word in the sentence).
FALLBACK_CONFIDENCE = 0.5
#: How many of the latest events a new mention is compared with for coreference.
COREF_WINDOW = 30
#: Background when an explicit date lies this many days before the reference date.
BACKGROUND_DAYS = 7


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
    relation: str | None = None
    background: bool | None = None
    anaphoric: bool = False
    distinct: bool = False
    speakers: list[MentionHit] = field(default_factory=list)
    name: str | None = None


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
    relation: str | None = None
    background: bool | None = None
    name: str | None = None

    def add(self, m: EventMention) -> None:
        """Merge a mention into the draft."""
        self.mentions.append(m)
        if self.soft_time is None:
            self.soft_time = m.soft_time
        if self.type is None and m.type is not None:
            self.type = m.type
        for hit, role, strength in m.roles:
            key = identity(hit)
            old = self.roles.get(key)
            if old is None or strength > old[2]:
                self.roles[key] = (hit, role, strength)
        for cas in m.casualties:
            add_casualty(self.casualties, cas)
        for hit in m.speakers:
            self.speakers.setdefault(identity(hit), hit)
        if self.time is None or (self.time.value is None and m.time is not None
                                 and m.time.value is not None):
            self.time = m.time if m.time is not None else self.time
        elif m.time is not None and m.time.value and _finer(m.time, self.time):
            self.time = m.time
        if m.place is not None and (self.place is None or _coarse(self.place)
                                    and not _coarse(m.place)):
            self.place, self.relation = m.place, m.relation
        if m.background is True or self.background is None:
            self.background = m.background if m.background is not None else self.background
        self.name = self.name or m.name


def identity(hit: MentionHit) -> str:
    """The identity of a mentioned entity: its KB key, else its normalised name."""
    if hit.mention.entity:
        return hit.mention.entity
    name = normalize_text(hit.mention.name or hit.mention.span.text)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in name.split()]
    return " ".join(words)


def _coarse(hit: MentionHit) -> bool:
    return (hit.mention.label or "") in COARSE_PLACES


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}


def _finer(a: TimeHit, b: TimeHit) -> bool:
    return _PRECISION_RANK.get(a.precision, 4) < _PRECISION_RANK.get(b.precision, 4)


def add_casualty(into: list[CasualtyHit], new: CasualtyHit) -> None:
    """Add a casualty unless it repeats one already told (same status and side, count
    equal or unknown); a known count replaces an unknown one."""
    for i, old in enumerate(into):
        if old.status != new.status:
            continue
        same_side = (old.affiliation is None or new.affiliation is None
                     or identity(old.affiliation) == identity(new.affiliation))
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
    into.append(new)


def _period(hit: TimeHit) -> tuple[dt.date, dt.date] | None:
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
    pa, pb = _period(a), _period(b)
    if pa is None or pb is None:
        return True
    return pa[0] <= pb[1] and pb[0] <= pa[1]


class EventBuilder:
    """Assemble events from the layers and write them to ``doc._.ckg.events``."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the cue tables of ``lexicon``."""
        self.lex = lexicon

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc``."""
        st = state(doc)
        drafts = self.assemble(st)
        main = self.main_place(st)
        st.events = [e for e in (self.to_event(doc, st, d, main) for d in drafts)
                     if e is not None]
        link_operations(st)
        return doc

    # -- per sentence -------------------------------------------------------------

    def clauses(self, st: DocState, start: int, end: int) -> list[tuple[int, int]]:
        """Comma-separated parts of a sentence; parts that hold only a date join the
        part before them."""
        time_tokens = {i for t in st.in_sentence("times", st.sentence_of[start])
                       for i in range(t.start, t.end)}
        parts: list[tuple[int, int]] = []
        lo = start
        for i in range(start, end):
            if st.norms[i] in _CLAUSE_BREAKS:
                parts.append((lo, i))
                lo = i + 1
        parts.append((lo, end))
        merged: list[tuple[int, int]] = []
        join_next = False
        for part in parts:
            only_time = all(j in time_tokens or st.norms[j] in _CLAUSE_BREAKS
                            for j in range(*part))
            if merged and (only_time or join_next):
                # "شنت طائرات، فجر اليوم، غارات": a time between commas is parenthetical
                merged[-1] = (merged[-1][0], part[1])
            else:
                merged.append(part)
            join_next = only_time
        return merged

    def sentence_mentions(self, st: DocState, index: int) -> list[EventMention]:
        """The event mentions of one sentence, with their arguments."""
        s_start, s_end = st.sentences[index]
        triggers = st.in_sentence("triggers", index) or self._casualty_triggers(st, index)
        if not triggers:
            return []
        clauses = self.clauses(st, s_start, s_end)
        habitual = self.lex.tables["habitual"]
        mentions: list[EventMention] = []
        for pos, trig in enumerate(triggers):
            nxt = triggers[pos + 1] if pos + 1 < len(triggers) else None
            if trig.type is None and nxt is not None and nxt.start - trig.end <= 1:
                nxt.definite = nxt.definite or trig.definite
                continue
            window = self._window(st, clauses, trig, (s_start, s_end))
            if any(habitual.starts_with(st.forms[j]) and habitual.first(st.keys, j)
                   for j in range(*window)):
                continue
            mention = EventMention(trig.type, trig, index, window, anaphoric=trig.definite)
            mention.distinct = any(st.forms[j] & self.lex.sets["distinct"]
                                   for j in range(trig.end, min(window[1], trig.end + 6)))
            mentions.append(mention)
        speaker = speakers_of(st, index)
        speaker_tokens: set[int] = set()
        if speaker is not None:
            speaker_tokens.update(range(speaker.start, speaker.end))
            for hit in speaker.speakers:
                speaker_tokens.update(range(hit.start, hit.end))
        for m in mentions:
            self._roles(st, m, speaker_tokens)
        mentions = self._absorb(st, mentions)
        for m in mentions:
            self._time(st, m)
            self._place(st, m)
            self._background(st, m)
            self._name(st, m)
            if speaker is not None and m.trigger.start >= speaker.scope:
                m.speakers = list(speaker.speakers)
        self._casualties(st, mentions, s_start, s_end)
        self._claims(st, mentions, s_start, s_end)
        return mentions

    def _may_join(self, st: DocState, host: EventMention, m: EventMention) -> bool:
        ours = {identity(h) for h, r, _ in host.roles if r == "perpetrator"}
        theirs = {identity(h) for h, r, _ in m.roles if r == "perpetrator"}
        if theirs and not theirs <= ours:
            return False
        if host.window == m.window:
            return True
        results = self.lex.sets["result_words"]
        if any(st.forms[k] & results for k in range(max(host.trigger.end, m.trigger.start - 3),
                                                   m.trigger.start)):
            return True  # "… عملية إنزال، أسفرت عن اعتقال قيادي": the outcome of it
        # "…، فاعتقلت" / "…، واعتقلت": the same subject goes on to a further act
        return m.trigger.kind == "verb" and st.norms[m.trigger.start][:1] in ("ف", "و")

    def _casualty_triggers(self, st: DocState, index: int) -> list[TriggerHit]:
        """A sentence that tells of people killed or wounded but names no kind of event
        ("قتل مسلحون مترجما في المحمودية") tells of an attack."""
        verbs = self.lex.tables["casualty_verbs"]
        for cas in st.in_sentence("casualties", index):
            if cas.status not in ("killed", "injured"):
                continue
            if cas.count is None and cas.affiliation is None:
                continue
            cue = next((k for k in range(cas.start, cas.end)
                        if self.lex.tables["casualties"].first(st.keys, k)), cas.start)
            kind = "verb" if verbs.first(st.keys, cue, cue + 1) else "noun"
            return [TriggerHit(cue, cue + 1, "Attack", kind, FALLBACK_CONFIDENCE)]
        return []

    def _window(self, st: DocState, clauses: list[tuple[int, int]], trig: TriggerHit,
                sentence: tuple[int, int]) -> tuple[int, int]:
        """The clause of a trigger; a next clause that opens with a role word (لطرد،
        بدعم، ضد) still belongs to it."""
        for pos, clause in enumerate(clauses):
            if clause[0] <= trig.start < clause[1]:
                end = clause[1]
                for nxt in clauses[pos + 1:]:
                    first = {k for k, _ in st.keys[nxt[0]]} if nxt[0] < nxt[1] else set()
                    if first & (self.lex.sets["target"] | self.lex.sets["supporter"]):
                        end = nxt[1]
                    else:
                        break
                return clause[0], end
        return sentence

    def _absorb(self, st: DocState, mentions: list[EventMention]) -> list[EventMention]:
        """Merge mentions of one sentence that tell one happening: same type in one
        clause, or a generic type next to a specific one (داهمت … فاعتقلت), unless the
        second one has an author of its own."""
        kept: list[EventMention] = []
        for m in mentions:
            host = None
            for k in kept:
                if not self._may_join(st, k, m):
                    continue
                same = k.type == m.type and k.window == m.window
                if same or m.type in self.lex.absorbs.get(k.type or "", ()):
                    host = k
                elif k.type in self.lex.absorbs.get(m.type or "", ()):
                    k.type, k.trigger = m.type, m.trigger
                    host = k
                if host is not None:
                    break
            if host is None:
                kept.append(m)
            else:
                host.roles.extend(r for r in m.roles
                                  if identity(r[0]) not in {identity(h) for h, _, _ in host.roles})
                host.window = (min(host.window[0], m.window[0]), max(host.window[1],
                                                                      m.window[1]))
                host.anaphoric = host.anaphoric or m.anaphoric
        return kept

    # -- arguments ------------------------------------------------------------------

    def _np_start(self, st: DocState, hit: MentionHit, lo: int, covered: set[int]) -> int:
        """Start of the noun phrase an actor heads (its sub-unit words included);
        ``covered`` are tokens of other actors and of triggers, where it stops."""
        heads = self.lex.sets["subunit_heads"] | self.lex.sets["carriers"]
        stops = self.lex.sets["target"] | self.lex.sets["supporter"] | self.lex.sets[
            "participant"]
        start = hit.start
        for k in range(hit.start - 1, max(lo, hit.start - 6) - 1, -1):
            if st.norms[k] in _CLAUSE_BREAKS or k in covered:
                break
            if st.forms[k] & stops and k == hit.start - 1 and self._possessive(st, hit):
                break  # "نقطة لقوات النظام": the position of that side, a target word
            if st.forms[k] & heads:
                start = k
            elif st.forms[k] & stops:
                break  # "على مواقع قوات النظام": the phrase starts after the role word
        return start

    @staticmethod
    def _coordinated(st: DocState, before: MentionHit, hit: MentionHit) -> bool:
        """Whether ``hit`` is joined by "و" to the actor ``before`` (X وY، X و Y)."""
        if hit.start == before.end + 1:
            return st.norms[before.end] in ("و", "and")
        if hit.start != before.end:
            return False
        a, _b = st.char_span(hit.start, hit.end)
        return hit.mention.span.start > a and st.norms[hit.start][:1] == "و"

    @staticmethod
    def _possessive(st: DocState, hit: MentionHit) -> bool:
        """Whether an actor is written with the possessive ل (لقوات، للجيش)."""
        a, _b = st.char_span(hit.start, hit.end)
        return hit.mention.span.start > a and st.norms[hit.start][:1] == "ل"

    @staticmethod
    def _country_acts(st: DocState, hit: MentionHit, role: str | None, strength: float,
                      anchor: int, trig: TriggerHit) -> bool:
        """A country is a party only after a role word, or as the subject right next to
        the verb (أطلقت تركيا عملية …), never after a place preposition (في العراق)."""
        if hit.start > 0 and st.norms[hit.start - 1] in PLACE_CONTEXT:
            return False
        if strength >= CUE:
            return True
        anchor_end = trig.end if anchor == trig.start else anchor + 1
        return role == "perpetrator" and (hit.start == anchor_end or hit.end == anchor)

    def _self_reference(self, st: DocState, m: EventMention) -> MentionHit | None:
        """"أعلنت القوات العراقية أنها قتلت …": the speaker, named by the pronoun of the
        complementizer just before a trigger verb, carried it out."""
        speaker = speakers_of(st, m.sentence)
        if speaker is None or m.trigger.kind != "verb":
            return None
        k = m.trigger.start - 1
        if k < 0 or k != speaker.end or not (st.forms[k] & self.lex.sets["self_reference"]):
            return None
        return next((h for h in speaker.speakers if h.mention.kind == "actor"
                     and h.mention.label not in NON_COMBATANT_LABELS), None)

    def _announcer(self, st: DocState, m: EventMention) -> MentionHit | None:
        """"أعلنت X إطلاق معركة …": a party announcing its own act (a nominal trigger
        right after the speaker, no complementizer) carried it out."""
        speaker = speakers_of(st, m.sentence)
        if speaker is None or speaker.carried or m.trigger.kind == "verb":
            return None
        if not 0 <= m.trigger.start - speaker.end <= 2:
            return None
        if speaker.end < len(st.norms) and st.norms[speaker.end] in self.lex.sets[
                "complementizers"]:
            return None
        return next((h for h in speaker.speakers if h.mention.kind == "actor"
                     and h.mention.label not in NON_COMBATANT_LABELS), None)

    def _owner_of_previous(self, st: DocState, hit: MentionHit, covered: set[int]) -> bool:
        """Whether an actor only says whom the actor just before it belongs to."""
        links = self.lex.sets["subunit_links"] | self.lex.sets["owner_links"]
        k = hit.start - 1
        if k >= 0 and st.forms[k] & links:
            k -= 1
        elif not st.norms[hit.start].startswith("ل"):
            return False
        return k >= 0 and k in covered

    def _roles(self, st: DocState, m: EventMention, speaker_tokens: set[int]) -> None:
        lex = self.lex
        lo, hi = m.window
        trig = m.trigger
        actors = [h for h in st.in_sentence("mentions", m.sentence)
                  if (h.mention.kind in _ACTOR_KINDS or h.mention.label in STATE_LABELS)
                  and h.mention.label != SUBUNIT
                  and lo <= h.start < hi and h.start not in speaker_tokens
                  and h.start != trig.start]
        own = self.lex.tables["own_forces"]
        speaker = speakers_of(st, m.sentence)
        party = next((h for h in (speaker.speakers if speaker else [])
                      if h.mention.kind == "actor"
                      and h.mention.label not in NON_COMBATANT_LABELS), None)
        links = self.lex.sets["owner_links"]
        resolved: list[MentionHit] = []
        no_role = self.lex.sets["no_role"]
        for h in actors:
            if any(st.forms[k] & no_role for k in range(max(lo, h.start - 4), h.start)):
                continue  # "بتهمة التعامل مع خلايا داعش": an accusation, not a party
            found = own.first(st.keys, h.start)
            if found is not None and found[0] >= h.end and not (
                    h.end < hi and st.forms[h.end] & links):
                if party is None:
                    continue
                h = MentionHit(h.start, h.end, party.mention, "anaphor")
            resolved.append(h)
        if party is not None:  # "أن قواتها نفذت غارة": the speaker's own forces
            taken = {i for h in resolved for i in range(h.start, h.end)}
            for k in range(lo, hi):
                if k in taken or k in speaker_tokens or not own.starts_with(st.forms[k]):
                    continue
                found = own.first(st.keys, k)
                if found is not None and not (found[0] < hi and st.forms[found[0]] & links):
                    resolved.append(MentionHit(k, found[0], party.mention, "anaphor"))
            resolved.sort(key=lambda h: h.start)
        actors = resolved
        covered = {i for h in actors for i in range(h.start, h.end)}
        trigger_tokens = {i for t in st.in_sentence("triggers", m.sentence)
                          for i in range(t.start, t.end)}
        anchor = trig.start
        support = lex.tables["support_verbs"]
        for k in range(max(lo, trig.start - 5), trig.start):  # time words may intervene
            if support.first(st.keys, k, k + 1) is not None:
                anchor = k
                break
        before_anchor = [h for h in actors if h.end <= anchor]
        undergo = lex.tables["undergo_verbs"]
        seen: set[str] = set()
        for hit in actors:
            key = identity(hit)
            if key in seen:
                continue
            seen.add(key)
            if self._owner_of_previous(st, hit, covered):
                continue  # "قوات الأمن العام في الحكومة السورية": the owner, not a party
            np = self._np_start(st, hit, lo, (covered | trigger_tokens)
                                - set(range(hit.start, hit.end)))
            prev: set[str] = set()
            for k in range(max(lo, np - 3), np):
                prev |= st.forms[k]
            role, strength = self._role(st, m, hit, np, prev, anchor, before_anchor, undergo)
            last = m.roles[-1] if m.roles else None
            if last is not None and strength < CUE and last[2] >= strength \
                    and self._coordinated(st, last[0], hit):
                role, strength = last[1], last[2]  # "بمشاركة الجيش العراقي والحشد الشعبي"
            if hit.mention.kind == "place" and not self._country_acts(st, hit, role, strength,
                                                                      anchor, trig):
                continue
            if role is not None:
                m.roles.append((hit, role, strength))
        if not any(r in ("perpetrator", "imposer") for _, r, _ in m.roles):
            announcer = self._announcer(st, m) or self._self_reference(st, m)
            if announcer is not None:
                role = "imposer" if m.type == "Curfew" else "perpetrator"
                m.roles.insert(0, (announcer, role, INFERRED))

    def _role(self, st: DocState, m: EventMention, hit: MentionHit, np: int, prev: set[str],
              anchor: int, before_anchor: list[MentionHit],
              undergo: object) -> tuple[str | None, float]:
        lex = self.lex
        etype = m.type
        lo, _hi = m.window
        if prev & lex.sets["supporter"]:
            return "supporter", CUE
        phrases = lex.tables["supporter_phrases"]
        for k in range(max(lo, np - 3), np):
            found = phrases.first(st.keys, k)
            if found is not None and found[0] == np:
                return "supporter", CUE
        if etype == "ArmedClash":
            return "participant", CUE if prev & lex.sets["participant"] else ORDER
        if etype == "PrisonBreak":
            return None, 0.0
        agent = lex.tables["agent"]
        for k in range(max(lo, np - 3), np):
            found = agent.first(st.keys, k)
            if found is not None and found[0] == np:
                return ("imposer" if etype == "Curfew" else "perpetrator"), CUE
        support = lex.tables["support_verbs"]
        for k in range(max(lo, np - 2), np):
            if support.first(st.keys, k, k + 1) is not None and k >= m.trigger.start - 5:
                return ("imposer" if etype == "Curfew" else "perpetrator"), CUE
        if prev & lex.sets["target"]:
            return "target", CUE
        defend = lex.tables["defend_verbs"]
        for k in range(max(lo, np - 2), min(m.trigger.start, hit.end + 3)):
            # the subject of the defending verb: before it, or right after it
            if defend.first(st.keys, k, k + 1) is not None and (k >= hit.end or k + 1 == np):
                return "target", CUE
        for k in range(max(lo, np - 4), np):
            if undergo.first(st.keys, k, k + 1) is not None:  # type: ignore[attr-defined]
                return "target", CUE
        if any(c.affiliation is hit for c in st.in_sentence("casualties", m.sentence)
               if c.status != "missing"):
            return "target", ORDER  # "مقتل 12 عنصرا من قوات النظام في هجوم …"
        if hit.end <= anchor:
            return ("imposer" if etype == "Curfew" else "perpetrator"), ORDER
        trig = m.trigger
        anchor_end = trig.end if anchor == trig.start else anchor + 1
        if np == anchor_end and not before_anchor and (trig.kind == "verb"
                                                        or anchor < trig.start):
            return ("imposer" if etype == "Curfew" else "perpetrator"), ORDER
        if trig.kind != "verb" and etype not in PATIENT_GENITIVE and hit.start == np \
                and 0 <= np - trig.end <= 2 and self._possessive(st, hit) \
                and not any(st.norms[k] in _CLAUSE_BREAKS for k in range(trig.end, np)):
            return "perpetrator", ORDER  # "قصف مدفعي مكثف لقوات النظام": the shelling by them
        if trig.kind != "verb" and np == trig.end:
            if etype in PATIENT_GENITIVE:
                return "target", ORDER
            return "perpetrator", ORDER
        if etype in DIRECTED:
            return "target", ORDER
        return None, 0.0

    def _time(self, st: DocState, m: EventMention) -> None:
        lo, hi = m.window
        s_start, s_end = st.sentences[m.sentence]
        in_sentence = st.in_sentence("times", m.sentence)
        in_clause = [t for t in in_sentence if lo <= t.start < hi]
        pool = in_clause or in_sentence
        if pool:
            m.time = min(pool, key=lambda t: abs(t.start - m.trigger.start))

    def _place(self, st: DocState, m: EventMention) -> None:
        lo, hi = m.window
        s_start, s_end = st.sentences[m.sentence]
        places = [h for h in st.in_sentence("mentions", m.sentence)
                  if h.mention.kind in ("place", "facility") and not (
                      h.mention.label in STATE_LABELS and any(h is a for a, _, _ in m.roles))]
        after = [h for h in places if m.trigger.end <= h.start < hi]
        before = [h for h in places if lo <= h.start < m.trigger.start]
        rest = [h for h in places if s_start <= h.start < s_end]
        chosen = after[0] if after else before[-1] if before else None
        if chosen is None and rest:
            chosen = min(rest, key=lambda h: abs(h.start - m.trigger.start))
        if chosen is None:
            return
        m.place = chosen
        relations = self.lex.tables["relations"]
        for k in range(max(s_start, chosen.start - 3), chosen.start):
            found = relations.first(st.keys, k)
            if found is not None and found[0] >= chosen.start - 1:
                m.relation = str(found[1]) if found[1] != "in" else None
        if chosen.mention.label == "Region":
            found = relations.first(st.keys, chosen.start)
            m.relation = str(found[1]) if found else m.relation

    def _background(self, st: DocState, m: EventMention) -> None:
        lex = self.lex
        s_start, s_end = st.sentences[m.sentence]
        trig = m.trigger
        lo = max(s_start, trig.start - 8)
        was = [k for k in range(lo, trig.start) if st.forms[k] & lex.sets["was"]]
        if was and any(st.norms[k] in lex.sets["perfect"] for k in range(was[0], trig.start)):
            m.background = True
            return
        lo, hi = m.window
        for k in self._background_phrases(st, m.sentence):
            if not lo <= k < hi:
                continue  # "…، فيما ذكرت الشرطة في وقت سابق أن …" is another clause
            if _ESCALATION in st.forms[k] and not trig.start - 3 <= k < trig.start:
                continue  # "تصعيد في هجمات": only the attacks right after the word
            m.background = True
            return
        if any(t.vague for t in st.in_sentence("times", m.sentence)):
            m.background = True
            return
        ref = st.reference
        if m.time is not None and m.time.value and ref is not None:
            period = _period(m.time)
            if period is not None and period[1] < ref - dt.timedelta(days=BACKGROUND_DAYS) \
                    or (m.time.precision == "year" and int(m.time.value[:4]) < ref.year):
                m.background = True
            elif m.time.precision in ("day", "week"):
                m.background = False

    def _background_phrases(self, st: DocState, index: int) -> list[int]:
        """Tokens where a background phrase starts in a sentence (cached per sentence)."""
        cache = st.user.setdefault("background_phrases", {})
        if index not in cache:
            lex = self.lex
            s_start, s_end = st.sentences[index]
            phrases = lex.tables["background_phrases"]
            found_at: list[int] = []
            for k in range(s_start, s_end):
                found = phrases.first(st.keys, k)
                if found is None:
                    continue
                end = found[0]
                if end < s_end and st.forms[end] & lex.sets["unless_followed_by"]:
                    continue  # "في وقت سابق اليوم": earlier the same day
                found_at.append(k)
            cache[index] = found_at
        return cache[index]

    def _name(self, st: DocState, m: EventMention) -> None:
        lo, hi = m.window
        for h in st.in_sentence("mentions", m.sentence):
            if h.mention.kind == "operation" and lo <= h.start < hi \
                    and m.type in (None, "MilitaryOperation"):
                m.name = h.mention.name  # events within the operation get part_of instead
                m.type = "MilitaryOperation"
                return

    def _casualties(self, st: DocState, mentions: list[EventMention], s_start: int,
                    s_end: int) -> None:
        if not mentions:
            return
        for cas in st.in_sentence("casualties", st.sentence_of[s_start]):
            before = [m for m in mentions if m.trigger.start <= cas.start]
            host = before[-1] if before else mentions[0]
            if cas.affiliation is None and cas.group_word is not None:
                cas.affiliation = self._group_actor(st, cas.start)
            host.casualties.append(cas)
            if cas.status == "missing":
                continue
            if cas.affiliation is None:
                cas.affiliation = self._target_side(st, host, cas)
                continue
            if host.type not in DIRECTED:
                continue
            if cas.affiliation.mention.label == CIVILIANS:
                continue
            key = identity(cas.affiliation)
            for pos, (h, role, strength) in enumerate(host.roles):
                if identity(h) == key:
                    if role == "perpetrator" and strength < CUE:
                        # "مقتل 3 من عناصر الحشد في هجوم …": the side of the dead was
                        # attacked; word order alone does not make it the author
                        host.roles[pos] = (h, "target", ORDER)
                    break
            else:
                host.roles.append((cas.affiliation, "target", ORDER))

    def _target_side(self, st: DocState, host: EventMention,
                     cas: CasualtyHit) -> MentionHit | None:
        """Fighters killed or captured without a side named ("مقتل جنديين") in an
        attack on one named side belong to that side."""
        combatants = self.lex.sets["combatants"]
        words = range(cas.start, cas.end)
        if any(st.forms[k] & self.lex.sets["people_others"] for k in words):
            # "مقتل جنديين وإصابة ثالث": the others are of the side just told
            earlier = [c for c in host.casualties if c is not cas and c.start < cas.start]
            return earlier[-1].affiliation if earlier else None
        if any(st.forms[k] & self.lex.sets["soldiers"] for k in words):
            # "left two soldiers dead" after a clash with an army: the one state force
            forces = {identity(h): h for h, _, _ in host.roles
                      if h.mention.label == STATE_FORCE}
            if len(forces) == 1:
                return next(iter(forces.values()))
        if not any(st.forms[k] & combatants for k in words):
            return None
        targets = {identity(h): h for h, role, _ in host.roles if role == "target"}
        return next(iter(targets.values())) if len(targets) == 1 else None

    def _group_actor(self, st: DocState, before: int) -> MentionHit | None:
        """The last actor named with a group word (خلايا داعش) before a token."""
        named = st.user.get("group_actors")
        if named is None:
            groups = self.lex.sets["anaphoric_groups"]
            named = [h for h in st.mentions if h.mention.kind == "actor" and any(
                st.forms[j] & groups for j in range(max(0, h.start - 4), h.start))]
            st.user["group_actors"] = named
        best = None
        for h in named:
            if h.start >= before:
                break
            best = h
        return best

    def _claims(self, st: DocState, mentions: list[EventMention], s_start: int,
                s_end: int) -> None:
        for c in st.claims:
            if not s_start <= c < s_end:
                continue
            before = [m for m in mentions if m.trigger.start < c]
            if not before:
                continue
            host = before[-1]
            for hit, role, _ in host.roles:
                if role == "perpetrator" and hit not in host.speakers:
                    host.speakers.append(hit)

    # -- across the report -----------------------------------------------------------

    def assemble(self, st: DocState) -> list[EventDraft]:
        """Event drafts of the whole report, mentions of one happening merged."""
        drafts: list[EventDraft] = []
        last_day: TimeHit | None = None
        headline: list[EventMention] = []
        for index in range(len(st.sentences)):
            mentions = self.sentence_mentions(st, index)
            if index == 0 and self._is_headline(st):
                headline = mentions  # told again in the body; merged at the end
                continue
            resolved: EventDraft | None = None
            pending: list[EventMention] = []
            for m in mentions:
                if not m.roles and drafts and self._both_sides(st, m):
                    # "وتبعته اشتباكات بين الطرفين": the sides of the event just told
                    m.roles = [(h, "participant", INFERRED)
                               for h, r, _ in drafts[-1].roles.values()
                               if r in ("perpetrator", "target", "participant")]
                if m.time is not None and m.time.same_day:
                    m.time = last_day
                if m.time is None and m.background is not True:
                    m.soft_time = last_day
                target = self._antecedent(drafts, m) if m.anaphoric else None
                if target is not None:
                    target.add(m)
                    resolved = target
                    continue
                if m.anaphoric and m.trigger.generic and not m.roles:
                    continue  # "بعد انتهاء العملية الأمنية": an operation never told
                if m.anaphoric or not m.roles:
                    pending.append(m)
                    continue
                self._place_mention(drafts, m)
            for m in pending:
                if resolved is not None:
                    resolved.add(m)
                else:
                    self._place_mention(drafts, m)
            for m in mentions:
                if m.time is not None and m.time.precision == "day" and not m.background:
                    last_day = m.time
        for m in reversed(headline):
            same = next((d for d in drafts if d.type == m.type
                         or m.type in self.lex.absorbs.get(d.type or "", ())), None)
            if same is not None:
                same.add(m)
            else:
                d = EventDraft(m.type, [])
                d.add(m)
                drafts.insert(0, d)
        return drafts

    @staticmethod
    def _is_headline(st: DocState) -> bool:
        """A short first line without a full stop, followed by the body."""
        if len(st.sentences) < 2:
            return False
        start, end = st.sentences[0]
        words = [w for w in st.norms[start:end] if w.strip()]
        return 0 < len(words) <= 14 and st.norms[end - 1] == "\n"

    def _both_sides(self, st: DocState, m: EventMention) -> bool:
        return m.type == "ArmedClash" and any(
            st.forms[k] & self.lex.sets["both_sides"] for k in range(*m.window))

    def _place_mention(self, drafts: list[EventDraft], m: EventMention) -> None:
        if not m.distinct and not _from_casualties(m):
            for d in reversed(drafts[-COREF_WINDOW:]):
                if self._compatible(d, m):
                    d.add(m)
                    return
        d = EventDraft(m.type, [])
        d.add(m)
        drafts.append(d)

    def _antecedent(self, drafts: list[EventDraft], m: EventMention) -> EventDraft | None:
        for d in reversed(drafts[-COREF_WINDOW:]):
            # "القصف" may refer back to an airstrike, "الهجوم" to a bombing (absorbs table)
            if (d.type == m.type or d.type is None
                    or m.type in self.lex.absorbs.get(d.type or "", ())) \
                    and times_compatible(d.time or d.soft_time, m.time or m.soft_time) \
                    and self._sides_agree(d, m) and not self._background_conflict(d, m):
                return d
        return None

    @staticmethod
    def _background_conflict(d: EventDraft, m: EventMention) -> bool:
        return (d.background is True and m.background is False) or (
            d.background is False and m.background is True)

    @staticmethod
    def _sides_agree(d: EventDraft, m: EventMention) -> bool:
        for role in ("perpetrator", "target"):
            ours = {k for k, (_, r, _) in d.roles.items() if r == role}
            theirs = {identity(h) for h, r, _ in m.roles if r == role}
            if ours and theirs and not ours & theirs:
                return False
        return True

    def _compatible(self, d: EventDraft, m: EventMention) -> bool:
        if m.type is None or d.type != m.type or _from_casualties(d.mentions[0]):
            return False
        if not times_compatible(d.time or d.soft_time, m.time or m.soft_time):
            return False
        if d.place is not None and m.place is not None and identity(d.place) != identity(
                m.place) and not (_coarse(d.place) or _coarse(m.place)):
            return False
        return not self._background_conflict(d, m) and self._sides_agree(d, m)

    # -- output ------------------------------------------------------------------------

    def main_place(self, st: DocState) -> MentionHit | None:
        """The report's main place: the finest place named most often."""
        counts: Counter[str] = Counter()
        first: dict[str, MentionHit] = {}
        for h in st.mentions:
            if h.mention.kind != "place" or _coarse(h):
                continue
            key = identity(h)
            counts[key] += 1
            first.setdefault(key, h)
        if not counts:
            return None
        best = max(counts, key=lambda k: (counts[k], -first[k].start))
        return first[best]

    def to_event(self, doc: Doc, st: DocState, d: EventDraft,
                 main: MentionHit | None) -> Event | None:
        """The :class:`kg.core.model.Event` of a draft (``None`` for an untyped operation);
        ``main`` is the report's main place (:meth:`main_place`)."""
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
        elif not background and d.soft_time is not None and d.soft_time.value:
            date = TimeValue(d.soft_time.value, d.soft_time.precision,  # type: ignore[arg-type]
                             None)
        elif not background and st.reference is not None:
            date = TimeValue(st.reference.isoformat(), "day", None)
        place = None
        chosen, relation = d.place, d.relation
        if not background and main is not None and (chosen is None or _coarse(chosen)):
            chosen, relation = main, None if chosen is None else relation
            if chosen is main and d.place is not None:
                relation = None
        if chosen is not None:
            precision = {"near": "near", "countryside of": "area"}.get(relation or "", "exact")
            if chosen.mention.label == "Region":
                precision = "region"
            place = PlaceRef(chosen.mention, precision, relation)  # type: ignore[arg-type]
        s_start, s_end = st.sentences[shown.sentence]
        actors = [Participation(self._as_actor(st, h).mention, role)  # type: ignore[arg-type]
                  for h, role, _ in d.roles.values()]
        has_perp = any(r == "perpetrator" for _, r, _ in d.roles.values())
        if not has_perp and d.type in DIRECTED:
            inferred = self._opponent(st, d)
            if inferred is not None:
                actors.insert(0, Participation(inferred.mention, "perpetrator"))
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
            according_to=[h.mention for h in d.speakers.values()],
            background=background, name=d.name, confidence=round(confidence, 3),
        )

    @staticmethod
    def _as_actor(st: DocState, hit: MentionHit) -> MentionHit:
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

    def _opponent(self, st: DocState, d: EventDraft) -> MentionHit | None:
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
                    and h.mention.label != SUBUNIT:
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


def _from_casualties(m: EventMention) -> bool:
    """Whether a mention was read from casualties alone (it joins others only when it
    refers back to them)."""
    return m.trigger.confidence <= FALLBACK_CONFIDENCE


def _span(doc: Doc, start: int, end: int) -> Span:
    st = state(doc)
    a, b = st.char_span(start, end)
    return Span(a, b, st.text[a:b])


@Language.factory("ckg_events", default_config={"lang": "ar"})
def make_event_builder(nlp: Language, name: str, lang: str) -> EventBuilder:
    """Factory of :class:`EventBuilder`."""
    return EventBuilder(load_lexicon(lang))
