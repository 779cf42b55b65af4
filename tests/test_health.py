"""/healthz and /metrics of a running bot, served on a free port while it polls the emulator."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from bot.settings import Settings
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import BLINOV as LEADER
from tests.steps import GUEST, leader


@pytest.fixture
async def served(settings: Settings, clock: FakeClock) -> AsyncIterator[RunningBot]:
    running = RunningBot(settings, clock, http=True)
    await running.start()
    yield running
    await running.stop()


async def get(running: RunningBot, path: str) -> tuple[int, Any]:
    assert running.app.http is not None
    url = f"http://127.0.0.1:{running.app.http.port}{path}"
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        body = await response.json() if path == "/healthz" else await response.text()
        return response.status, body


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_healthz_turns_503_while_the_database_is_gone_and_back(
    served: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    # The answer to /start came through a long poll that has returned: updates are flowing.
    await emulator.ask(GUEST, "/start")
    await served.tick()  # this instance takes the ticker lease
    status, body = await get(served, "/healthz")
    assert status == 200, body
    assert body["status"] == "ok" and body["database"] == {"ok": True}
    assert body["updates"]["flowing"] and body["updates"]["last_update_at"] == clock.now.isoformat()
    assert body["outbox"] == {"waiting": 0, "oldest_due_seconds": 0}
    assert body["leases"]["ticker"]["holder"] == served.app.instance_id
    assert body["leases"]["ticker"]["this_instance"] and body["leases"]["sender"] is None

    # The database file goes away (a lost volume): a new connection finds an empty file.
    path = Path(str(make_url(settings.database_url).database))
    await served.app.database.engine.dispose()
    path.rename(path.with_suffix(".away"))
    status, body = await get(served, "/healthz")
    assert status == 503 and body["status"] == "unhealthy"
    assert not body["database"]["ok"] and "outbox" in body["database"]["error"]
    status, metrics = await get(served, "/metrics")
    assert status == 200 and samples(metrics)[("clusterbot_database_up", ())] == 0

    await served.app.database.engine.dispose()
    for leftover in path.parent.glob(path.name + "*"):
        os.remove(leftover)
    path.with_suffix(".away").rename(path)
    status, body = await get(served, "/healthz")
    assert status == 200 and body["database"] == {"ok": True}


async def polls_answered(emulator: BotAPIEmulator) -> None:
    """Two long polls answered from now on: the bot has seen the first answer (it asked again)."""
    after = emulator.calls[-1].seq if emulator.calls else 0
    first = await emulator.wait_for("getUpdates", after=after)
    await emulator.wait_for("getUpdates", after=first)


async def test_healthz_turns_503_when_polls_stop_answering(
    served: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(GUEST, "/start")
    clock.advance(hours=5)  # a quiet bot: no update for hours is no fault while the polls answer
    await polls_answered(emulator)
    status, body = await get(served, "/healthz")
    assert status == 200 and body["updates"]["last_update_at"] == (clock.now - timedelta(hours=5)).isoformat()

    emulator.fail("getUpdates", 502, times=1_000_000)  # Telegram out of reach from here on
    await emulator.wait_for("getUpdates", predicate=lambda call: not call.ok)
    clock.advance(minutes=3)
    status, body = await get(served, "/healthz")
    assert status == 503 and not body["updates"]["flowing"] and body["database"] == {"ok": True}


@pytest.mark.postgresql_too
async def test_metrics_count_updates_ticks_and_deliveries(
    served: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await emulator.ask(GUEST, "/start")
    await leader(emulator, settings)  # a project leader, owed a check-in prompt this Monday
    emulator.fail("sendMessage", 429, retry_after=1, chat_id=LEADER.id)
    await served.tick()  # the prompt is enqueued, and Telegram asks to wait
    clock.advance(seconds=2)
    assert await served.app.sender.deliver_due() == 1
    status, text = await get(served, "/metrics")
    assert status == 200
    seen = samples(text)
    assert seen[("clusterbot_updates_total", (("outcome", "handled"), ("type", "message")))] >= 2
    assert seen[("clusterbot_handler_seconds_count", (("type", "message"),))] >= 2
    assert seen[("clusterbot_ticks_total", (("result", "ran"),))] == 1
    assert seen[("clusterbot_tick_seconds_count", ())] == 1
    assert seen[("clusterbot_enqueued_total", (("kind", "checkin"),))] == 1
    assert seen[("clusterbot_outbox_retry_after_total", ())] == 1
    assert seen[("clusterbot_outbox_delivered_total", (("result", "retry"),))] == 1
    assert seen[("clusterbot_outbox_delivered_total", (("result", "sent"),))] >= 1
    assert seen[("clusterbot_outbox_pending", ())] == 0


class Relay:
    """A TCP relay to Redis that can be cut and restored on the same port: Redis going away and
    coming back, without touching the shared server."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.links:
            writer.close()
        await self.server.wait_closed()

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.links |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_healthz_turns_503_while_redis_is_gone_and_back(
    settings: Settings, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set")
    relay = Relay(url)
    await relay.open()
    relayed = urlsplit(url)._replace(netloc=f"127.0.0.1:{relay.port}").geturl()
    running = RunningBot(settings.model_copy(update={"redis_url": relayed}), clock, http=True)
    await running.start()
    try:
        await emulator.ask(GUEST, "/start")
        status, body = await get(running, "/healthz")
        assert status == 200 and body["redis"] == {"ok": True}, body

        await relay.cut()
        status, body = await get(running, "/healthz")
        assert status == 503 and body["status"] == "unhealthy", body
        assert not body["redis"]["ok"] and body["redis"]["error"] and body["database"] == {"ok": True}

        await relay.open()
        status, body = await get(running, "/healthz")
        assert status == 200 and body["redis"] == {"ok": True}, body
    finally:
        await running.stop()
        await relay.cut()
