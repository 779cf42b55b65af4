"""What the parts of a running bot share: the scheduler's jobs, the HTTP routes and the sender's
observers are given this, not the App of the wiring that builds it."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.health import Liveness
from bot.metrics import Metrics
from bot.services.directory.search import DirectorySearch
from bot.settings import Settings
from scheduler.sender import Sender


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    async def close(self) -> None:
        await self.engine.dispose()


# A feature's scheduled work: derive from the database what is due now and enqueue it.
Job = Callable[["Runtime"], Awaitable[None]]


@dataclass(kw_only=True)
class Runtime:
    settings: Settings
    database: Database
    bot: Bot
    search: DirectorySearch
    sender: Sender
    clock: Clock
    metrics: Metrics
    liveness: Liveness
    # What each tick runs, in this order (the features' jobs, given by the wiring).
    jobs: Sequence[Job] = ()
    # Services besides the database that updates cannot be handled without (Redis, when dialogs
    # live there), each with a call that raises when it does not answer: /healthz asks them too.
    dependencies: Mapping[str, Callable[[], Awaitable[object]]] = field(default_factory=dict)
    # Names this process in the ticker lease and its claims on updates, so that of several
    # instances only one ticks, and each update is handled by one.
    instance_id: str = field(default_factory=lambda: secrets.token_hex(8))
