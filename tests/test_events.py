"""Events' rules without Telegram: reading the start and the deadline, when reminders fall due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services import dates, events
from bot.services.announcements.audiences import Audience
from bot.services.events import Counts, EventView, reminders

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def event(starts_at: datetime, *, all_day: bool = False, created_at: datetime = NOW) -> EventView:
    return EventView(
        1, "tok", 1, "Meeting", starts_at, all_day, "", "", Audience("members"), None, "published", 0,
        created_at, None, None, Counts(),
    )  # fmt: skip


def test_a_date_without_time_is_an_all_day_event() -> None:
    assert events.read_start("30.11.2026 15:00", MSK, NOW) == (datetime(2026, 11, 30, 12, 0, tzinfo=UTC), False)
    assert events.read_start("23 ноября", MSK, NOW) == (datetime(2026, 11, 22, 21, 0, tzinfo=UTC), True)
    with pytest.raises(dates.DateProblem, match="past"):
        events.read_start("23.11.2026 11:00", MSK, NOW)
    with pytest.raises(dates.DateProblem, match="format"):
        events.read_start("soon", MSK, NOW)


def test_the_deadline_is_before_the_start() -> None:
    start = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert events.read_deadline("29.11.2026", MSK, NOW, start) == datetime(2026, 11, 29, 20, 59, tzinfo=UTC)
    with pytest.raises(dates.DateProblem, match="late"):
        events.read_deadline("01.12.2026", MSK, NOW, start)
    with pytest.raises(dates.DateProblem, match="past"):
        events.read_deadline("23.11.2026 10:00", MSK, NOW, start)


def test_which_reminder_is_due() -> None:
    timed = event(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert reminders.latest_due(timed, datetime(2026, 11, 29, 11, 59, tzinfo=UTC), MSK, 10) is None
    assert reminders.latest_due(timed, datetime(2026, 11, 29, 12, 0, tzinfo=UTC), MSK, 10) == "d1"
    assert reminders.latest_due(timed, datetime(2026, 11, 30, 11, 30, tzinfo=UTC), MSK, 10) == "h1"
    assert reminders.latest_due(timed, datetime(2026, 11, 30, 12, 0, tzinfo=UTC), MSK, 10) is None, "started"
    late = replace(timed, created_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert reminders.latest_due(late, datetime(2026, 11, 30, 10, 0, tzinfo=UTC), MSK, 10) is None, (
        "the invitation says it"
    )
    all_day = event(datetime(2026, 11, 29, 21, 0, tzinfo=UTC), all_day=True)  # 30.11 in Moscow
    assert reminders.due_times(all_day, MSK, 10) == {"d1": datetime(2026, 11, 29, 7, 0, tzinfo=UTC)}
    assert reminders.latest_due(all_day, datetime(2026, 11, 29, 20, 0, tzinfo=UTC), MSK, 10) == "d1"
