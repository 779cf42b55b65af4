"""Taking updates from Telegram without losing one or applying one twice.

Whatever Telegram hands over (a getUpdates batch, a webhook request) is stored in the inbox and
committed before it is confirmed: polling asks for the next batch only then, the webhook answers
2xx only then. Workers claim the stored updates (any instance's) and feed them to the dispatcher;
see bot.services.inbox for the order and the claims."""

from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.services import inbox

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# How often workers look for updates other instances stored (their own wake them at once).
LOOK_SECONDS = 1.0
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class UpdatePipeline:
    """Stores updates and handles them with up to `workers` at a time, each under a claim renewed
    while it runs; `stop` lets those taken finish within a bound."""

    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        instance_id: str,
        *,
        workers: int,
        lease: timedelta,
    ) -> None:
        self._bot, self._dispatcher, self._sessions, self._clock = bot, dispatcher, sessions, clock
        self._instance_id, self._workers, self._lease = instance_id, workers, lease
        self._serial = itertools.count(1)
        self._running: dict[asyncio.Task[None], inbox.Claim] = {}
        self._let_go: list[str] = []  # claims whose handlers finished, released with the next claim
        self._watchers: dict[int, asyncio.Future[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False

    async def receive(self, updates: list[dict[str, Any]], *, watch: bool = False) -> list[int]:
        """Store and commit the updates; returns the ids new to the inbox (the rest came before).
        With `watch`, `handled` can then wait for them."""
        async with self._sessions.begin() as session:
            added = await inbox.store(session, updates, self._clock())
            if watch:  # before the commit: a worker may take them as soon as it is made
                loop = asyncio.get_running_loop()
                self._watchers.update((i, loop.create_future()) for i in added)
        if added:
            self._wake.set()
        return added

    async def handled(self, update_ids: list[int]) -> None:
        """Until this instance has finished each of the watched updates."""
        await asyncio.gather(*(self._watchers[i] for i in update_ids if i in self._watchers))

    async def run(self) -> None:
        """Claim and handle updates until `stop`."""
        heartbeat = asyncio.create_task(self._renew_claims(), name="inbox-heartbeat")
        try:
            while not self._stopping:
                self._wake.clear()
                await self._take()
                if not self._stopping:
                    try:  # asyncio.timeout: on 3.11 wait_for may lose a cancel coming as the event is set
                        async with asyncio.timeout(LOOK_SECONDS):
                            await self._wake.wait()
                    except TimeoutError:
                        pass
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)

    async def stop(self, timeout: float) -> None:
        """Take nothing more; let the updates taken finish for up to `timeout` seconds, then
        cancel the rest and give their claims up, so that another instance takes them at once."""
        self._stopping = True
        self._wake.set()
        late: set[asyncio.Task[None]] = set()
        if self._running:
            _, late = await asyncio.wait(list(self._running), timeout=timeout)
        if late:
            log.warning(
                "stopping: %d update(s) still running after %s s are left to be handled again", len(late), timeout
            )
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if not self._let_go:
            return
        try:
            async with self._sessions.begin() as session:
                await inbox.release(session, self._let_go)
        except Exception:  # noqa: BLE001 - their claims then lapse on their own
            log.warning("could not let the claims of this instance go", exc_info=True)

    async def _take(self) -> None:
        while not self._stopping and len(self._running) < self._workers:
            token = f"{self._instance_id}#{next(self._serial)}"
            finished = list(self._let_go)
            try:
                async with self._sessions.begin() as session:
                    await inbox.release(session, finished)
                    claimed = await inbox.claim(session, token, self._clock(), self._lease)
            except Exception:  # noqa: BLE001 - the database may be back on the next look
                log.exception("could not claim an update")
                return
            del self._let_go[: len(finished)]
            if claimed is None:
                return
            task = asyncio.create_task(self._handle(claimed), name=f"update-{claimed.update_id}")
            self._running[task] = claimed
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        claimed = self._running.pop(task)
        self._let_go.append(claimed.token)
        watcher = self._watchers.pop(claimed.update_id, None)
        if watcher is not None and not watcher.done():
            watcher.set_result(None)
        self._wake.set()  # the chat's next update may be claimed now

    async def _handle(self, claimed: inbox.Claim) -> None:
        try:
            update = Update.model_validate(claimed.payload, context={"bot": self._bot})
            await self._dispatcher.feed_update(self._bot, update, inbox_claim=claimed)
        except Exception:  # noqa: BLE001 - recorded as the update's outcome below
            log.exception("update %s failed", claimed.update_id)
            claimed.failed = True
        if claimed.begun is False:
            return  # the claim lapsed and another instance has the update
        if claimed.begun is None or claimed.failed:
            # The handler's transaction did not commit the done-mark (it failed, or never ran).
            try:
                async with self._sessions.begin() as session:
                    await inbox.finish(session, claimed, "error" if claimed.failed else "ok", self._clock())
            except Exception:  # noqa: BLE001 - then the claim lapses and the update is tried again
                log.exception("could not record the outcome of update %s", claimed.update_id)

    async def _renew_claims(self) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            tokens = [claimed.token for claimed in self._running.values()]
            try:
                async with self._sessions.begin() as session:
                    await inbox.renew(session, tokens, self._clock(), self._lease)
            except Exception:  # noqa: BLE001 - tried again on the next beat, well within the lease
                log.warning("could not renew the claims of running updates", exc_info=True)


async def poll(
    bot: Bot,
    pipeline: UpdatePipeline,
    stopping: asyncio.Event,
    *,
    timeout: int,
    allowed_updates: list[str],
    confirm_after_handling: bool = False,
) -> None:
    """Long polling that confirms a batch (asks past it) only once it is stored; with
    `confirm_after_handling`, only once this instance has handled it (tests: "confirmed" then
    means "handled"). Returns when `stopping` is set; a batch fetched meanwhile is not confirmed,
    so Telegram hands it over again."""
    backoff = Backoff(BACKOFF)
    offset: int | None = None
    stop = asyncio.create_task(stopping.wait())
    try:
        while not stopping.is_set():
            fetch = asyncio.ensure_future(
                bot.get_updates(
                    offset=offset,
                    timeout=timeout,
                    allowed_updates=allowed_updates,
                    request_timeout=int((bot.session.timeout or 0) + timeout),
                )
            )
            try:
                if not await _unless_stopped(fetch, stop):
                    return
                batch = [u.model_dump(mode="json", by_alias=True, exclude_none=True) for u in fetch.result()]
                added = await pipeline.receive(batch, watch=confirm_after_handling)
            except Exception as exc:  # noqa: BLE001 - Telegram or the database may be back soon
                # A warning, once every few seconds of an outage: /healthz turns 503 after two
                # minutes of it, which is what should page someone, not each attempt.
                log.warning(
                    "could not take updates - %s: %s; trying again in %.1f s",
                    type(exc).__name__,
                    exc,
                    backoff.next_delay,
                )
                await _unless_stopped(asyncio.ensure_future(backoff.asleep()), stop)
                continue
            backoff.reset()
            if confirm_after_handling and not await _unless_stopped(
                asyncio.ensure_future(pipeline.handled(added)), stop
            ):
                return
            if batch:
                offset = batch[-1]["update_id"] + 1
    finally:
        stop.cancel()


async def _unless_stopped(work: asyncio.Future[Any], stop: asyncio.Task[Any]) -> bool:
    """Wait for `work` unless stopping comes first (then `work` is cancelled); True if it finished."""
    await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
    if work.done():
        work.result()
        return True
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)
    return False


def webhook_endpoint(pipeline: UpdatePipeline, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The webhook: answers 2xx only once the update is stored (Telegram retries otherwise), and
    refuses requests that lack the secret token setWebhook was given."""

    async def receive(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400)
        try:
            await pipeline.receive([update])
        except Exception:  # noqa: BLE001 - Telegram delivers it again
            log.exception("could not store update %s", update["update_id"])
            return web.Response(status=503)
        return web.Response()

    return receive
