"""Attribution: who a sentence is according to.

An attribution verb (قال، ذكر، أفاد، أعلن، أضاف …) or preposition (بحسب، وفقاً لـ،
نقلاً عن) names its speakers between itself and the complementizer (إن/أن) or the
next comma. A continuation verb with no speaker (وأضافت، وتابع) refers back to the
last speaker. A person whose title names an organisation (مدير المرصد …) speaks for
it. An anonymous source may open the sentence before its verb (مصادر محلية قالت إن);
an "as … said" clause (كما أفاد، وفقا لما ذكرته) or a verb after a comma whose speaker
closes the sentence (…، أفادت مصادر محلية) speaks for the whole sentence; an
anonymous source's description ends at a relative clause, at the time of the statement
and before the outlet it spoke to. Sentences with no attribution cue are the outlet's own
voice (no speaker).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import DocState, MentionHit, SpeakerHit, state
from extractors.entities import unquoted
from extractors.lexicon import Lexicon, load_lexicon
from kg.core.model import Mention, Span
from kg.core.text import normalize_text

#: Mention kinds that can speak.
SPEAKER_KINDS = frozenset({"actor", "outlet", "person"})
#: How many tokens after the cue the speaker part may run.
SPEAKER_WINDOW = 12
_BREAKS = frozenset({"،", ",", ".", "؛", ";", ":", "\n"})
#: Tokens that may join several speakers (قوات سوريا الديمقراطية (قسد) ومجلس …).
_CONNECTORS = frozenset({"و", "(", ")", '"', "and"})
#: "أشار إلى أن": the preposition between a verb and its complementizer.
_TO = frozenset({normalize_text("إلى"), "to"})
_COMMAS = frozenset({"،", ","})
_ARTICLES = frozenset({"a", "an", "the"})
#: Label of a speaker of no identifiable party (مصادر محلية، ناشطون، "a security source").
ANONYMOUS = "AnonymousSource"
#: Most words of an anonymous source's description (مصادر محلية مطلعة).
ANONYMOUS_WORDS = 4


class AttributionFinder:
    """Find speakers per sentence and write them to ``doc._.ckg.speakers``."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the attribution tables of ``lexicon``."""
        self.lex = lexicon

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc``."""
        st = state(doc)
        st.speakers, st.claims = self.find(st)
        return doc

    def find(self, st: DocState) -> tuple[list[SpeakerHit], list[int]]:
        """Speakers of each sentence that has a cue, and the claim participles."""
        lex = self.lex
        verbs = lex.tables["attribution_verbs"]
        preps = lex.tables["attribution_prepositions"]
        participles = lex.sets["participles"]
        by_start: dict[int, MentionHit] = {}
        for hit in st.mentions:
            if hit.mention.kind in SPEAKER_KINDS and hit.mention.label != "SubUnit":
                by_start.setdefault(hit.start, hit)
        ends = {h.end: h for h in st.mentions if h.mention.kind in SPEAKER_KINDS}
        out: list[SpeakerHit] = []
        claims: list[int] = []
        last: list[MentionHit] = []
        for index, (s_start, s_end) in enumerate(st.sentences):
            claims.extend(i for i in range(s_start, s_end)
                          if st.forms[i] & participles)
            for i in range(s_start, s_end):
                forms = st.forms[i]
                if not (verbs.starts_with(forms) or preps.starts_with(forms)):
                    continue
                # a preposition first: نقلا عن is no verb نقل
                cue = preps.first(st.keys, i, i + 1)
                is_prep = cue is not None
                if cue is None:
                    cue = verbs.first(st.keys, i, i + 1)
                if cue is None or not is_prep and self._belonging(st, i, s_end):
                    continue
                # "a security source told AFP", "…, activists said": an anonymous speaker
                # right before the verb (guidelines: listed with the report's outlet,
                # not with the agency it spoke to)
                before = None if is_prep else self._anonymous_before(st, i, s_start)
                if before is not None:
                    out.append(SpeakerHit(index, before.start, i + 1, [before], scope=s_start))
                    break
                # "…، بحسب ما قال ناشطون", "…، كما أفاد مصدران": an "as … said" clause
                # speaks for the whole sentence, wherever it stands
                as_clause = not is_prep and i > s_start \
                    and st.norms[i - 1] in lex.sets["as_clause"]
                # "…، أفادت مصادر محلية.": a verb after a comma whose speaker part closes
                # the sentence speaks for all of it
                postposed = not is_prep and not as_clause and i > s_start \
                    and st.norms[i - 1] in _COMMAS
                named_before = self._named_before(st, i, s_start, ends)
                # a verb deep inside a clause ("... التي أعلن عنها") is not a cue
                if not is_prep and not as_clause and not postposed and i - s_start > 4 \
                        and named_before is None \
                        and not self._before_complementizer(st, i, s_end):
                    continue
                speakers, part_end = self._speakers(st, i + 1, s_end, by_start, is_prep)
                anonymous = self._anonymous(st, i + 1, s_end)
                if anonymous is not None and not speakers:
                    speakers, part_end = [anonymous], anonymous.end
                elif anonymous is not None and anonymous.start < speakers[0].start \
                        and not st.forms[anonymous.start] & lex.sets["reporters"] \
                        and not (self.lex.lang != "en"
                                 and self._genitive(st, anonymous, speakers[0])):
                    # "أكدت مصادر خاصة لكوردستريت أن …": the sources speak, with the
                    # outlet they told (a reporter of an outlet is the outlet: مراسل
                    # شبكة …; the sources of a party are the party: مصادر المرصد)
                    told = [h for h in speakers if h.start >= anonymous.end
                            and st.starts[h.start] < h.mention.span.start]
                    speakers, part_end = [anonymous, *told], max(part_end, anonymous.end)
                closing = postposed and bool(speakers) and self._closes(st, part_end, s_end)
                if postposed and not closing and i - s_start > 4 and named_before is None \
                        and not self._before_complementizer(st, i, s_end):
                    continue
                if speakers:
                    last = speakers
                    scope = s_start if is_prep or as_clause or closing \
                        or i - s_start <= 2 else i
                    out.append(SpeakerHit(index, i, part_end, speakers, scope=scope))
                elif not is_prep and named_before is not None:
                    # "..., the SDF said." / "المرصد قال", "the Iraqi News Agency (INA)
                    # reported": the speaker stands before
                    last = [named_before]
                    out.append(SpeakerHit(index, named_before.start, i + 1, list(last),
                                          scope=s_start))
                elif not is_prep and last and self._bare(st, i, s_end):
                    out.append(SpeakerHit(index, i, i + 1, list(last), carried=True,
                                          scope=s_start if i - s_start <= 2 else i))
                else:
                    continue
                break
        return out, claims

    def _anonymous(self, st: DocState, start: int, s_end: int) -> MentionHit | None:
        """"قالت مصادر محلية إن …", "بحسب ناشطين": a source of no identifiable party,
        as written (up to :data:`ANONYMOUS_WORDS` words, to a break or complementizer)."""
        j = start
        if j < s_end and st.norms[j] in ("ل", "عن", "to"):
            j += 1
        head = j
        if self.lex.lang == "en":
            # "according to local sources", "citing a security source": English words of
            # the description stand before the source word
            while head < min(s_end, j + 3) and not st.forms[head] & self.lex.sets["anonymous"] \
                    and st.norms[head] not in _BREAKS and st.mention_at(head) is None:
                head += 1
        if head >= s_end or not (st.forms[head] & self.lex.sets["anonymous"]):
            return None
        stops = self.lex.sets["complementizers"] | _TO
        # what is told, and when it was said (مصادر صحفية مساء اليوم), end the description
        told = {t.start for t in st.triggers} | {c.start for c in st.casualties} \
            | {t.start for t in st.times}
        end = head + 1
        # "according to security sources the commander …": an English description stands
        # before the source word; after it, only where or whom it is from
        closed = head > j and end < s_end and st.norms[end] not in self.lex.sets["source_links"]
        while not closed and end < min(s_end, head + ANONYMOUS_WORDS) \
                and st.norms[end] not in _BREAKS \
                and st.norms[end] not in stops and end not in told \
                and st.mention_at(end) is None and not self._ends_description(st, end):
            end += 1
        links = self.lex.sets["source_links"]
        if end < s_end and end - 2 > head and st.norms[end - 2] in links \
                and st.norms[end - 1] in self.lex.maps["admin_words"]:
            # "مصادر محلية في بلدة الهامة": the window ends on the admin word; its name
            # goes with it
            named = st.mention_at(end)
            if named is not None and named.start == end:
                end = named.end
        while end > head + 1 and (st.norms[end - 1] in links
                                  or self._belonging(st, end - 1, s_end)):
            # "مصادر محلية في بلدة الهامة", "مصدر عسكري من قسد", "وسائل إعلام تابعة
            # لقسد": where or whom the source is from goes with it; a link word with
            # nothing after it does not
            named = st.mention_at(end) if end < s_end else None
            if named is not None and named.start == end:
                end = self._further_links(st, named.end, s_end)
                break
            end -= 1
        if end == head + 1 and (st.norms[head].startswith("ال")
                                or head == j + 1 and st.norms[j] == "the"):
            # "وأضافت المصادر", "according to the source": the sources already told, not
            # new ones
            return self._told_source(st, j)
        opened = [k for k in range(j + 1, end) if st.norms[k] == '"']
        if len(opened) % 2 == 1:  # مراسل "مرآة سوريا": the quoted name runs to its close
            close = next((k for k in range(end, min(s_end, end + 4)) if st.norms[k] == '"'),
                         None)
            end = close + 1 if close is not None else opened[-1]
        return _anonymous_hit(st, j, end)

    @staticmethod
    def _named_before(st: DocState, i: int, s_start: int,
                      ends: dict[int, MentionHit]) -> MentionHit | None:
        """The name that ends right before token ``i`` (a speaker before its verb); a
        short form in brackets after a name stands for the name before it."""
        if i <= s_start:
            return None
        if i - 3 > s_start and st.norms[i - 1] == ")" and st.norms[i - 3] == "(" \
                and i - 1 in ends and ends[i - 1].start == i - 2:
            return ends.get(i - 3, ends[i - 1])
        return ends.get(i)

    @staticmethod
    def _closes(st: DocState, part_end: int, s_end: int) -> bool:
        """Whether nothing but breaks follows the speaker part to the sentence's end."""
        return all(st.norms[k] in _BREAKS for k in range(part_end, s_end))

    def _further_links(self, st: DocState, end: int, s_end: int) -> int:
        """"مصدر عسكري في قسد من بلدة الصور": after a linked name, another link word
        with a name (an admin word before it) goes with the source as well."""
        links = self.lex.sets["source_links"]
        while end + 1 < s_end and st.norms[end] in links:
            k = end + 1
            if st.norms[k] in self.lex.maps["admin_words"]:
                k += 1
            named = st.mention_at(k) if k < s_end else None
            if named is None or named.start != k:
                break
            end = named.end
        return end

    def _belonging(self, st: DocState, i: int, s_end: int) -> bool:
        """"مدفعية تابعة لقوات النظام": a participle of belonging before ل reads like a
        speech verb (تابع) but says whose a thing is; no one speaks."""
        return bool(st.forms[i] & self.lex.sets["belonging"]) and i + 1 < s_end \
            and st.norms[i + 1].startswith("ل")

    def _ends_description(self, st: DocState, k: int) -> bool:
        """Whether token ``k`` ends an anonymous source's description: a relative clause
        starts, or the outlet it spoke to follows (مصدر خاص لـ"جسر"، لجسر، بوكالة …)."""
        if st.forms[k] & self.lex.sets["description_stops"]:
            return True
        outlet = normalize_text(st.source or "").split()
        if not outlet:
            return False
        if outlet[0] in st.forms[k] and st.norms[k] != outlet[0]:
            return True  # the feed's outlet with a preposition joined to it (لجسر)
        after = next((n for n in range(k + 1, min(len(st.norms), k + 3))
                      if st.norms[n] != '"'), None)
        return st.norms[k] == "ل" and after is not None and outlet[0] in st.forms[after]

    def _anonymous_before(self, st: DocState, verb: int, s_start: int) -> MentionHit | None:
        """"A local source told North Press", "Kurdish security sources said": an
        anonymous speaker right before the verb (its description up to
        :data:`ANONYMOUS_WORDS` + 2 words back, from an article or a break)."""
        k: int | None = verb - 1
        end = verb
        owner = self._owner_before(st, verb, s_start)
        if owner is not None:
            k = owner  # "a military source of the SDF told North Press": the SDF's source
        if owner is None and verb - 1 >= s_start \
                and not st.forms[verb - 1] & self.lex.sets["anonymous"]:
            # "a local source in the town said": where the source is from runs to the verb
            k = self._linked_before(st, verb, s_start)
            linked = k is not None
        else:
            linked = False
        if k is None:
            # "مصادر محلية قالت إن …": the source's words after its noun, then the verb
            return self._anonymous_opening(st, verb, s_start)
        if k < s_start or not (st.forms[k] & self.lex.sets["anonymous"]) \
                or st.mention_at(k) is not None:
            return None
        start = k
        while start - 1 >= max(s_start, k - ANONYMOUS_WORDS - 1) \
                and st.norms[start - 1] not in _BREAKS and st.mention_at(start - 1) is None \
                and st.norms[start - 1] not in self.lex.sets["complementizers"] \
                and st.norms[start - 1] not in self.lex.sets["source_openers"]:
            start -= 1
            if st.norms[start] in _ARTICLES:
                break
        party = st.mention_at(start - 1) if linked and start > s_start else None
        if party is not None and party.start > s_start \
                and st.norms[party.start - 1] in _ARTICLES:
            start = party.start - 1  # "An SDF military source": the party's own source
        if st.norms[start] in self.lex.sets["demonstratives"]:
            return None  # "the source added": the one already named, no new source
        if start == k and st.norms[k].startswith("ال"):
            return self._told_source(st, k)  # "لكن المصادر قالت"
        return _anonymous_hit(st, start, end)

    def _linked_before(self, st: DocState, verb: int, s_start: int) -> int | None:
        """"a local source in the town said", "a source from al-Azbah told": where the
        source word stands when where or whom it is from (a link word right after it)
        runs to the verb; ``None`` when there is none."""
        if self.lex.lang != "en":
            return None
        for k in range(verb - 2, max(s_start, verb - ANONYMOUS_WORDS - 2) - 1, -1):
            if st.norms[k] in _BREAKS or st.norms[k] in self.lex.sets["complementizers"]:
                return None
            if st.forms[k] & self.lex.sets["anonymous"] and st.mention_at(k) is None:
                return k if st.norms[k + 1] in self.lex.sets["source_links"] else None
        return None

    def _anonymous_opening(self, st: DocState, verb: int, s_start: int) -> MentionHit | None:
        """"مصادر محلية قالت إن …", "مصدر في مدينة الباب كشف أن …": an anonymous source
        that opens the sentence, its description (up to :data:`ANONYMOUS_WORDS` + 2
        words, twice :data:`ANONYMOUS_WORDS` with where or whom it is from, a name
        counting one; a place or party only after a link word) running to the verb
        after it."""
        start = s_start
        while start < verb and st.norms[start] in self.lex.sets["source_openers"]:
            start += 1
        if not 2 <= verb - start <= SPEAKER_WINDOW \
                or not st.forms[start] & self.lex.sets["anonymous"] \
                or st.forms[start] & self.lex.sets["reporters"]:
            return None
        stops = self.lex.sets["complementizers"] | _BREAKS - {"،", ","}
        told = {t.start for t in st.triggers} | {c.start for c in st.casualties}
        linked = False
        words = 1  # a name counts as one word
        k = start + 1
        while k < verb:
            if st.norms[k] in stops or k in told:
                return None  # a clause of its own comes first: not the source's words
            linked = linked or st.norms[k] in self.lex.sets["source_links"]
            words += 1
            named = st.mention_at(k)
            if named is not None:
                if not linked:
                    return None  # "مصادر قسد قالت": the party's sources are the party
                k = max(k + 1, named.end)
                continue
            k += 1
        if words > (2 * ANONYMOUS_WORDS if linked else ANONYMOUS_WORDS + 2):
            return None  # a long description only with where or whom the source is from
        return _anonymous_hit(st, start, verb)

    def _owner_before(self, st: DocState, verb: int, s_start: int) -> int | None:
        """Where the source word stands before "of/from/in [the] PARTY" that ends right
        before a speech verb ("a military source from the SDF said"), if it does."""
        party = next((h for h in st.mentions if h.end == verb
                      and h.mention.kind in ("actor", "outlet")), None)
        if party is None:
            return None
        k = party.start - 1
        if k > s_start and st.norms[k] in ("the", "a", "an"):
            k -= 1
        if k <= s_start or st.norms[k] not in self.lex.sets["source_links"]:
            return None
        return k - 1

    @staticmethod
    def _genitive(st: DocState, anonymous: MentionHit, named: MentionHit) -> bool:
        """Whether a named party right after an anonymous word is its owner, with no
        preposition between (مصادر المرصد: the Observatory's sources)."""
        return named.start == anonymous.end and st.starts[named.start] == \
            named.mention.span.start

    @staticmethod
    def _told_source(st: DocState, k: int) -> MentionHit | None:
        """The anonymous source told last before token ``k`` (what "المصادر" refers to),
        ``None`` when there is none."""
        told = [s for hit in st.speakers for s in hit.speakers
                if s.mention.label == ANONYMOUS and s.end <= k]
        return told[-1] if told else None

    def _before_complementizer(self, st: DocState, i: int, s_end: int) -> bool:
        comps = self.lex.sets["complementizers"]
        return any(st.norms[j] in comps for j in range(i + 1, min(s_end, i + SPEAKER_WINDOW)))

    @staticmethod
    def _organisation(st: DocState, person: MentionHit) -> MentionHit | None:
        """The mention of the organisation a person belongs to (KB parent), if the
        report names it: officials speak for their organisation."""
        parent = st.parents.get(person.mention.entity or "")
        if not parent:
            return None
        named = [h for h in st.mentions if h.mention.entity == parent]
        if not named:
            return None
        return min(named, key=lambda h: abs(h.start - person.start))

    def _bare(self, st: DocState, i: int, s_end: int) -> bool:
        """A verb followed directly by a complementizer (وأضافت أن، وتابع إن)."""
        comps = self.lex.sets["complementizers"]
        j = i + 1
        if j < s_end and st.norms[j] in _TO:
            j += 1
        return j < s_end and st.norms[j] in comps

    def _speakers(self, st: DocState, start: int, s_end: int,
                  by_start: dict[int, MentionHit],
                  is_prep: bool) -> tuple[list[MentionHit], int]:
        """The speakers after a cue and the token where the speaker part ends."""
        comps = self.lex.sets["complementizers"]
        found: list[MentionHit] = []
        j = start
        stop = min(s_end, start + SPEAKER_WINDOW)
        told = {t.start for t in st.triggers} | {c.start for c in st.casualties}
        while j < stop:
            norm = st.norms[j]
            if j in told and not found:
                break  # "وأكد بيان اعتقال قائد …": what is told starts; no speaker named
            if norm in comps or (norm in _BREAKS and found) or (is_prep and norm in _BREAKS):
                break
            hit = by_start.get(j)
            if found and hit is None and norm not in _CONNECTORS:
                # "وثق المرصد مقتل 12 عنصرا من قوات النظام": the object is no speaker;
                # the speaker part still runs to a complementizer close by
                for k in range(j, stop):
                    if st.norms[k] in comps:
                        return found, k
                    if st.norms[k] in _BREAKS:
                        break
                break
            if hit is not None:
                speaker = hit.speaks_for if hit.speaks_for is not None else hit
                if speaker.mention.kind == "person":
                    speaker = self._organisation(st, speaker) or speaker
                if found and _short_form(st, found[-1], hit):
                    # "وكالة أنباء الإعلام العراقي (واع)": the name in brackets is the
                    # short form of the one before, no second speaker; the one the KB
                    # knows stands for both
                    if found[-1].mention.entity is None and speaker.mention.entity:
                        found[-1] = speaker
                elif speaker not in found:
                    found.append(speaker)
                j = hit.end
                continue
            j += 1
        return found, j


def _short_form(st: DocState, named: MentionHit, hit: MentionHit) -> bool:
    """Whether ``hit`` is written in brackets right after ``named`` (its short form)."""
    return hit.start == named.end + 1 and st.norms[named.end] == "(" \
        and hit.end < len(st.norms) and st.norms[hit.end] == ")"


def _anonymous_hit(st: DocState, start: int, end: int) -> MentionHit:
    """An anonymous source over tokens ``[start, end)``, named as written."""
    a, b = st.char_span(start, end)
    text = st.text[a:b]
    mention = Mention(span=Span(a, b, text), kind="outlet", label=ANONYMOUS,
                      name=unquoted(text), confidence=0.6)
    return MentionHit(start, end, mention, "pattern")


@Language.factory("ckg_attribution", default_config={"lang": "ar"})
def make_attribution_finder(nlp: Language, name: str, lang: str) -> AttributionFinder:
    """Factory of :class:`AttributionFinder`."""
    return AttributionFinder(load_lexicon(lang))


def speakers_of(st: DocState, sentence: int) -> SpeakerHit | None:
    """The speaker record of a sentence, if any."""
    for hit in st.speakers:
        if hit.sentence == sentence:
            return hit
    return None
