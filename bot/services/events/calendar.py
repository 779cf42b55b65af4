"""An event as an iCalendar file: calendar apps add it, and a newer file updates it (stable UID,
the SEQUENCE grows with each change of time or place)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.services.events import EventView

PRODID = "-//Cleantech Cluster//clusterbot events//RU"
# A timed event's length is not asked: calendars get an hour.
LENGTH = timedelta(hours=1)


def uid(event_id: int) -> str:
    return f"event-{event_id}@clusterbot"


def build(event: EventView, *, now: datetime, tz: ZoneInfo) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    item = Event()
    item.add("uid", uid(event.id))
    item.add("dtstamp", now)
    item.add("sequence", event.revision)
    item.add("summary", event.title)
    if event.all_day:
        day = event.starts_at.astimezone(tz).date()
        item.add("dtstart", day)
        item.add("dtend", day + timedelta(days=1))
    else:
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.starts_at + LENGTH)
    if event.place:
        item.add("location", event.place)
    if event.description:
        item.add("description", event.description)
    item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    calendar.add_component(item)
    return calendar.to_ical()
