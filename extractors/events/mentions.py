"""Stage 1: the event mentions of a sentence, and their grouping.

Triggers become :class:`~extractors.events.drafts.EventMention` objects, each with the
clause it reads its arguments from (:meth:`MentionFinder.find`); once their roles are
read, mentions of one sentence that tell one happening are grouped
(:meth:`MentionFinder.group`: a specific trigger absorbs a generic one next to it,
داهمت … فاعتقلت is one raid).
"""

from __future__ import annotations

from extractors.annotations import DocState, TriggerHit
from extractors.events.drafts import CLAUSE_BREAKS, FALLBACK_CONFIDENCE, EventMention, identity
from extractors.lexicon import Lexicon

#: Longest line of a list of links to other stories (a headline).
LINK_WORDS = 30


def tally_start(st: DocState, lex: Lexicon, index: int) -> int | None:
    """Where a running tally or statistic starts in sentence ``index`` (``None`` when
    there is none): "أحصى المرصد 170 عملية منذ مطلع العام", "ليرتفع عدد القتلى إلى …".
    Nothing from there to the end of the sentence is an event or a casualty."""
    cache: dict[int, int | None] = st.user.setdefault("tally_start", {})
    if index in cache:
        return cache[index]
    s_start, s_end = st.sentences[index]
    openers, markers = lex.tables["tally_openers"], lex.tables["tally_markers"]
    since = {k for k in range(s_start, s_end) if st.forms[k] & lex.sets["tally_since"]}
    dated = {k for t in st.in_sentence("times", index) for k in range(t.start, t.end)}
    found: int | None = None
    first = next((k for k in range(s_start, s_end) if st.norms[k].strip()), s_end)
    if first < s_end and lex.tables["tally_continued"].first(st.keys, first) is not None:
        before = _previous_sentence(st, index)
        if before is not None and tally_start(st, lex, before) is not None:
            cache[index] = first  # "وجميعها تمت عبر هجمات …": the tally goes on
            return first
    for k in range(s_start, s_end):
        if openers.first(st.keys, k) is not None:
            found = k
            break
        count = 0 if k in dated else _count(st, lex, k)  # "في 2022 هجوماً": a year
        # the act word itself, not one with a preposition on it ("وأصيب 9 بهجوم": nine
        # wounded in an attack, no count of attacks)
        counted = (count >= 2 and k + 1 < s_end
                   and st.norms[k + 1] in lex.sets["counted_acts"])
        # "63 attacks left 19 dead": many acts counted together, on no day told, are a
        # statistic ("شنت الطائرات 12 غارة على الرقة يوم الاثنين" is one day's strikes)
        if markers.first(st.keys, k) is not None or (counted and (
                since or count >= TALLY_ACTS and not dated)):
            found = next((a for a, b in _clauses(st, s_start, s_end) if a <= k < b), k)
            break
    cache[index] = found
    return found


#: From this many acts counted together ("Six attacks left …"), a sentence that tells
#: no day is a statistic even without a "since".
TALLY_ACTS = 5


def _count(st: DocState, lex: Lexicon, k: int) -> int:
    """The number written at token ``k`` in digits or words (0 when none)."""
    norm = st.norms[k].replace(",", "")
    if norm.isdigit():
        return int(norm)
    word = lex.tables["number_words"].first(st.keys, k, k + 1)
    return int(word[1]) if word is not None else 0


def _previous_sentence(st: DocState, index: int) -> int | None:
    """The sentence before ``index`` that holds words (empty lines skipped)."""
    for before in range(index - 1, -1, -1):
        start, end = st.sentences[before]
        if any(w.strip() for w in st.norms[start:end]):
            return before
    return None


def _opens_line(st: DocState, token: int) -> bool:
    """Whether a token is the first word of its line (a link cue heads its line; "آخر
    الأخبار" inside a sentence is no link)."""
    for k in range(token - 1, -1, -1):
        if "\n" in st.norms[k]:
            return True
        if st.norms[k].strip():
            return False
    return True


def _link_list(st: DocState, first: int) -> list[int]:
    """The sentences of the short lines after a bare "related stories" heading: each a
    headline of another story (at most :data:`LINK_WORDS` words, no full stop at its
    end), up to the first line that reads as the text's own."""
    out: list[int] = []
    line: list[int] = []
    words = 0
    for index in range(first, len(st.sentences)):
        start, end = st.sentences[index]
        line.append(index)
        norms = [w for w in st.norms[start:end] if w.strip()]
        words += len(norms)
        if not any("\n" in st.norms[k] for k in range(start, end)):
            continue
        if words > LINK_WORDS or (norms and norms[-1] == "."):
            break
        out.extend(line)
        line, words = [], 0
    return out


def furniture(st: DocState, lex: Lexicon) -> frozenset[int]:
    """Sentences that link to other stories ("اقرأ أيضا: …", "Read also"): a line opened
    by a cue, every sentence of it ("اقرأ المزيد: ريف حماة..هجوم لداعش …" is one link),
    and after a bare heading ("مقالات ذات صلة"، "آخر الأخبار") the next sentence and the
    list of short headline lines that follows it (cached per document)."""
    cached = st.user.get("furniture")
    if cached is None:
        cues = lex.tables["furniture_cues"]
        found: set[int] = set()
        for index, (start, end) in enumerate(st.sentences):
            hit = next((k for k in range(start, end) if cues.first(st.keys, k) is not None
                        and _opens_line(st, k)), None)
            if hit is None:
                continue
            found.add(index)
            cue_end = cues.first(st.keys, hit)[0]  # type: ignore[index]
            rest = [w for w in st.norms[cue_end:end] if w.strip() and w not in (":", "-")]
            if len(rest) <= 2 and index + 1 < len(st.sentences):
                found.add(index + 1)
                found.update(_link_list(st, index + 1))
            nxt = index  # the rest of the cue's line
            while nxt + 1 < len(st.sentences) and not any(
                    "\n" in st.norms[k] for k in range(hit, st.sentences[nxt][1])):
                nxt += 1
                found.add(nxt)
        cached = st.user["furniture"] = frozenset(found)
    return cached  # type: ignore[no-any-return]


def in_tally(st: DocState, lex: Lexicon, token: int) -> bool:
    """Whether ``token`` lies in a tally (see :func:`tally_start`)."""
    start = tally_start(st, lex, st.sentence_of[token])
    return start is not None and token >= start


def _clauses(st: DocState, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated parts of a sentence (without the date rule of
    :meth:`MentionFinder.clauses`)."""
    parts, lo = [], start
    for i in range(start, end):
        if st.norms[i] in CLAUSE_BREAKS:
            parts.append((lo, i))
            lo = i + 1
    parts.append((lo, end))
    return parts


#: How many clauses before an English verb its subject may stand in (a subject, then an
#: appositive: "The SDF, backed by the coalition, raided …").
SUBJECT_CLAUSES = 2


class MentionFinder:
    """Find and group the event mentions of a sentence."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the cue tables of ``lexicon``."""
        self.lex = lexicon

    def clauses(self, st: DocState, start: int, end: int) -> list[tuple[int, int]]:
        """Comma-separated parts of a sentence; parts that hold only a date join the
        part before them."""
        time_tokens = {i for t in st.in_sentence("times", st.sentence_of[start])
                       for i in range(t.start, t.end)}
        merged: list[tuple[int, int]] = []
        join_next = False
        for part in _clauses(st, start, end):
            only_time = all(j in time_tokens or st.norms[j] in CLAUSE_BREAKS
                            for j in range(*part))
            if merged and (only_time or join_next):
                # "شنت طائرات، فجر اليوم، غارات": a time between commas is parenthetical
                merged[-1] = (merged[-1][0], part[1])
            else:
                merged.append(part)
            join_next = only_time
        return merged

    def find(self, st: DocState, index: int) -> list[EventMention]:
        """The event mentions of one sentence, each with its clause (no arguments yet)."""
        s_start, s_end = st.sentences[index]
        triggers = st.in_sentence("triggers", index) or self._casualty_triggers(st, index)
        if not triggers:
            return []
        clauses = self.clauses(st, s_start, s_end)
        habitual = self.lex.tables["habitual"]
        mentions: list[EventMention] = []
        if index in furniture(st, self.lex):
            return []
        tally = tally_start(st, self.lex, index)
        if tally is not None:
            triggers = [t for t in triggers if t.start < tally]
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
            # (a definite one only right after the trigger, "المداهمة الثانية": further on
            # it goes with another noun, "في حي الأمين الثانية")
            mention.distinct = any(st.forms[j] & self.lex.sets["distinct"]
                                   and (j == trig.end or not st.norms[j].startswith("ال"))
                                   for j in range(trig.end, min(window[1], trig.end + 6)))
            mentions.append(mention)
        return mentions

    def group(self, st: DocState, mentions: list[EventMention]) -> list[EventMention]:
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
                # "استهدفت طائرة سيارة … وأسفر الاستهداف عن …": a definite mention after a
                # verb that tells the event refers back to that verb, not to an earlier event
                host.anaphoric = host.anaphoric or (m.anaphoric and host.trigger.kind != "verb")
        return kept

    def _may_join(self, st: DocState, host: EventMention, m: EventMention) -> bool:
        ours = {identity(h) for h, r, _ in host.roles if r == "perpetrator"}
        theirs = {identity(h) for h, r, _ in m.roles if r == "perpetrator"}
        if theirs and not theirs <= ours:
            return False
        if host.window == m.window:
            return True
        if m.type == "ArmedClash" and host.type != "ArmedClash":
            # "هاجم مسلحون حاجزا … ودارت اشتباكات بين الطرفين": the clashes that follow
            # an attack are part of it when they name no side the attack does not
            sides = {identity(h) for h, _, _ in m.roles}
            if sides <= {identity(h) for h, _, _ in host.roles} or any(
                    st.forms[k] & self.lex.sets["both_sides"] for k in range(*m.window)):
                return True
        results = self.lex.sets["result_words"]
        if any(st.forms[k] & results for k in range(max(host.trigger.end, m.trigger.start - 3),
                                                   m.trigger.start)):
            return True  # "… عملية إنزال، أسفرت عن اعتقال قيادي": the outcome of it
        # "…، فاعتقلت" / "…، واعتقلت", "raided the village, abducting three": the same
        # subject goes on to a further act
        return m.trigger.kind == "verb" and (
            st.norms[m.trigger.start][:1] in ("ف", "و")
            or st.norms[m.trigger.start].endswith(tuple(self.lex.sets["participle_endings"])))

    def _casualty_triggers(self, st: DocState, index: int) -> list[TriggerHit]:
        """A sentence that tells of people killed or wounded but names no kind of event
        ("قتل مسلحون مترجما في المحمودية") tells of an attack."""
        verbs = self.lex.tables["casualty_verbs"]
        for cas in st.in_sentence("casualties", index):
            if cas.status not in ("killed", "injured") or in_tally(st, self.lex, cas.start):
                continue
            if cas.count is None and cas.affiliation is None:
                continue
            cue = next((k for k in range(cas.start, cas.end)
                        if self.lex.tables["casualties"].first(st.keys, k)), cas.start)
            if st.forms[cue] & self.lex.sets["bodies"]:
                continue  # "عثر على جثة شاب": a body found makes no event by itself
            kind = "verb" if verbs.first(st.keys, cue, cue + 1) else "noun"
            return [TriggerHit(cue, cue + 1, "Attack", kind, FALLBACK_CONFIDENCE)]
        return []

    def _window(self, st: DocState, clauses: list[tuple[int, int]], trig: TriggerHit,
                sentence: tuple[int, int]) -> tuple[int, int]:
        """The clause of a trigger; a next clause that opens with a role word (لطرد،
        بدعم، ضد) still belongs to it. In English, a verb whose clause names no one
        before it takes its subject from the clauses before ("The SDF, backed by the
        coalition, raided …")."""
        for pos, clause in enumerate(clauses):
            if clause[0] <= trig.start < clause[1]:
                end = clause[1]
                for nxt in clauses[pos + 1:]:
                    first = {k for k, _ in st.keys[nxt[0]]} if nxt[0] < nxt[1] else set()
                    if first & (self.lex.sets["target"] | self.lex.sets["supporter"]):
                        end = nxt[1]
                    else:
                        break
                start = clause[0]
                if self.lex.lang == "en" and trig.kind == "verb" and pos > 0 \
                        and not self._actor_between(st, clause[0], trig.start):
                    start = clauses[max(0, pos - SUBJECT_CLAUSES)][0]
                return start, end
        return sentence

    @staticmethod
    def _actor_between(st: DocState, start: int, end: int) -> bool:
        return any(start <= h.start < end and h.mention.kind in ("actor", "person")
                   for h in st.mentions)
