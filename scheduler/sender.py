"""The sender: delivers due outbox rows through the Bot API and records what became of each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.services import outbox
from models import OutboxMessage

log = logging.getLogger(__name__)

# "Bad Request: chat not found" and kin: the chat is gone for good, like a block.
GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid", "group chat was upgraded")


class Sender:
    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], clock: Clock, *,
                 batch: int = 100, idle_seconds: float = 1.0) -> None:
        self._bot = bot
        self._sessions = sessions
        self._clock = clock
        self._batch = batch
        self._idle_seconds = idle_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was enqueued: look now rather than at the next idle poll."""
        self._wake.set()

    async def resume(self) -> int:
        """On start: what a crashed process was sending is due again."""
        async with self._sessions.begin() as session:
            return await outbox.release_in_flight(session)

    async def deliver_due(self) -> int:
        """Send everything due now; returns how many rows were handled."""
        handled = 0
        while True:
            async with self._sessions.begin() as session:
                rows = await outbox.claim_due(session, self._clock(), self._batch)
            if not rows:
                return handled
            for row in rows:
                await self._deliver(row)
            handled += len(rows)

    async def run(self, sleep: Callable[[float], Awaitable[Any]] | None = None) -> None:
        """Deliver until cancelled, waking when told to or after an idle pause."""
        await self.resume()
        while True:
            try:
                await self.deliver_due()
            except Exception:  # noqa: BLE001 - a database hiccup must not stop delivery for good
                log.exception("outbox delivery failed; trying again")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self._idle_seconds)
            except TimeoutError:
                pass

    async def _deliver(self, row: OutboxMessage) -> None:
        try:
            message = await self._send(row)
        except TelegramRetryAfter as exc:
            await self._record(outbox.retry_later, row.id, row.attempts,
                               self._clock() + timedelta(seconds=exc.retry_after), exc.message, counts=False)
        except TelegramForbiddenError as exc:
            await self._record(outbox.mark_unreachable, row.id, row.chat_id, exc.message)
        except TelegramBadRequest as exc:
            if any(sign in exc.message.lower() for sign in GONE):
                await self._record(outbox.mark_unreachable, row.id, row.chat_id, exc.message)
            else:  # our message is wrong: trying again will not help
                log.warning("outbox %s to %s refused: %s", row.key, row.chat_id, exc.message)
                await self._record(outbox.retry_later, row.id, outbox.MAX_ATTEMPTS, self._clock(), exc.message)
        except (TelegramNetworkError, TelegramAPIError) as exc:
            await self._record(outbox.retry_later, row.id, row.attempts,
                               self._clock() + outbox.backoff(row.attempts), str(exc))
        else:
            await self._record(outbox.mark_sent, row.id, message.message_id if message else None, self._clock())

    async def _record(self, outcome: Callable[..., Awaitable[None]], *args: Any, **kwargs: Any) -> None:
        async with self._sessions.begin() as session:
            await outcome(session, *args, **kwargs)

    async def _send(self, row: OutboxMessage) -> Message | None:
        payload = row.payload
        markup = InlineKeyboardMarkup.model_validate(payload["reply_markup"]) if payload.get("reply_markup") else None
        if row.attachment is not None:
            upload = BufferedInputFile(row.attachment, filename=payload.get("filename") or "file")
            if (payload.get("filename") or "").lower().endswith(".png"):
                return await self._bot.send_photo(row.chat_id, upload, caption=payload["text"] or None,
                                                  reply_markup=markup)
            return await self._bot.send_document(row.chat_id, upload, caption=payload["text"] or None,
                                                 reply_markup=markup)
        if payload.get("photo"):
            return await self._bot.send_photo(row.chat_id, payload["photo"], caption=payload["text"] or None,
                                              reply_markup=markup)
        if payload.get("document"):
            return await self._bot.send_document(row.chat_id, payload["document"], caption=payload["text"] or None,
                                                 reply_markup=markup)
        return await self._bot.send_message(row.chat_id, payload["text"], reply_markup=markup)
