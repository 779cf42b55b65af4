"""The secretariat's owners editor: part of a name typed finds organisations and people, a tap adds
one as an owner of the item (their people are told it is theirs, with the answer buttons), ❌
removes one (they are told, unless still responsible through another owner)."""

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
from bot.services.directory.search import DirectorySearch
from bot.services.outbox import enqueue
from bot.services.roadmap import notices
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import refuse, show
from handlers.common.routes import Routes
from handlers.roadmap import ui as view
from handlers.roadmap.callbacks import EditAction, OwnerKind, RoadmapEdit, RoadmapOwnerPick
from handlers.roadmap.dialogs import EditItem, EditItemData, edit_item_data
from handlers.roadmap.filters import TYPED, OpenItem

router = restricted(Routes("roadmap_owners"), SecretariatOnly())
KINDS = {"organisation": OwnerKind.ORGANISATION, "person": OwnerKind.PERSON}


@router.callback_query(RoadmapEdit.filter(F.action == EditAction.OWNERS), OpenItem())
async def editor(query: CallbackQuery, item: roadmap.ItemCard, state: FSMContext, t: Translator) -> None:
    await state.set_state(EditItem.owner)
    await state.update_data(EditItemData(item=item.id))
    await show(query, *view.owners_editor(t, item), edit=False)


@router.message(StateFilter(EditItem.owner), TYPED)
async def owner_search(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, search: DirectorySearch
) -> None:
    item_id = (await edit_item_data(state))["item"]
    result = await search.search(session, (message.text or "")[:200], members=True, limit=10)
    hits = [(KINDS[h.doc.kind], h.doc.id, h.doc.title) for h in result.hits if h.doc.kind in KINDS]
    text, markup = view.owner_choices(t, item_id, hits)
    await message.answer(text, reply_markup=markup)


@router.callback_query(RoadmapOwnerPick.filter(F.kind.in_({OwnerKind.ORGANISATION, OwnerKind.PERSON})), OpenItem())
async def add(
    query: CallbackQuery,
    callback_data: RoadmapOwnerPick,
    item: roadmap.ItemCard,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    now, ref = clock(), callback_data.ref
    owner = (ref, None) if callback_data.kind == OwnerKind.ORGANISATION else (None, ref)
    owner_id = await roadmap.add_owner(
        session,
        item.id,
        organisation_id=owner[0],
        person_id=owner[1],
        actor=viewer.telegram_id,
        actor_name=viewer.first_name,
        now=now,
    )
    if owner_id is None:  # already an owner (a second tap)
        await query.answer(t("roadmap.owner_unchanged"))
    else:
        messages = await notices.assigned(
            session,
            settings,
            now,
            item,
            (owner_id, owner),
            lambda told: view.assigned(told, item, now=now, tz=settings.tz),
        )
        await enqueue(session, messages, now)
    await _editor(query, session, t, item.id, edit=False)


@router.callback_query(RoadmapOwnerPick.filter(F.kind == OwnerKind.REMOVE), OpenItem())
async def remove(
    query: CallbackQuery,
    callback_data: RoadmapOwnerPick,
    item: roadmap.ItemCard,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    owner_id, now = callback_data.ref, clock()
    removed = await roadmap.remove_owner(
        session, item.id, owner_id, actor=viewer.telegram_id, actor_name=viewer.first_name, now=now
    )
    if removed is None:  # removed already (a second tap)
        await query.answer(t("roadmap.owner_unchanged"))
    else:
        # People still responsible through another owner are not told they were removed.
        messages = await notices.removed(
            session,
            settings,
            item.id,
            owner_id,
            removed,
            lambda told: view.owner_notice(told, item, "roadmap.owner_removed_notice"),
        )
        await enqueue(session, messages, now)
    await _editor(query, session, t, item.id, edit=True)


async def _editor(query: CallbackQuery, session: AsyncSession, t: Translator, item_id: int, *, edit: bool) -> None:
    """The editor again, with the owners as they are now."""
    found = await roadmap.item_card(session, item_id, history=False)
    if found is None:
        await refuse(query, t("button.gone"))
        return
    await show(query, *view.owners_editor(t, found), edit=edit)
