"""APScheduler only ticks; what must happen is derived from the database by the jobs."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.jobs import refresh_search_index, tick

if TYPE_CHECKING:
    from bot.runtime import Job, Runtime


class Scheduler(AsyncIOScheduler):
    """APScheduler's, knowing which of its jobs are running, so that a stop lets them finish:
    its own shutdown cancels them half way, and logs each as failed with a traceback."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._running: set[asyncio.Task[None]] = set()

    def tracked(self, job: Job) -> Job:
        async def run(app: Runtime) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await job(app)
            finally:
                self._running.discard(task)

        run.__name__ = job.__name__
        return run

    async def stop(self, timeout: float) -> None:
        """Start no job any more; let those running finish for up to `timeout` seconds; shut down."""
        if not self.running:
            return
        self.pause()
        if self._running:
            await asyncio.wait(list(self._running), timeout=timeout)
        self.shutdown(wait=False)


def create_scheduler(app: Runtime) -> Scheduler:
    scheduler = Scheduler(timezone=app.settings.tz)
    # A tick missed while the process was busy is simply the next one: the jobs look at the
    # database, not at the time they were meant to run, so nothing is lost by coalescing.
    scheduler.add_job(
        scheduler.tracked(refresh_search_index),
        "interval",
        seconds=app.settings.search_refresh_seconds,
        args=[app],
        id="refresh_search_index",
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        scheduler.tracked(tick),
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
