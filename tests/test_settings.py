"""The settings table: precedence, parsing, documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main
from kg.core.settings import SETTINGS, SettingsError, load_settings


def test_defaults_then_file_then_env_then_overrides(tmp_path: Path) -> None:
    config = tmp_path / "kg.toml"
    config.write_text('query_timeout = 12\nport = 6000\nstore = "/tmp/from-file"\n')
    env = {"KG_PORT": "7000"}
    s = load_settings({"store": "/tmp/from-flag", "host": None}, env=env, config_file=config)
    assert s.query_timeout == 12.0 and s.sources["query_timeout"] == str(config)
    assert s.port == 7000 and s.sources["port"] == "env"
    assert s.store == "/tmp/from-flag" and s.sources["store"] == "override"
    assert s.host == "127.0.0.1" and s.sources["host"] == "default"


def test_kg_config_env_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "other.toml"
    config.write_text("allow_updates = true\nwrite_token = \"s3cret\"\n")
    s = load_settings(env={"KG_CONFIG": str(config)})
    assert s.allow_updates is True and s.write_token == "s3cret"


@pytest.mark.parametrize(
    ("env", "message"),
    [({"KG_PORT": "eighty"}, "port"), ({"KG_ALLOW_UPDATES": "maybe"}, "allow_updates")],
)
def test_bad_values_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env=env, config_file=None)


def test_unknown_setting_in_file_is_rejected(tmp_path: Path) -> None:
    config = tmp_path / "kg.toml"
    config.write_text("query_timout = 3\n")
    with pytest.raises(SettingsError, match="unknown setting 'query_timout'"):
        load_settings(env={}, config_file=config)


def test_list_setting_from_env() -> None:
    s = load_settings(env={"KG_ALLOWED_SERVICE_ENDPOINTS": "https://a/sparql, https://b/sparql"},
                      config_file=None)
    assert s.allowed_service_endpoints == ["https://a/sparql", "https://b/sparql"]


def test_every_setting_is_documented_in_help(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for setting in SETTINGS:
        assert setting.help.strip(), setting.name
        assert setting.env in result.output, setting.name


def test_settings_command_shows_sources(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["settings"], env={"KG_QUERY_TIMEOUT": "9",
                                                    "KG_WRITE_TOKEN": "hidden-value"})
    assert result.exit_code == 0, result.output
    assert "query_timeout = 9.0  [env]" in result.output
    assert "hidden-value" not in result.output
