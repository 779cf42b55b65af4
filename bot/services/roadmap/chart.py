"""A PNG timeline of the roadmap: a bar per dated item from today (or its creation) to its deadline;
overdue items in red, closed ones grey."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from bot.services.roadmap import ItemCard

MAX_BARS = 40
COLOURS = {"open": "#81c784", "overdue": "#e53935", "done": "#bdbdbd", "cancelled": "#e0e0e0"}


LABEL_LIMIT = 60


def label(number: int, title: str) -> str:
    """«12. Title», cut at a word end (with …) when too long."""
    text = f"{number}. {title}"
    if len(text) <= LABEL_LIMIT:
        return text
    cut = text.rfind(" ", 0, LABEL_LIMIT - 1)
    return text[: cut if cut > LABEL_LIMIT // 2 else LABEL_LIMIT - 1].rstrip(" ,.;:—-") + "…"


def timeline(
    items: Sequence[ItemCard], *, now: datetime, tz: ZoneInfo, title: str, today_label: str = "today"
) -> bytes:
    dated = [i for i in items if i.deadline is not None][:MAX_BARS]
    figure, axes = plt.subplots(figsize=(10, 1.2 + 0.45 * max(len(dated), 1)), dpi=100)
    try:
        today = now.astimezone(tz).replace(tzinfo=None)
        for row, item in enumerate(reversed(dated)):
            assert item.deadline is not None
            deadline = item.deadline.astimezone(tz).replace(tzinfo=None)
            overdue = item.status == "open" and item.deadline < now
            colour = COLOURS["overdue" if overdue else item.status if item.status in COLOURS else "open"]
            start, end = (deadline, today) if overdue else (min(today, deadline), deadline)
            axes.barh(
                row,
                mdates.date2num(end) - mdates.date2num(start) or 0.5,
                left=mdates.date2num(start),
                color=colour,
                height=0.6,
            )
            axes.text(mdates.date2num(start), row, " " + label(item.number, item.title), va="center", fontsize=8)
        axes.axvline(mdates.date2num(today), color="#1565c0", linewidth=1, linestyle="--")
        axes.annotate(
            today_label,
            xy=(mdates.date2num(today), 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            color="#1565c0",
        )
        axes.xaxis_date()
        # Ticks evenly spaced (not restarted at each month's 1st, where two labels would overlap).
        axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=9, interval_multiples=False))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m.%y"))
        axes.set_yticks([])
        axes.set_title(title, pad=14)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
