"""Taking updates: stored before they are confirmed, handled once, in each chat's order, by any
instance; the webhook mode; a graceful stop that finishes what it took."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import open_database
from bot.runtime import Database
from bot.services import inbox
from bot.settings import Settings
from models import InboxUpdate, Organisation
from tests.emulator import BotAPIEmulator, User
from tests.harness import FakeClock, RoundRobin, RunningBot, webhook_settings
from tests.steps import GUEST, GUEST_EN


def message(update_id: int, chat_id: int, text: str = "hi") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1700000000,
            "text": text,
            "chat": {"id": chat_id, "type": "private", "first_name": "A"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A"},
        },
    }


async def rows(database: Database) -> dict[int, InboxUpdate]:
    async with database.sessions() as session:
        return {r.update_id: r for r in (await session.scalars(select(InboxUpdate))).all()}


# ------------------------------------------------------------------ the inbox itself
async def test_a_chat_s_updates_are_claimed_one_after_another_in_update_id_order(
    database: Database, clock: FakeClock
) -> None:
    lease = timedelta(seconds=30)
    async with database.sessions.begin() as session:
        # Arriving out of order (webhook requests run in parallel) changes nothing.
        assert await inbox.store(session, [message(12, 1), message(11, 1), message(13, 2)], clock()) == [12, 11, 13]
        assert await inbox.store(session, [message(11, 1)], clock()) == [], "a redelivery is not stored again"
    async with database.sessions.begin() as session:
        first = await inbox.claim(session, "a#1", clock(), lease)
        second = await inbox.claim(session, "b#1", clock(), lease)
        assert await inbox.claim(session, "c#1", clock(), lease) is None, "chat 1's 12 waits for its 11"
    assert first is not None and second is not None
    assert (first.update_id, second.update_id) == (11, 13)
    async with database.sessions.begin() as session:
        assert await inbox.begin(session, first, clock())
    async with database.sessions.begin() as session:
        assert await inbox.claim(session, "c#2", clock(), lease) is None, "11 is done, but its handler still runs"
        await inbox.release(session, [first.token])
        following = await inbox.claim(session, "c#3", clock(), lease)
    assert following is not None and following.update_id == 12


async def test_a_lapsed_claim_is_taken_over_and_the_first_claimant_may_not_apply_it(
    database: Database, clock: FakeClock
) -> None:
    lease = timedelta(seconds=30)
    async with database.sessions.begin() as session:
        await inbox.store(session, [message(21, 1)], clock())
        dead = await inbox.claim(session, "dead#1", clock(), lease)
        assert dead is not None
        assert await inbox.claim(session, "live#1", clock(), lease) is None, "claimed and alive"
    clock.advance(seconds=31)
    async with database.sessions.begin() as session:
        live = await inbox.claim(session, "live#1", clock(), lease)
    assert live is not None and live.update_id == 21
    async with database.sessions.begin() as session:
        assert not await inbox.begin(session, dead, clock()), "the lapsed claim cannot mark it done"
        assert await inbox.begin(session, live, clock())
    async with database.sessions.begin() as session:
        assert await inbox.pending(session) == 0


async def test_done_updates_are_forgotten_after_a_day_and_an_hour(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(GUEST, "/start")
    assert len(await rows(bot.app.database)) == 1
    bot.clock.advance(hours=24)
    await bot.tick()
    assert len(await rows(bot.app.database)) == 1, "Telegram might still hand it over again"
    bot.clock.advance(hours=1, seconds=1)
    await bot.tick()
    assert await rows(bot.app.database) == {}


# ------------------------------------------------------------------ polling
async def test_an_update_polled_again_after_a_crash_is_applied_once(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    update = emulator.send_message(GUEST, "/start")
    assert [c.method for c in await emulator.wait_handled(update)].count("sendMessage") == 1
    await bot.stop()
    emulator.redeliver(update)  # as after a crash between storing it and asking past it
    await bot.start()
    calls = await emulator.ask(GUEST, "/help")  # the chat's updates are handled in order
    assert len(emulator.calls_of("sendMessage", GUEST.id)) == 2
    assert [c.method for c in calls if c.method == "sendMessage"] == ["sendMessage"]
    stored = (await rows(bot.app.database))[update["update_id"]]
    assert stored.outcome == "ok" and stored.done_at is not None


async def test_a_failing_update_is_recorded_as_such_and_not_tried_again(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    emulator.fail("sendMessage", 400, times=2)  # the reply and the apology (a 4xx is not retried)
    update = emulator.send_message(GUEST, "/start")
    await emulator.wait_handled(update)
    calls = await emulator.ask(GUEST, "/start")
    assert any(c.method == "sendMessage" and c.ok for c in calls), "the chat goes on"
    assert (await rows(bot.app.database))[update["update_id"]].outcome == "error"


# ------------------------------------------------------------------ graceful stop
async def test_a_stop_finishes_the_updates_taken_before_closing(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    held, release = asyncio.Event(), asyncio.Event()
    dispatch = emulator._dispatch

    async def slow_replies(token: str, method: str, params: dict[str, Any], files: Any) -> Any:
        if method.lower() == "sendmessage":
            held.set()
            await release.wait()
        return await dispatch(token, method, params, files)

    monkeypatch.setattr(emulator, "_dispatch", slow_replies)
    running = RunningBot(settings, clock, handle_as_tasks=True)
    await running.start()
    emulator.send_message(GUEST, "/start")
    await asyncio.wait_for(held.wait(), 5)
    stopping = asyncio.create_task(running.stop())
    await asyncio.sleep(0.2)
    assert not stopping.done(), "the stop waits for the update it took"
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert emulator.calls_of("sendMessage", GUEST.id)[-1].ok
    database = await open_database(settings, load_bundled=False)
    try:
        assert [r.done_at is not None for r in (await rows(database)).values()] == [True]
    finally:
        await database.close()


async def test_a_stop_is_bounded_and_only_the_reply_in_flight_is_missing(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reply that hangs past STOP_TIMEOUT_SECONDS is abandoned: its update was marked done with
    its first writes (committed before the reply was sent), so it is not applied again; that
    reply is what a stop (or a kill) may cost. Nothing else is lost."""
    held = asyncio.Event()
    dispatch = emulator._dispatch

    async def stuck_once(token: str, method: str, params: dict[str, Any], files: Any) -> Any:
        if method.lower() == "sendmessage" and not held.is_set():
            held.set()
            await asyncio.Event().wait()
        return await dispatch(token, method, params, files)

    monkeypatch.setattr(emulator, "_dispatch", stuck_once)
    running = RunningBot(settings.model_copy(update={"stop_timeout_seconds": 0.3}), clock, handle_as_tasks=True)
    await running.start()
    update = emulator.send_message(GUEST, "/start")
    await asyncio.wait_for(held.wait(), 5)
    await asyncio.wait_for(running.stop(), 3)
    emulator.send_message(GUEST, "/help")
    await running.start()
    try:
        assert (await emulator.wait_for("sendMessage", chat_id=GUEST.id)).ok
        assert (await rows(running.app.database))[update["update_id"]].outcome == "ok"
        assert len(emulator.calls_of("sendMessage", GUEST.id)) == 1, "/start was not applied again"
    finally:
        await running.stop()


# ------------------------------------------------------------------ webhook
async def test_the_webhook_takes_updates_with_the_secret_and_refuses_them_without(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator
) -> None:
    hooked = webhook_settings(settings)
    running = RunningBot(hooked, clock)
    await running.start()
    try:
        await emulator.wait_for("setWebhook")
        call = emulator.calls_of("setWebhook")[-1]
        assert call.params["url"] == hooked.webhook_url and call.params["secret_token"] == hooked.webhook_secret
        assert "message" in call.params["allowed_updates"]
        emulator.send_message(GUEST, "/start")
        assert (await emulator.wait_for("sendMessage", chat_id=GUEST.id)).ok
        assert all(status == 200 for _, status in emulator.deliveries)
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(
                    hooked.webhook_url, json=message(99, GUEST_EN.id, "/start"), headers=headers
                ) as answer:
                    assert answer.status == 403
            # A webhook retry (the first 200 was lost on the way): answered 200, applied once.
            delivered = {
                "update_id": 98,
                **{k: v for k, v in message(98, GUEST_EN.id, "/start").items() if k != "update_id"},
            }
            for _ in range(2):
                async with http.post(
                    hooked.webhook_url,
                    json=delivered,
                    headers={"X-Telegram-Bot-Api-Secret-Token": hooked.webhook_secret},
                ) as answer:
                    assert answer.status == 200
        await emulator.wait_for("sendMessage", chat_id=GUEST_EN.id)
        assert set(await rows(running.app.database)) >= {98} and 99 not in await rows(running.app.database)
        await asyncio.sleep(0.3)
        assert len(emulator.calls_of("sendMessage", GUEST_EN.id)) == 1
    finally:
        await running.stop()
    assert emulator.webhook_url == hooked.webhook_url, "a stopping instance leaves the webhook to the others"


async def test_telegram_retries_the_webhook_until_an_instance_takes_the_update(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator
) -> None:
    running = RunningBot(webhook_settings(settings), clock)
    await running.start()
    await emulator.wait_for("setWebhook")
    await running.stop()
    update = emulator.send_message(GUEST, "/start")
    await emulator._wait_until(lambda: len(emulator.deliveries) >= 2, 5)
    assert {status for _, status in emulator.deliveries} == {0}, "nobody answers, Telegram keeps it"
    await running.start()
    try:
        reply = await emulator.wait_for("sendMessage", chat_id=GUEST.id)
        assert reply.ok and (update["update_id"], 200) in emulator.deliveries
        # Someone else's requests (a wrong secret) are refused, again and again, and never handled.
        secret, emulator.webhook_secret = emulator.webhook_secret, "forged"
        forged = emulator.send_message(GUEST_EN, "/start")
        await emulator._wait_until(lambda: emulator.deliveries.count((forged["update_id"], 403)) >= 2, 5)
        assert not emulator.calls_of("sendMessage", GUEST_EN.id)
        emulator.webhook_secret = secret
        assert (await emulator.wait_for("sendMessage", chat_id=GUEST_EN.id)).ok
    finally:
        await running.stop()


# ------------------------------------------------------------------ several instances
@pytest.mark.parametrize("bot_database_url", ["postgresql"], indirect=True)  # several instances share one
async def test_two_instances_serve_users_and_keep_each_chat_s_order(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatch = emulator._dispatch

    async def slow_replies(token: str, method: str, params: dict[str, Any], files: Any) -> Any:
        # Replies to odd queries are slow: a chat's updates queue up, and were the next one handled
        # alongside, its reply would overtake.
        if method.lower() == "sendmessage" and re.search(r"xqz\d*[13579]»", str(params.get("text"))):
            await asyncio.sleep(0.1)
        return await dispatch(token, method, params, files)

    monkeypatch.setattr(emulator, "_dispatch", slow_replies)
    instances = [RunningBot(webhook_settings(settings), clock, handle_as_tasks=True) for _ in range(2)]
    for instance in instances:
        await instance.start()
    async with RoundRobin([i.settings.webhook_url.rsplit("/telegram", 1)[0] for i in instances]) as proxy:
        try:
            await emulator._wait_until(lambda: len(emulator.calls_of("setWebhook")) == 2, 10)
            # Telegram calls the proxy; both instances registered the same public URL.
            emulator.webhook_url = proxy.url + "/telegram/hook"
            users = [User(3000 + n, f"U{n}") for n in range(6)]
            for n in range(12):
                for user in users:
                    emulator.send_message(user, f"xqz{n}")
            for user in users:
                await emulator.wait_for(
                    "sendMessage", chat_id=user.id, timeout=20, predicate=lambda c: "xqz11" in (c.text or "")
                )
            for user in users:
                asked = [re.search(r"«(xqz\d+)»", c.text or "") for c in emulator.calls_of("sendMessage", user.id)]
                assert [m.group(1) for m in asked if m] == [f"xqz{n}" for n in range(12)]
            handled = await rows(instances[0].app.database)
            by = {r.claimed_by.split("#")[0] for r in handled.values() if r.claimed_by}
            assert by == {i.app.instance_id for i in instances}, "both took updates"
            assert all(r.done_at is not None and r.outcome == "ok" for r in handled.values())
        finally:
            for instance in instances:
                await instance.stop()


@pytest.mark.parametrize("bot_database_url", ["postgresql"], indirect=True)
async def test_instances_starting_at_once_on_an_empty_database_set_it_up_once(settings: Settings) -> None:
    databases = await asyncio.wait_for(asyncio.gather(*(open_database(settings) for _ in range(3))), 60)
    try:
        async with databases[0].sessions() as session:
            assert (await session.scalar(select(func.count()).select_from(Organisation)) or 0) > 0
    finally:
        for database in databases:
            await database.close()
