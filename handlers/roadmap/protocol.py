"""/protocol (the secretariat): a meeting's decisions document (.docx, .txt, .md) sent after the
command, or with /protocol as its caption, becomes a draft of roadmap items; the secretariat takes
or drops them, corrects them (protocol_items.py) and creates them, once. The owners are told."""

from __future__ import annotations

import asyncio
import secrets

from aiogram import Bot, F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.access import Viewer
from bot.services.directory.search import DirectorySearch
from bot.services.outbox import enqueue
from bot.services.roadmap import documents, imports, protocol
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly, refuse, restricted
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.roadmap import protocol_ui as ui
from handlers.roadmap import ui as roadmap_ui
from handlers.roadmap.protocol_dialog import (
    DraftOnScreen,
    ProtocolAction,
    ProtocolButton,
    ProtocolData,
    ProtocolImport,
)

router = restricted(Routes("roadmap_protocol"), SecretariatOnly())
denied = Routes("roadmap_protocol_denied")
refuse(denied, "access.secretariat_only", commands=("protocol",))


@router.message(command("protocol"), F.document)
@router.message(StateFilter(ProtocolImport), F.document)
async def document(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
    search: DirectorySearch,
    bot: Bot,
) -> None:
    """A document sent with /protocol, after it, or instead of the draft's: its decisions as a
    draft, or one line saying why there is none."""
    assert message.document is not None
    name = message.document.file_name or "document"
    try:
        documents.check(name, message.document.file_size or 0)
        downloaded = await bot.download(message.document)
        content = downloaded.read() if downloaded is not None else b""
        text = await asyncio.to_thread(documents.read_document, name, content)
    except documents.DocumentProblem as problem:
        await message.answer(t(f"protocol.{problem.reason}", name=name, limit=documents.MAX_BYTES // 2**20))
        return
    found = protocol.decisions(text)
    if not found or len(found) > imports.MAX_DECISIONS:
        reply = "protocol.too_many" if found else "protocol.none"
        await message.answer(t(reply, name=name, n=len(found), limit=imports.MAX_DECISIONS))
        return
    draft = await imports.make_draft(session, search, name, imports.digest(text), found, tz=settings.tz, now=clock())
    token = secrets.token_hex(4)
    await state.set_state(ProtocolImport.draft)
    await state.set_data(ProtocolData(token=token, draft=draft, page=0))
    await show(message, *ui.draft_list(t, token, draft, 0, settings.tz), edit=False)


@router.message(command("protocol"))
async def start(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(ProtocolImport.document)
    await state.set_data({})
    await message.answer(t("protocol.ask_document"))


@router.message(StateFilter(ProtocolImport.document))
async def not_a_document(message: Message, t: Translator) -> None:
    await message.answer(t("protocol.not_a_file"))


@router.callback_query(ProtocolButton.filter(F.action == ProtocolAction.PAGE), DraftOnScreen())
async def page(
    query: CallbackQuery,
    callback_data: ProtocolButton,
    dialog: ProtocolData,
    state: FSMContext,
    t: Translator,
    settings: Settings,
) -> None:
    draft = dialog["draft"]
    offset = min(max(callback_data.ref, 0), max(len(draft["items"]) - 1, 0)) // ui.PAGE_SIZE * ui.PAGE_SIZE
    await state.update_data(page=offset)
    await show(query, *ui.draft_list(t, dialog["token"], draft, offset, settings.tz), edit=True)


@router.callback_query(ProtocolButton.filter(F.action == ProtocolAction.LIST), DraftOnScreen())
async def back_to_list(
    query: CallbackQuery, dialog: ProtocolData, state: FSMContext, t: Translator, settings: Settings
) -> None:
    await state.set_state(ProtocolImport.draft)
    await show(
        query, *ui.draft_list(t, dialog["token"], dialog["draft"], dialog.get("page", 0), settings.tz), edit=True
    )


@router.callback_query(ProtocolButton.filter(F.action == ProtocolAction.TAKE), DraftOnScreen())
async def take(
    query: CallbackQuery,
    callback_data: ProtocolButton,
    dialog: ProtocolData,
    state: FSMContext,
    t: Translator,
    settings: Settings,
) -> None:
    """Take the item or drop it; one made from this document before cannot be taken again."""
    draft, index = dialog["draft"], callback_data.item
    item = draft["items"][index]
    if item["imported"] is not None:
        await query.answer(t.plain("protocol.imported_alert", number=item["imported"]), show_alert=True)
        return
    item["taken"] = not item["taken"]
    await state.update_data(draft=draft)
    if callback_data.ref:
        await show(query, *ui.item_editor(t, dialog["token"], draft, index, settings.tz), edit=True)
    else:
        await show(query, *ui.draft_list(t, dialog["token"], draft, dialog.get("page", 0), settings.tz), edit=True)


@router.callback_query(ProtocolButton.filter(F.action == ProtocolAction.CREATE), DraftOnScreen())
async def create(
    query: CallbackQuery,
    dialog: ProtocolData,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """The items taken, made once: the dialog ends here, so a second tap finds no draft (and the
    document's record in the database would make nothing twice anyway)."""
    draft = dialog["draft"]
    if not any(item["taken"] for item in draft["items"]):
        await query.answer(t.plain("protocol.nothing_taken"), show_alert=True)
        return
    await state.clear()
    now = clock()
    made = await imports.create(
        session,
        settings,
        draft,
        actor=viewer.telegram_id,
        actor_name=viewer.first_name,
        now=now,
        source=lambda item: t.plain("protocol.source", name=draft["name"], number=item["number"]),
        assigned=lambda card: lambda told: roadmap_ui.assigned(told, card, now=now, tz=settings.tz),
    )
    await enqueue(session, made.messages, now)
    await show(query, *ui.created(t, made.numbers, made.before, bool(made.messages)), edit=True)


@router.callback_query(ProtocolButton.filter(F.action == ProtocolAction.CANCEL), DraftOnScreen())
async def cancel(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await show(query, t("protocol.cancelled"), InlineKeyboardMarkup(inline_keyboard=[]), edit=True)


@router.callback_query(ProtocolButton.filter())
async def stale(query: CallbackQuery, t: Translator) -> None:
    """A button of a draft created, cancelled or replaced since (a second «Create» among them)."""
    await query.answer(t.plain("protocol.stale"), show_alert=True)
