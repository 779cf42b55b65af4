"""Dates and times as people type them; one reader for every dialog that asks for a date.

A day is "15.12.2026", "15.12.26", "15/12/2026", "2026-12-15", or with the month's name in Russian
or English, in any case form or abbreviated: "15 декабря", "15 дек.", "December 15", "15 Dec 2026",
"15 декабря 2026 г.". Without a year ("15.12", "15 декабря") it is the next such day from today on
(today itself included; 29.02 the next leap year's). A time may follow: "14:30", "14.30",
"в 14:30", "at 14:30", "2026-12-15T14:30".

Documents write deadlines as periods too («I квартал 2027», «в течение 2027 года», «ежегодно»):
`read_term` reads those as the last day they allow, and any day `read` reads."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
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


def _plain(text: str | None) -> str:
    return " ".join((text or "").lower().replace("ё", "е").split())


def read(text: str, today: date) -> tuple[date, time | None]:
    """The day typed, and the time if one was."""
    text = _plain(text)
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


# --- terms: deadlines as documents write them --------------------------------------------------

# «до конца», «в течение», «в»: the period's last day; «до», «не позднее», «к»: a day itself, or a
# period's first day («до марта 2027» is the 1st of March, as «до 01.03.2027» would say).
_TO_END = re.compile(r"(?:(?:до|к|не позднее)\s+(?:конца|окончания)|(?:в\s+)?течени[еи]|в|во|на)\s+")
_BY = re.compile(r"(?:(?:в\s+)?срок\s+)?(?:до|не\s+позднее|не\s+позже|к|по)\s+")
_YEAR_WORDS = re.compile(r"\s*(?:г\.?|гг\.?|года?|годы|годах|году)$")
_EVERY = re.compile(r"(ежегодно|ежеквартально|ежемесячно)\b[\s,]*")
_EVERY_MONTHS = {"ежегодно": 12, "ежеквартально": 3, "ежемесячно": 1}
_CURRENT = re.compile(r"(?:этого\s+|текущего\s+)?(года|полугодия|квартала|месяца)")
_CURRENT_MONTHS = {"года": 12, "полугодия": 6, "квартала": 3, "месяца": 1}
_WITHIN = re.compile(r"(?:в\s+)?течени[еи]\s+(?:(?P<n>\d{1,3})\s+)?(?P<unit>дн|сут|недел|месяц)\w*")
_YEARS = re.compile(r"(?P<first>\d{4})\s*[-–—]\s*(?P<y>\d{4})|(?P<year>\d{4})")
_ORDINAL = r"(?P<n>iv|i{1,3}|[1-4])(?:\s*-?\s*(?:й|ый|ой|го|ого|м|ом))?|(?P<word>перв|втор|трет|четверт)\w*"
_TAIL_YEAR = r"(?:\s+(?P<y>\d{4}))?"
_QUARTER = re.compile(rf"(?:q(?P<q>[1-4])|(?:{_ORDINAL})\s*(?:квартал\w*|кв\.?))" + _TAIL_YEAR)
_HALF = re.compile(rf"(?:{_ORDINAL})\s+полугоди\w*" + _TAIL_YEAR)
_MONTH_YEAR = re.compile(r"(?P<name>[^\W\d_]+)\.?" + _TAIL_YEAR)
_ORDINALS = {
    **{str(n): n for n in range(1, 5)},
    **{"i": 1, "ii": 2, "iii": 3, "iv": 4, "перв": 1, "втор": 2, "трет": 3, "четверт": 4},
}


def read_term(text: str, today: date) -> tuple[date, time | None]:
    """A deadline as a document writes it: the last day it allows, and the time if one is given.

    Any day `read` reads, also after «до», «не позднее», «к»: «до 01.03.2027», «1 марта 2027 г.»;
    a month «март 2027», «в марте 2027 года», «до конца марта» (its last day; «до марта 2027»: the
    1st); a quarter «I квартал 2027», «1 кв. 2027», «во втором квартале», "Q3 2027"; a half-year
    «II полугодие 2027»; a year «2027», «в 2027 году», «в течение 2027 года», «до конца 2027 года»,
    «2017-2020 годы» (the last of them); «до конца года» (квартала, месяца: the current one);
    «в течение 30 дней» (недели, 2 месяцев: from today); «ежегодно», «ежеквартально»,
    «ежемесячно»: the end of the current year, quarter or month, or the next day or period named
    after it («ежегодно до 1 марта»). A period without a year is the next one from today on, the
    current one included. DateProblem("format") when it is none of these."""
    text = _plain(text).rstrip(" .,;")
    if every := _EVERY.match(text):
        if rest := text[every.end() :]:
            return read_term(rest, today)
        return _period(today.year, today.month, _EVERY_MONTHS[every[1]], today, end=True), None
    if within := _WITHIN.fullmatch(text):
        return _after(today, int(within["n"] or 1), within["unit"]), None
    end = True
    if prefix := _TO_END.match(text):
        text = text[prefix.end() :]
    elif prefix := _BY.match(text):
        text, end = text[prefix.end() :], False
    try:
        return read(text, today)
    except DateProblem as problem:
        if problem.reason != "format":
            raise
    return _period_of(_YEAR_WORDS.sub("", text) if _YEARS.search(text) else text, today, end=end), None


def _period_of(text: str, today: date, *, end: bool) -> date:
    """The last (or, `end` False, the first) day of the year, quarter, half-year or month named."""
    if current := _CURRENT.fullmatch(text):
        return _period(today.year, today.month, _CURRENT_MONTHS[current[1]], today, end=end)
    if years := _YEARS.fullmatch(text):
        return _period(int(years["y"] or years["year"]), 1, 12, today, end=end)
    for pattern, months in ((_QUARTER, 3), (_HALF, 6)):
        if found := pattern.fullmatch(text):
            number = int(found["q"]) if found.groupdict().get("q") else _ORDINALS[found["n"] or found["word"]]
            if number * months > 12:
                raise DateProblem("invalid")
            return _next_period(found["y"], (number - 1) * months + 1, months, today, end=end)
    if (named := _MONTH_YEAR.fullmatch(text)) is not None:
        return _next_period(named["y"], _month(named["name"]), 1, today, end=end)
    raise DateProblem("format")


def _next_period(year: str | None, month: int, months: int, today: date, *, end: bool) -> date:
    """The period of `months` from `month` on of that year, or the next such one from today on."""
    if year is not None:
        return _period(int(year), month, months, today, end=end)
    found = _period(today.year, month, months, today, end=True)
    return _period(today.year + (found < today), month, months, today, end=end)


def _period(year: int, month: int, months: int, today: date, *, end: bool) -> date:
    """The first or last day of the period of `months` (1, 3, 6, 12) that holds `month` of `year`."""
    first = (month - 1) // months * months + 1
    if not end:
        return date(year, first, 1)
    last = first + months - 1
    return date(year, last, calendar.monthrange(year, last)[1])


def _after(today: date, count: int, unit: str) -> date:
    if unit in ("дн", "сут"):
        return today + timedelta(days=count)
    if unit == "недел":
        return today + timedelta(weeks=count)
    month = today.month - 1 + count
    year, month = today.year + month // 12, month % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
