"""Shared fixtures: paths to the shared data, stores, the CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """The read-only shared folder (``KG_SHARED_DIR`` or ``../shared``), if present."""
    named = os.environ.get("KG_SHARED_DIR")
    path = Path(named) if named else REPO.parent / "shared"
    return path if path.is_dir() else None


@pytest.fixture
def shared() -> Path:
    """The shared folder; skips the test when it is absent (a user's fresh clone)."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared is not present (set KG_SHARED_DIR to run this test)")
    return path


@pytest.fixture
def seed_text() -> str:
    """The founding report (bundled with the package as a sample)."""
    return (REPO / "kg" / "samples" / "report-ar-000.txt").read_text(encoding="utf-8")


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A fresh folder for an on-disk store."""
    return tmp_path / "store"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner isolated from the user's config and data folders."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in list(os.environ):
        if name.startswith("KG_") and name != "KG_SHARED_DIR":
            monkeypatch.delenv(name)
    return CliRunner()
