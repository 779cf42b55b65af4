"""FSM storage in the database, so a restart in the middle of a dialog loses nothing.

Writes are single upserts (INSERT … ON CONFLICT DO UPDATE): safe when two updates of the
same chat race to create the key, which a check-then-insert storage is not. Inside a handler
the storage joins the update's own session (see `update_session`): the dialog's state then
commits together with what the handler wrote, and SQLite never sees two writers at once.

A dialog untouched for longer than its TTL is forgotten on read: a guest who stopped at "your
name?" and comes back a week later with a search must not have it taken for a name."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    DEFAULT_DESTINY,
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.services import outbox
from bot.services.db_util import insert_for
from models import FsmRecord

update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)


@asynccontextmanager
async def _session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """The update's session when inside a handler (its middleware commits), else our own."""
    if (shared := update_session.get()) is not None:
        yield shared
        return
    async with sessions.begin() as session:
        yield session


class SqlStorage(BaseStorage):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        ttl: timedelta,
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._ttl = ttl
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(key, {"state": value}, {"state": value, "data": {}})

    async def get_state(self, key: StorageKey) -> str | None:
        async with _session(self._sessions) as session:
            row = (
                await session.execute(
                    select(FsmRecord.state, FsmRecord.updated_at).where(FsmRecord.key == self._keys.build(key))
                )
            ).first()
        return row.state if row is not None and self._fresh(row.updated_at) else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        await self._upsert(key, {"data": dict(data)}, {"state": None, "data": dict(data)})

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with _session(self._sessions) as session:
            row = (
                await session.execute(
                    select(FsmRecord.data, FsmRecord.updated_at).where(FsmRecord.key == self._keys.build(key))
                )
            ).first()
        return dict(row.data or {}) if row is not None and self._fresh(row.updated_at) else {}

    def _fresh(self, updated_at: datetime | None) -> bool:
        return updated_at is None or self._clock() - updated_at <= self._ttl

    async def close(self) -> None:
        """Sessions come from the application's factory; the engine is disposed by its owner."""

    async def _upsert(self, key: StorageKey, changes: dict[str, Any], fresh: dict[str, Any]) -> None:
        """`changes` to a live record; an expired one is dropped first, so the write starts afresh."""
        now, built = self._clock(), self._keys.build(key)
        async with _session(self._sessions) as session:
            await session.execute(
                delete(FsmRecord).where(FsmRecord.key == built, FsmRecord.updated_at < now - self._ttl)
            )
            statement = insert_for(session, FsmRecord).values(key=built, updated_at=now, **fresh)
            await session.execute(
                statement.on_conflict_do_update(index_elements=["key"], set_={**changes, "updated_at": now})
            )


class DialogMarks(BaseStorage):
    """Any dialog storage (ours or Redis) that also tells the database which private chats are in
    the middle of a dialog, in the update's own transaction: the outbox sender holds back what
    would land between two questions (bot.services.outbox.DIALOG_WAIT)."""

    def __init__(self, storage: BaseStorage, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.storage = storage
        self._sessions = sessions
        self._clock = clock

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self.storage.set_state(key, state)
        if key.chat_id == key.user_id and key.thread_id is None and key.destiny == DEFAULT_DESTINY:  # a private chat
            async with _session(self._sessions) as session:
                await outbox.dialog_moved(session, key.chat_id, None if state is None else self._clock())

    async def get_state(self, key: StorageKey) -> str | None:
        return await self.storage.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self.storage.set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self.storage.get_data(key)

    async def close(self) -> None:
        await self.storage.close()
