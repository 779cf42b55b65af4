"""The outbox and its sender: added once per key, delivered once, failures recorded, one ticker."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from datetime import timedelta

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.services import lease, outbox
from bot.services.outbox import Outgoing
from models import Account, OutboxMessage
from scheduler.sender import Sender
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import ADMIN, GUEST, button, sent


def note(key: str, chat_id: int, text: str = "hello") -> Outgoing:
    return Outgoing(key=key, chat_id=chat_id, kind="notice", text=text)


async def rows(app: App) -> dict[str, OutboxMessage]:
    async with app.database.sessions() as session:
        return {row.key: row for row in await session.scalars(select(OutboxMessage))}


async def test_a_key_is_enqueued_once(session: AsyncSession, clock: FakeClock) -> None:
    assert await outbox.enqueue(session, [note("a", 1), note("b", 2)], clock()) == ["a", "b"]
    assert await outbox.enqueue(session, [note("a", 1, "again"), note("c", 3)], clock()) == ["c"]
    assert await outbox.sent_keys(session, ["a", "c", "z"]) == {"a", "c"}


async def test_due_rows_are_delivered_once_and_failures_recorded(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    app = bot.app
    emulator.block(4242)
    emulator.remove_chat(4343)
    async with app.database.sessions.begin() as session:
        session.add(Account(telegram_id=4242, first_name="Blocked", created_at=clock()))
        later = Outgoing(
            key="later", chat_id=GUEST.id, kind="notice", text="later", not_before=clock() + timedelta(hours=1)
        )
        await outbox.enqueue(
            session, [note("hi", GUEST.id, "<b>Привет</b>"), note("blocked", 4242), note("gone", 4343), later], clock()
        )
    assert await app.sender.deliver_due() == 3
    assert await app.sender.deliver_due() == 0, "nothing is sent twice"
    state = await rows(app)
    assert state["hi"].status == "sent" and state["hi"].message_id
    assert state["blocked"].status == state["gone"].status == "unreachable"
    assert state["later"].status == "pending"
    assert [c.text for c in emulator.calls_of("sendMessage", GUEST.id)] == ["Привет"]
    async with app.database.sessions() as session:
        blocked = await session.get(Account, 4242)
        assert blocked is not None and blocked.blocked_bot

    clock.advance(hours=1)
    assert await app.sender.deliver_due() == 1
    assert (await rows(app))["later"].status == "sent"


async def test_a_429_waits_and_a_5xx_is_retried_with_backoff(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    app = bot.app
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(session, [note("x", GUEST.id)], clock())
    emulator.fail("sendMessage", 429, retry_after=7)
    await app.sender.deliver_due()
    row = (await rows(app))["x"]
    assert row.status == "pending" and row.not_before == clock() + timedelta(seconds=7) and row.attempts == 0
    clock.advance(seconds=7)
    emulator.fail("sendMessage", 502)
    await app.sender.deliver_due()
    row = (await rows(app))["x"]
    assert row.status == "pending" and row.not_before > clock()
    clock.advance(minutes=1)
    await app.sender.deliver_due()
    assert (await rows(app))["x"].status == "sent"
    assert len(emulator.calls_of("sendMessage", GUEST.id)) == 3


async def test_a_crash_mid_send_sends_again_on_start(bot: RunningBot, clock: FakeClock) -> None:
    app = bot.app
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(session, [note("x", GUEST.id)], clock())
        assert [r.key for r in await outbox.claim_due(session, clock(), 10)] == ["x"]
    assert await app.sender.deliver_due() == 0, "a claimed row is another sender's"
    assert await app.sender.resume() == 1
    assert await app.sender.deliver_due() == 1


class Stuck(BaseRequestMiddleware):
    """Requests to one chat never come back: that message is in flight when the process dies."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id
        self.reached = asyncio.Event()

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        if getattr(method, "chat_id", None) == self.chat_id:
            self.reached.set()
            await asyncio.Event().wait()
        return await make_request(bot, method)


async def test_a_sender_dying_mid_batch_repeats_only_the_message_in_flight(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    app = bot.app
    chats = (5001, 5002, 5003)
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(session, [note(f"m{chat}", chat) for chat in chats], clock())
    dying_bot = emulator.make_bot()
    stuck = Stuck(5003)
    dying_bot.session.middleware(stuck)
    dying = Sender(dying_bot, app.database.sessions, clock, concurrency=1)  # one batch of three, one by one
    sending = asyncio.create_task(dying.deliver_due())
    await asyncio.wait_for(stuck.reached.wait(), 5)
    sending.cancel()  # the process dies: the first two are with their recipients, the third in flight
    with contextlib.suppress(asyncio.CancelledError):
        await sending
    await dying_bot.session.close()
    assert await app.sender.resume() == 1, "the two delivered were recorded as they went, not with the batch"
    assert await app.sender.deliver_due() == 1
    delivered = Counter(c.chat for c in emulator.calls_of("sendMessage") if c.ok)
    assert delivered == {chat: 1 for chat in chats}


async def test_one_instance_holds_the_ticker_lease(session: AsyncSession, clock: FakeClock) -> None:
    ttl = timedelta(seconds=90)
    assert await lease.hold(session, "ticker", "a", clock(), ttl)
    assert not await lease.hold(session, "ticker", "b", clock(), ttl)
    assert await lease.hold(session, "ticker", "a", clock() + timedelta(seconds=60), ttl), "renewed by its holder"
    assert not await lease.hold(session, "ticker", "b", clock() + timedelta(seconds=120), ttl)
    assert await lease.hold(session, "ticker", "b", clock() + timedelta(seconds=200), ttl), "taken once expired"


async def test_one_instance_sends_and_a_successor_resends_what_was_in_flight(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    app = bot.app
    other = Sender.from_settings(app.bot, app.database.sessions, clock, app.settings)
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(session, [note("first", GUEST.id)], clock())
    assert await app.sender.take_turn("a") == 1
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(session, [note("second", GUEST.id), note("third", GUEST.id)], clock())
        await outbox.claim_due(session, clock(), 1)  # "a" is sending "second" when it stops
    assert await other.take_turn("b") == 0, "the lease is a's: b sends nothing"
    await app.sender.release("a")
    assert await other.take_turn("b") == 2, "b takes over: the row in flight goes out again, and the rest"
    assert (await rows(app))["second"].status == "sent"
    async with app.database.sessions.begin() as session:
        await outbox.enqueue(session, [note("fourth", GUEST.id)], clock())
    assert await app.sender.take_turn("a") == 0, "b holds the lease now"
    clock.advance(minutes=1)  # b died without giving it up: its lease lapses
    assert await app.sender.take_turn("a") == 1


async def test_a_handler_that_enqueues_wakes_the_sender_after_its_commit(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    sender = bot.app.sender
    await emulator.ask(ADMIN, "Данфосс")
    assert not sender._wake.is_set(), "a plain reply enqueues nothing and wakes nothing"
    await emulator.ask(ADMIN, "/announce")
    message = sent(await emulator.ask(ADMIN, "Собрание в пятницу"))[-1]
    for label in ("Без вложения", "Общее", "Всем участникам", "Отправить сейчас"):
        calls = await emulator.tap(ADMIN, message, button(message, label))
        message = next((c for c in reversed(calls) if c.buttons), message)
    assert sender._wake.is_set(), "woken by the update's middleware, after its commit"
    assert await sender.deliver_due() >= 1, "and the rows it would look for are committed"
