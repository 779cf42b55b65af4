"""What the roadmap's routers did not take, said politely: why not. Registered after them, so that
a handler here is reached only when a check of handlers/roadmap/filters.py (or the secretariat's)
failed. Checked in this order: the secretariat's button on an item closed meanwhile, then whose
button it is not, then an answer about a closed item."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import SecretariatOnly
from handlers.common.routes import Routes, command
from handlers.roadmap.callbacks import (
    RoadmapAnswer,
    RoadmapCard,
    RoadmapEdit,
    RoadmapExtension,
    RoadmapFile,
    RoadmapList,
    RoadmapOwnerPick,
)
from handlers.roadmap.dialogs import EditItem, NewItem
from handlers.roadmap.filters import TYPED, OpenItem

router = Routes("roadmap_denied")


@router.callback_query(RoadmapEdit.filter(), SecretariatOnly())
@router.callback_query(RoadmapOwnerPick.filter(), SecretariatOnly())
async def closed_meanwhile(query: CallbackQuery, t: Translator) -> None:
    """A secretary's button on an item closed (or gone) since it was shown."""
    await query.answer(t("roadmap.closed_already"), show_alert=True)


@router.message(command("roadmap"))
async def members_only(message: Message, t: Translator) -> None:
    await message.answer(t("roadmap.members_only"))


@router.callback_query(Menu.filter(F.name == MenuItem.ROADMAP))
@router.callback_query(RoadmapList.filter(F.offset >= 0))
@router.callback_query(RoadmapCard.filter())
@router.callback_query(RoadmapFile.filter())
async def members_only_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("roadmap.members_only"), show_alert=True)


@router.callback_query(RoadmapEdit.filter())
@router.callback_query(RoadmapOwnerPick.filter())
@router.callback_query(RoadmapExtension.filter())
async def secretariat_only_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("access.secretariat_only"), show_alert=True)


@router.message(StateFilter(NewItem, EditItem), TYPED)
async def secretariat_only_dialog(message: Message, state: FSMContext, t: Translator) -> None:
    """Someone no longer of the secretariat, in the middle of adding or editing an item."""
    await state.clear()
    await message.answer(t("access.secretariat_only"))


@router.callback_query(RoadmapAnswer.filter(), OpenItem())
async def not_responsible(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("roadmap.not_responsible"), show_alert=True)


@router.callback_query(RoadmapAnswer.filter())
async def answer_closed(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    """The answer's question, if open, goes too: the item needs no answer any more."""
    await state.clear()
    await query.answer(t("roadmap.closed_already"), show_alert=True)
