"""The protocol import's item editor: an item of the draft with its title, deadline and owners, each
corrected by typing (the deadline also «without deadline»), the owners with buttons among those the
document's words may mean or those found by part of a name typed."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.dates import DateProblem
from bot.services.directory.search import DirectorySearch
from bot.services.roadmap import imports
from bot.services.roadmap.imports import ORGANISATION, PERSON, Choice
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import show
from handlers.common.routes import Routes
from handlers.roadmap import protocol_ui as ui
from handlers.roadmap.protocol_dialog import (
    DraftOnScreen,
    ProtocolAction,
    ProtocolButton,
    ProtocolData,
    ProtocolImport,
    protocol_data,
)

router = restricted(Routes("roadmap_protocol_items"), SecretariatOnly())
TITLE_LIMIT = 300
QUERY_LIMIT = 200
FOUND = 10
# Words typed in a dialog: a command is not an answer (it leaves the dialog, see bot/middlewares.py).
TYPED = F.text & ~F.text.startswith("/")
Action = ProtocolAction


def _on(*actions: ProtocolAction) -> CallbackQueryFilter:
    return ProtocolButton.filter(F.action.in_(set(actions)))


@router.callback_query(_on(Action.OPEN), DraftOnScreen())
async def open_item(
    query: CallbackQuery,
    callback_data: ProtocolButton,
    dialog: ProtocolData,
    state: FSMContext,
    t: Translator,
    settings: Settings,
) -> None:
    await state.set_state(ProtocolImport.draft)
    await show(query, *ui.item_editor(t, dialog["token"], dialog["draft"], callback_data.item, settings.tz), edit=True)


@router.callback_query(_on(Action.TITLE, Action.DEADLINE), DraftOnScreen())
async def ask(
    query: CallbackQuery, callback_data: ProtocolButton, dialog: ProtocolData, state: FSMContext, t: Translator
) -> None:
    index = callback_data.item
    item = dialog["draft"]["items"][index]
    title = callback_data.action == Action.TITLE
    await state.set_state(ProtocolImport.title if title else ProtocolImport.deadline)
    await state.update_data(item=index)
    question = ui.title_question if title else ui.deadline_question
    await show(query, *question(t, dialog["token"], item, index), edit=False)


@router.message(StateFilter(ProtocolImport.title), TYPED)
async def title_typed(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    title = " ".join((message.text or "").split())
    if len(title) > TITLE_LIMIT:
        await message.answer(t("roadmap.too_long", limit=TITLE_LIMIT))
        return
    dialog = await protocol_data(state)
    dialog["draft"]["items"][dialog["item"]]["title"] = title
    await _edited(message, state, t, settings, dialog)


@router.message(StateFilter(ProtocolImport.deadline), TYPED)
async def deadline_typed(message: Message, state: FSMContext, t: Translator, clock: Clock, settings: Settings) -> None:
    try:
        deadline = imports.read_deadline(message.text or "", settings.tz, clock())
    except DateProblem as problem:
        await message.answer(
            t("protocol.date_format" if problem.reason == "format" else f"roadmap.date_{problem.reason}")
        )
        return
    dialog = await protocol_data(state)
    dialog["draft"]["items"][dialog["item"]]["deadline"] = deadline.isoformat()
    await _edited(message, state, t, settings, dialog)


async def _edited(message: Message, state: FSMContext, t: Translator, settings: Settings, dialog: ProtocolData) -> None:
    """The draft as changed, and the item's editor again."""
    await state.set_state(ProtocolImport.draft)
    await state.update_data(draft=dialog["draft"])
    await show(message, *ui.item_editor(t, dialog["token"], dialog["draft"], dialog["item"], settings.tz), edit=False)


@router.callback_query(_on(Action.NO_DEADLINE), DraftOnScreen())
async def no_deadline(
    query: CallbackQuery,
    callback_data: ProtocolButton,
    dialog: ProtocolData,
    state: FSMContext,
    t: Translator,
    settings: Settings,
) -> None:
    draft = dialog["draft"]
    draft["items"][callback_data.item]["deadline"] = None
    await state.set_state(ProtocolImport.draft)
    await state.update_data(draft=draft)
    await show(query, *ui.item_editor(t, dialog["token"], draft, callback_data.item, settings.tz), edit=True)


@router.callback_query(_on(Action.OWNERS), DraftOnScreen())
async def owners(
    query: CallbackQuery, callback_data: ProtocolButton, dialog: ProtocolData, state: FSMContext, t: Translator
) -> None:
    index = callback_data.item
    offered = ui.offered(dialog["draft"]["items"][index])
    await state.set_state(ProtocolImport.owner)
    await state.update_data(item=index, offered=offered)
    await show(query, *ui.owners_editor(t, dialog["token"], dialog["draft"], index, offered), edit=True)


@router.message(StateFilter(ProtocolImport.owner), TYPED)
async def owner_search(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, search: DirectorySearch
) -> None:
    query = (message.text or "")[:QUERY_LIMIT]
    found = await search.search(session, query, members=True, limit=FOUND)
    hits = [
        Choice(kind=imports.KINDS[hit.doc.kind], id=hit.doc.id, name=hit.doc.title)
        for hit in found.hits
        if hit.doc.kind in imports.KINDS
    ]
    if not hits:
        await message.answer(t("protocol.nobody_found", query=query))
        return
    dialog = await protocol_data(state)
    offered = [
        *hits,
        *(choice for choice in ui.offered(dialog["draft"]["items"][dialog["item"]]) if choice not in hits),
    ]
    await state.update_data(offered=offered)
    await show(message, *ui.owners_editor(t, dialog["token"], dialog["draft"], dialog["item"], offered), edit=False)


@router.callback_query(_on(Action.ADD_ORGANISATION, Action.ADD_PERSON, Action.REMOVE), DraftOnScreen())
async def owner_pick(
    query: CallbackQuery,
    callback_data: ProtocolButton,
    dialog: ProtocolData,
    state: FSMContext,
    t: Translator,
) -> None:
    """Add one of those offered, or remove an owner; a button of an editor shown before answers so."""
    draft, index = dialog["draft"], callback_data.item
    offered = dialog.get("offered", [])
    if not _pick(draft["items"][index]["owners"], offered, callback_data):
        await query.answer(t.plain("protocol.owner_unchanged"), show_alert=True)
        return
    await state.update_data(draft=draft)
    await show(query, *ui.owners_editor(t, dialog["token"], draft, index, offered), edit=True)


def _pick(chosen: list[Choice], offered: list[Choice], button: ProtocolButton) -> bool:
    """The owners changed as the button says; False when it says what is done already."""
    if button.action == Action.REMOVE:
        if not 0 <= button.ref < len(chosen):
            return False
        del chosen[button.ref]
        return True
    kind = ORGANISATION if button.action == Action.ADD_ORGANISATION else PERSON
    picked = next((c for c in offered if (c["kind"], c["id"]) == (kind, button.ref)), None)
    if picked is None or picked in chosen:
        return False
    chosen.append(picked)
    return True
