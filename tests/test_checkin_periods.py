"""Check-in periods from cadences and the clock, and what a tick owes, against a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import outbox
from bot.services.outbox import Outgoing
from bot.services.reports import checkins
from bot.services.reports.checkins import Cadence, period_key, period_start
from models import Account, Person, ProjectPerson, Report
from tests.steps import first_project

MSK = ZoneInfo("Europe/Moscow")
HELSINKI = ZoneInfo("Europe/Helsinki")


def at(text: str, tz: ZoneInfo = MSK) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.mark.parametrize(
    ("cadence", "now", "start"),
    [
        (Cadence("weekly", 0, 10), "2026-11-23 10:00", "2026-11-23 10:00"),  # opens on the hour
        (Cadence("weekly", 0, 10), "2026-11-23 09:59", "2026-11-16 10:00"),
        (Cadence("weekly", 0, 10), "2026-11-29 23:00", "2026-11-23 10:00"),
        (Cadence("weekly", 4, 18), "2026-11-23 12:00", "2026-11-20 18:00"),
        (Cadence("biweekly", 0, 10), "2026-11-23 12:00", "2026-11-16 10:00"),  # fortnights from 2024-01-01
        (Cadence("biweekly", 0, 10), "2026-11-30 12:00", "2026-11-30 10:00"),
        (Cadence("biweekly", 0, 10), "2026-12-06 12:00", "2026-11-30 10:00"),
        (Cadence("monthly", 5, 9), "2026-11-23 12:00", "2026-11-05 09:00"),
        (Cadence("monthly", 28, 9), "2026-01-10 12:00", "2025-12-28 09:00"),  # across the new year
        (Cadence("monthly", 1, 0), "2026-03-01 00:00", "2026-03-01 00:00"),
    ],
)
def test_period_start(cadence: Cadence, now: str, start: str) -> None:
    assert period_start(cadence, at(now), MSK) == at(start)


def test_periods_follow_the_wall_clock_across_summer_time() -> None:
    cadence = Cadence("weekly", 0, 10)
    before = period_start(cadence, at("2026-03-23 12:00", HELSINKI), HELSINKI)
    after = period_start(cadence, at("2026-03-30 12:00", HELSINKI), HELSINKI)
    assert before is not None and after is not None
    assert before.astimezone(UTC).hour == 8 and after.astimezone(UTC).hour == 7
    assert period_key(after) == "2026-03-30"


def test_off_has_no_periods_and_a_digest_is_weekly() -> None:
    assert period_start(Cadence("off", 0, 10), at("2026-11-23 12:00"), MSK) is None
    assert checkins.weekly_time(at("2026-11-23 12:00"), MSK, 1, 10) == at("2026-11-17 10:00")
    assert checkins.weekly_time(at("2026-11-24 10:00"), MSK, 1, 10) == at("2026-11-24 10:00")


async def _leaders(session: AsyncSession, n: int, now: datetime) -> tuple[int, list[int]]:
    project_id = await first_project(session)
    people = []
    for k in range(n):
        person = Person(key=f"leader-{k}", name=f"Leader {k}", phones=[], emails=[])
        session.add(person)
        await session.flush()
        session.add(ProjectPerson(project_id=project_id, person_id=person.id, role="leader"))
        session.add(
            Account(
                telegram_id=9000 + k, first_name="L", person_id=person.id, created_at=now, language="en" if k else None
            )
        )
        people.append(person.id)
    await session.flush()
    return project_id, people


async def _due(session: AsyncSession, now: datetime) -> list[checkins.Due]:
    return await checkins.due_prompts(
        session, now, MSK, default=Cadence("weekly", 0, 10), nudge_after=timedelta(hours=24), default_language="ru"
    )


async def test_prompts_then_one_nudge_per_leader_and_period(session: AsyncSession) -> None:
    now = at("2026-11-23 12:00")
    project_id, people = await _leaders(session, 2, now)
    due = await _due(session, now)
    assert sorted(d.key for d in due) == [f"checkin:{project_id}:2026-11-23:{p}" for p in people]
    assert {d.language for d in due} == {"ru", "en"}
    await outbox.enqueue(session, [Outgoing(d.key, d.chat_id, d.kind, "x") for d in due], now)
    assert await _due(session, now + timedelta(hours=23)) == []
    due = await _due(session, now + timedelta(hours=24))
    assert [d.kind for d in due] == ["nudge", "nudge"]
    await outbox.enqueue(session, [Outgoing(d.key, d.chat_id, d.kind, "x") for d in due], now)
    assert await _due(session, now + timedelta(days=3)) == []
    # next week: a new period, a new prompt
    assert [d.kind for d in await _due(session, now + timedelta(days=7))] == ["checkin", "checkin"]


async def test_a_report_pause_or_block_silences_prompts(session: AsyncSession) -> None:
    now = at("2026-11-23 12:00")
    project_id, people = await _leaders(session, 3, now)
    await checkins.pause(session, people[0], date(2026, 11, 29))
    account = await session.get(Account, 9001)
    assert account is not None
    account.blocked_bot = True
    await session.flush()
    assert [d.chat_id for d in await _due(session, now)] == [9002]
    assert await checkins.paused_until(session, people[0], date(2026, 11, 23)) == date(2026, 11, 29)
    # a report by any leader answers the project's period: co-leaders are not nudged any more
    session.add(
        Report(
            token="t",
            project_id=project_id,
            person_id=people[2],
            submitted_by=9002,
            status="on_track",
            done="x",
            attachments=[],
            created_at=now,
            local_day=now.date(),
        )
    )
    await session.flush()
    assert await _due(session, now + timedelta(hours=1)) == []
    await checkins.pause(session, people[0], None)
    assert await checkins.paused_until(session, people[0], date(2026, 11, 23)) is None


async def test_cadences_are_validated_and_stored(session: AsyncSession) -> None:
    project_id = await first_project(session)
    default = Cadence("weekly", 0, 10)
    assert await checkins.cadence_of(session, project_id, default) == default
    await checkins.set_cadence(session, project_id, Cadence("monthly", 28, 9))
    assert await checkins.cadence_of(session, project_id, default) == Cadence("monthly", 28, 9)
    for bad in (Cadence("monthly", 29, 9), Cadence("weekly", 7, 9), Cadence("daily", 0, 9), Cadence("weekly", 0, 24)):
        with pytest.raises(ValueError):
            await checkins.set_cadence(session, project_id, bad)
