"""Numbers and casualties: "مقتل 5 عناصر من داعش", "أصيب ثلاثة مدنيين", "عدة جرحى".

A casualty is a status cue (killed, injured, arrested, abducted, missing) with a count
nearby — digits, number words, dual nouns (عنصرين = 2), a bare singular (شاب = 1), or
a vague word (عدة، عشرات = unknown) — an optional qualifier (أكثر من، ما لا يقل عن،
نحو) and the side the people belonged to (من داعش، في صفوف قسد، مقاتلي قسد).

>>> from extractors.lexicon import load_lexicon, token_keys
>>> from kg.core.text import normalize_text
>>> lex = load_lexicon("ar")
>>> words = [normalize_text(w) for w in "ما لا يقل عن خمسة عشر".split()]
>>> read_number([token_keys(w, "ar") for w in words], words, 0, lex)
(6, 15, 'at_least')
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import CasualtyHit, DocState, MentionHit, state
from extractors.entities import cut_offset
from extractors.lexicon import Lexicon, load_lexicon
from kg.core.model import CIVILIANS, Mention, Span

#: Tokens that end the search for a count or an affiliation.
_BREAKS = frozenset({"،", ",", ".", "؛", ";", ":", "\n", "؟", "?", "!"})
#: Prepositions of place a count may stand after ("قتل في منبج ثلاثة").
_PLACE_PREPOSITIONS = frozenset({"في", "قرب", "in", "near"})
#: English words between a count and its status word ("12 people were killed").
_AUXILIARIES = frozenset({"were", "was", "been", "have", "had", "are", "is", "being", "and",
                          "reportedly", "also",
                          # how they died, before "dead" ("was shot dead", "found dead")
                          "shot", "found", "stabbed", "beaten"})
#: Label of the side named by a civilians word (مدنيين، civilians).
#: How far after an arrest a charge (بتهمة، accused of) names the group of the arrested.
ACCUSED_WINDOW = 12
#: How far after "lost" (فقد) the word "life" makes it a death.
LIFE_WINDOW = 12
#: How far after a status cue a count may stand, and how far after the people noun
#: an affiliation may stand.
COUNT_WINDOW = 5
AFFILIATION_WINDOW = 5

Keys = Sequence[Sequence[tuple[str, int]]]


def read_number(keys: Keys, norms: Sequence[str], i: int,
                lex: Lexicon) -> tuple[int, int | None, str | None] | None:
    """Read a count at token ``i``: ``(end, value or None if vague, qualifier)``."""
    qualifier = None
    q = lex.tables["qualifiers"].first(keys, i)
    j = i
    if q is not None:
        j, qualifier = q[0], str(q[1])
    if j >= len(norms):
        return None
    norm = norms[j]
    if norm.replace(",", "").isdigit():
        return j + 1, int(norm.replace(",", "")), qualifier
    word = lex.tables["number_words"].first(keys, j, j + 1)
    if word is not None:
        value = int(word[1])
        end = j + 1
        if end < len(norms) and norms[end] in lex.sets["teen"] and value < 10:
            value, end = value + 10, end + 1
        return end, value, qualifier
    if any(form in lex.sets["vague"] for form, _cut in keys[j]):
        end = j + 1
        if end < len(norms) and norms[end] == "من":
            end += 1
        return end, None, qualifier
    return None


class CasualtyFinder:
    """Find casualties and write them to ``doc._.ckg.casualties``."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the casualty, people and number tables of ``lexicon``."""
        self.lex = lexicon

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc``."""
        st = state(doc)
        st.casualties = self.find(st)
        return doc

    def _people(self, st: DocState, j: int) -> tuple[int, int | None] | None:
        """A people noun at ``j``: ``(end, implied count)``."""
        keys = st.forms[j]
        lex = self.lex
        if keys & lex.sets["people_dual"]:
            return j + 1, 2
        if keys & lex.sets["people_singular"]:
            return j + 1, 1
        if keys & lex.sets["people_plural"]:
            return j + 1, None
        return None

    def find(self, st: DocState) -> list[CasualtyHit]:
        """All casualties, left to right."""
        lex = self.lex
        table = lex.tables["casualties"]
        mention_at = {h.start: h for h in st.mentions
                      if h.mention.kind in ("actor", "person", "outlet")
                      and h.mention.label != "SubUnit"}
        n = len(st.norms)
        out: list[CasualtyHit] = []
        i = 0
        while i < n:
            if not table.starts_with(st.forms[i]):
                i += 1
                continue
            match = table.first(st.keys, i)
            if match is None:
                i += 1
                continue
            end, status = match
            if status == "missing" and any(st.forms[k] & lex.sets["lives"]
                                           for k in range(end, min(n, end + LIFE_WINDOW))):
                status = "killed"  # "فقد عنصران من قسد حياتهما": they lost their lives
            hit = self._read(st, i, end, str(status), mention_at)
            if hit is not None:
                previous = out[-1] if out else None
                if hit.affiliation is None and previous is not None \
                        and st.sentence_of[previous.start] == st.sentence_of[hit.start] \
                        and any(st.forms[k] & lex.sets["people_others"]
                                for k in range(hit.start, hit.end)):
                    hit.affiliation = previous.affiliation  # "… وأصيب آخرون"
                out.append(hit)
                i = max(end, hit.end)
            else:
                i = end
        return out

    def _read(self, st: DocState, start: int, end: int, status: str,
              mention_at: dict[int, MentionHit]) -> CasualtyHit | None:
        lex = self.lex
        n = len(st.norms)
        count: int | None = None
        qualifier: str | None = None
        found_count = False
        count_at: int | None = None  # English: where a count before the cue stands
        people_end: int | None = None
        # a count before a plural status noun: "5 قتلى", "سقوط 3 جرحى"
        if start > 0 and (st.forms[start] & lex.sets["counted"] or lex.lang != "ar"):
            back = read_number(st.keys, st.norms, start - 1, lex)
            if back is not None and back[0] == start:
                count, qualifier, found_count = back[1], back[2], True
                people_end = end
            elif start > 1:
                back = read_number(st.keys, st.norms, start - 2, lex)
                if back is not None and back[0] == start:
                    count, qualifier, found_count = back[1], back[2], True
                    people_end = end
        if not found_count and lex.lang != "ar":
            before = self._count_before(st, start)
            if before is not None:
                count, qualifier, found_count, people_end = before[0], before[1], True, end
                count_at = before[2]
        j = end
        stop = min(n, end + COUNT_WINDOW)
        cues = lex.tables["casualties"]
        places = {h.start: h for h in st.mentions if h.mention.kind == "place"}
        place_words = lex.sets["directions"] | _PLACE_PREPOSITIONS
        subject_end: int | None = None  # after the verb's subject (اعتقلت جبهة النصرة،)
        while j < stop and not found_count:
            if st.norms[j] in _BREAKS:
                aside = self._aside_end(st, j)
                if aside is None and j == subject_end and st.norms[j] in ("،", ","):
                    aside = j + 1  # "قتلت قوى الأمن، عنصرين": the subject, then its object
                if aside is None:
                    break
                stop = min(n, stop + aside - j)  # "اغتال مسلحون، مساء أمس، قياديا"
                j = aside
                continue
            if cues.starts_with(st.forms[j]) and cues.first(st.keys, j) is not None:
                break  # "قتلوا وأصيب اثنان": the next count belongs to the next status
            named = mention_at.get(j) or places.get(j)
            if named is not None:  # "اعتقلت قوى الأمن الداخلي (الأسايش) خمسة أشخاص"
                stop = min(n, stop + named.end - j)
                if j == end and named.mention.kind != "place" and lex.tables[
                        "casualty_verbs"].first(st.keys, start, end) is not None:
                    subject_end = named.end
                j = named.end
                continue
            if st.forms[j] & place_words:  # "قتل في المقدادية شمال شرق بعقوبة ثلاثة"
                stop = min(n, stop + 1)
                j += 1
                continue
            if st.norms[j] in ("(", ")", '"'):
                stop = min(n, stop + 1)
                j += 1
                continue
            time_end = self._time_at(st, j)
            if time_end is not None:  # "يوم الخميس 7 آذار": a day of the month, no count
                stop = min(n, stop + time_end - j)
                j = time_end
                continue
            number = read_number(st.keys, st.norms, j, lex)
            if number is not None:
                count, qualifier, found_count = number[1], number[2], True
                if people_end is None:  # "مدنيين اثنين": the count after the noun
                    people_end = self._people_after(st, number[0], mention_at)
                break
            people = self._people(st, j)
            if people is not None and people[1] is not None:
                count, found_count, people_end = people[1], True, people[0]
                break
            if people is not None and people_end is None:
                people_end = people[0]  # a bare plural; a count may still follow
            j += 1
        if not found_count and people_end is not None:
            found_count = True
        first = start if count_at is None else count_at
        if not found_count:
            # "عناصر الخلية الذين قتلوا", "أربعة من عناصر الحشد قتلوا": people (and
            # their count) before the status verb
            cues = lex.tables["casualties"]
            for k in range(max(0, start - 6), start):
                if any(st.norms[b] in _BREAKS or (cues.starts_with(st.forms[b]) and cues.first(
                        st.keys, b) is not None) for b in range(k, start)):
                    continue  # another status word stands between: not these people
                people = self._people(st, k)
                if people is None:
                    continue
                people_end, found_count = k + 1, True
                for pos in (k - 1, k - 2):
                    number = read_number(st.keys, st.norms, pos, lex) if pos >= 0 else None
                    if number is not None and (number[0] == k or (
                            number[0] == k - 1 and st.norms[k - 1] == "من")):
                        count, qualifier, first = number[1], number[2], pos
                        break
                break
        if not found_count:
            implied = next((found for k in range(start, end) if (
                found := lex.tables["implied_counts"].first(st.keys, k)) is not None), None)
            if implied is None:
                return None
            count, found_count = int(implied[1]), True  # "ما أدى لمقتله": one
        hit = CasualtyHit(first, max(end, people_end or end), status, count, qualifier)
        if people_end is not None:
            self._affiliation(st, hit, people_end, mention_at)
        if hit.affiliation is None and status == "arrested":
            # "اعتقال شاب بتهمة الانتماء لداعش": of the group accused, not a civilian
            hit.affiliation = self._accused_of(st, hit, mention_at)
        if hit.affiliation is None:
            hit.affiliation = self._civilians(st, first, max(end, people_end or end))
        if hit.affiliation is None:
            hit.affiliation = self._of_them(st, hit, mention_at)
        return hit

    def _accused_of(self, st: DocState, hit: CasualtyHit,
                    mention_at: dict[int, MentionHit]) -> MentionHit | None:
        """"اعتقال شاب بتهمة الانتماء لتنظيم داعش": people arrested on a charge are of the
        group they are accused of (guidelines), the first actor after the charge word in
        the sentence."""
        s_end = st.sentences[st.sentence_of[hit.start]][1]
        charge = next((k for k in range(hit.start, min(s_end, hit.end + ACCUSED_WINDOW))
                       if st.forms[k] & self.lex.sets["no_role"]), None)
        if charge is None:
            return None
        return next((mention_at[k] for k in range(charge + 1, min(s_end, charge + 6))
                     if k in mention_at and mention_at[k].mention.kind == "actor"), None)

    def _of_them(self, st: DocState, hit: CasualtyHit,
                 mention_at: dict[int, MentionHit]) -> MentionHit | None:
        """"killing four of them", "قتل أربعة منهم": the people are of the side named
        last before them in the sentence."""
        table = self.lex.tables["of_them"]
        n = len(st.norms)
        for k in range(hit.start, min(n, hit.end + 3)):
            found = table.first(st.keys, k)
            if found is None:
                continue
            s_start = st.sentences[st.sentence_of[k]][0] if st.sentences else 0
            before = [h for h in mention_at.values()
                      if s_start <= h.start and h.end <= hit.start and h.mention.kind == "actor"]
            if not before:
                return None
            hit.end = max(hit.end, found[0])
            return max(before, key=lambda h: h.start)
        return None

    def _civilians(self, st: DocState, start: int, end: int) -> MentionHit | None:
        """"مقتل مدنيين اثنين": civilians are a side of their own, named by the word as
        written (an actor mention without a KB entity)."""
        civilians = self.lex.sets["civilians"]
        for k in range(start, end):
            found = next((cut for form, cut in st.keys[k] if form in civilians), None)
            if found is None:
                continue
            if k > 0 and self._people(st, k - 1) is not None:
                return None  # "ناشطا مدنيا": an adjective of other people
            a, b = st.char_span(k, k + 1)
            if found:
                a += cut_offset(st.words[k], found)
            text = st.text[a:b]
            return MentionHit(k, k + 1, Mention(span=Span(a, b, text), kind="actor",
                                                label=CIVILIANS, name=text), "pattern")
        return None

    @staticmethod
    def _time_at(st: DocState, j: int) -> int | None:
        """The end of the time expression that covers token ``j``, if any."""
        covering: dict[int, int] | None = st.user.get("time_tokens")
        if covering is None:
            covering = {k: t.end for t in st.times for k in range(t.start, t.end)}
            st.user["time_tokens"] = covering
        return covering.get(j)

    @staticmethod
    def _aside_end(st: DocState, j: int) -> int | None:
        """A time phrase set off by commas at ``j`` ("، مساء أمس الجمعة،"): the token
        after its closing comma; ``None`` when ``j`` starts no such aside."""
        if st.norms[j] not in ("،", ","):
            return None
        starts: dict[int, int] | None = st.user.get("time_starts")
        if starts is None:
            starts = {t.start: t.end for t in st.times}
            st.user["time_starts"] = starts
        end = starts.get(j + 1)
        if end is None:
            return None
        if st.norms[end - 1] in ("،", ","):  # the time phrase took its closing comma
            return end
        if end >= len(st.norms) or st.norms[end] not in ("،", ","):
            return None
        return end + 1

    def _people_after(self, st: DocState, j: int,
                      mention_at: dict[int, MentionHit]) -> int | None:
        """End of the people noun after a count, past a name or two describing words
        ("خمسة عناصر"، "five suspected Islamic State members")."""
        n = len(st.norms)
        skipped = 0
        while j < n and skipped <= 2 and st.norms[j] not in _BREAKS:
            people = self._people(st, j)
            if people is not None:
                return people[0]
            j = mention_at[j].end if j in mention_at else j + 1
            skipped += 1
        return None

    def _count_before(self, st: DocState,
                      start: int) -> tuple[int | None, str | None, int] | None:
        """English: "12 people were killed", "20 wounded" — a count a few words before:
        ``(value, qualifier, its token)``."""
        for k in range(start - 1, max(-1, start - 7), -1):
            if st.norms[k] in _BREAKS:
                return None
            number = read_number(st.keys, st.norms, k, self.lex)
            if number is None:
                continue
            between = range(number[0], start)
            if all(self._people(st, j) is not None or st.norms[j] in _AUXILIARIES
                   or st.mention_at(j) is not None for j in between):
                qualifier = number[2]
                if k > 0 and qualifier is None:
                    before = read_number(st.keys, st.norms, max(0, k - 2), self.lex)
                    if before is not None and before[0] == number[0]:
                        qualifier = before[2]
                return number[1], qualifier, k
            return None
        return None

    def _affiliation(self, st: DocState, hit: CasualtyHit, j: int,
                     mention_at: dict[int, MentionHit]) -> None:
        """The side of the people ending at token ``j``: a name right after them
        (مقاتلي قوات قسد), or after a link word through group words (عناصر من خلية تابعة
        لتنظيم …); in English also a name right before them (5 ISIS members)."""
        lex = self.lex
        links = lex.tables["affiliation_links"]
        passable = lex.sets["anaphoric_groups"] | lex.sets["subunit_heads"] | lex.sets[
            "owner_links"]
        n = len(st.norms)
        stop = min(n, j + AFFILIATION_WINDOW)
        if lex.lang != "ar":
            for h in mention_at.values():
                if h.end == j - 1 and h.start > hit.start:
                    hit.affiliation = h
                    return
            for h in mention_at.values():
                # "an SDF fighter was killed": the name before the people noun that
                # stands between the count and the status word
                if hit.start < h.start and h.end < j and h.mention.kind == "actor" \
                        and self._people(st, h.end) is not None:
                    hit.affiliation = h
                    return
        k = j
        linked = False
        # one describing word may stand before the link ("قيادي بارز في تنظيم …")
        if k + 1 < stop and k not in mention_at and links.first(st.keys, k) is None \
                and links.first(st.keys, k + 1) is not None:
            k += 1
        while k < stop and st.norms[k] not in _BREAKS:
            if k in mention_at:
                if k == j or linked:
                    hit.affiliation = mention_at[k]
                    hit.end = max(hit.end, mention_at[k].end)
                return
            link = links.first(st.keys, k)
            if link is not None:
                linked = True
                k = link[0]
                continue
            forms = st.forms[k]
            if forms & lex.sets["anaphoric_groups"]:
                hit.group_word = next(iter(forms & lex.sets["anaphoric_groups"]))
            if not (forms & passable) and st.norms[k] not in ('"', "(", ")"):
                return
            k += 1
        for h in mention_at.values():
            if h.start <= j - 1 < h.end:
                hit.affiliation = h


@Language.factory("ckg_casualties", default_config={"lang": "ar"})
def make_casualty_finder(nlp: Language, name: str, lang: str) -> CasualtyFinder:
    """Factory of :class:`CasualtyFinder`."""
    return CasualtyFinder(load_lexicon(lang))
