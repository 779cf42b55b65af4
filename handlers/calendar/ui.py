"""Texts and buttons of /calendar."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.services.calendar_feed import Feed
from handlers.calendar.callbacks import Act, CalendarAct


def buttons(t: Translator, feed: Feed) -> InlineKeyboardMarkup:
    """Renew, revoke and the all-events toggle while the URL works; a new URL once revoked."""
    if not feed.active:
        renew = CalendarAct(action=Act.RENEW, generation=feed.generation).pack()
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=t("calendar.new"), callback_data=renew)]]
        )
    toggle = CalendarAct(action=Act.ALL_EVENTS, generation=feed.generation, on=not feed.all_events).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("calendar.all_events_on" if feed.all_events else "calendar.all_events_off"),
                    callback_data=toggle,
                )
            ],
            [
                InlineKeyboardButton(
                    text=t("calendar.renew"),
                    callback_data=CalendarAct(action=Act.RENEW, generation=feed.generation).pack(),
                ),
                InlineKeyboardButton(
                    text=t("calendar.revoke"),
                    callback_data=CalendarAct(action=Act.REVOKE, generation=feed.generation).pack(),
                ),
            ],
        ]
    )


def issued(t: Translator, url: str, feed: Feed) -> tuple[str, InlineKeyboardMarkup]:
    """The URL, shown this once: only its hash is kept."""
    return t("calendar.link", url=url), buttons(t, feed)


def existing(t: Translator, feed: Feed, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    """A URL given before: it cannot be shown again, only renewed."""
    assert feed.issued_at is not None
    return t("calendar.existing", day=feed.issued_at.astimezone(tz).strftime("%d.%m.%Y")), buttons(t, feed)


def revoked(t: Translator, feed: Feed) -> tuple[str, InlineKeyboardMarkup]:
    return t("calendar.revoked"), buttons(t, feed)
