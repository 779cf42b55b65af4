"""Who may do what, checked once: filters that let the right people through (so that the handlers
behind them need not ask), and the polite refusal everyone else meets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.i18n import Translator
from bot.services.access import Viewer
from handlers.common.routes import Routes, command


class SecretariatOnly(Filter):
    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return viewer is not None and viewer.is_secretariat


class MembersOnly(Filter):
    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return viewer is not None and viewer.is_member


def restricted(routes: Routes, who: Filter) -> Routes:
    """Every command and button of `routes` is for those `who` lets through; what the others meet
    is registered with `refuse` on a router after it."""
    routes.filter("message", who)
    routes.filter("callback_query", who)
    return routes


def refuse(routes: Routes, key: str, *, commands: Sequence[str] = (), buttons: Sequence[Any] = ()) -> None:
    """Those a filter kept away from these commands and buttons (callback data filters) are told
    `key`: in a message to a command, in an alert to a button."""

    async def refuse_command(message: Message, t: Translator) -> None:
        await message.answer(t(key))

    async def refuse_button(query: CallbackQuery, t: Translator) -> None:
        await query.answer(t(key), show_alert=True)

    if commands:
        routes.message(command(*commands))(refuse_command)
    for button in buttons:
        routes.callback_query(button)(refuse_button)


class ButtonMessage(Filter):
    """The message a button is under, when Telegram still shows it to us (it does not show old
    ones): handed to the handler as `message`."""

    async def __call__(self, query: CallbackQuery) -> bool | dict[str, Any]:
        return {"message": query.message} if isinstance(query.message, Message) else False
