"""/away 15.01: away up to and including that day (prompts, nudges, reminders and announcements
but urgent ones wait); /away alone: the state, with a button to come back early; /away off."""

from __future__ import annotations

from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import away
from bot.services.access import Viewer
from bot.settings import Settings
from handlers.away import ui
from handlers.away.callbacks import AwayEnd
from handlers.common.messages import show
from handlers.common.routes import Routes, command

router = Routes("away")

# "/away off" and its kin come back now.
BACK_WORDS = ("off", "stop", "back", "0", "нет", "стоп", "выкл", "вернулся", "вернулась")


# /pause of old is /away for everyone but a leader, whom handlers/reports/pause.py answers first.
@router.message(command("away"))
@router.message(command("pause"))
async def away_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if viewer.person_id is None:
        await message.answer(t("away.no_card"))
        return
    today = clock().astimezone(settings.tz).date()
    argument = (command.args or "").strip()
    if not argument:
        await show(
            message, *ui.state(t, viewer.person_id, await away.until(session, viewer.person_id, today)), edit=False
        )
        return
    if argument.lower() in BACK_WORDS:
        was_away = await away.until(session, viewer.person_id, today) is not None
        await away.set_until(session, viewer.person_id, None)
        await message.answer(t("away.back" if was_away else "away.not_away"))
        return
    until = away.typed_until(argument, today)
    if until is None:
        await message.answer(t("away.bad_date"))
        return
    await away.set_until(session, viewer.person_id, until)
    await show(message, *ui.state(t, viewer.person_id, until), edit=False)


@router.callback_query(AwayEnd.filter())
async def end_early(
    query: CallbackQuery,
    callback_data: AwayEnd,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if viewer.person_id is None or viewer.person_id != callback_data.person:
        await query.answer(t("button.stale"), show_alert=True)
        return
    if await away.until(session, viewer.person_id, clock().astimezone(settings.tz).date()) is None:
        await query.answer(t.plain("away.already_back"), show_alert=True)
        return
    await away.set_until(session, viewer.person_id, None)
    await show(query, t("away.back"), InlineKeyboardMarkup(inline_keyboard=[]), edit=True)
