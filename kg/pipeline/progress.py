"""How far an ingestion batch has come: reports, events, rate and time left.

On a terminal one line is redrawn in place; in a log (not a terminal) a plain line is
written now and then, so that a log of a long batch stays readable.

>>> import io
>>> from kg.pipeline.ingest import IngestSummary
>>> out = io.StringIO()
>>> clock = iter([0.0, 10.0, 20.0]).__next__
>>> progress = Progress(100, out, tty=False, every=5.0, clock=clock)
>>> progress(IngestSummary(reports=40, events=12))
>>> print(out.getvalue().strip())
40/100 reports (40%), 12 events, 4.0 reports/s, ETA 0:15
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, Any


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Shows an ingestion's progress (pass it as ``ingest(progress=...)``).

    Args:
        total: about how many reports the batch holds (0 if unknown: no ETA).
        stream: where to write (standard error, usually).
        tty: redraw one line (a terminal) or write plain lines (a log).
        every: seconds between two lines in a log (a terminal is redrawn at most 10
            times a second).
        clock: seconds, for tests.
    """

    def __init__(self, total: int, stream: IO[str], *, tty: bool, every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.stream = stream
        self.tty = tty
        self.every = 0.1 if tty else every
        self._clock = clock
        self._start = clock()
        self._last = self._start
        self._shown = ""

    def line(self, summary: Any, elapsed: float) -> str:
        """The progress line for ``summary`` after ``elapsed`` seconds."""
        done = summary.handled
        rate = done / elapsed if elapsed > 0 else 0.0
        text = f"{done:,}"
        if self.total:
            text += f"/{self.total:,} reports ({min(100, 100 * done // self.total)}%)"
        else:
            text += " reports"
        text += f", {summary.events:,} events, {rate:,.1f} reports/s"
        if summary.skipped:
            text += f", {summary.skipped:,} skipped"
        if summary.failures:
            text += f", {len(summary.failures):,} failed"
        if self.total and rate > 0 and done < self.total:
            text += f", ETA {_duration((self.total - done) / rate)}"
        return text

    def __call__(self, summary: Any) -> None:
        now = self._clock()
        if now - self._last < self.every:
            return
        self._last = now
        self._show(self.line(summary, now - self._start))

    def _show(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r" + text.ljust(len(self._shown)))
        else:
            self.stream.write(text + "\n")
        self._shown = text
        self.stream.flush()

    def finish(self, summary: Any) -> None:
        """Show the final line (and end the terminal's line)."""
        self._show(self.line(summary, self._clock() - self._start))
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
