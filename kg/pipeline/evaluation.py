"""Run gold reports through the pipeline and score them (:mod:`kg.pipeline.scoring`).

* :func:`to_eval_record` turns an extracted :class:`kg.core.model.Report` into one
  record of the gold schema (plus ``confidence`` and ``spans`` keys);
* :func:`read_gold` reads a gold JSONL file with each report's text;
* :func:`evaluate` runs the extractor on every report of a gold file and scores it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kg.core.model import CIVILIANS, Casualty, Document, Event, Mention, Report
from kg.pipeline.scoring import (
    ADMIN1_TYPES,
    EvalFormatError,
    EvalResult,
    Record,
    score_report,
)

log = logging.getLogger(__name__)


def kb_entity(kb: Any, key: str | None) -> Any:
    if kb is None or not key:
        return None
    try:
        return kb.entity(key)
    except (KeyError, LookupError):
        return None


def entity_names(entity: Any) -> list[str]:
    if entity is None:
        return []
    names = [getattr(entity, "label_ar", None), getattr(entity, "label_en", None)]
    names.extend(getattr(entity, "aliases", None) or [])
    return [n for n in names if n]


def place_ancestors(kb: Any, key: str | None) -> list[Any]:
    if kb is None or not key:
        return []
    try:
        chain = list(kb.ancestors(key))
    except (KeyError, LookupError):
        return []
    return [kb_entity(kb, a) if isinstance(a, str) else a for a in chain]


# --------------------------------------------------------------------------- records






def _mention_name(mention: Mention) -> str:
    return mention.name or mention.span.text


def _names(mention: Mention, kb: Any) -> list[str]:
    names = [_mention_name(mention), mention.span.text]
    names.extend(entity_names(kb_entity(kb, mention.entity)))
    return list(dict.fromkeys(n for n in names if n))


def _qid(mention: Mention | None, kb: Any) -> str | None:
    if mention is None:
        return None
    return getattr(kb_entity(kb, mention.entity), "wikidata", None) or None




def _is_admin1(entity: Any) -> bool:
    if getattr(entity, "admin_level", None) == 1:
        return True
    return getattr(entity, "type", None) in ADMIN1_TYPES


def _place_record(event: Event, kb: Any) -> dict[str, Any] | None:
    if event.place is None:
        return None
    mention = event.place.mention
    entity = kb_entity(kb, mention.entity)
    chain = [a for a in place_ancestors(kb, mention.entity) if a is not None]
    admin1 = None
    for candidate in ([entity] if entity is not None else []) + chain:
        if _is_admin1(candidate):
            admin1 = getattr(candidate, "wikidata", None)
            break
    return {
        "name": _mention_name(mention),
        "wikidata": getattr(entity, "wikidata", None) or None,
        "admin1": admin1,
        "names": _names(mention, kb),
        "key": mention.entity,
        "precision": event.place.precision,
        "relation": event.place.relation,
    }


#: The gold format's name for the civilian side ("affiliation": "civilians").
CIVILIAN_SIDE = "civilians"


#: Qualifiers under which the gold format writes no count ("more than 25" → null): the
#: number written is only a lower bound, kept in the record as ``lower_bound``.
UNCOUNTED_QUALIFIERS = frozenset({"more_than"})


def _casualty_record(casualty: Casualty, kb: Any) -> dict[str, Any]:
    aff = casualty.affiliation
    count = casualty.count
    bound: dict[str, Any] = {}
    if casualty.qualifier in UNCOUNTED_QUALIFIERS and count is not None:
        count, bound = None, {"lower_bound": count}
    if aff is not None and aff.label == CIVILIANS:  # مدنيين، أطفال، civilians …
        return {"status": casualty.status, "count": count,
                "affiliation": CIVILIAN_SIDE, "affiliation_names": [CIVILIAN_SIDE,
                                                                   _mention_name(aff)],
                "qualifier": casualty.qualifier, **bound}
    qid = _qid(aff, kb)
    return {
        "status": casualty.status,
        "count": count,
        "affiliation": qid or (_mention_name(aff) if aff is not None else None),
        "affiliation_names": _names(aff, kb) if aff is not None else [],
        "qualifier": casualty.qualifier,
        **bound,
    }


def _span(span: Any) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def _event_record(event: Event, kb: Any) -> dict[str, Any]:
    return {
        "type": event.type,
        "name": event.name,
        "date": event.date.value if event.date is not None else None,
        "date_precision": event.date.precision if event.date is not None else None,
        "place": _place_record(event, kb),
        "actors": [{"names": _names(p.mention, kb), "wikidata": _qid(p.mention, kb),
                    "role": p.role} for p in event.actors],
        "casualties": [_casualty_record(c, kb) for c in event.casualties],
        "according_to": [_mention_name(m) for m in event.according_to],
        "according_to_names": [_names(m, kb) for m in event.according_to],
        "background": event.background,
        "confidence": event.confidence,
        "spans": {
            "trigger": _span(event.trigger),
            "sentence": _span(event.sentence),
            "date": _span(event.date.span if event.date is not None else None),
            "place": _span(event.place.mention.span if event.place is not None else None),
            "actors": [_span(p.mention.span) for p in event.actors],
            "casualties": [_span(c.span) for c in event.casualties],
            "according_to": [_span(m.span) for m in event.according_to],
        },
    }


def to_eval_record(report: Report, *, id: str | None = None, kb: Any = None) -> dict[str, Any]:
    """Serialise an extracted report in the ``EVAL_FORMAT`` schema.

    Fields are those of the gold (``id``, ``lang``, ``published``, ``source``,
    ``url``, ``events``); each event adds ``confidence``, ``spans`` (``[start, end]``
    offsets into the original text) and a few helper keys the scorer reads
    (``place.names``, ``according_to_names``,
    ``casualties[].affiliation_names``). Actor names are the mention as written
    plus the KB labels and aliases when it is linked; an affiliation is its QID
    when linked with one, else its name.

    >>> rec = to_eval_record(Report(Document("نص"), "ar"), id="r1")
    >>> rec["id"], rec["events"]
    ('r1', [])

    Args:
        report: an extracted (and possibly linked) report.
        id: the record id; by default the report key (hash of URL or text).
        kb: the knowledge base (:func:`kg.linking.kb.load_kb`) for names, QIDs and the
            first-level division; without it only what the text says is given.

    Returns:
        A JSON-ready dict.
    """
    doc = report.document
    if id is None:
        from kg.core.iris import report_key

        id = report_key(url=doc.url, text=doc.text)
    return {
        "id": id,
        "lang": report.lang,
        "published": doc.published.isoformat() if doc.published else None,
        "source": doc.source,
        "url": doc.url,
        "events": [_event_record(e, kb) for e in report.events],
        "extractor": f"{report.extractor} {report.extractor_version}",
    }


# --------------------------------------------------------------------------- running


def read_gold(path: str | Path, *, texts: str | Path | None = None,
              missing: list[str] | None = None) -> Iterator[tuple[Record, str]]:
    """Read a gold JSONL file.

    Args:
        path: the ``*.gold.jsonl`` file.
        texts: another folder to find ``text_file`` in (also in its subfolder named by
            the record's ``lang``) when it is not next to the gold file: the local
            corpus folder of real-news texts, which are kept out of version control.
        missing: when given, records whose text is not found (or whose
            ``text_sha256`` does not match it) are left out and their ids appended
            here, instead of raising.

    Yields:
        Each record with its text (from ``text`` or ``text_file``).

    Raises:
        EvalFormatError: a line is not JSON or has no id or events; a text file cannot
            be read or is not the annotated text (without ``missing``).
    """
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as err:
                raise EvalFormatError(f"{where}: not JSON ({err})") from err
            if not isinstance(record, dict) or "id" not in record or not isinstance(
                    record.get("events"), list):
                raise EvalFormatError(f"{where}: a gold record needs 'id' and 'events'")
            if isinstance(record.get("text"), str):
                yield record, record["text"]
                continue
            if not record.get("text_file"):
                raise EvalFormatError(f"{where}: a gold record needs 'text' or 'text_file'")
            folders = [path.parent]
            if texts is not None:  # the local corpus keeps texts as LANG/ID.txt
                folders += [Path(texts) / str(record.get("lang") or ""), Path(texts)]
            problem, text = _gold_text(record, folders)
            if problem is None:
                yield record, text
            elif missing is not None:
                missing.append(str(record["id"]))
            else:
                raise EvalFormatError(f"{where}: {problem}")


def _gold_text(record: Mapping[str, Any], folders: list[Path]) -> tuple[str | None, str]:
    """``(None, text)`` of a record's ``text_file``, or ``(why not, "")``."""
    from kg.pipeline.corpus import text_hash

    name = str(record["text_file"])
    for folder in folders:
        candidate = folder.expanduser() / name
        if not candidate.is_file():
            continue
        try:
            data = candidate.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            return f"cannot read text_file: {err}", ""
        expected = record.get("text_sha256")
        if expected and text_hash(data) != expected:
            return f"{candidate} is not the text that was annotated (sha256 differs)", ""
        return None, text
    return f"cannot read text_file: {name} is in none of {', '.join(map(str, folders))}", ""


def _document(record: Mapping[str, Any], text: str, origin: str, lang: str | None) -> Document:
    published = record.get("published")
    return Document(
        text=text,
        url=record.get("url"),
        published=dt.date.fromisoformat(published) if published else None,
        source=record.get("source"),
        lang=lang or record.get("lang") or "auto",
        origin=origin,
    )


def evaluate(gold_path: str | Path, *, nlp: Any = None, lang: str | None = None,
             texts: str | Path | None = None) -> EvalResult:
    """Run the extractor on every report of a gold file and score the result.

    A report whose extraction raises counts as one with no events found; its
    error is shown in its diff and the run goes on.

    Args:
        gold_path: a ``*.gold.jsonl`` file (``EVAL_FORMAT.md``).
        nlp: a pipeline for :func:`extractors.extract`; by default one is built per
            language with :func:`extractors.make_nlp` and reused for the run.
        lang: language to use instead of each record's ``lang``.
        texts: the local corpus folder where texts kept out of version control are
            found (see :func:`read_gold`); reports whose text is missing there are
            left out and listed in ``missing_texts``.

    Returns:
        The metrics and diffs.

    Raises:
        EvalFormatError: the gold file is malformed.
        OSError: the gold file cannot be read.
    """
    from kg.pipeline.ingest import Processor

    processor = Processor(nlp)  # one pipeline per language for the run, and the linker
    result = EvalResult()
    missing = result.missing_texts if texts is not None else None
    for number, (gold, text) in enumerate(read_gold(gold_path, texts=texts, missing=missing), 1):
        origin = f"{gold_path}:{number}"
        doc = _document(gold, text, origin, lang)
        try:
            pred = to_eval_record(processor(doc), id=str(gold["id"]), kb=processor.kb)
        except Exception as err:  # noqa: BLE001 - one bad report must not stop the run
            log.warning("extraction failed for %s: %s: %s", origin, type(err).__name__, err)
            score_report(result, gold, None, error=f"{type(err).__name__}: {err}")
            continue
        score_report(result, gold, pred)
    return result
