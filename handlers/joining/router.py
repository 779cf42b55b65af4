"""Joining the cluster: share a phone number, or ask the secretariat with name and organisation."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from aiogram import Bot, F
from aiogram.filters import CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import LANGUAGES, Translator
from bot.services import access
from bot.services.access import Viewer, joining
from bot.services.directory.search import looks_like_a_name
from bot.services.outbox import Outgoing, enqueue
from bot.settings import Settings
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.messages import edit_text
from handlers.common.notify import set_commands_for, set_viewer_commands, tell_secretariat
from handlers.common.routes import Routes, command
from handlers.joining import ui as joining_ui
from handlers.joining.callbacks import Decide
from handlers.start import ui as start_ui

router = Routes("join")
NAME_LIMIT = 200
ALERT_LIMIT = 200
# What a guest is told when their request is filed, or found already filed, or they are in already.
REQUEST_REPLY = {"requested": "join.requested", "pending": "join.pending", "member": "join.already_member"}
BY_NAME = {Translator(language)("join.by_name") for language in LANGUAGES}
CANCEL = {Translator(language)("join.cancel") for language in LANGUAGES}


class JoinForm(StatesGroup):
    choosing = State()
    name = State()
    organisation = State()


def is_guest(_: Message, viewer: Viewer) -> bool:
    """The joining dialog is for guests: once someone is in (an approval, an invite), a dialog
    left open lets their texts through to the search instead of filing another request."""
    return not viewer.is_member


def _join_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=t("join.share_phone"), request_contact=True)],
            [KeyboardButton(text=t("join.by_name"))],
            [KeyboardButton(text=t("join.cancel"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


@router.message(command("join"))
@router.message(CommandStart(deep_link=True, magic=F.args == "join"))
@router.callback_query(Menu.filter(F.name == MenuItem.JOIN))
async def begin(
    event: Message | CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    message = event if isinstance(event, Message) else event.message
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    if refusal := await _no_joining(session, viewer):
        await message.answer(t(refusal))
        return
    await state.set_state(JoinForm.choosing)
    await message.answer(t("join.intro"), reply_markup=_join_keyboard(t))


async def _no_joining(session: AsyncSession, viewer: Viewer) -> str | None:
    """Why this person has nothing to join (the text key), if so."""
    if viewer.is_member:
        return "join.already_member"
    return "join.pending" if await joining.pending_request_of(session, viewer.telegram_id) else None


# The joining keyboard stays on the user's screen after the dialog is gone (forgotten after
# DIALOG_TTL_HOURS, or closed by another command): its buttons still do what they say.
@router.message(StateFilter(JoinForm, None), F.text.in_(CANCEL))
async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    had_dialog = await state.get_state() is not None
    await state.clear()
    await message.answer(t("cancel.done" if had_dialog else "cancel.nothing"), reply_markup=ReplyKeyboardRemove())


@router.message(F.contact)
async def contact_shared(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    contact = message.contact
    assert contact is not None
    own = contact.user_id == viewer.telegram_id
    if viewer.is_member:
        await message.answer(
            t("join.already_member" if own else "join.contact_not_needed"), reply_markup=ReplyKeyboardRemove()
        )
        return
    if not own:
        await message.answer(t("join.not_own_contact"), reply_markup=_join_keyboard(t))
        return
    outcome = await joining.link_by_phone(session, viewer.telegram_id, contact.phone_number, clock())
    if outcome.status == "linked":
        await state.clear()
        await after_join(message, session, viewer, t, bot, outcome)
        return
    if outcome.status == "revoked":
        await state.clear()
        await ask_readmission(message, session, viewer, t, clock, settings, outcome)
        return
    await message.answer(
        t("join.phone_unknown" if outcome.status == "unknown" else "join.outcome." + outcome.status),
        reply_markup=ReplyKeyboardRemove(),
    )
    if await joining.pending_request_of(session, viewer.telegram_id):
        await state.clear()
        await message.answer(t("join.pending"))
        return
    await state.set_state(JoinForm.name)
    await message.answer(t("join.ask_name"))


async def ask_readmission(
    message: Message,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    outcome: access.JoinOutcome,
) -> None:
    """A revoked person is not let back by their phone or a generic invite: the secretariat decides."""
    assert outcome.person_id is not None
    filed = await joining.request_readmission(session, viewer.telegram_id, outcome.person_id, clock())
    if filed.status == "requested":
        await _tell_secretariat(session, settings, filed.request_id, clock)
    await message.answer(
        t("join.revoked" if filed.status == "requested" else "join.pending"), reply_markup=ReplyKeyboardRemove()
    )


async def _tell_secretariat(session: AsyncSession, settings: Settings, request_id: int | None, clock: Clock) -> None:
    """The request's card for every secretary goes into the outbox before the guest is answered:
    the reply commits the request and its cards together (bot.telegram_calls.CommitBeforeCalling),
    so a crash can no longer leave a request the secretariat never hears of."""
    for request in await joining.pending_requests(session, request_id=request_id):
        await tell_secretariat(
            session,
            settings,
            clock(),
            partial("join:{}:c{}".format, request.id),
            partial(joining_ui.request_card, request=request),
        )


@router.message(StateFilter(JoinForm.choosing, None), F.text.in_(BY_NAME))
async def by_name(message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: Translator) -> None:
    if refusal := await _no_joining(session, viewer):
        await state.clear()
        await message.answer(t(refusal), reply_markup=ReplyKeyboardRemove())
        return
    await state.set_state(JoinForm.name)
    await message.answer(t("join.ask_name"), reply_markup=ReplyKeyboardRemove())


@router.message(JoinForm.name, F.text, ~F.text.startswith("/"), is_guest)
# A name typed instead of choosing how to join («Пётр Петров» under the buttons) answers the
# question the button would ask: a search for it would only say that people are for members.
@router.message(JoinForm.choosing, F.text, F.text.func(looks_like_a_name), is_guest)
async def got_name(message: Message, state: FSMContext, t: Translator) -> None:
    name = " ".join((message.text or "").split())
    if not 2 <= len(name) <= NAME_LIMIT:
        await message.answer(t("join.bad_name", limit=NAME_LIMIT))
        return
    await state.update_data(name=name)
    await state.set_state(JoinForm.organisation)
    await message.answer(t("join.ask_org"), reply_markup=ReplyKeyboardRemove())


@router.message(JoinForm.organisation, F.text, ~F.text.startswith("/"), is_guest)
async def got_organisation(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    organisation = " ".join((message.text or "").split())
    if not 2 <= len(organisation) <= NAME_LIMIT:
        await message.answer(t("join.bad_org", limit=NAME_LIMIT))
        return
    name = (await state.get_data()).get("name", viewer.first_name)
    outcome = await joining.request_to_join(session, viewer.telegram_id, name, organisation, clock())
    await state.clear()
    if outcome.status == "requested":
        await _tell_secretariat(session, settings, outcome.request_id, clock)
    await message.answer(t(REQUEST_REPLY[outcome.status]))


@router.message(StateFilter(JoinForm.name, JoinForm.organisation), ~F.text, is_guest)
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("join.text_please"))


async def after_join(
    message: Message, session: AsyncSession, viewer: Viewer, t: Translator, bot: Bot, outcome: access.JoinOutcome
) -> None:
    roles = frozenset(await access.roles_of(session, outcome.person_id)) | viewer.roles
    await message.answer(
        t("join.welcome", name=outcome.person_name or viewer.first_name), reply_markup=ReplyKeyboardRemove()
    )
    await message.answer(
        t("menu.title"), reply_markup=start_ui.main_menu(t, member=True, secretariat="secretariat" in roles)
    )
    await set_viewer_commands(bot, replace(viewer, person_id=outcome.person_id, roles=roles))


@router.callback_query(Decide.filter())
async def decide(
    query: CallbackQuery,
    callback_data: Decide,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    if not viewer.is_secretariat:
        await query.answer(t("access.secretariat_only"), show_alert=True)
        return
    request, first = await joining.decide_join_request(
        session, callback_data.request, approve=callback_data.approve, actor=viewer.telegram_id, now=clock()
    )
    if request is None:
        await query.answer(t("button.stale"), show_alert=True)
        return
    if request.duplicate_of is not None:
        # Approving would make a second copy of a member who is in with another account.
        holder = request.duplicate_of
        await query.answer(
            t.plain("join.duplicate", member=holder.name, who=holder.handle)[:ALERT_LIMIT], show_alert=True
        )
        return
    verdict = {
        "name": request.full_name,
        "organisation": request.organisation,
        "who": request.decided_by_name or str(request.decided_by),
    }
    if first:
        # Enqueued before anything is said to the secretary, so it commits with the decision.
        guest_t = Translator(await access.account_language(session, request.telegram_id, settings.default_language))
        await enqueue(
            session,
            [
                Outgoing(
                    key=f"join:{request.id}:told",
                    chat_id=request.telegram_id,
                    kind="notice",
                    text=guest_t("join.told." + request.status),
                )
            ],
            clock(),
        )
        await query.answer(t.plain("join.verdict." + request.status, **verdict))
    else:
        # Another secretary (or a double tap) decided first: say who and how, and retire these buttons.
        await query.answer(
            t.plain("join.already_decided", status=t.plain("join.status." + request.status), **verdict), show_alert=True
        )
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        await edit_text(
            query.message,
            t("join.verdict." + request.status, **verdict) + "\n" + t("join.decided_by", who=verdict["who"]),
        )
    if first and request.status == "approved":
        await set_commands_for(bot, request.telegram_id, language=guest_t.language, roles=frozenset({"member"}))
