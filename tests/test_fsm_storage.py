"""The database FSM storage: durable across engines, safe under concurrent writes."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from bot.fsm_storage import SqlStorage

KEY = StorageKey(bot_id=1, chat_id=5, user_id=5)


async def test_state_and_data_survive_a_new_storage(database) -> None:  # type: ignore[no-untyped-def]
    storage = SqlStorage(database.sessions)
    await storage.set_state(KEY, "JoinForm:organisation")
    await storage.update_data(KEY, {"name": "Анна"})
    fresh = SqlStorage(database.sessions)
    assert await fresh.get_state(KEY) == "JoinForm:organisation"
    assert await fresh.get_data(KEY) == {"name": "Анна"}
    await fresh.set_state(KEY, None)
    await fresh.set_data(KEY, {})
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}


async def test_concurrent_writes_to_a_new_key(database) -> None:  # type: ignore[no-untyped-def]
    storage = SqlStorage(database.sessions)
    keys = [StorageKey(bot_id=1, chat_id=100, user_id=100)] * 8
    await asyncio.gather(*(storage.set_data(k, {"n": n}) for n, k in enumerate(keys)))
    assert (await storage.get_data(keys[0]))["n"] in range(8)
