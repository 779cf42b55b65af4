"""Pausing check-in prompts, for leaders: ⏸ on a prompt (1, 2 or 4 weeks), or `/pause 15.01.2027`,
`/pause 15.01` (the next such day) up to a day, `/pause off`. A pause covers all the leader's projects."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram import F
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import away
from bot.services.reports import checkins
from bot.settings import Settings
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.reports import ui as render
from handlers.reports.callbacks import ReportPause
from handlers.reports.filters import Leader

router = Routes("reports_pause")
OFF_WORDS = ("off", "stop", "0", "нет", "стоп", "выкл")


@router.callback_query(ReportPause.filter(F.weeks < 0), Leader())
async def choices(
    query: CallbackQuery, person_id: int, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    await show(query, *await _choices(session, person_id, t, _today(clock, settings)), edit=False)


@router.callback_query(ReportPause.filter(F.weeks >= 0), Leader())
async def pause(
    query: CallbackQuery,
    callback_data: ReportPause,
    person_id: int,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """For that many weeks (a year at most); 0 resumes."""
    weeks = min(callback_data.weeks, 52)
    until = _today(clock, settings) + timedelta(weeks=weeks) if weeks else None
    await checkins.pause(session, person_id, until)
    await show(query, _paused_text(t, until), InlineKeyboardMarkup(inline_keyboard=[]), edit=True)


@router.message(command("pause"), Leader())
async def pause_command(
    message: Message,
    command: CommandObject,
    person_id: int,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """`/pause` shows the choices, `/pause 15.01.2027` pauses up to that day, `/pause off` resumes."""
    today = _today(clock, settings)
    argument = (command.args or "").strip().lower()
    if not argument:
        text, markup = await _choices(session, person_id, t, today)
        await message.answer(text, reply_markup=markup)
        return
    until = None if argument in OFF_WORDS else away.typed_until(argument, today)
    if argument not in OFF_WORDS and until is None:
        await message.answer(t("reports.bad_pause_date"))
        return
    await checkins.pause(session, person_id, until)
    await message.answer(_paused_text(t, until))


@router.callback_query(ReportPause.filter())
async def not_a_leader(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("reports.not_leader_short"), show_alert=True)


def _today(clock: Clock, settings: Settings) -> date:
    return clock().astimezone(settings.tz).date()


async def _choices(
    session: AsyncSession, person_id: int, t: Translator, today: date
) -> tuple[str, InlineKeyboardMarkup]:
    until = await checkins.paused_until(session, person_id, today)
    text = t("reports.paused_until", day=until.strftime("%d.%m.%Y")) if until else t("reports.pause_ask")
    return text, render.pause_keyboard(t, paused=until is not None)


def _paused_text(t: Translator, until: date | None) -> str:
    return t("reports.paused_until", day=until.strftime("%d.%m.%Y")) if until else t("reports.resumed")
