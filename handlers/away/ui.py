"""Texts and the button of /away."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from handlers.away.callbacks import AwayEnd


def state(t: Translator, person_id: int, until: date | None) -> tuple[str, InlineKeyboardMarkup]:
    """Away until when, with the button to come back now; or how to go away."""
    if until is None:
        return t("away.not_away"), InlineKeyboardMarkup(inline_keyboard=[])
    button = InlineKeyboardButton(text=t("away.end_button"), callback_data=AwayEnd(person=person_id).pack())
    return t("away.until", day=until.strftime("%d.%m.%Y")), InlineKeyboardMarkup(inline_keyboard=[[button]])
