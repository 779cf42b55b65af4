"""The secretariat's message of an event, edited with the counts as answers come: at most once per
ANNOUNCE_PROGRESS_SECONDS (the setting of announcements' live figures) by whoever's answer finds
the time passed; answers held back meanwhile are brought in by the next tick, and 🔄 at any time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access, events
from bot.settings import Settings
from handlers.events import ui

log = logging.getLogger(__name__)


def every(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.announce_progress_seconds)


async def refresh(bot: Bot, session: AsyncSession, settings: Settings, event_id: int, now: datetime) -> None:
    """Edit the report if it is its time (claimed in `session`, so one editor at a time)."""
    if not await events.claim_report(session, event_id, now, every(settings)):
        return
    event = await events.get(session, event_id)
    if event is None or event.report_chat_id is None or event.report_message_id is None:
        return
    t = Translator(await access.account_language(session, event.author_id, settings.default_language))
    text, markup = ui.report(t, event, settings.tz, now)
    try:
        await bot.edit_message_text(
            text=text, chat_id=event.report_chat_id, message_id=event.report_message_id, reply_markup=markup
        )
    except TelegramAPIError as exc:  # deleted, not modified: the counts stay a tap away in /events
        log.info("report of event %s not edited: %s", event.id, exc)
