"""Reading reports: every kind of bad input is reported with its origin and reason,
the rest of the batch is ingested, and the store keeps only whole reports."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from kg.core.model import Document, Report
from kg.graph.store import open_store
from kg.pipeline.ingest import IngestFailure, ReadOptions, ingest, read_documents


class Plain:
    """Extractor double: a report with its metadata and no events."""

    def __call__(self, document: Document) -> Report:
        if "BOOM" in document.text:
            raise RuntimeError("extractor crashed on purpose")
        return Report(document=document, lang="ar")


def read(paths: list[Path], **options: object) -> tuple[list[Document], list[IngestFailure]]:
    docs, failures = [], []
    for item in read_documents(paths, ReadOptions(**options)):  # type: ignore[arg-type]
        (failures if isinstance(item, IngestFailure) else docs).append(item)
    return docs, failures


def test_formats_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("قالت قسد إن 5 عناصر قتلوا", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Title\nThe SDF said", encoding="utf-8")
    (tmp_path / "c.html").write_text(
        "<html><head><title>عنوان</title></head><body><p>نص &amp; خبر</p>"
        "<script>var x</script></body></html>", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"text": "خبر", "url": "https://ex.org/1", "published": "2024-01-02",
                    "source": "SANA", "lang": "ar", "title": "t"}) + "\n\n", encoding="utf-8")
    (tmp_path / "e.json").write_text(json.dumps([{"text": "x1"}, {"text": "x2"}]))
    (tmp_path / "ignored.csv").write_text("a,b")
    (tmp_path / "README.md").write_text("about these reports")
    docs, failures = read([tmp_path], published=dt.date(2020, 1, 1))
    assert failures == []
    by_origin = {Path(d.origin.split(":")[0].split("[")[0]).name: d for d in docs}
    assert set(by_origin) == {"a.txt", "b.md", "c.html", "d.jsonl", "e.json"}
    assert by_origin["c.html"].text == "نص & خبر" and by_origin["c.html"].title == "عنوان"
    jl = by_origin["d.jsonl"]
    assert (jl.url, jl.source, jl.lang, jl.published) == (
        "https://ex.org/1", "SANA", "ar", dt.date(2024, 1, 2))
    assert by_origin["a.txt"].published == dt.date(2020, 1, 1)
    assert len(docs) == 6


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty report"),
        ("blank.txt", b"  \n\t\n", "empty report"),
        ("binary.txt", bytes(range(256)) * 4, "binary file"),
        ("latin.txt", "café crème".encode("latin-1"), "not valid utf-8"),
        ("cp1256.txt", "قالت قوات سوريا الديمقراطية".encode("cp1256"), "Windows-1256"),
        ("bad.json", b'{"text": "x",', "invalid JSON"),
        ("notext.json", b'{"title": "x"}', "no 'text' field"),
        ("baddate.json", b'{"text": "x", "published": "13/12/2021"}', "not an ISO date"),
        ("badlang.json", b'{"text": "x", "lang": "fr"}', "lang 'fr'"),
        ("extra.json", b'{"text": "x", "body": "y"}', "unknown field(s) body"),
    ],
)
def test_bad_files_are_rejected_with_reason(tmp_path: Path, name: str, content: bytes,
                                            reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    docs, failures = read([path])
    assert docs == []
    [failure] = failures
    assert failure.origin.startswith(str(path))
    assert reason.lower() in failure.reason.lower()


def test_cp1256_can_be_read_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes("قالت قوات سوريا الديمقراطية".encode("cp1256"))
    docs, failures = read([path], encoding="cp1256")
    assert failures == [] and docs[0].text == "قالت قوات سوريا الديمقراطية"


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 5000)
    docs, failures = read([path], max_bytes=1000)
    assert docs == [] and "over the limit of 1,000" in failures[0].reason


def test_malformed_jsonl_lines_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text('{"text": "one"}\nnot json\n{"text": 5}\n{"text": "four"}\n')
    docs, failures = read([path])
    assert [d.text for d in docs] == ["one", "four"]
    assert [f.origin for f in failures] == [f"{path}:2", f"{path}:3"]
    assert "invalid JSON" in failures[0].reason and "'text'" in failures[1].reason


def test_missing_and_unreadable_paths(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    locked.chmod(0)
    docs, failures = read([missing, locked])
    reasons = {Path(f.origin).name: f.reason for f in failures}
    assert reasons["nope.txt"] == "no such file or folder"
    if os.geteuid() != 0:  # root can read anything
        assert "cannot read" in reasons["locked.txt"]


def test_batch_goes_on_and_store_stays_whole(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1.txt").write_text("تقرير أول")
    (folder / "2.txt").write_text("BOOM")
    (folder / "3.txt").write_bytes(b"\x00\x01binary")
    (folder / "4.txt").write_text("تقرير رابع")
    store = open_store(tmp_path / "store")
    summary = ingest(store, read_documents([folder]), processor=Plain())
    assert summary.reports == 2 and not summary.ok
    assert {Path(f.origin).name for f in summary.failures} == {"2.txt", "3.txt"}
    assert "extractor crashed on purpose" in str(summary.failures[0]) + str(summary.failures[1])
    assert len(store.graphs()) == 2
    before = len(store)
    # re-ingesting a report whose extraction now fails keeps its previous graph whole
    (folder / "1.txt").write_text("تقرير أول")
    again = ingest(store, read_documents([folder / "1.txt", folder / "2.txt"]), processor=Plain())
    assert again.reports == 1 and again.replaced == 1 and len(store) == before
    store.close()


def test_duplicate_reports_in_one_batch_are_named(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("نفس النص")
    (tmp_path / "b.txt").write_text("نفس   النص")  # same text once normalised
    store = open_store(None)
    summary = ingest(store, read_documents([tmp_path]), processor=Plain())
    assert summary.reports == 1
    assert "same report as" in summary.failures[0].reason


def test_a_folder_of_arabic_and_english_reports_ingests_without_a_language(
        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import main

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "ar.txt").write_text("داهمت قوات سوريا الديمقراطية منزلا في بلدة البصيرة أمس.",
                                   encoding="utf-8")
    (folder / "en.txt").write_text("The SDF raided a house in al-Busayrah on Monday, the "
                                   "SDF said.", encoding="utf-8")
    (folder / "reports.jsonl").write_text(json.dumps(
        {"text": "قصفت طائرات حربية بلدة الشحيل أمس.", "published": "2024-03-05"},
        ensure_ascii=False) + "\n" + json.dumps(
        {"text": "Turkish drones struck a car near Qamishli on Tuesday.",
         "published": "2024-03-05"}) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store),
                                       "--published", "2024-03-05"])
    assert result.exit_code == 0, result.output
    with open_store(store) as opened:
        rows = opened.query(
            "SELECT ?lang (COUNT(DISTINCT ?e) AS ?n) WHERE { ?r <https://schema.org/inLanguage> "
            "?lang . ?e <https://w3id.org/conflict-kg/ontology#reportedIn> ?r } GROUP BY ?lang")
        counts = {str(row[0].value): int(row[1].value) for row in rows}
    assert counts == {"ar": 2, "en": 2}


def test_deep_json_and_empty_json_lines_are_reported_and_the_batch_goes_on(
        tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "deep.json").write_text('{"a":' * 1000 + "1" + "}" * 1000)
    (folder / "deep.jsonl").write_text("[" * 1000 + "]" * 1000 + "\n" + json.dumps(
        {"text": "تقرير سليم"}, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "empty.jsonl").write_text("")
    docs, failures = read([folder])
    assert [d.text for d in docs] == ["تقرير سليم"]
    reasons = {Path(f.origin).name: f.reason for f in failures}
    assert "nested too deeply" in reasons["deep.json"]
    assert "nested too deeply" in reasons["deep.jsonl:1"]
    assert "no report" in reasons["empty.jsonl"]


def test_a_nul_byte_after_the_first_kilobytes_is_still_binary(tmp_path: Path) -> None:
    late = tmp_path / "late.txt"
    late.write_bytes("تقرير ".encode() * 3000 + b"\x00tail")
    docs, failures = read([late])
    assert docs == [] and "binary" in failures[0].reason
