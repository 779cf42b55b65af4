"""The sender's pacing: overall rate, one chat's interval, a group's minute quota, 429 pauses —
in virtual time, so nothing here sleeps on the wall clock."""

from __future__ import annotations

from itertools import pairwise

from aiogram.exceptions import TelegramRetryAfter
from sqlalchemy import select

from bot.services import outbox
from bot.services.outbox import Outgoing
from models import OutboxMessage
from scheduler.pacing import Limits, Pacer, VirtualTimer
from scheduler.sender import Sender
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot


def test_overall_rate_spaces_messages_evenly() -> None:
    pacer = Pacer(Limits(rate=30, chat_interval=1, group_per_minute=20), VirtualTimer())
    starts = [pacer.book(chat) for chat in range(1, 91)]
    assert starts[0] == 0 and abs(starts[-1] - 89 / 30) < 1e-9
    assert all(abs((b - a) - 1 / 30) < 1e-9 for a, b in pairwise(starts))


def test_a_chat_waits_its_interval_without_holding_up_others() -> None:
    pacer = Pacer(Limits(rate=10, chat_interval=1, group_per_minute=0), VirtualTimer())
    first, again, other = pacer.book(5), pacer.book(5), pacer.book(6)
    assert (first, again) == (0, 1.0)
    assert other == 0.1, "the slot the waiting chat did not take is used by the next one"


def test_a_group_gets_at_most_its_quota_per_minute() -> None:
    pacer = Pacer(Limits(rate=0, chat_interval=0, group_per_minute=20), VirtualTimer())
    starts = [pacer.book(-100500) for _ in range(25)]
    assert starts[:20] == [0.0] * 20 and starts[20:] == [60.0] * 5
    assert pacer.book(42) == 0.0, "private chats are not counted"


async def test_a_429_pauses_everything() -> None:
    timer = VirtualTimer()
    pacer = Pacer(Limits(rate=0, chat_interval=0, group_per_minute=0), timer)
    pacer.pause(7)
    assert pacer.book(1) == 7
    await pacer.wait_until(0)
    assert timer.now == 7


async def test_the_sender_keeps_the_rate(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    app = bot.app
    timer = VirtualTimer()
    sender = Sender(app.bot, app.database.sessions, clock, limits=Limits(rate=30), batch=40, timer=timer)
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(
            session, [Outgoing(key=f"n{n}", chat_id=5000 + n, kind="notice", text="hi") for n in range(90)], clock()
        )
        await outbox.enqueue(session, [Outgoing(key="again", chat_id=5000, kind="notice", text="again")], clock())
    assert await sender.deliver_due() == 91
    assert 89 / 30 <= timer.now < 3.2, "91 messages at 30/s take about three seconds"
    async with app.database.sessions() as session:
        assert set(await session.scalars(select(OutboxMessage.status))) == {"sent"}


async def test_the_emulator_can_enforce_telegrams_limits(emulator: BotAPIEmulator) -> None:
    emulator.enforce_limits(overall=30, per_chat=1, chat_burst=3)
    bot = emulator.make_bot()
    try:
        for _ in range(3):
            await bot.send_message(4242, "burst")
        try:
            await bot.send_message(4242, "one too many")
        except TelegramRetryAfter as exc:
            assert exc.retry_after >= 1
        else:
            raise AssertionError("expected a 429")
        await bot.send_message(4343, "another chat is fine")
    finally:
        await bot.session.close()
    assert emulator.throttled == 1


async def test_an_odd_row_does_not_hold_up_its_batch(bot: RunningBot, clock: FakeClock) -> None:
    app = bot.app
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(
            session,
            [
                Outgoing(
                    key="bad", chat_id=5001, kind="notice", text="x", reply_markup={"inline_keyboard": "not a keyboard"}
                ),
                Outgoing(key="good", chat_id=5002, kind="notice", text="y"),
            ],
            clock(),
        )
    assert await app.sender.deliver_due() == 2
    async with app.database.sessions() as session:
        status = {key: state for key, state in await session.execute(select(OutboxMessage.key, OutboxMessage.status))}
    assert status == {"bad": "pending", "good": "sent"}, "the odd one is retried later, the rest recorded"
