"""Invitees: ✅ / ❌ / 🤔 on the invitation until the deadline, /events with one's own answer, and
an event's .ics. Being invited is what counts (the invitee row), not one's role now."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import events
from bot.services.access import Viewer
from bot.services.events import calendar
from bot.settings import Settings
from handlers.common.routes import Routes, command
from handlers.events import report, ui
from handlers.events.callbacks import EventFile, Rsvp

router = Routes("events_rsvp")


@router.callback_query(Rsvp.filter())
async def answer(
    query: CallbackQuery,
    callback_data: Rsvp,
    bot: Bot,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    now, choice = clock(), callback_data.answer.value
    outcome = await events.answer(session, callback_data.event, viewer.telegram_id, choice, now)
    if outcome == "not_invited":
        await query.answer(t("button.stale"), show_alert=True)
        return
    label = t.plain("events.answer." + choice)
    if outcome != "recorded":  # same, closed, cancelled: nothing changes, politely
        await query.answer(t.plain("events.rsvp." + outcome, answer=label), show_alert=True)
        return
    await query.answer(t.plain("events.rsvp.recorded", answer=label))
    event = await events.get(session, callback_data.event)
    assert event is not None
    if isinstance(query.message, Message):
        text, markup = ui.invitation(t, event, settings.tz, answer=choice, now=now)
        await query.message.edit_text(text, reply_markup=markup)
    await report.refresh(bot, session, settings, event.id, now)


@router.message(command("events"))
async def upcoming(
    message: Message, session: AsyncSession, viewer: Viewer, t: Translator, clock: Clock, settings: Settings
) -> None:
    rows = await events.upcoming(session, viewer.telegram_id, clock(), everything=viewer.is_secretariat)
    text, markup = ui.listing(t, rows, settings.tz, secretariat=viewer.is_secretariat)
    await message.answer(text, reply_markup=markup)


@router.callback_query(EventFile.filter())
async def ics(
    query: CallbackQuery,
    callback_data: EventFile,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    event = await events.get(session, callback_data.event)
    invited, _ = await events.answer_of(session, callback_data.event, viewer.telegram_id)
    if event is None or not (invited or viewer.is_secretariat) or not isinstance(query.message, Message):
        await query.answer(t("button.stale"), show_alert=True)
        return
    await query.answer()
    await query.message.answer_document(
        BufferedInputFile(calendar.build(event, now=clock(), tz=settings.tz), filename=f"event-{event.id}.ics"),
        caption=t("events.ics_caption", title=event.title),
    )
