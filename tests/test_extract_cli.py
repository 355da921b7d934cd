"""``kg extract``: readable summaries and EVAL_FORMAT lines, failures reported."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main

AR = "قصفت طائرات حربية بلدة كفرنبل جنوبي إدلب أمس، ما أدى إلى مقتل ثلاثة مدنيين.\n"
EN = "ISIS militants attacked an SDF checkpoint near Raqqa on Sunday, the SDF said.\n"


def test_extract_summary_and_failures(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "b.txt").write_text(EN, encoding="utf-8")
    result = runner.invoke(main, ["extract", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                  str(tmp_path / "missing.txt"), "--published", "2024-03-12"])
    assert result.exit_code == 1  # the missing file
    assert "Airstrike  date 2024-03-11" in result.output
    assert "killed 3" in result.output
    assert "(en): 1 event(s)" in result.output
    assert "Attack" in result.output
    assert "missing.txt: no such file" in result.stderr


def test_extract_json_lines(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(AR, encoding="utf-8")
    result = runner.invoke(main, ["extract", str(tmp_path / "a.txt"), "--json",
                                  "--published", "2024-03-12", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.output.splitlines() if x.strip()]
    record = json.loads(line)
    (event,) = record["events"]
    assert event["type"] == "Airstrike" and event["date"] == "2024-03-11"
    assert event["casualties"][0]["status"] == "killed"
    assert event["casualties"][0]["count"] == 3
    start, end = event["spans"]["trigger"]
    assert AR[start:end] == "قصفت"
