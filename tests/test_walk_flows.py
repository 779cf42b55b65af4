"""Issue 10, "found by walking the flows as users": what people received at the wrong moment, twice,
or not at all, and dates and counts as they are typed and read."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN
from tests.test_checkins_e2e import PROMPT, texts
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
