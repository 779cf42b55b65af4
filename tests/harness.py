"""The bot as tests run it: the real application polling the emulator, with a settable clock."""

from __future__ import annotations

import asyncio
import itertools
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web

from bot.app import App, add_http_routes, create_app, run_polling
from bot.clock import Sleep
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
    # "handler finished". Production polls with handle_as_tasks=True (several workers, a batch
    # confirmed once stored).
    handle_as_tasks: bool = False
    # Serve /healthz, /metrics and the calendar feeds on a free port of 127.0.0.1 (`app.http.port` once started).
    http: bool = False
    sleep: Sleep = no_wait
    _app: App | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def app(self) -> App:
        """The running application (a new one after each restart)."""
        assert self._app is not None, "the bot is not running"
        return self._app

    async def start(self) -> None:
        self._app = app = await create_app(self.settings, clock=self.clock, sleep=self.sleep)
        if self.http:
            app.http = HttpServer("127.0.0.1", 0)
            add_http_routes(app.http, app)
        self._task = asyncio.create_task(
            run_polling(
                app,
                handle_as_tasks=self.handle_as_tasks,
                polling_timeout=1,
                handle_signals=False,
                background=False,
            )
        )
        if app.http is not None:  # run_polling binds it first thing
            async with asyncio.timeout(10):
                while not app.http.port:
                    await asyncio.sleep(0.01)

    async def tick(self) -> int:
        """One scheduler tick at the fake clock's time, then delivery of everything due; returns
        how many outbox rows were delivered (or failed)."""
        await tick(self.app)
        return await self.app.sender.deliver_due()

    async def stop(self) -> None:
        if self._app is None or self._task is None:
            return
        self._app.stopping.set()
        await asyncio.wait_for(self._task, 10)
        self._app, self._task = None, None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


def free_port() -> int:
    """A port nothing listens on now (for a webhook URL that must be known before the server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings(settings: Settings, *, secret: str = "s3cret-token") -> Settings:
    """The same bot in webhook mode, on a port of its own."""
    port = free_port()
    return settings.model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
            "webhook_secret": secret,
            "http_host": "127.0.0.1",
            "http_port": port,
        }
    )


class RoundRobin:
    """A reverse proxy in front of several instances, as nginx with an upstream of them: each
    request goes to the next backend, and to the one after when a backend does not answer."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.url = ""
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RoundRobin:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._http is not None and self._runner is not None
        await self._http.close()
        await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        for _ in self.backends:
            backend = self.backends[next(self._turn) % len(self.backends)]
            try:
                async with self._http.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    return web.Response(status=answer.status, body=await answer.read())
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502)
