"""The last resort: an unexpected failure is logged and the user is told, never left waiting."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import ErrorEvent

from bot.i18n import Translator

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, t: Translator | None = None) -> bool:
    if isinstance(event.exception, TelegramForbiddenError):
        # The user blocked the bot (or left the chat) while we answered: nothing failed on our
        # side, and an apology could not reach them either.
        log.info("update %s: the chat refuses our messages: %s", event.update.update_id, event.exception)
        return True
    t = t or Translator("ru")
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
