"""The shipped knowledge base: places, actors, persons, operations, outlets, facilities.

The resource ``kb.json.gz`` next to this file is derived by :mod:`kg.linking.kb.build` from
third-party open data (see ``SOURCES.md``). It holds facts only: names, identifiers,
coordinates and the containment hierarchy.

Names are indexed three ways, all built on the one shared normaliser
(:func:`kg.core.text.normalize_text`):

* the *exact* key: the normalised name (what :meth:`KnowledgeBase.aliases` yields);
* the *clitic* forms: a leading conjunction or preposition of an Arabic name removed
  (``لداعش`` → ``داعش``);
* the *folded* key (:func:`fold_key`): Arabic articles dropped from every word, Latin
  transliteration variants collapsed (``al-Busayrah`` / ``Busayrah`` / ``Al Buşayrah``);
  only for names of five characters or more.

Latin acronyms (``SDF``, ``US``, ``U.S.``) match only when written in capitals, so the
pronoun "us" is not the United States (:meth:`KnowledgeBase.acronyms`).

Keys are ``<kind>:<id>``: places by OCHA P-code (``place:SY090102``), GeoNames ID
(``place:gn-173927``), ISO country code (``place:SY``) or a slug (Iraqi admin units);
actors, persons, operations, outlets and facilities by their authority-list id.
Entities merged at build time keep their old key as a redirect
(``place:al_busayrah`` → ``place:gn-173927``).

>>> kb = load_kb()
>>> kb.entity("place:SY09").wikidata
'Q232387'
>>> [e.key for e in kb.ancestors("place:SY0901")]
['place:SY09', 'place:SY']
>>> fold_key("Al-Buşayrah") == fold_key("Busayra")
True
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.core.text import ARABIC_LETTERS, clitic_variants, normalize

#: The resource shipped with the package.
DEFAULT_PATH = Path(__file__).with_name("kb.json.gz")

#: Resource format version this loader reads.
FORMAT_VERSION = 1

#: Order of the fields of one entity row in the resource.
FIELDS: tuple[str, ...] = (
    "key",
    "type",
    "label_ar",
    "label_en",
    "aliases",
    "wikidata",
    "parent",
    "lat",
    "lon",
    "pcode",
    "geonames",
    "admin_level",
    "country",
    "prominence",
)

#: Score of a candidate by how its name matched (exact, clitic removed, folded).
MATCH_EXACT = 1.0
MATCH_CLITIC = 0.9
MATCH_FOLDED = 0.8

#: Shortest name (normalised) matched by its folded key: shorter ones collide too
#: easily (``area`` ~ ``Aere``).
MIN_FOLDED = 5


@dataclass(frozen=True, slots=True)
class KBEntity:
    """One entity of the knowledge base.

    ``key`` is ``<kind>:<id>``; the IRI is ``kg.core.iris.entity_iri(kind, id)``.
    """

    key: str
    #: the part of :attr:`key` before ``:`` (``place``, ``actor``, ``person`` …)
    kind: str
    #: ontology class local name (``Town``, ``Governorate``, ``ArmedGroup`` …)
    type: str
    label_ar: str | None
    label_en: str | None
    #: every name as written (Arabic, English, transliterations)
    aliases: tuple[str, ...]
    #: ``Q…`` only where the source data holds it
    wikidata: str | None
    #: key of the containing place (places) or parent organisation (actors)
    parent: str | None
    lat: float | None
    lon: float | None
    pcode: str | None
    geonames: str | None
    #: 0 country, 1 governorate, 2 district, 3 subdistrict, 4 community/town
    admin_level: int | None
    #: ISO 3166-1 alpha-2 code
    country: str | None
    #: 0..1, larger for bigger or higher-level entities; used to rank candidates
    prominence: float

    @property
    def local(self) -> str:
        """The key without its kind (the last IRI segment)."""
        return self.key.split(":", 1)[1]

    @property
    def label(self) -> str:
        """The best display label (English, else Arabic, else the key)."""
        return self.label_en or self.label_ar or self.key


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entity found for a name, with how well the name matched (0..1)."""

    entity: KBEntity
    match: float


_LATIN_DROP = re.compile(r"[ʿʾʼ'\"`´‘’.]")
_LATIN_SPLIT = re.compile(r"[-_/\s]+")
_LATIN_ARTICLES = frozenset(
    {
        "al",
        "el",
        "il",
        "as",
        "ad",
        "ar",
        "an",
        "at",
        "az",
        "ash",
        "ath",
        "adh",
        "aj",
        "es",
        "ed",
        "er",
        "en",
        "et",
        "ez",
        "the",
        "ul",
    }
)
#: Letter groups that transliterations spell differently, folded to one spelling.
_LATIN_FOLDS: tuple[tuple[str, str], ...] = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ei", "ay"),
    ("ai", "ay"),
    ("ey", "ay"),
    ("kh", "k"),
    ("q", "k"),
    ("dh", "d"),
    ("th", "t"),
    ("sh", "s"),
    ("gh", "g"),
    ("w", "u"),
    ("o", "u"),
    ("e", "a"),
)
_DOUBLE = re.compile(r"(.)\1+")


class _CharTable(dict[int, str]):
    """``str.translate`` table filled on demand from the shared normaliser.

    :func:`kg.core.text.normalize` maps (or drops) each character on its own,
    so translating character by character through it gives the same text as
    :func:`~kg.core.text.normalize_text`, many times faster on many names.
    """

    def __missing__(self, code: int) -> str:
        mapped = normalize(chr(code)).text
        self[code] = mapped
        return mapped


_TABLE = _CharTable()


def normalize_chars(text: str) -> str:
    """The shared normalisation of ``text`` without collapsing white space (fast path).

    Same as ``kg.core.text.normalize(text).text``: characters are mapped one to
    one or dropped (diacritics, tatweel, direction marks), so offsets drift only by
    the dropped marks.
    """
    return text.translate(_TABLE)


def alias_key(name: str) -> str:
    """The exact index key of a name: the shared normalisation, white space collapsed.

    Equal to :func:`kg.core.text.normalize_text` (computed through a table).

    >>> alias_key("قوّات  سوريا الديمقراطيّة")
    'قوات سوريا الديمقراطيه'
    """
    return " ".join(name.translate(_TABLE).split())


def is_acronym(name: str) -> bool:
    """Whether a name is a Latin acronym (2-5 capitals, dots allowed): case then matters.

    >>> is_acronym("SDF"), is_acronym("U.S."), is_acronym("us"), is_acronym("Raqqa")
    (True, True, False, False)
    """
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 5 and letters.isascii() and letters.isalpha() and letters.isupper()


def _acronym_key(name: str) -> str:
    return name.replace(".", "").lower()


_ARTICLE_THE = re.compile(r"^(?:the|The|THE)\s+")


def _is_arabic(word: str) -> bool:
    return any(ch in ARABIC_LETTERS for ch in word)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """Fold one normalised word ('' for a Latin article)."""
    if _is_arabic(word):
        return word[2:] if word.startswith("ال") and len(word) >= 4 else word
    if word in _LATIN_ARTICLES:
        return ""
    # accents are already folded by the shared normaliser; strip what NFD leaves
    if not word.isascii():
        word = unicodedata.normalize("NFD", word)
        word = "".join(ch for ch in word if not unicodedata.combining(ch))
    for old, new in _LATIN_FOLDS:
        if old in word:
            word = word.replace(old, new)
    word = _DOUBLE.sub(r"\1", word)
    if len(word) > 3 and word.endswith("h") and word[-2] in "aiu":
        word = word[:-1]
    return word


def fold_key(name: str) -> str:
    """A loose key that equates spelling variants of one name.

    Arabic: the article ``ال`` is dropped from every word. Latin: lower case, accents,
    apostrophes and hyphens removed, articles (``al-``, ``el-``, ``as-`` …, ``the``)
    dropped, doubled letters and common transliteration spellings collapsed.

    >>> fold_key("al-Busayrah") == fold_key("Busayrah") == fold_key("Al Buşayrah")
    True
    >>> fold_key("دير الزور")
    'دير زور'
    """
    return _fold_normalised(alias_key(name))


def _fold_normalised(text: str) -> str:
    """:func:`fold_key` of a name already normalised with :func:`alias_key`."""
    text = _LATIN_DROP.sub("", text)
    folded = [_fold_word(word) for word in _LATIN_SPLIT.split(text) if word]
    return " ".join(word for word in folded if word)


def _clitic_forms(key: str) -> list[tuple[str, int]]:
    """Forms of an exact key with proclitics removed from its first word."""
    first, _, rest = key.partition(" ")
    if not _is_arabic(first):
        return []
    forms = []
    for form, cut in clitic_variants(first)[1:]:
        forms.append(((form + " " + rest).strip(), cut))
    return forms


class KnowledgeBase:
    """Entities with an alias index; read-only once built.

    Build one with :func:`load_kb` (the shipped resource) or from entity rows with
    :meth:`from_entities`.
    """

    def __init__(self, entities: dict[str, KBEntity], redirects: dict[str, str]) -> None:
        """Index ``entities`` by key and by name.

        Args:
            entities: entities by key.
            redirects: old key → current key (entities merged at build time).
        """
        self._entities = entities
        self._redirects = redirects
        self._exact: dict[str, list[str]] = {}
        self._folded: dict[str, list[str]] = {}
        self._acronyms: dict[str, list[str]] = {}
        for key, ent in entities.items():
            names = {n for n in (ent.label_ar, ent.label_en, *ent.aliases) if n}
            for name in names:
                exact = alias_key(name)
                if is_acronym(name):
                    _add(self._acronyms, _acronym_key(name), key)
                    continue
                if exact:
                    _add(self._exact, exact, key)
                if len(exact) >= MIN_FOLDED:
                    _add(self._folded, _fold_normalised(exact), key)

    @classmethod
    def from_entities(
        cls, entities: list[KBEntity], redirects: dict[str, str] | None = None
    ) -> KnowledgeBase:
        """A knowledge base over ``entities`` (later duplicates of a key win)."""
        return cls({e.key: e for e in entities}, dict(redirects or {}))

    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Iterator[KBEntity]:
        return iter(self._entities.values())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._entities or key in self._redirects)

    def entity(self, key: str) -> KBEntity:
        """The entity with ``key`` (old keys of merged entities are followed).

        Raises:
            KeyError: no entity has that key.
        """
        try:
            return self._entities[key]
        except KeyError:
            if key in self._redirects:
                return self._entities[self._redirects[key]]
            raise KeyError(f"no KB entity {key!r}") from None

    def lookup(self, name: str) -> list[Candidate]:
        """Entities whose names match ``name``, best match first.

        An exact normalised match scores :data:`MATCH_EXACT`; a match after removing a
        leading Arabic conjunction/preposition scores :data:`MATCH_CLITIC`; a match of
        the folded key (:func:`fold_key`) scores :data:`MATCH_FOLDED`. Each entity
        appears once, with its best score.
        """
        exact = alias_key(name)
        found: dict[str, float] = {}
        for key in self._exact.get(exact, ()):
            found[key] = MATCH_EXACT
        written = _ARTICLE_THE.sub("", name.strip())
        if is_acronym(written):
            for key in self._acronyms.get(_acronym_key(written), ()):
                found[key] = MATCH_EXACT
        for form, _cut in _clitic_forms(exact):
            for key in self._exact.get(form, ()):
                found.setdefault(key, MATCH_CLITIC)
        folded_forms = [_fold_normalised(exact)] if len(exact) >= MIN_FOLDED else []
        folded_forms += [_fold_normalised(f) for f, _ in _clitic_forms(exact)]
        for i, folded in enumerate(folded_forms):
            score = MATCH_FOLDED if i == 0 else MATCH_FOLDED * MATCH_CLITIC
            for key in self._folded.get(folded, ()):
                found.setdefault(key, score)
        ranked = sorted(found.items(), key=lambda kv: (-kv[1], -self._entities[kv[0]].prominence))
        return [Candidate(self._entities[k], s) for k, s in ranked]

    def candidates(self, name: str) -> list[KBEntity]:
        """Entities whose names match ``name`` (see :meth:`lookup`), best first.

        >>> [e.key for e in load_kb().candidates("لداعش")]
        ['actor:isis']
        """
        return [c.entity for c in self.lookup(name)]

    def aliases(self) -> Iterator[tuple[str, str]]:
        """``(normalised alias, key)`` pairs, for building a gazetteer matcher.

        Acronyms are included (lower-cased like every normalised alias); a matcher that
        must tell ``US`` from ``us`` checks :meth:`acronyms` too.
        """
        for index in (self._exact, self._acronyms):
            for alias, keys in index.items():
                for key in keys:
                    yield alias, key

    def acronyms(self) -> set[str]:
        """Aliases (lower case, no dots) that only match when written in capitals (``US``)."""
        return set(self._acronyms) - set(self._exact)

    def ancestors(self, key: str) -> list[KBEntity]:
        """The chain of containing places (or parent organisations), nearest first.

        Raises:
            KeyError: no entity has that key.
        """
        chain: list[KBEntity] = []
        seen = {self.entity(key).key}
        parent = self.entity(key).parent
        while parent and parent in self and parent not in seen:
            ent = self.entity(parent)
            seen.add(ent.key)
            chain.append(ent)
            parent = ent.parent
        return chain

    def redirects(self) -> dict[str, str]:
        """Old key → current key for entities merged at build time."""
        return dict(self._redirects)


def kb_version(kb: KnowledgeBase) -> str:
    """A short hash of the KB content and of the code that turns it into RDF.

    Stores compare it to decide whether the KB graph must be rewritten.
    """
    digest = hashlib.sha256()
    for ent in sorted(kb, key=lambda e: e.key):
        digest.update(json.dumps(entity_to_row(ent), ensure_ascii=False).encode("utf-8"))
    digest.update(json.dumps(sorted(kb.redirects().items())).encode("utf-8"))
    rdf_code = Path(__file__).with_name("rdf.py")
    if rdf_code.is_file():
        digest.update(rdf_code.read_bytes())
    return digest.hexdigest()[:16]


def _add(index: dict[str, list[str]], name: str, key: str) -> None:
    keys = index.setdefault(name, [])
    if key not in keys:
        keys.append(key)


def entity_from_row(row: list[object]) -> KBEntity:
    """Turn one resource row (fields in :data:`FIELDS` order) into an entity."""
    data = dict(zip(FIELDS, row, strict=True))
    key = str(data["key"])
    aliases = data["aliases"]
    return KBEntity(
        key=key,
        kind=key.split(":", 1)[0],
        type=str(data["type"]),
        label_ar=_opt_str(data["label_ar"]),
        label_en=_opt_str(data["label_en"]),
        aliases=tuple(str(a) for a in aliases) if isinstance(aliases, list) else (),
        wikidata=_opt_str(data["wikidata"]),
        parent=_opt_str(data["parent"]),
        lat=_opt_float(data["lat"]),
        lon=_opt_float(data["lon"]),
        pcode=_opt_str(data["pcode"]),
        geonames=_opt_str(data["geonames"]),
        admin_level=int(data["admin_level"]) if data["admin_level"] is not None else None,  # type: ignore[call-overload]
        country=_opt_str(data["country"]),
        prominence=float(data["prominence"] or 0.0),  # type: ignore[arg-type]
    )


def entity_to_row(ent: KBEntity) -> list[object]:
    """Turn an entity into a resource row (fields in :data:`FIELDS` order)."""
    return [
        ent.key,
        ent.type,
        ent.label_ar,
        ent.label_en,
        list(ent.aliases),
        ent.wikidata,
        ent.parent,
        ent.lat,
        ent.lon,
        ent.pcode,
        ent.geonames,
        ent.admin_level,
        ent.country,
        ent.prominence,
    ]


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def read_resource(path: str | Path) -> KnowledgeBase:
    """Read a KB resource file (gzip-compressed JSON, or plain JSON).

    Raises:
        OSError: the file cannot be read.
        ValueError: the file is not a KB resource of a version this code reads.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a KB resource ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: not a KB resource of format {FORMAT_VERSION}")
    if list(data.get("fields", [])) != list(FIELDS):
        raise ValueError(f"{path}: unexpected entity fields {data.get('fields')!r}")
    entities = [entity_from_row(row) for row in data["entities"]]
    return KnowledgeBase.from_entities(entities, data.get("redirects") or {})


@lru_cache(maxsize=4)
def _load_cached(path: str) -> KnowledgeBase:
    return read_resource(path)


def load_kb(path: str | Path | None = None) -> KnowledgeBase:
    """The knowledge base at ``path``, by default the shipped resource; cached per path.

    Raises:
        OSError: the file cannot be read.
        ValueError: the file is not a KB resource.
    """
    return _load_cached(str(Path(path).resolve() if path else DEFAULT_PATH))


__all__ = [
    "Candidate",
    "DEFAULT_PATH",
    "KBEntity",
    "KnowledgeBase",
    "alias_key",
    "fold_key",
    "is_acronym",
    "kb_version",
    "load_kb",
    "normalize_chars",
    "read_resource",
]
