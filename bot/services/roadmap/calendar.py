"""Roadmap items as iCalendar entries: the roadmap's .ics file, and the owned items of the
personal feed. One all-day entry per dated item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import ical
from bot.services.roadmap import END_OF_DAY, ItemCard


def uid(item_id: int) -> str:
    # Stable, so that importing a newer file updates events instead of adding copies.
    return f"roadmap-{item_id}@clusterbot"


def entry(item: ItemCard, tz: ZoneInfo, *, sequence: int = 0, modified: datetime | None = None) -> ical.Entry | None:
    """A deadline typed without a time (the end of its day) is an all-day entry on that day; one
    with a time is a short entry at that time; an item without a deadline has none."""
    if (deadline := item.deadline) is None:
        return None
    local = deadline.astimezone(tz)
    all_day = local.time().replace(second=0, microsecond=0) == END_OF_DAY
    start: datetime | date = local.date() if all_day else deadline
    owners = ", ".join(o.name for o in item.owners)
    return ical.Entry(
        uid=uid(item.id),
        summary=f"{item.number}. {item.title}",
        start=start,
        length=timedelta(days=1) if all_day else timedelta(minutes=30),
        description="\n\n".join(filter(None, [item.description, owners, item.source])),
        cancelled=item.status == "cancelled",
        sequence=sequence,
        modified=modified,
    )


def build(items: Sequence[ItemCard], *, now: datetime, tz: ZoneInfo, name: str) -> bytes:
    return ical.build(filter(None, (entry(item, tz) for item in items)), now=now, name=name)
