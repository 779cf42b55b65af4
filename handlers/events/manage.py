"""The secretariat on a published event: counts now, names, CSV, a new time or place (everyone
who answered is told), cancelling (everyone invited is told)."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import dates, events, outbox
from bot.services.events import EventView, Invitee
from bot.services.events.export import attendees_csv
from bot.services.notices import Rendered, in_languages
from bot.services.outbox import Outgoing
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly
from handlers.common.routes import Routes
from handlers.events import ui
from handlers.events.callbacks import EventAct, Manage
from handlers.events.compose import TITLE_LIMIT, invitations

router = Routes("events_manage")
router.filter("message", SecretariatOnly())
router.filter("callback_query", SecretariatOnly())
# A change or a cancellation goes out at once, even into a dialog: it may be an hour before the start.
URGENT = True


class EventChange(StatesGroup):
    time = State()
    place = State()


@router.callback_query(EventAct.filter())
async def act(
    query: CallbackQuery,
    callback_data: EventAct,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    event, message, action = await events.get(session, callback_data.event), query.message, callback_data.action
    if event is None or not isinstance(message, Message):
        await query.answer(t("button.gone"), show_alert=True)
        return
    if action in (Manage.TIME, Manage.PLACE, Manage.CANCEL, Manage.CANCEL_OK) and event.status != "published":
        await query.answer(t.plain("events.is_cancelled"), show_alert=True)
        return
    await query.answer()
    if action == Manage.SHOW:
        text, markup = ui.report(t, event, settings.tz, clock())
        await message.answer(text, reply_markup=markup)
    elif action == Manage.REFRESH:
        text, markup = ui.report(t, event, settings.tz, clock())
        await message.edit_text(text, reply_markup=markup)
    elif action == Manage.NAMES:
        for part in ui.names(t, event, await events.attendees(session, event.id)):
            await message.answer(part)
    elif action == Manage.CSV:
        data = attendees_csv(await events.attendees(session, event.id), settings.tz)
        await message.answer_document(
            BufferedInputFile(data, filename=f"event-{event.id}-answers.csv"),
            caption=t("events.csv_caption", title=event.title),
        )
    elif action in (Manage.TIME, Manage.PLACE):
        await state.set_state(EventChange.time if action == Manage.TIME else EventChange.place)
        await state.set_data({"edit": event.id})
        key = "events.ask_new_time" if action == Manage.TIME else "events.ask_new_place"
        await message.answer(t(key, tz=settings.timezone, example=ui.moment(clock(), settings.tz)))
    elif action == Manage.CANCEL:
        text, markup = ui.confirm_cancel(t, event)
        await message.edit_text(text, reply_markup=markup)
    elif action == Manage.CANCEL_OK:
        told = await events.cancel(session, event.id, admin_ids=settings.admin_ids)
        if told is not None:
            await _tell(session, event, told, clock, "cancel", settings)
        view = await events.get(session, event.id)
        assert view is not None
        text, markup = ui.report(t, view, settings.tz, clock())
        await message.edit_text(text, reply_markup=markup)


async def _tell(
    session: AsyncSession, event: EventView, invitees: list[Invitee], clock: Clock, what: str, settings: Settings
) -> None:
    """A notice to each, in their language, once (the key names the change)."""

    def notice(t: Translator) -> Rendered:
        if what == "cancel":
            return ui.cancelled(t, event, settings.tz), None
        text, keyboard = ui.changed(t, event, settings.tz)
        return text, keyboard.model_dump(exclude_none=True)

    rendered = in_languages(notice)  # once per language, not once per invitee
    messages = [
        Outgoing(
            key=f"ev:{event.id}:{what}:{invitee.chat_id}",
            chat_id=invitee.chat_id,
            kind="event_notice",
            text=rendered(invitee.language)[0],
            reply_markup=rendered(invitee.language)[1],
            urgent=URGENT,
        )
        for invitee in invitees
    ]
    await outbox.enqueue(session, messages, clock())


@router.message(EventChange.time, F.text, ~F.text.startswith("/"))
async def got_time(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    try:
        starts_at, all_day = events.read_start(message.text or "", settings.tz, clock())
    except dates.DateProblem as problem:
        await message.answer(t("events.date." + problem.reason, example=ui.moment(clock(), settings.tz)))
        return
    event_id = (await state.get_data())["edit"]
    await state.clear()
    await _changed(
        message,
        session,
        t,
        clock,
        settings,
        await events.change(session, event_id, starts_at=starts_at, all_day=all_day, admin_ids=settings.admin_ids),
    )


@router.message(EventChange.place, F.text, ~F.text.startswith("/"))
async def got_place(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    place = (message.text or "").strip()
    if not place or len(place) > TITLE_LIMIT:
        await message.answer(t("events.too_long", limit=TITLE_LIMIT))
        return
    event_id = (await state.get_data())["edit"]
    await state.clear()
    await _changed(
        message,
        session,
        t,
        clock,
        settings,
        await events.change(session, event_id, place=place, admin_ids=settings.admin_ids),
    )


async def _changed(
    message: Message,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
    outcome: tuple[EventView, list[Invitee]] | None,
) -> None:
    if outcome is None:
        await message.answer(t("events.is_cancelled"))
        return
    event, answered = outcome
    # Invitations not sent yet (waiting for a dialog to end) go out with the new time or place.
    payloads = {language: m.payload() for language, m in invitations(event, settings).items()}
    await events.rewrite_unsent(session, event.id, payloads)
    await _tell(session, event, answered, clock, f"change{event.revision}", settings)
    await message.answer(t.plural("events.change_told", len(answered), count=len(answered)))
    text, markup = ui.report(t, event, settings.tz, clock())
    sent = await message.answer(text, reply_markup=markup)
    await events.set_report_message(session, event.id, sent.chat.id, sent.message_id)
