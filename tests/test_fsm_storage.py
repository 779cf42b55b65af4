"""The database FSM storage: durable across engines, safe under concurrent writes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from aiogram.fsm.storage.base import StorageKey

from bot.fsm_storage import DialogMarks, SqlStorage
from bot.runtime import Database
from models import DialogMark
from tests.harness import FakeClock

KEY = StorageKey(bot_id=1, chat_id=5, user_id=5)
TTL = timedelta(hours=48)


async def test_state_and_data_survive_a_new_storage(database: Database) -> None:
    clock = FakeClock()
    storage = SqlStorage(database.sessions, clock, TTL)
    await storage.set_state(KEY, "JoinForm:organisation")
    await storage.update_data(KEY, {"name": "Анна"})
    fresh = SqlStorage(database.sessions, clock, TTL)
    assert await fresh.get_state(KEY) == "JoinForm:organisation"
    assert await fresh.get_data(KEY) == {"name": "Анна"}
    await fresh.set_state(KEY, None)
    await fresh.set_data(KEY, {})
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}


async def test_concurrent_writes_to_a_new_key(database: Database) -> None:
    storage = SqlStorage(database.sessions, FakeClock(), TTL)
    keys = [StorageKey(bot_id=1, chat_id=100, user_id=100)] * 8
    await asyncio.gather(*(storage.set_data(k, {"n": n}) for n, k in enumerate(keys)))
    assert (await storage.get_data(keys[0]))["n"] in range(8)


async def test_a_dialog_left_past_its_ttl_is_forgotten(database: Database) -> None:
    clock = FakeClock()
    storage = SqlStorage(database.sessions, clock, TTL)
    await storage.set_state(KEY, "JoinForm:name")
    await storage.set_data(KEY, {"name": "Анна"})
    clock.advance(hours=47)
    assert await storage.get_state(KEY) == "JoinForm:name", "within the TTL the dialog goes on"
    clock.advance(hours=2)
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
    await storage.set_data(KEY, {"other": 1})
    assert await storage.get_state(KEY) is None, "writing data does not revive the old state"
    assert await storage.get_data(KEY) == {"other": 1}


async def test_redis_storage_when_configured(tmp_path: Path) -> None:
    """REDIS_URL switches dialogs to Redis; they survive a new storage object (a restart). The
    database still knows which chat is in a dialog, for the outbox sender."""
    import os

    import pytest

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set")
    from aiogram.fsm.storage.redis import RedisStorage

    from bot.app import create_storage, open_database
    from bot.settings import Settings

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", redis_url=url, _env_file=None)
    database = await open_database(settings, load_bundled=False)
    first = create_storage(settings, database, FakeClock())
    assert isinstance(first, DialogMarks) and isinstance(first.storage, RedisStorage)
    await first.set_state(KEY, "JoinForm:name")
    await first.close()
    second = create_storage(settings, database, FakeClock())
    try:
        assert await second.get_state(KEY) == "JoinForm:name"
        async with database.sessions() as session:
            assert await session.get(DialogMark, KEY.chat_id) is not None
        await second.set_state(KEY, None)
        async with database.sessions() as session:
            assert await session.get(DialogMark, KEY.chat_id) is None
    finally:
        await second.close()
        await database.close()
