"""/announce, the last step: send now, or at a time typed (date and time in TIMEZONE). The
announcement and a delivery row per recipient are written in one transaction, the update's, so
the audience is fixed then and a second tap on "send" sends once (the draft's token is unique)."""

from __future__ import annotations

from datetime import datetime

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import announcements
from bot.services.access import Viewer
from bot.services.announcements import AnnouncementView
from bot.settings import Settings
from handlers.announcements import ui as render
from handlers.announcements.callbacks import Step
from handlers.announcements.dialog import (
    Compose,
    ComposeData,
    Composing,
    Stage,
    ask_when,
    compose_data,
    draft_of,
    on_step,
    parse_when,
    stale_text,
)
from handlers.announcements.progress import post_report
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.routes import Routes

router = restricted(Routes("announce_send"), SecretariatOnly())


@router.callback_query(*on_step(Step.SEND, stage=Stage.AUDIENCE))
async def send_now(
    query: CallbackQuery,
    message: Message,
    draft: Composing,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """The summary under the preview turns into the confirmation with live figures."""
    created = await _create(
        session,
        draft.state,
        draft.data,
        settings,
        author=query.from_user.id,
        now=clock(),
        chat=message.chat.id,
        report_message=message.message_id,
    )
    if created is None:
        await query.answer(await stale_text(session, t, settings, draft.token, {}), show_alert=True)
        return
    await query.answer(render.confirmed(t, created.total))
    text, markup = render.report(t, created, settings.tz)
    await message.edit_text(text, reply_markup=markup)


@router.callback_query(*on_step(Step.SCHEDULE, stage=Stage.AUDIENCE))
async def schedule(
    query: CallbackQuery, message: Message, draft: Composing, t: Translator, clock: Clock, settings: Settings
) -> None:
    await draft.state.set_state(Compose.when)
    await message.answer(ask_when(t, settings, clock()))
    await query.answer()


@router.message(Compose.when, F.text, ~F.text.startswith("/"))
async def got_when(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    moment = parse_when(message.text or "", settings, clock())
    if moment is None or moment <= clock():
        await message.answer(t("announcements.bad_when", example=render.when(clock(), settings.tz)))
        return
    data = await compose_data(state)
    created = await _create(
        session,
        state,
        data,
        settings,
        author=viewer.telegram_id,
        now=clock(),
        chat=message.chat.id,
        scheduled_at=moment,
    )
    if created is not None:  # else it was written before (the time sent twice, say)
        await post_report(message, session, t, settings, created)


async def _create(
    session: AsyncSession,
    state: FSMContext,
    data: ComposeData,
    settings: Settings,
    *,
    author: int,
    now: datetime,
    chat: int,
    report_message: int | None = None,
    scheduled_at: datetime | None = None,
) -> AnnouncementView | None:
    """Write the announcement and a delivery row per recipient, and end the dialog; None when the
    draft was written before. `report_message`: the one in `chat` to edit with the live figures,
    when there is one already."""
    created = await announcements.create(
        session,
        draft_of(data),
        author_id=author,
        now=now,
        scheduled_at=scheduled_at,
        report_chat_id=chat,
        report_message_id=report_message,
        admin_ids=settings.admin_ids,
        default_language=settings.default_language,
        away_on=now.astimezone(settings.tz).date(),
        read_button=render.read_markup,
    )
    await state.clear()
    return created
