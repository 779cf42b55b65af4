"""Dates as people type them: days with or without a year, month names in both languages, a time
after the day, read in the cluster's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.services import roadmap
from bot.services.dates import DateProblem, parse_day, parse_moment, read

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("15.12", date(2026, 12, 15)),
        ("15.12.", date(2026, 12, 15)),
        ("15/12", date(2026, 12, 15)),
        ("10.01", date(2027, 1, 10)),
        ("23.11", TODAY),
        ("22.11", date(2027, 11, 22)),
        ("29.02", date(2028, 2, 29)),
        ("15.12.2026", date(2026, 12, 15)),
        ("15.12.26", date(2026, 12, 15)),
        ("2026-12-15", date(2026, 12, 15)),
        ("15 декабря", date(2026, 12, 15)),
        ("15 Декабря", date(2026, 12, 15)),
        ("15 дек", date(2026, 12, 15)),
        ("15 дек.", date(2026, 12, 15)),
        ("1 марта", date(2027, 3, 1)),
        ("3 мая", date(2027, 5, 3)),
        ("3 май", date(2027, 5, 3)),
        ("20 сентября 2027 г.", date(2027, 9, 20)),
        ("15 декабря 2026", date(2026, 12, 15)),
        ("December 15", date(2026, 12, 15)),
        ("december 15, 2027", date(2027, 12, 15)),
        ("15 Dec 2026", date(2026, 12, 15)),
        ("Dec 15th", date(2026, 12, 15)),
        ("1 Sept", date(2027, 9, 1)),
        ("  15   ноября  2027 ", date(2027, 11, 15)),
        ("1 июня", date(2027, 6, 1)),
        ("2 июля", date(2027, 7, 2)),
        ("8 февр.", date(2027, 2, 8)),
    ],
)
def test_the_date_reader_takes_days_as_people_type_them(text: str, day: date) -> None:
    assert parse_day(text, TODAY) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02", "invalid"),
        ("32.01", "invalid"),
        ("1.13", "invalid"),
        ("31 ноября", "invalid"),
        ("30 февраля 2027", "invalid"),
        ("31.02.2027", "invalid"),
        ("завтра", "format"),
        ("15 брюмера", "format"),
        ("", "format"),
        ("15", "format"),
        ("15.12 10:00", "format"),
        ("декабрь", "format"),
    ],
)
def test_what_the_date_reader_refuses(text: str, reason: str) -> None:
    with pytest.raises(DateProblem) as problem:
        parse_day(text, TODAY)
    assert problem.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.12 14:30", (date(2026, 12, 15), time(14, 30))),
        ("15 декабря в 9:05", (date(2026, 12, 15), time(9, 5))),
        ("Dec 15 at 14:30", (date(2026, 12, 15), time(14, 30))),
        ("2026-12-15T14:30", (date(2026, 12, 15), time(14, 30))),
        ("15 дек 2026, 14.30", (date(2026, 12, 15), time(14, 30))),
        ("15.12", (date(2026, 12, 15), None)),
    ],
)
def test_a_time_may_follow(text: str, expected: tuple[date, time | None]) -> None:
    assert read(text, TODAY) == expected


def test_a_day_without_a_year_is_today_in_the_cluster_zone() -> None:
    msk = ZoneInfo("Europe/Moscow")
    late_sunday_utc = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)  # already Monday 23.11 in Moscow
    assert parse_moment("23.11 12:00", msk, late_sunday_utc, default_time=None) == datetime(2026, 11, 23, 9, tzinfo=UTC)
    with pytest.raises(DateProblem):
        parse_moment("15 декабря", msk, late_sunday_utc, default_time=None)
    # a past time of today is refused where deadlines are read, not moved to next year
    with pytest.raises(DateProblem) as problem:
        roadmap.parse_deadline("23.11 11:00", msk, datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert problem.value.reason == "past"


def test_a_day_without_a_year_is_the_next_such_day() -> None:
    from bot.services import dates

    today = datetime(2026, 11, 23).date()
    assert dates.parse_day("31.12", today) == datetime(2026, 12, 31).date()
    assert dates.parse_day("10.01", today) == datetime(2027, 1, 10).date()
    assert dates.parse_day("23.11", today) == today
    assert dates.parse_day("22/11", today) == datetime(2027, 11, 22).date()
    assert dates.parse_day("29.02", today) == datetime(2028, 2, 29).date()
    assert dates.parse_day("15.01.2027", today) == datetime(2027, 1, 15).date()
    for bad in ("31.02", "32.01", "1.13", "завтра", "31.12 10:00"):
        with pytest.raises(dates.DateProblem):
            dates.parse_day(bad, today)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.12.2026", date(2026, 12, 15)),
        ("15.12.26", date(2026, 12, 15)),
        ("2026-12-15", date(2026, 12, 15)),
        (" 1/2/2027 ", date(2027, 2, 1)),
    ],
)
def test_one_reader_of_typed_days(text: str, expected: date) -> None:
    assert parse_day(text, NOW.date()) == expected


@pytest.mark.parametrize(
    ("text", "reason"), [("31.02.2027", "invalid"), ("завтра", "format"), ("15.12.2026 10:00", "format")]
)
def test_typed_days_that_are_not(text: str, reason: str) -> None:
    with pytest.raises(DateProblem) as problem:
        parse_day(text, NOW.date())
    assert problem.value.reason == reason


def test_a_moment_may_require_a_typed_time() -> None:
    assert parse_moment("15.12.26 14:30", MSK, NOW, default_time=None) == datetime(2026, 12, 15, 11, 30, tzinfo=UTC)
    with pytest.raises(DateProblem):
        parse_moment("15.12.2026", MSK, NOW, default_time=None)
