"""Send reports to a running ``kg serve`` instead of opening its store (``kg ingest --server``).

While a server runs it owns the store folder, so ``kg ingest`` posts the documents
to the server's ``/api/reports`` route with the write token; the server extracts,
links and stores them (see :mod:`server.reports`). Documents go in batches of JSON
lines; a batch answered with ``503`` (the server's query worker restarted under
it) is sent again, which is safe because re-ingesting a report replaces its graph.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import requests

from kg.core.model import Document
from kg.pipeline.ingest import IngestFailure, IngestSummary

#: Reports per request.
BATCH = 16
#: Tries per batch when the server answers 503.
TRIES = 3


class RemoteError(RuntimeError):
    """The server refused the reports (bad token, read-only server, unreachable)."""


def document_json(document: Document) -> dict[str, Any]:
    """The JSON object ``/api/reports`` takes for a document.

    >>> document_json(Document(text="x", url="https://e.org/1", lang="en"))
    {'text': 'x', 'url': 'https://e.org/1', 'lang': 'en'}
    """
    out: dict[str, Any] = {"text": document.text}
    for name in ("url", "title", "source"):
        value = getattr(document, name)
        if value:
            out[name] = value
    if document.published:
        out["published"] = document.published.isoformat()
    out["lang"] = document.lang
    return out


def _batches(items: Iterable[Document | IngestFailure],
             summary: IngestSummary) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        if isinstance(item, IngestFailure):
            summary.failures.append(item)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def send_reports(
    server: str,
    token: str,
    items: Iterable[Document | IngestFailure],
    *,
    progress: Callable[[Document | IngestFailure], None] | None = None,
    timeout: float = 600.0,
    session: requests.Session | None = None,
) -> IngestSummary:
    """Ingest documents through a running server.

    Args:
        server: the server's base URL (``http://127.0.0.1:5000``).
        token: the server's write token.
        items: documents (and read failures, which go straight into the summary).
        progress: called once per item sent.
        timeout: seconds to wait for one batch.
        session: an HTTP session to reuse.

    Returns:
        The summary of what the server stored; failures keep each report's origin.

    Raises:
        RemoteError: the server is unreachable or refused the request.
    """
    http = session or requests.Session()
    url = server.rstrip("/") + "/api/reports"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    summary = IngestSummary()
    for batch in _batches(items, summary):
        body = "\n".join(json.dumps(document_json(d), ensure_ascii=False) for d in batch)
        answer = _post(http, url, body.encode("utf-8"), headers, timeout)
        origins = [d.origin for d in batch]
        _merge(summary, answer, origins)
        if progress is not None:
            for document in batch:
                progress(document)
    return summary


def _post(http: requests.Session, url: str, body: bytes, headers: dict[str, str],
          timeout: float) -> dict[str, Any]:
    for attempt in range(TRIES):
        try:
            response = http.post(url, data=body, headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            raise RemoteError(f"cannot reach {url}: {exc}") from None
        if response.status_code == 503 and attempt + 1 < TRIES:
            time.sleep(float(response.headers.get("Retry-After", "1")))
            continue
        try:
            data = response.json()
        except ValueError:
            raise RemoteError(f"{url} answered {response.status_code} without JSON") from None
        if response.status_code in (200, 422):
            return data  # type: ignore[no-any-return]
        error = data.get("error", {}) if isinstance(data, dict) else {}
        raise RemoteError(f"{url} refused the reports ({response.status_code}): "
                          f"{error.get('message', response.reason)}")
    raise RemoteError(f"{url} stayed unavailable")


def _merge(summary: IngestSummary, answer: dict[str, Any], origins: list[str]) -> None:
    """Add one batch's server summary into ``summary``, naming failures by local origin."""
    summary.reports += int(answer.get("reports", 0))
    summary.events += int(answer.get("events", 0))
    if isinstance(answer.get("entity_iris"), list):
        # distinct over all batches: an entity mentioned in two batches counts once
        summary.entity_iris.update(str(iri) for iri in answer["entity_iris"])
        summary.entities = len(summary.entity_iris)
    else:  # a server that does not list them: the best count is the sum
        summary.entities += int(answer.get("entities", 0))
    summary.quads_written += int(answer.get("quads_written", 0))
    summary.quads_added += int(answer.get("quads_added", 0))
    summary.replaced += int(answer.get("replaced", 0))
    for name, count in answer.get("events_by_type", {}).items():
        summary.events_by_type[name] = summary.events_by_type.get(name, 0) + int(count)
    for failure in answer.get("failures", []):
        origin = str(failure.get("origin", "request"))
        # the server names items "request:N" (line N of the batch)
        _, _, line = origin.rpartition(":")
        if line.isdigit() and 0 < int(line) <= len(origins):
            origin = origins[int(line) - 1]
        summary.failures.append(IngestFailure(origin, str(failure.get("reason", ""))))
