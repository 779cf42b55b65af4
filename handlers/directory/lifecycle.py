"""The secretariat archives a card (asked first), restores it, merges a duplicate into the card
to keep (found by typing part of its name, previewed, confirmed), and lists the archive. The work
is the services' (bot/services/directory/lifecycle.py, merge.py); confirming twice, or a button
of a card changed since, gets a polite word."""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import access
from bot.services.access import Viewer
from bot.services.directory import lifecycle, merge
from bot.services.directory.fields import CardKind
from bot.services.directory.lifecycle import Result
from bot.services.directory.search import DirectorySearch
from bot.services.outbox import Outgoing, enqueue
from bot.settings import Settings
from handlers.common import render
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import show
from handlers.common.notify import set_commands_for
from handlers.common.routes import Routes
from handlers.directory import lifecycle_ui
from handlers.directory.browse import card_reply
from handlers.directory.callbacks import ArchivePage, CardLifecycle, LifecycleAction, MergeAction, MergeInto

router = restricted(Routes("lifecycle"), SecretariatOnly())
PICKS = 8


class MergeForm(StatesGroup):
    keep = State()  # waiting for part of the name of the card to keep


@router.callback_query(CardLifecycle.filter(F.action == LifecycleAction.ARCHIVE))
async def archive_ask(query: CallbackQuery, callback_data: CardLifecycle, session: AsyncSession, t: Translator) -> None:
    state = await lifecycle.state(session, callback_data.card, callback_data.id)
    if state is None:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    name = await _name(session, callback_data.card, callback_data.id)
    if state.archived_at is not None:
        await query.answer(t.plain("archive.already", name=name), show_alert=True)
        return
    await show(query, *lifecycle_ui.archive_confirm(t, callback_data.card, callback_data.id, name), edit=False)


@router.callback_query(CardLifecycle.filter(F.action == LifecycleAction.ARCHIVE_YES))
async def archive(
    query: CallbackQuery,
    callback_data: CardLifecycle,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    card = callback_data.card
    outcome = await lifecycle.archive(session, card, callback_data.id, actor=viewer.telegram_id, now=clock())
    if outcome.result is not Result.DONE:
        await query.answer(t.plain(f"archive.{outcome.result}", name=outcome.name), show_alert=True)
        return
    if outcome.telegram_id is not None:
        await _tell_archived(bot, session, settings, outcome.telegram_id, key=f"archive:{query.id}", clock=clock)
    await show(query, *lifecycle_ui.archived_now(t, card, callback_data.id, outcome.name), edit=True)


@router.callback_query(CardLifecycle.filter(F.action == LifecycleAction.RESTORE))
async def restore(
    query: CallbackQuery,
    callback_data: CardLifecycle,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
) -> None:
    outcome = await lifecycle.restore(
        session, callback_data.card, callback_data.id, actor=viewer.telegram_id, now=clock()
    )
    if outcome.result is not Result.DONE:
        key = "restore.already" if outcome.result is Result.ALREADY else "button.gone"
        await query.answer(t.plain(key, name=outcome.name), show_alert=True)
        return
    await query.answer(t.plain("restore.done", name=outcome.name))
    reply = await card_reply(callback_data.card.value, callback_data.id, session, viewer, t)
    if reply is not None and isinstance(query.message, Message):
        await query.message.answer(reply[0], reply_markup=reply[1])


@router.callback_query(CardLifecycle.filter(F.action == LifecycleAction.MERGE))
async def merge_ask(
    query: CallbackQuery, callback_data: CardLifecycle, session: AsyncSession, state: FSMContext, t: Translator
) -> None:
    found = await lifecycle.state(session, callback_data.card, callback_data.id)
    if found is None or found.archived_at is not None or callback_data.card is CardKind.PROJECT:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    await state.set_state(MergeForm.keep)
    await state.set_data({"card": callback_data.card.value, "id": callback_data.id})
    await query.answer()
    if isinstance(query.message, Message):
        name = await _name(session, callback_data.card, callback_data.id)
        await query.message.answer(lifecycle_ui.merge_ask(t, callback_data.card, name))


@router.message(MergeForm.keep, F.text, ~F.text.startswith("/"))
async def merge_search(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, search: DirectorySearch
) -> None:
    data = await state.get_data()
    card, duplicate = CardKind(data["card"]), int(data["id"])
    query = " ".join((message.text or "").split())[:200]
    if not query:
        await message.answer(t("merge.type"))
        return
    found = [doc for doc in await search.pick(session, query, card.noun, limit=PICKS + 1) if doc.id != duplicate]
    await show(message, *lifecycle_ui.merge_found(t, card, duplicate, found[:PICKS], query), edit=False)


@router.message(MergeForm.keep)
async def merge_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("merge.type"))


@router.callback_query(MergeInto.filter())
async def merge_step(
    query: CallbackQuery,
    callback_data: MergeInto,
    session: AsyncSession,
    state: FSMContext,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
) -> None:
    card, duplicate, keep = callback_data.card, callback_data.id, callback_data.keep
    if callback_data.action is MergeAction.CANCEL:
        if await state.get_state() == MergeForm.keep.state:
            await state.clear()
        await show(query, t("merge.cancelled"), InlineKeyboardMarkup(inline_keyboard=[]), edit=True)
        return
    if callback_data.action is MergeAction.PREVIEW:
        done = await merge.plan(session, card, duplicate, keep, actor=viewer.telegram_id)
    else:
        done = await merge.merge(session, card, duplicate, keep, actor=viewer.telegram_id, now=clock())
    if isinstance(done, merge.Result):
        await query.answer(t.plain(f"merge.{done}"), show_alert=True)
        return
    if callback_data.action is MergeAction.PREVIEW:
        await show(query, *lifecycle_ui.merge_preview(t, done), edit=True)
        return
    if await state.get_state() == MergeForm.keep.state:
        await state.clear()
    await show(query, *lifecycle_ui.merged(t, done), edit=True)


@router.callback_query(ArchivePage.filter(F.offset >= 0))
async def archive_list(
    query: CallbackQuery, callback_data: ArchivePage, session: AsyncSession, t: Translator, settings: Settings
) -> None:
    page = await lifecycle.archived(session, offset=callback_data.offset, limit=render.PAGE_SIZE)
    await show(query, *lifecycle_ui.archive_list(t, page, settings.tz), edit=callback_data.offset > 0)


async def _name(session: AsyncSession, card: CardKind, card_id: int) -> str:
    return (await lifecycle.name_of(session, card, card_id)) or ""


async def _tell_archived(
    bot: Bot, session: AsyncSession, settings: Settings, chat: int, *, key: str, clock: Clock
) -> None:
    """The person whose card was archived lost their access: told so in their language (through
    the outbox, committed with the archive), their command menu a guest's again."""
    told = Translator(await access.account_language(session, chat, settings.default_language))
    await enqueue(session, [Outgoing(key=key, chat_id=chat, kind="notice", text=told("admin.revoked_notice"))], clock())
    await set_commands_for(bot, chat, language=told.language, roles=frozenset())
