"""Who answered what, as a CSV file for spreadsheets."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from bot.services.events import Attendee


def attendees_csv(rows: list[Attendee], tz: ZoneInfo) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["telegram_id", "name", "answer", "answered_at"])
    writer.writerows(
        [
            a.telegram_id,
            a.name,
            a.answer or "",
            a.answered_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if a.answered_at else "",
        ]
        for a in rows
    )
    return buffer.getvalue().encode("utf-8-sig")  # with a BOM, so spreadsheet programs read UTF-8
