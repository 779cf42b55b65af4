"""Messages to people other than the one who wrote: tolerant of blocked bots and gone chats."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardMarkup,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGES, Translator
from bot.services.access import Viewer, mark_blocked

log = logging.getLogger(__name__)

GUEST_COMMANDS = ("start", "projects", "orgs", "find", "join", "language", "help")
MEMBER_COMMANDS = ("start", "projects", "orgs", "find", "roadmap", "status", "settings", "language", "help")
LEADER_COMMANDS = (*MEMBER_COMMANDS[:-2], "report", "pause", "language", "help")
SECRETARIAT_COMMANDS = (*MEMBER_COMMANDS[:-2], "report", "admin", "invite", "members", "audit", "export", "announce", "announcements", "language", "help")


async def send(
    bot: Bot, session: AsyncSession, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send, or record why not: a user who blocked the bot is marked so, never retried here."""
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramForbiddenError:
        await mark_blocked(session, chat_id)
        return False
    except TelegramBadRequest as exc:
        log.warning("cannot message %s: %s", chat_id, exc.message)
        return False
    return True


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
    names = (SECRETARIAT_COMMANDS if "secretariat" in roles else LEADER_COMMANDS if "leader" in roles
             else MEMBER_COMMANDS if roles else GUEST_COMMANDS)
    try:
        await bot.set_my_commands(_commands(Translator(language), names), scope=BotCommandScopeChat(chat_id=chat_id))
    except Exception as exc:  # noqa: BLE001 - an optional call must never stop the bot
        log.warning("setMyCommands failed for chat %s: %s", chat_id, exc)


async def set_viewer_commands(bot: Bot, viewer: Viewer) -> None:
    await set_commands_for(bot, viewer.telegram_id, language=viewer.language, roles=viewer.roles)
