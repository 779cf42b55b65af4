"""Live delivery figures: the secretariat's confirmation message is edited as the sender records
batches and as recipients confirm reading (at most every ANNOUNCE_PROGRESS_SECONDS), and once more
with the final report; the tick that starts scheduled announcements."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
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
        for announcement_id in sorted(ids):
            async with self._sessions.begin() as session:
                claimed = await claim_report(session, self._settings, announcement_id, self._clock(), force=force)
            if claimed is not None:  # edited once the claim is committed: no lock held over the call
                await edit_report(self._bot, self._settings, *claimed)


async def claim_report(
    session: AsyncSession, settings: Settings, announcement_id: int, now: datetime, *, force: bool = False
) -> tuple[AnnouncementView, Translator] | None:
    """The report to edit now, in its author's language: its last figures once nothing remains to
    send, else at most every ANNOUNCE_PROGRESS_SECONDS while it is sent or readers confirm (claimed
    in `session`, so one editor at a time); None when it is not its time."""
    finished = await announcements.finish_if_done(session, announcement_id, now)
    every = None if finished or force else timedelta(seconds=settings.announce_progress_seconds)
    if not await announcements.claim_report(session, announcement_id, now, every):
        return None
    view = await announcements.get(session, announcement_id)
    assert view is not None
    return view, Translator(await access.account_language(session, view.author_id, settings.default_language))


async def edit_report(bot: Bot, settings: Settings, view: AnnouncementView, t: Translator) -> None:
    text, markup = render.report(t, view, settings.tz)
    try:
        await bot.edit_message_text(
            text=text, chat_id=view.report_chat_id, message_id=view.report_message_id, reply_markup=markup
        )
    except TelegramAPIError as exc:  # deleted, not modified, blocked: the figures stay in /announcements
        log.info("report of announcement %s not edited: %s", view.id, exc)


async def announcements_tick(app: Runtime) -> None:
    """Scheduled announcements whose time has come start; in-flight ones are checked for the end;
    confirmations of reading held back from a report are brought in."""
    async with app.database.sessions.begin() as session:
        now = app.clock()
        released = await announcements.release_due(session, now, now.astimezone(app.settings.tz).date())
        due = {*await announcements.in_flight(session), *await announcements.reports_behind(session)}
    await ProgressReporter(app.bot, app.database.sessions, app.settings, app.clock).report(due, force=bool(released))


async def post_report(
    message: Message, session: AsyncSession, t: Translator, settings: Settings, view: AnnouncementView
) -> None:
    """A new confirmation message, which the live figures edit from now on."""
    text, markup = render.report(t, view, settings.tz)
    sent = await message.answer(text, reply_markup=markup)
    await announcements.set_report_message(session, view.id, sent.chat.id, sent.message_id)
