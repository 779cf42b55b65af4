"""Reminder tick benchmark: 10,000 roadmap items with 3 owners each.

    .venv/bin/python -m tests.bench.reminders [--items N] [--database-url URL]

(SQLite in a temporary file by default; a PostgreSQL URL given is emptied first.)

Owners of item i: two people (each linked in Telegram) and one organisation (one linked person;
one organisation in a hundred has nobody, which the secretariat is told of). Measured, each tick
end to end (derivation, rendering, the outbox insert, the watermarks, the secretariat's notices):

1. `tick_s`: the day's busiest tick, at 10:00 in the cluster's zone, with deadlines spread over
   the year ahead and the month behind (some items overdue), after yesterday's tick ran;
2. `idle_tick_s`: the next tick, 30 s later, when nothing is due (every tick but one a day);
3. `burst_*`: the worst case there is: every deadline 7 days ahead, so that every item owes its
   reminder at once (30,000 outbox rows). A tick takes on at most REMINDER_TICK_ITEMS items, the
   rest the next ticks (30 s apart): the slowest tick, how many ticks, their total time;
4. `peak_mb`: the peak of Python allocations during the day's tick (tracemalloc, on a repeat of
   it so as not to slow the timed one), `burst_peak_mb` the same for the burst, and `rss_mb`
   this process's peak RSS.

The last line printed is one JSON object. Not a test: pytest does not collect tests/bench.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import open_database
from bot.metrics import Metrics
from bot.runtime import Database
from bot.settings import Settings
from handlers.roadmap.scheduled import roadmap_tick
from models import Account, Organisation, OutboxMessage, Person, RoadmapItem, RoadmapOwner

TARGET_S = 1.0
# 10:00:30 in Moscow on the day every "7 days before" reminder is due.
NOW = datetime(2026, 12, 1, 7, 0, 30, tzinfo=UTC)
CHUNK = 5000


async def insert_rows(database: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    async with database.sessions.begin() as session:
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(model), rows[start : start + CHUNK])


async def populate(database: Database, items: int, *, spread: bool) -> None:
    orgs, people = max(items // 5, 1), 2 * items
    base_org = await _next_id(database, Organisation.id)
    base_person = await _next_id(database, Person.id)
    base_item = await _next_id(database, RoadmapItem.id)
    first_number = await _next_id(database, RoadmapItem.number)
    await insert_rows(
        database,
        Organisation,
        [{"id": base_org + i, "key": f"bench-org-{i}", "name": f"Организация {i}", "aliases": []} for i in range(orgs)],
    )
    # people 0..2N-1 own items directly; people 2N.. are the organisations' (none for every 100th).
    linked_orgs = [i for i in range(orgs) if i % 100]
    await insert_rows(
        database,
        Person,
        [
            {
                "id": base_person + i,
                "key": f"bench-person-{i}",
                "name": f"Человек {i}",
                "phones": [],
                "emails": [],
                "organisation_id": base_org + linked_orgs[i - people] if i >= people else None,
            }
            for i in range(people + len(linked_orgs))
        ],
    )
    await insert_rows(
        database,
        Account,
        [
            {
                "telegram_id": 10_000_000 + i,
                "first_name": f"P{i}",
                "person_id": base_person + i,
                "created_at": NOW - timedelta(days=30),
                "language": "ru" if i % 3 else "en",
            }
            for i in range(people + len(linked_orgs))
        ],
    )
    set_at = NOW - timedelta(days=60)
    await insert_rows(
        database,
        RoadmapItem,
        [
            {
                "id": base_item + i,
                "number": first_number + i,
                "title": f"Пункт дорожной карты {i}",
                "description": "Описание",
                "status": "open",
                "deadline": deadline(i, spread),
                "schedule_from": set_at,
                "created_at": set_at,
            }
            for i in range(items)
        ],
    )
    owners: list[dict[str, Any]] = []
    for i in range(items):
        owners += [
            {"item_id": base_item + i, "person_id": base_person + 2 * i, "added_at": set_at},
            {"item_id": base_item + i, "person_id": base_person + 2 * i + 1, "added_at": set_at},
            {"item_id": base_item + i, "organisation_id": base_org + i % orgs, "added_at": set_at},
        ]
    await insert_rows(database, RoadmapOwner, owners)


def deadline(i: int, spread: bool) -> datetime:
    """Spread: one day in 400 from 35 days ago to a year ahead; else all 7 days ahead."""
    return NOW + timedelta(days=(i % 400 - 35) if spread else 7, hours=10)


async def _next_id(database: Database, column: Any) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


async def outbox_count(database: Database) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def timed(app: Any) -> float:
    started = time.perf_counter()
    await roadmap_tick(app)
    return time.perf_counter() - started


async def traced(app: Any) -> float:
    tracemalloc.start()
    await roadmap_tick(app)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


async def scenario(settings: Settings, items: int, *, spread: bool) -> dict[str, float]:
    if settings.database_url.startswith("postgresql"):
        await empty_postgres(settings.database_url)
    database = await open_database(settings)
    try:
        started = time.perf_counter()
        await populate(database, items, spread=spread)
        populate_s = time.perf_counter() - started
        clock = [NOW - timedelta(days=1)]
        # Yesterday's ticks, all in one: every item gets its watermark.
        unlimited = settings.model_copy(update={"reminder_tick_items": items + 1000})
        # Only what a tick uses of the App: settings, database, clock.
        warm_up: Any = SimpleNamespace(settings=unlimited, database=database, clock=lambda: clock[0], metrics=Metrics())
        await roadmap_tick(warm_up)
        app: Any = SimpleNamespace(settings=settings, database=database, clock=lambda: clock[0], metrics=Metrics())
        clock[0] = NOW
        before = await outbox_count(database)
        busy = await timed(app)
        enqueued = await outbox_count(database) - before
        # Ticks every 30 s until one finds nothing: the rest of a burst is taken on tick by tick.
        ticks, slowest, total = 1, busy, busy
        while True:
            clock[0] += timedelta(seconds=30)
            count = await outbox_count(database)
            took = await timed(app)
            if await outbox_count(database) == count:
                break
            ticks, slowest, total = ticks + 1, max(slowest, took), total + took
        enqueued = await outbox_count(database) - before
        clock[0] += timedelta(seconds=30)
        idle = await timed(app)
        doubled = await outbox_count(database) - before - enqueued
        clock[0] = NOW
        await rewind(database, before)
        peak = await traced(app)
        return {
            "populate_s": populate_s,
            "tick_s": busy,
            "enqueued": enqueued,
            "idle_tick_s": idle,
            "doubled": doubled,
            "peak_mb": peak,
            "ticks": ticks,
            "slowest_s": slowest,
            "total_s": total,
        }
    finally:
        await database.close()


async def empty_postgres(url: str) -> None:
    """A PostgreSQL database given for the bench is emptied first: give it one of its own."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def rewind(database: Database, keep: int) -> None:
    """Undo the measured tick: its outbox rows go, every item is looked at again."""
    async with database.sessions.begin() as session:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id > keep))
        await session.execute(update(RoadmapItem).values(next_reminder_at=None))


async def main(items: int, database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:

        def settings(name: str) -> Settings:
            url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / name}"
            return Settings(database_url=url, admin_ids=frozenset({1001}), _env_file=None)

        day = await scenario(settings("day.db"), items, spread=True)
        burst = await scenario(settings("burst.db"), items, spread=False)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "items": items,
        "owners_per_item": 3,
        "backend": settings("x").database_url.split(":")[0],
        "tick_s": round(day["slowest_s"], 3),
        "enqueued": day["enqueued"],
        "idle_tick_s": round(day["idle_tick_s"], 4),
        "peak_mb": round(day["peak_mb"], 1),
        "burst_enqueued": burst["enqueued"],
        "burst_ticks": burst["ticks"],
        "burst_slowest_tick_s": round(burst["slowest_s"], 3),
        "burst_total_s": round(burst["total_s"], 2),
        "burst_peak_mb": round(burst["peak_mb"], 1),
        "tick_items": Settings(_env_file=None).reminder_tick_items,
        "doubled": day["doubled"] + burst["doubled"],
        "rss_mb": round(rss_kb / 1024, 1),
        "populate_s": round(day["populate_s"], 1),
        "target_s": TARGET_S,
        "ok": max(day["slowest_s"], burst["slowest_s"]) < TARGET_S and not day["doubled"] + burst["doubled"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    figures = asyncio.run(main(args.items, args.database_url))
    print(
        f"10:00 tick: {figures['tick_s']} s for {figures['enqueued']} outbox rows; idle tick: "
        f"{figures['idle_tick_s']} s; burst: {figures['burst_enqueued']} rows in {figures['burst_ticks']} ticks, "
        f"slowest {figures['burst_slowest_tick_s']} s",
        file=sys.stderr,
    )
    print(json.dumps(figures))
