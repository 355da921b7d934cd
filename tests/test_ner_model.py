"""The statistical Arabic NER fallback: shipped model, component, corpus reader."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import spacy

from extractors.ner_model import DEFAULT_MODEL_DIR, find_entities, load_ner, stem_form
from extractors.training.anercorp import read_tokens, sentences, to_doc
from extractors.training.eval_ner import gold_sentences

ANER_SAMPLE = """\
قال O
الرئيس O
جورج B-PERS
بوش I-PERS
في O
واشنطن B-LOC
ان O
الامم B-ORG
المتحدة I-ORG
. O
وصل O
الى O
بغداد B-LOC
\u200f O
أمس O
. O
"""


@pytest.fixture(scope="module")
def ner() -> spacy.language.Language:
    model = load_ner()
    assert model is not None, f"the shipped model is missing from {DEFAULT_MODEL_DIR}"
    return model


def _labels_covering(ner: spacy.language.Language, text: str, word: str) -> set[str]:
    start = text.index(word)
    end = start + len(word)
    return {e.label for e in find_entities(ner, text) if e.start <= start and end <= e.end}


def test_shipped_model_is_small_and_loads(ner: spacy.language.Language) -> None:
    size = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.rglob("*") if f.is_file())
    assert size < 15_000_000
    assert ner.pipe_names == ["stem_norm", "tok2vec", "ner"]
    assert set(ner.get_pipe("ner").labels) == {"LOC", "PERS", "ORG", "MISC"}


@pytest.mark.parametrize(("text", "word"), [
    ("وصل وزير الخارجية إلى بغداد أمس في زيارة رسمية .", "بغداد"),
    ("عقد الاجتماع في القاهرة يوم الاثنين .", "القاهرة"),
    ("قالت مصادر في دمشق إن الحكومة السورية رفضت الاقتراح .", "دمشق"),
])
def test_known_cities_are_places(ner: spacy.language.Language, text: str, word: str) -> None:
    assert "LOC" in _labels_covering(ner, text, word)


def test_offsets_point_into_the_original_text(ner: spacy.language.Language) -> None:
    # tatweel, harakat and a Persian yeh are normalised away before tagging
    text = "وصل وزیر الخارجیة إلى بَغْـداد أمس في زيارة رسمية ."
    found = [e for e in find_entities(ner, text) if e.label == "LOC"]
    assert found, "the city is still found after normalisation"
    for ent in found:
        assert text[ent.start:ent.end] == ent.text
    assert any("بَغْـداد" in e.text for e in found)


def test_empty_and_odd_text_do_not_crash(ner: spacy.language.Language) -> None:
    assert find_entities(ner, "") == []
    find_entities(ner, "<p>!!! ??? ... 123 abc</p>")


def test_missing_model_is_skipped_with_a_message(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="extractors.ner_model"):
        assert load_ner(tmp_path) is None
    assert "NER fallback is skipped" in caplog.text


def test_stem_form_strips_clitics_and_article() -> None:
    assert stem_form("وبالبصيره") == "بصيره"
    assert stem_form("لقوات") == "قوات"
    assert stem_form("من") == "من"


def test_anercorp_reader_normalises_and_splits(tmp_path: Path) -> None:
    path = tmp_path / "sample.txt"
    path.write_text(ANER_SAMPLE, encoding="utf-8")
    sents = list(sentences(read_tokens(path)))
    assert len(sents) == 2
    assert ("الامم", "B-ORG") in sents[0] and ("المتحده", "I-ORG") in sents[0]
    assert ("امس", "O") in sents[1]
    assert all(word for sent in sents for word, _ in sent)  # the direction mark is gone
    doc = to_doc(spacy.blank("ar"), sents[0])
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("جورج بوش", "PERS"), ("واشنطن", "LOC"), ("الامم المتحده", "ORG")]


def test_to_doc_repairs_entities_that_start_with_i(tmp_path: Path) -> None:
    doc = to_doc(spacy.blank("ar"), [("في", "O"), ("دير", "I-LOC"), ("الزور", "I-LOC")])
    assert [(e.text, e.label_) for e in doc.ents] == [("دير الزور", "LOC")]


def test_dev_gold_spans_are_in_original_text(tmp_path: Path) -> None:
    path = tmp_path / "sample.txt"
    path.write_text(ANER_SAMPLE, encoding="utf-8")
    (text, spans), _ = gold_sentences(path)
    assert {text[s:e] for s, e, _ in spans} == {"جورج بوش", "واشنطن", "الامم المتحدة"}
