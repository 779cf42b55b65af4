"""The secretariat decides on an owner's answer, from the notice it got: approve or decline the
extension asked for (approval moves the deadline, the reminders follow), or keep the one who said
"not mine" (reassigning is the owners editor, owners.py). The one who asked is told."""

from __future__ import annotations

from aiogram import F
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import roadmap
from bot.services.access import Viewer
from bot.services.outbox import enqueue
from bot.services.roadmap import notices
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly
from handlers.common.messages import show
from handlers.common.routes import Routes
from handlers.roadmap import ui as view
from handlers.roadmap.callbacks import OwnerKind, RoadmapExtension, RoadmapOwnerPick

router = Routes("roadmap_decisions")
router.filter("callback_query", SecretariatOnly())
DECIDED = ("approved", "declined", "closed")


@router.callback_query(RoadmapExtension.filter())
async def decide(
    query: CallbackQuery,
    callback_data: RoadmapExtension,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """Approved, declined, or no longer needed (the item was closed meanwhile); only one of two taps
    (or two secretaries) decides."""
    event_id, now = callback_data.event, clock()
    outcome = await roadmap.decide_extension(
        session, event_id, callback_data.approve, actor=viewer.telegram_id, actor_name=viewer.first_name, now=now
    )
    if outcome.status not in DECIDED:  # decided before, or no such request
        await query.answer(t(f"roadmap.extension_{outcome.status}"), show_alert=True)
        return
    card = await roadmap.item_card(session, outcome.item_id, history=False)
    if card is None:
        await query.answer(t("roadmap.extension_gone"), show_alert=True)
        return
    date = view.when(outcome.deadline, settings.tz) if outcome.deadline else "—"
    messages = await notices.extension_decided(
        session,
        settings,
        event_id,
        outcome.requester,
        lambda told: view.extension_decided(told, outcome.status, card, date),
    )
    await enqueue(session, messages, now)
    text = t(f"roadmap.extension_{outcome.status}_done", date=date, head=view.head(t, card), who=outcome.who or "—")
    await show(query, text, view.open_card(t, card.id), edit=True)


@router.callback_query(RoadmapOwnerPick.filter(F.kind == OwnerKind.KEEP))
async def keep(
    query: CallbackQuery,
    callback_data: RoadmapOwnerPick,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """The one who said "not mine" (the event `ref`) stays responsible: reminded again, and told."""
    actors = await roadmap.resolve_not_mine(session, callback_data.item, "kept", event_id=callback_data.ref)
    card = await roadmap.item_card(session, callback_data.item, history=False)
    if not actors or card is None:
        await query.answer(t("roadmap.kept_already"), show_alert=True)
        return
    messages = await notices.kept(
        session,
        settings,
        callback_data.ref,
        actors,
        lambda told: view.owner_notice(told, card, "roadmap.kept_notice"),
    )
    await enqueue(session, messages, clock())
    await query.answer(t("roadmap.kept_done"), show_alert=True)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=view.open_card(t, card.id))
