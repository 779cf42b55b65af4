"""The roadmap as an iCalendar file that calendar apps import: one all-day event per dated item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from bot.services.roadmap import ItemCard

PRODID = "-//Cleantech Cluster//clusterbot roadmap//RU"


def uid(item_id: int) -> str:
    # Stable, so that importing a newer file updates events instead of adding copies.
    return f"roadmap-{item_id}@clusterbot"


def build(items: Sequence[ItemCard], *, now: datetime, name: str) -> bytes:
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
        event.add("dtstart", item.deadline)
        event.add("dtend", item.deadline + timedelta(minutes=1))
        owners = ", ".join(o.name for o in item.owners)
        event.add("description", "\n\n".join(filter(None, [item.description, owners, item.source])))
        event.add("status", "CANCELLED" if item.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
