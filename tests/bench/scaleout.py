"""Scale-out benchmark: webhook mode on PostgreSQL, one instance and two behind a round-robin
proxy, and a kill -9 mid-burst.

    TEST_DATABASE_URL=postgresql+asyncpg://… .venv/bin/python -m tests.bench.scaleout [--users N]

The emulator and the proxy run in this process; each instance is a `python -m bot run` child.
1. Throughput: `--users` (100) users each send `--searches` (5) searches that open an
   organisation's card, all at once; replies per second until every update is done, and CPU ms
   per update summed over the instances (from /proc, start-up excluded), for one instance and
   for two behind the proxy.
2. Kill: `--writers` (250) guests each file a join request (4 updates, each writing the dialog
   state or the request: 1,000 updates), two instances; one is SIGKILLed half way and restarted.
   Updates lost, applied twice, handled out of their chat's order; replies missing or repeated,
   next to the bound the README states (UPDATE_WORKERS updates of the killed instance).

The database given is emptied first. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import open_database
from bot.settings import Settings
from models import InboxUpdate, Organisation
from tests.emulator import BotAPIEmulator, User
from tests.harness import RoundRobin
from tests.instances import BotProcess, guests, join_burst, outcome, replies, until_drained

WORKERS = 8
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(process: BotProcess) -> float:
    assert process.process is not None
    fields = Path(f"/proc/{process.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def reset(url: str) -> list[str]:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    database = await open_database(Settings(database_url=url, _env_file=None))
    async with database.sessions() as session:
        names = list((await session.scalars(select(Organisation.name).order_by(Organisation.id))).all())
    await database.close()
    return names


async def start(
    emulator: BotAPIEmulator, url: str, folder: Path, count: int, tag: str
) -> tuple[RoundRobin, list[BotProcess]]:
    proxy = RoundRobin([])
    await proxy.__aenter__()
    instances = [
        BotProcess(
            emulator,
            url,
            folder,
            f"{tag}{n}",
            webhook_url=proxy.url + "/telegram/hook",
            extra={"UPDATE_WORKERS": str(WORKERS)},
        )
        for n in range(count)
    ]
    proxy.backends = [i.backend for i in instances]
    await asyncio.gather(*(i.start() for i in instances))
    return proxy, instances


async def stop(proxy: RoundRobin, instances: list[BotProcess]) -> None:
    for instance in instances:
        await instance.terminate()
    await proxy.__aexit__(None, None, None)


async def throughput(
    emulator: BotAPIEmulator, url: str, folder: Path, count: int, users: list[User], names: list[str], searches: int
) -> dict[str, float]:
    proxy, instances = await start(emulator, url, folder, count, f"tp{count}-")
    try:
        await asyncio.sleep(2)  # let start-up ticks settle
        cpu = [cpu_seconds(i) for i in instances]
        replies_before = len(emulator.calls_of("sendMessage"))
        began = time.perf_counter()
        updates = [
            emulator.send_message(user, names[(n * 7 + k) % len(names)])
            for k in range(searches)
            for n, user in enumerate(users)
        ]
        await until_drained(url, updates, 600)
        seconds = time.perf_counter() - began
        spent = sum(cpu_seconds(i) - c for i, c in zip(instances, cpu, strict=True))
        sent = len(emulator.calls_of("sendMessage")) - replies_before
    finally:
        await stop(proxy, instances)
    return {"per_s": sent / seconds, "cpu_ms": 1000 * spent / len(updates), "seconds": seconds}


async def order_violations(url: str) -> int:
    """Pairs of one chat's updates whose handling began in the other order than their ids."""
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(InboxUpdate.chat_key, InboxUpdate.update_id, InboxUpdate.done_at).order_by(
                    InboxUpdate.chat_key, InboxUpdate.update_id
                )
            )
        ).all()
    await engine.dispose()
    violations = 0
    for previous, row in pairwise(rows):
        if (
            previous.chat_key == row.chat_key
            and row.done_at is not None
            and previous.done_at is not None
            and row.done_at < previous.done_at
        ):
            violations += 1
    return violations


async def kill(emulator: BotAPIEmulator, url: str, folder: Path, writers: int) -> dict[str, Any]:
    proxy, instances = await start(emulator, url, folder, 2, "kill-")
    try:
        people = guests(writers, first_id=800_000)
        updates = join_burst(emulator, people)
        before = len(emulator.calls_of("sendMessage"))
        await emulator._wait_until(lambda: len(emulator.calls_of("sendMessage")) - before >= len(updates) // 2, 600)
        instances[0].kill()
        await instances[0].reap()
        await instances[0].start()
        await until_drained(url, updates, 600)
        result = await outcome(url, people, updates)
        missing, repeated = replies(emulator, people)
    finally:
        await stop(proxy, instances)
    return {
        "kill_lost": result.lost,
        "kill_applied_twice": result.applied_twice,
        "kill_wrong": result.wrong,
        "order_violations": await order_violations(url),
        "replies_missing": missing,
        "replies_repeated": repeated,
        "reply_bound": WORKERS,
        "kill_updates": len(updates),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    url = args.database_url
    names = await reset(url)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with BotAPIEmulator() as emulator:
            users = [User(900_000 + n, f"User{n}", language_code="ru") for n in range(args.users)]
            one = await throughput(emulator, url, folder, 1, users, names, args.searches)
            print(f"one instance: {one['per_s']:.1f} replies/s, {one['cpu_ms']:.1f} CPU ms/update", flush=True)
            two = await throughput(emulator, url, folder, 2, users, names, args.searches)
            print(f"two instances: {two['per_s']:.1f} replies/s, {two['cpu_ms']:.1f} CPU ms/update", flush=True)
            figures |= {
                "one_per_s": round(one["per_s"], 1),
                "two_per_s": round(two["per_s"], 1),
                "two_over_one": round(two["per_s"] / one["per_s"], 2),
                "one_cpu_ms": round(one["cpu_ms"], 1),
                "two_cpu_ms": round(two["cpu_ms"], 1),
                "updates": args.users * args.searches,
            }
            await reset(url)
            figures |= await kill(emulator, url, folder, args.writers)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--searches", type=int, default=5)
    parser.add_argument("--writers", type=int, default=250)
    parsed = parser.parse_args()
    if not parsed.database_url.startswith("postgresql"):
        sys.exit("scaleout: needs PostgreSQL: set TEST_DATABASE_URL or pass --database-url")
    print(json.dumps(asyncio.run(main(parsed))))
