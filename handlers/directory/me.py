"""/me: one's own card as the other members see it, with the buttons to edit it."""

from __future__ import annotations

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import directory
from bot.services.access import Viewer
from bot.services.directory.fields import CardKind
from handlers.common.routes import Routes, command
from handlers.directory import ui as directory_ui
from handlers.directory.editing import with_edit_buttons

router = Routes("me")


@router.message(command("me"))
async def my_card(message: Message, session: AsyncSession, viewer: Viewer, t: Translator) -> None:
    if not viewer.is_member:
        await message.answer(t("me.guest"))
        return
    card = await directory.person_card(session, viewer.person_id) if viewer.person_id is not None else None
    if card is None:  # a secretary by ADMIN_IDS, with no card of their own
        await message.answer(t("me.no_card"))
        return
    # As the others see it: without the secretariat's own buttons, whoever looks.
    # PRIVACY (branch privacy13, not merged yet): read the card as any member sees it (their looker
    # ANY_MEMBER) and add their «Who sees my contacts» button (Menu(name="privacy")) under Edit here.
    text, markup = directory_ui.person_card(t, card)
    text, markup = await with_edit_buttons(session, viewer, t, CardKind.PERSON, card.id, text, markup)
    await message.answer(f"{t('me.title')}\n\n{text}", reply_markup=markup)
