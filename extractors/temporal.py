"""Time expressions: find them, then resolve them against the reference date.

The reference date is the publication date when known (given with the report, or shown
by a dated URL); otherwise the first full date
in the text: a day and month with their year, or with a weekday, which gives the most
recent year — not after today — in which the weekday and the day of month agree.
Without a publication date, a day and month with neither year nor weekday give no
date.

>>> import datetime as dt
>>> latest_year_with(13, 12, weekday=0, today=dt.date(2026, 11, 25))
2021
>>> last_weekday(dt.date(2021, 12, 13), 6)
datetime.date(2021, 12, 12)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import DocState, TimeHit, state
from extractors.lexicon import Lexicon, load_lexicon

#: A date in a URL: year, month and day with or without separators.
_URL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")


#: Sentences at the top of a page where its date stands (headline, dateline, byline).
HEAD_SENTENCES = 3

#: Punctuation that may stand between a weekday and its date.
_JOINERS = frozenset(("(", "،", ",", "-"))


def url_date(url: str | None) -> dt.date | None:
    """The publication date a dated URL shows (``/2021/06/14/``, ``2021-06-14``,
    ``20210614``), or ``None``.

    >>> url_date("https://example.org/news/2021/06/14/raid-in-busayrah")
    datetime.date(2021, 6, 14)
    >>> url_date("https://example.org/news/455609/") is None
    True
    """
    if not url:
        return None
    for year, month, day in _URL_DATE.findall(url):
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def latest_year_with(day: int, month: int, *, weekday: int | None,
                     today: dt.date) -> int | None:
    """The most recent year, not after ``today``, whose ``day``/``month`` falls on
    ``weekday`` (any weekday when ``None``); ``None`` if none in 60 years."""
    for year in range(today.year, today.year - 60, -1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if date > today:
            continue
        if weekday is None or date.weekday() == weekday:
            return year
    return None


def last_weekday(reference: dt.date, weekday: int) -> dt.date:
    """The latest date on or before ``reference`` that falls on ``weekday`` (0 = Monday)."""
    return reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)


def _year_for(day: int, month: int, reference: dt.date) -> int:
    try:
        candidate = dt.date(reference.year, month, day)
    except ValueError:
        return reference.year
    return reference.year - 1 if candidate > reference + dt.timedelta(days=2) else reference.year


def _month_back(reference: dt.date, months: int) -> tuple[int, int]:
    index = reference.year * 12 + reference.month - 1 - months
    return index // 12, index % 12 + 1


def resolve(hit: TimeHit, reference: dt.date | None, today: dt.date) -> None:
    """Fill ``hit.value`` and ``hit.precision`` (left ``None``/unknown if unresolvable)."""
    if hit.vague or hit.same_day:
        return
    if hit.day is not None and hit.month is not None:
        year = hit.year
        if year is None:
            if reference is not None:
                year = _year_for(hit.day, hit.month, reference)
            elif hit.weekday is not None:
                # no publication date: the most recent year in which the weekday and the
                # day agree; without a weekday nothing tells the year (guidelines)
                year = latest_year_with(hit.day, hit.month, weekday=hit.weekday, today=today)
        if year is not None:
            try:
                hit.value = dt.date(year, hit.month, hit.day).isoformat()
                hit.precision = "day"
            except ValueError:
                pass
        return
    if hit.month is not None:
        year = hit.year
        if year is None and reference is not None:
            year = reference.year - 1 if hit.month > reference.month else reference.year
        if year is not None:
            hit.value, hit.precision = f"{year:04d}-{hit.month:02d}", "month"
        return
    if hit.year is not None:
        hit.value, hit.precision = f"{hit.year:04d}", "year"
        return
    if reference is None:
        return
    if hit.weekday is not None:
        day = last_weekday(reference, hit.weekday)
        if hit.ahead:
            day = reference + dt.timedelta(days=(hit.weekday - reference.weekday()) % 7)
        hit.value, hit.precision = day.isoformat(), "day"
    elif hit.days_back is not None:
        hit.value = (reference - dt.timedelta(days=hit.days_back)).isoformat()
        hit.precision = "day"
    elif hit.period is not None:
        _resolve_period(hit, reference)


def _resolve_period(hit: TimeHit, reference: dt.date) -> None:
    period = hit.period
    if period == "week":
        start = reference - dt.timedelta(days=reference.weekday() + 7)
        hit.value, hit.precision = start.isoformat(), "week"
    elif period == "this_week":
        start = reference - dt.timedelta(days=reference.weekday())
        hit.value, hit.precision = start.isoformat(), "week"
    elif period in ("month", "this_month"):
        year, month = _month_back(reference, 1 if period == "month" else 0)
        hit.value, hit.precision = f"{year:04d}-{month:02d}", "month"
    elif period in ("year", "this_year"):
        year = reference.year - (1 if period == "year" else 0)
        hit.value, hit.precision = f"{year:04d}", "year"


class TimeFinder:
    """Find time expressions (weekdays, dates, months, years, relative phrases)."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Use the date tables of ``lexicon``."""
        self.lex = lexicon
        #: words a time expression can start with (digits aside)
        firsts: set[str] = set()
        for name in ("same_day", "relative_periods", "relative_days", "weekdays", "months",
                     "ordinal_days"):
            firsts |= set(lexicon.tables[name].first_words())
        for name in ("date_ago", "weekday_cues", "month_cues", "year_cues"):
            firsts |= lexicon.sets[name]
        firsts |= {"في", "in"}
        self.starts = frozenset(firsts)

    def __call__(self, doc: Doc) -> Doc:
        """Write resolved :class:`TimeHit` objects to ``doc._.ckg.times``."""
        st = state(doc)
        st.times = self.find(st)
        st.reference = st.published or url_date(st.url)
        if st.reference is None:
            for hit in st.times:
                if hit.day is not None and hit.month is not None \
                        and (hit.weekday is not None or self._heading(st, hit)):
                    resolve(hit, None, st.today)
                    if hit.value:
                        st.reference = dt.date.fromisoformat(hit.value)
                        # "اليوم الأربعاء 19 أيار", "today, Sunday, June 24": the day
                        # the report was written; any other date is only told in it
                        st.reference_told = not self._today(st, hit)
                        break
        ahead = self.lex.tables["ahead_cues"]
        for hit in st.times:
            # "ابتداء من يوم الأحد", "starting Sunday": the weekday to come
            hit.ahead = hit.weekday is not None and hit.day is None and any(
                found is not None and hit.start <= found[0] < hit.end
                for k in range(max(0, hit.start - 2), hit.start + 1)
                for found in (ahead.first(st.keys, k),))
            if hit.value is None:
                resolve(hit, st.reference, st.today)
        return doc

    def _today(self, st: DocState, hit: TimeHit) -> bool:
        """Whether a date is said to be today ("اليوم الأربعاء 19 أيار", "today,
        Sunday, June 24"): a relative day of no days back opens it."""
        found = self.lex.tables["relative_days"].first(st.keys, hit.start)
        return found is not None and int(found[1]) == 0

    @staticmethod
    def _heading(st: DocState, hit: TimeHit) -> bool:
        """Whether ``hit`` stands where a page shows its date: in the first sentences
        (headline, dateline, byline), not in the body's narrative."""
        return any(start <= hit.start < end for start, end in st.sentences[:HEAD_SENTENCES])

    def _number(self, st: DocState, i: int) -> int | None:
        if i < 0 or i >= len(st.norms):
            return None
        norm = st.norms[i]
        return int(norm) if norm.isdigit() and len(norm) <= 4 else None

    def find(self, st: DocState) -> list[TimeHit]:
        """All time expressions, left to right, without overlaps."""
        lex = self.lex
        tables = lex.tables
        out: list[TimeHit] = []
        n = len(st.norms)
        starts = self.starts
        i = 0
        while i < n:
            if starts.isdisjoint(st.forms[i]) and not st.norms[i].isdigit():
                i += 1
                continue
            hit = self._at(st, i, tables)
            if hit is None:
                i += 1
                continue
            last = out[-1] if out else None
            if last is not None and last.weekday is not None and last.day is None \
                    and hit.day is not None and hit.weekday is None \
                    and all(st.norms[k] in _JOINERS for k in range(last.end, hit.start)):
                # "اليوم الأربعاء 27 تشرين الثاني", "اليوم الأربعاء (18 يناير)": the
                # weekday and the date are one day
                last.end, last.day, last.month, last.year = hit.end, hit.day, hit.month, hit.year
                last.days_back = None
            else:
                out.append(hit)
            i = hit.end
        return out

    def _numeric_date(self, st: DocState, i: int) -> TimeHit | None:
        norms = st.norms
        if i + 4 >= len(norms) or norms[i + 1] not in ("/", "-", ".") \
                or norms[i + 3] != norms[i + 1]:
            return None
        a, b, c = self._number(st, i), self._number(st, i + 2), self._number(st, i + 4)
        if a is None or b is None or c is None:
            return None
        if 1900 <= a <= 2100 and 1 <= b <= 12 and 1 <= c <= 31:
            return TimeHit(i, i + 5, day=c, month=b, year=a)
        if 1900 <= c <= 2100 and 1 <= b <= 12 and 1 <= a <= 31:
            return TimeHit(i, i + 5, day=a, month=b, year=c)
        return None

    def _month(self, st: DocState, keys: Sequence[Sequence[tuple[str, int]]], k: int,
               tables: dict) -> tuple[int, Any] | None:  # type: ignore[type-arg]
        """A month name at token ``k`` (an abbreviation with its full stop), with a second
        name after a slash (كانون الأول/ديسمبر): ``(token after the names, month number)``."""
        month = tables["months"].first(keys, k)
        if month is None:
            return None
        end = month[0]
        if end == k + 1 and end < len(keys) and st.norms[end] == "." \
                and len(st.norms[k]) <= 4:
            end += 1  # an abbreviation: "Dec. 10, 2015"
        if end + 1 < len(keys) and st.norms[end] == "/":
            other = tables["months"].first(keys, end + 1)
            if other is not None:
                end = other[0]
        return end, month[1]

    def _month_first(self, st: DocState, j: int, tables: dict,  # type: ignore[type-arg]
                     ) -> tuple[int, int, int, int | None] | None:
        """A date written month first ("November 8", "June 24, 2018") at token ``j``:
        ``(end, day, month, year)``."""
        month = self._month(st, st.keys, j, tables)
        if month is None:
            return None
        end = month[0]
        day = self._number(st, end)
        if day is None or not 1 <= day <= 31:
            return None
        end += 1
        k = end + 1 if end < len(st.norms) and st.norms[end] == "," else end
        year = self._number(st, k)
        if year is not None and 1900 <= year <= 2100:
            return k + 1, day, int(month[1]), year
        return end, day, int(month[1]), None

    def _at(self, st: DocState, i: int, tables: dict) -> TimeHit | None:  # type: ignore[type-arg]
        lex = self.lex
        keys = st.keys
        for name, kind in (("same_day", "same"), ("relative_periods", "period"),
                           ("relative_days", "days")):
            found = tables[name].first(keys, i)
            if found is not None:
                end, payload = found
                if kind == "same":
                    return TimeHit(i, end, same_day=True)
                if kind == "period":
                    return TimeHit(i, end, period=str(payload))
                hit = TimeHit(i, end, days_back=int(payload))
                weekday = tables["weekdays"].first(keys, end, end + 1)
                if weekday is not None:
                    hit.end, hit.weekday, hit.days_back = weekday[0], int(weekday[1]), None
                return hit
        # "قبل أكثر من شهر", "منذ ثلاثة أعوام": vague, earlier; "قبل يومين": days back
        if st.forms[i] & lex.sets["date_ago"]:
            j = i + 1
            q = tables["qualifiers"].first(keys, j)
            if q is not None:
                j = q[0]
            amount: int | None = None
            if j < len(keys):
                word = tables["number_words"].first(keys, j, j + 1)
                amount = self._number(st, j) if word is None else int(word[1])
                if amount is not None:
                    j += 1
            if j < len(keys):
                days = tables["day_units"].first(keys, j, j + 1)
                if days is not None and q is None and (amount is not None or int(days[1]) > 1):
                    return TimeHit(i, j + 1, days_back=(amount or 1) * int(days[1]))
                if st.forms[j] & lex.sets["ago_units"]:
                    return TimeHit(i, j + 1, vague=True)
        # 13/12/2021, 2021-12-13
        numeric = self._numeric_date(st, i)
        if numeric is not None:
            return numeric
        # weekday (needs a cue word before or a day number after; a capitalised English
        # weekday is one on its own: "struck 75 targets Sunday")
        start = i
        weekday = None
        cue = st.forms[i] & lex.sets["weekday_cues"]
        j = i + 1 if cue else i
        wd = tables["weekdays"].first(keys, j, j + 1)
        if wd is not None and (cue or self._number(st, j + 1) is not None or (
                lex.lang != "ar" and st.words[j][:1].isupper())):
            weekday = int(wd[1])
            j = wd[0]
            # "on Sunday evening (November 8)": a part of the day between them
            while j < len(keys) and (st.norms[j] in _JOINERS
                                     or st.forms[j] & lex.sets["day_parts"]):
                j += 1
        else:
            j = i
        # day month [/ month] [year]; the day may be an ordinal (العاشر من آذار)
        day = self._number(st, j)
        ordinal = tables["ordinal_days"].first(keys, j) if day is None else None
        if ordinal is not None:
            day = int(ordinal[1])
            j = ordinal[0] - 1
        if day is None and ordinal is None:
            dated = self._month_first(st, j, tables)
            if dated is not None:
                return TimeHit(start, dated[0], weekday=weekday, day=dated[1],
                               month=dated[2], year=dated[3])
        if day is not None and 1 <= day <= 31:
            k = j + 1
            if k < len(keys) and st.norms[k] == "من":
                k += 1
            month = self._month(st, keys, k, tables)
            if month is not None:
                end = month[0]
                year = self._number(st, end)
                hit = TimeHit(start, end, weekday=weekday, day=day, month=int(month[1]))
                if year is not None and 1900 <= year <= 2100:
                    hit.year, hit.end = year, end + 1
                return hit
        if weekday is not None:
            return TimeHit(start, j, weekday=weekday)
        # [شهر] month [/ month] year
        k = i + 1 if st.forms[i] & lex.sets["month_cues"] else i
        month = self._month(st, keys, k, tables)
        if month is not None:
            end = month[0]
            year = self._number(st, end)
            if year is not None and 1900 <= year <= 2100:
                return TimeHit(i, end + 1, month=int(month[1]), year=year)
            if k > i:
                return TimeHit(i, end, month=int(month[1]))
            return None
        # عام 2020 / في 2019
        if st.forms[i] & lex.sets["year_cues"] or st.norms[i] in ("في", "in"):
            year = self._number(st, i + 1)
            if year is not None and 1900 <= year <= 2100:
                return TimeHit(i, i + 2, year=year)
        return None


@Language.factory("ckg_times", default_config={"lang": "ar"})
def make_time_finder(nlp: Language, name: str, lang: str) -> TimeFinder:
    """Factory of :class:`TimeFinder`."""
    return TimeFinder(load_lexicon(lang))
