"""The real-news corpus tools: manifest, hash-checked texts, validation, split, eval.

The texts here are written for the tests; real news texts never enter the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline.corpus import (
    CorpusError,
    add_text,
    build_folder,
    check_folder,
    check_record,
    read_manifest,
    split_of,
    text_hash,
)

TEXT = "داهمت قوات سوريا الديمقراطية منزلا في بلدة البصيرة أمس، بحسب المرصد السوري."


def record(rid: str, text: str = TEXT, **extra: object) -> dict:
    base = {
        "id": rid, "lang": "ar", "url": f"https://example.org/{rid}", "outlet": "Example",
        "country": "SY", "year": 2021, "query": "البصيرة مداهمة",
        "text_sha256": text_hash(text.encode()), "text_chars": len(text),
        "published": "2021-12-14", "source": "Example",
        "events": [{"type": "Raid", "date": "2021-12-13",
                    "place": {"name": "البصيرة", "wikidata": None, "admin1": None},
                    "actors": [{"names": ["قوات سوريا الديمقراطية", "Syrian Democratic Forces"],
                                "wikidata": None, "role": "perpetrator"}],
                    "casualties": [], "according_to": ["المرصد السوري"],
                    "background": False}],
    }
    base.update(extra)
    return base


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus folder of 12 reports and a text folder holding all but one text."""
    folder, texts = tmp_path / "corpus" / "ar", tmp_path / "texts"
    build_folder([record(f"r{i:02d}") for i in range(12)], folder)
    for i in range(11):
        (texts / "ar").mkdir(parents=True, exist_ok=True)
        (texts / "ar" / f"r{i:02d}.txt").write_text(TEXT, encoding="utf-8")
    return folder, texts


def test_build_writes_manifest_and_splits_without_text(corpus: tuple[Path, Path]) -> None:
    folder, _ = corpus
    entries = read_manifest(folder)
    assert len(entries) == 12
    assert {e.split for e in entries.values()} == {"dev", "test"}
    for entry in entries.values():
        assert entry.split == split_of(entry.url)
    written = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert TEXT not in written and "text_sha256" in written


def test_split_does_not_depend_on_the_other_reports(tmp_path: Path) -> None:
    build_folder([record("a"), record("b")], tmp_path / "one")
    build_folder([record("b"), record("c"), record("d")], tmp_path / "two")
    assert read_manifest(tmp_path / "one")["b"].split == read_manifest(tmp_path / "two")["b"].split


def test_build_refuses_the_same_url_twice(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="twice"):
        build_folder([record("a"), record("b", url="https://example.org/a")], tmp_path)


def test_add_text_keeps_only_the_annotated_text(corpus: tuple[Path, Path]) -> None:
    folder, texts = corpus
    entry = read_manifest(folder)["r11"]
    with pytest.raises(CorpusError, match="not the one annotated"):
        add_text(entry, (TEXT + " ").encode(), texts)
    assert not entry.text_path(texts).exists()
    assert add_text(entry, TEXT.encode(), texts).read_text(encoding="utf-8") == TEXT


def test_check_folder_counts_missing_texts_and_finds_problems(corpus: tuple[Path, Path]) -> None:
    folder, texts = corpus
    found = check_folder(folder, texts)
    assert found.ok and (found.reports, found.present, found.missing) == (12, 11, ["r11"])
    (texts / "ar" / "r03.txt").write_text(TEXT + "!", encoding="utf-8")
    assert any("hash differs" in p for p in check_folder(folder, texts).problems)


def test_check_record_rules() -> None:
    good = record("x")
    assert check_record(good, TEXT) == []
    bad = record("x")
    ev = bad["events"][0]
    ev.update(type="Riot", date="2021-02-30", background="no")
    ev["place"]["name"] = "الشحيل"
    ev["actors"][0]["role"] = "attacker"
    ev["actors"].append({"names": ["داعش"], "role": "target"})
    ev["casualties"] = [{"status": "dead", "count": 2.5, "affiliation": None}]
    ev["according_to"] = ["رويترز"]
    problems = check_record(bad, TEXT)
    for expected in ("type 'Riot'", "date '2021-02-30'", "place 'الشحيل'", "role 'attacker'",
                     "actor ['داعش']", "status 'dead'", "count 2.5", "source 'رويترز'",
                     "background"):
        assert any(expected in p for p in problems), expected
    # the outlet itself may be a source without occurring in the text
    good["events"][0]["according_to"] = ["Example"]
    assert check_record(good, TEXT) == []


def test_kg_corpus_commands_and_eval_with_missing_texts(corpus: tuple[Path, Path]) -> None:
    folder, texts = corpus
    runner = CliRunner()
    checked = runner.invoke(main, ["corpus", "check", str(folder), "--texts", str(texts)])
    assert checked.exit_code == 0, checked.output
    assert "12 reports" in checked.output and "missing 1" in checked.output

    page = texts.parent / "page.txt"
    page.write_text(TEXT + " x", encoding="utf-8")
    refused = runner.invoke(main, ["corpus", "add", str(folder), "r11", str(page),
                                   "--texts", str(texts)])
    assert refused.exit_code != 0 and "not the one annotated" in refused.output

    split = read_manifest(folder)["r11"].split
    scored = runner.invoke(main, ["eval", str(folder / f"{split}.gold.jsonl"), "--texts",
                                  str(texts), "--json"])
    assert scored.exit_code == 0, scored.output
    result = json.loads(scored.output)
    assert result["missing_texts"] == ["r11"]
    assert result["reports"] == sum(1 for e in read_manifest(folder).values()
                                    if e.split == split) - 1


def test_corpus_build_command(tmp_path: Path) -> None:
    records = tmp_path / "ann.jsonl"
    records.write_text("\n".join(json.dumps(record(f"q{i}"), ensure_ascii=False)
                                 for i in range(4)), encoding="utf-8")
    out = CliRunner().invoke(main, ["corpus", "build", str(records), "-o", str(tmp_path / "c")])
    assert out.exit_code == 0, out.output
    assert len(read_manifest(tmp_path / "c")) == 4
