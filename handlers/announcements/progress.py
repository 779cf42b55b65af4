"""Live delivery figures: the secretariat's confirmation message is edited as the sender records
batches (at most every ANNOUNCE_PROGRESS_SECONDS), and once more with the final report; the tick
that starts scheduled announcements."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import access, announcements
from bot.services.announcements import AnnouncementView
from bot.settings import Settings
from handlers.announcements import ui as render

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


class ProgressReporter:
    """A sender observer: told which batches moved, it edits their announcements' reports."""

    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock) -> None:
        self._bot = bot
        self._sessions = sessions
        self._settings = settings
        self._clock = clock

    async def __call__(self, batches: set[int]) -> None:
        await self.report(batches)

    async def report(self, ids: Iterable[int], *, force: bool = False) -> None:
        every = timedelta(seconds=self._settings.announce_progress_seconds)
        for announcement_id in sorted(ids):
            async with self._sessions.begin() as session:
                now = self._clock()
                view = await announcements.get(session, announcement_id)
                if view is None or view.status != "sending" or view.report_message_id is None:
                    continue
                finished = await announcements.finish_if_done(session, view.id, now)
                if not (finished or force or view.reported_at is None or now - view.reported_at >= every):
                    continue
                view = await announcements.get(session, view.id)
                assert view is not None
                await announcements.mark_reported(session, view.id, now)
                t = Translator(await access.account_language(session, view.author_id, self._settings.default_language))
            await self._edit(view, t)

    async def _edit(self, view: AnnouncementView, t: Translator) -> None:
        text, markup = render.report(t, view, self._settings.tz)
        try:
            await self._bot.edit_message_text(
                text=text, chat_id=view.report_chat_id, message_id=view.report_message_id, reply_markup=markup
            )
        except TelegramAPIError as exc:  # deleted, not modified, blocked: the figures stay in /announcements
            log.info("report of announcement %s not edited: %s", view.id, exc)


async def announcements_tick(app: Runtime) -> None:
    """Scheduled announcements whose time has come start; in-flight ones are checked for the end."""
    async with app.database.sessions.begin() as session:
        released = await announcements.release_due(session, app.clock())
        sending = await announcements.in_flight(session)
    await ProgressReporter(app.bot, app.database.sessions, app.settings, app.clock).report(
        sending, force=bool(released)
    )


async def post_report(
    message: Message, session: AsyncSession, t: Translator, settings: Settings, view: AnnouncementView
) -> None:
    """A new confirmation message, which the live figures edit from now on."""
    text, markup = render.report(t, view, settings.tz)
    sent = await message.answer(text, reply_markup=markup)
    await announcements.set_report_message(session, view.id, sent.chat.id, sent.message_id)
