"""Dates and times as people type them: "15.12.2026", "15.12.26", "2026-12-15", each optionally
followed by "14:30". One reader for every dialog that asks for a date."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

_DATE = re.compile(r"^\s*(?:(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})|(\d{4})-(\d{1,2})-(\d{1,2}))"
                   r"(?:[\s,]+(\d{1,2})[:.](\d{2}))?\s*$")


class DateProblem(ValueError):
    """reason: format (not a date, or a time is needed), invalid (no such day or time), past."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parts(text: str) -> tuple[date, time | None]:
    match = _DATE.match(text or "")
    if match is None:
        raise DateProblem("format")
    d, m, y, y4, m4, d4, hh, mm = match.groups()
    year = int(y4) if y4 else int(y) + (2000 if len(y) == 2 else 0)
    try:
        day = date(year, int(m or m4), int(d or d4))
        return day, time(int(hh), int(mm)) if hh is not None else None
    except ValueError as exc:
        raise DateProblem("invalid") from exc


def parse_day(text: str) -> date:
    """A day, with no time."""
    day, at = _parts(text)
    if at is not None:
        raise DateProblem("format")
    return day


def parse_moment(text: str, tz: ZoneInfo, *, default_time: time | None) -> datetime:
    """A local date and time as a UTC instant; without a typed time, `default_time` (None: a time
    must be typed)."""
    day, at = _parts(text)
    at = at or default_time
    if at is None:
        raise DateProblem("format")
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})\.?\s*$")


def parse_day_ahead(text: str, today: date) -> date:
    """A day typed in full, or as "31.12" with no year: the next such day from `today` on
    (today itself included; 29.02 the next leap year's)."""
    match = _DAY_MONTH.match(text or "")
    if match is None:
        return parse_day(text)
    d, m = int(match.group(1)), int(match.group(2))
    for year in range(today.year, today.year + 9):
        try:
            day = date(year, m, d)
        except ValueError:
            if not (1 <= m <= 12 and 1 <= d <= 31):
                break
            continue
        if day >= today:
            return day
    raise DateProblem("invalid")
