"""CSV files for spreadsheets: UTF-8 with a byte order mark, so that Excel reads Cyrillic right,
and no cell that a spreadsheet would run as a formula (a name or a report typed as «=HYPERLINK(…)»
is text people wrote, not a command for whoever opens the file)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# What a spreadsheet takes as the start of a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: object) -> object:
    """A string that would start a formula, with an apostrophe before it (shown as typed)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_file(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([as_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
