"""Broadcast benchmark: the outbox sender against the Bot API emulator served by this process.

    .venv/bin/python -m tests.bench.broadcast [--limited N] [--recipients N] [--parts limited,ceiling,crash]

1. At Telegram's limits (30 msg/s, 1/s per chat, 20/min per group) to `--limited` recipients
   (900): the achieved rate, and how many 429s an emulator enforcing those limits answered.
2. Unlimited, to `--recipients` (20,000) on SQLite: our sender's messages per second next to a
   bare aiogram loop (`await bot.send_message(...)` one after another) in the same run, in the
   order bare, ours, ours, bare (each side's rate over its two runs).
3. The sender process of (2) killed with SIGKILL at about half, then restarted: recipients
   missed (must be 0) and messages sent twice (at most SEND_CONCURRENCY, the requests in flight:
   each delivery is recorded as it completes).

The emulator runs here; every sender (bare loop, ours, the killed one) is a child process
(`--child`), so the two sides of each HTTP request do not share one event loop. The last line
printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bot.app import create_bot, open_database
from bot.clock import system_clock
from bot.services import outbox
from bot.services.outbox import Outgoing
from bot.settings import Settings
from scheduler.pacing import Limits
from scheduler.sender import Sender
from tests.emulator import BotAPIEmulator

TEXT = "📣 <b>Общее собрание кластера</b> — 5 декабря в 15:00, Технопарк, зал 2."
FIRST_CHAT = 10_000_000
PART_TIMEOUT = 300.0


def settings_for(db: Path, url: str, token: str) -> Settings:
    return Settings(bot_token=token, database_url=f"sqlite+aiosqlite:///{db}", telegram_api_url=url, _env_file=None)


# ---------------------------------------------------------------- child processes
async def child(mode: str, db: Path, url: str, token: str, count: int, rate: float, batch: int) -> dict[str, Any]:
    settings = settings_for(db, url, token)
    bot = create_bot(settings)
    try:
        if mode == "bare":
            started, cpu = time.perf_counter(), time.process_time()
            for n in range(count):
                await bot.send_message(FIRST_CHAT + n, TEXT)
            return {"sent": count, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}
        database = await open_database(settings, load_bundled=False)
        sender = Sender(
            bot,
            database.sessions,
            system_clock,
            batch=batch,
            concurrency=settings.send_concurrency,
            limits=Limits(rate=rate, chat_interval=1.0, group_per_minute=20),
        )
        released = await sender.resume()
        started, cpu = time.perf_counter(), time.process_time()
        handled = await sender.deliver_due()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        await database.close()
        return {"handled": handled, "released": released, "seconds": seconds, "cpu": cpu}
    finally:
        await bot.session.close()


# ---------------------------------------------------------------- the parent
async def fill_outbox(db: Path, count: int) -> None:
    database = await open_database(settings_for(db, "http://unused", "1:x"), load_bundled=False)
    now = system_clock()
    async with database.sessions.begin() as session:
        await outbox.enqueue(
            session,
            [
                Outgoing(
                    key=f"announcement:1:{FIRST_CHAT + n}",
                    chat_id=FIRST_CHAT + n,
                    kind="announcement",
                    text=TEXT,
                    batch_id=1,
                )
                for n in range(count)
            ],
            now,
        )
    await database.close()


async def spawn(
    mode: str, db: Path, emulator: BotAPIEmulator, count: int, *, rate: float = 0, batch: int = 100
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.broadcast",
        "--child",
        mode,
        "--db",
        str(db),
        "--url",
        emulator.url,
        "--token",
        emulator.token,
        "--count",
        str(count),
        "--rate",
        str(rate),
        "--batch",
        str(batch),
        stdout=asyncio.subprocess.PIPE,
    )


async def result_of(process: asyncio.subprocess.Process) -> dict[str, Any]:
    out, _ = await asyncio.wait_for(process.communicate(), PART_TIMEOUT)
    if process.returncode:
        raise SystemExit(f"child failed with {process.returncode}")
    return json.loads(out.decode().strip().splitlines()[-1])


def deliveries(emulator: BotAPIEmulator) -> Counter[int]:
    return Counter(c.chat for c in emulator.calls if c.method == "sendMessage" and c.ok)


async def limited(work: Path, count: int) -> dict[str, Any]:
    db = work / "limited.db"
    await fill_outbox(db, count)
    async with BotAPIEmulator() as emulator:
        emulator.enforce_limits(overall=30, per_chat=1, per_group_minute=20)
        run = await result_of(await spawn("sender", db, emulator, count, rate=30))
        sent = sum(deliveries(emulator).values())
        return {
            "limited_recipients": count,
            "limited_sent": sent,
            "limited_rate": round(sent / run["seconds"], 2),
            "throttled_429": emulator.throttled,
        }


async def ceiling(work: Path, count: int) -> dict[str, Any]:
    """Bare loop, ours, ours, bare (each to `count` recipients, a fresh emulator and outbox each
    time): a machine busy with other work then weighs on both sides alike."""
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "sender": []}
    for round_, mode in enumerate(("bare", "sender", "sender", "bare")):
        db = work / f"ceiling-{round_}.db"
        await fill_outbox(db, count)
        async with BotAPIEmulator() as emulator:
            runs[mode].append(await result_of(await spawn(mode, db, emulator, count)))
            assert sum(deliveries(emulator).values()) == count
        db.unlink()

    def per_s(mode: str) -> float:
        return 2 * count / sum(run["seconds"] for run in runs[mode])

    def cpu_ms(mode: str) -> float:  # client CPU per message: what the sender adds to aiogram's own cost
        return round(1000 * sum(run["cpu"] for run in runs[mode]) / (2 * count), 3)

    bare_per_s, ceiling_per_s = per_s("bare"), per_s("sender")
    return {
        "recipients": count,
        "bare_per_s": round(bare_per_s, 1),
        "ceiling_per_s": round(ceiling_per_s, 1),
        "ceiling_vs_bare": round(ceiling_per_s / bare_per_s, 3),
        "bare_cpu_ms": cpu_ms("bare"),
        "ceiling_cpu_ms": cpu_ms("sender"),
    }


async def crash(work: Path, count: int, batch: int) -> dict[str, Any]:
    db = work / "crash.db"
    await fill_outbox(db, count)
    async with BotAPIEmulator() as emulator:
        process = await spawn("sender", db, emulator, count, batch=batch)
        deadline = time.monotonic() + PART_TIMEOUT
        # About half way, and in the middle of a batch rather than between two.
        kill_at = count // 2 + batch // 3
        while len(emulator.calls) < kill_at and process.returncode is None and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        at_kill = sum(deliveries(emulator).values())
        os.kill(process.pid, signal.SIGKILL)
        await process.wait()
        await asyncio.sleep(0.2)  # answers to requests in flight at the kill
        restarted = await result_of(await spawn("sender", db, emulator, count, batch=batch))
        got = deliveries(emulator)
    expected = {FIRST_CHAT + n for n in range(count)}
    return {
        "crash_killed_at": at_kill,
        "crash_released": restarted["released"],
        "crash_missed": len(expected - set(got)),
        "crash_duplicates": sum(n - 1 for n in got.values() if n > 1),
        "duplicate_bound": Settings(_env_file=None).send_concurrency,
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    logging.basicConfig(level=logging.WARNING)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="broadcast-bench-") as tmp:
        work = Path(tmp)
        parts = {
            "limited": lambda: limited(work, args.limited),
            "ceiling": lambda: ceiling(work, args.recipients),
            "crash": lambda: crash(work, args.recipients, args.batch),
        }
        for name in args.parts.split(","):
            started = time.perf_counter()
            figures |= await parts[name]()
            print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if "limited_rate" in figures:
        figures["limited_ok"] = abs(figures["limited_rate"] - 30) <= 1.5 and figures["throttled_429"] == 0
    if "ceiling_vs_bare" in figures:
        figures["ceiling_ok"] = figures["ceiling_vs_bare"] >= 0.5
    if "crash_missed" in figures:
        figures["crash_ok"] = figures["crash_missed"] == 0 and figures["crash_duplicates"] <= figures["duplicate_bound"]
    return figures


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limited", type=int, default=900)
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=Settings(_env_file=None).send_batch)
    parser.add_argument("--parts", default="limited,ceiling,crash", help="comma-separated: limited, ceiling, crash")
    parser.add_argument("--child", choices=("bare", "sender"))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--url")
    parser.add_argument("--token")
    parser.add_argument("--count", type=int)
    parser.add_argument("--rate", type=float, default=0)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.child:
        print(
            json.dumps(
                asyncio.run(
                    child(
                        arguments.child,
                        arguments.db,
                        arguments.url,
                        arguments.token,
                        arguments.count,
                        arguments.rate,
                        arguments.batch,
                    )
                )
            )
        )
    else:
        result = asyncio.run(main(arguments))
        for key, value in result.items():
            print(f"{key}: {value}")
        print(json.dumps(result))
