"""What nothing else took: group chats, unknown commands, unexpected content, stale buttons."""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.enums import ChatType
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.i18n import Translator
from handlers.common.notify import GUEST_COMMANDS, LEADER_COMMANDS, SECRETARIAT_COMMANDS
from handlers.common.routes import Routes, command

groups = Routes("groups")
groups.filter("message", F.chat.type != ChatType.PRIVATE)
router = Routes("fallback")


@groups.message(command(*GUEST_COMMANDS, *LEADER_COMMANDS, *SECRETARIAT_COMMANDS, "cancel"))
async def group_command(message: Message, t: Translator, bot: Bot) -> None:
    """Contacts are personal data: the directory answers only in a private chat. Commands meant
    for other bots (`/x@other_bot`) and unknown ones are not ours to answer in a shared chat."""
    me = await bot.me()
    button = InlineKeyboardButton(text=t("group.open_private"), url=f"https://t.me/{me.username}")
    await message.reply(t("group.private_only"), reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))


@groups.message()
async def group_chatter(message: Message) -> None:
    """Plain talk in a group is not addressed to the bot."""


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message, t: Translator) -> None:
    command = (message.text or "").split()[0][:40]
    await message.answer(t("fallback.unknown_command", command=command))


@router.message()
async def unexpected(message: Message, t: Translator, state: FSMContext) -> None:
    in_dialog = await state.get_state() is not None
    await message.answer(t("fallback.in_dialog" if in_dialog else "fallback.unexpected"))


@router.callback_query()
async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button.stale"), show_alert=True)
