"""Texts and keyboards of /privacy: the current choice per kind of contact, a button per choice."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.services.directory.privacy import Audience, Choices, ContactField
from handlers.privacy.callbacks import PrivacyChoice

ICONS = {ContactField.PHONES: "📞", ContactField.EMAILS: "✉️"}


def screen(t: Translator, person_id: int, chosen: Choices) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("privacy.title")]
    lines += [
        t(
            "privacy.current",
            icon=ICONS[field],
            field=t("privacy.field." + field),
            audience=t("privacy.audience." + chosen.of(field)),
        )
        for field in ContactField
    ]
    lines += ["", t("privacy.note")]
    kb = InlineKeyboardBuilder()
    for field in ContactField:
        for audience in Audience:
            mark = "✅ " if chosen.of(field) == audience else ""
            kb.button(
                text=f"{mark}{ICONS[field]} {t('privacy.option.' + audience)}",
                callback_data=PrivacyChoice(person=person_id, field=field, audience=audience),
            )
    kb.adjust(len(Audience))
    return "\n".join(lines), kb.as_markup()
