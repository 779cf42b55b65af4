"""Who may edit a card, decided in one place: the filters every edit handler stands behind (they
load the card, and the dialog going on, and pass them on only to someone who may edit it), the
edit buttons a card shows to the same people, and the edit dialog's state and data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict, cast

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services.access import Viewer
from bot.services.directory import edits
from bot.services.directory.fields import CardKind, Field, Value, field_of
from handlers.directory import edit_ui
from handlers.directory.callbacks import EditCard, EditField, EditStep, UndoChange


class EditForm(StatesGroup):
    value = State()  # waiting for the new value: typed, or a button
    preview = State()  # waiting for Save


class EditDialog(TypedDict):
    token: str  # the dialog's buttons carry it: those of an earlier dialog are out of date
    card: str  # CardKind
    id: int
    field: str
    seen: Value  # the value when the dialog began: saved over only if it is still there
    new: NotRequired[Value]  # the value to save, once given
    picked: NotRequired[list[int]]  # a list of cards being made (partners, contact people)


@dataclass
class Editing:
    """The edit dialog going on, as InEditDialog found it: its data, the card and the field."""

    state: FSMContext
    dialog: EditDialog
    target: edits.Target
    field: Field

    async def move(self, step: State) -> None:
        """Keep the dialog's data as it is now, and go to `step`."""
        await self.state.set_data(self.dialog)
        await self.state.set_state(step)


async def _target(session: AsyncSession, viewer: Viewer | None, card: CardKind, card_id: int) -> edits.Target | None:
    if viewer is None or not viewer.is_member:  # a guest edits nothing (the secretariat are members too)
        return None
    return await edits.target(session, card, card_id, person_id=viewer.person_id, secretariat=viewer.is_secretariat)


class MayEdit(Filter):
    """A button naming a card (and a field, or a change) passes `target` (and `field`, or `change`)
    when the viewer may edit that."""

    async def __call__(
        self,
        event: TelegramObject,
        session: AsyncSession,
        viewer: Viewer | None = None,
        callback_data: EditCard | EditField | UndoChange | None = None,
    ) -> bool | dict[str, Any]:
        if (
            callback_data is None
            or (target := await _target(session, viewer, callback_data.card, callback_data.id)) is None
        ):
            return False
        if isinstance(callback_data, EditField):
            field = field_of(target.card, callback_data.field)
            return {"target": target, "field": field} if field is not None and target.may(field) else False
        if isinstance(callback_data, UndoChange):
            change = await edits.change_of(session, target, callback_data.change)
            return {"target": target, "change": change} if change is not None and target.may(change.field) else False
        return {"target": target}


class InEditDialog(Filter):
    """The edit dialog going on in this chat, for what is typed in it and for its buttons (of its
    token only): passes it as `editing` while the viewer may still edit its field."""

    async def __call__(
        self,
        event: TelegramObject,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer | None = None,
        callback_data: EditStep | None = None,
        raw_state: str | None = None,
    ) -> bool | dict[str, Any]:
        # raw_state: the state aiogram's FSM middleware has read already (every message of every
        # chat passes this filter on its way to search).
        if raw_state not in (EditForm.value.state, EditForm.preview.state):
            return False
        dialog = cast(EditDialog, await state.get_data())
        if callback_data is not None and callback_data.token != dialog.get("token"):
            return False
        target = await _target(session, viewer, CardKind(dialog["card"]), dialog["id"])
        field = field_of(CardKind(dialog["card"]), dialog["field"])
        if target is None or field is None or not target.may(field):
            return False
        return {"editing": Editing(state, dialog, target, field)}


async def with_edit_buttons(
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    card: CardKind,
    card_id: int,
    text: str,
    markup: InlineKeyboardMarkup,
) -> tuple[str, InlineKeyboardMarkup]:
    """The card's buttons, and "Edit" (with "Undo the last change") for whoever may edit it."""
    target = await _target(session, viewer, card, card_id)
    if target is None:
        return text, markup
    rows = edit_ui.edit_rows(t, target, await edits.last_change(session, target))
    return text, InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, *rows])
