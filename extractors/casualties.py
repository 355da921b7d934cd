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
from extractors.lexicon import Lexicon, load_lexicon, token_keys
from kg.core.model import CIVILIANS, Mention, Span

#: Tokens that end the search for a count or an affiliation.
_BREAKS = frozenset({"،", ",", ".", "؛", ";", ":", "\n", "؟", "?", "!"})
#: Brackets and quotation marks around a side's name (من تنظيم «الدولة الإسلامية»).
_QUOTES = frozenset({'"', "(", ")", "«", "»", "“", "”"})
#: The Arabic article: a definite status noun names (حي الشهداء) more than it tells.
_ARTICLE = "ال"
#: Tokens that join two casualties of one sentence ("قتل … وأصيب"، "killed … and wounded").
_JOINERS = frozenset({"و", "and", ",", "،"})
#: Tokens that join two status words telling the same people ("killed or wounded").
_STATUS_JOINERS = _JOINERS | {"or", "او"}
#: Qualifiers that may follow their count ("9 عناصر على الأقل"، "30 شخصا تقريبا"); after
#: people, "حتى الآن" is "so far" and "أكثر من نصفهم" "more than half of them".
_QUALIFIERS_AFTER = frozenset({"at_least", "about"})
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
#: How far before a wound word a word of dying of wounds stands ("died of his wounds").
SUCCUMB_WINDOW = 3
#: How far after a verb of losing its own men stand ("فقدت قسد أمس خمسة من عناصرها").
OWN_WINDOW = 8
#: How far after a status cue a count may stand, and how far after the people noun
#: an affiliation may stand.
COUNT_WINDOW = 5
AFFILIATION_WINDOW = 5
#: How far before a status word a negation cancels it ("لم يسفر الهجوم عن إصابات").
NEGATION_WINDOW = 5
#: How many tokens a list of quoted names after "كل من" may run.
NAME_LIST_WINDOW = 40
#: How many tokens a count with its qualifier may run ("ما لا يقل عن مئة وخمسة وعشرين").
NUMBER_SPAN = 8
#: Four-digit numbers in this range after a status word are years unless people follow.
YEARS = (1900, 2100)
#: English: how far before a status word its count may stand ("a commander of the
#: Popular Mobilization Forces (PMF) was injured"), and how many describing words may
#: stand between the count and its people noun ("three Yazidi fighters").
BACK_WINDOW = 16
#: How many tokens people joined to others before their own status word may run ("and
#: two SDF fighters and a child were wounded").
GROUP_WINDOW = 8
#: How many tokens a part told aside between a count and its status word may run
#: ("Five people, including three children, were killed").
ASIDE_WINDOW = 10
DESCRIBING_WORDS = 2

Keys = Sequence[Sequence[tuple[str, int]]]


def read_number(keys: Keys, norms: Sequence[str], i: int,
                lex: Lexicon) -> tuple[int, int | None, str | None] | None:
    """Read a count at token ``i``: ``(end, value or None if vague, qualifier)``."""
    q = lex.tables["qualifiers"].first(keys, i)
    if q is not None:
        found = _read_count(keys, norms, q[0], lex, str(q[1]))
        if found is not None:
            return found
        # "some civilians": a qualifier of numbers ("some 30") that is vague alone
    return _read_count(keys, norms, i, lex, None)


def _read_count(keys: Keys, norms: Sequence[str], j: int, lex: Lexicon,
                qualifier: str | None) -> tuple[int, int | None, str | None] | None:
    """:func:`read_number` after its qualifier, if any."""
    opener = lex.tables["count_openers"].first(keys, j)
    if opener is not None:  # "a total of 30", "ما مجموعه 30"
        j = opener[0]
    if j >= len(norms):
        return None
    vague = lex.tables["vague_phrases"].first(keys, j)
    if vague is not None:  # "a few", "a number of": no count, though "a" counts one
        return vague[0], None, qualifier
    phrase = lex.tables["number_phrases"].first(keys, j)
    if phrase is not None:  # "half a dozen": six
        return phrase[0], int(phrase[1]), qualifier
    norm = norms[j]
    if lex.lang == "ar" and norm[:1] == "و" and norm[1:].isdigit():
        norm = norm[1:]  # "15 قتيلا و30 جريحا": the conjunction on the digits
    if norm.replace(",", "").isdigit():
        end, value = j + 1, int(norm.replace(",", ""))
        if lex.lang == "ar" and len(norm) <= 3 and end + 1 < len(norms) \
                and norms[end] == "," and len(norms[end + 1]) == 3 and norms[end + 1].isdigit():
            # "١٬٢٠٠": the thousands separator, a token of its own in Arabic text
            end, value = end + 2, int(norm + norms[end + 1])
        times = lex.tables["multipliers"].first(keys, end, end + 1)
        if times is not None and value < 1000:  # "4 آلاف"
            end, value = times[0], value * int(times[1])
        return end, value, qualifier
    compound = _compound(keys, norms, j, lex)
    if compound is not None:
        return compound[0], compound[1], qualifier
    if any(form in lex.sets["vague"] for form, _cut in keys[j]):
        end = j + 1
        if end < len(norms) and norms[end] == "من":
            end += 1
        return end, None, qualifier
    return None


def _number_word(keys: Keys, norms: Sequence[str], j: int,
                 lex: Lexicon) -> tuple[int, int] | None:
    """One number word at ``j``, with the ten of a teen ("خمسة عشر", "أحد عشر"):
    ``(end, value)``."""
    n = len(norms)
    word = lex.tables["number_words"].first(keys, j, j + 1)
    teen = j + 1 < n and norms[j + 1] in lex.sets["teen"]
    if word is None:
        unit = lex.tables["teen_units"].first(keys, j, j + 1) if teen else None
        return None if unit is None else (j + 2, int(unit[1]) + 10)
    value = int(word[1])
    if teen and value < 10:
        return j + 2, value + 10
    return j + 1, value


def _joined_word(norms: Sequence[str], j: int, lex: Lexicon) -> tuple[int, int] | None:
    """A number word joined by a conjunction written on it ("وعشرين"): ``(end, value)``."""
    norm = norms[j]
    if len(norm) < 3 or norm[0] not in lex.sets["number_joiners"]:
        return None
    rest = norm[1:]
    word = lex.tables["number_words"].first([token_keys(rest, lex.lang)], 0, 1)
    return None if word is None else (j + 1, int(word[1]))


def _compound(keys: Keys, norms: Sequence[str], j: int,
              lex: Lexicon) -> tuple[int, int] | None:
    """A number written in words at ``j``, with its parts: "خمسة وعشرون" (25), "مئة
    وخمسون" (150), "ثلاثة آلاف" (3000), "twenty-three", "a dozen", "one hundred and
    fifty": ``(end, value)``.

    A part joins when it is smaller than the place it fills: tens after units where the
    language writes units first (Arabic, by "و"), units after tens where it writes tens
    first (English, by a hyphen or a space), and anything smaller after whole hundreds or
    thousands (by the language's joiner)."""
    n = len(norms)
    first = _number_word(keys, norms, j, lex)
    if first is None:
        return None
    end, value = first
    times = lex.tables["multipliers"].first(keys, end, end + 1) if end < n else None
    if times is not None and value < 1000:  # "ثلاثة آلاف", "a dozen", "two hundred"
        end, value = times[0], value * int(times[1])
    last = value
    tens_first = bool(lex.raw.get("numbers", {}).get("tens_first"))
    while end < n:
        word = norms[end] in lex.sets["number_joiners"]
        if word:
            part = _number_word(keys, norms, end + 1, lex) if end + 1 < n else None
        elif tens_first:
            part = _number_word(keys, norms, end + 1 if norms[end] == "-" else end, lex) \
                if end + 1 < n else None
        else:
            part = _joined_word(norms, end, lex)
            word = part is not None
        if part is None:
            break
        size = part[1]
        whole = next((m for m in (1000, 100) if value >= m and value % m == 0), None)
        if word and whole is not None and size < whole:
            pass  # "مئة وخمسون", "one hundred and fifty"
        elif word and not tens_first and last < 10 and 20 <= size < 100 and size % 10 == 0:
            pass  # "خمسة وعشرون"
        elif not word and tens_first and 20 <= last < 100 and last % 10 == 0 and size < 10:
            pass  # "twenty-three"
        else:
            break
        end, value, last = part[0], value + size, size
    return end, value


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

    def _own_men(self, st: DocState, k: int) -> bool:
        """Whether the men of a side's own stand at ``k`` ("عناصرها", "its fighters")."""
        lex = self.lex
        if st.forms[k] & lex.sets["own_people"]:
            return True
        return bool(st.forms[k] & lex.sets["own_pronouns"]) and k + 1 < len(st.norms) \
            and self._people(st, k + 1) is not None

    def find(self, st: DocState) -> list[CasualtyHit]:
        """All casualties, left to right."""
        lex = self.lex
        table = lex.tables["casualties"]
        mention_at = {h.start: h for h in st.mentions
                      if h.mention.kind in ("actor", "person", "outlet")
                      and h.mention.label != "SubUnit"}
        n = len(st.norms)
        out: list[CasualtyHit] = []
        pending: tuple[int, str] | None = None
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
            own = next((k for k in range(end, min(n, end + OWN_WINDOW))
                        if self._own_men(st, k)), None) if status == "missing" else None
            loser: MentionHit | None = None
            if own is not None and (lex.tables["casualty_verbs"].first(st.keys, i)
                                    or st.forms[i] & lex.sets["loss_only"]):
                # "فقدت قسد خمسة من عناصرها": a side lost its own men, dead (not the
                # noun: "ثلاثة مفقودين من عناصرها" are missing); they are of that side
                status = "killed"
                s_start = st.sentences[st.sentence_of[i]][0] if st.sentences else 0
                sides = [h for h in mention_at.values()
                         if s_start <= h.start and h.end <= own and h.mention.kind == "actor"]
                loser = max(sides, key=lambda h: h.start) if sides else None
            if status == "missing" and st.forms[i] & lex.sets["loss_only"]:
                i = end  # "lost control of the town": no one lost
                continue
            if status == "injured" and any(st.forms[k] & lex.sets["succumb"]
                                           for k in range(max(0, i - SUCCUMB_WINDOW), i)):
                i = end  # "توفي متأثراً بجروحه", "died of his wounds": a death, no injured toll
                continue
            previous = out[-1] if out else None
            floor = previous.end if previous is not None else 0
            hit = self._read(st, i, end, str(status), mention_at, floor)
            if hit is not None and loser is not None:
                hit.affiliation = loser  # the side that lost them, not one named before
            if hit is not None and status != "missing" and self._negated(st, i):
                hit = None  # "دون أن يسفر الحادث عن إصابات", "no one was hurt"
            if hit is None and self._shares_people(st, end):
                pending = (i, str(status))  # "مقتل وجرح عدد من عناصر النظام"
                i = end
                continue
            if hit is not None and pending is not None and pending[0] < hit.start:
                # the first of two joined statuses: its people are the second's, their
                # number the two together (no count of its own)
                out.append(CasualtyHit(pending[0], hit.end, pending[1], None,
                                       affiliation=hit.affiliation))
            pending = None
            shared = self._shared_status(st, end) if hit is not None and hit.start < i \
                and hit.count is not None else None
            if hit is not None and shared is not None:
                # "12 fighters were killed or wounded": the number counts both together
                hit.count, hit.qualifier = None, None
                out.append(hit)
                out.append(CasualtyHit(hit.start, shared[0], shared[1], None,
                                       affiliation=hit.affiliation))
                i = shared[0]
                continue
            if hit is not None:
                same = previous is not None \
                    and st.sentence_of[previous.start] == st.sentence_of[hit.start] \
                    and self._same_people(st, previous, hit)
                if same and previous is not None:
                    if hit.affiliation is None:
                        hit.affiliation = previous.affiliation  # "… وأصيب آخرون"
                    elif previous.affiliation is None and self._others(st, hit):
                        # "قتل عنصر وأصيب عنصران آخران من قسد": the side of both
                        previous.affiliation = hit.affiliation
                before = self._joined_before(st, hit, mention_at, floor)
                if before is not None:
                    out.append(before)
                out.append(hit)
                joined = self._joined(st, hit, mention_at)
                if joined is not None:
                    out.append(joined)
                i = max(end, out[-1].end)
            else:
                i = end
        return out

    def _read(self, st: DocState, start: int, end: int, status: str,
              mention_at: dict[int, MentionHit], floor: int = 0) -> CasualtyHit | None:
        """The casualty of the status cue ``start:end``; no count before ``floor`` (the
        end of the casualty told before: "killed three civilians and wounded …")."""
        lex = self.lex
        n = len(st.norms)
        count: int | None = None
        qualifier: str | None = None
        found_count = False
        count_at: int | None = None  # English: where a count before the cue stands
        people_at: int | None = None  # English: the end of the people noun before the cue
        pronoun = False  # the count is implied by a pronoun on the status noun (لمقتله)
        people_end: int | None = None
        # a count before a plural status noun: "5 قتلى", "سقوط 3 جرحى"
        if start > floor and (st.forms[start] & lex.sets["counted"] or lex.lang != "ar"):
            back = self._number_before(st, start, floor)
            if back is not None:
                count, qualifier, found_count = back[1][1], back[1][2], True
                people_end = end
        if not found_count and lex.lang != "ar":
            before = self._count_before(st, start, floor)
            if before is not None:
                count, qualifier, found_count, people_end = before[0], before[1], True, end
                count_at, people_at = before[2], before[3]
            else:
                one = self._one_before(st, start, floor)
                if one is not None:  # "PMF commander injured": a singular noun, one
                    count, found_count, people_end = 1, True, end
                    count_at, people_at = one
        j = end
        stop = min(n, end + COUNT_WINDOW)
        cues = lex.tables["casualties"]
        places = {h.start: h for h in st.mentions if h.mention.kind == "place"}
        place_words = lex.sets["directions"] | _PLACE_PREPOSITIONS
        after_name = -1  # the token after the last name skipped (its subject)
        while j < stop and not found_count:
            if st.norms[j] in _BREAKS:
                aside = self._aside_end(st, j)
                if aside is None and st.norms[j] in ("،", ",") and j == after_name:
                    aside = j + 1  # "قتلت قوى الأمن (الأسايش)، عنصرين": after the subject
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
                j = after_name = named.end
                continue
            if st.forms[j] & place_words:  # "قتل في المقدادية شمال شرق بعقوبة ثلاثة"
                stop = min(n, stop + 1)
                j += 1
                continue
            if st.norms[j] == "(" and j == after_name:
                close = next((k for k in range(j + 1, min(n, j + 5)) if st.norms[k] == ")"), None)
                if close is not None:  # "قوى الأمن الداخلي (آسايش)": the name's short form
                    stop = min(n, stop + close + 1 - j)
                    j = after_name = close + 1
                    continue
            if st.norms[j] in ("(", ")", '"'):
                stop = min(n, stop + 1)
                j += 1
                continue
            if st.forms[j] & lex.sets["subset_words"]:
                break  # "قتلى وجرحى بصفوف قسد بينهم قيادي": a part, not the count
            if st.forms[j] & lex.sets["one_of"] and j + 1 < n \
                    and self._people(st, j + 1) is not None:
                count, found_count, people_end = 1, True, j + 2  # "أحد الإرهابيين": one
                break
            listed = self._named_list(st, j)
            if listed is not None:  # "مقتل كل من "أحمد، ومحمد"": as many as the names
                count, found_count, people_end = listed[1], True, listed[0]
                break
            time_end = self._time_at(st, j)
            if time_end is not None:  # "يوم الخميس 7 آذار": a day of the month, no count
                stop = min(n, stop + time_end - j)
                j = time_end
                continue
            number = read_number(st.keys, st.norms, j, lex)
            if number is not None and st.norms[j] in lex.sets["article_numbers"] and (
                    j > end and self._people_after(st, number[0], mention_at) is None
                    or any(st.norms[k].isdigit() for k in range(j + 1, min(n, j + 3)))):
                # "killed an estimated 145": the count is the number after the article
                # "killed a shepherd" counts one; "killed on Sunday in an air strike"
                # does not: an article away from the verb counts only before people
                number = None
            if number is not None and not self._a_count(st, j, number, mention_at):
                measured = self._measured(st, number[0])
                if measured is not None:  # "killed a 25-year-old man": one man
                    stop = min(n, stop + measured - j)
                j = measured or number[0]
                continue
            if number is not None and any(st.norms[x] in ("و", "and") for x in range(end, j)) \
                    and self._status_after(st, number[0], mention_at):
                break  # "lost their lives and three others were wounded": the next one's
            if number is not None:
                count, qualifier, found_count = number[1], number[2], True
                if self._range_after(st, number[0]):  # "145-150": no one count
                    count, qualifier = None, "about"
                    number = (number[0] + 2, None, qualifier)
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
            for k in range(max(floor, start - 6), start):
                if any(st.norms[b] in _BREAKS or (cues.starts_with(st.forms[b]) and cues.first(
                        st.keys, b) is not None) for b in range(k, start)):
                    continue  # another status word stands between: not these people
                people = self._people(st, k)
                if people is None:
                    continue
                people_end, found_count = k + 1, True
                # "أربعة من عناصر الحشد قتلوا"، "خمسة وعشرون عنصرا قتلوا"
                of = k - 1 if k - 1 > floor and st.norms[k - 1] == "من" else k
                told = self._number_before(st, of, floor)
                if told is not None:
                    count, qualifier, first = told[1][1], told[1][2], told[0]
                elif people[1] is not None and self._opens_clause(st, k):
                    count, first = people[1], k  # "إن مدنيا قتل": one; "إن عنصرين قتلا": two
                break
        if not found_count:
            implied = next((found for k in range(start, end) if (
                found := lex.tables["implied_counts"].first(st.keys, k)) is not None), None)
            if implied is None and st.forms[start] & lex.sets["plural_status"] \
                    and not st.norms[start].startswith(_ARTICLE):
                # "سقوط قتلى وجرحى": dead and wounded, no number ("حي الشهداء": a name)
                implied = (end, None)
            if implied is None:
                return None
            count, found_count = None if implied[1] is None else int(implied[1]), True
            pronoun = count is not None  # "ما أدى لمقتله": one
            if any(st.forms[k] & lex.sets["spread_words"]
                   for k in range(max(0, start - 2), start)):
                count, pronoun = None, False  # "سقطوا بين قتيل وجريح": dead and wounded
        hit = CasualtyHit(first, max(end, people_end or end), status, count, qualifier)
        if people_at is not None and people_at <= start:
            self._affiliation(st, hit, people_at, mention_at)  # "a commander of the PMF"
        if people_end is not None and hit.affiliation is None:
            self._affiliation(st, hit, people_end, mention_at)
        if hit.affiliation is None and status == "arrested":
            # suspects are of the group they are accused of, whoever they are
            hit.affiliation = self._accused_of(st, hit, mention_at)
        if hit.affiliation is None:
            hit.affiliation = self._civilians(st, first, max(end, people_end or end))
        if hit.affiliation is None:
            hit.affiliation = self._of_them(st, hit, mention_at)
        if hit.affiliation is None and pronoun:
            hit.affiliation = self._antecedent(st, hit, mention_at)
        return hit

    def _a_count(self, st: DocState, j: int, number: tuple[int, int | None, str | None],
                 mention_at: dict[int, MentionHit]) -> bool:
        """Whether a number after a status word counts people: not a year ("قتلت منذ صيف
        2014") unless people follow it, nor a distance or a share ("400 كم")."""
        end, value = number[0], number[1]
        if self._measured(st, end) is not None:
            return False
        if value is not None and YEARS[0] <= value <= YEARS[1] and st.norms[j].isdigit():
            return self._people_after(st, end, mention_at) is not None
        return True

    def _status_after(self, st: DocState, k: int, mention_at: dict[int, MentionHit]) -> bool:
        """Whether a status word follows the count ending at ``k`` and its people, past
        auxiliaries ("three others were wounded"): the count is that status's."""
        n = len(st.norms)
        j = self._people_after(st, k, mention_at) or k
        cues = self.lex.tables["casualties"]
        for x in range(j, min(n, j + 3)):
            if cues.starts_with(st.forms[x]) and cues.first(st.keys, x) is not None:
                return True
            if st.norms[x] not in _AUXILIARIES or st.norms[x] in _JOINERS:
                return False
        return False

    def _opens_clause(self, st: DocState, k: int) -> bool:
        """Whether token ``k`` opens its clause: first of its sentence, or after a
        break, "و" or a complementizer ("قالت قوات الأمن إن مدنيا قتل")."""
        s_start = st.sentences[st.sentence_of[k]][0] if st.sentences else 0
        if k <= s_start:
            return True
        before = st.norms[k - 1]
        return before in _BREAKS or before == "و" \
            or bool(st.forms[k - 1] & self.lex.sets["complementizers"])

    def _measured(self, st: DocState, end: int) -> int | None:
        """The end of the unit a number ending at ``end`` measures or of the things it
        counts ("400 كم", "a 25-year-old", "ثلاث عربات"), or ``None`` when none follows."""
        n = len(st.norms)
        units = self.lex.sets["units"]
        if end < n and (st.forms[end] & units or st.norms[end] in self.lex.sets[
                "counted_things"]):
            return end + 1  # "400 كم"؛ "ثلاث عربات": things counted, not people
        if end + 1 < n and st.norms[end] == "-" and st.forms[end + 1] & units:
            k = end + 2
            while k + 1 < n and st.norms[k] == "-" and st.norms[k + 1].isalpha():
                k += 2  # "-year-old"
            return k
        return None

    def _number_before(self, st: DocState, end: int, floor: int,
                       ) -> tuple[int, tuple[int, int | None, str | None]] | None:
        """The count that ends right before token ``end``, read from its first word with
        its qualifier and all its parts ("أكثر من 250 قتيلا", "خمسة وعشرون قتيلا",
        "twenty-three killed"), not before ``floor``; a year or a time ("in 2017
        killed") is none: ``(its first token, (end, value, qualifier))``."""
        found = None
        numbers: dict[int, tuple[int, int | None, str | None] | None] | None = \
            st.user.get("numbers")
        if numbers is None:
            numbers = st.user["numbers"] = {}
        for pos in range(end - 1, max(floor, end - NUMBER_SPAN) - 1, -1):
            if pos not in numbers:
                numbers[pos] = read_number(st.keys, st.norms, pos, self.lex)
            number = numbers[pos]
            if number is not None and number[0] == end:
                found = (pos, number)
        if found is None or self._time_at(st, end - 1) is not None:
            return None
        return found

    def _shared_status(self, st: DocState, end: int) -> tuple[int, str] | None:
        """A status word joined right after a status word ending at ``end`` with no count
        of its own after it ("were killed or wounded in …"): ``(its end, its status)``."""
        n = len(st.norms)
        if end >= n or st.norms[end] in (",", "،") or not self._shares_people(st, end):
            return None  # "killed, and three others wounded": a clause of their own
        k = end + 1 if st.norms[end] in _STATUS_JOINERS else end
        found = self.lex.tables["casualties"].first(st.keys, k)
        if found is None:
            return None
        after = found[0]
        if after < n and (read_number(st.keys, st.norms, after, self.lex) is not None
                          or self._people(st, after) is not None):
            return None  # "13 people dead and wounded more than 30": a count of its own
        return after, str(found[1])

    def _shares_people(self, st: DocState, end: int) -> bool:
        """Whether another status word is joined right after a status word ending at
        ``end`` ("مقتل وجرح …", "killed and wounded …"): both tell the same people."""
        table = self.lex.tables["casualties"]
        n = len(st.norms)
        k = end + 1 if end < n and st.norms[end] in _STATUS_JOINERS else end
        if k >= n or (k == end and not st.norms[k].startswith("و")):
            return False
        return table.starts_with(st.forms[k]) and table.first(st.keys, k) is not None

    def _named_list(self, st: DocState, j: int) -> tuple[int, int] | None:
        """"مقتل كل من "أحمد علي، ومحمد حسن"", "اعتقال كل من "أ" و"ب"": the people are
        the quoted names listed after "كل من"; ``(end, how many)``."""
        n = len(st.norms)
        found = self.lex.tables["name_lists"].first(st.keys, j)
        if found is None or found[0] >= n or st.norms[found[0]] not in _QUOTES:
            return None
        names, inside, end = 0, False, None
        for k in range(found[0], min(n, found[0] + NAME_LIST_WINDOW)):
            word = st.norms[k]
            if word in (".", "\n", "؛", ":"):
                break
            if word in _QUOTES:
                inside = not inside
                if inside:
                    names += 1
                else:
                    end = k + 1
                    if not self._next_name(st, end):
                        break
            elif inside and word in ("،", ","):
                names += 1  # "سروت عبدي، وعدنان ذكي": one more name
        if end is None or names == 0:
            return None
        return end, names

    @staticmethod
    def _next_name(st: DocState, k: int) -> bool:
        """Whether another quoted name follows a closing quote at ``k`` (و"…"، ، "…")."""
        n = len(st.norms)
        if k < n and st.norms[k] in ("و", "،", ","):
            k += 1
        return k < n and st.norms[k] in _QUOTES

    def _negated(self, st: DocState, i: int) -> bool:
        """Whether a negation stands shortly before a status word in its clause."""
        s_start = st.sentences[st.sentence_of[i]][0] if st.sentences else 0
        for k in range(i - 1, max(s_start, i - NEGATION_WINDOW) - 1, -1):
            if st.norms[k] in _BREAKS:
                return False
            if st.forms[k] & self.lex.sets["casualty_negations"]:
                return True
        return False

    def _others(self, st: DocState, hit: CasualtyHit) -> bool:
        return any(st.forms[k] & self.lex.sets["people_others"]
                   for k in range(hit.start, hit.end))

    def _joined(self, st: DocState, hit: CasualtyHit,
                mention_at: dict[int, MentionHit]) -> CasualtyHit | None:
        """More people joined to a casualty by "and" without a status of their own: of its
        side they add to its count ("قتل ضابط في الجيش العراقي وأربعة جنود" = 5); with a
        side of their own they are a casualty of that side ("مقتل 3 مدنيين وعنصرين من
        قسد"). Returns the new casualty, if any."""
        lex = self.lex
        n = len(st.norms)
        k = hit.end
        if k >= n or hit.count is None:
            return None
        number: tuple[int, int | None, str | None] | None
        people_end: int | None
        if st.norms[k] in _JOINERS and st.norms[k] not in ("،", ","):
            k += 1
            number = read_number(st.keys, st.norms, k, lex) if k < n else None
        elif st.norms[k].startswith("و"):
            number = read_number(st.keys, st.norms, k, lex)
        else:
            return None
        if number is None:
            people = self._people(st, k) if k < n else None  # "وعنصرين" (a dual)
            if people is None or people[1] != 2:
                return None  # "36 سيدة وطفل": women and children, one count
            number, people_end = (people[0], people[1], None), people[0]
        else:
            people_end = self._people_after(st, number[0], mention_at)
        value = number[1]
        if value is None or people_end is None:
            return None
        cues = lex.tables["casualties"]
        after = range(people_end, min(n, people_end + 3))
        after = range(people_end, next((j for j in after if st.norms[j] in _BREAKS), after.stop))
        if any(cues.starts_with(st.forms[j]) and cues.first(st.keys, j) is not None
               for j in after) or self._group_then_status(st, people_end):
            return None  # "and three others were wounded": a status of their own
        probe = CasualtyHit(k, people_end, hit.status, value, number[2])
        self._affiliation(st, probe, people_end, mention_at)
        if probe.affiliation is None:
            probe.affiliation = self._civilians(st, k, people_end)
        others = any(st.forms[j] & lex.sets["people_others"] for j in range(k, people_end))
        if probe.affiliation is None and (others or self._kind(st, hit) == self._kind(st, probe)) \
                or probe.affiliation is not None \
                and _side_key(probe.affiliation) == _side_key(hit.affiliation):
            hit.count += value  # "قتل ضابط في الجيش العراقي وأربعة جنود": five
            hit.end = max(hit.end, probe.end)
            return None
        probe.apart = probe.affiliation is None
        return probe

    def _group_then_status(self, st: DocState, j: int) -> bool:
        """Whether more people joined by "and" and then a status word of their own follow
        token ``j`` ("… and two fighters and a child were wounded")."""
        n = len(st.norms)
        cues = self.lex.tables["casualties"]
        joined = False
        for x in range(j, min(n, j + GROUP_WINDOW)):
            if cues.starts_with(st.forms[x]) and cues.first(st.keys, x) is not None:
                return joined
            if st.norms[x] in ("and", "و"):
                joined = True
            elif not (st.norms[x] in _AUXILIARIES or st.norms[x].isdigit()
                      or self._people(st, x) is not None or st.mention_at(x) is not None
                      or self.lex.tables["number_words"].first(st.keys, x, x + 1)):
                return False
        return False

    def _joined_before(self, st: DocState, hit: CasualtyHit,
                       mention_at: dict[int, MentionHit], floor: int) -> CasualtyHit | None:
        """English: people joined by "and" before a count told before its status word
        ("Two soldiers and a civilian were killed"): of its side they add to its count;
        with another side they are a casualty of their own. Returns the new casualty."""
        k = hit.start - 1
        count = hit.count
        if self.lex.lang == "ar" or count is None or k <= floor or st.norms[k] != "and":
            return None
        found = self._count_before(st, k, floor)
        if found is None:
            return None
        value, qualifier, first, people_end = found
        if value is None:
            return None
        probe = CasualtyHit(first, k, hit.status, value, qualifier)
        self._affiliation(st, probe, people_end, mention_at)
        if probe.affiliation is None:
            probe.affiliation = self._civilians(st, first, people_end)
        if (probe.affiliation is None or hit.affiliation is None) \
                and self._kind(st, hit) == self._kind(st, probe) \
                or probe.affiliation is not None and hit.affiliation is not None \
                and _side_key(probe.affiliation) == _side_key(hit.affiliation):
            # "four SDF fighters and a commander": five, of the side named
            hit.count, hit.start = count + value, first
            hit.affiliation = hit.affiliation or probe.affiliation
            return None
        probe.apart = probe.affiliation is None
        return probe

    def _kind(self, st: DocState, hit: CasualtyHit) -> str | None:
        """Whether a casualty's people are fighters or civilians (``None``: unsaid)."""
        for k in range(hit.start, hit.end):
            if st.forms[k] & self.lex.sets["combatants"]:
                return "combatants"
            if st.forms[k] & self.lex.sets["civilians"]:
                return "civilians"
        return None

    def _same_people(self, st: DocState, previous: CasualtyHit, hit: CasualtyHit) -> bool:
        """Whether a casualty tells people of the side of the one just before it: others
        (وأصيب آخرون), their relatives (مقتل طفلة وإصابة والدها), or a bare count joined
        to it ("قتل أربعة من عناصر قسد وأصيب 9", "killed two SDF fighters and wounded
        three")."""
        lex = self.lex
        words = range(hit.start, hit.end)
        if any(st.forms[k] & (lex.sets["people_others"] | lex.sets["relatives"])
               for k in words):
            return True
        joined = all(st.norms[k] in _JOINERS for k in range(previous.end, hit.start))
        return joined and hit.start - previous.end <= 1 and not any(
            self._people(st, k) is not None for k in words)

    def _antecedent(self, st: DocState, hit: CasualtyHit,
                    mention_at: dict[int, MentionHit]) -> MentionHit | None:
        """"أطلقوا النار على أحد عناصر قسد ما أدى لإصابته": a status noun with a pronoun
        (its count implied) tells the people named last before it in the sentence; their
        side is the one written with them."""
        s_start = st.sentences[st.sentence_of[hit.start]][0]
        for k in range(hit.start - 1, s_start - 1, -1):
            if self._people(st, k) is None and not st.forms[k] & self.lex.sets["civilians"]:
                continue
            if st.mention_at(k) is not None:
                continue  # "من قبل مسلحين مجهولين": the authors, named as an actor
            civilians = self._civilians(st, k, k + 1)
            if civilians is not None:
                return civilians
            probe = CasualtyHit(k, k + 1, hit.status, hit.count)
            self._affiliation(st, probe, k + 1, mention_at)
            return probe.affiliation
        return None

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
            if st.forms[k] & self.lex.sets["subset_words"]:
                return None  # "Five people, including three children,": a part of them
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
    def _trigger_starts(st: DocState) -> frozenset[int]:
        """The tokens where an event word starts (cached per document)."""
        starts: frozenset[int] | None = st.user.get("trigger_starts")
        if starts is None:
            starts = frozenset(t.start for t in st.triggers)
            st.user["trigger_starts"] = starts
        return starts

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
        cues = self.lex.tables["casualties"]
        while j < n and skipped <= 2 and st.norms[j] not in _BREAKS:
            people = self._people(st, j)
            if people is not None:
                return people[0]
            if cues.starts_with(st.forms[j]) and cues.first(st.keys, j) is not None:
                return None  # "مقتل 7 وإصابة 15 آخرين": the others are the wounded
            j = mention_at[j].end if j in mention_at else j + 1
            skipped += 1
        return None

    def _count_before(self, st: DocState, start: int, floor: int = 0,
                      ) -> tuple[int | None, str | None, int, int] | None:
        """English: "12 people were killed", "20 wounded", "three Yazidi fighters were
        killed", "a commander of the PMF was injured" — a count a few words before, not
        before ``floor``: ``(value, qualifier, its token, end of its people noun)``.

        Up to :data:`DESCRIBING_WORDS` words may stand between the count and its people
        noun; after the noun only names, auxiliaries, brackets and a link to a side."""
        links = self.lex.tables["affiliation_links"]
        lowest = max(floor - 1, start - BACK_WINDOW)
        asides: dict[int, int] = {}  # a part told aside: its opening comma → its end
        k = start
        while k - 1 > lowest:
            k -= 1
            if st.norms[k] in _BREAKS:
                opening = self._aside_before(st, k, floor)
                if opening is None:
                    return None
                # "Five people, including three children, were killed": past the part
                asides[opening] = k + 1
                lowest = max(floor - 1, lowest - (k + 1 - opening))
                k = opening
                continue
            number = read_number(st.keys, st.norms, k, self.lex)
            if number is None:
                continue
            whole = self._number_before(st, number[0], floor)
            if whole is None:
                continue  # "in 2017 killed": a year
            if whole[0] < k:  # "twenty-three civilians": the count from its first word
                k, number = whole
            cues = self.lex.tables["casualties"]
            if any(cues.first(st.keys, b, b + 1) is not None
                   and not any(st.norms[x] in _JOINERS for x in range(b + 1, k))
                   for b in range(max(0, k - 3), k)):
                return None  # "killing at least 15 people and injuring …": the killed
            j = number[0]
            people_end = None
            if all(st.norms[x] in _AUXILIARIES and st.norms[x] not in _JOINERS
                   for x in range(j, start)):
                # "20 wounded"; "were killed and 15 were wounded": a bare count opening
                # the clause after a joiner
                people_end = start
            skipped = 0
            while j < start and people_end is None:
                people = self._people(st, j)
                if people is not None:
                    people_end = people[0]
                    break
                named = st.mention_at(j)
                if named is None and (skipped >= DESCRIBING_WORDS or st.norms[j] in _AUXILIARIES):
                    return None
                j = named.end if named is not None else j + 1
                skipped += named is None
            if people_end is None:
                return None
            j = people_end
            while j < start:
                named = st.mention_at(j)
                link = links.first(st.keys, j)
                if j in asides:
                    j = asides[j]
                elif named is not None:
                    j = named.end
                elif link is not None:
                    j = link[0]
                elif self._people(st, j) is not None or st.norms[j] in _AUXILIARIES \
                        or st.norms[j] in ("(", ")", "-"):
                    j += 1
                else:
                    return None
            qualifier = number[2]
            for pos in (k - 1, k - 2):  # "over 145", "at least 13"
                before = read_number(st.keys, st.norms, pos, self.lex) if pos >= floor else None
                if qualifier is None and before is not None and before[0] == number[0]:
                    qualifier = before[2]
            return number[1], qualifier, k, people_end
        return None

    def _aside_before(self, st: DocState, k: int, floor: int) -> int | None:
        """The opening comma of a part of the people told aside that closes with the
        comma at ``k`` (", including three children,", ", among them a child,"), or
        ``None``."""
        if st.norms[k] not in (",", "،"):
            return None
        for x in range(k - 1, max(floor, k - ASIDE_WINDOW) - 1, -1):
            if st.norms[x] in _BREAKS:
                subset = x + 1 < k and st.forms[x + 1] & self.lex.sets["subset_words"]
                return x if st.norms[x] in (",", "،") and subset else None
        return None

    @staticmethod
    def _range_after(st: DocState, k: int) -> bool:
        """Whether a dash and a second number follow a number ending at ``k``."""
        return k + 1 < len(st.norms) and st.norms[k] in ("-", "–") and st.norms[k + 1].isdigit()

    def _one_before(self, st: DocState, start: int, floor: int) -> tuple[int, int] | None:
        """English: a singular people noun right before a status word, past auxiliaries
        ("PMF commander injured", "the commander was killed"): ``(its first token, with
        a side named right before it; the end of the noun)``."""
        k = start - 1
        while k >= floor and k > start - 3 and st.norms[k] in _AUXILIARIES:
            k -= 1
        if k < floor:
            return None
        forms = st.forms[k]
        if not forms & self.lex.sets["people_one_more"] and (
                not forms & self.lex.sets["people_singular"]
                or forms & self.lex.sets["people_others"]):
            return None  # "and another wounded", "a third was wounded": one more
        named = st.mention_at(k - 1) if k > floor else None
        first = named.start if named is not None and named.start >= floor else k
        return first, k + 1

    def _affiliation(self, st: DocState, hit: CasualtyHit, j: int,
                     mention_at: dict[int, MentionHit]) -> None:
        """The side of the people ending at token ``j``: a name right after them
        (مقاتلي قوات قسد), or after a link word through group words (عناصر من خلية تابعة
        لتنظيم …); in English also a name right before them (5 ISIS members)."""
        lex = self.lex
        links = lex.tables["affiliation_links"]
        passable = lex.sets["anaphoric_groups"] | lex.sets["subunit_heads"] | lex.sets[
            "owner_links"] | lex.sets["link_fillers"] | lex.sets["group_words"]
        n = len(st.norms)
        stop = min(n, j + AFFILIATION_WINDOW)
        if lex.lang != "ar":
            for h in mention_at.values():
                if h.end == j - 1 and h.start >= hit.start:
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
        # one describing word may stand before the link ("قيادي بارز في تنظيم …"), not
        # other people ("مقتل 3 مدنيين وعنصرين من قسد": the side of the others)
        if k + 1 < stop and k not in mention_at and links.first(st.keys, k) is None \
                and links.first(st.keys, k + 1) is not None and (
                    self._people(st, k) is None or st.forms[k] & lex.sets["people_others"]):
            k += 1
        while k < stop and st.norms[k] not in _BREAKS:
            if k in mention_at:
                if linked and lex.lang != "ar" and mention_at[k].end in self._trigger_starts(st):
                    return  # "four people in Turkish shelling": the author of the event
                if k == j or linked:
                    hit.affiliation = mention_at[k]
                    hit.end = max(hit.end, mention_at[k].end)
                return
            link = links.first(st.keys, k)
            if link is not None:
                linked = True
                k = link[0]
                continue
            qualifier = lex.tables["qualifiers"].first(st.keys, k)
            if qualifier is not None and not linked:
                stop = min(n, stop + qualifier[0] - k)  # "9 عناصر على الأقل من داعش"
                if hit.count is not None and hit.qualifier is None \
                        and qualifier[1] in _QUALIFIERS_AFTER:
                    hit.qualifier = str(qualifier[1])  # at least nine
                k = qualifier[0]
                continue
            forms = st.forms[k]
            if forms & lex.sets["anaphoric_groups"]:
                hit.group_word = next(iter(forms & lex.sets["anaphoric_groups"]))
            if not (forms & passable) and st.norms[k] not in _QUOTES:
                return
            k += 1
        for h in mention_at.values():
            if h.start <= j - 1 < h.end:
                hit.affiliation = h


def _side_key(hit: MentionHit | None) -> str | None:
    """What identifies a side: its KB key, else its label (civilians), else its name."""
    if hit is None:
        return None
    mention = hit.mention
    if mention.entity:
        return mention.entity
    if mention.label == CIVILIANS:
        return CIVILIANS
    return mention.name or mention.span.text


@Language.factory("ckg_casualties", default_config={"lang": "ar"})
def make_casualty_finder(nlp: Language, name: str, lang: str) -> CasualtyFinder:
    """Factory of :class:`CasualtyFinder`."""
    return CasualtyFinder(load_lexicon(lang))
