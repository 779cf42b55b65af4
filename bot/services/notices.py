"""Notices: what the bot tells people other than the one it answers (the secretariat of a request,
a member of a role change, a guest of the decision), each in their own language, as outbox rows to
be enqueued in the transaction of what they tell of. Each feature's service decides who is told
what and under which key; here is how a notice is addressed and made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access
from bot.services.outbox import Outgoing
from bot.settings import Settings

KIND = "notice"
# A notice as one reader sees it: its text (HTML) and, if it has buttons, its inline keyboard as
# the Bot API takes it (JSON). Cards with buttons are rendered by the handlers' texts and
# keyboards, passed in as a function of the reader's Translator.
Rendered = tuple[str, dict[str, Any] | None]
Render = Callable[[Translator], Rendered]


def notice(key: str, chat: int, rendered: Rendered) -> Outgoing:
    text, markup = rendered
    return Outgoing(key=key, chat_id=chat, kind=KIND, text=text, reply_markup=markup)


async def to_secretariat(
    session: AsyncSession, settings: Settings, key: Callable[[int], str], render: Render
) -> list[Outgoing]:
    """The notice for every secretary, in their language, under `key(their chat)`."""
    chats = await access.secretariat_chats(session, settings.admin_ids, settings.default_language)
    return [notice(key(chat), chat, render(Translator(language))) for chat, language in chats]


async def to_account(session: AsyncSession, settings: Settings, chat: int, key: str, render: Render) -> Outgoing:
    """The notice for one account, in its language."""
    told = Translator(await access.account_language(session, chat, settings.default_language))
    return notice(key, chat, render(told))
