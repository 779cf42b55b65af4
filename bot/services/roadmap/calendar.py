"""The roadmap as an iCalendar file that calendar apps import: one all-day event per dated item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.services.roadmap import END_OF_DAY, ItemCard

PRODID = "-//Cleantech Cluster//clusterbot roadmap//RU"


def uid(item_id: int) -> str:
    # Stable, so that importing a newer file updates events instead of adding copies.
    return f"roadmap-{item_id}@clusterbot"


def build(items: Sequence[ItemCard], *, now: datetime, tz: ZoneInfo, name: str) -> bytes:
    """A deadline typed without a time (the end of its day) is an all-day event on that day; one
    with a time is a short event at that time."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for item in items:
        if item.deadline is None:
            continue
        event = Event()
        event.add("uid", uid(item.id))
        event.add("dtstamp", now)
        event.add("summary", f"{item.number}. {item.title}")
        local = item.deadline.astimezone(tz)
        if local.time().replace(second=0, microsecond=0) == END_OF_DAY:
            event.add("dtstart", local.date())
            event.add("dtend", local.date() + timedelta(days=1))
        else:
            event.add("dtstart", item.deadline)
            event.add("dtend", item.deadline + timedelta(minutes=30))
        owners = ", ".join(o.name for o in item.owners)
        event.add("description", "\n\n".join(filter(None, [item.description, owners, item.source])))
        event.add("status", "CANCELLED" if item.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
