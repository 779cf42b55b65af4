"""/me: one's own card as the other members see it, with the buttons to edit it."""

from __future__ import annotations

from dataclasses import replace

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import directory
from bot.services.access import Viewer
from bot.services.directory.fields import CardKind
from bot.services.directory.privacy import ANY_MEMBER
from handlers.common.routes import Routes, command
from handlers.directory import ui as directory_ui
from handlers.directory.editing import with_edit_buttons

router = Routes("me")


@router.message(command("me"))
async def my_card(message: Message, session: AsyncSession, viewer: Viewer, t: Translator) -> None:
    if not viewer.is_member:
        await message.answer(t("me.guest"))
        return
    # As the others see it: what the person keeps from members stays off, and without the
    # secretariat's own buttons, whoever looks; but with the button to choose who sees what.
    card = await directory.person_card(session, viewer.person_id, ANY_MEMBER) if viewer.person_id is not None else None
    if card is None:  # a secretary by ADMIN_IDS, with no card of their own
        await message.answer(t("me.no_card"))
        return
    text, markup = directory_ui.person_card(t, replace(card, own=True))
    text, markup = await with_edit_buttons(session, viewer, t, CardKind.PERSON, card.id, text, markup)
    await message.answer(f"{t('me.title')}\n\n{text}", reply_markup=markup)
