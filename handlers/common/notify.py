"""Command menus by role, for the one who wrote and for people whose roles changed (messages to
other people go through the outbox: bot/services/outbox.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGES, Translator
from bot.services import access
from bot.services.access import Viewer
from bot.services.outbox import Outgoing, enqueue
from bot.settings import Settings

log = logging.getLogger(__name__)

GUEST_COMMANDS = ("start", "projects", "orgs", "find", "join", "language", "help")
MEMBER_COMMANDS = (
    "start",
    "projects",
    "orgs",
    "find",
    "roadmap",
    "status",
    "settings",
    "privacy",
    "language",
    "help",
)
LEADER_COMMANDS = (*MEMBER_COMMANDS[:-2], "report", "pause", "language", "help")
SECRETARIAT_COMMANDS = (
    *MEMBER_COMMANDS[:-2],
    "report",
    "admin",
    "new",
    "invite",
    "members",
    "audit",
    "export",
    "announce",
    "announcements",
    "language",
    "help",
)


async def tell_secretariat(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    key: Callable[[int], str],
    message: Callable[[Translator], tuple[str, InlineKeyboardMarkup]],
) -> None:
    """Every secretary gets the message, in their language, through the outbox under `key(chat)`:
    enqueued in the caller's transaction, so it commits with what it tells of."""
    chats = await access.secretariat_chats(session, settings.admin_ids, settings.default_language)
    messages = []
    for chat, language in chats:
        text, markup = message(Translator(language))
        messages.append(
            Outgoing(
                key=key(chat), chat_id=chat, kind="notice", text=text, reply_markup=markup.model_dump(exclude_none=True)
            )
        )
    await enqueue(session, messages, now)


def _commands(t: Translator, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(command=name, description=t("command." + name)) for name in names]


async def set_default_commands(bot: Bot) -> None:
    """The guest menu for every language; a failure is logged, the bot goes on."""
    for language in LANGUAGES:
        try:
            await bot.set_my_commands(
                _commands(Translator(language), GUEST_COMMANDS),
                scope=BotCommandScopeDefault(),
                language_code=None if language == LANGUAGES[0] else language,
            )
        except Exception as exc:  # noqa: BLE001 - an optional call must never stop the bot
            log.warning("setMyCommands failed for %s: %s", language, exc)


async def set_commands_for(bot: Bot, chat_id: int, *, language: str, roles: frozenset[str]) -> None:
    names = (
        SECRETARIAT_COMMANDS
        if "secretariat" in roles
        else LEADER_COMMANDS
        if "leader" in roles
        else MEMBER_COMMANDS
        if roles
        else GUEST_COMMANDS
    )
    try:
        await bot.set_my_commands(_commands(Translator(language), names), scope=BotCommandScopeChat(chat_id=chat_id))
    except Exception as exc:  # noqa: BLE001 - an optional call must never stop the bot
        log.warning("setMyCommands failed for chat %s: %s", chat_id, exc)


async def set_viewer_commands(bot: Bot, viewer: Viewer) -> None:
    await set_commands_for(bot, viewer.telegram_id, language=viewer.language, roles=viewer.roles)
