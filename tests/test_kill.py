"""Instances killed with SIGKILL mid-burst (real `python -m bot run` processes, by polling and
by webhook, one instance and two behind a proxy): no update lost, none applied twice; only the
replies of the updates in flight at the kill may be missing."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.emulator import BotAPIEmulator
from tests.harness import RoundRobin
from tests.instances import BotProcess, guests, join_burst, outcome, replies, until_drained

GUESTS = 40
WORKERS = 8  # UPDATE_WORKERS: what one instance has in flight at most, so what a kill may cost


# By webhook, two instances behind a proxy share PostgreSQL when the suite has it, else SQLite
# (one host, one database file). Each process start costs seconds (importing aiogram), hence few.
@pytest.mark.parametrize(
    "mode,bot_database_url,count",
    [("polling", "sqlite", 1), ("webhook", "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite", 2)],
    indirect=["bot_database_url"],
)
async def test_a_kill_mid_burst_loses_no_update_and_applies_none_twice(
    mode: str, bot_database_url: str, count: int, tmp_path: Path, emulator: BotAPIEmulator
) -> None:
    url = bot_database_url
    async with RoundRobin([]) as proxy:
        instances = [
            BotProcess(
                emulator,
                url,
                tmp_path,
                f"instance{n}",
                webhook_url=proxy.url + "/telegram/hook" if mode == "webhook" else "",
                extra={"UPDATE_WORKERS": str(WORKERS)},
            )
            for n in range(count)
        ]
        proxy.backends = [i.backend for i in instances]
        try:
            await asyncio.gather(*(instance.start() for instance in instances))
            people = guests(GUESTS)
            updates = join_burst(emulator, people)
            await emulator._wait_until(lambda: len(emulator.calls_of("sendMessage")) >= len(updates) // 3, 60)
            victim = instances[0]
            victim.kill()
            await victim.reap()
            await victim.start()
            await until_drained(url, updates, 60)
            result = await outcome(url, people, updates)
            missing, repeated = replies(emulator, people)
            for instance in instances:
                assert await instance.terminate() == 0, instance.log_tail()
        finally:
            for instance in instances:
                if instance.process is not None and instance.process.returncode is None:
                    instance.kill()
                    await instance.reap()
    assert (result.lost, result.applied_twice, result.wrong, result.pending) == (0, 0, 0, 0), result
    assert missing + repeated <= WORKERS, (missing, repeated)
