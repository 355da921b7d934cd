"""A readable, plain-text summary of an extracted report (for ``kg extract``)."""

from __future__ import annotations

from kg.core.model import Event, Report


def describe_event(event: Event) -> str:
    """One event on one line: type, date, place, actors with roles, casualties, sources.

    >>> from kg.core.model import Span
    >>> describe_event(Event("Curfew", Span(0, 3, "حظر"), Span(0, 3, "حظر")))
    'Curfew  date ?  place ?'
    """
    parts: list[str] = [event.type]
    if event.name:
        parts.append(f"«{event.name}»")
    date = event.date.value if event.date is not None and event.date.value else "?"
    parts.append(f"date {date}")
    if event.place is not None:
        relation = f"{event.place.relation} " if event.place.relation else ""
        parts.append(f"place {relation}{event.place.mention.name}")
    else:
        parts.append("place ?")
    if event.actors:
        parts.append("actors " + ", ".join(f"{p.mention.name} ({p.role})" for p in event.actors))
    if event.casualties:
        parts.append("casualties " + ", ".join(
            f"{c.status} {c.count if c.count is not None else 'several'}"
            + (f" {c.qualifier}" if c.qualifier else "")
            + (f" of {c.affiliation.name}" if c.affiliation is not None else "")
            for c in event.casualties))
    if event.according_to:
        parts.append("according to " + ", ".join(m.name or m.span.text
                                                  for m in event.according_to))
    if event.background:
        parts.append("[background]")
    return "  ".join(parts)


def describe_report(report: Report) -> str:
    """The report's origin and language, then one line per event.

    >>> from kg.core.model import Document
    >>> describe_report(Report(Document("نص", origin="a.txt"), "ar"))
    'a.txt (ar): no events'
    """
    head = f"{report.document.origin} ({report.lang})"
    if not report.events:
        return f"{head}: no events"
    lines = [f"{head}: {len(report.events)} event(s)"]
    lines.extend(f"  {i}. {describe_event(e)}" for i, e in enumerate(report.events, 1))
    return "\n".join(lines)
