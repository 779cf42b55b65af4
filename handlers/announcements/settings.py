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
from handlers.common.filters import MembersOnly, refuse, restricted
from handlers.common.messages import show
from handlers.common.routes import Routes, command

router = restricted(Routes("settings"), MembersOnly())


@router.message(command("settings"))
@router.callback_query(Menu.filter(F.name == MenuItem.SETTINGS))
async def show_settings(event: Message | CallbackQuery, session: AsyncSession, viewer: Viewer, t: Translator) -> None:
    await show(event, *render.settings(t, await announcements.muted(session, viewer.telegram_id)), edit=False)


@router.callback_query(MuteToggle.filter(F.category.in_(announcements.MUTABLE)))
async def toggle(
    query: CallbackQuery, callback_data: MuteToggle, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    muted = await announcements.toggle_mute(session, viewer.telegram_id, callback_data.category)
    name = t.plain("announcements.category." + callback_data.category)
    await query.answer(
        t.plain("announcements.muted" if callback_data.category in muted else "announcements.unmuted", category=name)
    )
    if isinstance(query.message, Message):
        text, markup = render.settings(t, muted)
        await query.message.edit_text(text, reply_markup=markup)


# Guests only: a member's button that makes no sense (an urgent category) is the fallback's, out of date.
denied = restricted(Routes("settings_denied"), ~MembersOnly())
refuse(
    denied,
    "announcements.members_only",
    commands=("settings",),
    buttons=(Menu.filter(F.name == MenuItem.SETTINGS), MuteToggle.filter()),
)
