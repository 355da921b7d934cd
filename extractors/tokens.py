"""The first component: normalised token forms, lookup keys and sentences."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import state
from extractors.lexicon import cached_normalize_text, token_forms, token_keys

#: Tokens that end a sentence.
SENTENCE_ENDS = frozenset({".", "!", "?", "؟", "\n", "…"})


class TokenLayer:
    """Write each token's normalised form and keys, and split sentences.

    Works on the token texts and offsets the tokenizer left in ``doc.user_data``
    (building spaCy ``Token`` objects for every word costs more than the rest).
    """

    def __init__(self, lang: str) -> None:
        """A token layer for ``lang`` (``ar`` strips proclitics in its lookup keys)."""
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc`` and return it."""
        st = state(doc)
        st.lang = self.lang
        cached = doc.user_data.get("ckg_tokens")
        if cached is not None and len(cached[0]) == len(doc):
            st.words, st.starts, st.text = list(cached[0]), list(cached[1]), cached[2]
        else:
            st.words = [t.text for t in doc]
            st.starts = [t.idx for t in doc]
            st.text = doc.text
        st.norms = [cached_normalize_text(w) if not w.isspace() else w for w in st.words]
        norms = st.norms
        st.keys = [token_keys(n, self.lang) for n in norms]
        st.forms = [token_forms(n, self.lang) for n in norms]
        st.sentences = split_sentences(norms, st.words)
        sentence_of = [0] * len(doc)
        for index, (start, end) in enumerate(st.sentences):
            for i in range(start, end):
                sentence_of[i] = index
        st.sentence_of = sentence_of
        return doc


def split_sentences(norms: list[str], words: list[str]) -> list[tuple[int, int]]:
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
            prev = words[i - 1]
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
