"""Editing a scheduled announcement until it starts: the new text or time, asked for from the
buttons of its confirmation message (listing.py); a new confirmation message follows."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import announcements
from bot.services.announcements import CAPTION_LIMIT, TEXT_LIMIT
from bot.settings import Settings
from handlers.announcements import ui as render
from handlers.announcements.audience import send_as_recipients_see
from handlers.announcements.dialog import Compose, edit_data, parse_when, utf16_len
from handlers.announcements.progress import post_report
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.routes import Routes

router = restricted(Routes("announce_edit"), SecretariatOnly())


@router.message(Compose.edit_text, F.text, ~F.text.startswith("/"))
async def got_new_text(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, settings: Settings
) -> None:
    if not (message.text or "").strip():
        await message.answer(t("announcements.empty"))
        return
    text, length = message.html_text, utf16_len(message.text or "")
    announcement_id = (await edit_data(state))["edit"]
    outcome = await announcements.edit_scheduled(session, announcement_id, text=text, length=length)
    if outcome == "too_long":  # still in the dialog: a shorter text may follow
        view = await announcements.get(session, announcement_id)
        limit = CAPTION_LIMIT if view and (view.photo or view.document) else TEXT_LIMIT
        await message.answer(t("announcements.edit.too_long", limit=limit, length=length))
        return
    await state.clear()
    await _answer_edit(message, session, t, settings, announcement_id, outcome, text_changed=True)


@router.message(Compose.edit_time, F.text, ~F.text.startswith("/"))
async def got_new_time(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    moment = parse_when(message.text or "", settings, clock())
    if moment is None or moment <= clock():
        await message.answer(t("announcements.bad_when", example=render.when(clock(), settings.tz)))
        return
    announcement_id = (await edit_data(state))["edit"]
    await state.clear()
    outcome = await announcements.edit_scheduled(session, announcement_id, when=moment)
    await _answer_edit(message, session, t, settings, announcement_id, outcome)


async def _answer_edit(
    message: Message,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    announcement_id: int,
    outcome: str,
    *,
    text_changed: bool = False,
) -> None:
    if outcome != "ok":
        await message.answer(t("announcements.edit." + outcome))
        return
    view = await announcements.get(session, announcement_id)
    assert view is not None
    if text_changed:  # the new text as recipients will see it
        await message.answer(t("announcements.text_updated", id=view.id))
        await send_as_recipients_see(message, view.text, view.photo, view.document)
    await post_report(message, session, t, settings, view)
