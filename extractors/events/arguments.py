"""Stage 2b: the other arguments of an event mention — time, place, background,
operation name — and the casualties and claims of its sentence.

Dates: the mention's own time expression (the nearest in its clause, else in its
sentence). Places: the first place after the trigger in its clause, else the last
before it, else the nearest in the sentence. Background: a pluperfect (كان … قد), a
background phrase in the clause (في وقت سابق), a vague time, or a date well before the
reference date. Casualties go to the last mention before them; fighters killed with no
side named belong to the one side attacked.
"""

from __future__ import annotations

import datetime as dt

from extractors.annotations import CasualtyHit, DocState, MentionHit, TimeHit
from extractors.attribution import speakers_of
from extractors.casualties import CIVILIANS
from extractors.entities import DATELINE, STATE_FORCE
from extractors.events.drafts import (
    AREA,
    CLAUSE_BREAKS,
    CUE,
    DIRECTED,
    ORDER,
    STATE_LABELS,
    EventDraft,
    EventMention,
    identity,
    is_coarse,
    period,
    place_rank,
)
from extractors.events.mentions import in_tally
from extractors.lexicon import Lexicon
from kg.core.model import Mention, Span
from kg.core.text import normalize_text

_ESCALATION = normalize_text("تصعيد")
#: Events in which those arrested are the attackers caught (the side that attacked).
CAPTURED_ATTACKERS = frozenset({"Attack", "SuicideBombing"})
#: Events whose dead and detained are of the raided side, whatever the people word.
RAIDS = frozenset({"Raid", "Arrest"})
#: Sides whose men the news calls militants, gunmen or terrorists (lexicon ``hostile``).
ARMED_GROUPS = frozenset({"TerroristOrganization", "UnidentifiedArmedGroup"})
#: How many words may stand between a casualty and the event word that caused it.
CAUSE_WINDOW = 4
#: How many tokens a claim verb may stand before the day it dates ("claimed
#: responsibility Sunday").
CLAIM_GAP = 3
#: Words between the sites of a list ("A, B and C", "أ وب").
#: Labels of places that may be a quarter of a city named next to them.
QUARTER_LABELS = frozenset({"Area", "Subdistrict", "District", "Neighbourhood"})
#: Most tokens between a quarter and its city ("في شرق العاصمة").
QUARTER_GAP = 4
_LIST_JOINERS = frozenset({",", "،", "and", "و"})
#: Background when an explicit date lies this many days before the reference date.
BACKGROUND_DAYS = 7


def _bracketed(st: DocState, hit: MentionHit) -> bool:
    """Whether a mention stands inside brackets: "بريف درعا (جنوبي سوريا)"."""
    s_start = st.sentences[st.sentence_of[hit.start]][0]
    for k in range(hit.start - 1, max(s_start, hit.start - 4) - 1, -1):
        if st.norms[k] == ")":
            return False
        if st.norms[k] == "(":
            return True
    return False


def _latest_year_told(st: DocState) -> dt.date | None:
    """Without a publication date: the first day of the latest year the text writes out
    ("… in 2023"), so that an act dated years before it is told as background."""
    years = [t.year for t in st.times if t.year is not None]
    return dt.date(max(years), 1, 1) if years else None


#: How far back from a time a منذ still opens it: right before a time before the
#: trigger; anywhere between the trigger and a time after it, within a span.
SINCE_BEFORE = 3
SINCE_SPAN = 10
#: Most tokens from the end of a clause that names only a container to the finer place
#: the next clause gives for it.
CONTAINER_FOLLOW = 4


class ArgumentReader:
    """Read the time, place, background and name of mentions, and attach casualties."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the cue tables of ``lexicon``."""
        self.lex = lexicon

    def read(self, st: DocState, m: EventMention) -> None:
        """Set ``m.time``, ``m.place`` (with ``m.relation``), ``m.background`` and, for a
        named operation, ``m.name``."""
        self._time(st, m)
        self._place(st, m)
        self._background(st, m)
        self._name(st, m)

    def _time(self, st: DocState, m: EventMention) -> None:
        """The time nearest the trigger in its clause, else in its sentence. A day that
        dates only the statement ("أعلنت الوزارة، اليوم الأحد، أن قواتها قتلت …") dates
        the event to its month (guidelines: keep an announcement's date to the month);
        a calendar date written out in full ("يوم الاثنين، 13 كانون الأول") is kept."""
        lo, hi = m.window
        in_sentence = [t for t in st.in_sentence("times", m.sentence)
                       if not self._since(st, m, t)]
        in_clause = [t for t in in_sentence if lo <= t.start < hi]
        pool = in_clause or in_sentence
        if not pool:
            return
        m.time = min(pool, key=lambda t: abs(t.start - m.trigger.start))
        later = [t for t in pool if t.start >= m.trigger.end and t.value]
        claim_verbs = self.lex.sets["claim_verbs"]
        # "claimed responsibility Sunday for an attack": the day after a claim dates it
        claim_day = m.time.end <= m.trigger.start and any(
            st.forms[k] & claim_verbs for k in range(max(lo, m.time.start - CLAIM_GAP),
                                                     m.time.start))
        if later and (claim_day or any(st.forms[k] & claim_verbs
                                       for k in range(m.time.end, m.trigger.start))):
            # "on Tuesday claimed responsibility for an attack … late on Sunday": the day
            # of the claim gives way to the day of the act claimed
            m.time = min(later, key=lambda t: t.start - m.trigger.start)
        elif claim_day and m.time.precision == "day" and m.time.value:
            # the act is dated only by its claim: to the month (guidelines)
            m.time = TimeHit(m.time.start, m.time.end, value=m.time.value[:7],
                             precision="month")
        speaker = speakers_of(st, m.sentence)
        if speaker is not None and not speaker.carried:
            end = self._statement_end(st, speaker.end, m)
            told = [t for t in pool if end <= t.start and t.value]
            if told and speaker.start <= m.time.start < end < m.trigger.start:
                # "announced on Saturday that an attack … on Friday killed …": the day
                # of the statement gives way to the day told in it
                m.time = min(told, key=lambda t: abs(t.start - m.trigger.start))
        if speaker is not None and m.time.precision == "day" and m.time.value \
                and m.time.day is None and not speaker.carried \
                and speaker.start <= m.time.start < self._statement_end(st, speaker.end, m):
            m.time = TimeHit(m.time.start, m.time.end, value=m.time.value[:7],
                             precision="month")

    def _since(self, st: DocState, m: EventMention, t: TimeHit) -> bool:
        """Whether a time is where a span starts that the event is compared with ("أعنف
        هجوم منذ الهزيمة العسكرية لداعش عام 2017"): a منذ between the trigger and the
        time, or right before the time, dates no happening."""
        since = self.lex.sets["since"]
        lo = max(m.trigger.end if t.start >= m.trigger.end else t.start - SINCE_BEFORE,
                 t.start - SINCE_SPAN)
        return any(st.forms[k] & since for k in range(max(0, lo), t.start))

    def _statement_end(self, st: DocState, start: int, m: EventMention) -> int:
        """The complementizer that ends a statement's own words before the mention's
        trigger ("أعلنت قسد، اليوم، أن …"), or the speaker's end when there is none."""
        comps = self.lex.sets["complementizers"]
        return next((k for k in range(start, m.trigger.start) if st.norms[k] in comps), start)

    def _place(self, st: DocState, m: EventMention) -> None:
        """The event's place: the most specific named settlement of its clause (the
        first after the trigger, else the last before it), else of its sentence; a
        neighbourhood, facility or camp only when no settlement is named, a container
        (governorate, ريف) last. Places someone comes from (ينحدر من، من أبناء) and
        places in brackets ("(جنوبي سوريا)") are the event's place only when the
        sentence names no other."""
        lo, hi = m.window
        s_start, s_end = st.sentences[m.sentence]
        named = [h for h in st.in_sentence("mentions", m.sentence)
                 if h.mention.kind in ("place", "facility") and not (
                     h.mention.label in STATE_LABELS and any(h is a for a, _, _ in m.roles))]
        # where someone comes from, or a bracketed aside, only when nothing else is named
        # (a settlement in brackets names the place just told: "شرقي العاصمة (بغداد)")
        origins = self._origins(st, named)
        places = [h for h in named if h not in origins and not (
            _bracketed(st, h) and place_rank(h) == 2) and not self._possessor(st, h, named)
            and h.mention.label != DATELINE]
        places = places or named
        if not places:
            return
        in_clause = [h for h in places if lo <= h.start < hi]
        if in_clause and min(place_rank(h) for h in in_clause) == 2:
            # "هاجموا نقطة في صلاح الدين، في منطقة مطيبيجة": the clause names only the
            # container; the place in it follows in the next clause
            nxt = [h for h in places if hi <= h.start and place_rank(h) < 2
                   and h.start - hi <= CONTAINER_FOLLOW and any(
                       self.lex.tables["relations"].first(st.keys, k) is not None
                       for k in range(hi, h.start))]
            in_clause = in_clause + nxt[:1]
        pool = in_clause or places
        best = min(place_rank(h) for h in pool)
        pool = [h for h in pool if place_rank(h) == best]
        after = [h for h in pool if h.start >= m.trigger.end]
        before = [h for h in pool if h.start < m.trigger.start]
        if in_clause:
            chosen = after[0] if after else before[-1] if before else pool[0]
        else:
            chosen = min(pool, key=lambda h: abs(h.start - m.trigger.start))
        chosen = self._quarter_of(st, chosen) or chosen
        container = self._listed_in(st, chosen, places)
        if container is not None:
            chosen = container
        m.place = self._countryside(st, chosen)
        relations = self.lex.tables["relations"]
        for k in range(max(s_start, chosen.start - 3), chosen.start):
            found = relations.first(st.keys, k)
            if found is not None and found[0] >= chosen.start - 1:
                m.relation = str(found[1]) if found[1] != "in" else None
        if chosen.mention.label == "Region":
            found = relations.first(st.keys, chosen.start)
            m.relation = str(found[1]) if found else m.relation

    def _quarter_of(self, st: DocState, chosen: MentionHit) -> MentionHit | None:
        """The city a quarter lies in, as the text places it: a place after the city's
        possessive ("Baghdad's Sadr City", "Damascus' Dwelaa"), or an area, subdistrict
        or district followed by a city with a direction or "in" between ("بمنطقة الدويلعة
        شرق دمشق", "منطقة المشتل في شرق العاصمة بغداد", "the Dora district in southern
        Baghdad"). Neighbourhoods map to their settlement (guidelines); ``None`` when the
        place is no quarter."""
        cities = [h for h in st.in_sentence("mentions", st.sentence_of[chosen.start])
                  if h.mention.kind == "place" and h is not chosen and (
                      h.mention.label == "City"
                      or h.inner is not None and h.inner.mention.label == "City")]
        prev = next((h for h in reversed(cities) if h.end <= chosen.start), None)
        if prev is not None and prev.inner is None \
                and prev.end < chosen.start <= prev.end + 2 and st.norms[prev.end] in ("'", "’"):
            return prev
        if chosen.mention.label not in QUARTER_LABELS or any(
                st.forms[k] & self.lex.sets["not_quarter_words"]
                for k in range(max(0, chosen.start - 1), chosen.end)):
            return None  # "ناحية العامرية جنوبي الفلوجة"، "بادية السخنة شرقي حمص"
        nxt = next((h for h in cities if h.start >= chosen.end), None)
        if nxt is None or nxt.start - chosen.end > QUARTER_GAP:
            return None
        links = self.lex.sets["quarter_links"]
        directions = self.lex.sets["directions"]
        if not all(st.forms[k] & (links | directions) or st.norms[k] in links
                   for k in range(chosen.end, nxt.start)):
            return None
        if any(st.norms[k] in ("في", "in") for k in range(chosen.end, nxt.start)):
            return nxt  # "في شرق العاصمة بغداد", "in western Homs": inside the city
        # a bare direction ("الغزالية، غربي بغداد") makes a quarter of a place the KB
        # knows as a unit below the city; a named area no list has, east of a city,
        # lies outside it (منطقة المشتل شرقي الرقة: the city is a landmark)
        if chosen.mention.entity and chosen.mention.label != AREA and any(
                st.forms[k] & directions for k in range(chosen.end, nxt.start + 1)):
            return nxt
        return None

    @staticmethod
    def _listed_in(st: DocState, chosen: MentionHit,
                   places: list[MentionHit]) -> MentionHit | None:
        """The container of a list of sites ("the villages of A, B and C in the countryside
        of Deir Ezzor"): one happening over several sites is at the smallest place named
        around them (guidelines); ``None`` when the place is no list or no container is
        named after it."""
        following = [h for h in places if h.start > chosen.start]
        nxt = following[0] if following else None
        if nxt is None or place_rank(nxt) != place_rank(chosen) \
                or not all(st.norms[k] in _LIST_JOINERS for k in range(chosen.end, nxt.start)):
            return None
        return next((h for h in following if place_rank(h) == 2 and not is_coarse(h)), None)

    def _countryside(self, st: DocState, hit: MentionHit) -> MentionHit:
        """A countryside as the text names it (بريف حلب الغربي → ريف حلب الغربي): the
        word ريف before the name and a direction adjective after it are the place's
        name, as annotators write it; other places are returned as they are."""
        if place_rank(hit) != 2:
            return hit
        words = self.lex.sets["countryside_words"]
        start = hit.start
        if not st.forms[start] & words:
            if start == 0 or not st.forms[start - 1] & words:
                return hit
            start -= 1
        end = hit.end
        if end < len(st.norms) and st.norms[end] in self.lex.sets["direction_adjectives"]:
            end += 1
        if (start, end) == (hit.start, hit.end):
            return hit
        a, b = st.char_span(start, end)
        cut = next((c for f, c in st.keys[start] if f in words), 0)
        a += len(st.words[start]) - len(st.words[start][cut:]) if cut else 0
        text = st.text[a:b]
        old = hit.mention
        mention = Mention(span=Span(a, b, text), kind=old.kind, label=old.label,
                          entity=old.entity, name=text, confidence=old.confidence)
        return MentionHit(start, end, mention, hit.source, countryside=True)

    @staticmethod
    def _possessor(st: DocState, hit: MentionHit, named: list[MentionHit]) -> bool:
        """"Sinjar's Dguri community", "Iraq's Hamrin Mountains": the place before the
        possessive locates the one after it."""
        k = hit.end
        if k + 1 < len(st.norms) and st.norms[k] in ("'", "’") and st.norms[k + 1] == "s":
            return any(h.start == k + 2 for h in named)
        return False

    def _origins(self, st: DocState, named: list[MentionHit]) -> list[MentionHit]:
        """The places someone comes from, with the places that locate them (من أبناء
        مدينة سلقين شمال غربي إدلب: Idlib only says where Salqin is)."""
        out: list[MentionHit] = []
        for h in named:
            if self._origin(st, h) or (out and out[-1].end <= h.start <= out[-1].end + 2
                                       and all(st.norms[k] in ("،", ",", "و")
                                               or st.forms[k] & self.lex.sets["directions"]
                                               or "ريف" in st.forms[k]
                                               for k in range(out[-1].end, h.start))):
                out.append(h)
        return out

    def _origin(self, st: DocState, hit: MentionHit) -> bool:
        """"ينحدر من قرية الحسينية", "من أبناء بلدة …": where a person comes from."""
        table = self.lex.tables["origin_phrases"]
        for k in range(max(0, hit.start - 4), hit.start):
            found = table.first(st.keys, k)
            if found is not None and hit.start - found[0] <= 1:
                return True
        return False

    def _background(self, st: DocState, m: EventMention) -> None:
        lex = self.lex
        s_start, s_end = st.sentences[m.sentence]
        trig = m.trigger
        lo = max(s_start, trig.start - 8)
        was = [k for k in range(lo, trig.start) if st.forms[k] & lex.sets["was"]]
        if was and any(st.norms[k] in lex.sets["perfect"] for k in range(was[0], trig.start)):
            m.background = True
            return
        first = next((k for k in range(s_start, s_end) if st.norms[k] not in (
            "\n", "-", "–", "—", "*", "•")), s_start)
        opener = lex.tables["sentence_background"].first(st.keys, first)
        if opener is not None and opener[0] <= trig.start:
            m.background = True  # "وسبق أن شنت قسد، حملة اعتقالات": the whole sentence
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
        ref = st.reference or _latest_year_told(st)
        if m.time is not None and m.time.value and ref is not None:
            span = period(m.time)
            if span is not None and span[1] < ref - dt.timedelta(days=BACKGROUND_DAYS) \
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

    def casualties(self, st: DocState, mentions: list[EventMention], s_start: int,
                    s_end: int) -> None:
        """Attach the casualties of a sentence to its mentions, with their sides."""
        if not mentions:
            return
        for cas in st.in_sentence("casualties", st.sentence_of[s_start]):
            if in_tally(st, self.lex, cas.start):
                continue  # "بلغت حصيلة القتلى … 76 قتيلا": counted, not told
            if cas.status == "arrested" and any(m.type == "PrisonBreak" for m in mentions) \
                    and st.forms[cas.start] & self.lex.sets["counted"]:
                continue  # "فرار المعتقلين": the prisoners of an escape, no arrest
            before = [m for m in mentions if m.trigger.start <= cas.start]
            host = self._cause(st, mentions, cas) or (before[-1] if before else mentions[0])
            if cas.affiliation is None and cas.group_word is not None:
                cas.affiliation = self._group_actor(st, cas.start)
            host.casualties.append(cas)
            if cas.status == "missing":
                if cas.affiliation is None and self._others(st, cas):
                    # "مقتل أربعة جنود وفقدان اثنين آخرين": the others of the dead
                    cas.affiliation = self._target_side(st, host, cas)
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

    def draft_sides(self, st: DocState, drafts: list[EventDraft]) -> None:
        """Casualties still of no side once an incident's mentions are gathered: of the
        side the whole incident was against (the troops killed by a blast told after the
        sentence naming the police convoy it hit)."""
        for d in drafts:
            if not any(c.affiliation is None for c in d.casualties):
                continue
            first = d.mentions[0]
            host = EventMention(d.type, first.trigger, first.sentence, first.window,
                                roles=list(d.roles.values()), casualties=d.casualties)
            for cas in d.casualties:
                if cas.affiliation is None and cas.status != "missing" \
                        and self._fighters(st, cas) and not self._others(st, cas):
                    cas.affiliation = self._target_side(st, host, cas)

    def _fighters(self, st: DocState, cas: CasualtyHit) -> bool:
        """Whether a casualty's people are told as fighters (عناصر، جنود، troops)."""
        return any(st.forms[k] & self.lex.sets["combatants"] for k in range(cas.start, cas.end))

    def _cause(self, st: DocState, mentions: list[EventMention],
               cas: CasualtyHit) -> EventMention | None:
        """The mention whose event word follows a casualty as its cause, in the same
        clause ("أصيب ثلاثة مدنيين بجروح بانفجار عبوة"، "were wounded in a blast"); the
        casualty belongs to it rather than to the event told before it."""
        lex = self.lex
        for m in mentions:
            gap = range(cas.end, m.trigger.start)
            if m.trigger.start < cas.end or len(gap) > CAUSE_WINDOW:
                continue
            if any(st.norms[k] in CLAUSE_BREAKS or st.norms[k] == "." for k in gap):
                return None
            first = st.keys[m.trigger.start]
            prefixed = any(cut and st.norms[m.trigger.start][:cut] in lex.sets["cause_prefixes"]
                           for _form, cut in first)
            if prefixed or any(st.forms[k] & lex.sets["cause_words"] for k in gap):
                return m
        return None

    def _target_side(self, st: DocState, host: EventMention,
                     cas: CasualtyHit) -> MentionHit | None:
        """Fighters killed or captured without a side named ("مقتل جنديين") in an
        attack on one named side belong to that side."""
        if cas.apart:
            return None  # "and 19 other offenders": not of the side of those before
        combatants = self.lex.sets["combatants"]
        words = range(cas.start, cas.end)
        if self._others(st, cas):
            # "مقتل جنديين وإصابة ثالث": the others are of the side just told
            earlier = [c for c in host.casualties if c is not cas and c.start < cas.start]
            return earlier[-1].affiliation if earlier else None
        if any(st.forms[k] & self.lex.sets["soldiers"] for k in words):
            # "left two soldiers dead" after a clash with an army: the one state force
            forces = {identity(h): h for h, _, _ in host.roles
                      if h.mention.label == STATE_FORCE}
            if len(forces) == 1:
                return next(iter(forces.values()))
            if not forces and not any(h.mention.label in STATE_LABELS for h, _, _ in host.roles):
                return None  # soldiers are of a state's forces, not of a group attacked
        lex = self.lex
        if cas.status == "arrested" and host.type in CAPTURED_ATTACKERS:
            # "هاجم التنظيم السجن … واعتقل عدد": those caught in an attack are attackers
            authors = {identity(h): h for h, role, _ in host.roles if role == "perpetrator"}
            return next(iter(authors.values())) if len(authors) == 1 else None
        people = lex.sets["people_plural"] | lex.sets["people_singular"] | lex.sets["people_dual"]
        if any(st.forms[k] & lex.sets["civilians"] for k in words):
            return None
        if not any(st.forms[k] & combatants for k in words) and not (
                host.type in RAIDS and cas.status in ("killed", "arrested")) and any(
                st.forms[k] & people for k in words):
            return None  # "مقتل شخص" in a shelling: no side told
        # fighters, the people killed or taken in a raid (of the raided group), and
        # people told only by a count, a pronoun or their names: of the one side attacked
        targets = {identity(h): h for h, role, _ in host.roles if role == "target"}
        if len(targets) != 1:
            return None
        target = next(iter(targets.values()))
        if any(st.forms[k] & lex.sets["hostile"] for k in words) \
                and target.mention.label not in ARMED_GROUPS:
            return None  # "… صد الهجوم وقتل ثلاثة مسلحين": the attackers, not the attacked
        return target if target.mention.kind == "actor" else None

    def _others(self, st: DocState, cas: CasualtyHit) -> bool:
        """Whether a casualty tells others than the people just told (آخرون، others)."""
        return any(st.forms[k] & self.lex.sets["people_others"] for k in range(cas.start, cas.end))

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

    def claims(self, st: DocState, mentions: list[EventMention], s_start: int,
                s_end: int) -> None:
        """A claim (تبنى) after a mention makes its perpetrators its sources too."""
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
