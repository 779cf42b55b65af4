"""The last resort: an unexpected failure is logged and the user is told, never left waiting."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import ErrorEvent

from bot.i18n import Translator

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, t: Translator | None = None) -> bool:
    if isinstance(event.exception, TelegramForbiddenError):
        # The user blocked the bot (or left the chat) while we answered: nothing failed on our
        # side, and an apology could not reach them either.
        log.info("update %s: the chat refuses our messages: %s", event.update.update_id, event.exception)
        return True
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    t = t or Translator("ru")
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t("error.generic"), show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.answer(t("error.generic"))
    except Exception:  # noqa: BLE001 - the apology itself may fail (the user blocked the bot)
        log.warning("could not tell the user about the failure", exc_info=True)
    return True
