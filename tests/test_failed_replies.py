"""When a reply cannot be delivered: the user blocked the bot, Telegram throttles us or refuses a
call; the bot apologises where it can and goes on."""

from __future__ import annotations

import logging

import pytest

from bot.settings import Settings
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    GUEST,
    sent,
)


async def test_a_user_who_blocked_the_bot_is_not_an_error(
    bot: RunningBot, emulator: BotAPIEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.block(GUEST.id)
    with caplog.at_level(logging.INFO):
        calls = await emulator.ask(GUEST, "Данфосс")
    replies = [c for c in calls if c.method == "sendMessage"]
    assert len(replies) == 1 and not replies[0].ok, "one reply tried, refused with 403, and no apology after it"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]
    assert any("refuses our messages" in r.getMessage() for r in caplog.records)
    emulator.unblock(GUEST.id)
    assert [c for c in await emulator.ask(GUEST, "Данфосс") if c.method == "sendMessage" and c.ok]


async def test_a_throttled_reply_is_a_warning_without_an_apology(
    bot: RunningBot, emulator: BotAPIEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.fail("sendMessage", 429, retry_after=7, chat_id=GUEST.id)
    with caplog.at_level(logging.INFO):
        calls = await emulator.ask(GUEST, "Данфосс")
    assert len([c for c in calls if c.method == "sendMessage"]) == 1, "no apology into the same flood limit"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("wait 7 s" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


async def test_optional_calls_failing_do_not_stop_the_bot(
    emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    emulator.fail("setMyCommands", 500, "Internal Server Error", times=10)
    running = RunningBot(settings, clock)
    await running.start()
    try:
        calls = await emulator.ask(GUEST, "/start")
        assert sent(calls) and any(c.method == "setMyCommands" and not c.ok for c in emulator.calls)
    finally:
        await running.stop()


async def test_a_failure_is_apologised_for(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    emulator.fail("sendMessage", 400, "Bad Request: something unexpected", times=1)
    calls = await emulator.ask(GUEST, "/projects")
    apology = [c for c in calls if c.method == "sendMessage" and c.ok]
    assert apology and "пошло не так" in apology[0].text
    assert sent(await emulator.ask(GUEST, "/projects")), "the bot goes on"
