"""As `clusterbot run` polls: every update a task of its own, users served side by side."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.settings import Settings
from tests.emulator import BotAPIEmulator, User
from tests.harness import FakeClock, RunningBot

SLOW = User(id=7040, first_name="Анна", language_code="ru")
OTHER = User(id=7041, first_name="Bob", language_code="en")

pytestmark = pytest.mark.postgresql_too


async def test_a_user_waiting_for_telegram_does_not_hold_up_another(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram is slow to take SLOW's reply; OTHER's first contact (which writes their account)
    must not wait for it: the database write lock is not held across a Bot API call."""
    held, release = asyncio.Event(), asyncio.Event()
    dispatch = emulator._dispatch

    async def slow_for_one_chat(token: str, method: str, params: dict[str, Any], files: Any) -> Any:
        if str(params.get("chat_id")) == str(SLOW.id):
            held.set()
            await release.wait()
        return await dispatch(token, method, params, files)

    monkeypatch.setattr(emulator, "_dispatch", slow_for_one_chat)
    running = RunningBot(settings, clock, handle_as_tasks=True)
    await running.start()
    try:
        emulator.send_message(SLOW, "/join")  # a first contact: the account row is written first
        await asyncio.wait_for(held.wait(), 5)
        emulator.send_message(OTHER, "/join")
        reply = await emulator.wait_for("sendMessage", chat_id=OTHER.id, timeout=5)
        assert reply.ok and not release.is_set()
        release.set()
        assert (await emulator.wait_for("sendMessage", chat_id=SLOW.id)).ok
    finally:
        release.set()
        await running.stop()
