"""The instance's HTTP server (aiohttp): health, metrics and, in webhook mode, the updates.

Routes are added to `web` before `start()`. Port 0 binds a free port chosen by the system
(tests use it): `port` then holds the one bound. The `HTTP_PORT=0` setting means no server at all,
so it is the caller that decides whether to create one."""

from __future__ import annotations

from aiohttp import web


class HttpServer:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.web = web.Application()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"
