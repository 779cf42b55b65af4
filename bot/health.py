"""`GET /healthz` and `GET /metrics` on the instance's HTTP server.

Healthy means: the database (and Redis, when dialogs live there) answers, and the source of
updates is alive — the polling loop got an answer to a long poll recently. No update for hours is
normal for a quiet bot, so the time of the last update is shown, not judged."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.services import lease, outbox

if TYPE_CHECKING:
    from bot.http_server import HttpServer
    from bot.runtime import Runtime

# A long poll answers within its timeout (10 s) even when nothing happens; a network error makes
# aiogram retry within seconds. A source silent this long is stuck or cut off.
SOURCE_SILENT = timedelta(minutes=2)
# A database that takes longer than this to answer two small queries counts as down.
CHECK_SECONDS = 5.0


@dataclass
class Liveness:
    """When the last update arrived, and when the update source last showed it is alive."""

    last_update_at: datetime | None = None
    source_alive_at: datetime | None = None

    def flowing(self, now: datetime) -> bool:
        return self.source_alive_at is not None and now - self.source_alive_at <= SOURCE_SILENT


@dataclass(frozen=True)
class Inspection:
    backlog: outbox.Backlog
    leases: dict[str, tuple[str, datetime]]


async def inspect(app: Runtime, now: datetime) -> Inspection:
    async with asyncio.timeout(CHECK_SECONDS):
        async with app.database.sessions() as session:
            return Inspection(await outbox.backlog(session, now), await lease.holders(session))


def _problem(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def health(app: Runtime) -> tuple[bool, dict[str, Any]]:
    """Whether this instance is healthy, and what was checked."""
    now = app.clock()
    flowing = app.liveness.flowing(now)
    body: dict[str, Any] = {
        "instance": app.instance_id,
        "updates": {
            "flowing": flowing,
            "source_alive_at": _time(app.liveness.source_alive_at),
            "last_update_at": _time(app.liveness.last_update_at),
        },
    }
    try:
        seen = await inspect(app, now)
    except Exception as exc:  # noqa: BLE001 - whatever the driver raises, the database is not answering
        body["database"] = {"ok": False, "error": _problem(exc)}
        body["status"] = "unhealthy"
        return False, body
    oldest = seen.backlog.oldest_due
    body["database"] = {"ok": True}
    answering = True
    for name, ping in app.dependencies.items():
        body[name] = await _answers(ping)
        answering = answering and body[name]["ok"]
    body["outbox"] = {
        "waiting": seen.backlog.waiting,
        "oldest_due_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
    }
    body["leases"] = {name: _lease(app, seen.leases.get(name), now) for name in ("sender", "ticker")}
    healthy = flowing and answering
    body["status"] = "ok" if healthy else "unhealthy"
    return healthy, body


async def _answers(ping: Callable[[], Awaitable[object]]) -> dict[str, Any]:
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await ping()
    except Exception as exc:  # noqa: BLE001 - whatever the client raises, the service is not answering
        return {"ok": False, "error": _problem(exc)}
    return {"ok": True}


def _lease(app: Runtime, found: tuple[str, datetime] | None, now: datetime) -> dict[str, Any] | None:
    """Who holds a lease; None when nobody does (never taken, given up, or lapsed)."""
    if found is None or found[1] <= now:
        return None
    holder, expires = found
    return {"holder": holder, "this_instance": holder == app.instance_id, "expires_at": _time(expires)}


async def _healthz(request: web.Request) -> web.Response:
    healthy, body = await health(request.app[APP])
    return web.json_response(body, status=200 if healthy else 503)


async def _metrics(request: web.Request) -> web.Response:
    app = request.app[APP]
    now = app.clock()
    try:
        seen = await inspect(app, now)
    except Exception:  # noqa: BLE001 - reported as clusterbot_database_up 0; the counters still count
        app.metrics.database_up.set(0)
    else:
        app.metrics.database_up.set(1)
        app.metrics.outbox_pending.set(seen.backlog.waiting)
        oldest = seen.backlog.oldest_due
        app.metrics.outbox_oldest_pending_seconds.set((now - oldest).total_seconds() if oldest else 0)
    return web.Response(body=app.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})


APP: web.AppKey[Runtime] = web.AppKey("clusterbot")


def add_routes(server: HttpServer, app: Runtime) -> None:
    server.web[APP] = app
    server.web.router.add_get("/healthz", _healthz)
    server.web.router.add_get("/metrics", _metrics)
