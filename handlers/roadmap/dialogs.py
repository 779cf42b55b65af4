"""The roadmap's dialogs: their states, and the data each keeps between its questions (typed, read
and written only through these TypedDicts)."""

from __future__ import annotations

from typing import NotRequired, TypedDict, cast

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup


class NewItem(StatesGroup):
    """The secretariat adds an item: its title, description and source."""

    title = State()
    description = State()
    source = State()


class NewItemData(TypedDict, total=False):
    title: str
    description: str


class EditItem(StatesGroup):
    """The secretariat types an item's deadline, policy, or part of an owner's name."""

    deadline = State()
    owner = State()
    policy = State()


class EditItemData(TypedDict):
    item: int


class Answer(StatesGroup):
    """An owner answers a reminder: a note to "done", a date and a reason for more time, a reason
    for "not mine"."""

    done = State()
    date = State()
    reason = State()
    not_mine = State()


class AnswerData(TypedDict):
    item: int
    deadline: NotRequired[str]  # the date asked for, ISO, once typed


# What a state holds is what its dialog wrote: these casts only name it.


async def new_item_data(state: FSMContext) -> NewItemData:
    return cast(NewItemData, await state.get_data())


async def edit_item_data(state: FSMContext) -> EditItemData:
    return cast(EditItemData, await state.get_data())


async def answer_data(state: FSMContext) -> AnswerData:
    return cast(AnswerData, await state.get_data())
