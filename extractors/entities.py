"""Entity mentions: the KB gazetteer, well-founded patterns, and the optional NER.

* ``ckg_gazetteer`` matches the aliases of a :class:`Gazetteer` — the knowledge base's
  names, which the caller of :func:`extractors.make_nlp` hands in (the project's
  pipeline builder, :func:`kg.pipeline.nlp.build_nlp`, hands in the shipped KB's) — over
  token keys, so names match
  with attached و ف ب ل ك (لقوات قسد، وداعش، بالبصيرة). Single-word place names that
  are also common words count only in a place context (في، قرب، قرية …) or once the
  same name was seen in one.
* ``ckg_entity_patterns`` finds what no list has: places after admin words
  (قرية/بلدة/مدينة/ناحية + name), regions (شرق سوريا), persons after titles
  (مدير المرصد … رامي عبد الرحمن), sources after attribution words (بحسب مركز …),
  named operations (عملية «…»), and short definite references to a named
  organisation or place (المركز، المدينة). Names found once are then matched
  everywhere in the report.
* ``ckg_statistical_ner`` adds the ANERcorp model's names where nothing else found
  one; it is skipped when the model folder is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import DocState, MentionHit, state
from extractors.lexicon import Lexicon, load_lexicon
from extractors.tokenizer import split_words
from kg.core.model import Mention, Span
from kg.core.text import clitic_variants, normalize, normalize_text

log = logging.getLogger(__name__)

#: Place types whose one-word names are safe without a place context.
SAFE_PLACE_TYPES = frozenset({"Country", "Governorate", "City", "District", "Region", "Polity",
                              "River"})
#: Containers that share their name with their seat (محافظة درعا / مدينة درعا).
SEATED_TYPES = frozenset({"Governorate", "District"})
#: Settlement types a seat may have.
SEAT_TYPES = frozenset({"City", "Town"})
#: Place types of settlements: a direction before one locates near it (شرقي بغداد).
SETTLEMENT_TYPES = frozenset({"City", "Town", "Village", "Community"})
#: Admin-word labels that make a shared name the container (ريف درعا، محافظة حلب).
CONTAINER_WORD_LABELS = frozenset({"Governorate", "District", "Subdistrict", "Countryside"})
#: Place types whose one-word names are often also common words.
SMALL_PLACE_TYPES = frozenset({"Community", "Village"})
#: Words before a place name that make a one-word name a place.
PLACE_CONTEXT = frozenset(normalize_text(w) for w in (
    "في", "قرب", "بالقرب", "من", "الى", "إلى", "على", "نحو", "باتجاه", "داخل", "محيط",
    "أطراف", "مدخل", "شرق", "غرب", "شمال", "جنوب", "شرقي", "غربي", "شمالي", "جنوبي", "ريف",
    "in", "near", "at", "from", "to", "of", "outside", "around"))
#: Marks between a place word and the name it introduces (#القنطرة، "كفرنبل").
OPENING_MARKS = frozenset({"#", '"', "“", "«", "'", "‘", "("})
#: Clitics that make a one-word name a place (بالبصيرة، لدير الزور).
PLACE_CLITICS = ("ب", "وب", "فب", "ل", "ول")
#: The kinds of place a place word (القرية، المدينة، المنطقة; its label in the
#: ``places.anaphors`` table) may refer back to: a village word never to the city or
#: country named after the village, a city word never to a village, and "the area"
#: only to an area named as one (منطقة X): after a town, a governorate or a country it
#: is the region around, no place of its own.
ANAPHOR_ANTECEDENTS: dict[str, tuple[str, ...]] = {
    "City": ("City", "Town"),
    "Town": ("Town", "City", "Village", "Community", "Subdistrict"),
    "Village": ("Village", "Community", "Town"),
    "Area": ("Area",),
    "Subdistrict": ("Subdistrict", "Town"),
    "Governorate": ("Governorate",),
    "Camp": ("Camp",),
}

#: Label of a named sub-unit mention; events attribute its acts to the owner.
SUBUNIT = "SubUnit"
#: Label of an authority named by a head word (وزارة، قيادة، شرطة) that no list has.
AUTHORITY = "Authority"
#: KB type of a state's forces; one whose parent is a country stands for that state.
STATE_FORCE = "StateForce"
_PUNCT = frozenset({"،", ",", ".", "؛", ";", ":", "\n", "(", ")", '"'})
#: Dashes that end a dateline ("حلب (قاسيون) - …", "دير الزور – نورث برس").
_DASHES = frozenset({"-", "–", "—"})
#: tokens after which an English word is capitalised as a sentence's first
_SENTENCE_OPENERS = frozenset({".", "!", "?", "\n", '"', "“", "'", "‘", ":", "-", "–", "—", "("})
#: Most words of a line that is a dateline with its byline ("هاني خليفة – حماة").
DATELINE_WORDS = 6
#: Most tokens of an outlet in brackets after a dateline's place ("أربيل (كوردستان 24)-").
DATELINE_BRACKET = 6

#: Tokens that join the parts of a romanised name when written without spaces
#: (al-Milaj, Sha`fah, Ras al-'Ain).
_JOINERS = frozenset({"-", "`", "'", "’", "‘"})
#: Most tokens of a romanised place name.
EN_NAME_TOKENS = 7
#: Label of a dateline's place ("BAGHDAD, Dec 29 (Reuters) -"): where the story was
#: filed, the event's place only when nothing else is named.
DATELINE = "Dateline"

#: Most words of a place name in quotes after an admin word (قرية "تل الأحمر الغربي").
QUOTED_PLACE_WORDS = 4
#: Quotation marks around names.
_QUOTES = frozenset('"“”«»„‟')
#: Prepositions and conjunctions that may stick to the first word of a name.
_NAME_PREFIXES = frozenset({"ل", "ول", "فل", "و", "ب", "وب"})

#: Definite head nouns that refer back to the last organisation named with them.
ORG_ANAPHORS = frozenset(normalize_text(w) for w in (
    "المركز", "المرصد", "الشبكة", "الوكالة", "التنظيم", "الحركة", "الهيئة", "الفصيل",
    "المنظمة", "المجلس", "الجيش", "اللجنة", "الجهاز", "الوزارة", "القيادة", "الخلية",
    "المديرية", "the observatory", "the group", "the center"))


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One alias of a KB entity."""

    rest: tuple[str, ...]
    key: str
    kind: str
    type: str
    prominence: float


def _article_variants(words: list[str]) -> list[list[str]]:
    """An alias and its other spelling of the romanised article: "ras al ain" also as
    "ras al-ain" and the reverse (Arabic names in English text write both)."""
    out = [words]
    joined = [w for w in words if w != "-"]
    if len(joined) != len(words):
        out.append(joined)  # al-ain -> al ain
    elif "al" in words[:-1]:
        hyphened: list[str] = []
        for pos, w in enumerate(words):
            hyphened.append(w)
            if w == "al" and pos + 1 < len(words):
                hyphened.append("-")
        out.append(hyphened)  # al ain -> al-ain
    return out


def _apostrophe_variants(variants: list[list[str]]) -> list[list[str]]:
    """Aliases with their apostrophe also as the typographic one, which normalises to a
    quote mark (Kata'ib Hezbollah as Kata’ib Hezbollah)."""
    out = list(variants)
    for words in variants:
        if "'" in words:
            out.append(['"' if w == "'" else w for w in words])
    return out


class Gazetteer:
    """KB aliases indexed by first word, with each entity's kind, type and parent."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str, str | None, float]]) -> None:
        """Index ``(alias, key, kind, type, parent, prominence)`` rows."""
        self.index: dict[str, list[GazetteerEntry]] = {}
        self.parents: dict[str, str] = {}
        self.names: dict[str, str] = {}
        #: country key -> the key of its armed forces (see :meth:`add_state_force`)
        self.state_forces: dict[str, tuple[float, str]] = {}
        for alias, key, kind, etype, parent, prominence in rows:
            words = split_words(normalize_text(alias))
            if not words:
                continue
            for variant in _apostrophe_variants(_article_variants(words)):
                self.index.setdefault(variant[0], []).append(
                    GazetteerEntry(tuple(variant[1:]), key, kind, etype, prominence))
            if parent:
                self.parents[key] = parent
                self.add_state_force(key, etype, parent, prominence)
        for entries in self.index.values():
            entries.sort(key=lambda e: (-len(e.rest), -e.prominence))

    def add_state_force(self, key: str, etype: str, parent: str, prominence: float) -> None:
        """Record a state force whose parent is a place (a country) as that state's
        armed forces: "قصفت تركيا" is an act of the Turkish Armed Forces. Of several
        forces of one state, the most prominent wins, then the first key in order."""
        if etype != STATE_FORCE or not parent.startswith("place:"):
            return
        best = self.state_forces.get(parent)
        if best is None or (-prominence, key) < (-best[0], best[1]):
            self.state_forces[parent] = (prominence, key)

    def merged(self, rows: Iterable[tuple[str, str, str, str, str | None, float]]) -> Gazetteer:
        """A new gazetteer with this one's names and ``rows`` (this one is unchanged)."""
        extra = Gazetteer(rows)
        gaz = Gazetteer([])
        gaz.index = {k: list(v) for k, v in self.index.items()}
        for word, entries in extra.index.items():
            gaz.index.setdefault(word, []).extend(entries)
            gaz.index[word].sort(key=lambda e: (-len(e.rest), -e.prominence))
        gaz.parents = self.parents | extra.parents
        gaz.state_forces = dict(self.state_forces)
        for country, (prominence, key) in extra.state_forces.items():
            gaz.add_state_force(key, STATE_FORCE, country, prominence)
        return gaz

    def within(self, key: str, container: str) -> bool:
        """Whether the KB puts ``key`` inside ``container``; a place with no parent
        recorded is taken to be (صلاح الدين the town lies in Erbil, not in the
        governorate of that name)."""
        seen: set[str] = set()
        parent = self.parents.get(key)
        if parent is None:
            return True
        while parent and parent not in seen:
            if parent == container:
                return True
            seen.add(parent)
            parent = self.parents.get(parent)
        return False

    def state_force(self, country: str) -> str | None:
        """The key of the armed forces of the state ``country`` (a place key), if any."""
        found = self.state_forces.get(country)
        return found[1] if found else None

    def lookup(self, name: str) -> GazetteerEntry | None:
        """The best entry whose alias is exactly ``name`` (normalised), or ``None``."""
        words = split_words(normalize_text(name))
        if not words:
            return None
        for form, _cut in clitic_variants(words[0]) if _is_arabic(words[0]) else [(words[0], 0)]:
            for entry in self.index.get(form, ()):
                if entry.rest == tuple(words[1:]):
                    return entry
        return None


@lru_cache(maxsize=65536)
def cut_offset(word: str, cut: int) -> int:
    """Original-text offset inside ``word`` of normalised character ``cut``."""
    local = normalize(word)
    return local.original_span(min(cut, len(local.text) - 1), len(local.text))[0]


@lru_cache(maxsize=65536)
def _variants(norm: str) -> tuple[tuple[str, int], ...]:
    """Proclitic variants of an Arabic token (the token alone otherwise), cached."""
    return tuple(clitic_variants(norm)) if _is_arabic(norm) else ((norm, 0),)


def _is_arabic(word: str) -> bool:
    return bool(word) and "\u0621" <= word[0] <= "\u064a"


def unquoted(name: str) -> str:
    """A name without its quotation marks (شبكة "دير الزور 24", تنظيم «داعش»): they are
    punctuation, not the name; a mention's span keeps them as written.

    >>> unquoted('مراسل "الخابور"')
    'مراسل الخابور'
    """
    if not any(q in name for q in _QUOTES):
        return name
    return " ".join("".join(" " if c in _QUOTES else c for c in name).split()) or name


def make_mention(doc: Doc, start: int, end: int, kind: str, *, cut: int = 0,
                 label: str | None = None, entity: str | None = None,
                 confidence: float = 1.0) -> Mention:
    """A mention over tokens ``[start, end)`` whose first ``cut`` normalised characters
    (proclitics) are left out of the span and the name."""
    st = state(doc)
    char_start, char_end = st.char_span(start, end)
    if cut:
        char_start += cut_offset(st.words[start], cut)
    text = st.text[char_start:char_end]
    name = text
    if cut and st.norms[start].startswith("لل", cut - 1) and not st.norms[start].startswith(
            "لل", cut):
        name = "ا" + text  # للمجلس = ل + المجلس: the article's alef is restored
    name = unquoted(name)
    if name.endswith(")") and 0 < name.find(" (") < len(name) - 3:
        # "Syrian Observatory for Human Rights (SOHR)": the name without its acronym
        name = name[:name.find(" (")]
    return Mention(span=Span(char_start, char_end, text), kind=kind,  # type: ignore[arg-type]
                   label=label, entity=entity, name=name, confidence=confidence)


# --------------------------------------------------------------------------- gazetteer


class GazetteerMatcher:
    """Find KB names in the text (longest match first, no overlaps)."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon,
                 rows: Iterable[tuple[str, str, str, str, str | None, float]] = ()) -> None:
        """Match ``gazetteer`` names; context words come from ``lexicon``; ``rows`` are
        the configured aliases, kept to be added again over a base in :meth:`use`."""
        self.gazetteer = gazetteer
        self.rows = list(rows)
        self.lexicon = lexicon
        #: words of the pattern tables: never a one-word place name on their own
        self.common_words = frozenset(
            w[2:] if w.startswith("ال") else w
            for name in ("admin_words", "place_anaphors", "relations")
            for w in lexicon.maps[name]) | lexicon.sets["facility_words"] | frozenset(
            w[2:] if w.startswith("ال") else w
            for w in lexicon.triggers.first_words() | lexicon.tables["casualties"].first_words()
            | lexicon.sets["not_place_names"])
        #: relation and direction words before a place (قرب، شرق …)
        self.cues = frozenset(lexicon.maps["relations"]) | lexicon.sets["directions"]

    def use(self, base: Gazetteer) -> None:
        """Match ``base``'s names (a knowledge base's) and the configured aliases."""
        self.gazetteer = base.merged(self.rows) if self.rows else base

    def __call__(self, doc: Doc) -> Doc:
        """Add ``kb`` mentions to ``doc._.ckg.mentions``."""
        st = state(doc)
        st.parents.update(self.gazetteer.parents)
        st.user["state_forces"] = self.gazetteer.state_forces
        if st.source:  # the feed's outlet, when the KB knows it (its other names count)
            outlet = self.gazetteer.lookup(st.source)
            if outlet is not None and outlet.kind == "outlet":
                st.user["source_entity"] = outlet.key
        found = self.match(doc, st)
        accepted_names = {normalize_text(h.mention.name or "") for h, ok in found if ok}
        for hit, ok in found:
            if ok or normalize_text(hit.mention.name or "") in accepted_names:
                st.mentions.append(hit)
        st.mentions.sort(key=lambda h: h.start)
        return doc

    def match(self, doc: Doc, st: DocState) -> list[tuple[MentionHit, bool]]:
        """All matches with whether each stands on its own (see module doc)."""
        out: list[tuple[MentionHit, bool]] = []
        n = len(doc)
        i = 0
        while i < n:
            found: list[tuple[int, int, GazetteerEntry, str]] = []
            variants = _variants(st.norms[i])
            for form, cut in variants:
                for entry in self.gazetteer.index.get(form, ()):
                    end = i + 1 + len(entry.rest)
                    if end > n or tuple(st.norms[i + 1:end]) != entry.rest:
                        continue
                    found.append((cut, end, entry, form))
                    if entry.kind != "outlet":
                        break  # the longest name of this form (an outlet may not stand)
            # the longest name, but an outlet named "<place> today" only where an
            # outlet's name is written (وشهدت بغداد اليوم: the city, on this day)
            best = next((f for f in sorted(found, key=lambda f: -f[1])
                         if f[2].kind != "outlet" or self._outlet_stands(st, i, f[1])), None)
            if best is None:
                i += 1
                continue
            cut, end, entry, form = best
            if self._head_of_longer_name(doc, st, i, end):
                i += 1  # "Tal" of "Tal Tamr": the patterns read the whole name
                continue
            read = self._reading(st, i, end, entry, form)
            # a bare seat name may mean its governorate in Arabic news (في دير الزور with
            # no مدينة before it); English says "province" when it means that
            container = entry.key if read is not entry and entry.type == "Governorate" \
                and self.lexicon.lang == "ar" and self._after_admin(st, i) is None else None
            entry = read
            if not self._case_ok(doc, i, end, entry.kind) and not (
                    end - i >= 2 and st.forms[end - 1] & self.lexicon.sets["force_words"]):
                i += 1  # "regime forces", "government troops": a common noun phrase
                continue
            label = entry.type
            before = self._after_admin(st, i) if entry.kind == "place" else None
            if before == "Neighbourhood":
                label = "Neighbourhood"  # حي القلعة: a quarter, whatever else bears its name
            elif before == "Countryside" and label in SETTLEMENT_TYPES:
                label = "Countryside"  # بريف منبج: around the town, not in it
            mention = make_mention(doc, i, end, entry.kind, cut=cut, label=label,
                                   entity=entry.key,
                                   confidence=0.95 if cut == 0 else 0.9)
            hit = MentionHit(i, end, mention, "kb", container=container)
            out.append((hit, self._stands(st, i, end, cut, entry)))
            i = end
        return out

    def _outlet_stands(self, st: DocState, start: int, end: int) -> bool:
        """Whether an outlet's name that ends in a day word (بغداد اليوم, Baghdad Today)
        is written as the outlet's: capitalised in English; in Arabic quoted or in
        brackets, after an outlet's head or cue word (مراسل، وكالة، لموقع) or an
        attribution word (بحسب، ذكرت), or a dateline's opening (بغداد اليوم - دهوك).
        Elsewhere the words are a place and the day (وشهدت بغداد اليوم)."""
        lex = self.lexicon
        if st.norms[end - 1] not in lex.sets["outlet_day_words"]:
            return True
        if lex.lang != "ar":
            return st.words[end - 1][:1].isupper()
        n = len(st.norms)
        before = st.norms[start - 1] if start > 0 else ""
        after = st.norms[end] if end < n else ""
        if before in OPENING_MARKS or before in _QUOTES or after in _QUOTES or after == ")":
            return True
        if after in _DASHES or after == "/":
            return True
        cues = lex.sets["outlet_cues"] | lex.sets["org_heads"] | lex.sets["told_to_cues"]
        if start > 0 and st.forms[start - 1] & cues:
            return True
        k = start - 1
        return k >= 0 and bool(lex.tables["attribution_prepositions"].first(st.keys, k, k + 1)
                               or lex.tables["attribution_verbs"].first(st.keys, k, k + 1))

    def _head_of_longer_name(self, doc: Doc, st: DocState, start: int, end: int) -> bool:
        """Whether a one-word English match is only the head of a longer capitalised
        name (Tal Tamr, Ras Bahdi): a KB name "Tal" is no place of that name."""
        lex = self.lexicon
        return lex.lang != "ar" and end - start == 1 and end < len(doc) \
            and st.norms[start] in lex.sets["name_heads"] \
            and st.words[start][:1].isupper() and st.words[end][:1].isupper() \
            and st.norms[end] not in lex.sets["place_name_stops"] \
            and not st.forms[end] & lex.sets["not_name_words"]

    def _reading(self, st: DocState, start: int, end: int, entry: GazetteerEntry,
                 form: str) -> GazetteerEntry:
        """Of a governorate or district and its seat of one name (درعا، حلب، Kirkuk), the
        seat — a settlement — unless an admin word next to the name makes it the
        container (محافظة درعا، بريف حلب، "Aleppo province", "the province of Idlib")."""
        if entry.type not in SEATED_TYPES:
            return entry
        seat = next((e for e in self.gazetteer.index.get(form, ())
                     if e.rest == entry.rest and e.type in SEAT_TYPES
                     and self.gazetteer.within(e.key, entry.key)), None)
        if seat is None:
            return entry
        around = [start - 1]
        if self.lexicon.lang != "ar":
            around.append(end)  # "Aleppo province", "Raqqa countryside"
            if start >= 2 and st.norms[start - 1] == "of":
                around.append(start - 2)  # "the province of Idlib"
        if any(self._admin_label(st, k) in CONTAINER_WORD_LABELS for k in around):
            return entry
        return seat

    def _after_admin(self, st: DocState, start: int) -> str | None:
        """The label of the admin word right before a name (حي، مدينة، ريف …), if any."""
        return self._admin_label(st, start - 1)

    def _admin_label(self, st: DocState, k: int) -> str | None:
        if not 0 <= k < len(st.norms):
            return None
        admin = self.lexicon.maps["admin_words"]
        return next((str(admin[f]) for f in st.forms[k] if f in admin), None)

    @staticmethod
    def _case_ok(doc: Doc, start: int, end: int, kind: str = "actor") -> bool:
        """Whether a romanised match is written as a name: a short one in capitals
        (SDF, YPG) — or, for a place, capitalised (Iraq, Homs) — a longer one capitalised."""
        st = state(doc)
        a, b = st.char_span(start, end)
        text = st.text[a:b]
        if text.isascii() and len(text) <= 4:
            return text.isupper() or (kind == "place" and len(text) >= 3 and text.istitle())
        if text.isascii():
            return text[:1].isupper()
        return True

    def _stands(self, st: DocState, start: int, end: int, cut: int,
                entry: GazetteerEntry) -> bool:
        """Whether a match counts on its own. One-word place names that are common
        words never do; small places (villages, communities) need a place word before
        them (قرية، في، قرب …), a preposition on the name, or a name of five letters or
        more; a ك on a place name is "like", not a preposition of place."""
        prefix = st.norms[start][:cut]
        if entry.kind == "place" and "ك" in prefix:
            return False
        if entry.kind != "place" or end - start > 1:
            return True
        form = st.norms[start][cut:]
        bare = form[2:] if form.startswith("ال") else form
        if bare in self.common_words:
            return False
        if entry.type in SAFE_PLACE_TYPES:
            return True
        if self.lexicon.lang != "ar" and entry.type in SEAT_TYPES and len(bare) >= 5 \
                and st.words[start][:1].isupper() and start > 0 \
                and st.norms[start - 1] not in _SENTENCE_OPENERS:
            return True  # "rebels recaptured Saraqeb": a town's name capitalised mid-sentence
        # a hashtag or an opening quote is no word: the context is the word before it
        # (مدينة #كفرزيتا، في "كفرنبل")
        if start == 0:
            return False
        before = start - 1
        while before > 0 and st.norms[before] in OPENING_MARKS:
            before -= 1
        admin = self.lexicon.maps["admin_words"]
        if any(k in admin for k, _ in st.keys[before]) or st.forms[before] & self.cues:
            return True
        word = st.norms[before]
        # a conjunction on the preposition (وفي، ففي، ومن) leaves it one
        placed = (prefix and prefix in PLACE_CLITICS) or word in PLACE_CONTEXT or (
            word[:1] in ("و", "ف") and word[1:] in PLACE_CONTEXT)
        return bool(placed) and (entry.type not in SMALL_PLACE_TYPES or len(bare) >= 5)


@Language.factory("ckg_gazetteer", default_config={"lang": "ar", "aliases": []})
def make_gazetteer(nlp: Language, name: str, lang: str,
                   aliases: list[list[object]]) -> GazetteerMatcher:
    """Factory of :class:`GazetteerMatcher`.

    Args:
        lang: language of the pattern tables.
        aliases: ``[alias, key, kind, type, parent, prominence]`` rows (tests, users'
            own lists); :meth:`GazetteerMatcher.use` adds a knowledge base's names.
    """
    rows = [(str(a[0]), str(a[1]), str(a[2]), str(a[3]),
             str(a[4]) if len(a) > 4 and a[4] else None,
             float(a[5]) if len(a) > 5 else 0.5)  # type: ignore[arg-type]
            for a in aliases]
    return GazetteerMatcher(Gazetteer(rows), load_lexicon(lang), rows)


# --------------------------------------------------------------------------- patterns


class EntityPatterns:
    """Places, regions, persons, sources and operations that no list names."""

    def __init__(self, lexicon: Lexicon, gazetteer: Gazetteer | None = None) -> None:
        """Use the place, person and organisation tables of ``lexicon`` and, for names
        that stand for a KB entity, ``gazetteer``."""
        self.lex = lexicon
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        """Add ``pattern``, ``anaphor`` and ``propagated`` mentions."""
        st = state(doc)
        taken = [False] * len(doc)
        for hit in st.mentions:
            for i in range(hit.start, hit.end):
                taken[i] = True
        added: list[MentionHit] = []
        self._admin_places(doc, st, taken, added)
        self._regions(doc, st, added)
        self._persons(doc, st, taken, added)
        self._sources(doc, st, taken, added)
        self._outlets(doc, st, taken, added)
        self._operations(doc, st, taken, added)
        self._quoted_groups(doc, st, taken, added)
        self._nationalities(doc, st, taken, added)
        self._unidentified(doc, st, taken, added)
        self._subunits(doc, st, taken, added)
        if self.lex.lang != "ar":
            self._named_speakers(doc, st, taken, added)
            self._english_places(doc, st, taken, added)
        st.mentions.extend(added)
        st.mentions.sort(key=lambda h: (h.start, -h.end))
        self._propagate(doc, st)
        self._anaphors(doc, st)
        if self.lex.lang == "ar":
            _mark_datelines(st)
        st.mentions.sort(key=lambda h: (h.start, -h.end))
        return doc

    # -- places ---------------------------------------------------------------

    def _name_end(self, st: DocState, start: int, limit: int) -> int:
        """End token of a place name starting at ``start``: one word, or up to three
        when the words before are name heads (دير الزور، تل أبيض، رأس العين)."""
        stops = self.lex.sets["place_name_stops"] | self.lex.sets["complementizers"]
        heads = self.lex.sets["name_heads"]

        clause_words = self.lex.sets["relative_clause_words"]
        # "أبو حمام شرقي دير الزور", "قرى وبلدات ريف إدلب": a direction or another admin
        # word is never part of the name
        not_names = self.lex.sets["directions"] | frozenset(self.lex.maps["admin_words"])

        def name_word(i: int) -> bool:
            norm = st.norms[i]
            if st.forms[i] & not_names:
                return False
            if self.lex.lang != "ar":  # English names are capitalised
                return st.words[i][:1].isupper() and norm not in stops
            if i + 1 < len(st.norms) and st.norms[i + 1] in clause_words:
                return False  # "سجن تشرف عليه الفصائل": a verb of a relative clause
            return (_is_arabic(norm) or norm.isalpha()) and norm not in stops

        if self.lex.lang != "ar" and start + 1 < limit and st.words[start + 1] in _JOINERS \
                and st.norms[start] in self.lex.sets["name_particles"]:
            return self._english_name_end(st, start, limit)  # "the town of al-Busayrah"
        if start >= limit or not name_word(start):
            return start
        if self.lex.lang != "ar":
            return self._english_name_end(st, start, limit)
        end = start + 1
        while end < limit and end - start < 3 and st.norms[end - 1] in heads \
                and name_word(end):
            end += 1
        return end

    def _admin_places(self, doc: Doc, st: DocState, taken: list[bool],
                      added: list[MentionHit]) -> None:
        admin = self.lex.tables["admin_words"]
        facilities = self.lex.sets["facility_words"]
        n = len(doc)
        for i in range(n - 1):
            if not admin.starts_with(st.forms[i]):
                continue
            hit = admin.first(st.keys, i, i + 1)
            if hit is None or taken[i + 1] or any(  # المدينة: a reference back, not a name
                    k.startswith("ال") and k[2:] in self.lex.maps["admin_words"]
                    for k, _ in st.keys[i]):
                continue
            label = hit[1]
            word = next((k for k, _ in st.keys[i] if k in self.lex.maps["admin_words"]), "")
            first = i + 1
            if self.lex.lang != "ar" and st.norms[first] == "of" and first + 1 < n:
                first += 1  # "the town of Azaz"
            limit = min(n, st.sentences[st.sentence_of[i]][1])
            if st.norms[first] == "#" and first + 1 < limit and not taken[first + 1]:
                first += 1  # مدينة #كفرنبل: a hashtag on the name
            if st.norms[first] in _QUOTES:
                # قرية “إبريهة”، بلدات "الهبيط" و"كفروما": names in quotes
                self._quoted_places(doc, st, first, limit, label, word in facilities, taken,
                                    added)
                continue
            if self.lex.lang == "ar" and st.norms[i].startswith("و") \
                    and st.norms[first].startswith("و"):
                continue  # "قرى وبلدة وموقعاً": a list of nouns, no name
            end = self._name_end(st, first, limit)
            if end <= first:
                continue
            if self.lex.lang == "ar" and end == first + 1 and end < limit \
                    and not taken[end] and self._second_name_word(st, end, limit):
                end += 1  # "قرية عون الدادات": a village name of two words
            self._add_place(doc, st, first, end, label, word in facilities, taken, added)
            # coordinated second name after a dual or plural admin word (مدينتي X وY,
            # "the villages of X and Y")
            if self.lex.lang != "ar" and word in self.lex.sets["plural_admin_words"]:
                while end + 1 < limit and st.norms[end] in (",", "and") \
                        and not taken[end + 1]:
                    nxt = end + 2 if st.norms[end + 1] == "and" else end + 1
                    end2 = self._name_end(st, nxt, limit)
                    if end2 <= nxt:
                        break
                    self._add_place(doc, st, nxt, end2, label, word in facilities, taken,
                                    added)
                    end = end2
            elif end < n and st.norms[end].startswith("و") and len(st.norms[end]) > 3 \
                    and not taken[end]:
                end2 = self._name_end(st, end, min(n, end + 3))
                if end2 > end:
                    self._add_place(doc, st, end, end2, label, word in facilities, taken,
                                    added, cut=1)

    def _quoted_places(self, doc: Doc, st: DocState, start: int, limit: int, label: str,
                       facility: bool, taken: list[bool], added: list[MentionHit]) -> None:
        """Names in quotes after an admin word, and the quoted names joined to them by
        و or a comma (بلدات "الهبيط" و"كفروما")."""
        stops = self.lex.sets["place_name_stops"]
        k = start
        while k < limit and st.norms[k] in _QUOTES:
            close = next((j for j in range(k + 1, min(limit, k + QUOTED_PLACE_WORDS + 2))
                          if st.norms[j] in _QUOTES), None)
            if close is None or close == k + 1 or any(
                    taken[j] or not _is_arabic(st.norms[j]) and not st.norms[j].isalpha()
                    or st.norms[j] in stops for j in range(k + 1, close)):
                return
            self._add_place(doc, st, k + 1, close, label, facility, taken, added)
            k = close + 1
            if k + 1 < limit and st.norms[k] in ("و", "،", ",") and st.norms[k + 1] in _QUOTES:
                k += 1
            else:
                return

    def _second_name_word(self, st: DocState, i: int, limit: int) -> bool:
        """Whether the definite word at ``i`` goes on the name an admin word introduced
        (قرية عون الدادات، بلدة تل الحمام): not a stop word, not a relation word, not a
        nisba adjective (السورية، الشرقي), not itself a known name."""
        if i >= limit or st.mention_at(i) is not None:
            return False
        norm = st.norms[i]
        if not norm.startswith("ال") or len(norm) < 5 or not _is_arabic(norm):
            return False
        if norm in self.lex.sets["place_name_stops"] or st.forms[i] & (
                self.lex.sets["directions"] | frozenset(self.lex.maps["relations"])):
            return False
        return not norm.endswith(tuple(self.lex.sets["nisba_endings"]))

    def _english_name_end(self, st: DocState, start: int, limit: int) -> int:
        """End of a romanised Arabic place name starting at ``start``: capitalised words
        joined by hyphens, apostrophes and the particles of Arabic names (Tel al-Laban,
        Deir ez-Zor, Sha`fah, Al-Arimah, Abu Hamam), at most :data:`EN_NAME_TOKENS`."""
        particles = self.lex.sets["name_particles"]

        def attached(k: int) -> bool:  # no space between token k-1 and token k
            return st.starts[k] == st.starts[k - 1] + len(st.words[k - 1])

        def name_word(k: int) -> bool:  # a capitalised word, or a particle before a name
            if st.norms[k] in particles:
                return k + 1 < limit and (st.words[k + 1] in _JOINERS
                                          or st.words[k + 1][:1].isupper())
            return (st.words[k][:1].isupper() and st.mention_at(k) is None
                    and st.norms[k] not in self.lex.sets["place_name_stops"]
                    and not st.forms[k] & self.lex.sets["not_name_words"])

        end = start + 1
        while end < limit and end - start < EN_NAME_TOKENS:
            if st.words[end] in _JOINERS and end + 1 < limit and attached(end) \
                    and attached(end + 1) and st.norms[end + 1] != "s":  # not Iraq's
                end += 2  # al-Milaj, Sha`fah
            elif name_word(end):
                end += 1
            else:
                break
        return end

    def _english_places(self, doc: Doc, st: DocState, taken: list[bool],
                        added: list[MentionHit]) -> None:
        """Romanised place names no list has: after "in", "near", "at" … (in Jazrat
        al-Milaj), or before a place word (Tel al-Laban village); an all-capitals dateline
        ("BAGHDAD, Dec 29 (Reuters) -") is a place of the lowest rank."""
        cues = self.lex.sets["place_prepositions"]
        admin = self.lex.maps["admin_words"]
        particles = self.lex.sets["name_particles"]
        n = len(st.norms)
        for i in range(n):
            if taken[i] or st.mention_at(i) is not None:
                continue
            word = st.words[i]
            starts_name = (word[:1].isupper() and len(word) > 1) or (
                st.norms[i] in particles and i + 1 < n and st.words[i + 1] in _JOINERS)
            if not starts_name or st.forms[i] & self.lex.sets["not_name_words"] \
                    or st.norms[i] in self.lex.sets["place_name_stops"]:
                continue
            limit = st.sentences[st.sentence_of[i]][1] if st.sentences else n
            end = self._english_name_end(st, i, limit)
            if any(taken[k] for k in range(i, end)):
                continue
            after = st.norms[end] if end < n else ""
            before = st.norms[i - 1] if i > 0 else ""
            if before == "the" and i > 1:
                before = st.norms[i - 2]
            if after in self.lex.sets["not_after_place"]:
                continue  # "near the Saudi border", "Turkish forces": an adjective
            if after in admin and end + 1 < n and st.norms[end + 1] == "of":
                continue  # "the Druze city of Sweida": the name follows "of"
            label = admin.get(after)
            if label is None and end - i > 1 and st.norms[end - 1] in admin:
                label = admin[st.norms[end - 1]]  # "Hamrin Mountains": the word is the name's
            if label is None and before not in cues:
                dateline = (i == st.sentences[st.sentence_of[i]][0] and word.isupper()
                            and len(word) > 2 and after == ",")
                if not dateline:
                    continue
                label = DATELINE
            self._add_place(doc, st, i, end, str(label or "Town"), False, taken, added)

    def _add_place(self, doc: Doc, st: DocState, start: int, end: int, label: str,
                   facility: bool, taken: list[bool], added: list[MentionHit],
                   cut: int = 0) -> None:
        mention = make_mention(doc, start, end, "facility" if facility else "place", cut=cut,
                               label=label, confidence=0.8)
        for i in range(start, end):
            taken[i] = True
        added.append(MentionHit(start, end, mention, "pattern"))

    def _regions(self, doc: Doc, st: DocState, added: list[MentionHit]) -> None:
        """A direction before a place is a region (شرق سوريا، northern Iraq); one
        before a settlement (شرقي بغداد) keeps the settlement as its ``inner`` place."""
        directions = self.lex.sets["directions"]
        places = [h for h in [*st.mentions, *added] if h.mention.kind == "place"]
        for hit in places:
            i = hit.start - 1
            if i < 0:
                continue
            keys = st.forms[i]
            if not keys & directions:
                continue
            start = i
            if i > 0 and st.forms[i - 1] & directions:
                start = i - 1
            cut = next(c for k, c in st.keys[start] if k in directions)
            region = make_mention(doc, start, hit.end, "place", cut=cut, label="Region",
                                  entity=None, confidence=0.8)
            new = MentionHit(start, hit.end, region, "pattern", inner=hit if (
                hit.mention.label in SETTLEMENT_TYPES and self._from_settlement(st, start))
                else None)
            target = st.mentions if hit in st.mentions else added
            target[target.index(hit)] = new

    def _from_settlement(self, st: DocState, start: int) -> bool:
        """Whether the direction at ``start`` locates from the settlement after it
        (شرقي بغداد) rather than naming the countryside (الريف الشمالي لمدينة الرقة) or
        an unnamed place near it (ببلدة شرقي دير الزور)."""
        if st.norms[start].startswith("ال"):
            return False
        return start == 0 or not st.forms[start - 1] & frozenset(self.lex.maps["admin_words"])

    # -- persons --------------------------------------------------------------

    def _persons(self, doc: Doc, st: DocState, taken: list[bool],
                 added: list[MentionHit]) -> None:
        titles = self.lex.tables["titles"]
        stops = self.lex.sets["person_name_stops"] | self.lex.sets["complementizers"]
        told = self.lex.triggers.first_words() | self.lex.tables["casualties"].first_words()
        n = len(doc)
        by_start = {h.start: h for h in st.mentions}
        for i in range(n):
            if not titles.starts_with(st.forms[i]):
                continue
            hit = titles.first(st.keys, i)
            if hit is None:
                continue
            title_end = hit[0]
            title = " ".join(st.norms[i:title_end])
            j = title_end
            org: MentionHit | None = None
            if j in by_start and by_start[j].mention.kind in ("actor", "outlet"):
                org = by_start[j]
                j = org.end
            if j in by_start and by_start[j].mention.kind == "person":
                person = by_start[j]
                if org is not None and title in self.lex.sets["speaks_for"]:
                    person.speaks_for = org
                continue
            if self.lex.lang != "ar":  # "President Hollande", "Minister Tobias Ellwood"
                end = self._english_name_end(st, j, n) if j < n and st.words[j][:1].isupper() \
                    and not taken[j] and st.norms[j] not in stops \
                    and not st.forms[j] & self.lex.sets["not_name_words"] else j
                if end == j or any(taken[k] for k in range(j, end)):
                    continue
            else:
                end = j
                while end < n and end - j < 4 and _is_arabic(st.norms[end]) and not taken[end] \
                        and st.norms[end] not in stops and not (st.forms[end] & told):
                    if end > j and st.norms[end].startswith(("و", "ل")):
                        break
                    end += 1
                if end - j < 2 or st.norms[j].startswith("ال"):
                    continue
            mention = make_mention(doc, j, end, "person", label="Person", confidence=0.75)
            person = MentionHit(j, end, mention, "pattern")
            if org is not None and title in self.lex.sets["speaks_for"]:
                person.speaks_for = org
            for k in range(j, end):
                taken[k] = True
            added.append(person)

    # -- sources and operations ------------------------------------------------

    def _sources(self, doc: Doc, st: DocState, taken: list[bool],
                 added: list[MentionHit]) -> None:
        preps = self.lex.tables["attribution_prepositions"]
        verbs = self.lex.tables["attribution_verbs"]
        heads = self.lex.sets["org_heads"]
        stops = self.lex.sets["complementizers"] | self.lex.sets["person_name_stops"]
        days = self.lex.sets["statement_days"]
        told = self.lex.triggers.first_words() | self.lex.tables[
            "casualties"].first_words() | self.lex.tables["support_verbs"].first_words()
        n = len(doc)
        for i in range(n - 1):
            if not (preps.starts_with(st.forms[i]) or verbs.starts_with(st.forms[i])):
                continue
            cue = preps.first(st.keys, i, i + 1) or verbs.first(st.keys, i, i + 1)
            if cue is None:
                continue
            j = cue[0]
            if j < n and st.norms[j] in ("ل", "عن"):
                j += 1
            fillers = self.lex.sets["attribution_fillers"]
            # "بحسب ما أفاد به …", "وفق ما أعلنته …": a relative clause before the speaker
            while j < n and (st.norms[j] in fillers or (
                    j > cue[0] and verbs.first(st.keys, j, j + 1) is not None)):
                j += 1
            outlet_cue = j < n and bool(st.forms[j] & self.lex.sets["outlet_cues"])
            if outlet_cue:
                j += 1  # "قال مراسل شبكة …", "نقله موقع تلفزيون سوريا"
            if j >= n or taken[j] or not (outlet_cue and _is_arabic(st.norms[j])
                                          or st.forms[j] & heads):
                continue
            definite = any(k.startswith("ال") and k[2:] in heads for k, _ in st.keys[j])
            end = j + 1
            if end + 1 < n and st.norms[end] == '"':  # شبكة "دير الزور 24"
                close = next((k for k in range(end + 1, min(n, end + 8)) if st.norms[k] == '"'),
                             None)
                end = close + 1 if close is not None else end
            quoted = end > j + 2 and st.norms[end - 1] == '"'  # the quotes close the name
            while not quoted and end < n and end - j < 7 \
                    and (_is_arabic(st.norms[end]) or taken[end]) \
                    and st.norms[end] not in stops and not (st.forms[end] & told) \
                    and not (end + 1 < n and st.norms[end + 1] in stops
                             and st.forms[end] & days):
                end += 1  # "… العسكرية اليوم الثلاثاء": the day of the statement ends it
            if end - j < (3 if definite else 2):
                continue  # "قالت الهيئة في بيان": a definite head alone refers back
            cut = next((c for k, c in st.keys[j] if k in heads), 0)
            if st.forms[j] & self.lex.sets["authority_heads"]:
                # ministries, commands, police: a party that can act (impose a curfew)
                mention = make_mention(doc, j, end, "actor", cut=cut, label=AUTHORITY,
                                       confidence=0.75)
            else:
                mention = make_mention(doc, j, end, "outlet", cut=cut, label="Organisation",
                                       confidence=0.75)
            if quoted:  # وكالة "هاوار": the outlet's own name is the quoted one
                a, b = st.char_span(j + 2, end - 1)
                mention.name = st.text[a:b]
            # "وكالة الأنباء السورية (سانا)": the name in brackets says who it is
            if end + 2 < n and st.norms[end] == "(":
                inner = next((h for h in st.mentions if h.start == end + 1
                              and h.end < n and st.norms[h.end] == ")"), None)
                if inner is not None:
                    mention.entity, mention.kind = inner.mention.entity, inner.mention.kind
            st.mentions[:] = [h for h in st.mentions if not (j <= h.start and h.end <= end)]
            for k in range(j, end):
                taken[k] = True
            added.append(MentionHit(j, end, mention, "pattern"))

    def _outlets(self, doc: Doc, st: DocState, taken: list[bool],
                 added: list[MentionHit]) -> None:
        """Outlet names of two words ending in نيوز/برس … (شفق نيوز، نورث برس)."""
        suffixes = self.lex.sets["outlet_suffixes"]
        cues = self.lex.sets["outlet_cues"] | self.lex.sets["org_heads"]
        n = len(doc)
        for i in range(1, n):
            if taken[i] or not (st.forms[i] & suffixes):
                continue
            start = i - 1
            # a place's name may open an outlet's (الحسكة نيوز، "Raqqa Post")
            first = st.mention_at(start) if taken[start] else None
            if taken[start] and (first is None or first.mention.kind != "place"
                                 or first.start != start or first.end != i):
                continue
            if not (_is_arabic(st.norms[start]) or st.norms[start].isalpha()) \
                    or st.forms[start] & cues:
                continue
            if not _is_arabic(st.norms[start]) and not st.words[start][:1].isupper():
                continue  # "an army post", "a military post": no outlet's name
            # "لشفق نيوز": leave a leading preposition out of the name
            cut = max((c for _f, c in st.keys[start] if st.norms[start][:c] in _NAME_PREFIXES),
                      default=0)
            mention = make_mention(doc, start, i + 1, "outlet", cut=cut, label="NewsOutlet",
                                   confidence=0.7)
            if first is not None:
                st.mentions[:] = [h for h in st.mentions if h is not first]
            for k in range(start, i + 1):
                taken[k] = True
            added.append(MentionHit(start, i + 1, mention, "pattern"))
        self._told_to(doc, st, taken, added)

    def _told_to(self, doc: Doc, st: DocState, taken: list[bool],
                 added: list[MentionHit]) -> None:
        """"قال ناشطون لموقع تلفزيون سوريا": the outlet a source spoke to, named after
        "to the site/channel/paper of" (up to three words; a place name may be part)."""
        cues = self.lex.sets["told_to_cues"]
        stops = self.lex.sets["person_name_stops"] | self.lex.sets["complementizers"]
        told = self.lex.triggers.first_words() | self.lex.tables["casualties"].first_words()
        n = len(doc)
        for i in range(n - 1):
            if st.norms[i] not in cues:
                continue
            first = st.mention_at(i + 1) if taken[i + 1] else None
            if taken[i + 1] and (first is None or first.mention.kind != "place"):
                continue  # a place name may open an outlet's name (لصحيفة الرقة اليوم)
            end = i + 1
            while end < n and end - i <= 3 and _is_arabic(st.norms[end]) \
                    and st.norms[end] not in stops and not (st.forms[end] & told) \
                    and not (end > i + 1 and st.norms[end].startswith(("و", "ل", "ب"))
                             and not taken[end]):
                end += 1
            if end == i + 1:
                continue
            mention = make_mention(doc, i + 1, end, "outlet", label="NewsOutlet",
                                   confidence=0.7)
            st.mentions[:] = [h for h in st.mentions if not (i + 1 <= h.start and h.end <= end)]
            for k in range(i + 1, end):
                taken[k] = True
            added.append(MentionHit(i + 1, end, mention, "pattern"))

    def _after_attribution(self, st: DocState, start: int) -> bool:
        k = start - 1
        if k >= 0 and st.norms[k] in ("ل", "عن"):
            k -= 1
        if k < 0:
            return False
        return bool(self.lex.tables["attribution_prepositions"].first(st.keys, k, k + 1)
                    or self.lex.tables["attribution_verbs"].first(st.keys, k, k + 1))

    def _nationalities(self, doc: Doc, st: DocState, taken: list[bool],
                       added: list[MentionHit]) -> None:
        """A nationality adjective after an aircraft or forces word names that state's
        forces (طائرة مسيرة تركية → القوات التركية)."""
        table = self.lex.maps["nationalities"]
        carriers = self.lex.sets["carriers"] | self.lex.sets["carrier_events"]
        links = self.lex.sets["carrier_links"]
        after = -1 if self.lex.lang == "ar" else 1  # طائرة تركية / Turkish drone
        for i in range(len(doc)):
            if taken[i] or st.norms[i] not in table:
                continue
            j = i + after
            if 0 <= j < len(doc) and st.forms[j] & links:
                j += after  # غارة جوية روسية / Russian air strikes
            while 0 <= j < len(doc) and abs(j - i) <= 3 and st.forms[j] & self.lex.sets[
                    "carrier_modifiers"]:
                j += after  # "Turkish security forces": the force word after its modifier
            if not 0 <= j < len(doc) or not (st.forms[j] & carriers):
                continue
            entry = self.gazetteer.lookup(str(table[st.norms[i]])) if self.gazetteer else None
            mention = make_mention(doc, i, i + 1, "actor", label=entry.type if entry else None,
                                   entity=entry.key if entry else None, confidence=0.7)
            mention.name = str(table[st.norms[i]]) if entry is None else self._carried_name(
                st, i, after) or mention.name
            taken[i] = True
            added.append(MentionHit(i, i + 1, mention, "pattern"))

    def _carried_name(self, st: DocState, i: int, step: int) -> str | None:
        """The force words with their nationality adjective at ``i``, as written
        (طائرات حربية روسية، العدو الإسرائيلي, Turkish drone): the name the actor has in
        the text; ``None`` when only an event word carries the adjective."""
        carriers = self.lex.sets["carriers"] | self.lex.sets["carrier_modifiers"]
        k = i + step
        if 0 <= k + step < len(st.norms) and st.forms[k] & self.lex.sets["carrier_links"] \
                and st.forms[k + step] & carriers:
            k += step  # the Turkish air force: the air word is kept in the name
        first = last = None
        while 0 <= k < len(st.norms) and abs(k - i) <= 3 and st.forms[k] & carriers:
            first = k if first is None or k < first else first
            last = k if last is None or k > last else last
            k += step
        if first is None or last is None:
            return None
        a, b = st.char_span(min(first, i), max(last, i) + 1)
        return st.text[a:b]

    def _named_speakers(self, doc: Doc, st: DocState, taken: list[bool],
                        added: list[MentionHit]) -> None:
        """English: a capitalised name of two words or more right before "said"
        (the Security Media Cell said)."""
        verbs = self.lex.tables["attribution_verbs"]
        for i in range(2, len(doc)):
            if taken[i - 1] or not verbs.starts_with(st.forms[i]) or verbs.first(
                    st.keys, i, i + 1) is None:
                continue
            start = i
            while start > 0 and i - start < 6 and not taken[start - 1] \
                    and st.words[start - 1][:1].isupper() and st.words[start - 1].isalpha():
                start -= 1
            if i - start < 2:
                continue
            mention = make_mention(doc, start, i, "outlet", label="Organisation",
                                   confidence=0.6)
            for k in range(start, i):
                taken[k] = True
            added.append(MentionHit(start, i, mention, "pattern"))

    def _subunits(self, doc: Doc, st: DocState, taken: list[bool],
                  added: list[MentionHit]) -> None:
        """Named sub-units of a known force: a unit word, its name, then the owner
        (وحدات مكافحة الإرهاب التابعة لقوات قسد، الفوج الأول للمجلس العسكري لدير الزور).
        Events name the owner; the sub-unit is kept as a mention of its own."""
        heads = self.lex.sets["unit_heads"]
        owners = self.lex.sets["owner_links"]
        for hit in [h for h in st.mentions if h.mention.kind == "actor"]:
            end = hit.start
            if end > 0 and st.forms[end - 1] & owners:
                end -= 1
            elif not st.norms[hit.start].startswith(("ل", "of")):
                continue
            for k in range(end - 1, max(-1, end - 5), -1):
                if taken[k] or st.norms[k] in _PUNCT:
                    break
                if st.forms[k] & heads:
                    if end - k < 2:
                        break
                    cut = min(c for f, c in st.keys[k] if f in heads)
                    mention = make_mention(doc, k, end, "actor", cut=cut, label=SUBUNIT,
                                           confidence=0.7)
                    for j in range(k, end):
                        taken[j] = True
                    added.append(MentionHit(k, end, mention, "pattern"))
                    break

    def _unidentified(self, doc: Doc, st: DocState, taken: list[bool],
                      added: list[MentionHit]) -> None:
        """Armed actors named by a description only (مسلحون مجهولون، unknown gunmen)."""
        table = self.lex.tables["unidentified"]
        i = 0
        while i < len(doc):
            if taken[i] or not table.starts_with(st.forms[i]):
                i += 1
                continue
            found = table.first(st.keys, i)
            if found is None or any(taken[i:found[0]]):
                i += 1
                continue
            end = found[0]
            if end == i + 1 and end < len(doc) and st.norms[end] in ("من", "of"):
                i = end  # "مسلحون من تنظيم داعش": gunmen of a named group, who is the party
                continue
            cut = min(c for _, c in st.keys[i])
            mention = make_mention(doc, i, found[0], "actor", cut=cut,
                                   label="UnidentifiedArmedGroup", confidence=0.7)
            for k in range(i, found[0]):
                taken[k] = True
            added.append(MentionHit(i, found[0], mention, "pattern"))
            i = found[0]

    def _operations(self, doc: Doc, st: DocState, taken: list[bool],
                    added: list[MentionHit]) -> None:
        heads = self.lex.sets["operation_heads"]
        n = len(doc)
        for i in range(n - 2):
            if taken[i] or not (st.forms[i] & heads):
                continue
            if st.norms[i + 1] != '"':
                continue
            end = i + 2
            while end < n and end - i < 8 and st.norms[end] != '"' and st.norms[end] != "\n":
                end += 1
            if end >= n or st.norms[end] != '"' or end == i + 2 or any(taken[i:end + 1]):
                continue
            mention = make_mention(doc, i, end + 1, "operation", label="MilitaryOperation",
                                   confidence=0.8)
            inner_start, inner_end = st.char_span(i + 2, end)
            mention.name = f"{st.words[i]} {st.text[inner_start:inner_end]}"  # no quotes
            for k in range(i, end + 1):
                taken[k] = True
            added.append(MentionHit(i, end + 1, mention, "pattern"))

    def _quoted_groups(self, doc: Doc, st: DocState, taken: list[bool],
                       added: list[MentionHit]) -> None:
        """A quoted name after an armed-group word (فصائل غرفة عمليات "…", فصيل "…") or
        an attribution verb (أعلنت "…"), or one that starts with an armed-group word
        ("اللواء الثامن"، "حزب …"), names an actor no list has; its name is the text
        inside the quotes."""
        before = self.lex.sets["group_words"]
        inside = self.lex.sets["group_name_heads"]
        n = len(doc)
        for i in range(n - 2):
            if st.norms[i] != '"' or taken[i + 1]:
                continue
            close = next((k for k in range(i + 2, min(n, i + 7)) if st.norms[k] in (
                '"', "\n")), None)
            if close is None or st.norms[close] != '"' or any(taken[i + 1:close]):
                continue
            said = i > 0 and self.lex.tables["attribution_verbs"].first(st.keys, i - 1, i) \
                is not None  # أعلنت "…": a party speaking for itself
            if not (i > 0 and st.forms[i - 1] & before or st.forms[i + 1] & inside or said):
                continue
            mention = make_mention(doc, i + 1, close, "actor", confidence=0.7)
            for k in range(i + 1, close):
                taken[k] = True
            added.append(MentionHit(i + 1, close, mention, "pattern"))

    # -- whole report -----------------------------------------------------------

    def _propagate(self, doc: Doc, st: DocState) -> None:
        """Match names found by patterns everywhere else in the report."""
        names: dict[str, MentionHit] = {}
        for hit in st.mentions:
            if hit.source == "pattern" and hit.mention.kind in ("place", "outlet") \
                    and hit.mention.label != "Region":
                names.setdefault(normalize_text(hit.mention.name or ""), hit)
        if not names:
            return
        taken = [False] * len(doc)
        for hit in st.mentions:
            for i in range(hit.start, hit.end):
                taken[i] = True
        firsts: dict[str, list[tuple[tuple[str, ...], MentionHit]]] = {}
        for name, hit in names.items():
            words = name.split()
            if words:
                firsts.setdefault(words[0], []).append((tuple(words[1:]), hit))
        for i in range(len(doc)):
            if taken[i]:
                continue
            for form, cut in st.keys[i]:
                for rest, source in firsts.get(form, ()):
                    end = i + 1 + len(rest)
                    if tuple(st.norms[i + 1:end]) != rest or any(taken[i:end]):
                        continue
                    if form != st.norms[i][cut:]:
                        continue
                    mention = make_mention(doc, i, end, source.mention.kind, cut=cut,
                                           label=source.mention.label,
                                           entity=source.mention.entity, confidence=0.75)
                    st.mentions.append(MentionHit(i, end, mention, "propagated"))
                    for k in range(i, end):
                        taken[k] = True
                    break

    def _anaphors(self, doc: Doc, st: DocState) -> None:
        """Short definite references (المركز، المدينة) to the last fitting name; a place
        word refers back to the last place of a kind it can name (القرية to a village or
        town, not to the city or country named after it; see :data:`ANAPHOR_ANTECEDENTS`)."""
        place_anaphors = self.lex.maps["place_anaphors"]
        covered = {i for h in st.mentions for i in range(h.start, h.end)}
        ordered = sorted(st.mentions, key=lambda h: h.start)
        last_by_head: dict[str, MentionHit] = {}
        last_place: dict[str, MentionHit] = {}
        new: list[MentionHit] = []
        pos = 0
        for i in range(len(doc)):
            while pos < len(ordered) and ordered[pos].start < i:
                hit = ordered[pos]
                if hit.mention.kind in ("actor", "outlet"):
                    last_by_head[_first_stem(hit.mention.name)] = hit
                elif hit.mention.kind == "place" and hit.mention.label != "Region":
                    last_place[hit.mention.label or ""] = hit
                pos += 1
            if i in covered:
                self._refer_back(st, i, last_by_head)
                continue
            for form, cut in st.keys[i]:
                if not form.startswith("ال"):
                    continue
                antecedent: MentionHit | None = None
                if form in ORG_ANAPHORS:
                    antecedent = last_by_head.get(form[2:])
                elif form in place_anaphors:
                    fits = [last_place[label] for label in ANAPHOR_ANTECEDENTS.get(
                        str(place_anaphors[form]), ()) if label in last_place]
                    antecedent = max(fits, key=lambda h: h.start) if fits else None
                if antecedent is None:
                    continue
                mention = make_mention(doc, i, i + 1, antecedent.mention.kind, cut=cut,
                                       label=antecedent.mention.label,
                                       entity=antecedent.mention.entity, confidence=0.7)
                mention.name = antecedent.mention.name
                hit = MentionHit(i, i + 1, mention, "anaphor")
                if form in place_anaphors:
                    hit = self._located_from(doc, st, hit)
                new.append(hit)
                break
        st.mentions.extend(new)

    def _located_from(self, doc: Doc, st: DocState, hit: MentionHit) -> MentionHit:
        """A direction before a place word (بجنوب غربي المدينة) locates from the place it
        refers to, as before its name (:meth:`_regions`): a region with it as ``inner``."""
        directions = self.lex.sets["directions"]
        start = hit.start
        while start > 0 and start > hit.start - 2 and st.forms[start - 1] & directions:
            start -= 1
        if start == hit.start or hit.mention.label not in SETTLEMENT_TYPES \
                or not self._from_settlement(st, start):
            return hit
        cut = next(c for k, c in st.keys[start] if k in directions)
        region = make_mention(doc, start, hit.end, "place", cut=cut, label="Region",
                              entity=None, confidence=0.7)
        return MentionHit(start, hit.end, region, "anaphor", inner=hit)


    @staticmethod
    def _refer_back(st: DocState, i: int, last_by_head: dict[str, MentionHit]) -> None:
        """A one-word KB name that is also a short reference (الهيئة is HTS's nickname)
        after a name with that head (هيئة الحشد الشعبي … وقالت الهيئة) refers back to it."""
        form = next((f for f, _ in st.keys[i] if f in ORG_ANAPHORS), None)
        antecedent = last_by_head.get(form[2:]) if form else None
        if antecedent is None or antecedent.end > i:
            return
        hit = st.mention_at(i)
        if hit is None or hit.start != i or hit.end != i + 1 or hit.source != "kb" \
                or antecedent.mention.entity == hit.mention.entity:
            return
        hit.mention.entity = antecedent.mention.entity
        hit.mention.label = antecedent.mention.label
        hit.mention.kind = antecedent.mention.kind
        hit.mention.name = antecedent.mention.name
        hit.source = "anaphor"


def _line_bounds(st: DocState, start: int, end: int) -> tuple[int, int]:
    """The first and the after-last token of the line holding tokens ``[start, end)``."""
    lo = start
    while lo > 0 and st.norms[lo - 1] != "\n":
        lo -= 1
    hi = end
    while hi < len(st.norms) and st.norms[hi] != "\n":
        hi += 1
    return lo, hi


def _dateline_at(st: DocState, hit: MentionHit) -> bool:
    """Whether a place names where a story was filed: it opens a line and a dash follows
    it, after the outlet in brackets if any ("حلب (قاسيون) - دارت …", "دير الزور – نورث
    برس"), or it ends a short line after a dash ("جسر – الحسكة", "هاني خليفة – حماة")."""
    lo, hi = _line_bounds(st, hit.start, hit.end)
    words = [k for k in range(lo, hi) if st.norms[k].strip()]
    if not words:
        return False
    if words[0] == hit.start:
        k = hit.end
        if k < hi and st.norms[k] == "(":
            close = next((j for j in range(k + 1, min(hi, k + DATELINE_BRACKET + 2))
                          if st.norms[j] == ")"), None)
            if close is None:
                return False
            k = close + 1
        return k < hi and st.norms[k] in _DASHES
    if words[-1] == hit.end - 1 and len(words) <= DATELINE_WORDS:
        before = [k for k in words if k < hit.start]
        return bool(before) and st.norms[before[-1]] in _DASHES
    return False


def _mark_datelines(st: DocState) -> None:
    """Label the places of datelines :data:`DATELINE`: where the story was filed, a
    container of the event's place, not the place itself."""
    for hit in st.mentions:
        if hit.mention.kind == "place" and _dateline_at(st, hit):
            hit.mention.label = DATELINE


@lru_cache(maxsize=16384)
def _first_stem(name: str | None) -> str:
    """The first word of a name without the article (مركز for مركز معلومات …)."""
    words = normalize_text(name or "").split()
    if not words:
        return ""
    word = words[0]
    return word[2:] if word.startswith("ال") else word


@Language.factory("ckg_entity_patterns", default_config={"lang": "ar"})
def make_entity_patterns(nlp: Language, name: str, lang: str) -> EntityPatterns:
    """Factory of :class:`EntityPatterns` (nationality words resolve in a knowledge
    base's gazetteer once :func:`extractors.make_nlp` hands one in)."""
    return EntityPatterns(load_lexicon(lang))


# --------------------------------------------------------------------------- statistical NER


class StatisticalNames:
    """Names from the ANERcorp model where no list or pattern found one."""

    def __init__(self, model_dir: str | None, lexicon: Lexicon) -> None:
        """Load the model from ``model_dir`` (default: the shipped one), if present;
        names made of the pattern tables' common words (بادية، ناشطون) are dropped."""
        self.model = None
        self.common = frozenset().union(*(
            lexicon.sets[name] for name in (
                "anonymous", "people_plural", "people_singular", "org_heads", "subunit_heads",
                "directions", "facility_words", "place_name_stops", "person_name_stops",
                "outlet_cues"))) | frozenset(lexicon.maps["admin_words"]) | frozenset(
            lexicon.maps["place_anaphors"])
        try:
            from extractors import ner_model

            path = Path(model_dir) if model_dir else ner_model.DEFAULT_MODEL_DIR
            if (path / "config.cfg").is_file():
                self.model = ner_model.load_ner(path)
        except (ImportError, OSError, AttributeError, ValueError) as err:
            log.info("statistical NER not available: %s", err)
        if self.model is None:
            log.info("statistical NER model missing; the component does nothing")

    def __call__(self, doc: Doc) -> Doc:
        """Add ``ner`` mentions that overlap nothing already found, in sentences that
        tell an event but name no place or no party (the model is slow; the lists and
        patterns carry the domain)."""
        if self.model is None:
            return doc
        st = state(doc)
        covered = {i for h in st.mentions for i in range(h.start, h.end)}
        by_char = {start: i for i, start in enumerate(st.starts)}
        ends = {start + len(st.words[i]): i + 1 for i, start in enumerate(st.starts)}
        for index, (s_start, s_end) in enumerate(st.sentences):
            if self._needed(st, index):
                offset, stop = st.char_span(s_start, s_end)
                self._tag(doc, st, st.text[offset:stop], offset, covered, by_char, ends)
        st.mentions.sort(key=lambda h: (h.start, -h.end))
        st._by_sentence.pop("mentions", None)
        return doc

    @staticmethod
    def _needed(st: DocState, index: int) -> bool:
        """Only sentences that tell an event but lack a place or a party are tagged."""
        if not st.in_sentence("triggers", index):
            return False
        kinds = {h.mention.kind for h in st.in_sentence("mentions", index)}
        return "place" not in kinds or not kinds & {"actor", "person"}

    def _tag(self, doc: Doc, st: DocState, text: str, offset: int, covered: set[int],
             by_char: dict[int, int], ends: dict[int, int]) -> None:
        from extractors import ner_model

        if self.model is None:
            return
        for found in ner_model.find_entities(self.model, text):
            ent = found
            kind = ner_model.LABEL_KINDS.get(ent.label)
            start, end = by_char.get(ent.start + offset), ends.get(ent.end + offset)
            if kind is None or start is None or end is None:
                continue
            if any(i in covered for i in range(start, end)):
                continue
            if any(st.forms[i] & self.common for i in range(start, end)):
                continue
            mention = make_mention(doc, start, end, kind, label=ent.label,
                                   confidence=ner_model.STATISTICAL_CONFIDENCE)
            st.mentions.append(MentionHit(start, end, mention, "ner"))
            covered.update(range(start, end))


@Language.factory("ckg_statistical_ner", default_config={"lang": "ar", "model_dir": None})
def make_statistical_names(nlp: Language, name: str, lang: str,
                           model_dir: str | None) -> StatisticalNames:
    """Factory of :class:`StatisticalNames` (does nothing without a model)."""
    return StatisticalNames(model_dir, load_lexicon(lang))
