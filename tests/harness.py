"""The bot as tests run it: the real application polling the emulator, with a settable clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.app import App, create_app, run_polling
from bot.clock import Sleep
from bot.health import add_routes
from bot.http_server import HttpServer
from bot.settings import Settings
from scheduler.jobs import tick


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def no_wait(_seconds: float) -> None:
    """Retries (of replies, of the start-up) follow at once: tests never sleep on wall time."""
    await asyncio.sleep(0)


@dataclass
class RunningBot:
    """Starts, stops and restarts the whole application (a new process, as far as the bot knows)."""

    settings: Settings
    clock: FakeClock
    # Sequential handling (the default here): the emulator's "update confirmed" then means
    # "handler finished". Production polls with handle_as_tasks=True.
    handle_as_tasks: bool = False
    # Serve /healthz and /metrics on a free port of 127.0.0.1 (`app.http.port` once started).
    http: bool = False
    sleep: Sleep = no_wait
    app: App | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.app = await create_app(self.settings, clock=self.clock, sleep=self.sleep)
        if self.http:
            self.app.http = HttpServer("127.0.0.1", 0)
            add_routes(self.app.http, self.app)
        self._task = asyncio.create_task(run_polling(
            self.app, handle_as_tasks=self.handle_as_tasks, polling_timeout=1, handle_signals=False,
            background=False))
        if self.app.http is not None:  # run_polling binds it first thing
            async with asyncio.timeout(10):
                while not self.app.http.port:
                    await asyncio.sleep(0.01)

    async def tick(self) -> int:
        """One scheduler tick at the fake clock's time, then delivery of everything due; returns
        how many outbox rows were delivered (or failed)."""
        assert self.app is not None
        await tick(self.app)
        return await self.app.sender.deliver_due()

    async def stop(self) -> None:
        if self.app is None or self._task is None:
            return
        if not self._task.done():
            await self.app.dispatcher.stop_polling()
        await asyncio.wait_for(self._task, 10)
        self.app, self._task = None, None

    async def restart(self) -> None:
        await self.stop()
        await self.start()
