"""Roadmap services without Telegram: deadlines and policies read, the calendar file, the weekly key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import roadmap
from bot.services.dates import DateProblem
from bot.services.reports import checkins
from bot.services.roadmap import calendar as roadmap_calendar
from bot.services.roadmap import chart as roadmap_chart
from bot.services.roadmap import parse_deadline, parse_policy
from tests.steps import ADMIN, Actor

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.12.2026", datetime(2026, 12, 15, 20, 59, tzinfo=UTC)),
        ("2026-12-15", datetime(2026, 12, 15, 20, 59, tzinfo=UTC)),
        ("15/12/2026 14:30", datetime(2026, 12, 15, 11, 30, tzinfo=UTC)),
        (" 1.2.2027, 9.05 ", datetime(2027, 2, 1, 6, 5, tzinfo=UTC)),
        ("23.11.2026", datetime(2026, 11, 23, 20, 59, tzinfo=UTC)),  # today is still open until its end
    ],
)
def test_deadlines_are_read_in_the_cluster_zone(text: str, expected: datetime) -> None:
    assert parse_deadline(text, MSK, NOW) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2027", "invalid"),
        ("15.12.2026 25:00", "invalid"),
        ("31.02", "invalid"),
        ("завтра", "format"),
        ("", "format"),
        ("01.01.2020", "past"),
        ("23.11.2026 11:00", "past"),
    ],
)
def test_bad_deadlines_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(DateProblem) as problem:
        parse_deadline(text, MSK, NOW)
    assert problem.value.reason == reason


def test_policies() -> None:
    assert parse_policy("14, 7, 1") == ([14, 7, 1], None)
    assert parse_policy("0 1 1 / 2") == ([1, 0], 2)
    assert parse_policy("по умолчанию") == (None, None)
    assert parse_policy("часто") is None
    assert parse_policy("7 / 0") is None
    assert parse_policy("400") is None


def test_the_nudge_week_starts_on_its_weekday_and_hour() -> None:
    def week(now: datetime) -> str:
        return roadmap.week_key(checkins.weekly_time(now, MSK, 0, 10), MSK)

    monday_morning = datetime(2026, 11, 23, 6, 59, tzinfo=UTC)  # 09:59 in Moscow
    assert week(monday_morning) == "2026-W47"
    assert week(NOW) == "2026-W48"
    assert week(datetime(2026, 11, 29, 20, tzinfo=UTC)) == "2026-W48"


async def test_the_calendar_round_trips_and_the_chart_draws(session: AsyncSession) -> None:
    who = Actor(actor=ADMIN.id, actor_name="S", now=NOW)
    new = await roadmap.create_item(
        session, title="Пилот <умного> освещения", description="Описание & план", source=None, **who
    )
    assert await roadmap.set_deadline(session, new, parse_deadline("15.12.2026 14:30", MSK, NOW), **who)
    assert await roadmap.set_deadline(session, 1, parse_deadline("01.12.2026", MSK, NOW), **who)
    assert await roadmap.close_item(session, 1, "cancelled", **who)
    cards = await roadmap.items_for_calendar(session, person_id=None)
    parsed = Calendar.from_ical(roadmap_calendar.build(cards, now=NOW, tz=MSK, name="Дорожная карта"))
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {"roadmap-1@clusterbot", f"roadmap-{new}@clusterbot"}
    mine = events[f"roadmap-{new}@clusterbot"]
    assert str(mine["summary"]) == "9. Пилот <умного> освещения"
    assert mine.decoded("dtstart") == datetime(2026, 12, 15, 11, 30, tzinfo=UTC)
    assert "Описание & план" in str(mine["description"])
    # A deadline without a typed time is an all-day event on its day, not a minute at 23:59.
    whole_day = events["roadmap-1@clusterbot"]
    assert whole_day.decoded("dtstart") == date(2026, 12, 1) and whole_day.decoded("dtend") == date(2026, 12, 2)
    assert str(events["roadmap-1@clusterbot"]["status"]) == "CANCELLED"
    assert str(parsed["x-wr-calname"]) == "Дорожная карта"
    png = roadmap_chart.timeline(cards, now=datetime(2026, 12, 10, tzinfo=UTC), tz=MSK, title="Roadmap")
    assert png.startswith(b"\x89PNG") and len(png) > 2000


async def test_an_extension_is_decided_once(session: AsyncSession) -> None:
    who = Actor(actor=ADMIN.id, actor_name="S", now=NOW)
    assert await roadmap.set_deadline(session, 2, parse_deadline("01.12.2026", MSK, NOW), **who)
    asked = await roadmap.request_extension(session, 2, parse_deadline("20.12.2026", MSK, NOW), "данные", **who)
    assert asked is not None
    first = await roadmap.decide_extension(session, asked, True, **who)
    second = await roadmap.decide_extension(session, asked, False, **who)
    assert (first.status, second.status) == ("approved", "already")
    card = await roadmap.item_card(session, 2)
    assert card is not None and card.deadline == datetime(2026, 12, 20, 20, 59, tzinfo=UTC)
    assert [e.kind for e in card.events] == ["deadline", "extension", "deadline"]
    assert (await roadmap.decide_extension(session, 999_999, True, **who)).status == "gone"
