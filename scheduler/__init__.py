"""APScheduler only ticks; what must happen is derived from the database by the jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.jobs import refresh_search_index

if TYPE_CHECKING:
    from bot.app import App


def create_scheduler(app: App) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=app.settings.tz)
    scheduler.add_job(
        refresh_search_index,
        "interval",
        seconds=app.settings.search_refresh_seconds,
        args=[app],
        id="refresh_search_index",
        coalesce=True,
        max_instances=1,
    )
    return scheduler
