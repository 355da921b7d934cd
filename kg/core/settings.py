"""One settings table for the whole project.

Each setting has a name, a default, a type and help text. Values come from, in
order of increasing precedence: the defaults below, a TOML config file, ``KG_*``
environment variables, then explicit overrides (command-line flags).

>>> s = load_settings(env={"KG_QUERY_TIMEOUT": "5"}, config_file=None)
>>> s.query_timeout
5.0
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def default_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/conflict-kg`` or ``~/.local/share/...``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "conflict-kg"


def default_config_file() -> Path:
    """The per-user config file (``$XDG_CONFIG_HOME/conflict-kg/config.toml``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "conflict-kg" / "config.toml"


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r} (use true/false)")


def _list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


@dataclass(frozen=True, slots=True)
class Setting:
    """One entry of the settings table."""

    name: str
    default: Any
    parse: Callable[[Any], Any]
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return "KG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("store", str(default_data_dir() / "store"), str,
            "Folder of the on-disk Oxigraph store, or the query URL of a SPARQL 1.1 server "
            "(Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever) holding the store."),
    Setting("store_update_url", None, _optional_str,
            "With a server store: its SPARQL update URL (default: guessed from the store "
            "URL, e.g. /query -> /update)."),
    Setting("store_graph_url", None, _optional_str,
            "With a server store: its Graph Store Protocol URL (default: guessed from the "
            "store URL, e.g. /query -> /store)."),
    Setting("host", "127.0.0.1", str, "Address the server listens on."),
    Setting("port", 5000, int, "Port the server listens on."),
    Setting("workers", 4, int, "Threads of each web process answering requests."),
    Setting("web_processes", 2, int,
            "Web processes of a read-only server (one when writes are on: the store then "
            "has a single writer)."),
    Setting("http_server", "granian", str,
            "HTTP server `kg serve` runs the app in: granian (Rust, faster) or gunicorn."),
    Setting("query_timeout", 30.0, float,
            "Seconds a SPARQL query may run before it is stopped."),
    Setting("max_result_rows", 100_000, int,
            "Most result rows (or triples) one query may return."),
    Setting("max_request_bytes", 1_000_000, int,
            "Largest request body the server accepts, in bytes."),
    Setting("request_read_timeout", 10.0, float,
            "Seconds a client has to send a whole request body; then 408 (granian only)."),
    Setting("request_header_timeout", 5.0, float,
            "Seconds a new connection has to send its request headers; then it is closed "
            "(granian only)."),
    Setting("max_connections", 10000, int,
            "Most connections each web process serves at once, idle ones included "
            "(granian's backpressure; keep it under the open-file limit)."),
    Setting("max_client_requests", 16, int,
            "Most requests one client address may have in progress at once, counting "
            "those still sending their body; more get 429 (granian only)."),
    Setting("max_concurrent_queries", 2, int,
            "Most queries each web process runs at the same time; others wait briefly, "
            "then get 503."),
    Setting("client_query_slots", 0, int,
            "Most query slots one client address may hold at once in each web process; "
            "0: one fewer than max_concurrent_queries (at least 1). More wait, then 429."),
    Setting("query_memory_limit", 2048, int,
            "Megabytes of memory the query worker may use; over it, the worker is "
            "stopped and restarted and its requests get 503 memory_limit. 0: no limit."),
    Setting("max_query_nesting", 128, int,
            "Deepest nesting of brackets ({, (, [) a query or update may have; deeper ones "
            "get 400 before the engine parses them."),
    Setting("allow_updates", False, _bool,
            "Enable SPARQL Update, the Graph Store Protocol and ingestion over HTTP "
            "(needs write_token)."),
    Setting("write_token", None, _optional_str,
            "Bearer token required for every write over HTTP. Writes stay off without one."),
    Setting("allowed_service_endpoints", [], _list,
            "SPARQL endpoints that SERVICE may call (comma-separated). Empty: SERVICE is refused."),
    Setting("cors", True, _bool, "Send CORS headers on read routes."),
    Setting("max_report_bytes", 2_000_000, int,
            "Largest report file (or JSONL line) accepted for ingestion, in bytes."),
    Setting("lang", "auto", str, "Language of reports without one: auto, ar or en."),
    Setting("jobs", 0, int,
            "Processes that extract reports in `kg ingest` (0: one per CPU). One process "
            "writes the store either way."),
    Setting("cluster", None, _optional_str,
            "Dask scheduler address (tcp://host:8786) whose workers extract reports in "
            "`kg ingest`, or 'local' for a cluster of `jobs` processes on this machine. "
            "Needs pip install 'conflict-kg[cluster]'."),
    Setting("reports_per_job", 200, int,
            "Fewest reports worth an extraction process of their own (each takes about a "
            "second to load its pipeline): smaller batches use fewer processes than jobs."),
    Setting("ledger", None, _optional_str,
            "File of the ingestion ledger (which reports are in the store, from what content, "
            "by which pipeline version). Default: kg-ledger.sqlite3 in the store folder."),
    Setting("validate_on_ingest", False, _bool,
            "Check each report's graph against the SHACL shapes before storing it."),
    Setting("base_url", None, _optional_str,
            "Public URL of the server, used in service descriptions (default: from the request)."),
    Setting("online", False, _bool,
            "Allow the online Wikidata reconciliation (kg link --online)."),
    Setting("wikidata_api", "https://www.wikidata.org/w/api.php", str,
            "Wikidata API URL used by online reconciliation."),
    Setting("wikidata_cache", str(default_data_dir() / "wikidata-cache"), str,
            "Folder where online reconciliation caches Wikidata API answers."),
    Setting("wikidata_min_interval", 1.0, float,
            "Seconds between two Wikidata API requests (rate limit)."),
    Setting("corpus_dir", str(default_data_dir() / "corpus"), str,
            "Folder of the real-news evaluation texts (LANG/ID.txt), kept out of version "
            "control; `kg corpus add` fills it, `kg eval` reads it."),
    Setting("link_threshold", 0.35, float,
            "Confidence under which a mention stays unlinked (NIL) and gets a local entity."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """Resolved settings; read them as attributes (``settings.query_timeout``)."""

    __slots__ = ("_values", "sources")

    def __init__(self, values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
        self._values = dict(values)
        #: where each value came from: ``default``, the config file path, ``env`` or ``override``
        self.sources = dict(sources)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no setting named {name!r}") from None

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values replaced (parsed like any other source)."""
        values = dict(self._values)
        sources = dict(self.sources)
        for name, value in overrides.items():
            values[name] = _parse(name, value, "override")
            sources[name] = "override"
        return Settings(values, sources)

    def as_dict(self) -> dict[str, Any]:
        """All values by name."""
        return dict(self._values)


class SettingsError(ValueError):
    """A setting has an unknown name or a value that cannot be parsed."""


def _parse(name: str, value: Any, origin: str) -> Any:
    setting = _BY_NAME.get(name)
    if setting is None:
        raise SettingsError(f"unknown setting {name!r} in {origin}; known: {', '.join(_BY_NAME)}")
    if value is None:
        return None
    try:
        return setting.parse(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"bad value for {name} in {origin}: {value!r} ({exc})") from None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None | bool = True,
) -> Settings:
    """Resolve settings from defaults, a config file, the environment and overrides.

    Args:
        overrides: values given explicitly (e.g. command-line flags); ``None`` values
            are ignored so unset flags do not hide other sources.
        env: the environment to read ``KG_*`` variables from (default ``os.environ``).
        config_file: a TOML file; ``True`` means ``KG_CONFIG`` or the per-user file if
            it exists; ``None``/``False`` reads no file.

    Returns:
        The resolved settings.

    Raises:
        SettingsError: on an unknown setting or an unparsable value.
    """
    environ = os.environ if env is None else env
    values = {s.name: s.default for s in SETTINGS}
    sources = {s.name: "default" for s in SETTINGS}

    path: Path | None = None
    if config_file is True:
        named = environ.get("KG_CONFIG")
        path = Path(named) if named else default_config_file()
        if not named and not path.exists():
            path = None
    elif config_file:
        path = Path(config_file)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
        for name, value in data.items():
            values[name] = _parse(name, value, str(path))
            sources[name] = str(path)

    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name] = _parse(setting.name, environ[setting.env], setting.env)
            sources[setting.name] = "env"

    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _parse(name, value, "override")
            sources[name] = "override"
    return Settings(values, sources)


def settings_help() -> str:
    """A table of every setting, its environment variable, default and help."""
    lines = []
    for s in SETTINGS:
        lines.append(f"{s.name} ({s.env}, default {s.default!r}): {s.help}")
    return "\n".join(lines)
