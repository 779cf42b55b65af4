"""Joining the cluster: share a phone number, or ask the secretariat with name and organisation
(every secretary gets the request's card through the outbox, to decide on it: decision.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict, cast

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
from bot.services.outbox import enqueue
from bot.settings import Settings
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import MembersOnly
from handlers.common.notify import as_notice, set_viewer_commands
from handlers.common.routes import Routes, command
from handlers.joining import ui as joining_ui
from handlers.start import ui as start_ui

router = Routes("join")
NAME_LIMIT = 200
# What a guest is told when their request is filed, or found already filed, or they are in already.
REQUEST_REPLY = {"requested": "join.requested", "pending": "join.pending", "member": "join.already_member"}
BY_NAME = {Translator(language)("join.by_name") for language in LANGUAGES}
CANCEL = {Translator(language)("join.cancel") for language in LANGUAGES}
# The joining dialog is for guests: once someone is in (an approval, an invite), a dialog left
# open lets their texts through to the search instead of filing another request.
GUEST = ~MembersOnly()


class JoinForm(StatesGroup):
    choosing = State()
    name = State()
    organisation = State()


class JoinData(TypedDict, total=False):
    name: str  # asked first, filed with the organisation


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


@router.message(F.contact, MembersOnly())
async def contact_of_member(message: Message, viewer: Viewer, t: Translator) -> None:
    own = message.contact is not None and message.contact.user_id == viewer.telegram_id
    await message.answer(
        t("join.already_member" if own else "join.contact_not_needed"), reply_markup=ReplyKeyboardRemove()
    )


@router.message(F.contact, F.contact.user_id != F.from_user.id)
async def not_own_contact(message: Message, t: Translator) -> None:
    await message.answer(t("join.not_own_contact"), reply_markup=_join_keyboard(t))


@router.message(F.contact)
async def phone_shared(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    """A guest's own number: it admits them when the directory gives it to them alone."""
    assert message.contact is not None
    outcome = await joining.link_by_phone(session, viewer.telegram_id, message.contact.phone_number, clock())
    if outcome.status == "linked":
        await state.clear()
        await after_join(message, session, viewer, t, bot, outcome)
        return
    if outcome.status == "revoked":
        await state.clear()
        await ask_readmission(message, session, viewer, t, clock, settings, outcome)
        return
    unknown = "join.phone_unknown" if outcome.status == "unknown" else "join.outcome." + outcome.status
    await message.answer(t(unknown), reply_markup=ReplyKeyboardRemove())
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
        await _tell_secretariat(session, settings, filed, clock)
    await message.answer(
        t("join.revoked" if filed.status == "requested" else "join.pending"), reply_markup=ReplyKeyboardRemove()
    )


async def _tell_secretariat(session: AsyncSession, settings: Settings, filed: access.JoinOutcome, clock: Clock) -> None:
    """The request's card for every secretary goes into the outbox before the guest is answered:
    the reply commits the request and its cards together (bot.telegram_calls.CommitBeforeCalling),
    so a crash can no longer leave a request the secretariat never hears of."""
    assert filed.request_id is not None
    cards = await joining.request_notices(session, settings, filed.request_id, as_notice(joining_ui.request_card))
    await enqueue(session, cards, clock())


@router.message(StateFilter(JoinForm.choosing, None), F.text.in_(BY_NAME))
async def by_name(message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: Translator) -> None:
    if refusal := await _no_joining(session, viewer):
        await state.clear()
        await message.answer(t(refusal), reply_markup=ReplyKeyboardRemove())
        return
    await state.set_state(JoinForm.name)
    await message.answer(t("join.ask_name"), reply_markup=ReplyKeyboardRemove())


@router.message(JoinForm.name, F.text, ~F.text.startswith("/"), GUEST)
# A name typed instead of choosing how to join («Пётр Петров» under the buttons) answers the
# question the button would ask: a search for it would only say that people are for members.
@router.message(JoinForm.choosing, F.text, F.text.func(looks_like_a_name), GUEST)
async def got_name(message: Message, state: FSMContext, t: Translator) -> None:
    name = " ".join((message.text or "").split())
    if not 2 <= len(name) <= NAME_LIMIT:
        await message.answer(t("join.bad_name", limit=NAME_LIMIT))
        return
    await state.update_data(JoinData(name=name))
    await state.set_state(JoinForm.organisation)
    await message.answer(t("join.ask_org"), reply_markup=ReplyKeyboardRemove())


@router.message(JoinForm.organisation, F.text, ~F.text.startswith("/"), GUEST)
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
    name = cast(JoinData, await state.get_data()).get("name", viewer.first_name)
    outcome = await joining.request_to_join(session, viewer.telegram_id, name, organisation, clock())
    await state.clear()
    if outcome.status == "requested":
        await _tell_secretariat(session, settings, outcome, clock)
    await message.answer(t(REQUEST_REPLY[outcome.status]))


@router.message(StateFilter(JoinForm.name, JoinForm.organisation), ~F.text, GUEST)
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
