"""Outer middlewares: the update's id in the logging context, one update of a chat at a time, a database session per update, the
current person and language, and leaving a dialog when another command comes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.types import Chat, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.fsm_storage import update_session
from bot.health import Liveness
from bot.i18n import Translator
from bot.logs import update_context
from bot.metrics import Metrics
from bot.services import outbox
from bot.services.access import identify
from bot.settings import Settings

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Measure(BaseMiddleware):
    """Counts each update by type and outcome, times its handling and notes when the last one came
    (for /metrics and /healthz). Outermost of ours, so the time includes waiting for the chat's
    earlier updates: what the user waits."""

    def __init__(self, metrics: Metrics, liveness: Liveness, clock: Clock) -> None:
        self._metrics = metrics
        self._liveness = liveness
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        self._liveness.last_update_at = self._clock()
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            self._metrics.updates.labels(kind, outcome).inc()
            self._metrics.handler_seconds.labels(kind).observe(time.perf_counter() - started)


class UpdateContext(BaseMiddleware):
    """While an update is handled, its id is in the context: every log record names it, and the
    Bot API client retries the replies made for it (bot.telegram_calls.RetryTransient)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        with update_context(event.update_id):
            return await handler(event, data)


class OneUpdatePerChat(BaseMiddleware):
    """Updates of one chat are handled one after another, in the order they came; other chats'
    go on meanwhile. Production handles updates as concurrent tasks, and two updates of one chat
    handled at once read the same dialog state: the answer typed right after a question would be
    taken for a search because the question's state was not committed yet, and a /start sent
    with /announce could clear the dialog /announce had just opened."""

    def __init__(self) -> None:
        self._turns: dict[int, _Turns] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        key = chat.id if chat is not None else user.id if user is not None else None
        if key is None:
            return await handler(event, data)
        turns = self._turns.get(key) or self._turns.setdefault(key, _Turns())
        turns.queued += 1
        try:
            async with turns.lock:  # asyncio.Lock wakes its waiters first come, first served
                return await handler(event, data)
        finally:
            turns.queued -= 1
            if not turns.queued:
                del self._turns[key]


@dataclass
class _Turns:
    """A chat's lock and how many of its updates hold it or wait for it (so an idle chat's
    lock is dropped, not kept for ever)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    queued: int = 0


class DbSessionMiddleware(BaseMiddleware):
    """One session per update, committed when the handler returns (and before each Bot API call
    on the way, see bot.telegram_calls.CommitBeforeCalling); then, if the handler enqueued
    messages, the sender is woken to deliver them."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self._sessions() as session:
            data["session"] = session
            token = update_session.set(session)
            try:
                result = await handler(event, data)
                await session.commit()
                if session.info.pop(outbox.ENQUEUED, False) and (sender := data.get("sender")) is not None:
                    sender.wake()
            finally:
                update_session.reset(token)
            return result


class ViewerMiddleware(BaseMiddleware):
    """Puts `viewer` (who, roles, language) and `t` (their translator) into handler data."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            data["viewer"] = None
            data["t"] = Translator(self._settings.default_language)
            return await handler(event, data)
        viewer = await identify(
            data["session"],
            telegram_id=user.id,
            first_name=user.full_name,
            username=user.username,
            language_code=user.language_code,
            admin_ids=self._settings.admin_ids,
            default_language=self._settings.default_language,
            now=self._clock(),
        )
        data["viewer"] = viewer
        data["t"] = Translator(viewer.language)
        return await handler(event, data)


class LeaveDialogOnCommand(BaseMiddleware):
    """Any command but /cancel ends the dialog going on, before the routers look at the update,
    and says so: otherwise the dialog would take the user's next words (or this command) for its
    answer. Runs after aiogram's FSM middleware, whose view of the state it updates too, and after
    the viewer's, whose language it speaks."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        message = event.message if isinstance(event, Update) else None
        text = message.text if message is not None else None
        state: FSMContext | None = data.get("state")
        if (message is not None and text and text.startswith("/") and state is not None
                and data.get("raw_state") is not None and text.split()[0][1:].split("@")[0].lower() != "cancel"):
            await state.clear()
            data["raw_state"] = None
            await message.answer(data["t"]("dialog.interrupted"))
        return await handler(event, data)
