"""Arabic and English text normalisation that keeps offsets.

One implementation, shared by the extractors and the linker (:mod:`kg.linking.link`), so
that a name in a report and an alias in the knowledge base normalise alike.

>>> n = normalize("قالت «قسد» إنّ ٥ عناصر")
>>> n.text
'قالت "قسد" ان 5 عناصر'
>>> n.original_span(6, 9)
(6, 9)
>>> clitic_variants("للتحالف")[:2]
[('للتحالف', 0), ('التحالف', 1)]
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Characters mapped one-to-one (same length in and out).
_CHAR_MAP: dict[str, str] = {
    # alef and hamza seats
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ؤ": "و", "ئ": "ي",
    # ta marbuta, alif maqsura
    "ة": "ه", "ى": "ي",
    # Persian / Urdu / Kurdish letter forms
    "ی": "ي", "ې": "ي", "ۍ": "ي", "ے": "ي",
    "ک": "ك", "ګ": "ك", "گ": "ك",
    "ە": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه",
    # Arabic punctuation that has a Latin twin
    "٫": ".", "٬": ",",
    # quotes of every kind become a plain double quote
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‹": '"', "›": '"', "‘": '"', "’": '"', "‚": '"', "‛": '"', "`": '"',
    # dashes and unusual spaces
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
    "\u00a0": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
}
for _i in range(10):
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)  # Eastern Arabic digits
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # Persian digits

#: Characters dropped entirely: harakat, dagger alef, Quranic marks, tatweel,
#: and invisible direction and joiner marks.
_DROP: frozenset[str] = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6)]
    + ["\u0670", "\u0640", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c",
       "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
       "\u2069", "\ufeff"]
)

ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B))


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text and the map back to the original.

    ``offsets[i]`` is the index in the original text of normalised character ``i``;
    ``offsets[len(text)]`` is the length of the original.
    """

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalised text to the original text."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def _map_char(ch: str) -> str:
    mapped = _CHAR_MAP.get(ch)
    if mapped is not None:
        return mapped
    if "A" <= ch <= "Z":
        return ch.lower()
    if ch.isascii():
        return ch
    if ch.isupper():
        low = ch.lower()
        if len(low) == 1:
            return low
    # fold Latin letters with accents (é → e) keeping one character
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) > 1 and decomposed[0].isascii():
        return decomposed[0].lower()
    return ch


def normalize(text: str) -> Normalized:
    """Normalise Arabic and Latin text for matching, keeping a map to the original.

    Arabic: alef/hamza seats, ta marbuta → ha, alif maqsura → ya, Persian letter forms,
    Eastern Arabic and Persian digits; diacritics, tatweel and invisible marks are
    dropped. Latin: lower case, accents folded. All quotes become ``"``.

    Args:
        text: the original text.

    Returns:
        The normalised text with its offset map.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        out.append(_map_char(ch))
        offsets.append(i)
    offsets.append(len(text))
    return Normalized("".join(out), tuple(offsets))


def normalize_text(text: str) -> str:
    """Normalise and collapse white space; the key used for name comparison.

    >>> normalize_text("  قوّات   سوريا الديمقراطيّة ")
    'قوات سوريا الديمقراطيه'
    """
    return " ".join(normalize(text).text.split())


#: Proclitics in the order they attach: conjunction, then preposition, then article.
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ك")
_ARTICLE = "ال"
_MIN_STEM = 2


def clitic_variants(token: str) -> list[tuple[str, int]]:
    """Forms of a normalised Arabic token with its proclitics removed.

    Returns ``(form, stripped)`` pairs, the unstripped token first, where ``stripped``
    is how many leading characters were removed. ``لل`` is read as ``ل`` + ``ال``
    (للتحالف → التحالف). Forms whose stem would be shorter than two letters are not
    produced.

    >>> [f for f, _ in clitic_variants("وبالبصيره")]
    ['وبالبصيره', 'بالبصيره', 'البصيره']
    >>> [f for f, _ in clitic_variants("لقوات")]
    ['لقوات', 'قوات']
    """
    seen: dict[str, int] = {token: 0}
    base_forms = [(token, 0)]
    if token[:1] in _CONJUNCTIONS and len(token) - 1 >= _MIN_STEM + 1:
        base_forms.append((token[1:], 1))
        seen[token[1:]] = 1
    for form, cut in list(base_forms):
        if form[:1] in _PREPOSITIONS and len(form) - 1 >= _MIN_STEM + 1:
            rest = form[1:]
            if form[0] == "ل" and rest.startswith("ل") and len(rest) - 1 >= _MIN_STEM:
                # لل = ل + ال with the alef elided
                seen.setdefault("ا" + rest, cut + 1)
            else:
                seen.setdefault(rest, cut + 1)
    ordered = sorted(seen.items(), key=lambda kv: kv[1])
    return [(form, cut) for form, cut in ordered if _has_stem(form)]


def _has_stem(form: str) -> bool:
    stem = form[2:] if form.startswith(_ARTICLE) else form
    return len(stem) >= _MIN_STEM


def strip_article(token: str) -> str:
    """Remove a leading ``ال`` when a stem of two letters or more remains.

    >>> strip_article("البصيره")
    'بصيره'
    """
    if token.startswith(_ARTICLE) and len(token) - 2 >= _MIN_STEM:
        return token[2:]
    return token


def detect_language(text: str) -> str:
    """``ar`` when Arabic letters outnumber Latin ones, else ``en``.

    >>> detect_language("قالت قوات سوريا الديمقراطية (SDF)")
    'ar'
    >>> detect_language("The SDF said on Monday")
    'en'
    """
    arabic = latin = 0
    for ch in text[:20_000]:
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
            arabic += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    return "ar" if arabic >= latin and arabic > 0 else "en"
