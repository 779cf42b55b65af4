"""Search by /find and by plain text in a private chat; inline mode for sharing cards."""

from __future__ import annotations

from datetime import date

from aiogram import F
from aiogram.filters import CommandObject
from aiogram.types import (
    CallbackQuery,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultContact,
    InlineQueryResultsButton,
    InlineQueryResultUnion,
    InputTextMessageContent,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import directory
from bot.services.access import Viewer, members
from bot.services.directory.privacy import ANY_MEMBER
from bot.services.directory.search import DirectorySearch, asks_for_secretariat, field_alone
from bot.services.directory.search_index import Doc, Hit
from bot.settings import Settings
from handlers.common import render
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.directory import ui as directory_ui
from handlers.directory.browse import card_reply, send_person
from handlers.directory.facts import answer_fact

router = Routes("search")
# What people type when they look for a section of the bot rather than someone in the directory.
SECTION_WORDS = {
    "помощь": "help",
    "справка": "help",
    "help": "help",
    "меню": "start",
    "menu": "start",
    "проекты": "projects",
    "projects": "projects",
    "организации": "orgs",
    "organisations": "orgs",
    "organizations": "orgs",
    "дорожная карта": "roadmap",
    "roadmap": "roadmap",
    "отчет": "report",
    "report": "report",
    "статусы": "status",
    "status": "status",
    "вступить": "join",
    "join": "join",
    "настройки": "settings",
    "settings": "settings",
    "язык": "language",
    "language": "language",
}
QUERY_LIMIT = 200
INLINE_RESULTS = 20


@router.callback_query(Menu.filter(F.name == MenuItem.FIND))
async def how_to_find(query: CallbackQuery, t: Translator) -> None:
    await query.answer()
    if query.message is not None:
        await query.message.answer(t("search.how"))


@router.message(command("find"))
async def find_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    search: DirectorySearch,
    settings: Settings,
    clock: Clock,
) -> None:
    await answer_search(message, command.args or "", session, viewer, t, search, settings, _today(clock, settings))


@router.message(F.text, ~F.text.startswith("/"))
async def find_text(
    message: Message,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    search: DirectorySearch,
    settings: Settings,
    clock: Clock,
) -> None:
    await answer_search(message, message.text or "", session, viewer, t, search, settings, _today(clock, settings))


def _today(clock: Clock, settings: Settings) -> date:
    return clock().astimezone(settings.tz).date()


async def answer_search(
    message: Message,
    text: str,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    search: DirectorySearch,
    settings: Settings,
    today: date,
) -> None:
    query = " ".join(text.split())
    if not query:
        await message.answer(t("search.empty"))
        return
    if len(query) > QUERY_LIMIT:
        await message.answer(t("search.too_long", limit=QUERY_LIMIT))
        return
    if section := SECTION_WORDS.get(query.lower().replace("ё", "е").strip(" ?!.")):
        await message.answer(t("search.section", command="/" + section, about=t("command." + section)))
        return
    if asks_for_secretariat(query):  # the bot keeps telling people to ask the secretariat
        people = await members.secretariat(session, settings.admin_ids)
        text, markup = directory_ui.secretariat(t, people, member=viewer.is_member)
        await message.answer(text, reply_markup=markup)
        return
    if field_alone(query):
        await message.answer(t("fact.whose"))
        return
    fact = await search.ask(session, query, members=viewer.is_member)
    if fact is not None:
        if not await answer_fact(message, fact, session, viewer, t):
            await open_hit(message, fact.hit, session, viewer, t, today)
        return
    result = await search.search(session, query, members=viewer.is_member, looker=viewer)
    if result.unknown_name:
        text = t("search.no_person" if viewer.is_member else "search.no_person_guest", query=query)
        if not result.hits:
            await message.answer(text)
            return
        listed, markup = directory_ui.search_results(t, query, result.hits, result.total)
        await message.answer(f"{text}\n\n{listed}", reply_markup=markup)
        return
    if not result.hits:
        await message.answer(t("search.none" if viewer.is_member else "search.none_guest", query=query))
        return
    if result.clear:
        await open_hit(message, result.hits[0], session, viewer, t, today)
        return
    text, markup = directory_ui.search_results(t, query, result.hits, result.total)
    await message.answer(text, reply_markup=markup)


async def open_hit(
    message: Message, hit: Hit, session: AsyncSession, viewer: Viewer, t: Translator, today: date
) -> None:
    if hit.doc.kind == "person":
        person = await directory.person_card(session, hit.doc.id, viewer, today=today) if viewer.is_member else None
        if person is not None:
            await send_person(message, person, session, viewer, t)
            return
    elif reply := await card_reply(directory_ui.CARD_KIND[hit.doc.kind], hit.doc.id, session, viewer, t):
        await show(message, *reply, edit=False)
        return
    await message.answer(t("search.none", query=hit.doc.title))


@router.inline_query()
async def inline(
    query: InlineQuery, session: AsyncSession, viewer: Viewer, t: Translator, search: DirectorySearch
) -> None:
    if not viewer.is_member:
        await query.answer(
            [],
            cache_time=5,
            is_personal=True,
            button=InlineQueryResultsButton(text=t("inline.join"), start_parameter="join"),
        )
        return
    text = " ".join(query.query.split())[:QUERY_LIMIT]
    if text:
        hits = (await search.search(session, text, members=True, limit=INLINE_RESULTS)).hits
    else:  # before anything is typed, offer the projects
        page = await directory.projects_page(session, offset=0, limit=INLINE_RESULTS)
        hits = [
            Hit(
                Doc(
                    "project", row.id, row.title, row.title_en or "", title_en=row.title_en or "", subtitle_en=row.title
                ),
                0.0,
            )
            for row in page.items
        ]
    results: list[InlineQueryResultUnion] = [r for hit in hits if (r := await inline_result(hit, session, t))]
    await query.answer(results, cache_time=5, is_personal=True)


async def inline_result(
    hit: Hit, session: AsyncSession, t: Translator
) -> InlineQueryResultArticle | InlineQueryResultContact | None:
    """A card to post into any chat: a person's with the contacts any member sees, whoever
    shares it (what its owner keeps to the secretariat or to themselves stays out of chats)."""
    key = f"{directory_ui.CARD_KIND[hit.doc.kind]}{hit.doc.id}"  # "p5" and "h5" are a project and a person
    if hit.doc.kind == "person":
        card = await directory.person_card(session, hit.doc.id, ANY_MEMBER)
        if card is None:
            return None
        content = InputTextMessageContent(message_text=directory_ui.person_card(t, card)[0])
        if phone := directory.contact_phone(card.phones):
            first, last = directory.contact_names(card.name)
            return InlineQueryResultContact(
                id=key, phone_number=phone, first_name=first, last_name=last, input_message_content=content
            )
        return InlineQueryResultArticle(
            id=key,
            title=render.localized(t, card.name, card.name_en),
            description=card.position or "",
            input_message_content=content,
        )
    body: str | None = None
    if hit.doc.kind == "project" and (project := await directory.project_card(session, hit.doc.id)):
        body = directory_ui.project_card(t, project, member=True)[0]
    elif hit.doc.kind == "organisation" and (org := await directory.organisation_card(session, hit.doc.id)):
        body = directory_ui.organisation_card(t, org, member=True)[0]
    if body is None:
        return None
    doc = hit.doc
    return InlineQueryResultArticle(
        id=key,
        title=render.localized(t, doc.title, doc.title_en),
        description=render.localized(t, doc.subtitle, doc.subtitle_en),
        input_message_content=InputTextMessageContent(message_text=body),
    )
