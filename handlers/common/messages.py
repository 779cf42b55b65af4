"""Showing a reply: a new message to a command, an edit in place to a button (where a double tap
may have made the edit already)."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show(event: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup, *, edit: bool) -> None:
    """Reply to a command with a new message; to a list button by editing the list in place."""
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
        return
    await event.answer()
    message = event.message
    if not isinstance(message, Message):  # too old for Telegram to show it to us
        return
    if not edit:
        await message.answer(text, reply_markup=markup)
        return
    await edit_text(message, text, markup)


async def edit_text(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit in place; an edit to what the message already shows ("message is not modified",
    as a second tap's is) is done, not a failure."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:
            raise


async def refuse(event: Message | CallbackQuery, text: str) -> None:
    """Say why not, where the user looks: an alert over the button, or a message."""
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)
