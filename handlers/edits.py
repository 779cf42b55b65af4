"""Editing a message the user tapped under, where a double tap may have made the edit already."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message


async def edit_text(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit in place; an edit to what the message already shows ("message is not modified",
    as a second tap's is) is done, not a failure."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:
            raise
