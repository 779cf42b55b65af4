"""When a reply cannot be delivered: the user blocked the bot, or Telegram throttles us."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import GUEST


async def test_a_user_who_blocked_the_bot_is_not_an_error(bot, emulator, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
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
    bot, emulator, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    emulator.fail("sendMessage", 429, retry_after=7, chat_id=GUEST.id)
    with caplog.at_level(logging.INFO):
        calls = await emulator.ask(GUEST, "Данфосс")
    assert len([c for c in calls if c.method == "sendMessage"]) == 1, "no apology into the same flood limit"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("wait 7 s" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
