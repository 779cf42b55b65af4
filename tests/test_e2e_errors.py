"""When a reply cannot be delivered because the user blocked the bot."""

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
