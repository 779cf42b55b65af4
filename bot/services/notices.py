"""Notices: messages to people other than the one the bot answers, as outbox rows. A feature's
service decides who is told, in which language and under which key; how a notice reads and its
buttons are rendered by the caller (the feature's ui), passed in as a `Render`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access
from bot.services.outbox import Outgoing

if TYPE_CHECKING:
    from bot.settings import Settings

# A notice as the Bot API takes it: its text and its keyboard (reply_markup), if any.
Rendered = tuple[str, dict[str, Any] | None]
Render = Callable[[Translator], Rendered]


def notice(key: str, chat_id: int, message: Rendered) -> Outgoing:
    text, markup = message
    return Outgoing(key=key, chat_id=chat_id, kind="notice", text=text, reply_markup=markup)


async def to_secretariat(
    session: AsyncSession, settings: Settings, key: Callable[[int], str], render: Render
) -> list[Outgoing]:
    """The notice for every secretary, in their language, under `key(chat)`."""
    chats = await access.secretariat_chats(session, settings.admin_ids, settings.default_language)
    return [notice(key(chat), chat, render(Translator(language))) for chat, language in chats]


async def to_account(session: AsyncSession, settings: Settings, chat: int, key: str, render: Render) -> Outgoing:
    """The notice for one account, in its language."""
    told = Translator(await access.account_language(session, chat, settings.default_language))
    return notice(key, chat, render(told))
