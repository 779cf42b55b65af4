"""/announcements: the past and scheduled ones with their delivery (and reading) figures, and what
can be done to one from its buttons: show it, cancel it, the unreached recipients as CSV, who has
not confirmed reading it (paged, or as CSV), and the start of editing a scheduled one's text or
time (the answers are editing.py's)."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter, MagicData
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from magic_filter import MagicFilter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import announcements
from bot.services.announcements import AnnouncementView, reading
from bot.services.csv_file import csv_file
from bot.services.directory import Page
from bot.settings import Settings
from handlers.announcements import ui as render
from handlers.announcements.callbacks import Act, AnnouncementAct, Unread
from handlers.announcements.dialog import Compose, EditData, ask_when
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import ButtonMessage, SecretariatOnly, restricted
from handlers.common.messages import edit_text, show
from handlers.common.routes import Routes, command

router = restricted(Routes("announcements_list"), SecretariatOnly())


@router.message(command("announcements"))
@router.callback_query(Menu.filter(F.name == MenuItem.ANNOUNCEMENTS))
async def listing(event: Message | CallbackQuery, session: AsyncSession, t: Translator, settings: Settings) -> None:
    text, markup = render.listing(t, await announcements.recent(session), settings.tz)
    await show(event, text, markup, edit=False)


class Stored(Filter):
    """A button of an announcement still stored: hands the handler `announcement`."""

    async def __call__(
        self, query: CallbackQuery, callback_data: AnnouncementAct | Unread, session: AsyncSession
    ) -> bool | dict[str, Any]:
        view = await announcements.get(session, callback_data.id)
        return {"announcement": view} if view is not None else False


def on_act(*acts: Act, when: MagicFilter | None = None) -> tuple[Filter, ...]:
    """The filters of an act's handler: its button, of a stored announcement (`when` it passes the
    rule, given one), under a message Telegram still shows us."""
    return (
        AnnouncementAct.filter(F.action.in_(acts)),
        Stored(),
        ButtonMessage(),
        *((MagicData(when),) if when is not None else ()),
    )


@router.callback_query(*on_act(Act.SHOW))
async def show_one(
    query: CallbackQuery, message: Message, announcement: AnnouncementView, t: Translator, settings: Settings
) -> None:
    await query.answer()
    text, markup = render.report(t, announcement, settings.tz)
    await message.answer(text, reply_markup=markup)


@router.callback_query(*on_act(Act.CANCEL, when=F.announcement.open))
async def cancel(
    query: CallbackQuery,
    message: Message,
    announcement: AnnouncementView,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    view = await announcements.cancel(session, announcement.id, clock()) or announcement
    await query.answer(t("announcements.cancelled_alert"))
    text, markup = render.report(t, view, settings.tz)
    await message.edit_text(text, reply_markup=markup)


@router.callback_query(*on_act(Act.CSV))
async def unreached(
    query: CallbackQuery, message: Message, announcement: AnnouncementView, session: AsyncSession, t: Translator
) -> None:
    await query.answer()
    rows = await announcements.unreached(session, announcement.id)
    await message.answer_document(
        BufferedInputFile(unreached_csv(rows), filename=f"announcement-{announcement.id}-unreached.csv"),
        caption=t("announcements.csv_caption", id=announcement.id),
    )


def unreached_csv(rows: list[announcements.Unreached]) -> bytes:
    return csv_file(["chat_id", "name", "status", "error"], ([r.chat_id, r.name, r.status, r.error] for r in rows))


@router.callback_query(*on_act(Act.UNREAD, when=F.announcement.ack))
async def unread(
    query: CallbackQuery, message: Message, announcement: AnnouncementView, session: AsyncSession, t: Translator
) -> None:
    """Who has not confirmed reading it, in a message of its own under the report."""
    await query.answer()
    text, markup = await _unread_page(session, t, announcement, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(Unread.filter(F.offset >= 0), Stored(), ButtonMessage(), MagicData(F.announcement.ack))
async def unread_page(
    query: CallbackQuery,
    callback_data: Unread,
    message: Message,
    announcement: AnnouncementView,
    session: AsyncSession,
    t: Translator,
) -> None:
    await query.answer()
    text, markup = await _unread_page(session, t, announcement, callback_data.offset)
    await edit_text(message, text, markup)


async def _unread_page(
    session: AsyncSession, t: Translator, announcement: AnnouncementView, offset: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The page at `offset`, or the last one when fewer are left than it (they confirmed meanwhile)."""
    people = await reading.unconfirmed(session, announcement.id)
    offset = min(offset, max(len(people) - 1, 0) // render.UNREAD_PAGE * render.UNREAD_PAGE)
    page = Page(people[offset : offset + render.UNREAD_PAGE], len(people), offset, render.UNREAD_PAGE)
    return render.unread(t, announcement, page)


@router.callback_query(*on_act(Act.UNREAD_CSV, when=F.announcement.ack))
async def unread_csv(
    query: CallbackQuery,
    message: Message,
    announcement: AnnouncementView,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
) -> None:
    await query.answer()
    rows = [
        [
            p.chat_id,
            p.name,
            p.organisation,
            f"{p.delivered_at.astimezone(settings.tz):%Y-%m-%d %H:%M}" if p.delivered_at else "",
        ]
        for p in await reading.unconfirmed(session, announcement.id)
    ]
    await message.answer_document(
        BufferedInputFile(
            csv_file(["chat_id", "name", "organisation", "delivered_at"], rows),
            filename=f"announcement-{announcement.id}-unread.csv",
        ),
        caption=t("announcements.unread_csv_caption", id=announcement.id, count=len(rows)),
    )


@router.callback_query(*on_act(Act.EDIT, when=F.announcement.status == "scheduled"))
async def ask_new_text(
    query: CallbackQuery, message: Message, announcement: AnnouncementView, state: FSMContext, t: Translator
) -> None:
    await state.set_state(Compose.edit_text)
    await state.set_data(EditData(edit=announcement.id))
    await query.answer()
    await message.answer(t("announcements.ask_new_text"))


@router.callback_query(*on_act(Act.TIME, when=F.announcement.status == "scheduled"))
async def ask_new_time(
    query: CallbackQuery,
    message: Message,
    announcement: AnnouncementView,
    state: FSMContext,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    await state.set_state(Compose.edit_time)
    await state.set_data(EditData(edit=announcement.id))
    await query.answer()
    await message.answer(ask_when(t, settings, clock()))


@router.callback_query(*on_act(Act.CANCEL, Act.EDIT, Act.TIME))
async def not_open(query: CallbackQuery, t: Translator) -> None:
    """Cancelling one that has finished, editing one that has started."""
    await query.answer(t("announcements.not_open"), show_alert=True)


@router.callback_query(AnnouncementAct.filter())
@router.callback_query(Unread.filter())
async def gone(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button.gone"), show_alert=True)
