"""The jobs the scheduler ticks."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.services import inbox, lease, outbox

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

TICKER_LEASE = "ticker"
# Telegram keeps an unconfirmed update about 24 h: a done one is remembered a little longer, so
# that a late redelivery is still recognised.
INBOX_KEEP = timedelta(hours=25)


async def refresh_search_index(app: Runtime) -> None:
    """Pick up directory changes made by another instance before a user's search has to."""
    async with app.database.sessions() as session:
        if await app.search.refresh(session):
            log.info("search index rebuilt")


async def prune(app: Runtime) -> None:
    """What has served its purpose: updates handled long ago, marks of dialogs left half-way."""
    async with app.database.sessions.begin() as session:
        await inbox.prune(session, app.clock() - INBOX_KEEP)
        await outbox.prune_dialog_marks(session, app.clock())


async def tick(app: Runtime) -> None:
    """One tick: if this instance holds the ticker lease, every feature derives from the database
    what is due now and enqueues it; then the sender is woken. Each feature runs on its own, so
    one failing does not hold up the others."""
    ttl = timedelta(seconds=max(3 * app.settings.tick_seconds, 30))
    async with app.database.sessions.begin() as session:
        if not await lease.hold(session, TICKER_LEASE, app.instance_id, app.clock(), ttl):
            app.metrics.ticks.labels("follower").inc()
            return
    with app.metrics.tick_seconds.time():
        for job in [*app.jobs, prune]:
            try:
                await job(app)
            except Exception:  # noqa: BLE001 - logged; the next tick derives the same work again
                name = getattr(job, "__name__", str(job))
                log.exception("tick %s failed", name)
                app.metrics.tick_failures.labels(name).inc()
    app.metrics.ticks.labels("ran").inc()
    app.sender.wake()


async def step_down(app: Runtime) -> None:
    """On a clean shutdown: give up the ticker and sender leases, so that a restarted process (or
    another instance) takes over at once instead of waiting for them to lapse."""
    try:
        async with app.database.sessions.begin() as session:
            await lease.release(session, TICKER_LEASE, app.instance_id)
        await app.sender.release(app.instance_id)
    except Exception:  # noqa: BLE001 - at worst the leases lapse on their own
        log.warning("could not release the leases on shutdown", exc_info=True)
