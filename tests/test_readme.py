"""The README's two commands are the ones CI and users run."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n([^\n]+)\n```", text)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(c for c in _commands() if "pytest" in c)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_run_command_installs_and_runs_the_demo() -> None:
    run_command = _commands()[0]
    assert "pip install ." in run_command and run_command.endswith("kg demo")
