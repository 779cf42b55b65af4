"""Roadmap reminders through the real tick and sender: each kind exactly once per owner, through
restarts, a second ticker, clock jumps, edited deadlines, closing, and owners nobody can reach; the
secretariat's weekly nudge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, create_app
from bot.services import roadmap
from bot.services.roadmap import reminders
from bot.settings import Settings
from models import Account, OutboxMessage, RoadmapItem
from scheduler.jobs import tick
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    DEADLINE,
    ORG_A,
    ORG_B,
    SOLO,
    Actor,
    item_with_owners,
    item_with_owners_in,
    link_people,
    texts,
)

MSK = ZoneInfo("Europe/Moscow")
FULL = [
    "d14@2026-12-01",
    "d7@2026-12-08",
    "d3@2026-12-12",
    "d1@2026-12-14",
    "d0@2026-12-15",
    "overdue@2026-12-18",
    "overdue@2026-12-21",
    "overdue@2026-12-24",
]


async def run_until(bot: RunningBot, clock: FakeClock, until: datetime, step: timedelta = timedelta(days=1)) -> None:
    """Tick every `step` from just after the next 10:00 in Moscow (07:00 UTC) until `until`."""
    if clock().hour != 7:
        clock.now = clock().replace(hour=7, minute=30) + timedelta(days=1 if clock().hour > 7 else 0)
        await bot.tick()
    while clock() + step <= until:
        clock.advance(seconds=step.total_seconds())
        await bot.tick()


async def people(bot: RunningBot) -> dict[int, int]:
    """Linked accounts: user id → person id."""
    async with bot.app.database.sessions() as session:
        return {a.telegram_id: a.person_id for a in await session.scalars(select(Account)) if a.person_id is not None}


async def reminder_keys(app: App, kind: str = "reminder") -> list[str]:
    async with app.database.sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage.key).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def kinds_for(keys: list[str], person_id: int) -> list[str]:
    """ "d14@2026-12-01", … of one recipient, in the order they were enqueued."""
    return [f"{k.split(':')[2]}@{k.split(':')[4]}" for k in keys if k.split(":")[3] == f"p{person_id}"]


async def test_every_reminder_kind_once_per_owner_and_escalation_once(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    app = bot.app
    await item_with_owners(app)
    # Ticks every 6 hours, some twice, a restart and a second instance's stale view in between.
    await run_until(bot, clock, datetime(2026, 12, 10, tzinfo=UTC), timedelta(hours=12))
    await bot.tick()
    await bot.restart()
    app = bot.app
    async with app.database.sessions.begin() as session:  # as if another instance never saw the watermarks
        await session.execute(update(RoadmapItem).values(next_reminder_at=None))
    await run_until(bot, clock, datetime(2026, 12, 25, 12, tzinfo=UTC))
    keys = await reminder_keys(app)
    ids = await people(bot)
    for user in (ORG_A, ORG_B, SOLO):
        assert kinds_for(keys, ids[user.id]) == FULL, user
        texts = [c.text for c in emulator.calls_of("sendMessage", user.id) if c.ok]
        assert len(texts) == len(FULL), "each reminder delivered exactly once"
    assert "15.12.2026" in texts[0] and "14 days until the deadline" in texts[0]  # SOLO reads English
    admin = [k for k in keys if f":c{ADMIN.id}:" in k]
    assert [k.split(":")[2] for k in admin] == ["unreachable", "escalate"], (
        "pravitelstvo reported once, escalation once"
    )
    assert admin[1].endswith(":2026-12-22")
    told = [c.text for c in emulator.calls_of("sendMessage", ADMIN.id) if c.ok]
    assert any("Правительство" in t and "не доходят" in t for t in told)
    assert any("Просрочено на 7 дней" in t for t in told)


async def test_reminders_missed_while_down_go_out_once_marked_late(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await item_with_owners(bot.app)
    await bot.tick()
    await bot.stop()
    clock.now = datetime(2026, 12, 13, 12, tzinfo=UTC)  # d14, d7 and d3 passed while down
    await bot.start()
    await bot.tick()
    await bot.tick()
    keys = await reminder_keys(bot.app)
    ids = await people(bot)
    for user in (ORG_A, ORG_B, SOLO):
        assert kinds_for(keys, ids[user.id]) == ["d3@2026-12-12"]
    text = [c.text for c in emulator.calls_of("sendMessage", ORG_A.id) if c.ok][-1]
    assert "с опозданием" in text and "До срока 2 дня" in text, "days counted when sent"
    # a clock jumping back and forth again doubles nothing
    clock.now = datetime(2026, 12, 1, 8, tzinfo=UTC)
    await bot.tick()
    clock.now = datetime(2026, 12, 13, 13, tzinfo=UTC)
    await bot.tick()
    assert await reminder_keys(bot.app) == keys


async def test_an_edited_deadline_moves_the_reminders(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    app = bot.app
    item_id = await item_with_owners(app)
    await run_until(bot, clock, datetime(2026, 12, 8, 9, tzinfo=UTC))
    ids = await people(bot)
    assert kinds_for(await reminder_keys(app), ids[SOLO.id]) == ["d14@2026-12-01", "d7@2026-12-08"]
    async with app.database.sessions.begin() as session:
        new = roadmap.parse_deadline("29.12.2026", MSK, clock())
        assert await roadmap.set_deadline(session, item_id, new, actor=ADMIN.id, actor_name="S", now=clock())
    await run_until(bot, clock, datetime(2026, 12, 29, 12, tzinfo=UTC))
    assert kinds_for(await reminder_keys(app), ids[SOLO.id]) == [
        "d14@2026-12-01",
        "d7@2026-12-08",  # before the edit
        "d14@2026-12-15",
        "d7@2026-12-22",
        "d3@2026-12-26",
        "d1@2026-12-28",
        "d0@2026-12-29",
    ]


async def test_a_closed_item_stops_its_reminders(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    app = bot.app
    item_id = await item_with_owners(app)
    await run_until(bot, clock, datetime(2026, 12, 2, tzinfo=UTC))
    async with app.database.sessions.begin() as session:
        assert await roadmap.close_item(session, item_id, "done", actor=ADMIN.id, actor_name="S", now=clock())
        assert not await roadmap.close_item(session, item_id, "done", actor=ADMIN.id, actor_name="S", now=clock())
    await run_until(bot, clock, datetime(2026, 12, 26, tzinfo=UTC))
    keys = await reminder_keys(app)
    assert {k.split(":")[2] for k in keys} == {"d14", "unreachable"}


async def test_an_item_policy_of_its_own(bot: RunningBot, clock: FakeClock) -> None:
    app = bot.app
    item_id = await item_with_owners(app)
    async with app.database.sessions.begin() as session:
        assert await roadmap.set_policy(session, item_id, [2], 1, actor=ADMIN.id, actor_name="S", now=clock())
    await run_until(bot, clock, datetime(2026, 12, 17, 12, tzinfo=UTC))
    ids = await people(bot)
    assert kinds_for(await reminder_keys(app), ids[SOLO.id]) == [
        "d2@2026-12-13",
        "overdue@2026-12-16",
        "overdue@2026-12-17",
    ]


def test_due_derivation_in_the_cluster_zone() -> None:
    policy = reminders.Policy((14, 7, 3, 1, 0), 3, 7, 10, MSK, timedelta(hours=1))
    at = datetime(2026, 12, 12, 7, tzinfo=UTC)  # 10:00 in Moscow
    before = reminders.latest_due(DEADLINE, policy, at - timedelta(seconds=1))
    assert before is not None and before.kind == "d7"
    assert reminders.latest_due(DEADLINE, policy, at) == reminders.Due("d3", at.date(), at)
    assert reminders.next_after(DEADLINE, policy, at) == datetime(2026, 12, 14, 7, tzinfo=UTC)
    assert reminders.latest_due(DEADLINE, policy, datetime(2026, 11, 30, tzinfo=UTC)) is None
    overdue = reminders.latest_due(DEADLINE, policy, datetime(2027, 1, 1, tzinfo=UTC))
    assert overdue is not None and overdue.kind == "overdue" and str(overdue.day) == "2026-12-30"


async def test_people_without_a_deadline_get_nothing(bot: RunningBot, clock: FakeClock) -> None:
    await link_people(bot.app)
    await bot.tick()  # Monday 12:00 in Moscow: this week's nudge, two hours after its time
    await run_until(bot, clock, clock() + timedelta(days=20))
    assert await reminder_keys(bot.app) == []
    nudges = await reminder_keys(bot.app, "nudge")
    assert nudges == [f"rm:nudge:2026-W{w}:c{ADMIN.id}" for w in (48, 49, 50)], "a nudge a week"


async def test_collect_on_every_backend(session: AsyncSession) -> None:
    """The derivation and its watermarks on SQLite and PostgreSQL alike."""
    set_at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    item_id = await item_with_owners_in(session, set_at)
    policy = reminders.Policy((14, 7, 3, 1, 0), 3, 7, 10, MSK, timedelta(hours=1))
    at = datetime(2026, 12, 22, 7, 5, tzinfo=UTC)  # 10:05 in Moscow, 7 days overdue
    [due] = await reminders.collect(session, policy, at, "ru")
    assert due.due is not None
    assert (due.item_id, due.due.kind, str(due.due.day), due.late) == (item_id, "overdue", "2026-12-21", True)
    assert sorted(r.chat_id for r in due.recipients) == sorted([ORG_A.id, ORG_B.id, SOLO.id])
    assert {r.language for r in due.recipients if r.chat_id == SOLO.id} == {"en"}
    assert due.escalate is not None and str(due.escalate.day) == "2026-12-22"
    assert [(kind, name) for kind, _, name in due.unreachable] == [("o", "Правительство Санкт-Петербурга")]
    assert await reminders.collect(session, policy, at, "ru") == [], "the watermark moved on"
    item = await session.get(RoadmapItem, item_id)
    assert item is not None
    await session.refresh(item)
    assert item.next_reminder_at == datetime(2026, 12, 24, 7, tzinfo=UTC)


async def test_a_burst_is_taken_on_tick_by_tick(session: AsyncSession) -> None:
    set_at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    first = await item_with_owners_in(session, set_at)
    who = Actor(actor=ADMIN.id, actor_name="S", now=set_at)
    assert await roadmap.set_deadline(session, 2, DEADLINE, **who)
    solo = await session.get(Account, SOLO.id)
    assert solo is not None
    assert await roadmap.add_owner(session, 2, person_id=solo.person_id, **who)
    policy = reminders.Policy((14, 7, 3, 1, 0), 3, 7, 10, MSK, timedelta(hours=1))
    at = datetime(2026, 12, 8, 7, 0, 10, tzinfo=UTC)
    taken = [[d.item_id for d in await reminders.collect(session, policy, at, "ru", limit=1)] for _ in range(3)]
    assert sorted(taken[0] + taken[1]) == sorted([first, 2]) and taken[2] == []


async def test_a_second_instance_never_doubles(bot: RunningBot, settings: Settings, clock: FakeClock) -> None:
    await item_with_owners(bot.app)
    second = await create_app(settings, clock=clock)
    try:
        clock.now = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
        await asyncio.gather(tick(bot.app), tick(second))
        clock.advance(minutes=10)  # the first instance's lease has lapsed: the second one ticks
        await asyncio.gather(tick(second), tick(bot.app))
        async with second.database.sessions.begin() as session:  # and even without the watermarks
            await session.execute(update(RoadmapItem).values(next_reminder_at=None))
        await tick(second)
    finally:
        await second.bot.session.close()
        await second.database.close()
    ids = await people(bot)
    keys = await reminder_keys(bot.app)
    for user in (ORG_A, ORG_B, SOLO):
        assert kinds_for(keys, ids[user.id]) == ["d14@2026-12-01"]


async def test_a_fresh_start_does_not_send_last_weeks_roadmap_nudge(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 09:00 in Moscow: last week's nudge is 7 days old
    await bot.tick()
    assert not texts(emulator, ADMIN.id, "без срока или ответственных")
    clock.now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    await bot.tick()
    assert len(texts(emulator, ADMIN.id, "без срока или ответственных")) == 1
