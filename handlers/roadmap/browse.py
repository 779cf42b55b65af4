"""/roadmap for members: the list of items (all or only mine, paged), an item's card, and the roadmap
as an .ics calendar or a PNG timeline."""

from __future__ import annotations

from datetime import datetime

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import roadmap
from bot.services.access import Viewer
from bot.services.roadmap import calendar as roadmap_calendar
from bot.services.roadmap import chart as roadmap_chart
from bot.settings import Settings
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import MembersOnly, restricted
from handlers.common.messages import refuse, show
from handlers.common.routes import Routes, command
from handlers.roadmap import ui as view
from handlers.roadmap.callbacks import FileKind, RoadmapCard, RoadmapFile, RoadmapList

router = restricted(Routes("roadmap"), MembersOnly())


@router.message(command("roadmap"))
@router.callback_query(Menu.filter(F.name == MenuItem.ROADMAP))
@router.callback_query(RoadmapList.filter(F.offset >= 0))
async def items(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    callback_data: RoadmapList | Menu | None = None,
) -> None:
    paging = isinstance(callback_data, RoadmapList)
    listing = callback_data if isinstance(callback_data, RoadmapList) else RoadmapList(mine=False, offset=0)
    page = await roadmap.list_items(
        session,
        person_id=(viewer.person_id or -1) if listing.mine else None,
        offset=listing.offset,
        limit=view.PAGE_SIZE,
    )
    text, markup = view.item_list(
        t, page, mine=listing.mine, secretariat=viewer.is_secretariat, now=clock(), tz=settings.tz
    )
    await show(event, text, markup, edit=paging)


@router.callback_query(RoadmapCard.filter())
async def card(
    query: CallbackQuery,
    callback_data: RoadmapCard,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    """The card leaves any dialog about the item: its buttons say "back to the item" too."""
    await state.clear()
    await show_card(query, session, viewer, t, clock(), settings, callback_data.item, edit=False)


async def show_card(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    now: datetime,
    settings: Settings,
    item_id: int,
    *,
    edit: bool,
) -> None:
    """The item's card with its history, and the buttons the viewer may press."""
    found = await roadmap.item_card(session, item_id)
    if found is None:
        await refuse(event, t("button.gone"))
        return
    answerable = await roadmap.may_answer(session, item_id, viewer.person_id)
    text, markup = view.item_card(
        t,
        found,
        now=now,
        tz=settings.tz,
        calendar=settings.work_calendar,
        secretariat=viewer.is_secretariat,
        answerable=answerable,
    )
    await show(event, text, markup, edit=edit)


@router.callback_query(RoadmapFile.filter())
async def calendar_file(
    query: CallbackQuery,
    callback_data: RoadmapFile,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    mine = callback_data.mine
    cards = await roadmap.items_for_calendar(session, person_id=(viewer.person_id or -1) if mine else None)
    await query.answer()
    if query.message is None:  # an inline message: there is no chat to send the file to
        return
    if not cards:
        await query.message.answer(t("roadmap.nothing_dated"))
    elif callback_data.kind == FileKind.ICS:
        data = roadmap_calendar.build(cards, now=clock(), tz=settings.tz, name=t.plain("roadmap.calendar_name"))
        ics = BufferedInputFile(data, filename="roadmap.ics")
        await query.message.answer_document(ics, caption=t("roadmap.ics_caption", n=len(cards)))
    else:
        title = t.plain("roadmap.chart_title_mine" if mine else "roadmap.chart_title")
        png = roadmap_chart.timeline(
            cards, now=clock(), tz=settings.tz, today_label=t.plain("roadmap.chart_today"), title=title
        )
        shown = min(len(cards), roadmap_chart.MAX_BARS)
        caption = t("roadmap.png_caption", items=t.plural("roadmap.items", shown, n=shown))
        await query.message.answer_photo(BufferedInputFile(png, filename="roadmap.png"), caption=caption)
