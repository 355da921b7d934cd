"""The first component: normalised token forms, lookup keys and sentences."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import state
from extractors.lexicon import token_keys
from extractors.normalize import normalize_text

#: Tokens that end a sentence.
SENTENCE_ENDS = frozenset({".", "!", "?", "؟", "\n", "…"})


class TokenLayer:
    """Write each token's normalised form and keys, and split sentences.

    Token norms are also set on ``token.norm_`` so spaCy matchers can use them.
    """

    def __init__(self, lang: str) -> None:
        """A token layer for ``lang`` (``ar`` strips proclitics in its lookup keys)."""
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc`` and return it."""
        st = state(doc)
        st.lang = self.lang
        st.text = doc.text
        norms: list[str] = []
        for token in doc:
            norm = normalize_text(token.text) if not token.is_space else token.text
            if token.text == "\n":
                norm = "\n"
            norms.append(norm)
            if norm and norm != token.text and not token.is_space:
                token.norm_ = norm
        st.norms = norms
        st.keys = [token_keys(n, self.lang) for n in norms]
        st.sentences = split_sentences(norms, doc)
        sentence_of = [0] * len(doc)
        for index, (start, end) in enumerate(st.sentences):
            for i in range(start, end):
                sentence_of[i] = index
        st.sentence_of = sentence_of
        return doc


def split_sentences(norms: list[str], doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of sentences: ends at ``. ! ? ؟ …`` and line breaks.

    A full stop between two digits or after a one-letter Latin abbreviation does not
    end a sentence.
    """
    sentences: list[tuple[int, int]] = []
    start = 0
    n = len(norms)
    for i, norm in enumerate(norms):
        is_end = norm in SENTENCE_ENDS or "\n" in norm
        if norm == "." and 0 < i < n - 1:
            prev = doc[i - 1].text
            if len(prev) == 1 and prev.isascii() and prev.isalpha():
                is_end = False
        if is_end:
            if i + 1 > start:
                sentences.append((start, i + 1))
            start = i + 1
    if start < n:
        sentences.append((start, n))
    return sentences


@Language.factory("ckg_tokens", default_config={"lang": "ar"})
def make_token_layer(nlp: Language, name: str, lang: str) -> TokenLayer:
    """Factory of :class:`TokenLayer`."""
    return TokenLayer(lang)
