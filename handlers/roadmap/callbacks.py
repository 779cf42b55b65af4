"""Callback data of the roadmap."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class RoadmapList(CallbackData, prefix="rml"):
    mine: bool
    offset: Int64


class RoadmapCard(CallbackData, prefix="rmc"):
    item: Int64


class RoadmapEdit(CallbackData, prefix="rme"):
    """The secretariat's actions on an item (0: a new item): new, deadline, owners, policy, close,
    cancel, attention."""

    item: Int64
    action: str


class RoadmapOwnerPick(CallbackData, prefix="rmo"):
    """kind: o (add organisation), p (add person), x (remove the owner row `ref`)."""

    item: Int64
    kind: str
    ref: Int64


class RoadmapAnswer(CallbackData, prefix="rma"):
    """An answer from a reminder: done, more (time), notmine, skip (done without a note)."""

    item: Int64
    action: str


class RoadmapExtension(CallbackData, prefix="rmx"):
    event: Int64
    approve: bool


class RoadmapFile(CallbackData, prefix="rmf"):
    """kind: ics or png."""

    kind: str
    mine: bool
