"""Dates and times as people type them; one reader for every dialog that asks for a date.

A day is "15.12.2026", "15.12.26", "15/12/2026", "2026-12-15", or with the month's name in Russian
or English, in any case form or abbreviated: "15 декабря", "15 дек.", "December 15", "15 Dec 2026",
"15 декабря 2026 г.". Without a year ("15.12", "15 декабря") it is the next such day from today on
(today itself included; 29.02 the next leap year's). A time may follow: "14:30", "14.30",
"в 14:30", "at 14:30", "2026-12-15T14:30"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

_NUMERIC = re.compile(r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})(?:[./](?P<y>\d{4}|\d{2}))?\.?")
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_YEAR = r"(?:\s*,?\s*(?P<y>\d{4})(?:\s*(?:г\.?|года?))?)?"
_DAY_NAME = re.compile(r"(?P<d>\d{1,2})\s*(?P<name>[^\W\d_]+)\.?" + _YEAR)
_NAME_DAY = re.compile(r"(?P<name>[^\W\d_]+)\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?" + _YEAR)
_TIME = re.compile(r"(?:[\s,]+(?:(?:в|at)\s+)?|t)(?P<hh>\d{1,2})[:.](?P<mm>\d{2})$")

# Each month's name as a whole word: Russian stems take every case ending, and the abbreviations.
_MONTHS = [
    re.compile(pattern)
    for pattern in (
        r"январ\w*|янв|jan|january",
        r"феврал\w*|фев|февр|feb|february",
        r"март\w*|мар|mar|march",
        r"апрел\w*|апр|apr|april",
        r"ма[йяюе]|маем|may",
        r"июн\w*|jun|june",
        r"июл\w*|jul|july",
        r"август\w*|авг|aug|august",
        r"сентябр\w*|сен|сент|sep|sept|september",
        r"октябр\w*|окт|oct|october",
        r"ноябр\w*|ноя|нояб|nov|november",
        r"декабр\w*|дек|dec|december",
    )
]


class DateProblem(ValueError):
    """reason: format (not a date, or a time is needed), invalid (no such day or time), past."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _month(name: str) -> int:
    for number, pattern in enumerate(_MONTHS, start=1):
        if pattern.fullmatch(name):
            return number
    raise DateProblem("format")


def _day(text: str) -> tuple[int, int, int | None]:
    """Day, month and the year if one was typed."""
    for pattern in (_NUMERIC, _ISO, _DAY_NAME, _NAME_DAY):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        month = _month(parts["name"]) if "name" in parts else int(parts["m"])
        year = parts["y"]
        return int(parts["d"]), month, None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    raise DateProblem("format")


def _next(day: int, month: int, today: date) -> date:
    """The next such day from `today` on."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise DateProblem("invalid")
    for year in range(today.year, today.year + 9):  # 29.02 comes within eight years
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    raise DateProblem("invalid")


def read(text: str, today: date) -> tuple[date, time | None]:
    """The day typed, and the time if one was."""
    text = " ".join((text or "").lower().replace("ё", "е").split())
    at: time | None = None
    if (timed := _TIME.search(text)) is not None and timed.start() > 0:
        try:
            at = time(int(timed["hh"]), int(timed["mm"]))
        except ValueError as exc:
            raise DateProblem("invalid") from exc
        text = text[: timed.start()]
    day, month, year = _day(text)
    if year is None:
        return _next(day, month, today), at
    try:
        return date(year, month, day), at
    except ValueError as exc:
        raise DateProblem("invalid") from exc


def parse_day(text: str, today: date) -> date:
    """A day, with no time."""
    day, at = read(text, today)
    if at is not None:
        raise DateProblem("format")
    return day


def parse_moment(text: str, tz: ZoneInfo, now: datetime, *, default_time: time | None) -> datetime:
    """A local date and time as a UTC instant; without a typed time, `default_time` (None: a time
    must be typed). A day without a year is the next such day from today in `tz`."""
    day, at = read(text, now.astimezone(tz).date())
    at = at or default_time
    if at is None:
        raise DateProblem("format")
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
