"""The last resort: an unexpected failure is logged and the user is told, never left waiting."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import ErrorEvent, User

from bot.i18n import Translator
from bot.logs import update_context
from bot.services.access import pick_language
from bot.settings import Settings

log = logging.getLogger(__name__)


async def on_error(
    event: ErrorEvent, settings: Settings, t: Translator | None = None, event_from_user: User | None = None
) -> bool:
    # aiogram calls error handlers outside the update's middlewares: the update is put back into
    # the context, for the log records and for the apology's retries.
    with update_context(event.update.update_id):
        return await _handle(event, settings, t, event_from_user)


async def _handle(event: ErrorEvent, settings: Settings, t: Translator | None, user: User | None) -> bool:
    if isinstance(event.exception, TelegramForbiddenError):
        # The user blocked the bot (or left the chat) while we answered: nothing failed on our
        # side, and an apology could not reach them either.
        log.info("update %s: the chat refuses our messages: %s", event.update.update_id, event.exception)
        return True
    if t is None:
        # The failure came before the user was identified (the database could not be read, say):
        # their Telegram language is all there is to go by.
        t = Translator(pick_language(None, user.language_code if user else None, settings.default_language))
    update = event.update
    flood = event.exception if isinstance(event.exception, TelegramRetryAfter) else None
    if flood is not None:
        # Telegram throttles our replies to this chat (someone sends faster than we may answer):
        # an apology message would be throttled too, only a button's alert can still say so.
        log.warning("update %s: Telegram asks to wait %s s before replying", update.update_id, flood.retry_after)
    else:
        log.error("update %s failed", update.update_id, exc_info=event.exception)
    try:
        if update.callback_query is not None:
            text = t("error.flood", seconds=flood.retry_after) if flood else t("error.generic")
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None and update.message.chat.type == "private" and flood is None:
            await update.message.answer(t("error.generic"))
    except Exception:  # noqa: BLE001 - the apology itself may fail (the user blocked the bot)
        log.warning("could not tell the user about the failure", exc_info=True)
    return True
