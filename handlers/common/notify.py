"""Command menus by role, for the one who wrote and for people whose roles changed; cards made
into notices (messages to other people, decided by the services, go through the outbox)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Concatenate, ParamSpec

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGES, Translator
from bot.services import access, notices
from bot.services.access import Viewer
from bot.services.notices import Rendered
from bot.services.outbox import enqueue
from bot.settings import Settings

log = logging.getLogger(__name__)
P = ParamSpec("P")

GUEST_COMMANDS = ("start", "projects", "orgs", "find", "join", "mydata", "language", "help")
MEMBER_COMMANDS = (
    "start",
    "projects",
    "orgs",
    "find",
    "me",
    "roadmap",
    "events",
    "calendar",
    "status",
    "settings",
    "privacy",
    "away",
    "mydata",
    "forgetme",
    "language",
    "help",
)
# /pause is /away now (one away state): it still works, the menu offers /away.
LEADER_COMMANDS = (*MEMBER_COMMANDS[:-2], "report", "language", "help")
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
    "protocol",
    "event",
    "language",
    "help",
)


def as_notice(
    make: Callable[Concatenate[Translator, P], tuple[str, InlineKeyboardMarkup]],
) -> Callable[Concatenate[Translator, P], Rendered]:
    """A card of texts and keyboards (`ui`) as a service's notices take it: the keyboard as JSON."""

    def render(t: Translator, /, *args: P.args, **kwargs: P.kwargs) -> Rendered:
        text, markup = make(t, *args, **kwargs)
        return text, markup.model_dump(exclude_none=True)

    return render


async def tell_secretariat(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    key: Callable[[int], str],
    message: Callable[[Translator], tuple[str, InlineKeyboardMarkup]],
) -> None:
    """Every secretary gets the message, in their language, through the outbox under `key(chat)`:
    enqueued in the caller's transaction, so it commits with what it tells of."""
    await enqueue(session, await notices.to_secretariat(session, settings, key, as_notice(message)), now)


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


async def set_account_commands(
    bot: Bot, session: AsyncSession, settings: Settings, chat: int, roles: frozenset[str]
) -> None:
    """The menu of someone else whose roles changed, in their language."""
    language = await access.account_language(session, chat, settings.default_language)
    await set_commands_for(bot, chat, language=language, roles=roles)


async def set_viewer_commands(bot: Bot, viewer: Viewer) -> None:
    await set_commands_for(bot, viewer.telegram_id, language=viewer.language, roles=viewer.roles)
