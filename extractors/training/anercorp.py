"""Read ANERcorp (one ``token TAG`` pair a line, IOB2) into spaCy training docs.

Every token goes through :func:`kg.core.text.normalize_text`, the same
normaliser :mod:`extractors.ner_model` applies to text before tagging, so the model
sees identical forms at training and inference. Tokens that normalise to nothing
(stray direction marks) are dropped. The corpus has no sentence breaks: sentences
are cut after ``.``, ``!``, ``?`` and ``؟`` tokens, and over-long ones every
:data:`MAX_SENT` tokens (never inside an entity).

Command: ``python -m extractors.training.anercorp TRAIN.txt OUT.spacy``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import iob_to_biluo, tags_to_entities

from kg.core.text import normalize_text

#: Tokens that end a sentence.
SENT_END = frozenset({".", "!", "?", "؟"})
#: Longest sentence kept whole, in tokens.
MAX_SENT = 80


def read_tokens(path: Path, *, normalise: bool = True) -> Iterator[tuple[str, str]]:
    """Yield ``(token, IOB2 tag)`` pairs from an ANERcorp file.

    Args:
        path: an ANERcorp ``train.txt`` / ``dev.txt`` file.
        normalise: pass tokens through the project normaliser (training); without it
            tokens are given as written (evaluation of the whole inference path).

    Yields:
        Token and tag; malformed lines and empty tokens are skipped.
    """
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rsplit(None, 1)
            if len(parts) != 2:
                continue
            word, tag = parts
            if not normalise:
                if word.strip():
                    yield word.strip(), tag
                continue
            # a few words carry a stray tag-like suffix; normalise and re-split
            for piece in normalize_text(word).split():
                yield piece, tag
                if tag.startswith("B-"):
                    tag = "I-" + tag[2:]


def sentences(pairs: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """Group token/tag pairs into sentences.

    Args:
        pairs: output of :func:`read_tokens`.

    Yields:
        Lists of pairs, one per sentence.
    """
    current: list[tuple[str, str]] = []
    for word, tag in pairs:
        if current and len(current) >= MAX_SENT and not tag.startswith("I-"):
            yield current
            current = []
        current.append((word, tag))
        if word in SENT_END:
            yield current
            current = []
    if current:
        yield current


def to_doc(nlp: Language, sentence: list[tuple[str, str]]) -> Doc:
    """Build a spaCy doc with gold entities from one sentence.

    Args:
        nlp: a pipeline whose vocab the doc uses (``spacy.blank("ar")``).
        sentence: normalised token/tag pairs.

    Returns:
        The doc with ``doc.ents`` set from the IOB2 tags.
    """
    words = [w for w, _ in sentence]
    tags = [t for _, t in sentence]
    doc = Doc(nlp.vocab, words=words)
    # repair I- tags that start an entity (IOB1 leftovers) so BILUO stays valid
    fixed: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        prev = tag
    ents = tags_to_entities(iob_to_biluo(fixed))
    doc.ents = [Span(doc, start, end + 1, label=lab) for lab, start, end in ents]
    return doc


def convert(src: Path, dest: Path) -> int:
    """Convert an ANERcorp file into a ``.spacy`` DocBin.

    Args:
        src: ANERcorp text file.
        dest: output ``.spacy`` file.

    Returns:
        The number of sentences written.
    """
    import spacy

    nlp = spacy.blank("ar")
    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"])
    count = 0
    for sent in sentences(read_tokens(src)):
        docbin.add(to_doc(nlp, sent))
        count += 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(dest)
    return count


def main(argv: list[str]) -> int:
    """Command entry point: ``SRC DEST``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    n = convert(Path(argv[0]), Path(argv[1]))
    print(f"{n} sentences → {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
