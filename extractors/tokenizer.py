"""A predictable regex tokenizer for Arabic and English news text.

spaCy's default Arabic rules leave punctuation glued to words in places (``داعش).``);
this tokenizer splits every punctuation mark off, keeps numbers with decimal points
together and never drops characters, so token offsets are offsets into the original.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc
from spacy.vocab import Vocab

#: A word: letters, digits, underscore, Arabic marks, tatweel and joiners; a number may
#: carry a decimal part; an abbreviation written with a full stop after each letter
#: (U.S., U.N., S.D.F.; lower case too, as names are compared normalised) is one word.
_TOKEN = re.compile(
    r"(?<![\w.])[A-Za-z]\.(?:[A-Za-z]\.)+"
    r"|[0-9٠-٩۰-۹]+(?:[.,٫][0-9٠-٩۰-۹]+)*"
    r"|[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d]+"
    r"|\n"
    r"|[^\s\w]"
)


def split_words(text: str) -> list[str]:
    """The tokens of ``text`` without white space (how names in lists are split so that
    they match tokenized text).

    >>> split_words("deir ez-zor")
    ['deir', 'ez', '-', 'zor']
    >>> split_words("the U.S.-led coalition")
    ['the', 'U.S.', '-', 'led', 'coalition']
    """
    return [m.group() for m in _TOKEN.finditer(text) if not m.group().isspace()]


class RegexTokenizer:
    """Split text into words, numbers, newlines and single punctuation marks.

    >>> import spacy
    >>> tok = RegexTokenizer(spacy.blank("ar").vocab)
    >>> [t.text for t in tok("قُتل ٥ عناصر (داعش).")]
    ['قُتل', '٥', 'عناصر', '(', 'داعش', ')', '.']
    """

    def __init__(self, vocab: Vocab) -> None:
        """Tokenize into docs of ``vocab``."""
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        """Tokenize ``text``; whitespace is kept as the trailing space of tokens."""
        words: list[str] = []
        spaces: list[bool] = []
        starts: list[int] = []
        end = 0
        for match in _TOKEN.finditer(text):
            start = match.start()
            if words and start > end:
                gap = text[end:start]
                if gap == " ":
                    spaces[-1] = True
                else:
                    words.append(gap)
                    spaces.append(False)
                    starts.append(end)
            elif not words and start > 0:
                words.append(text[:start])
                spaces.append(False)
                starts.append(0)
            words.append(match.group())
            spaces.append(False)
            starts.append(start)
            end = match.end()
        if end < len(text):
            words.append(text[end:])
            spaces.append(False)
            starts.append(end)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        # the token texts and offsets, so components need not build Token objects
        doc.user_data["ckg_tokens"] = (words, starts, text)
        return doc

    def to_bytes(self, **_: object) -> bytes:
        """Nothing to serialise: the tokenizer has no state."""
        return b""

    def from_bytes(self, _data: bytes, **_: object) -> RegexTokenizer:
        """Nothing to restore."""
        return self
