"""Browsing the directory: project and organisation lists, and the three kinds of card."""

from __future__ import annotations

from aiogram import F
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import directory
from bot.services.access import Viewer
from bot.services.directory import lifecycle
from bot.services.directory.fields import CardKind
from bot.settings import Settings
from handlers.common import render
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.directory import lifecycle_ui
from handlers.directory import ui as directory_ui
from handlers.directory.callbacks import Card, Country, OrgsPage, ProjectsPage, Section
from handlers.directory.editing import with_edit_buttons
from handlers.reports.card import extend_card

router = Routes("directory")


@router.message(command("projects"))
@router.callback_query(Menu.filter(F.name == MenuItem.PROJECTS))
@router.callback_query(ProjectsPage.filter(F.offset >= 0))
async def projects(
    event: Message | CallbackQuery, session: AsyncSession, t: Translator, callback_data: ProjectsPage | None = None
) -> None:
    offset = callback_data.offset if isinstance(callback_data, ProjectsPage) else 0
    page = await directory.projects_page(session, offset=offset, limit=render.PAGE_SIZE)
    if not page.items and offset:
        page = await directory.projects_page(session, offset=0, limit=render.PAGE_SIZE)
    await show(event, *directory_ui.projects_list(t, page), edit=isinstance(callback_data, ProjectsPage))


@router.message(command("orgs"))
@router.callback_query(Menu.filter(F.name == MenuItem.ORGS))
async def organisation_countries(event: Message | CallbackQuery, session: AsyncSession, t: Translator) -> None:
    await show(event, *directory_ui.countries(t, await directory.organisation_facets(session)), edit=False)


@router.callback_query(Country.filter())
@router.callback_query(OrgsPage.filter(F.offset >= 0))
async def organisations(
    query: CallbackQuery, callback_data: Country | OrgsPage, session: AsyncSession, t: Translator
) -> None:
    paging = isinstance(callback_data, OrgsPage)
    if isinstance(callback_data, OrgsPage):
        country, offset = callback_data.country, callback_data.offset
    else:
        country, offset = callback_data.code, 0
    country = country.upper()[:2]
    page, kinds = await directory.organisations_page(
        session, country=country or None, offset=offset, limit=render.PAGE_SIZE
    )
    if not page.total:  # a country nobody is from: only a forged button names it
        await query.answer(t("button.stale"), show_alert=True)
        return
    await show(query, *directory_ui.organisations_list(t, page, country, kinds), edit=paging)


async def card_reply(
    kind: str, id_: int, session: AsyncSession, viewer: Viewer, t: Translator
) -> tuple[str, InlineKeyboardMarkup] | None:
    """A project ("p"), organisation ("o") or — for members — person ("h") card as text and
    buttons, with Edit for whoever may edit it (and, for the secretariat, Archive or Restore);
    None when it is gone (or archived, but for the secretariat)."""
    archived = viewer.is_secretariat
    if kind == "p" and (project := await directory.project_card(session, id_, archived=archived)):
        reply = await extend_card(
            session, viewer, t, project.id, *directory_ui.project_card(t, project, member=viewer.is_member)
        )
    elif kind == "o" and (org := await directory.organisation_card(session, id_, archived=archived)):
        reply = directory_ui.organisation_card(t, org, member=viewer.is_member)
    elif (
        kind == "h"
        and viewer.is_member
        and (person := await directory.person_card(session, id_, viewer, archived=archived))
    ):
        reply = directory_ui.person_card(t, person, secretariat=viewer.is_secretariat)
    else:
        return None
    return await with_card_buttons(session, viewer, t, CardKind(kind), id_, reply)


async def with_card_buttons(
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    card: CardKind,
    id_: int,
    reply: tuple[str, InlineKeyboardMarkup],
) -> tuple[str, InlineKeyboardMarkup]:
    """Edit for whoever may edit the card; then, for the secretariat, an archived card marked, with
    Restore, a listed one with Archive (and Merge)."""
    reply = await with_edit_buttons(session, viewer, t, card, id_, *reply)
    if not viewer.is_secretariat or (state := await lifecycle.state(session, card, id_)) is None:
        return reply
    return lifecycle_ui.marked(t, card, id_, state, *reply)


@router.callback_query(Card.filter(F.kind.in_({"p", "o"})))
async def project_or_organisation(
    query: CallbackQuery, callback_data: Card, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    reply = await card_reply(callback_data.kind, callback_data.id, session, viewer, t)
    if reply is None:
        await query.answer(t("button.gone"), show_alert=True)
        return
    await show(query, *reply, edit=False)


@router.callback_query(Section.filter(F.name.in_(directory_ui.SECTIONS)))
async def project_section(
    query: CallbackQuery, callback_data: Section, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    card = await directory.project_card(session, callback_data.project, archived=viewer.is_secretariat)
    page = directory_ui.section_page(t, card, callback_data.name, callback_data.part) if card else None
    if page is None:
        await query.answer(t("button.gone"), show_alert=True)
        return
    await show(query, *page, edit=callback_data.part > 0)


@router.callback_query(Card.filter(F.kind == "h"))
async def person(
    query: CallbackQuery,
    callback_data: Card,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if not viewer.is_member:
        await query.answer(t("access.members_only"), show_alert=True)
        return
    today = clock().astimezone(settings.tz).date()
    card = await directory.person_card(session, callback_data.id, viewer, today=today, archived=viewer.is_secretariat)
    if card is None:
        await query.answer(t("button.gone"), show_alert=True)
        return
    await send_person(query, card, session, viewer, t)


async def send_person(
    event: Message | CallbackQuery, card: directory.PersonCard, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    """The card (with Edit for whoever may edit it, and the secretariat's Archive or Restore),
    then the first phone as a Telegram contact that one tap saves."""
    reply = directory_ui.person_card(t, card, secretariat=viewer.is_secretariat)
    await show(event, *await with_card_buttons(session, viewer, t, CardKind.PERSON, card.id, reply), edit=False)
    message = event if isinstance(event, Message) else event.message
    if message is not None:
        await send_contact(message, card)


async def send_contact(message: Message | InaccessibleMessage, card: directory.PersonCard) -> None:
    """The person's first phone as a Telegram contact that one tap saves (none without a phone)."""
    phone = directory.contact_phone(card.phones)
    if phone:
        first, last = directory.contact_names(card.name)
        await message.answer_contact(phone_number=phone, first_name=first, last_name=last)
