"""Rendering shared by the features: short labels, flags, paging, localised names, long texts split."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator, escape
from bot.services.directory import Page

PAGE_SIZE = 8


TEXT_LIMIT = 4096
# A long text (a digest, an overview, /help) is cut into messages of at most this many characters,
# at line ends; the margin is for what the markup adds.
CHUNK = TEXT_LIMIT - 200


BUTTON_TEXT = 60


FLAGS = {
    "RU": "🇷🇺",
    "FI": "🇫🇮",
    "NO": "🇳🇴",
    "DK": "🇩🇰",
    "JP": "🇯🇵",
    "SE": "🇸🇪",
    "DE": "🇩🇪",
    "EE": "🇪🇪",
    "LT": "🇱🇹",
    "LV": "🇱🇻",
    "PL": "🇵🇱",
    "BY": "🇧🇾",
    "DO": "🇩🇴",
    "ZZ": "🌐",
}


def short(text: str, limit: int = BUTTON_TEXT) -> str:
    """At most `limit` characters, cut at a word end when one is near."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit * 2 // 3 else limit - 1].rstrip(" ,.;:—-") + "…"


def flag(country: str) -> str:
    return FLAGS.get(country, "🏳")


def pager(builder: InlineKeyboardBuilder, page: Page[Any], make: Callable[[int], CallbackData]) -> None:
    """◀ n/N ▶ under a list; arrows appear only where there is somewhere to go."""
    if page.total <= page.limit:
        return
    pages = (page.total + page.limit - 1) // page.limit
    current = page.offset // page.limit + 1
    row = []
    if page.offset > 0:
        row.append(InlineKeyboardButton(text="◀️", callback_data=make(max(0, page.offset - page.limit)).pack()))
    row.append(InlineKeyboardButton(text=f"{current}/{pages}", callback_data=make(page.offset).pack()))
    if page.offset + page.limit < page.total:
        row.append(InlineKeyboardButton(text="▶️", callback_data=make(page.offset + page.limit).pack()))
    builder.row(*row)


def localized(t: Translator, name: str, name_en: str | None) -> str:
    """The English name for English readers when the data has one."""
    return name_en if t.language == "en" and name_en else name


def telegram_account(telegram_id: int, name: str, username: str | None) -> str:
    """An account as Telegram knows it, as HTML: its name as a link that opens the chat, and
    @username where there is one."""
    link = f'<a href="tg://user?id={telegram_id}">{escape(name)}</a>'
    return link + (f" (@{escape(username)})" if username else "")


def split_text(text: str, limit: int) -> list[str]:
    """Plain text in pieces of at most `limit` characters, cut at paragraph, line or word ends."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind(sep, 0, limit) for sep in ("\n\n", "\n", ". ", " "))
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest or not pieces else pieces


def chunks(lines: Sequence[str]) -> list[str]:
    """Lines joined into messages below Telegram's limit, never cutting a line (or its markup)."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in split_text(line, CHUNK) if len(line) > CHUNK else [line]:
            if current and size + len(piece) + 1 > CHUNK:
                messages.append("\n".join(current).strip())
                current, size = [], 0
            current.append(piece)
            size += len(piece) + 1
    if current:
        messages.append("\n".join(current).strip())
    return messages
