"""An event as an iCalendar entry: the event's own .ics file, and a line of the personal feed
(one UID for both, the SEQUENCE grows with each change of time or place)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import ical
from bot.services.events import EventView

# A timed event's length is not asked: calendars get an hour.
LENGTH = timedelta(hours=1)
# The invitee's answer in front of the title, alike in every language: the feed is one file.
MARKS = {"yes": "✅", "maybe": "🤔", "no": "❌", None: "❔"}


def uid(event_id: int) -> str:
    return f"event-{event_id}@clusterbot"


def entry(event: EventView, tz: ZoneInfo, *, invited: bool = False, answer: str | None = None) -> ical.Entry:
    """An invitee's entry begins with their answer's mark (❔: none yet); a «no» is free time."""
    summary = f"{MARKS.get(answer, MARKS[None])} {event.title}" if invited else event.title
    start: datetime | date = event.starts_at.astimezone(tz).date() if event.all_day else event.starts_at
    return ical.Entry(
        uid=uid(event.id),
        summary=summary,
        start=start,
        length=timedelta(days=1) if event.all_day else LENGTH,
        description=event.description,
        location=event.place,
        cancelled=event.status == "cancelled",
        sequence=event.revision,
        free=answer == "no",
    )


def build(event: EventView, *, now: datetime, tz: ZoneInfo) -> bytes:
    return ical.build([entry(event, tz)], now=now)
