"""A recipient confirms reading an announcement that asks for it: once (a second tap is told so),
and its buttons then say it is done, under the announcement and under its reminder; the
secretariat's report counts it. Having been sent it is what counts, not one's role now."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.announcements import reading
from bot.settings import Settings
from handlers.announcements import ui as render
from handlers.announcements.callbacks import ReadAck
from handlers.announcements.progress import claim_report, edit_report
from handlers.common.routes import Routes

log = logging.getLogger(__name__)
router = Routes("announce_reading")


@router.callback_query(ReadAck.filter())
async def confirm_reading(
    query: CallbackQuery,
    callback_data: ReadAck,
    bot: Bot,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    outcome = await reading.confirm(session, callback_data.id, query.from_user.id, clock())
    if outcome == reading.STALE:
        await query.answer(t("announcements.read_stale"), show_alert=True)
        return
    if outcome == reading.ALREADY:
        await query.answer(t("announcements.read_already"), show_alert=True)
    else:
        await query.answer(t("announcements.read_thanks"))
    done = render.read_button(t, callback_data.id, confirmed=True)
    if outcome == reading.CONFIRMED:
        # The announcement and its reminder alike: neither asks any more.
        for message_id in await reading.copies(session, callback_data.id, query.from_user.id):
            await _show_done(bot, query.from_user.id, message_id, done)
        if claimed := await claim_report(session, settings, callback_data.id, clock()):
            await edit_report(bot, settings, *claimed)
    elif isinstance(query.message, Message) and _shown(query.message) != done.model_dump(exclude_none=True):
        await query.message.edit_reply_markup(reply_markup=done)  # one the edit above missed


async def _show_done(bot: Bot, chat_id: int, message_id: int, done: InlineKeyboardMarkup) -> None:
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=done)
    except TelegramAPIError as exc:  # deleted, or too old to edit: a tap there says it is done
        log.info("button of message %s in %s not edited: %s", message_id, chat_id, exc)


def _shown(message: Message) -> dict[str, Any] | None:
    """The buttons the message has now (as the query found it: the received object also carries
    the bot it came through, so it never equals one built here)."""
    return message.reply_markup.model_dump(exclude_none=True) if message.reply_markup else None
