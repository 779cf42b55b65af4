"""Reminders of an event to those coming (yes or maybe), derived from the database on each tick.

Nothing remembers that a reminder exists: a tick asks which reminder of each soon-starting event
is due now (the latest one past, so one missed while the bot was down is not sent together with the
next) and names it by event, kind, recipient and start time; the outbox adds each key once. A moved
event has a new start time, so its reminders come again for the new time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events import COMING, EventView, Invitee, get
from models import Event, EventInvite

DAY_BEFORE, HOUR_BEFORE = "d1", "h1"


def due_times(event: EventView, tz: ZoneInfo, hour: int) -> dict[str, datetime]:
    """When each reminder falls due: a day and an hour before; an all-day event's the day before at
    the reminder hour (an hour before its midnight means nothing)."""
    if event.all_day:
        day = event.starts_at.astimezone(tz).date() - timedelta(days=1)
        return {DAY_BEFORE: datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)}
    return {DAY_BEFORE: event.starts_at - timedelta(days=1), HOUR_BEFORE: event.starts_at - timedelta(hours=1)}


def latest_due(event: EventView, now: datetime, tz: ZoneInfo, hour: int) -> str | None:
    """The reminder due at `now`, if any: one whose time has come, not before the event was
    published (the invitation stands for it), the latest of those; none once it started."""
    if event.status != "published" or now >= event.starts_at:
        return None
    past = [(at, kind) for kind, at in due_times(event, tz, hour).items() if event.created_at <= at <= now]
    return max(past)[1] if past else None


def reminder_key(event: EventView, kind: str, chat_id: int) -> str:
    return f"ev:{event.id}:{kind}:{chat_id}:{event.starts_at:%Y%m%dT%H%M}"


@dataclass(frozen=True)
class ReminderDue:
    event: EventView
    kind: str
    recipients: list[Invitee]


async def collect(session: AsyncSession, now: datetime, tz: ZoneInfo, hour: int) -> list[ReminderDue]:
    """The reminders due now; run in one transaction with the enqueue of what it returns."""
    soon = await session.scalars(
        select(Event.id).where(
            Event.status == "published", Event.starts_at > now, Event.starts_at <= now + timedelta(days=2)
        )
    )
    result = []
    for event_id in soon:
        event = await get(session, event_id)
        if event is None or (kind := latest_due(event, now, tz, hour)) is None:
            continue
        rows = await session.execute(
            select(EventInvite.telegram_id, EventInvite.language).where(
                EventInvite.event_id == event_id, EventInvite.answer.in_(COMING)
            )
        )
        if recipients := [Invitee(chat, language) for chat, language in rows]:
            result.append(ReminderDue(event, kind, recipients))
    return result
