"""The real-news evaluation corpus: a manifest and gold in the repository, texts outside.

News text is third-party material, so the repository keeps only facts about each
report: its URL, outlet, the SHA-256 and length of the excerpt that was annotated, a
retrieval hint, and the gold events (``EVAL_FORMAT.md``). The texts live in a local
folder (the ``corpus_dir`` setting, ``LANG/ID.txt`` inside it). :func:`add_text`
stores a re-gathered excerpt there only when its hash is the annotated one, and
:func:`check_folder` validates a corpus folder: every gold record against the
annotation rules and, where its text is present, against the text.

A corpus folder (``corpus/ar``) holds ``manifest.jsonl`` and one gold file per split
(``dev.gold.jsonl``, ``test.gold.jsonl``) whose records name their text as
``text_file: "ID.txt"``.

>>> problems = check_record({"id": "r1", "events": [{"type": "Riot"}]}, None)
>>> problems[0]
"r1: event 0: type 'Riot' is not one of the 13 event types"
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.model import EVENT_TYPES

ROLES = frozenset({"perpetrator", "supporter", "target", "imposer", "participant"})
STATUSES = frozenset({"killed", "injured", "arrested", "abducted", "missing"})
SPLITS = ("dev", "test")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: Fields every manifest line has.
MANIFEST_FIELDS = ("id", "lang", "url", "outlet", "country", "split", "text_sha256",
                   "text_chars")


class CorpusError(ValueError):
    """A corpus file or a text does not fit the manifest; the message says which."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One report of the manifest."""

    id: str
    lang: str
    url: str
    outlet: str
    country: str
    split: str
    text_sha256: str
    text_chars: int
    year: int | None = None
    #: how the excerpt was found again (search words), for whoever re-gathers it
    query: str | None = None

    def text_path(self, corpus_dir: str | Path) -> Path:
        """Where the text lives in the local corpus folder."""
        return Path(corpus_dir).expanduser() / self.lang / f"{self.id}.txt"


@dataclass(slots=True)
class FolderCheck:
    """What :func:`check_folder` found."""

    reports: int = 0
    events: int = 0
    by_split: dict[str, int] = field(default_factory=dict)
    present: int = 0
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problems (missing texts are not problems: CI has none)."""
        return not self.problems

    def lines(self) -> list[str]:
        """A summary for people, problems first."""
        splits = ", ".join(f"{k} {v}" for k, v in sorted(self.by_split.items()))
        return [*self.problems,
                f"{self.reports} reports ({splits}), {self.events} events; "
                f"texts present {self.present}, missing {len(self.missing)}; "
                f"{len(self.problems)} problems"]


def text_hash(data: bytes) -> str:
    """The SHA-256 of a text's UTF-8 bytes, as the manifest records it."""
    return hashlib.sha256(data).hexdigest()


def _jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as err:
                raise CorpusError(f"{path}:{number}: not JSON ({err.msg})") from None


def read_manifest(folder: str | Path) -> dict[str, Entry]:
    """The manifest of a corpus folder, by report id.

    Raises:
        CorpusError: a line is not JSON or lacks a field.
        OSError: the manifest cannot be read.
    """
    path = Path(folder) / "manifest.jsonl"
    entries: dict[str, Entry] = {}
    for number, row in _jsonl(path):
        missing = [f for f in MANIFEST_FIELDS if not isinstance(row, dict) or f not in row]
        if missing:
            raise CorpusError(f"{path}:{number}: missing {', '.join(missing)}")
        entry = Entry(**{k: row[k] for k in Entry.__slots__ if k in row})  # type: ignore[attr-defined]
        if entry.id in entries:
            raise CorpusError(f"{path}:{number}: id {entry.id} is listed twice")
        entries[entry.id] = entry
    return entries


def add_text(entry: Entry, data: bytes, corpus_dir: str | Path) -> Path:
    """Store a re-gathered excerpt of ``entry`` in the local corpus folder.

    Args:
        entry: the manifest entry.
        data: the excerpt's bytes (UTF-8).
        corpus_dir: the local corpus folder.

    Returns:
        The path written.

    Raises:
        CorpusError: the bytes are not the text that was annotated (hash differs).
    """
    digest = text_hash(data)
    if digest != entry.text_sha256:
        raise CorpusError(
            f"{entry.id}: this text is not the one annotated (sha256 {digest[:12]}…, "
            f"expected {entry.text_sha256[:12]}…; {len(data.decode('utf-8', 'replace'))} "
            f"characters, expected {entry.text_chars}): copy the excerpt again, exactly")
    path = entry.text_path(corpus_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def fold(text: str) -> str:
    """A loose form of a text for checking that a name occurs in it: NFKC, lower case,
    no diacritics or tatweel, alef/ya/ta marbuta folded, no quotes, single spaces."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub("[\u064b-\u065f\u0670\u0640]", "", t)
    t = re.sub("[إأآٱ]", "ا", t).replace("ى", "ي").replace("ة", "ه")
    t = re.sub("[\"'`«»“”‘’]", "", t)
    return re.sub(r"\s+", " ", t)


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def check_record(record: Mapping[str, Any], text: str | None) -> list[str]:
    """Problems of one gold record under the annotation rules (empty when none).

    Checks types, roles, statuses, counts, dates and flags; with the text, also that
    every place name, at least one name of every actor and every source other than
    the report's outlet occur in it.
    """
    rid = str(record.get("id", "?"))
    problems: list[str] = []

    def bad(message: str) -> None:
        problems.append(f"{rid}: {message}")

    published = record.get("published")
    if published is not None and not (isinstance(published, str) and len(published) == 10
                                      and _valid_date(published)):
        bad(f"published {published!r} is not a YYYY-MM-DD date or null")
    events = record.get("events")
    if not isinstance(events, list):
        bad("events must be a list")
        return problems
    folded = fold(text) if text is not None else None

    def occurs(name: Any) -> bool:
        return folded is None or (isinstance(name, str) and bool(name.strip())
                                  and fold(name).strip() in folded)

    outlet = {fold(str(record.get(k) or "")) for k in ("source", "outlet")} - {""}
    for i, ev in enumerate(events):
        where = f"event {i}"
        if not isinstance(ev, dict):
            bad(f"{where}: not an object")
            continue
        if ev.get("type") not in EVENT_TYPES:
            bad(f"{where}: type {ev.get('type')!r} is not one of the 13 event types")
        date = ev.get("date")
        if date is not None and not (isinstance(date, str) and _valid_date(date)):
            bad(f"{where}: date {date!r} is not YYYY-MM-DD, YYYY-MM, YYYY or null")
        place = ev.get("place")
        if place is not None:
            if not isinstance(place, dict) or not place.get("name"):
                bad(f"{where}: a place needs a name (null when the text names none)")
            elif not occurs(place["name"]):
                bad(f"{where}: place {place['name']!r} does not occur in the text")
        for actor in ev.get("actors") or []:
            if actor.get("role") not in ROLES:
                bad(f"{where}: role {actor.get('role')!r}")
            names = actor.get("names") or []
            if not names:
                bad(f"{where}: an actor without names")
            elif not any(occurs(n) for n in names):
                bad(f"{where}: no name of actor {names!r} occurs in the text")
        for cas in ev.get("casualties") or []:
            if cas.get("status") not in STATUSES:
                bad(f"{where}: casualty status {cas.get('status')!r}")
            count = cas.get("count")
            if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                                      or count < 0):
                bad(f"{where}: casualty count {count!r} is not a whole number or null")
        sources = ev.get("according_to")
        if not isinstance(sources, list):
            bad(f"{where}: according_to must be a list")
        else:
            for source in sources:
                if fold(str(source)) not in outlet and not occurs(source):
                    bad(f"{where}: source {source!r} is neither in the text nor the outlet")
        if not isinstance(ev.get("background"), bool):
            bad(f"{where}: background must be true or false")
    return problems


def gold_files(folder: str | Path) -> list[tuple[str, Path]]:
    """The split gold files of a corpus folder that exist, as ``(split, path)``."""
    return [(split, Path(folder) / f"{split}.gold.jsonl") for split in SPLITS
            if (Path(folder) / f"{split}.gold.jsonl").is_file()]


def check_folder(folder: str | Path, corpus_dir: str | Path | None) -> FolderCheck:
    """Validate a corpus folder: manifest, gold records, and the texts that are present.

    Args:
        folder: the corpus folder (``manifest.jsonl`` and split gold files).
        corpus_dir: the local text folder, or ``None`` to check without texts.

    Raises:
        CorpusError: the manifest or a gold file cannot be parsed.
    """
    entries = read_manifest(folder)
    out = FolderCheck()
    seen: set[str] = set()
    for split, path in gold_files(folder):
        for number, record in _jsonl(path):
            rid = str(record.get("id")) if isinstance(record, dict) else "?"
            if rid in seen:
                out.problems.append(f"{path}:{number}: id {rid} is in the gold twice")
            seen.add(rid)
            entry = entries.get(rid)
            if entry is None:
                out.problems.append(f"{path}:{number}: id {rid} is not in the manifest")
                continue
            if entry.split != split:
                out.problems.append(f"{rid}: listed in {entry.split}, found in {split}")
            text = None
            if corpus_dir is not None and entry.text_path(corpus_dir).is_file():
                data = entry.text_path(corpus_dir).read_bytes()
                if text_hash(data) != entry.text_sha256:
                    out.problems.append(f"{rid}: the local text is not the one annotated "
                                        f"(hash differs): add it again")
                else:
                    text = data.decode("utf-8")
                    out.present += 1
            else:
                out.missing.append(rid)
            out.problems.extend(check_record(record, text))
            out.reports += 1
            out.by_split[split] = out.by_split.get(split, 0) + 1
            out.events += len(record.get("events") or [])
    for rid in sorted(set(entries) - seen):
        out.problems.append(f"{rid}: in the manifest but in no gold file")
    return out


#: Share of reports that go to the test split (chosen by URL hash, so a report's split
#: never depends on which other reports are in the corpus).
TEST_SHARE = 0.45


def split_of(url: str, test_share: float = TEST_SHARE) -> str:
    """The split of a report: ``test`` when its URL hash falls under ``test_share``.

    >>> split_of("https://example.org/a"), split_of("https://example.org/c")
    ('dev', 'test')
    """
    fraction = int(hashlib.sha256(url.encode("utf-8")).hexdigest()[:8], 16) / 2 ** 32
    return "test" if fraction < test_share else "dev"


def build_folder(records: list[dict[str, Any]], folder: str | Path,
                 test_share: float = TEST_SHARE) -> dict[str, int]:
    """Write a corpus folder from annotators' records (gold and manifest facts in one).

    Each record has the gold fields (``EVAL_FORMAT.md``) and the manifest facts
    (``url``, ``outlet``, ``country``, ``year``, ``query``, ``text_sha256``,
    ``text_chars``). Reports are split by :func:`split_of`, sorted by id, and written
    as ``manifest.jsonl``, ``dev.gold.jsonl`` and ``test.gold.jsonl``.

    Returns:
        How many reports went to each split.

    Raises:
        CorpusError: two records share an id or a URL, or a record lacks a field.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, Any]] = []
    gold: dict[str, list[dict[str, Any]]] = {split: [] for split in SPLITS}
    ids: set[str] = set()
    urls: set[str] = set()
    for record in sorted(records, key=lambda r: str(r.get("id"))):
        rid, url = str(record.get("id")), str(record.get("url") or "")
        if rid in ids or url in urls:
            raise CorpusError(f"{rid}: the id or URL {url} is in the records twice")
        if not url or not record.get("text_sha256"):
            raise CorpusError(f"{rid}: a record needs url and text_sha256")
        ids.add(rid)
        urls.add(url)
        split = split_of(url, test_share)
        manifest.append({"id": rid, "lang": record["lang"], "url": url,
                         "outlet": record.get("outlet"), "country": record.get("country"),
                         "year": record.get("year"), "split": split,
                         "text_sha256": record["text_sha256"],
                         "text_chars": record.get("text_chars"), "query": record.get("query")})
        gold[split].append({
            "id": rid, "lang": record["lang"], "published": record.get("published"),
            "source": record.get("source") or record.get("outlet"), "url": url,
            "text_file": f"{rid}.txt", "text_sha256": record["text_sha256"],
            "events": record.get("events") or []})

    def write(name: str, rows: list[dict[str, Any]]) -> None:
        with (folder / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")

    write("manifest.jsonl", manifest)
    for split, rows in gold.items():
        write(f"{split}.gold.jsonl", rows)
    return {split: len(rows) for split, rows in gold.items()}
