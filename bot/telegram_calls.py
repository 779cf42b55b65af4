"""Middlewares of the Bot API client: around every call the bot makes to Telegram."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError, TelegramServerError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.clock import Clock, Sleep
from bot.fsm_storage import update_session
from bot.health import Liveness
from bot.logs import handling_update

log = logging.getLogger(__name__)

# What a moment later may well succeed: Telegram's 5xx, a timeout, a refused or dropped connection,
# and a body that is not JSON (the HTML error page of a proxy in front of the Bot API).
TRANSIENT = (TelegramServerError, TelegramNetworkError, ClientDecodeError)
# Waits before the 2nd, 3rd and 4th attempt of a reply: 3.5 s in all, about as long as a user
# waits for an answer before typing again.
RETRY_DELAYS = (0.5, 1.0, 2.0)
# A call failing after this long (a hung API answers by the client's timeout, 60 s) is not tried
# again: the user has waited enough, and their chat's next updates wait behind it.
RETRY_WITHIN = 10.0


class CommitBeforeCalling(BaseRequestMiddleware):
    """Inside an update, what the handler wrote so far is committed before the bot calls
    Telegram, and the call is made outside any transaction. A Bot API call can take seconds
    (or the 30 s of a slow network); an open SQLite write transaction meanwhile holds the one
    write lock, so every other user's update that writes (a first contact, a dialog step)
    waited for it and, past the busy timeout, failed with "database is locked". It is also
    the order DESIGN asks for: what must not be lost is stored before the bot acts on it."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        session = update_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


class KeepResponseTypes(BaseRequestMiddleware):
    """aiogram reads every Bot API answer into `Response[<result type>]`, a pydantic generic class
    that pydantic caches only weakly: each time the garbage collector clears one, the next call
    builds it again, about 10 ms of CPU and dozens of times a minute under load. Holding a
    reference to each one used keeps it built."""

    def __init__(self) -> None:
        self._kept: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self._kept:
            self._kept[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)


class RetryTransient(BaseRequestMiddleware):
    """A reply failing for a passing reason (see TRANSIENT) is tried again after a short backoff,
    instead of leaving the user without an answer when an outage begins or a connection drops.
    A 4xx is an answer, not a failure of the path: never retried (429 is the handlers' and
    the sender's to wait out).

    Only calls made while handling an update are retried. The outbox sender retries each row
    itself with a backoff of minutes and records the outcome of a whole batch at once: retrying
    here as well would hold its batch and a concurrency slot for seconds per failing row during
    an outage, for nothing. Polling has aiogram's own backoff, and the wait at start-up
    (bot.startup.wait_for_api) its own."""

    def __init__(
        self,
        sleep: Sleep = asyncio.sleep,
        delays: tuple[float, ...] = RETRY_DELAYS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sleep = sleep
        self._delays = delays
        self._monotonic = monotonic

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        if handling_update.get() is not None:
            started = self._monotonic()
            for delay in self._delays:
                try:
                    return await make_request(bot, method)
                except TRANSIENT as exc:
                    if self._monotonic() - started > RETRY_WITHIN:
                        raise
                    log.warning("%s failed, trying again in %s s: %s", method.__api_method__, delay, exc)
                await self._sleep(delay)
        return await make_request(bot, method)


class PollingHeartbeat(BaseRequestMiddleware):
    """Every answer to a long poll shows that updates can flow (it comes within the poll's timeout
    even when nobody writes): /healthz turns unhealthy when they stop coming."""

    def __init__(self, liveness: Liveness, clock: Clock) -> None:
        self._liveness = liveness
        self._clock = clock

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)
        if isinstance(method, GetUpdates):
            self._liveness.source_alive_at = self._clock()
        return response
