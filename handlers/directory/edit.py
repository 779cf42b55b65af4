"""Editing a card, one field at a time: tap the field → type (or pick) the new value → it is
checked → preview → save or cancel; and undoing a card's last change. Who may edit what is the
filters' business (handlers/directory/editing.py); saving, the audit and the undo are the
service's (bot/services/directory/edits.py)."""

from __future__ import annotations

import secrets

from aiogram import Bot, F
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.access import Viewer
from bot.services.directory import edits
from bot.services.directory.edits import Change, Result, Target
from bot.services.directory.fields import Field, Kind, Value
from bot.services.directory.search import DirectorySearch
from bot.services.directory.search_index import Doc
from bot.services.directory.values import Invalid
from handlers.common.messages import edit_text
from handlers.common.notify import set_viewer_commands
from handlers.common.routes import Routes
from handlers.directory import edit_ui
from handlers.directory.browse import card_reply
from handlers.directory.callbacks import EditAction, EditCard, EditField, EditStep, UndoAction, UndoChange
from handlers.directory.editing import EditDialog, EditForm, InEditDialog, MayEdit

router = Routes("edits")
# Cards a search offers to pick from at once.
PICKS = 8
LISTS = (Kind.ORGANISATIONS, Kind.PEOPLE)


def _step(action: EditAction) -> CallbackQueryFilter:
    return EditStep.filter(F.action == action)


@router.callback_query(EditCard.filter(), MayEdit())
async def fields_menu(query: CallbackQuery, target: Target, session: AsyncSession, t: Translator) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = edit_ui.fields_menu(t, target, await edits.last_change(session, target))
        await query.message.answer(text, reply_markup=markup)


@router.callback_query(EditField.filter(), MayEdit())
async def begin(
    query: CallbackQuery, target: Target, field: Field, state: FSMContext, session: AsyncSession, t: Translator
) -> None:
    value = await edits.current(session, target, field)
    dialog: EditDialog = {
        "token": secrets.token_hex(4),
        "card": target.card.value,
        "id": target.id,
        "field": field.name,
        "seen": value,
    }
    if field.kind in LISTS:
        dialog["picked"] = edits.ids(value)
    await state.set_state(EditForm.value)
    await state.set_data(dialog)
    await ask(query, session, t, target, field, dialog)


async def ask(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    target: Target,
    field: Field,
    dialog: EditDialog,
    *,
    found: list[Doc] | None = None,
    query: str = "",
) -> None:
    """The field's question: in place of the message of a button, anew after a typed message."""
    text, markup = edit_ui.question(
        t,
        target,
        field,
        dialog["token"],
        seen=dialog["seen"],
        seen_items=await edits.labels(session, field, dialog["seen"]),
        picked=await edits.labels(session, field, dialog.get("picked", [])) if field.kind in LISTS else (),
        found=found,
        query=query,
    )
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
        return
    await event.answer()
    if isinstance(event.message, Message):
        await edit_text(event.message, text, markup)


async def preview(
    event: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    target: Target,
    field: Field,
    dialog: EditDialog,
    new: Value,
) -> None:
    dialog["new"] = new
    await state.set_data(dialog)
    await state.set_state(EditForm.preview)
    text, markup = edit_ui.preview(
        t,
        target,
        field,
        dialog["token"],
        old=dialog["seen"],
        old_items=await edits.labels(session, field, dialog["seen"]),
        new=new,
        new_items=await edits.labels(session, field, new),
    )
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
        return
    await event.answer()
    if isinstance(event.message, Message):
        await edit_text(event.message, text, markup)


@router.message(F.text, InEditDialog())
async def typed(
    message: Message,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    search: DirectorySearch,
) -> None:
    """A typed value, checked (nothing is kept of a wrong one); for a field of cards, a search
    for them; a choice is made with its buttons."""
    text = message.text or ""
    if field.kind is Kind.CHOICE:
        await message.answer(t("edit.use_buttons"))
        await ask(message, session, t, target, field, dialog)
    elif field.refs:
        kind = "person" if field.kind is Kind.PEOPLE else "organisation"
        query = " ".join(text.split())[:200]
        if not query:
            await message.answer(t("edit.invalid.empty"))
            return
        found = await search.pick(session, query, kind, limit=PICKS)
        await ask(message, session, t, target, field, dialog, found=found, query=query)
    else:
        try:
            new = field.read(text)
        except Invalid as problem:
            await message.answer(edit_ui.invalid(t, problem))
            return
        await preview(message, state, session, t, target, field, dialog, new)


@router.message(InEditDialog())
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("edit.text_please"))


@router.callback_query(_step(EditAction.CANCEL), InEditDialog())
async def cancel(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, t("edit.cancelled"))


@router.callback_query(_step(EditAction.AGAIN), InEditDialog())
async def again(
    query: CallbackQuery,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
) -> None:
    dialog.pop("new", None)
    await state.set_data(dialog)
    await state.set_state(EditForm.value)
    await ask(query, session, t, target, field, dialog)


@router.callback_query(_step(EditAction.CLEAR), InEditDialog())
async def clear(
    query: CallbackQuery,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
) -> None:
    if field.required:
        await query.answer(t.plain("edit.required"), show_alert=True)
        return
    await preview(query, state, session, t, target, field, dialog, field.empty())


@router.callback_query(_step(EditAction.CHOOSE), InEditDialog())
async def chosen(
    query: CallbackQuery,
    callback_data: EditStep,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
) -> None:
    if callback_data.value not in field.choices:
        await query.answer(t.plain("edit.stale"), show_alert=True)
        return
    await preview(query, state, session, t, target, field, dialog, callback_data.value)


@router.callback_query(_step(EditAction.PICK), InEditDialog())
async def picked(
    query: CallbackQuery,
    callback_data: EditStep,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
) -> None:
    """A card found: the organisation chosen, or one more card on the list."""
    card_id = int(callback_data.value) if callback_data.value.isdigit() else 0
    if not field.refs or not await edits.labels(session, field, [card_id]):
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    if field.kind is Kind.ORGANISATION:
        await preview(query, state, session, t, target, field, dialog, card_id)
        return
    chosen = dialog.get("picked", [])
    if card_id not in chosen and len(chosen) >= field.max_items:
        await query.answer(t.plain("edit.list_full", limit=field.max_items), show_alert=True)
        return
    dialog["picked"] = chosen if card_id in chosen else [*chosen, card_id]
    await state.set_data(dialog)
    await ask(query, session, t, target, field, dialog)


@router.callback_query(_step(EditAction.DROP), InEditDialog())
async def dropped(
    query: CallbackQuery,
    callback_data: EditStep,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
) -> None:
    dialog["picked"] = [card_id for card_id in dialog.get("picked", []) if str(card_id) != callback_data.value]
    await state.set_data(dialog)
    await ask(query, session, t, target, field, dialog)


@router.callback_query(_step(EditAction.DONE), InEditDialog())
async def listed(
    query: CallbackQuery,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
) -> None:
    await preview(query, state, session, t, target, field, dialog, list(dialog.get("picked", [])))


@router.callback_query(_step(EditAction.SAVE), InEditDialog(), EditForm.preview)
async def save(
    query: CallbackQuery,
    dialog: EditDialog,
    target: Target,
    field: Field,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
) -> None:
    new = dialog.get("new")
    outcome = await edits.save(
        session, target, field, seen=dialog["seen"], new=new, actor=viewer.telegram_id, now=clock()
    )
    if outcome.result is Result.CHANGED:
        await changed_meanwhile(query, state, session, t, target, field, dialog, outcome.current)
        return
    await state.clear()
    if outcome.result is Result.GONE:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    await query.answer()
    saved = outcome.result is Result.SAVED
    if isinstance(query.message, Message):
        await edit_text(query.message, t("edit.saved" if saved else "edit.unchanged", field=edit_ui.label(t, field)))
    if saved and field.name == "language" and target.id == viewer.person_id:
        language = str(new or viewer.language)
        await set_viewer_commands(
            bot, Viewer(viewer.telegram_id, viewer.first_name, language, viewer.person_id, viewer.roles)
        )
    await show_card(query, session, viewer, t, target)


async def changed_meanwhile(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    target: Target,
    field: Field,
    dialog: EditDialog,
    now: Value,
) -> None:
    """Someone saved the field after this dialog began: nothing is saved over it; the editor sees
    the value now, what they meant to save, and is asked again."""
    mine = dialog.get("new")
    text = edit_ui.conflict(
        t,
        field,
        now=edit_ui.value_text(t, field, await edits.labels(session, field, now), now),
        mine=edit_ui.value_text(t, field, await edits.labels(session, field, mine), mine, edit_ui.OLD_IN_PREVIEW),
    )
    fresh: EditDialog = {**dialog, "seen": now, "token": secrets.token_hex(4)}
    fresh.pop("new", None)
    if field.kind in LISTS:
        fresh["picked"] = edits.ids(now)
    await state.set_data(fresh)
    await state.set_state(EditForm.value)
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, text)
        await ask(query.message, session, t, target, field, fresh)


async def show_card(query: CallbackQuery, session: AsyncSession, viewer: Viewer, t: Translator, target: Target) -> None:
    """The card as it is now, as a new message under the dialog."""
    reply = await card_reply(target.card.value, target.id, session, viewer, t)
    if reply is not None and isinstance(query.message, Message):
        await query.message.answer(reply[0], reply_markup=reply[1])


@router.callback_query(UndoChange.filter(F.action == UndoAction.ASK), MayEdit())
async def undo_ask(query: CallbackQuery, target: Target, change: Change, session: AsyncSession, t: Translator) -> None:
    now = await edits.current(session, target, change.field)
    back = edit_ui.value_text(t, change.field, await edits.labels(session, change.field, change.old), change.old)
    shown = edit_ui.value_text(t, change.field, await edits.labels(session, change.field, now), now)
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = edit_ui.undo_confirm(t, target, change, now=shown, back=back)
        await query.message.answer(text, reply_markup=markup)


@router.callback_query(UndoChange.filter(F.action == UndoAction.CONFIRM), MayEdit())
async def undo(
    query: CallbackQuery,
    target: Target,
    change: Change,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
) -> None:
    outcome = await edits.undo(session, target, change, actor=viewer.telegram_id, now=clock())
    if outcome.result is not Result.SAVED:
        key = {Result.CHANGED: "edit.undo_changed", Result.GONE: "button.gone"}.get(outcome.result, "edit.undo_stale")
        await query.answer(t.plain(key, field=edit_ui.label(t, change.field)), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        value = edit_ui.value_text(t, change.field, await edits.labels(session, change.field, change.old), change.old)
        await edit_text(query.message, t("edit.undone", field=edit_ui.label(t, change.field), value=value))
    await show_card(query, session, viewer, t, target)


# Buttons the filters above did not pass: of an older dialog, or of a card the viewer may not edit.
@router.callback_query(EditStep.filter())
async def stale_step(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("edit.stale"), show_alert=True)


@router.callback_query(EditCard.filter())
@router.callback_query(EditField.filter())
@router.callback_query(UndoChange.filter())
async def not_allowed(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("edit.not_allowed"), show_alert=True)
