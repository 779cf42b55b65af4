"""Outer middlewares: the update's id in the logging context, its count and time, a database
session per update, the current person and language, and leaving a dialog when another command
comes."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.fsm_storage import update_session
from bot.health import Liveness
from bot.i18n import Translator
from bot.logs import update_context
from bot.metrics import Metrics
from bot.services import inbox, outbox
from bot.services.access import identify
from bot.settings import Settings

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Measure(BaseMiddleware):
    """Counts each update by type and outcome, times its handling and notes when the last one came
    (for /metrics and /healthz)."""

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


class DbSessionMiddleware(BaseMiddleware):
    """One session per update, committed when the handler returns (and before each Bot API call
    on the way, see bot.telegram_calls.CommitBeforeCalling); then, if the handler enqueued
    messages, the sender is woken to deliver them. An update from the inbox is marked done first
    in this session, so that the mark commits with the handler's first writes: applied once."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        claimed: inbox.Claim | None = data.get("inbox_claim")
        async with self._sessions() as session:
            data["session"] = session
            token = update_session.set(session)
            try:
                if claimed is not None and not await inbox.begin(session, claimed, self._clock()):
                    return UNHANDLED
                result = await handler(event, data)
                await session.commit()
                if session.info.pop(outbox.ENQUEUED, False) and (sender := data.get("sender")) is not None:
                    sender.wake()
            except Exception:
                if claimed is not None:
                    claimed.failed = True
                raise
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
        if (
            message is not None
            and text
            and text.startswith("/")
            and state is not None
            and data.get("raw_state") is not None
            and text.split()[0][1:].split("@")[0].lower() != "cancel"
        ):
            await state.clear()
            data["raw_state"] = None
            await message.answer(data["t"]("dialog.interrupted"))
        return await handler(event, data)
