"""APScheduler only ticks; what must happen is derived from the database by the jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.jobs import refresh_search_index, tick

if TYPE_CHECKING:
    from bot.app import App


def create_scheduler(app: App) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=app.settings.tz)
    # A tick missed while the process was busy is simply the next one: the jobs look at the
    # database, not at the time they were meant to run, so nothing is lost by coalescing.
    scheduler.add_job(
        refresh_search_index,
        "interval",
        seconds=app.settings.search_refresh_seconds,
        args=[app],
        id="refresh_search_index",
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        tick,
        "interval",
        seconds=app.settings.tick_seconds,
        args=[app],
        id="tick",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        # At once on start: what fell due while the bot was down goes out now, not a tick later.
        next_run_time=datetime.now(app.settings.tz),
    )
    return scheduler
