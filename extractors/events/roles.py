"""Stage 2a: who did what to whom — the roles of the actors of an event mention.

Roles come from cue words (بدعم → supporter; على، ضد، مواقع → target; بين … و، مع →
participant of a clash; من قبل، شنتها → perpetrator) and word order (the subject of the
trigger verb or of a support verb نفذ/شن/أطلق carried it out; what follows it was the
target). A sub-unit (وحدات مكافحة الإرهاب التابعة لقوات قسد) stands for the named force
it belongs to; "its forces" in a party's statement are that party's.
"""

from __future__ import annotations

from extractors.annotations import DocState, MentionHit, TriggerHit
from extractors.attribution import speakers_of
from extractors.entities import PLACE_CONTEXT, SUBUNIT
from extractors.events.drafts import (
    ACTOR_KINDS,
    CLAUSE_BREAKS,
    CUE,
    DIRECTED,
    INFERRED,
    NON_COMBATANT_LABELS,
    ORDER,
    PATIENT_GENITIVE,
    REPORTING_LABELS,
    STATE_LABELS,
    EventMention,
    identity,
)
from extractors.lexicon import Lexicon
from kg.core.model import Mention, Span

#: How many tokens a hedge verb may stand before the group it guesses at ("يرجح أنهم
#: من خلايا تنظيم الدولة").
HEDGE_WINDOW = 7
#: Most member links ("belonging to the", "التابعة لـ") between an attacker and its group.
MEMBER_GAP = 3
#: Events whose attacker may be told only by what it is (a bomber).
UNNAMED_ATTACKS = frozenset({"SuicideBombing"})
#: The label of an actor named by a description only (مسلحون مجهولون، a drone).
UNIDENTIFIED = "UnidentifiedArmedGroup"
#: Most tokens between the subject actor of a passive verb and its auxiliary ("an SDF
#: commander in Deir ez-Zor was shot").
SUBJECT_GAP = 8
#: Quote marks around a name (after normalisation), between it and its head word.
NAME_QUOTES = frozenset('"“”«»')
#: Object pronouns attached to an Arabic verb (استهدفتها، اعتقلهم، داهموهما).
OBJECT_SUFFIXES = ("ها", "هم", "هما", "هن")


class RoleReader:
    """Read the roles of the actors in an event mention's clause."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the cue tables of ``lexicon``."""
        self.lex = lexicon

    def read(self, st: DocState, m: EventMention, speaker_tokens: set[int]) -> None:
        """Add ``(actor, role, strength)`` to ``m.roles``; actors among
        ``speaker_tokens`` (who is quoted) are not parties."""
        lex = self.lex
        lo, hi = m.window
        trig = m.trigger
        actors = [h for h in st.in_sentence("mentions", m.sentence)
                  if (h.mention.kind in ACTOR_KINDS or h.mention.label in STATE_LABELS)
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
        hedges = self.lex.sets["hedges"]
        for h in actors:
            if any(st.forms[k] & no_role for k in range(max(lo, h.start - 4), h.start)):
                continue  # "بتهمة التعامل مع خلايا داعش": an accusation, not a party
            if any(st.forms[k] & hedges for k in range(max(lo, h.start - HEDGE_WINDOW),
                                                       h.start)):
                continue  # "مسلحون يرجح أنهم من خلايا داعش": a guess, not a party
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
            if role != "supporter" and m.type != "ArmedClash" and strength < CUE \
                    and hit.mention.kind != "place" \
                    and self._passive_subject(st, m, hit, covered | trigger_tokens):
                role = "target"  # "an SDF commander was assassinated"
            last = m.roles[-1] if m.roles else None
            if last is not None and strength < CUE and last[2] >= strength \
                    and self._coordinated(st, last[0], hit):
                role, strength = last[1], last[2]  # "بمشاركة الجيش العراقي والحشد الشعبي"
            if hit.mention.kind == "place" and not self._country_acts(st, hit, role, strength,
                                                                      anchor, trig):
                continue
            if role is not None and role != "target" \
                    and hit.mention.label in REPORTING_LABELS:
                continue  # a monitor or an outlet tells of the act; it does not take part
            if role is not None:
                m.roles.append((hit, role, strength))
        if m.type in UNNAMED_ATTACKS:
            m.attacker = self._unnamed_attacker(st, m, covered)
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
        if etype not in ("ArmedClash", "PrisonBreak", "Curfew") and self._act_adjective(st, hit):
            return "perpetrator", CUE  # "واستهدفت الغارات الروسية", "Russian air strikes"
        if etype == "ArmedClash":
            return "participant", CUE if prev & lex.sets["participant"] else ORDER
        if etype == "PrisonBreak":
            # "من سجن تابع لداعش", "from an ISIS prison": whose prison it was
            return ("target", CUE) if self._prison_owner(st, hit, np) else (None, 0.0)
        if m.trigger.kind == "verb" and np == m.trigger.end \
                and st.norms[m.trigger.start].endswith(OBJECT_SUFFIXES):
            # "سيارة استهدفتها مسيرة تركية": the object is the pronoun on the verb, so the
            # name right after it is the subject
            return ("imposer" if etype == "Curfew" else "perpetrator"), CUE
        agent = lex.tables["agent"]
        for k in range(max(lo, np - 4), np):
            found = agent.first(st.keys, k)
            if found is not None and found[0] <= np and all(
                    st.norms[j] in NAME_QUOTES for j in range(found[0], np)):
                # "من قبل “داعش”": the quote opens the name
                return ("imposer" if etype == "Curfew" else "perpetrator"), CUE
        support = lex.tables["support_verbs"]
        for k in range(max(lo, np - 2), np):
            if support.first(st.keys, k, k + 1) is not None and k >= m.trigger.start - 5:
                return ("imposer" if etype == "Curfew" else "perpetrator"), CUE
        if self._attackers_group(st, m, np):
            return "perpetrator", CUE
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
        trig = m.trigger
        if hit.end <= anchor:
            return ("imposer" if etype == "Curfew" else "perpetrator"), ORDER
        anchor_end = trig.end if anchor == trig.start else anchor + 1
        # a quote opening the name stands in its phrase (قصفت “هيئة تحرير الشام”، تفجير
        # «داعش»، هجوم لـ"داعش")
        opening = np
        while opening > max(lo, trig.end) and st.norms[opening - 1] in NAME_QUOTES:
            opening -= 1
        if opening == anchor_end and not before_anchor and (trig.kind == "verb"
                                                             or anchor < trig.start):
            return ("imposer" if etype == "Curfew" else "perpetrator"), ORDER
        if trig.kind != "verb" and etype not in PATIENT_GENITIVE \
                and 0 <= opening - trig.end <= 2 and (
                    hit.start == np and self._possessive(st, hit)
                    or trig.end < hit.start and self._possessive_token(st, trig.end)) \
                and not any(st.norms[k] in CLAUSE_BREAKS for k in range(trig.end, np)):
            # "قصف مدفعي مكثف لقوات النظام", "بهجوم لتنظيم داعش", "بهجوم لعنصرين من خلايا
            # داعش": the act of the side in the genitive after it
            return "perpetrator", ORDER
        if trig.kind != "verb" and opening == trig.end:
            if etype in PATIENT_GENITIVE:
                return "target", ORDER
            return "perpetrator", ORDER
        if etype in DIRECTED:
            return "target", ORDER
        return None, 0.0

    def _passive_subject(self, st: DocState, m: EventMention, hit: MentionHit,
                         taken: set[int]) -> bool:
        """Whether an actor is the subject of a passive verb of the act (English: "an SDF
        commander was assassinated", "members of the army were wounded in a blast", "have
        been repeatedly targeted"): it underwent the act. The verb is the trigger or a
        participle of undergoing before it; ``taken`` are the tokens of other actors and
        triggers, none of which may stand between the actor and the verb."""
        auxiliaries = self.lex.sets["passive_auxiliaries"]
        if not auxiliaries:
            return False
        _lo, hi = m.window
        trig = m.trigger
        participles = self.lex.sets["undergo_participles"]
        stops = self.lex.sets["subject_stops"]
        asides = self.lex.sets["subject_asides"]
        end = min(trig.end, hi)
        k, gap = hit.end, 0
        while k < end and gap <= SUBJECT_GAP:
            if st.norms[k] == "(" or st.forms[k] & asides:
                # "al-Hashd al-Shaabi (PMF) was injured", "SDF fighters, including local
                # leaders, were assassinated": an aside within the subject
                close = ")" if st.norms[k] == "(" else ","
                k = next((j for j in range(k + 1, end) if st.norms[j] == close), end) + 1
                continue
            gap += 1
            if k in taken and not trig.start <= k < trig.end or st.forms[k] & stops:
                return False  # "Syria (North Press) – a woman was injured"
            if not st.forms[k] & auxiliaries:
                k += 1
                continue
            j = k + 1
            if j < hi and st.norms[j].endswith("ly"):
                j += 1  # "were repeatedly targeted"
            return j < hi and (j == trig.start or bool(st.forms[j] & participles))
        return False

    def _act_adjective(self, st: DocState, hit: MentionHit) -> bool:
        """Whether an actor is a nationality adjective of an act noun, an air word
        between them or not (غارات روسية، الغارات الجوية الروسية، قصف تركي, Russian air
        strikes, a Turkish drone strike): the state whose act it was."""
        if hit.end - hit.start != 1 or st.norms[hit.start] not in self.lex.maps["nationalities"]:
            return False
        step = -1 if self.lex.lang == "ar" else 1
        acts = self.lex.sets["carrier_events"]
        k = hit.start + step
        if 0 <= k < len(st.forms) and st.forms[k] & self.lex.sets["carrier_links"]:
            k += step
        if 0 <= k < len(st.forms) and st.forms[k] & self.lex.sets["carriers"] \
                and self.lex.lang == "en":
            k += step  # "a Turkish drone strike"
        return 0 <= k < len(st.forms) and bool(st.forms[k] & acts)

    def _prison_owner(self, st: DocState, hit: MentionHit, np: int) -> bool:
        """Whether an actor owns the prison named with it: the genitive of a prison word
        (سجن داعش — the head of a construct has no article), after a link word (سجن
        تابع لداعش، السجن التابع لداعش), or before the word ("an ISIS prison")."""
        prisons = self.lex.sets["prison_words"]
        links = self.lex.sets["owner_links"] | self.lex.sets["prison_links"]
        k = np - 1
        while k >= max(0, np - 3) and (st.forms[k] & links or st.norms[k] == '"'):
            k -= 1
        if k >= 0 and st.forms[k] & prisons and (k < np - 1 or not st.norms[k].startswith("ال")):
            return True
        return hit.end < len(st.forms) and bool(st.forms[hit.end] & prisons)

    def _np_start(self, st: DocState, hit: MentionHit, lo: int, covered: set[int]) -> int:
        """Start of the noun phrase an actor heads (its sub-unit words included);
        ``covered`` are tokens of other actors and of triggers, where it stops."""
        heads = self.lex.sets["subunit_heads"] | self.lex.sets["carriers"] | self.lex.sets[
            "group_heads"]
        stops = self.lex.sets["target"] | self.lex.sets["supporter"] | self.lex.sets[
            "participant"]
        start = hit.start
        for k in range(hit.start - 1, max(lo, hit.start - 6) - 1, -1):
            if st.norms[k] in CLAUSE_BREAKS or k in covered:
                break
            if st.norms[k] in NAME_QUOTES:
                continue  # تنظيم “الدولة الإسلامية”: the head before the quoted name
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

    def _attackers_group(self, st: DocState, m: EventMention, np: int) -> bool:
        """Whether an actor names the group of the attacker just told, after a member link
        (تابعة، من، from): after a bomber noun ("انتحاري من داعش"، "a suicide bomber from
        ISIS") or after the subject of a support verb ("نفذته امرأة تابعة لتنظيم داعش"،
        "نفذه عنصران من خلايا داعش"). With the genitive of an attack noun ("بهجوم
        لتنظيم داعش") in :meth:`_role`, the side of the attacker named after the act."""
        trig = m.trigger
        links = self.lex.sets["member_links"]
        k = np - 1
        while k >= max(0, np - MEMBER_GAP) and st.forms[k] & links \
                and st.norms[k] not in CLAUSE_BREAKS:
            k -= 1
        if k == np - 1:
            return False  # no member link
        if m.type == "SuicideBombing" and trig.kind != "verb" and k == trig.end - 1:
            return True  # the bomber noun, then its group
        support = self.lex.tables["support_verbs"]
        # one word for the attacker between the support verb and its links
        return k - 1 >= 0 and k - 1 >= trig.start - 5 \
            and support.first(st.keys, k - 1, k) is not None

    def _unnamed_attacker(self, st: DocState, m: EventMention,
                          covered: set[int]) -> MentionHit | None:
        """The bomber of a bombing told only by what it is ("فجر انتحاري نفسه"، "two
        suicide bombers"), nearest the trigger in its clause, as an actor named as
        written; ``None`` when the clause names none."""
        table = self.lex.tables["unnamed_attackers"]
        lo, hi = m.window
        event_nouns = {i for t in st.in_sentence("triggers", m.sentence) if t.kind != "verb"
                       for i in range(t.start, t.end)}
        found: list[tuple[int, int]] = []
        k = lo
        while k < hi:
            hit = table.first(st.keys, k, hi) if table.starts_with(st.forms[k]) else None
            if hit is None or any(j in covered for j in range(k, hit[0])) \
                    or k - 1 in event_nouns:  # "تفجير انتحاري": the kind of the act
                k += 1
                continue
            found.append((k, hit[0]))
            k = hit[0]
        if not found:
            return None
        start, end = min(found, key=lambda se: abs(se[0] - m.trigger.start))
        counts = self.lex.maps["number_words"]
        if start > lo and (st.norms[start - 1].isdigit() or (
                st.norms[start - 1] in counts and counts[st.norms[start - 1]] != 1)):
            start -= 1  # "Two suicide bombers": named with their count, as written
        a, b = st.char_span(start, end)
        firsts = table.first_words()
        a += next((c for f, c in st.keys[start] if f in firsts), 0)  # بطائرة → طائرة
        text = st.text[a:b]
        mention = Mention(span=Span(a, b, text), kind="actor", label=UNIDENTIFIED,
                          entity=None, name=text, confidence=0.5)
        return MentionHit(start, end, mention, "pattern")

    @staticmethod
    def _possessive_token(st: DocState, k: int) -> bool:
        """Whether a token is written with the possessive ل (لتنظيم، لعنصرين، للجيش)."""
        return st.norms[k] == "ل" or (  # "لـ" written apart: هجوم لـ"داعش"
            st.norms[k].startswith("ل") and any(cut == 1 for _f, cut in st.keys[k]))

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
