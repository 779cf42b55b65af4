"""/privacy (and «Who sees my contacts» on one's own card): the person chooses, per kind of
contact, who sees it; every card, search and share follows (bot.services.directory.privacy)."""

from __future__ import annotations

from aiogram import F
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.access import Viewer
from bot.services.directory import privacy
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.messages import edit_text, show
from handlers.common.routes import Routes, command
from handlers.privacy import ui as privacy_ui
from handlers.privacy.callbacks import PrivacyChoice

router = Routes("privacy")


@router.message(command("privacy"))
@router.callback_query(Menu.filter(F.name == MenuItem.PRIVACY))
async def show_privacy(event: Message | CallbackQuery, session: AsyncSession, viewer: Viewer, t: Translator) -> None:
    """The screen as a new message, whether asked by the command or by a button elsewhere."""
    chosen = await privacy.choices(session, viewer.person_id) if viewer.person_id is not None else None
    if viewer.person_id is None or chosen is None:
        refusal = t("privacy.no_card" if viewer.is_member else "privacy.guest")
        if isinstance(event, CallbackQuery):
            await event.answer(refusal, show_alert=True)
        else:
            await event.answer(refusal)
        return
    await show(event, *privacy_ui.screen(t, viewer.person_id, chosen), edit=False)


@router.callback_query(PrivacyChoice.filter())
async def choose(
    query: CallbackQuery,
    callback_data: PrivacyChoice,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
) -> None:
    person_id = viewer.person_id
    if person_id is None or callback_data.person != person_id:
        await query.answer(t("button.stale"), show_alert=True)
        return
    field, audience = callback_data.field, callback_data.audience
    before = await privacy.choose(session, person_id, field, audience, actor=viewer.telegram_id, now=clock())
    chosen = await privacy.choices(session, person_id)
    if before is None or chosen is None:
        await query.answer(t("button.gone"), show_alert=True)
        return
    told = t.plain(
        "privacy.already" if before == audience else "privacy.saved",
        field=t.plain("privacy.field." + field),
        audience=t.plain("privacy.audience." + audience),
    )
    await query.answer(told)
    if isinstance(query.message, Message):  # a second tap's edit is "not modified": done already
        await edit_text(query.message, *privacy_ui.screen(t, person_id, chosen))
