"""The one iCalendar writer: the roadmap's file, an event's file and the personal feed all put
their entries through it, so that an item looks alike (and has one UID) wherever it comes from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

PRODID = "-//Cleantech Cluster//clusterbot//RU"


@dataclass(frozen=True)
class Entry:
    """One VEVENT. `uid` stays the same for the same item, so that an app given a newer copy
    updates its entry instead of adding a second one; `sequence` grows with each change."""

    uid: str
    summary: str
    start: datetime | date  # a date: an all-day entry
    length: timedelta
    description: str = ""
    location: str = ""
    cancelled: bool = False
    sequence: int = 0
    modified: datetime | None = None
    # Shown as free time (an event one declined), not as busy.
    free: bool = False


def build(entries: Iterable[Entry], *, now: datetime, name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        item = Event()
        item.add("uid", entry.uid)
        item.add("dtstamp", now)
        if entry.modified is not None:
            item.add("last-modified", entry.modified)
        item.add("sequence", entry.sequence)
        item.add("summary", entry.summary)
        item.add("dtstart", entry.start)
        item.add("dtend", entry.start + entry.length)
        if entry.location:
            item.add("location", entry.location)
        if entry.description:
            item.add("description", entry.description)
        item.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        if entry.free:
            item.add("transp", "TRANSPARENT")
        calendar.add_component(item)
    return calendar.to_ical()
