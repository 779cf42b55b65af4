"""Owners answer a reminder (from its buttons, or the card's): "done", with a note, a photo or a
document as evidence, or without; "need more time", a later date and a reason; "not mine", with a
reason or without. The secretariat hears of each through the outbox and decides on the last two
(decisions.py); it may also answer for anyone."""

from __future__ import annotations

from datetime import datetime

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import roadmap
from bot.services.access import Viewer
from bot.services.outbox import enqueue
from bot.services.roadmap import notices
from bot.services.roadmap.notices import Evidence
from bot.settings import Settings
from handlers.common.messages import refuse, show
from handlers.common.routes import Routes
from handlers.roadmap import ui as view
from handlers.roadmap.callbacks import AnswerAction, RoadmapAnswer
from handlers.roadmap.dialogs import Answer, AnswerData, answer_data
from handlers.roadmap.filters import TYPED, OpenItem, Responsible

router = Routes("roadmap_answers")
TEXT_LIMIT = 3000
REASON_LIMIT = 1000


def answering(action: AnswerAction) -> tuple[CallbackQueryFilter, OpenItem, Responsible]:
    """The filters of an answer's button: this action, on an open item, by one who answers for it."""
    return RoadmapAnswer.filter(F.action == action), OpenItem(), Responsible()


@router.callback_query(*answering(AnswerAction.DONE))
async def done(query: CallbackQuery, item: roadmap.ItemCard, state: FSMContext, t: Translator) -> None:
    if await _asking(query, state, Answer.done, item.id):
        await show(query, *view.done_question(t, item.id), edit=False)


@router.callback_query(*answering(AnswerAction.SKIP))
async def done_without_note(
    query: CallbackQuery,
    item: roadmap.ItemCard,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    await state.clear()
    await _close_done(query, session, viewer, t, clock(), settings, item.id, Evidence())


@router.message(StateFilter(Answer.done), TYPED | F.document | F.photo)
async def done_evidence(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    note = (message.text or message.caption or "").strip() or None
    if note is not None and len(note) > TEXT_LIMIT:  # said, not silently cut
        await message.answer(t("roadmap.text_too_long", limit=TEXT_LIMIT, n=len(note)))
        return
    item_id = (await answer_data(state))["item"]
    await state.clear()
    evidence = Evidence(
        note,
        photo=message.photo[-1].file_id if message.photo else None,
        document=message.document.file_id if message.document else None,
    )
    await _close_done(message, session, viewer, t, clock(), settings, item_id, evidence)


async def _close_done(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    now: datetime,
    settings: Settings,
    item_id: int,
    evidence: Evidence,
) -> None:
    who = await roadmap.person_label(session, viewer.person_id, viewer.first_name)
    if not await roadmap.close_item(
        session,
        item_id,
        "done",
        actor=viewer.telegram_id,
        actor_name=who,
        now=now,
        note=evidence.note,
        file_id=evidence.file_id,
    ):
        await refuse(event, t("roadmap.closed_already"))
        return
    card = await roadmap.item_card(session, item_id, history=False)
    if card is not None:  # it is: items are not deleted
        messages = await notices.done(
            session, settings, item_id, evidence, lambda told: view.done_notice(told, card, who, evidence.note)
        )
        await enqueue(session, messages, now)
    await show(event, t("roadmap.done_thanks"), view.no_buttons(), edit=False)


@router.callback_query(*answering(AnswerAction.MORE))
async def more_time(query: CallbackQuery, item: roadmap.ItemCard, state: FSMContext, t: Translator) -> None:
    if await _asking(query, state, Answer.date, item.id):
        await show(query, t("roadmap.ask_new_date"), view.no_buttons(), edit=False)


@router.message(StateFilter(Answer.date), TYPED)
async def date_typed(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    try:
        deadline = roadmap.parse_deadline(message.text or "", settings.tz, clock())
    except roadmap.DateProblem as problem:
        await message.answer(t(f"roadmap.date_{problem.reason}"))
        return
    item_id = (await answer_data(state))["item"]
    current = await roadmap.current_deadline(session, item_id)
    if current is not None and deadline <= current:
        await message.answer(t("roadmap.date_not_later", date=view.when(current, settings.tz)))
        return
    await state.update_data(AnswerData(item=item_id, deadline=deadline.isoformat()))
    await state.set_state(Answer.reason)
    await message.answer(t("roadmap.ask_reason", limit=REASON_LIMIT))


@router.message(
    StateFilter(Answer.reason, Answer.not_mine), TYPED, F.text.func(lambda text: len(text.strip()) > REASON_LIMIT)
)
async def reason_too_long(message: Message, t: Translator) -> None:
    """Either reason, checked once before the handlers below take it; the dialog stays at its step."""
    reason = (message.text or "").strip()
    await message.answer(t("roadmap.text_too_long", limit=REASON_LIMIT, n=len(reason)))


@router.message(StateFilter(Answer.reason), TYPED)
async def reason_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """The extension asked for goes to the secretariat, with Approve and Decline."""
    reason = (message.text or "").strip()
    data = await answer_data(state)
    await state.clear()
    item_id, deadline, now = data["item"], datetime.fromisoformat(data["deadline"]), clock()
    who = await roadmap.person_label(session, viewer.person_id, viewer.first_name)
    event_id = await roadmap.request_extension(
        session, item_id, deadline, reason, actor=viewer.telegram_id, actor_name=who, now=now
    )
    card = await roadmap.item_card(session, item_id, history=False)
    if event_id is None or card is None:
        await message.answer(t("roadmap.closed_already"))
        return
    messages = await notices.extension_requested(
        session,
        settings,
        event_id,
        lambda told: view.extension_request(told, card, event_id, who, deadline, reason, settings.tz),
    )
    await enqueue(session, messages, now)
    await message.answer(t("roadmap.extension_sent", date=view.when(deadline, settings.tz)))


@router.callback_query(*answering(AnswerAction.NOT_MINE))
async def not_mine(query: CallbackQuery, item: roadmap.ItemCard, state: FSMContext, t: Translator) -> None:
    if await _asking(query, state, Answer.not_mine, item.id):
        await show(query, *view.not_mine_question(t, item.id, REASON_LIMIT), edit=False)


@router.callback_query(*answering(AnswerAction.NOT_MINE_SKIP))
async def not_mine_without_reason(
    query: CallbackQuery,
    item: roadmap.ItemCard,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """Only while the question is open: a second tap sends nothing."""
    if not await _asked(state, Answer.not_mine, item.id):
        await query.answer()
        return
    await state.clear()
    await _not_mine(query, session, viewer, t, clock(), settings, item, None)


@router.message(StateFilter(Answer.not_mine), TYPED)
async def not_mine_reason(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    reason = (message.text or "").strip()
    item_id = (await answer_data(state))["item"]
    await state.clear()
    item = await roadmap.item_card(session, item_id, history=False)
    if item is None or item.status != roadmap.OPEN:
        await message.answer(t("roadmap.closed_already"))
        return
    await _not_mine(message, session, viewer, t, clock(), settings, item, reason or None)


async def _not_mine(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    now: datetime,
    settings: Settings,
    item: roadmap.ItemCard,
    reason: str | None,
) -> None:
    """The secretariat is asked to reassign or keep; the person gets no reminders of it meanwhile."""
    who = await roadmap.person_label(session, viewer.person_id, viewer.first_name)
    event_id = await roadmap.not_mine(session, item.id, actor=viewer.telegram_id, actor_name=who, now=now, note=reason)
    messages = await notices.not_mine(
        session, settings, event_id, lambda told: view.not_mine_notice(told, item, event_id, who, reason)
    )
    await enqueue(session, messages, now)
    await show(event, t("roadmap.not_mine_sent"), view.no_buttons(), edit=False)


async def _asked(state: FSMContext, question: State, item_id: int) -> bool:
    """Whether `question` about the item is the one open now."""
    return await state.get_state() == question.state and (await answer_data(state)).get("item") == item_id


async def _asking(query: CallbackQuery, state: FSMContext, question: State, item_id: int) -> bool:
    """Opens `question` about the item; False on a second tap, when it is open already (the tap is
    only answered: the question is there)."""
    if await _asked(state, question, item_id):
        await query.answer()
        return False
    await state.set_state(question)
    await state.update_data(AnswerData(item=item_id))
    return True
