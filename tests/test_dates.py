"""Issue 10, "found by walking the flows as users": what people received at the wrong moment, twice,
or not at all, and dates and counts as they are typed and read."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.services import roadmap
from bot.services.dates import DateProblem, parse_day, parse_moment, read
from models import RoadmapItem
from tests.conftest import ADMIN
from tests.roadmap_helpers import ORG_A, ORG_B, SOLO, link_people
from tests.test_checkins_e2e import PROMPT, texts
from tests.test_e2e_join import button, last_text, sent
from tests.test_reports_e2e import LEADER, leader


async def test_a_leader_assigned_minutes_before_a_period_closes_is_asked_once(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 30, 6, 43, tzinfo=UTC)  # Monday 09:43 in Moscow; the week closes at 10:00
    await leader(emulator, settings)
    await bot.tick()
    assert not texts(emulator, LEADER.id, PROMPT), "no prompt for the week closing in 17 minutes"
    clock.now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    await bot.tick()
    [prompt] = texts(emulator, LEADER.id, PROMPT)
    assert "30.11.2026" in prompt


async def test_a_fresh_start_does_not_send_last_weeks_roadmap_nudge(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 09:00 in Moscow: last week's nudge is 7 days old
    await bot.tick()
    assert not texts(emulator, ADMIN.id, "без срока или ответственных")
    clock.now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    await bot.tick()
    assert len(texts(emulator, ADMIN.id, "без срока или ответственных")) == 1


async def _deadline(bot, number: int, deadline: datetime) -> None:  # type: ignore[no-untyped-def]
    async with bot.app.database.sessions.begin() as session:
        item_id = await session.scalar(select(RoadmapItem.id).where(RoadmapItem.number == number))
        assert item_id is not None
        assert await roadmap.set_deadline(
            session, item_id, deadline, actor=ADMIN.id, actor_name="S", now=bot.app.clock()
        )


async def _assign(bot, emulator, number: int, *names: str) -> None:  # type: ignore[no-untyped-def]
    """The secretariat makes owners of item `number` through the owners editor, one name after another."""
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, f"{number}. ")))[-1]
    await emulator.tap(ADMIN, card, button(card, "Ответственные"))
    for name in names:
        choices = sent(await emulator.ask(ADMIN, name))[-1]
        await emulator.tap(ADMIN, choices, button(choices, name))
    await bot.app.sender.deliver_due()


def _messages(emulator, user) -> list[Any]:  # type: ignore[no-untyped-def]
    return sent(emulator.calls_of("sendMessage", user.id))


async def test_an_owner_assigned_after_the_reminder_hour_can_answer_and_is_not_reminded_twice(
    bot, emulator, clock
) -> None:  # type: ignore[no-untyped-def]
    # Monday 23.11, 12:00 in Moscow: today's reminders went out at 10:00
    await link_people(bot.app)
    await _deadline(bot, 1, datetime(2026, 11, 23, 20, 59, tzinfo=UTC))  # today, end of the day
    await _deadline(bot, 2, datetime(2026, 11, 24, 20, 59, tzinfo=UTC))  # tomorrow: its d0 reminder is at 10:00
    await _assign(bot, emulator, 1, "Блинов")
    today = _messages(emulator, SOLO)[-1]
    assert "made you responsible" in today.text and "The deadline is today" in today.text
    assert {"Done", "Need more time", "Not mine"} <= {b["text"][2:] for b in today.buttons}
    await _assign(bot, emulator, 2, "Блинов")
    tomorrow = _messages(emulator, SOLO)[-1]
    assert "1 day until the deadline" in tomorrow.text
    # the day goes by to Tuesday 10:30 (item 2's reminder time): nothing repeats the assignment
    for hour in (10, 14, 18, 20, 31):
        clock.now = (
            datetime(2026, 11, 23, hour, 30, tzinfo=UTC) if hour < 24 else datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
        )
        await bot.tick()
    assert len(_messages(emulator, SOLO)) == 2
    # and the answer buttons work from the assignment
    calls = await emulator.tap(SOLO, today, button(today, "Done"))
    calls = await emulator.tap(SOLO, sent(calls)[-1], button(sent(calls)[-1], "without"))
    assert "closed" in last_text(calls)


async def test_a_person_and_then_their_organisation_made_owners_is_told_once(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await link_people(bot.app)
    await _assign(bot, emulator, 2, "Питиримов", "Городское объединение")
    assert len([m for m in _messages(emulator, ORG_A) if "назначил вас ответственным" in m.text]) == 1
    # their colleague is told through the organisation
    assert len([m for m in _messages(emulator, ORG_B) if "назначил вас ответственным" in m.text]) == 1


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


async def test_deadlines_typed_with_a_month_name_or_without_a_year(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await link_people(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "2. ")))[-1]
    await emulator.tap(ADMIN, card, button(card, "Срок"))
    assert "(срок 15.12.2026)" in last_text(await emulator.ask(ADMIN, "15 декабря"))
    await _assign(bot, emulator, 2, "Блинов")
    told = _messages(emulator, SOLO)[-1]
    # the owner asks for more time with a day and month only
    await emulator.tap(SOLO, told, button(told, "Need more time"))
    assert "reason" in last_text(await emulator.ask(SOLO, "20.12"))
    assert "20.12.2026" in last_text(await emulator.ask(SOLO, "The contractor is late"))
