"""The instance's small HTTP server (aiohttp): the webhook, and whatever else is routed on it."""

from __future__ import annotations

from aiohttp import web


class HttpServer:
    """Routes are added to `web` before `start`. Port 0 binds a free port (tests); `port` then
    tells which one."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.web = web.Application()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening; requests under way finish first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
