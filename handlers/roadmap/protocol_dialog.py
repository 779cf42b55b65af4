"""The protocol import's dialog: its states, the data it keeps (typed), its buttons, and the check
that a button belongs to the draft on screen (written once, as a filter)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NotRequired, TypedDict, cast

from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import TelegramObject

from bot.services.roadmap.imports import Choice, Draft
from handlers.common.callbacks import Int64


class ProtocolImport(StatesGroup):
    """The secretariat sends a decisions document, then checks the draft: a field of one item may
    be typed (its title, its deadline, part of an owner's name)."""

    document = State()
    draft = State()
    title = State()
    deadline = State()
    owner = State()


class ProtocolData(TypedDict):
    token: NotRequired[str]  # the draft's, in its buttons: a button of an earlier draft is out of date
    draft: NotRequired[Draft]
    item: NotRequired[int]  # the item being edited: its index in the draft
    page: NotRequired[int]  # the list's first item shown
    offered: NotRequired[list[Choice]]  # the owners the owners editor offers (found by the words typed)


async def protocol_data(state: FSMContext) -> ProtocolData:
    """What the dialog wrote: this cast only names it."""
    return cast(ProtocolData, await state.get_data())


class ProtocolAction(StrEnum):
    PAGE = "page"  # the list from item `ref` on
    TAKE = "take"  # take or drop the item (`ref` 1: from its editor, shown again)
    OPEN = "open"  # the item's editor
    TITLE = "title"  # ask for the title …
    DEADLINE = "deadline"  # … the deadline
    NO_DEADLINE = "nodl"
    OWNERS = "owners"  # the owners editor
    ADD_ORGANISATION = "addo"  # the organisation `ref`, of those offered
    ADD_PERSON = "addp"  # the person `ref`, of those offered
    REMOVE = "rm"  # the owner at place `ref` of the item's owners
    LIST = "list"  # back to the list
    CREATE = "create"
    CANCEL = "cancel"


class ProtocolButton(CallbackData, prefix="rmp"):
    draft: str  # the draft's token
    action: ProtocolAction
    item: Int64 = 0
    ref: Int64 = 0


class DraftOnScreen(Filter):
    """The button belongs to the draft of the dialog going on, and names one of its items: the
    handler gets `dialog` (the dialog's data, with the draft). Goes after ProtocolButton.filter()."""

    async def __call__(
        self, event: TelegramObject, callback_data: ProtocolButton, state: FSMContext
    ) -> dict[str, Any] | bool:
        dialog = await protocol_data(state)
        draft = dialog.get("draft")
        if draft is None or dialog.get("token") != callback_data.draft:
            return False
        if not 0 <= callback_data.item < len(draft["items"]):
            return False
        return {"dialog": dialog}
