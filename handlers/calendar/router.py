"""/calendar for members: a secret URL to subscribe to in a calendar app (given once, as only its
hash is kept), renewed or revoked with a button; and all the cluster's events in it, or only
those one is invited to."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import calendar_feed
from bot.services.access import Viewer
from bot.settings import Settings
from handlers.calendar import ui
from handlers.calendar.callbacks import Act, CalendarAct
from handlers.common.filters import ButtonMessage, MembersOnly, refuse, restricted
from handlers.common.messages import edit_text
from handlers.common.routes import Routes, command

router = restricted(Routes("calendar"), MembersOnly())
# Those who are no members (any more) meet this after the router above.
denied = Routes("calendar_denied")
refuse(denied, "calendar.members_only", commands=("calendar",), buttons=(CalendarAct.filter(),))


@router.message(command("calendar"))
async def calendar(
    message: Message, session: AsyncSession, viewer: Viewer, t: Translator, clock: Clock, settings: Settings
) -> None:
    base = settings.public_base
    if base is None:
        await message.answer(t("calendar.unavailable"))
        return
    feed = await calendar_feed.state(session, viewer.telegram_id)
    if feed is not None and feed.active:
        text, markup = ui.existing(t, feed, settings.tz)
    else:
        made = await calendar_feed.issue(session, viewer.telegram_id, clock())
        assert made is not None  # not tied to a generation: always made
        token, feed = made
        text, markup = ui.issued(t, calendar_feed.url(base, token), feed)
    await message.answer(text, reply_markup=markup)


@router.callback_query(CalendarAct.filter(), ButtonMessage())
async def act(
    query: CallbackQuery,
    callback_data: CalendarAct,
    message: Message,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    base = settings.public_base
    if base is None:
        await query.answer(t("calendar.unavailable"), show_alert=True)
        return
    generation = callback_data.generation
    if callback_data.action == Act.ALL_EVENTS:
        feed = await calendar_feed.show_all_events(session, viewer.telegram_id, generation, callback_data.on)
        if feed is None:
            await query.answer(t("calendar.stale"), show_alert=True)
            return
        # The text keeps the URL it showed: only the toggle changes.
        await query.answer(t.plain("calendar.all_events_done" if feed.all_events else "calendar.invited_done"))
        await message.edit_reply_markup(reply_markup=ui.buttons(t, feed))
        return
    if callback_data.action == Act.REVOKE:
        feed = await calendar_feed.revoke(session, viewer.telegram_id, generation)
        if feed is None:
            await query.answer(t("calendar.stale"), show_alert=True)
            return
        await query.answer()
        await edit_text(message, *ui.revoked(t, feed))
        return
    made = await calendar_feed.issue(session, viewer.telegram_id, clock(), generation=generation)
    if made is None:
        await query.answer(t("calendar.stale"), show_alert=True)
        return
    token, feed = made
    await query.answer(t.plain("calendar.renewed"))
    await edit_text(message, *ui.issued(t, calendar_feed.url(base, token), feed))
