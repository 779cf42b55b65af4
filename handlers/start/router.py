"""/start (with invite links), /help, /language, /cancel and the main menu."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Bot, F
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import access, directory
from bot.services.access import Viewer, invites
from bot.settings import Settings
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.messages import show
from handlers.common.notify import set_viewer_commands
from handlers.common.render import chunks
from handlers.common.routes import Routes, command
from handlers.joining.router import after_join, ask_readmission
from handlers.start import ui as start_ui
from handlers.start.callbacks import Language

router = Routes("start")


@router.message(CommandStart(deep_link=True, magic=F.args.startswith("inv_")))
async def start_with_invite(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    outcome = await invites.redeem_invite(
        session,
        (command.args or "").removeprefix("inv_"),
        telegram_id=viewer.telegram_id,
        first_name=viewer.first_name,
        member=viewer.is_member,
        now=clock(),
    )
    if outcome.status == "linked":
        await after_join(message, session, viewer, t, bot, outcome)
    elif outcome.status == "revoked":
        await ask_readmission(message, session, viewer, t, clock, settings, outcome)
    elif outcome.status == "not_needed" and viewer.is_secretariat:
        await message.answer(t("join.outcome.not_needed_secretariat"))
    else:
        await message.answer(t("join.outcome." + outcome.status))


# "/start join" (the inline mode's button for guests) is the joining dialog's, in handlers/joining/router.py:
# this router comes first and would answer it with the welcome.
@router.message(CommandStart(ignore_case=True, magic=F.args != "join"))
async def start(
    message: Message, session: AsyncSession, viewer: Viewer, t: Translator, bot: Bot, state: FSMContext
) -> None:
    await state.clear()
    cluster = await directory.cluster_view(session)
    await message.answer(
        start_ui.welcome(t, cluster, name=viewer.first_name, member=viewer.is_member),
        reply_markup=start_ui.main_menu(t, member=viewer.is_member, secretariat=viewer.is_secretariat),
    )
    await set_viewer_commands(bot, viewer)


@router.message(command("help"))
async def help_(message: Message, viewer: Viewer, t: Translator, settings: Settings, bot: Bot) -> None:
    parts = [t("help.common")]
    parts.append(t("help.member", bot=(await bot.me()).username or "") if viewer.is_member else t("help.guest"))
    if viewer.is_member:
        # Only where the HTTP server is on and reachable: elsewhere /calendar has no link to give.
        parts[-1] += "\n" + t("help.calendar" if settings.public_base else "help.calendar_off")
    parts.append(t("help.mydata") + ("\n" + t("help.forgetme") + "\n" + t("help.away") if viewer.person_id else ""))
    if viewer.is_secretariat:
        parts.append(t("help.secretariat"))
    # Whole sections a message, as many as fit: the secretariat's help is longer than one.
    for text in chunks([part + "\n" for part in parts]):
        await message.answer(text)


@router.message(command("cancel"))
async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    had_dialog = await state.get_state() is not None
    await state.clear()
    await message.answer(t("cancel.done" if had_dialog else "cancel.nothing"), reply_markup=ReplyKeyboardRemove())


@router.message(command("language"))
@router.callback_query(Menu.filter(F.name == MenuItem.LANGUAGE))
async def choose_language(event: Message | CallbackQuery, t: Translator) -> None:
    kb = InlineKeyboardBuilder()
    kb.button(text="🇷🇺 Русский", callback_data=Language(code="ru"))
    kb.button(text="🇬🇧 English", callback_data=Language(code="en"))
    message = event if isinstance(event, Message) else event.message
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is not None:
        await message.answer(t("language.choose"), reply_markup=kb.as_markup())


@router.callback_query(Language.filter(F.code.in_({"ru", "en"})))
async def set_language(
    query: CallbackQuery, callback_data: Language, session: AsyncSession, viewer: Viewer, bot: Bot
) -> None:
    await access.set_language(session, viewer.telegram_id, callback_data.code)
    t = Translator(callback_data.code)
    # The chooser turns into the menu in the new language: a second tap changes nothing on screen.
    await show(
        query,
        t("language.set"),
        start_ui.main_menu(t, member=viewer.is_member, secretariat=viewer.is_secretariat),
        edit=True,
    )
    await set_viewer_commands(bot, replace(viewer, language=callback_data.code))
