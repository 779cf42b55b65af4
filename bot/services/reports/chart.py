"""The /status picture: projects (rows) by recent weeks (columns), each cell coloured by the
status reported that week. Drawn with matplotlib's Agg backend: no display, safe in a server."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 - the backend is chosen first
from matplotlib.patches import Patch, Rectangle  # noqa: E402

COLOURS = {"on_track": "#2e9d4f", "at_risk": "#f2b134", "blocked": "#d64545", None: "#e4e4e4"}
LABEL_CHARS = 38


def status_chart(
    title: str, rows: list[str], columns: list[str], cells: list[list[str | None]], legend: dict[str | None, str]
) -> bytes:
    """A PNG: `cells[row][column]` is a status (or None), `legend` names each status."""
    height = 1.6 + 0.42 * max(len(rows), 1)
    figure = Figure(figsize=(2.6 + 0.75 * len(columns), height), dpi=100)
    axes = figure.subplots()
    for y, statuses in enumerate(cells):
        for x, status in enumerate(statuses):
            axes.add_patch(_cell(x, y, COLOURS[status]))
    axes.set_xlim(0, len(columns))
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([x + 0.5 for x in range(len(columns))], columns, fontsize=8)
    axes.set_yticks([y + 0.5 for y in range(len(rows))], [_short(r) for r in rows], fontsize=8)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.set_title(title, fontsize=10, loc="left")
    figure.legend(
        handles=[Patch(color=COLOURS[s], label=text) for s, text in legend.items()],
        loc="lower center",
        ncols=len(legend),
        fontsize=8,
        frameon=False,
    )
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _cell(x: int, y: int, colour: str) -> Rectangle:
    return Rectangle((x + 0.06, y + 0.08), 0.88, 0.84, color=colour)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
