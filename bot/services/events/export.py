"""Who answered what, as a CSV file for spreadsheets."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.services.csv_file import csv_file
from bot.services.events import Attendee


def attendees_csv(rows: list[Attendee], tz: ZoneInfo) -> bytes:
    return csv_file(
        ["telegram_id", "name", "answer", "answered_at"],
        (
            [
                a.telegram_id,
                a.name,
                a.answer or "",
                a.answered_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if a.answered_at else "",
            ]
            for a in rows
        ),
    )
