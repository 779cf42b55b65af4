"""Middlewares of the Bot API client: around every call the bot makes to Telegram."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.clock import Clock
from bot.fsm_storage import update_session
from bot.health import Liveness


class CommitBeforeCalling(BaseRequestMiddleware):
    """Inside an update, what the handler wrote so far is committed before the bot calls
    Telegram, and the call is made outside any transaction. A Bot API call can take seconds
    (or the 30 s of a slow network); an open SQLite write transaction meanwhile holds the one
    write lock, so every other user's update that writes (a first contact, a dialog step)
    waited for it and, past the busy timeout, failed with "database is locked". It is also
    the order DESIGN asks for: what must not be lost is stored before the bot acts on it."""

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
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

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self._kept:
            self._kept[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)


class PollingHeartbeat(BaseRequestMiddleware):
    """Every answer to a long poll shows that updates can flow (it comes within the poll's timeout
    even when nobody writes): /healthz turns unhealthy when they stop coming."""

    def __init__(self, liveness: Liveness, clock: Clock) -> None:
        self._liveness = liveness
        self._clock = clock

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        response = await make_request(bot, method)
        if isinstance(method, GetUpdates):
            self._liveness.source_alive_at = self._clock()
        return response
