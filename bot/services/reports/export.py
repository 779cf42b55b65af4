"""Reports as CSV and as an XLSX spreadsheet (header row, dates as real dates, column widths)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.services.csv_file import csv_file
from bot.services.reports import ReportView

# (column title, width in characters)
COLUMNS = (
    ("id", 6),
    ("project", 40),
    ("submitted", 17),
    ("status", 10),
    ("percent", 8),
    ("done", 60),
    ("next", 50),
    ("help needed", 40),
    ("author", 28),
    ("on behalf", 10),
    ("edited", 17),
    ("withdrawn", 17),
    ("attachments", 12),
)
DATE_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Words:
    """The reader's language in a file: column titles, status names, "yes", which project title."""

    headers: Sequence[str] = tuple(title for title, _ in COLUMNS)
    statuses: dict[str, str] = field(default_factory=dict)
    yes: str = "yes"
    english: bool = True


PLAIN = Words()


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Spreadsheets know no time zones: the cluster's wall time, naive."""
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def _row(report: ReportView, tz: ZoneInfo, words: Words) -> list[object]:
    project = (report.project.title_en or report.project.title) if words.english else report.project.title
    return [
        report.id,
        project,
        _local(report.created_at, tz),
        words.statuses.get(report.status, report.status),
        report.percent,
        report.done,
        report.next_steps or "",
        report.help_needed or "",
        report.author or "",
        words.yes if report.on_behalf else "",
        _local(report.edited_at, tz),
        _local(report.withdrawn_at, tz),
        len(report.attachments),
    ]


def to_csv(reports: Sequence[ReportView], tz: ZoneInfo, words: Words = PLAIN) -> bytes:
    return csv_file(
        list(words.headers),
        (
            [
                "" if v is None else v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v
                for v in _row(r, tz, words)
            ]
            for r in reports
        ),
    )


def to_xlsx(reports: Sequence[ReportView], tz: ZoneInfo, sheet: str = "Reports", words: Words = PLAIN) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]
    ws.append(list(words.headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for report in reports:
        ws.append(_row(report, tz, words))
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text typed as «=…» stays text, not a formula run on opening
                cell.data_type = "s"
    for n, (_, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(n)
        ws.column_dimensions[letter].width = width
        for cell in ws[letter][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str) and len(cell.value) > width:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
