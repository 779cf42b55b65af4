"""Notices: what the bot tells people on its own, each in their language, as outbox messages (the
caller enqueues them in the transaction of what they tell of). Services decide who gets which
message under which key; the words come from the caller as a `Render`, since services never import
aiogram. Here: the notices to the whole secretariat, which every feature sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access
from bot.services.outbox import Outgoing

if TYPE_CHECKING:
    from bot.settings import Settings

# A message's text and inline keyboard (as the outbox stores it: a dict), in one language.
Rendered = tuple[str, dict[str, Any] | None]
Render = Callable[[Translator], Rendered]


def in_languages(render: Render) -> Callable[[str], Rendered]:
    """`render` for a language code, rendered once per language however many recipients speak it."""
    done: dict[str, Rendered] = {}

    def rendered(language: str) -> Rendered:
        if language not in done:
            done[language] = render(Translator(language))
        return done[language]

    return rendered


async def to_secretariat(
    session: AsyncSession,
    settings: Settings,
    key: Callable[[int], str],
    render: Render,
    *,
    photo: str | None = None,
    document: str | None = None,
) -> list[Outgoing]:
    """One notice to every secretary under `key(chat)`, with a photo or a document (by file_id) if given."""
    chats = await access.secretariat_chats(session, settings.admin_ids, settings.default_language)
    rendered = in_languages(render)
    return [
        Outgoing(
            key=key(chat),
            chat_id=chat,
            kind="notice",
            text=rendered(language)[0],
            reply_markup=rendered(language)[1],
            photo=photo,
            document=document,
        )
        for chat, language in chats
    ]


def notice(key: str, chat_id: int, message: Rendered) -> Outgoing:
    text, markup = message
    return Outgoing(key=key, chat_id=chat_id, kind="notice", text=text, reply_markup=markup)


async def to_account(session: AsyncSession, settings: Settings, chat: int, key: str, render: Render) -> Outgoing:
    """The notice for one account, in its language."""
    told = Translator(await access.account_language(session, chat, settings.default_language))
    return notice(key, chat, render(told))
