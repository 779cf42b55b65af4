"""Check-in tick benchmark: 1,000 projects with 3 leaders each, next to the bundled dataset.

    .venv/bin/python -m tests.bench.checkins [--projects N] [--leaders N] [--url DATABASE_URL]

Measures the check-in tick (`handlers.reports.scheduled.checkins_tick`: cadences, leaders, pauses and
reports read, outbox keys checked, every prompt rendered and enqueued, then the digest decision)
when a period opens for every project at once: its wall time, the peak of Python allocations
during such a tick (tracemalloc, in a separate untimed tick a week later) and the process's peak
RSS (ru_maxrss). Then the same tick again (nothing new may be added), and the nudge tick a day
later. Delivery is not part of it: the sender's pace
is Telegram's. The last line printed is one JSON object with every figure. Not a test: pytest
never collects tests/bench.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, insert, select, text

from bot.app import open_database
from bot.metrics import Metrics
from bot.runtime import Database
from bot.settings import Settings
from handlers.reports.scheduled import checkins_tick
from models import Account, OutboxMessage, Person, PersonRole, Project, ProjectPerson
from tests.harness import FakeClock

TARGET_S = 1.0
# Monday 23.11.2026 12:00 in Moscow: every weekly period opened two hours ago.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIRST_TELEGRAM_ID = 10_000_000


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The process's resident memory now (Linux), for the baseline of the imports."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def load(database: Database, projects: int, leaders: int, now: datetime) -> None:
    """Synthetic projects, each with its own leaders, every leader in the bot (an account)."""
    async with database.sessions.begin() as session:
        first_project = (await session.scalar(select(func.max(Project.id))) or 0) + 1
        first_person = (await session.scalar(select(func.max(Person.id))) or 0) + 1
        await session.execute(
            insert(Project),
            [
                {
                    "id": first_project + p,
                    "key": f"bench-project-{p}",
                    "title": f"Проект {p:04d}",
                    "title_en": f"Project {p:04d}",
                    "kind": "initiative",
                }
                for p in range(projects)
            ],
        )
        people: list[dict[str, Any]] = [
            {
                "id": first_person + n,
                "key": f"bench-leader-{n}",
                "name": f"Руководитель {n:05d}",
                "phones": [],
                "emails": [],
            }
            for n in range(projects * leaders)
        ]
        for start in range(0, len(people), 2000):
            await session.execute(insert(Person), people[start : start + 2000])
        links = [
            {"project_id": first_project + n // leaders, "person_id": first_person + n, "role": "leader"}
            for n in range(projects * leaders)
        ]
        roles = [{"person_id": first_person + n, "role": "member"} for n in range(projects * leaders)]
        accounts = [
            {
                "telegram_id": FIRST_TELEGRAM_ID + n,
                "first_name": "L",
                "person_id": first_person + n,
                "language": "en" if n % 5 == 0 else None,
                "telegram_language": "ru",
                "blocked_bot": False,
                "created_at": now,
            }
            for n in range(projects * leaders)
        ]
        for rows, model in ((links, ProjectPerson), (roles, PersonRole), (accounts, Account)):
            for start in range(0, len(rows), 2000):
                await session.execute(insert(model), rows[start : start + 2000])


async def outbox_count(database: Database, kind: str) -> int:
    async with database.sessions() as session:
        return (
            await session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)) or 0
        )


async def timed_tick(app: Any) -> float:
    gc.collect()
    started = time.perf_counter()
    await checkins_tick(app)
    return time.perf_counter() - started


async def traced_tick(app: Any) -> float:
    """Peak MB of Python allocations during one tick (tracemalloc slows it down: not timed)."""
    gc.collect()
    tracemalloc.start()
    await checkins_tick(app)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


async def main(args: argparse.Namespace) -> dict[str, Any]:
    baseline = rss_mb()
    with tempfile.TemporaryDirectory(prefix="clusterbot-bench-") as tmp:
        url = args.url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url, admin_ids=frozenset({1001}), _env_file=None)
        clock = FakeClock(START)
        started = time.perf_counter()
        database = await open_database(settings)
        await load(database, args.projects, args.leaders, clock())
        if url.startswith("postgresql"):  # fresh statistics, as autovacuum keeps them in production
            async with database.sessions.begin() as session:
                await session.execute(text("ANALYZE"))
        print(
            f"database: {args.projects} synthetic projects x {args.leaders} leaders "
            f"({args.projects * args.leaders} leaders with accounts) next to the bundled dataset, "
            f"loaded in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
        )
        # What a tick uses of the App: its settings, database and clock.
        app = SimpleNamespace(settings=settings, database=database, clock=clock, metrics=Metrics())
        # A first tick a month earlier (as many prompts) warms SQLAlchemy's statement caches, as a running
        # bot's are; its time is reported as the cold tick.
        cold_s = await timed_tick(
            SimpleNamespace(
                settings=settings, database=database, clock=FakeClock(START - timedelta(days=30)), metrics=Metrics()
            )
        )
        async with database.sessions.begin() as session:  # the warm-up's prompts (a month ago) are history
            await session.execute(delete(OutboxMessage))

        tick_s = await timed_tick(app)
        prompts = await outbox_count(database, "checkin")
        again_s = await timed_tick(app)
        prompts_after_again = await outbox_count(database, "checkin")
        clock.advance(hours=24)
        nudge_s = await timed_tick(app)
        nudges = await outbox_count(database, "nudge")
        digests = await outbox_count(database, "digest")
        # Two more Mondays, each opening a period for every project: the tick time is the median of three.
        openings = [tick_s]
        for _ in range(2):
            clock.advance(days=6 if len(openings) == 1 else 7)
            openings.append(await timed_tick(app))
        tick_s = sorted(openings)[1]
        clock.advance(days=7)  # one more Monday, with allocations traced
        tick_alloc_mb = await traced_tick(app)
        peak = max_rss_mb()
        await database.close()
    ok = tick_s < TARGET_S
    print(
        f"check-in tick as every period opens: {tick_s:.3f} s (median of {', '.join(f'{x:.3f}' for x in openings)}) "
        f"for {prompts} prompts "
        f"({prompts / tick_s:.0f} prompts/s); Python allocations of such a tick peak at {tick_alloc_mb:.1f} MB "
        f"[target < {TARGET_S:.0f} s: {'OK' if ok else 'MISSED'}]"
    )
    print(f"(the first tick of the process, a month earlier with as many prompts: {cold_s:.3f} s)")
    print(f"the same tick again: {again_s:.3f} s, {prompts_after_again - prompts} prompts added")
    print(f"a day later: {nudge_s:.3f} s for {nudges} nudges and {digests} digest message(s)")
    print(
        f"peak memory of the process: {peak:.0f} MB (ru_maxrss; {baseline:.0f} MB of it before the database "
        f"was opened: Python, aiogram, SQLAlchemy, matplotlib and the rest of the bot imported)"
    )
    return {
        "tick_s": round(tick_s, 4),
        "peak_mb": round(peak, 1),
        "peak_mb_source": "ru_maxrss",
        "rss_after_imports_mb": round(baseline, 1),
        "tick_alloc_peak_mb": round(tick_alloc_mb, 1),
        "prompts": prompts,
        "cold_tick_s": round(cold_s, 4),
        "opening_ticks_s": [round(x, 4) for x in openings],
        "repeat_tick_s": round(again_s, 4),
        "repeat_added": prompts_after_again - prompts,
        "nudge_tick_s": round(nudge_s, 4),
        "nudges": nudges,
        "digest_messages": digests,
        "projects": args.projects,
        "leaders_per_project": args.leaders,
        "database": url.split(":")[0],
        "target_ok": ok,
    }


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--leaders", type=int, default=3)
    parser.add_argument("--url", default="", help="a database URL instead of a fresh SQLite file (it is filled!)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    figures = asyncio.run(main(args))
    sys.stdout.flush()
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    cli()
