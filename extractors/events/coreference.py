"""Stage 3: mentions of one happening across the report merged into one draft.

* a definite or demonstrative mention (المداهمة، هذه الاشتباكات) refers back to the
  last event of its type (or to an untyped ``عملية``, which then takes the type);
* other mentions join an earlier event when type, date, place, background and the
  sides agree, unless a word says it is another one (أخرى، أيضا، جديد);
* mentions that say nothing new in a sentence that refers back to an event are part
  of that event (… قتلت خلال المداهمة 5 عناصر في المعركة التي تلت ذلك);
* a short first line without a full stop is a headline: its events are merged into
  the body's;
* an event told again in the same or other words anywhere in the report, at the place
  and time it will be told at, is merged into the one whose type names the mechanism
  (the ``restates`` table: the explosion a drone strike caused, the arrests of a raid,
  the strike told again further down);
* a sweep or raid told as a pursuit after an incident is the search after it, and
  attacks named only in the plural with no time or toll of their own are talk of
  attacks in general: neither is an event;
* a definite noun that refers back to nothing told, with no time, toll or new place of
  its own ("amid the search for the perpetrators of the attack"), names the setting of
  the events told, not an event.

Mentions without a time of their own take the day the narrative is at (the last day
told for a reported event) as a soft time.
"""

from __future__ import annotations

from extractors.annotations import DocState, MentionHit, TimeHit
from extractors.events.conversion import main_place, told_place
from extractors.events.drafts import (
    COREF_WINDOW,
    CUE,
    INFERRED,
    EventDraft,
    EventMention,
    add_casualty,
    from_casualties,
    identity,
    is_coarse,
    place_rank,
    times_compatible,
)
from extractors.lexicon import Lexicon

#: How many of the latest events a mention of another type may be part of, and how
#: many sentences after the last mention of it (see :meth:`Coreference._same_incident`).
INCIDENT_WINDOW = 3
INCIDENT_SENTENCES = 1
#: Longest headline: news headlines run to some 25 words ("مدعومة بمروحيات التحالف …").
HEADLINE_WORDS = 30
#: The type of an act told without its mechanism; a later mention may name it.
GENERIC_ATTACK = "Attack"


#: Types of the acts a search after an incident is told with (a sweep, raids, arrests).
PURSUING = frozenset({"MilitaryOperation", "Raid", "Arrest"})

#: Label of an unnamed armed party (مسلحون مجهولون, "masked gunmen").
UNIDENTIFIED = "UnidentifiedArmedGroup"


def _side(hit: MentionHit) -> str:
    """A side as coreference compares it: unnamed gunmen told twice ("masked gunmen" …
    "the gunmen") are one side, whatever words describe them."""
    return UNIDENTIFIED if hit.mention.label == UNIDENTIFIED else identity(hit)


def _told_sentences(st: DocState) -> list[int]:
    """The number of each sentence among those that tell something: the blank lines
    between a page's paragraphs are no sentences between two that follow each other."""
    told: list[int] = []
    count = 0
    for start, end in st.sentences:
        told.append(count)
        if any(st.norms[k].strip() for k in range(start, end)):
            count += 1
    return told


def _counted_toll(d: EventDraft) -> tuple[tuple[str, int], ...]:
    """The counted casualties of a draft (status and count), in order."""
    return tuple(sorted((c.status, c.count) for c in d.casualties if c.count))


def _places_may_agree(a: EventDraft, b: EventDraft) -> bool:
    """Whether two drafts' places may be one (either unknown or coarse, or the same)."""
    pa, pb = a.place, b.place
    return pa is None or pb is None or is_coarse(pa) or is_coarse(pb) \
        or identity(pa) == identity(pb)


def _names_within(parents: dict[str, str], seat: MentionHit, place: MentionHit) -> bool:
    """Whether ``place`` is a settlement in the container whose name ``seat`` shares
    ("عملية إنزال في دير الزور" and then "في قرية أم غربة": Deir ez-Zor may be the
    governorate the village is in). A settlement no list has is taken to be in it."""
    if seat.container is None or place_rank(place) != 0 or identity(place) == identity(seat):
        return False
    key = place.mention.entity
    if key is None:
        return True
    seen: set[str] = set()
    while key and key not in seen:
        if key == seat.container:
            return True
        seen.add(key)
        key = parents.get(key)
    return False


class Coreference:
    """Merge the mentions of a report into event drafts."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the cue tables of ``lexicon`` (``absorbs``, ``both_sides``)."""
        self.lex = lexicon
        self._parents: dict[str, str] = {}
        self._st: DocState | None = None
        self._told: list[int] = []
        self._main: MentionHit | None = None

    def merge(self, st: DocState, per_sentence: list[list[EventMention]]) -> list[EventDraft]:
        """Event drafts of the whole report, mentions of one happening merged.

        Args:
            st: the document's layers.
            per_sentence: the mentions of each sentence, in order, with their arguments.
        """
        drafts: list[EventDraft] = []
        last_day: TimeHit | None = None
        headline: list[EventMention] = []
        last_place: tuple[int, MentionHit] | None = None
        in_headline = self._headline_sentences(st)
        self._parents = st.parents
        self._st = st
        self._told = _told_sentences(st)
        self._main = main_place(st)
        for index, mentions in enumerate(per_sentence):
            if index < in_headline:
                headline.extend(mentions)  # told again in the body; merged at the end
                continue
            resolved: EventDraft | None = None
            pending: list[EventMention] = []
            for m in mentions:
                if from_casualties(m) and (drafts or headline) and not self._killer(m):
                    # "The four children killed had been siblings": dead told with no
                    # event word nor anyone who killed them, once an event is told, are
                    # that event's, not a new one; the last event takes the toll when it
                    # has none of that kind yet
                    self._add_toll(drafts, m)
                    continue
                if drafts and self._pursuit(st, m):
                    continue  # the search after an incident is no event of its own
                if not m.roles and drafts and self._both_sides(st, m):
                    # "وتبعته اشتباكات بين الطرفين": the sides of the event just told
                    m.roles = [(h, "participant", INFERRED)
                               for h, r, _ in drafts[-1].roles.values()
                               if r in ("perpetrator", "target", "participant")]
                if m.time is not None and m.time.same_day:
                    m.time = last_day
                if m.time is None and m.background is not True:
                    m.soft_time = last_day
                if m.place is None and m.background is not True and last_place is not None \
                        and self._told[index] - self._told[last_place[0]] <= 1:
                    m.soft_place = last_place[1]
                target = self._antecedent(drafts, m) if m.anaphoric else None
                if target is not None:
                    if self._names_mechanism(target, m):
                        target.type = m.type  # "the assassination" of a shooting told
                    if not self._sides_agree(target, m):
                        # sides read from word order that contradict the event's
                        m.roles = [r for r in m.roles if r[2] >= CUE]
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
                if m.place is not None and place_rank(m.place) == 0 and not m.background:
                    last_place = (index, m.place)
        drafts = self._restatements(drafts)
        for m in reversed(headline):
            # the headline restates the lead event: a reported one before any background
            told = sorted(drafts, key=lambda d: d.background is True)
            same = next((d for d in told if d.type == m.type
                         or m.type in self.lex.absorbs.get(d.type or "", ())
                         or self._names_mechanism(d, m)), None)
            if same is not None:
                if self._names_mechanism(same, m):
                    same.type = m.type
                same.add(m)
            else:
                d = EventDraft(m.type, [])
                d.add(m)
                drafts.insert(0, d)
        drafts = self._same_toll(drafts)
        drafts = [d for i, d in enumerate(drafts) if not self._unspecified(st, d)
                  and not (i > 0 and self._dangling(st, d, drafts[:i]))]
        for d in drafts:
            self._targeted_killing(st, d)
        return drafts

    def _unspecified(self, st: DocState, d: EventDraft) -> bool:
        """Whether a draft is acts named only in the plural, with no time and no toll of
        their own ("ISIS attacks have been on the rise", "هجمات التنظيم"): talk of attacks
        in general, not an event."""
        plurals = self.lex.sets["unspecified_plurals"]
        return not d.casualties and d.time is None and all(
            m.trigger.end - m.trigger.start == 1 and st.forms[m.trigger.start] & plurals
            for m in d.mentions)

    def _dangling(self, st: DocState, d: EventDraft, earlier: list[EventDraft]) -> bool:
        """Whether a draft is only a definite noun that refers back to nothing told ("amid
        the search for the perpetrators of the attack", "بالتزامن مع الاشتباكات الدائرة",
        "the Iraqi military began the campaign"), with no time, no toll and no new place
        of its own: the attack, the fighting or the campaign it names is the setting of
        the events told (``earlier``, at their places), not an event of the report. Told
        at a place no event is at ("after the raid in Saraqib") it is an incident there;
        the report's first event may be told by a verbal noun with the article ("تمكن
        سجناء من الهروب"), so the first draft is never asked."""
        if len(d.mentions) != 1 or d.casualties:
            return False
        m = d.mentions[0]
        if not m.anaphoric or m.trigger.kind != "noun" or m.time is not None:
            return False
        if m.place is not None and identity(m.place) not in {
                identity(e.place) for e in earlier if e.place is not None}:
            return False  # "after the raid in Saraqib": an incident at a new place
        k = m.trigger.start
        # the article or a demonstrative, not a possessive ending (اختطافه: his abduction)
        return any(form.startswith("ال") for form, _ in st.keys[k][:2]) or (
            k > 0 and st.norms[k - 1].lower() in self.lex.sets["demonstratives"])

    def _same_toll(self, drafts: list[EventDraft]) -> list[EventDraft]:
        """Events told twice with the same toll are one: the lead restated in a quote or
        in a later paragraph ("killed six SDF fighters" … "shot and killed six SDF
        members") — same counts of the same statuses, related types (the more specific
        one names it), times and places that may agree, both reported or both
        background."""
        kept: list[EventDraft] = []
        for d in drafts:
            toll = _counted_toll(d)
            host = next((k for k in kept if toll and _counted_toll(k) == toll
                         and self._related(k, d)
                         and times_compatible(k.time or k.soft_time, d.time or d.soft_time)
                         and (k.background is True) == (d.background is True)
                         and _places_may_agree(k, d)), None)
            if host is None:
                kept.append(d)
                continue
            kind = host.type
            if d.type != kind and host.type in self.lex.absorbs.get(d.type or "", ()):
                kind = d.type
            for m in d.mentions:
                host.add(m)
            host.type = kind
        return kept

    def _related(self, a: EventDraft, b: EventDraft) -> bool:
        """Whether two types may name one incident (equal, or one absorbs the other)."""
        absorbs = self.lex.absorbs
        return a.type == b.type or a.type in absorbs.get(b.type or "", ()) \
            or b.type in absorbs.get(a.type or "", ())

    def _restatements(self, drafts: list[EventDraft]) -> list[EventDraft]:
        """Drafts that tell again, in the same or other words, an event of the report at
        the same place and time are merged into it (the ``restates`` table: the "attack"
        a drone strike was, the explosion it caused, the arrests of a raid, a strike told
        again; not clashes); the type that names the mechanism is kept, wherever in the
        report either is told."""
        kept: list[EventDraft] = []
        for d in drafts:
            host = next((k for k in kept if self._restates(k, d)), None)
            if host is None:
                kept.append(d)
                continue
            keep_type = host.type if d.type in self.lex.restates.get(host.type or "", ()) \
                else d.type
            for m in d.mentions:
                host.add(m)
            host.type = keep_type
        return kept

    def _restates(self, a: EventDraft, b: EventDraft) -> bool:
        if a.type is None or b.type is None:
            return False
        if b.type not in self.lex.restates.get(a.type, ()) and a.type not in \
                self.lex.restates.get(b.type, ()):
            return False
        if a.type == b.type and (any(m.distinct for m in b.mentions) or from_casualties(
                a.mentions[0]) or from_casualties(b.mentions[0])):
            return False  # "another attack"; dead told with no event word
        pa, pb = self._where(a), self._where(b)
        if pa is None or pb is None or identity(pa) != identity(pb):
            return False
        if bool(a.background) != bool(b.background):
            return False
        if not times_compatible(a.time or a.soft_time, b.time or b.soft_time):
            return False
        return self._sides_agree(a, b.mentions[0]) and all(
            self._sides_agree(a, m) for m in b.mentions)

    def _where(self, d: EventDraft) -> MentionHit | None:
        """The place a draft will be told at (:func:`told_place`: its own, else the
        settlement of the sentence before, a quarter or a governorate giving way to the
        report's main place)."""
        if self._st is None:
            return d.place
        chosen = told_place(self._st, d, self._main)[0]
        return chosen if chosen is not None else self._main

    @staticmethod
    def _add_toll(drafts: list[EventDraft], m: EventMention) -> None:
        """Give the casualties of a mention read from casualties alone to the event
        told last, when it has none of their status and the background agrees."""
        if not drafts or bool(drafts[-1].background) != bool(m.background):
            return
        last = drafts[-1]
        told = {c.status for c in last.casualties}
        for cas in m.casualties:
            if cas.status not in told:
                add_casualty(last.casualties, cas)

    @staticmethod
    def _headline_sentences(st: DocState) -> int:
        """How many sentences the top of the page has: its leading lines of at most
        :data:`HEADLINE_WORDS` words that end without a full stop (the headline, and the
        page furniture and kicker lines around it: "English | عربي", "Issued on:"),
        when a body follows ("مدعومة بمروحيات التحالف.. قسد تعتقل …" is two sentences
        of one headline)."""
        if len(st.sentences) < 2:
            return 0
        top = 0  # the token where the body starts
        line: list[str] = []
        for i, norm in enumerate([*st.norms, "\n"]):
            if norm != "\n":
                if norm.strip():
                    line.append(norm)
                continue
            if line and (len(line) > HEADLINE_WORDS or line[-1] == "."):
                break
            line = []
            top = i + 1
        count = sum(1 for start, _ in st.sentences if start < top)
        return count if count < len(st.sentences) else 0

    def _targeted_killing(self, st: DocState, d: EventDraft) -> None:
        """An attack by gunfire that killed one or two people is an assassination
        (guidelines: a targeted killing by gunmen, whether or not the word is used);
        not an ambush, a sniper or a clash, nor a shooting that killed no one or many, or
        that also wounded others (fire on a car or a checkpoint)."""
        if d.type != "Attack":
            return
        lex = self.lex
        near: set[str] = set()
        clause: set[str] = set()
        for m in d.mentions:
            lo, hi = m.window
            for k in range(lo, hi):
                clause |= st.forms[k]
                if m.trigger.start - 2 <= k < m.trigger.end + 2:
                    near |= st.forms[k]
        if not near & lex.sets["shooting"] or clause & lex.sets["untargeted"]:
            return
        killed = [c for c in d.casualties if c.status == "killed"]
        others = [c for c in d.casualties if c.status != "killed"]
        if len(killed) == 1 and killed[0].count in (1, 2) and not others:
            d.type = "Assassination"  # (killed and wounded in one shooting: an attack)

    @staticmethod
    def _killer(m: EventMention) -> bool:
        """Whether a mention read from casualties names who killed them (a perpetrator
        other than the side of the dead)."""
        dead = {identity(c.affiliation) for c in m.casualties if c.affiliation is not None}
        return any(r == "perpetrator" and identity(h) not in dead for h, r, _ in m.roles)

    def _pursuit(self, st: DocState, m: EventMention) -> bool:
        """Whether a reported sweep, raid or arrests are told as the pursuit of someone
        ("شنت القوات عملية أمنية لملاحقة المهاجمين", "raids in search of the escapees"):
        once an incident is told, the search after it (guidelines: searches and combing
        after an incident are not annotated)."""
        return m.type in PURSUING and m.background is not True and not m.casualties and any(
            st.forms[k] & self.lex.sets["pursuit"] for k in range(*m.window))

    def _both_sides(self, st: DocState, m: EventMention) -> bool:
        return m.type == "ArmedClash" and any(
            st.forms[k] & self.lex.sets["both_sides"] for k in range(*m.window))

    def _place_mention(self, drafts: list[EventDraft], m: EventMention) -> None:
        if not m.distinct and not from_casualties(m):
            for d in reversed(drafts[-COREF_WINDOW:]):
                if self._compatible(d, m):
                    finer = d.place is not None and m.place is not None \
                        and _names_within(self._parents, d.place, m.place)
                    d.add(m)
                    if finer:  # "إنزال في دير الزور" told again "في قرية أم غربة"
                        d.place, d.relation = m.place, m.relation
                    return
        if not m.distinct:
            for d in reversed(drafts[-INCIDENT_WINDOW:]):
                if self._same_incident(d, m):
                    takes_in = m.type in self.lex.incidents.get(d.type or "", ())
                    d.add(m)
                    if not takes_in:  # the mechanism told now names the incident
                        d.type = m.type
                    return
        d = EventDraft(m.type, [])
        d.add(m)
        drafts.append(d)

    def _quarter_of(self, quarter: MentionHit, settlement: MentionHit) -> bool:
        """Whether a place below a settlement (a quarter, a camp, a facility) lies in a
        settlement: its sentence names that settlement ("انفجار في حي الميسر بحلب" and
        then "انفجار في حلب" tell one event)."""
        if place_rank(quarter) != 1 or place_rank(settlement) != 0 or self._st is None:
            return False
        key = identity(settlement)
        return any(identity(h) == key for h in self._st.in_sentence(
            "mentions", self._st.sentence_of[quarter.start]) if h.mention.kind == "place")

    def _antecedent(self, drafts: list[EventDraft], m: EventMention) -> EventDraft | None:
        for d in reversed(drafts[-COREF_WINDOW:]):
            # "القصف" may refer back to an airstrike, "الهجوم" to a bombing (absorbs
            # table); "the assassination" to a shooting told as an attack
            if (d.type == m.type or d.type is None
                    or m.type in self.lex.absorbs.get(d.type or "", ())
                    or self._names_mechanism(d, m)) \
                    and times_compatible(d.time or d.soft_time, m.time or m.soft_time) \
                    and not self._background_conflict(d, m) and (self._sides_agree(d, m) or (
                        self._sides_agree(d, m, CUE) and not self._elsewhere(d, m))):
                return d
        return None

    @staticmethod
    def _elsewhere(d: EventDraft, m: EventMention) -> bool:
        """Whether the mention names a settlement other than the draft's ("retaliated by
        targeting positions in Saraqib" after shelling on Sarmin): then only its sides
        read from word order tell whether it is the same event."""
        return d.place is not None and m.place is not None and place_rank(d.place) == 0 \
            and place_rank(m.place) == 0 and identity(d.place) != identity(m.place)

    def _names_mechanism(self, d: EventDraft, m: EventMention) -> bool:
        """Whether a noun referring back to ``d`` names its mechanism more precisely (its
        type absorbs the draft's: "the assassination" of an attack told by gunfire, "the
        bombing" of an attack), so the incident takes the mention's type."""
        return d.type == GENERIC_ATTACK and m.trigger.kind == "noun" and m.type is not None \
            and m.type != d.type and d.type in self.lex.absorbs.get(m.type, ())

    @staticmethod
    def _background_conflict(d: EventDraft, m: EventMention) -> bool:
        return (d.background is True and m.background is False) or (
            d.background is False and m.background is True)

    @staticmethod
    def _sides_agree(d: EventDraft, m: EventMention, strength: float = 0.0) -> bool:
        """Whether no side of the mention (read at least with ``strength``: a mention
        referring back is compared by its cue-word roles only, word order in a
        restatement being a weak guide) contradicts the draft's."""
        for role in ("perpetrator", "target"):
            ours = {_side(h) for h, r, _ in d.roles.values() if r == role}
            theirs = {_side(h) for h, r, s in m.roles if r == role and s >= strength}
            if ours and theirs and not ours & theirs:
                return False
        return True

    def _same_incident(self, d: EventDraft, m: EventMention) -> bool:
        """Whether a mention of another type tells part of the same incident: told at the
        same place in the next sentences, its type one the other takes in (the
        ``incidents`` table: clashes after an attack, the attack an IED was, an
        abduction whose victim was killed), time, background and sides agreeing."""
        if m.type is None or d.type is None or d.type == m.type:
            return False
        if m.type not in self.lex.incidents.get(d.type, ()) and d.type not in \
                self.lex.incidents.get(m.type, ()):
            return False
        if d.place is None:
            return False
        # "أعقبه تبادل لإطلاق النار": a mention with no place of its own is part of the
        # incident told just before it
        if m.place is not None and identity(d.place) != identity(m.place):
            return False
        if self._told[m.sentence] - self._told[d.mentions[-1].sentence] > INCIDENT_SENTENCES:
            return False
        if not times_compatible(d.time or d.soft_time, m.time or m.soft_time):
            return False
        return not self._background_conflict(d, m) and self._sides_agree(d, m)

    def _compatible(self, d: EventDraft, m: EventMention) -> bool:
        if m.type is None or d.type != m.type or from_casualties(d.mentions[0]):
            return False
        if not times_compatible(d.time or d.soft_time, m.time or m.soft_time):
            return False
        if d.place is not None and m.place is not None and identity(d.place) != identity(
                m.place) and not (is_coarse(d.place) or is_coarse(m.place)) \
                and not _names_within(self._parents, d.place, m.place) \
                and not _names_within(self._parents, m.place, d.place) \
                and not self._quarter_of(d.place, m.place) \
                and not self._quarter_of(m.place, d.place):
            return False
        return not self._background_conflict(d, m) and self._sides_agree(d, m)
