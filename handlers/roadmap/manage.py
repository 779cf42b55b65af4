"""The secretariat manages the roadmap: a new item (title, description, source), an item's deadline
and reminder policy, closing or cancelling it (asked to confirm; its owners are told) and opening it
again, and the items still without a deadline or owner. Owners: owners.py."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import roadmap
from bot.services.access import Viewer
from bot.services.outbox import enqueue
from bot.services.roadmap import notices
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import show
from handlers.common.routes import Routes
from handlers.roadmap import ui as view
from handlers.roadmap.browse import show_card
from handlers.roadmap.callbacks import EditAction, RoadmapEdit
from handlers.roadmap.dialogs import EditItem, EditItemData, NewItem, NewItemData, edit_item_data, new_item_data
from handlers.roadmap.filters import TYPED, OpenItem

router = restricted(Routes("roadmap_manage"), SecretariatOnly())
TITLE_LIMIT = 300
TEXT_LIMIT = 3000
SKIP = "-"
CLOSING = {EditAction.CLOSE_OK: "done", EditAction.CANCEL_OK: "cancelled"}


@router.callback_query(RoadmapEdit.filter(F.action == EditAction.NEW))
async def new_item(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(NewItem.title)
    await show(query, t("roadmap.ask_title"), view.no_buttons(), edit=False)


@router.message(StateFilter(NewItem.title), TYPED)
async def title_typed(message: Message, state: FSMContext, t: Translator) -> None:
    title = (message.text or "").strip()
    if len(title) > TITLE_LIMIT:
        await message.answer(t("roadmap.too_long", limit=TITLE_LIMIT))
        return
    await state.update_data(NewItemData(title=title))
    await state.set_state(NewItem.description)
    await message.answer(t("roadmap.ask_description"))


@router.message(StateFilter(NewItem.description), TYPED)
async def description_typed(message: Message, state: FSMContext, t: Translator) -> None:
    await state.update_data(NewItemData(description=(message.text or "").strip()[:TEXT_LIMIT]))
    await state.set_state(NewItem.source)
    await message.answer(t("roadmap.ask_source", skip=SKIP))


@router.message(StateFilter(NewItem.source), TYPED)
async def source_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    source = (message.text or "").strip()
    data = await new_item_data(state)
    await state.clear()
    item_id = await roadmap.create_item(
        session,
        title=data["title"],
        description=data["description"],
        source=None if source == SKIP else source[:TEXT_LIMIT],
        actor=viewer.telegram_id,
        actor_name=viewer.first_name,
        now=clock(),
    )
    await message.answer(t("roadmap.created"))
    await show_card(message, session, viewer, t, clock(), settings, item_id, edit=False)


@router.callback_query(RoadmapEdit.filter(F.action == EditAction.ATTENTION))
async def attention(query: CallbackQuery, session: AsyncSession, t: Translator) -> None:
    await show(query, *view.nudge(t, await roadmap.needing_attention(session)), edit=False)


@router.callback_query(RoadmapEdit.filter(F.action == EditAction.DEADLINE), OpenItem())
async def ask_deadline(query: CallbackQuery, item: roadmap.ItemCard, state: FSMContext, t: Translator) -> None:
    await state.set_state(EditItem.deadline)
    await state.update_data(EditItemData(item=item.id))
    await show(query, t("roadmap.ask_deadline"), view.no_buttons(), edit=False)


@router.message(StateFilter(EditItem.deadline), TYPED)
async def deadline_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    try:
        deadline = roadmap.parse_deadline(message.text or "", settings.tz, clock())
    except roadmap.DateProblem as problem:
        await message.answer(t(f"roadmap.date_{problem.reason}"))
        return
    item_id = (await edit_item_data(state))["item"]
    await state.clear()
    if not await roadmap.set_deadline(
        session, item_id, deadline, actor=viewer.telegram_id, actor_name=viewer.first_name, now=clock()
    ):
        await message.answer(t("roadmap.closed_already"))
        return
    if warning := view.day_off_warning(t, deadline, settings.tz, settings.work_calendar):
        await message.answer(warning + "\n" + t("roadmap.deadline_kept"))
    await show_card(message, session, viewer, t, clock(), settings, item_id, edit=False)


@router.callback_query(RoadmapEdit.filter(F.action == EditAction.POLICY), OpenItem())
async def ask_policy(
    query: CallbackQuery, item: roadmap.ItemCard, state: FSMContext, t: Translator, settings: Settings
) -> None:
    await state.set_state(EditItem.policy)
    await state.update_data(EditItemData(item=item.id))
    every = view.overdue_every(t, settings.reminder_overdue_every_days)
    text = t("roadmap.ask_policy", days=",".join(map(str, settings.reminder_days)), every=every)
    await show(query, text, view.no_buttons(), edit=False)


@router.message(StateFilter(EditItem.policy), TYPED)
async def policy_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    parsed = roadmap.parse_policy(message.text or "")
    if parsed is None:
        await message.answer(t("roadmap.policy_bad"))
        return
    item_id = (await edit_item_data(state))["item"]
    await state.clear()
    days, every = parsed
    if not await roadmap.set_policy(
        session, item_id, days, every, actor=viewer.telegram_id, actor_name=viewer.first_name, now=clock()
    ):
        await message.answer(t("roadmap.closed_already"))
        return
    await show_card(message, session, viewer, t, clock(), settings, item_id, edit=False)


@router.callback_query(RoadmapEdit.filter(F.action.in_(view.CONFIRMED)), OpenItem())
async def ask_to_close(query: CallbackQuery, callback_data: RoadmapEdit, item: roadmap.ItemCard, t: Translator) -> None:
    await show(query, *view.confirm_close(t, item, callback_data.action), edit=True)


@router.callback_query(RoadmapEdit.filter(F.action.in_(CLOSING)), OpenItem())
async def close(
    query: CallbackQuery,
    callback_data: RoadmapEdit,
    item: roadmap.ItemCard,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """Closed as done or cancelled; a second tap closes nothing and tells nobody again."""
    status, now = CLOSING[callback_data.action], clock()
    event_id = await roadmap.close_item(
        session, item.id, status, actor=viewer.telegram_id, actor_name=viewer.first_name, now=now
    )
    if event_id is not None:
        messages = await notices.closed(
            session,
            settings,
            item.id,
            event_id,
            status,
            lambda told: view.owner_notice(told, item, f"roadmap.owner_{status}_notice"),
        )
        await enqueue(session, messages, now)
    await show_card(query, session, viewer, t, now, settings, item.id, edit=True)


@router.callback_query(RoadmapEdit.filter(F.action == EditAction.REOPEN))
async def reopen(
    query: CallbackQuery,
    callback_data: RoadmapEdit,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if not await roadmap.reopen_item(
        session, callback_data.item, actor=viewer.telegram_id, actor_name=viewer.first_name, now=clock()
    ):
        await query.answer(t("button.stale"), show_alert=True)
        return
    await show_card(query, session, viewer, t, clock(), settings, callback_data.item, edit=True)
