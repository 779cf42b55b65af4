"""/settings for members: which announcement categories they receive (urgent ones always arrive)."""

from __future__ import annotations

from aiogram import F
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import announcements
from bot.services.access import Viewer
from handlers.announcements import ui as render
from handlers.announcements.callbacks import MuteToggle
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.messages import show
from handlers.common.routes import Routes, command

router = Routes("settings")


@router.message(command("settings"))
@router.callback_query(Menu.filter(F.name == MenuItem.SETTINGS))
async def show_settings(event: Message | CallbackQuery, session: AsyncSession, viewer: Viewer, t: Translator) -> None:
    if not viewer.is_member:
        if isinstance(event, CallbackQuery):
            await event.answer(t("announcements.members_only"), show_alert=True)
        else:
            await event.answer(t("announcements.members_only"))
        return
    await show(event, *render.settings(t, await announcements.muted(session, viewer.telegram_id)), edit=False)


@router.callback_query(MuteToggle.filter())
async def toggle(
    query: CallbackQuery, callback_data: MuteToggle, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    if not viewer.is_member or callback_data.category not in announcements.MUTABLE:
        await query.answer(
            t("announcements.members_only") if not viewer.is_member else t("button.stale"), show_alert=True
        )
        return
    muted = await announcements.toggle_mute(session, viewer.telegram_id, callback_data.category)
    name = t.plain("announcements.category." + callback_data.category)
    await query.answer(
        t.plain("announcements.muted" if callback_data.category in muted else "announcements.unmuted", category=name)
    )
    if isinstance(query.message, Message):
        text, markup = render.settings(t, muted)
        await query.message.edit_text(text, reply_markup=markup)
