"""Editing a card, one field at a time: tap the field → type (or pick) the new value → it is
checked → preview → save or cancel; and undoing a card's last change. Who may edit what is the
filters' business (handlers/directory/editing.py); saving, the audit and the undo are the
service's (bot/services/directory/edits.py)."""

from __future__ import annotations

import secrets
from dataclasses import replace

from aiogram import Bot, F
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Html, Translator
from bot.services.access import Viewer
from bot.services.directory import edits
from bot.services.directory.edits import Change, Result, Target
from bot.services.directory.fields import Field, Kind, Value
from bot.services.directory.search import DirectorySearch
from bot.services.directory.search_index import Doc
from bot.services.directory.values import Invalid
from handlers.common.messages import edit_text, show
from handlers.common.notify import set_viewer_commands
from handlers.common.routes import Routes
from handlers.directory import edit_ui
from handlers.directory.browse import card_reply
from handlers.directory.callbacks import EditAction, EditCard, EditField, EditStep, UndoAction, UndoChange
from handlers.directory.editing import EditDialog, EditForm, Editing, InEditDialog, MayEdit

router = Routes("edits")
# Cards a search offers to pick from at once.
PICKS = 8
LISTS = (Kind.ORGANISATIONS, Kind.PEOPLE)


def _step(action: EditAction) -> CallbackQueryFilter:
    return EditStep.filter(F.action == action)


@router.callback_query(EditCard.filter(), MayEdit())
async def fields_menu(query: CallbackQuery, target: Target, session: AsyncSession, t: Translator) -> None:
    await show(query, *edit_ui.fields_menu(t, target, await edits.last_change(session, target)), edit=False)


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
    editing = Editing(state, dialog, target, field)
    await editing.move(EditForm.value)
    await ask(query, session, t, editing)


async def ask(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    editing: Editing,
    *,
    found: list[Doc] | None = None,
    query: str = "",
) -> None:
    """The field's question: in place of the message of a button, anew after a typed message."""
    dialog, field = editing.dialog, editing.field
    text, markup = edit_ui.question(
        t,
        editing.target,
        field,
        dialog["token"],
        seen=dialog["seen"],
        seen_items=await edits.labels(session, field, dialog["seen"]),
        picked=await edits.labels(session, field, dialog.get("picked", [])) if field.kind in LISTS else (),
        found=found,
        query=query,
    )
    await show(event, text, markup, edit=True)


async def preview(
    event: Message | CallbackQuery, session: AsyncSession, t: Translator, editing: Editing, new: Value
) -> None:
    dialog, field = editing.dialog, editing.field
    dialog["new"] = new
    await editing.move(EditForm.preview)
    text, markup = edit_ui.preview(
        t,
        editing.target,
        field,
        dialog["token"],
        old=dialog["seen"],
        old_items=await edits.labels(session, field, dialog["seen"]),
        new=new,
        new_items=await edits.labels(session, field, new),
    )
    await show(event, text, markup, edit=True)


@router.message(F.text, InEditDialog())
async def typed(
    message: Message, editing: Editing, session: AsyncSession, t: Translator, search: DirectorySearch
) -> None:
    """A typed value, checked (nothing is kept of a wrong one); for a field of cards, a search
    for them; a choice is made with its buttons."""
    text, field = message.text or "", editing.field
    if field.kind is Kind.CHOICE:
        await message.answer(t("edit.use_buttons"))
        await ask(message, session, t, editing)
    elif field.refs:
        kind = "person" if field.kind is Kind.PEOPLE else "organisation"
        query = " ".join(text.split())[:200]
        if not query:
            await message.answer(t("edit.invalid.empty"))
            return
        found = await search.pick(session, query, kind, limit=PICKS)
        await ask(message, session, t, editing, found=found, query=query)
    else:
        try:
            new = field.read(text)
        except Invalid as problem:
            await message.answer(edit_ui.invalid(t, problem))
            return
        await preview(message, session, t, editing, new)


@router.message(InEditDialog())
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("edit.text_please"))


@router.callback_query(_step(EditAction.CANCEL), InEditDialog())
async def cancel(query: CallbackQuery, editing: Editing, t: Translator) -> None:
    await editing.state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, t("edit.cancelled"))


@router.callback_query(_step(EditAction.AGAIN), InEditDialog())
async def again(query: CallbackQuery, editing: Editing, session: AsyncSession, t: Translator) -> None:
    editing.dialog.pop("new", None)
    await editing.move(EditForm.value)
    await ask(query, session, t, editing)


@router.callback_query(_step(EditAction.CLEAR), InEditDialog())
async def clear(query: CallbackQuery, editing: Editing, session: AsyncSession, t: Translator) -> None:
    if editing.field.required:
        await query.answer(t.plain("edit.required"), show_alert=True)
        return
    await preview(query, session, t, editing, editing.field.empty())


@router.callback_query(_step(EditAction.CHOOSE), InEditDialog())
async def chosen(
    query: CallbackQuery, callback_data: EditStep, editing: Editing, session: AsyncSession, t: Translator
) -> None:
    if callback_data.value not in editing.field.choices:
        await query.answer(t.plain("edit.stale"), show_alert=True)
        return
    await preview(query, session, t, editing, callback_data.value)


@router.callback_query(_step(EditAction.PICK), InEditDialog())
async def picked(
    query: CallbackQuery, callback_data: EditStep, editing: Editing, session: AsyncSession, t: Translator
) -> None:
    """A card found: the organisation chosen, or one more card on the list."""
    field, dialog = editing.field, editing.dialog
    card_id = int(callback_data.value) if callback_data.value.isdigit() else 0
    if not field.refs or not await edits.labels(session, field, [card_id]):
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    if field.kind is Kind.ORGANISATION:
        await preview(query, session, t, editing, card_id)
        return
    chosen = dialog.get("picked", [])
    if card_id not in chosen and len(chosen) >= field.max_items:
        await query.answer(t.plain("edit.list_full", limit=field.max_items), show_alert=True)
        return
    dialog["picked"] = chosen if card_id in chosen else [*chosen, card_id]
    await editing.move(EditForm.value)
    await ask(query, session, t, editing)


@router.callback_query(_step(EditAction.DROP), InEditDialog())
async def dropped(
    query: CallbackQuery, callback_data: EditStep, editing: Editing, session: AsyncSession, t: Translator
) -> None:
    editing.dialog["picked"] = [i for i in editing.dialog.get("picked", []) if str(i) != callback_data.value]
    await editing.move(EditForm.value)
    await ask(query, session, t, editing)


@router.callback_query(_step(EditAction.DONE), InEditDialog())
async def listed(query: CallbackQuery, editing: Editing, session: AsyncSession, t: Translator) -> None:
    await preview(query, session, t, editing, list(editing.dialog.get("picked", [])))


@router.callback_query(_step(EditAction.SAVE), InEditDialog(), EditForm.preview)
async def save(
    query: CallbackQuery,
    editing: Editing,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
) -> None:
    target, field, new = editing.target, editing.field, editing.dialog.get("new")
    outcome = await edits.save(
        session, target, field, seen=editing.dialog["seen"], new=new, actor=viewer.telegram_id, now=clock()
    )
    if outcome.result is Result.CHANGED:
        await changed_meanwhile(query, session, t, editing, outcome.current)
        return
    await editing.state.clear()
    if outcome.result is Result.GONE:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    await query.answer()
    saved = outcome.result is Result.SAVED
    if isinstance(query.message, Message):
        await edit_text(query.message, t("edit.saved" if saved else "edit.unchanged", field=edit_ui.label(t, field)))
    if saved and field.name == "language" and target.id == viewer.person_id:
        language = str(new or viewer.language)
        await set_viewer_commands(bot, replace(viewer, language=language))
    await show_card(query, session, viewer, t, target)


async def changed_meanwhile(
    query: CallbackQuery, session: AsyncSession, t: Translator, editing: Editing, now: Value
) -> None:
    """Someone saved the field after this dialog began: nothing is saved over it; the editor sees
    the value now, what they meant to save, and is asked again (a new token: the preview's buttons
    are out of date)."""
    field, mine = editing.field, editing.dialog.get("new")
    text = edit_ui.conflict(
        t,
        field,
        now=await _shown(session, t, field, now, edit_ui.MAIN),
        mine=await _shown(session, t, field, mine, edit_ui.SHORT),
    )
    editing.dialog.pop("new", None)
    editing.dialog["seen"], editing.dialog["token"] = now, secrets.token_hex(4)
    if field.kind in LISTS:
        editing.dialog["picked"] = edits.ids(now)
    await editing.move(EditForm.value)
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, text)
        await ask(query.message, session, t, editing)


async def _shown(session: AsyncSession, t: Translator, field: Field, value: Value, limit: int) -> Html:
    return edit_ui.value_text(t, field, await edits.labels(session, field, value), value, limit)


async def show_card(query: CallbackQuery, session: AsyncSession, viewer: Viewer, t: Translator, target: Target) -> None:
    """The card as it is now, as a new message under the dialog."""
    reply = await card_reply(target.card.value, target.id, session, viewer, t)
    if reply is not None and isinstance(query.message, Message):
        await query.message.answer(reply[0], reply_markup=reply[1])


@router.callback_query(UndoChange.filter(F.action == UndoAction.ASK), MayEdit())
async def undo_ask(query: CallbackQuery, target: Target, change: Change, session: AsyncSession, t: Translator) -> None:
    now = await edits.current(session, target, change.field)
    if now != change.new:  # changed otherwise since (an older card's button): the undo would refuse
        await query.answer(t.plain("edit.undo_changed", field=edit_ui.label(t, change.field)), show_alert=True)
        return
    back = await _shown(session, t, change.field, change.old, edit_ui.HALF)
    shown = await _shown(session, t, change.field, now, edit_ui.HALF)
    await show(query, *edit_ui.undo_confirm(t, target, change, now=shown, back=back), edit=False)


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
        value = await _shown(session, t, change.field, change.old, edit_ui.HALF)
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
