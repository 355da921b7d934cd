"""Pattern tables (``extractors/patterns/<lang>.toml``) compiled into word and phrase indexes.

A :class:`Lexicon` holds the tables of one language. :class:`PhraseTable` matches
words and multi-word phrases against tokens, with Arabic proclitics, the article
and (for listed verbs and nouns) inflection handled here rather than in the tables.

>>> lex = load_lexicon("ar")
>>> table = PhraseTable.from_words({"حظر تجول": "Curfew"}, "ar")
>>> keys = [token_keys(normalize_text(w), "ar") for w in "فرضت حظر التجول".split()]
>>> table.match(keys, 1)
[(3, 'Curfew')]
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Generic, TypeVar

from kg.core.text import clitic_variants, normalize_text

T = TypeVar("T")

#: Arabic object pronouns attached to verbs and possessives attached to nouns.
_AR_SUFFIXES = ("ه", "ها", "هم", "هما", "هن")
_ARTICLE = "ال"


def token_keys(norm: str, lang: str) -> tuple[tuple[str, int], ...]:
    """Lookup keys of one normalised token: ``(form, characters cut from its start)``.

    Arabic tokens yield their proclitic variants (:func:`clitic_variants`) and each of
    those without the article; other languages yield the token itself.

    >>> [k for k, _ in token_keys("وبالبصيره", "ar")]
    ['وبالبصيره', 'بالبصيره', 'البصيره', 'بصيره']
    """
    return _token_keys(norm, lang)


@lru_cache(maxsize=65536)
def _token_keys(norm: str, lang: str) -> tuple[tuple[str, int], ...]:
    if lang != "ar" or not norm or not ("\u0621" <= norm[0] <= "\u064a"):
        return ((norm, 0),)
    keys: dict[str, int] = {}
    for form, cut in clitic_variants(norm):
        keys.setdefault(form, cut)
        if form.startswith(_ARTICLE) and len(form) >= 4:
            keys.setdefault(form[2:], cut + 2)
    # the accusative ending of indefinite nouns (هجوما، انزالا، قياديا) is not part of the word
    if len(norm) >= 5 and norm.endswith("ا") and not norm.endswith(("ءا", "اا")):
        for form, cut in list(keys.items()):
            if form.endswith("ا") and len(form) >= 4:
                keys.setdefault(form[:-1], cut)
    return tuple(keys.items())


@lru_cache(maxsize=65536)
def token_forms(norm: str, lang: str) -> frozenset[str]:
    """The forms of :func:`token_keys` as a set."""
    return frozenset(form for form, _cut in _token_keys(norm, lang))


@lru_cache(maxsize=65536)
def cached_normalize_text(text: str) -> str:
    """:func:`normalize_text` with a cache, for token texts (they repeat a lot)."""
    return normalize_text(text)


def has_article(keys: Sequence[tuple[str, int]]) -> bool:
    """Whether a token's word carries the article (one of its keys starts with ال
    and a shorter key is that key without it)."""
    forms = {form for form, _cut in keys}
    return any(form.startswith(_ARTICLE) and form[2:] in forms for form in forms)


def arabic_verb_forms(past: str, present: str) -> set[str]:
    """Surface forms of an Arabic verb in the persons news text uses, normalised.

    >>> sorted(arabic_verb_forms("شن", "يشن"))[:6]
    ['تشن', 'تشنان', 'تشنه', 'تشنها', 'تشنهم', 'تشنهما']
    >>> "استهدفته" in arabic_verb_forms("استهدف", "يستهدف")
    True
    """
    past, present = normalize_text(past), normalize_text(present)
    forms = {past, past + "ت", past + "وا", past + "ا", past + "تا", past + "ن"}
    with_objects = [past, past + "ت", past + "و"]
    if past.endswith("ي"):  # تصدى → تصدت، تصدوا (the final alif maqsura drops)
        forms |= {past[:-1] + "ت", past[:-1] + "وا", past[:-1] + "تا"}
        with_objects += [past[:-1] + "ت"]
    if present:
        stem = present[1:]
        forms |= {"ي" + stem, "ت" + stem, "ي" + stem + "ون", "ت" + stem + "ان",
                  "ي" + stem + "ان", "ن" + stem, "ت" + stem + "ون"}
        with_objects += ["ي" + stem, "ت" + stem]
    for base in with_objects:
        forms |= {base + s for s in _AR_SUFFIXES}
    return forms


def arabic_noun_forms(noun: str) -> set[str]:
    """A normalised Arabic noun with attached possessives (مداهمتها، هجماته).

    >>> sorted(arabic_noun_forms("مداهمة"))
    ['مداهمته', 'مداهمتها', 'مداهمتهم', 'مداهمتهما', 'مداهمتهن', 'مداهمه']
    """
    noun = normalize_text(noun)
    stem = noun[:-1] + "ت" if noun.endswith("ه") else noun
    return {noun} | {stem + s for s in _AR_SUFFIXES}


def english_verb_forms(base: str) -> set[str]:
    """Regular English inflections of a verb (``attack`` → attacks, attacked, attacking).

    >>> sorted(english_verb_forms("raid"))
    ['raid', 'raided', 'raiding', 'raids']
    """
    base = base.lower()
    stem = base[:-1] if base.endswith("e") else base
    plural = base + "es" if base.endswith(("s", "sh", "ch", "x")) else base + "s"
    return {base, plural, stem + "ed", stem + "ing"}


@dataclass(slots=True)
class _Node(Generic[T]):
    payloads: list[T] = field(default_factory=list)
    children: dict[str, _Node[T]] = field(default_factory=dict)


class PhraseTable(Generic[T]):
    """Words and phrases with payloads, matched over token keys (longest first).

    The first word of a phrase may carry proclitics and the article; later words may
    carry the article or a proclitic too (``حظر التجول``, ``بعبوة ناسفة``).
    """

    def __init__(self) -> None:
        """An empty table."""
        self._root: _Node[T] = _Node()
        self._firsts: frozenset[str] | None = None
        #: a table of verbs: a first word that had the article (التابعة) is no verb
        self.verbal = False

    @classmethod
    def from_words(cls, entries: Mapping[str, T] | Iterable[tuple[str, T]],
                   lang: str) -> PhraseTable[T]:
        """A table from ``phrase → payload`` (phrases are normalised here)."""
        table: PhraseTable[T] = cls()
        items = entries.items() if isinstance(entries, Mapping) else entries
        for phrase, payload in items:
            table.add(phrase, payload, lang)
        return table

    def add(self, phrase: str, payload: T, lang: str) -> None:
        """Add one phrase (normalised here) with its payload."""
        words = normalize_text(phrase).split()
        if not words:
            return
        self._firsts = None
        node = self._root
        for word in words:
            node = node.children.setdefault(word, _Node())
        node.payloads.append(payload)

    def add_forms(self, forms: Iterable[str], payload: T) -> None:
        """Add already normalised one-word forms."""
        self._firsts = None
        for form in forms:
            if form:
                self._root.children.setdefault(form, _Node()).payloads.append(payload)

    def match(self, keys: Sequence[Sequence[tuple[str, int]]], start: int,
              stop: int | None = None) -> list[tuple[int, T]]:
        """Phrases starting at token ``start``: ``(end token, payload)``, longest first.

        Args:
            keys: the lookup keys of every token (:func:`token_keys`).
            start: the token to start at.
            stop: do not match beyond this token (default: the end).
        """
        stop = len(keys) if stop is None else stop
        if start >= stop:
            return []
        children = self._root.children
        for form, _cut in keys[start]:
            if form in children:
                break
        else:
            return []
        if self.verbal and has_article(keys[start]):
            return []
        found: list[tuple[int, T]] = []
        frontier: list[tuple[_Node[T], int]] = [(self._root, start)]
        while frontier:
            node, pos = frontier.pop()
            if pos >= stop:
                continue
            seen: set[int] = set()
            for form, _cut in keys[pos]:
                child = node.children.get(form)
                if child is None or id(child) in seen:
                    continue
                seen.add(id(child))
                for payload in child.payloads:
                    found.append((pos + 1, payload))
                if child.children:
                    frontier.append((child, pos + 1))
        found.sort(key=lambda hit: -hit[0])
        return found

    def first_words(self) -> frozenset[str]:
        """The words phrases of this table can start with."""
        if self._firsts is None:
            self._firsts = frozenset(self._root.children)
        return self._firsts

    def starts_with(self, forms: frozenset[str]) -> bool:
        """Whether a phrase may start at a token with these lookup forms (a fast test
        before :meth:`first`)."""
        return not self.first_words().isdisjoint(forms)

    def first(self, keys: Sequence[Sequence[tuple[str, int]]], start: int,
              stop: int | None = None) -> tuple[int, T] | None:
        """The longest phrase starting at ``start``, or ``None``."""
        if start >= (len(keys) if stop is None else min(stop, len(keys))):
            return None
        children = self._root.children
        for form, _cut in keys[start]:
            if form in children:
                break
        else:
            return None
        hits = self.match(keys, start, stop)
        return hits[0] if hits else None


def words_table(words: Iterable[str], lang: str, payload: Any = True) -> PhraseTable[Any]:
    """A table of plain words and phrases that all carry ``payload``."""
    return PhraseTable.from_words([(w, payload) for w in words], lang)


def verbs_table(pairs: Iterable[Sequence[str]], lang: str, payload: Any = True,
                nouns: Iterable[str] = ()) -> PhraseTable[Any]:
    """A table of inflected verbs (``[past, present]`` or an English base) and nouns."""
    table: PhraseTable[Any] = PhraseTable()
    table.verbal = not list(nouns)
    for pair in pairs:
        if lang == "ar":
            table.add_forms(arabic_verb_forms(pair[0], pair[1] if len(pair) > 1 else ""),
                            payload)
        else:
            table.add_forms(english_verb_forms(pair[0]), payload)
    for noun in nouns:
        if " " in noun.strip():
            table.add(noun, payload, lang)
        elif lang == "ar":
            table.add_forms(arabic_noun_forms(noun), payload)
        else:
            table.add_forms({normalize_text(noun)}, payload)
    return table


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    """What a trigger word means: its event type (``None`` for a generic operation)."""

    type: str | None
    kind: str  # verb | noun | phrase
    confidence: float


@dataclass(slots=True)
class Lexicon:
    """The compiled pattern tables of one language."""

    lang: str
    raw: dict[str, Any]
    triggers: PhraseTable[TriggerEntry]
    blocked_after: dict[str, frozenset[str]]
    blocked_window: dict[str, int]
    blocked_before: dict[str, frozenset[str]]
    requires_near: dict[str, dict[str, frozenset[str]]]
    #: one-word triggers that count only with one of the words within
    #: ``REQUIRE_WINDOW`` tokens either side (``requires_around`` of a trigger table)
    requires_around: dict[str, dict[str, frozenset[str]]]
    refiners: list[tuple[str, frozenset[str], PhraseTable[bool]]]
    absorbs: dict[str, frozenset[str]]
    #: types that a type takes in when told at the same place in the next sentences
    #: (parts of one incident); see :meth:`extractors.events.coreference.Coreference`
    incidents: dict[str, frozenset[str]]
    #: types that a type takes in when told anywhere in the report at the same place
    #: and time (restatements of one incident); see :mod:`extractors.events.coreference`
    restates: dict[str, frozenset[str]]
    generic_defaults: dict[str, str]
    tables: dict[str, PhraseTable[Any]]
    sets: dict[str, frozenset[str]]
    maps: dict[str, dict[str, Any]]

    def words(self, name: str) -> frozenset[str]:
        """A normalised word set by name (``KeyError`` when the tables have none)."""
        return self.sets[name]


def _norm_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_text(w) for w in words if w)


def _section(raw: Mapping[str, Any], dotted: str) -> Any:
    value: Any = raw
    for part in dotted.split("."):
        value = value.get(part, {}) if isinstance(value, Mapping) else {}
    return value


#: Word sets compiled from the tables: name → dotted path in the TOML file.
_SETS: dict[str, str] = {
    "distinct": "cues.distinct",
    "demonstratives": "cues.demonstratives",
    "negations": "cues.negations",
    "irrealis": "cues.irrealis",
    "aim_verbs": "cues.aim_verbs",
    "denials": "cues.denials",
    "off_topic": "cues.off_topic",
    "no_role": "roles.no_role",
    "hedges": "roles.hedges",
    "passive_auxiliaries": "roles.passive_auxiliaries",
    "undergo_participles": "roles.undergo_participles",
    "subject_stops": "roles.subject_stops",
    "subject_asides": "roles.subject_asides",
    "group_heads": "roles.group_heads",
    "member_links": "roles.member_links",
    "outlet_suffixes": "organisations.outlet_suffixes",
    "outlet_cues": "organisations.outlet_cues",
    "outlet_day_words": "organisations.outlet_day_words",
    "carriers": "organisations.carriers.words",
    "carrier_events": "organisations.carriers.event_words",
    "carrier_modifiers": "organisations.carriers.modifiers",
    "carrier_links": "organisations.carriers.links",
    "people_others": "people.others",
    "people_one_more": "people.one_more",
    "link_fillers": "people.link_fillers",
    "relatives": "people.relatives",
    "spread_words": "people.spread_words",
    "subset_words": "people.subset_words",
    "one_of": "people.one_of",
    "plural_status": "people.plural_status",
    "civilians": "people.civilians",
    "force_words": "organisations.force_words",
    "told_to_cues": "organisations.told_to_cues",
    "result_words": "cues.result_words",
    "shooting": "cues.shooting",
    "cause_words": "cues.cause_words",
    "casualty_negations": "cues.casualty_negations",
    "cause_prefixes": "cues.cause_prefixes",
    "untargeted": "cues.untargeted",
    "unspecified_plurals": "cues.unspecified_plurals",
    "pursuit": "cues.pursuit",
    "group_words": "organisations.group_words",
    "authority_heads": "organisations.authority_heads",
    "group_name_heads": "organisations.group_name_heads",
    "attribution_fillers": "attribution.fillers",
    "as_clause": "attribution.as_clause",
    "description_stops": "attribution.description_stops",
    "belonging": "attribution.belonging",
    "combatants": "people.combatants",
    "soldiers": "people.soldiers",
    "hostile": "people.hostile",
    "counted": "people.counted",
    "supporter": "roles.supporter",
    "target": "roles.target",
    "participant": "roles.participant",
    "subunit_links": "roles.subunit_links",
    "owner_links": "roles.owner_links",
    "unit_heads": "roles.unit_heads",
    "both_sides": "roles.both_sides",
    "prison_words": "roles.prison_words",
    "prison_links": "roles.prison_links",
    "subunit_heads": "roles.subunit_heads",
    "anaphoric_groups": "roles.anaphoric_groups",
    "complementizers": "attribution.complementizers",
    "self_reference": "attribution.self_reference",
    "anonymous": "attribution.anonymous",
    "participles": "attribution.participles",
    "claim_verbs": "attribution.claim_verbs",
    "plural_admin_words": "places.plural_admin_words",
    "source_links": "attribution.source_links",
    "determiners": "cues.determiners",
    "participle_endings": "cues.participle_endings",
    "was": "background.was",
    "perfect": "background.perfect",
    "unless_followed_by": "background.unless_followed_by",
    "ago": "background.ago",
    "ago_units": "background.ago_units",
    "facility_words": "places.facility_words",
    "name_heads": "places.name_heads",
    "place_name_stops": "places.name_stops",
    "countryside_words": "places.countryside_words",
    "direction_adjectives": "places.direction_adjectives",
    "relative_clause_words": "places.relative_clause_words",
    "nisba_endings": "places.nisba_endings",
    "directions": "places.directions",
    "quarter_links": "places.quarter_links",
    "not_quarter_words": "places.not_quarter_words",
    "speaks_for": "persons.speaks_for",
    "person_name_stops": "persons.name_stops",
    "statement_days": "persons.statement_days",
    "org_heads": "organisations.heads",
    "outlet_heads": "organisations.outlet_heads",
    "operation_heads": "organisations.operation_heads",
    "people_plural": "people.plural",
    "people_singular": "people.singular",
    "people_dual": "people.dual",
    "teen": "numbers.teen",
    "number_joiners": "numbers.joiners",
    "article_numbers": "numbers.articles",
    "units": "numbers.units",
    "counted_things": "numbers.things",
    "vague": "numbers.vague",
    "weekday_cues": "dates.weekday_cues",
    "day_parts": "dates.day_parts",
    "month_cues": "dates.month_cues",
    "year_cues": "dates.year_cues",
    "date_ago": "dates.ago",
    "counted_acts": "tallies.counted_acts",
    "generic_quantifiers": "cues.generic_quantifiers",
    "not_place_names": "places.not_place_names",
    "purpose": "cues.purpose",
    "place_prepositions": "places.prepositions",
    "name_particles": "places.name_particles",
    "not_name_words": "places.not_name_words",
    "not_after_place": "places.not_after_place",
    "lives": "casualties.missing.lives",
    "succumb": "casualties.killed.succumb",
    "bodies": "casualties.killed.bodies",
    "own_people": "casualties.missing.own_people",
    "loss_only": "casualties.missing.loss_only",
    "own_pronouns": "casualties.missing.own_pronouns",
    "tally_since": "tallies.since",
    "pronoun_suffixes": "cues.pronoun_suffixes",
    "source_openers": "attribution.source_openers",
    "reporters": "attribution.reporters",
    "relative_pronouns": "cues.relatives",
    "since": "dates.since",
}

#: Phrase tables of plain words: name → dotted path.
_WORD_TABLES: dict[str, str] = {
    "habitual": "cues.habitual",
    "own_forces": "roles.own_forces",
    "unnamed_attackers": "roles.unnamed_attackers",
    "unidentified": "unidentified.phrases",
    "agent": "roles.agent",
    "supporter_phrases": "roles.supporter_phrases",
    "background_phrases": "background.phrases",
    "sentence_background": "background.sentence_openers",
    "titles": "persons.titles",
    "operation_cues": "organisations.operation_cues",
    "affiliation_links": "people.affiliation_links",
    "of_them": "people.of_them",
    "name_lists": "people.name_lists",
    "same_day": "dates.same_day",
    "ahead_cues": "dates.ahead_cues",
    "attribution_prepositions": "attribution.prepositions",
    "tally_openers": "tallies.openers",
    "tally_markers": "tallies.markers",
    "tally_continued": "tallies.continued",
    "origin_phrases": "places.origin",
    "furniture_cues": "furniture.cues",
    "vague_phrases": "numbers.vague_phrases",
    "count_openers": "numbers.openers",
}

#: Phrase tables whose payloads are the values of a TOML table.
_MAP_TABLES: dict[str, str] = {
    "admin_words": "places.admin_words",
    "relations": "places.relations",
    "place_anaphors": "places.anaphors",
    "number_words": "numbers.words",
    "teen_units": "numbers.teen_units",
    "multipliers": "numbers.multipliers",
    "number_phrases": "numbers.phrases",
    "qualifiers": "numbers.qualifiers",
    "weekdays": "dates.weekdays",
    "nationalities": "organisations.nationalities",
    "implied_counts": "casualties.implied_counts",
    "ordinal_days": "dates.ordinal_days",
    "months": "dates.months",
    "day_units": "dates.day_units",
    "relative_days": "dates.relative_days",
    "relative_periods": "dates.relative_periods",
}


def _compile(raw: dict[str, Any]) -> Lexicon:
    lang = raw.get("lang", "ar")
    triggers: PhraseTable[TriggerEntry] = PhraseTable()
    blocked_after: dict[str, frozenset[str]] = {}
    blocked_window: dict[str, int] = {}
    blocked_before: dict[str, frozenset[str]] = {}
    requires: dict[str, dict[str, frozenset[str]]] = {}
    around: dict[str, dict[str, frozenset[str]]] = {}
    for etype, spec in raw.get("triggers", {}).items():
        conf = float(spec.get("confidence", 0.8))
        verb_entry = TriggerEntry(etype, "verb", conf)
        noun_entry = TriggerEntry(etype, "noun", conf)
        phrase_entry = TriggerEntry(etype, "phrase", conf)
        for pair in spec.get("verbs", []):
            forms = (arabic_verb_forms(pair[0], pair[1] if len(pair) > 1 else "")
                     if lang == "ar" else english_verb_forms(pair[0]))
            triggers.add_forms(forms, verb_entry)
        for noun in spec.get("nouns", []):
            forms = arabic_noun_forms(noun) if lang == "ar" else {normalize_text(noun)}
            triggers.add_forms(forms, noun_entry)
        for phrase in spec.get("phrases", []):
            triggers.add(phrase, phrase_entry, lang)
        blocked_after[etype] = _norm_set(spec.get("blocked_after", []))
        blocked_window[etype] = int(spec.get("blocked_window", 1))
        blocked_before[etype] = _norm_set(spec.get("blocked_before", []))
        requires[etype] = {normalize_text(k) if k != "*" else "*": _norm_set(v)
                           for k, v in spec.get("requires_near", {}).items()}
        around[etype] = {normalize_text(word): _norm_set(row["near"])
                         for row in spec.get("requires_around", []) for word in row["words"]}
    generic = raw.get("generic", {})
    generic_entry = TriggerEntry(None, "noun", 0.6)
    blocked_after[""] = _norm_set(generic.get("blocked_after", []))  # the untyped trigger
    for noun in generic.get("nouns", []):
        forms = arabic_noun_forms(noun) if lang == "ar" else {normalize_text(noun)}
        triggers.add_forms(forms, generic_entry)
    refiners = [
        (row["type"], frozenset(row.get("from", [])),
         PhraseTable.from_words([(w, True) for w in [*row.get("words", []),
                                                      *row.get("phrases", [])]], lang))
        for row in raw.get("refiners", [])
    ]
    absorbs = {k: frozenset(v) for k, v in raw.get("absorbs", {}).items()}
    incidents = {k: frozenset(v) for k, v in raw.get("incidents", {}).items()}
    restates = {k: frozenset(v) for k, v in raw.get("restates", {}).items()}
    sets = {name: _norm_set(_section(raw, path) or []) for name, path in _SETS.items()}
    tables: dict[str, PhraseTable[Any]] = {
        name: words_table(_section(raw, path) or [], lang) for name, path in _WORD_TABLES.items()
    }
    maps: dict[str, dict[str, Any]] = {}
    for name, path in _MAP_TABLES.items():
        mapping = _section(raw, path) or {}
        maps[name] = {normalize_text(k): v for k, v in mapping.items()}
        tables[name] = PhraseTable.from_words(mapping, lang)
    tables["support_verbs"] = verbs_table(_section(raw, "cues.support_verbs") or [], lang)
    tables["undergo_verbs"] = verbs_table(_section(raw, "cues.undergo_verbs") or [], lang)
    tables["defend_verbs"] = verbs_table(_section(raw, "cues.defend_verbs") or [], lang)
    tables["attribution_verbs"] = verbs_table(_section(raw, "attribution.verbs") or [], lang)
    casualty_table: PhraseTable[str] = PhraseTable()
    for status, spec in raw.get("casualties", {}).items():
        sub = verbs_table(spec.get("verbs", []), lang, status, spec.get("nouns", []))
        _merge_tables(casualty_table, sub)
    tables["casualties"] = casualty_table
    tables["casualty_verbs"] = verbs_table(
        [pair for spec in raw.get("casualties", {}).values() for pair in spec.get("verbs", [])],
        lang)
    tables["generic_defaults"] = PhraseTable.from_words(generic.get("defaults", {}), lang)
    return Lexicon(
        lang=lang, raw=raw, triggers=triggers, blocked_after=blocked_after,
        blocked_window=blocked_window,
        blocked_before=blocked_before, requires_near=requires,
        requires_around=around, refiners=refiners,
        absorbs=absorbs, incidents=incidents, restates=restates,
        generic_defaults={normalize_text(k): v for k, v in generic.get("defaults", {}).items()},
        tables=tables, sets=sets, maps=maps,
    )


def _merge_tables(into: PhraseTable[Any], other: PhraseTable[Any]) -> None:
    def walk(dst: _Node[Any], src: _Node[Any]) -> None:
        dst.payloads.extend(src.payloads)
        for word, child in src.children.items():
            walk(dst.children.setdefault(word, _Node()), child)

    walk(into._root, other._root)


@lru_cache(maxsize=4)
def load_lexicon(lang: str) -> Lexicon:
    """The compiled pattern tables of ``lang`` (``ar`` or ``en``), read once per process.

    Raises:
        ValueError: no pattern file exists for ``lang``.
    """
    try:
        text = resources.files("extractors").joinpath("patterns", f"{lang}.toml").read_text(
            encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"E001 no pattern tables for language {lang!r}; "
                         "use 'ar' or 'en'") from None
    return _compile(tomllib.loads(text))
