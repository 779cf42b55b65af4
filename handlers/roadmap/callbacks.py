"""Callback data of the roadmap. Each action is a `StrEnum` whose values are the strings the buttons
already sent carry, so those still parse; a value outside the enum does not, and the button gets
the "out of date" answer."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class RoadmapList(CallbackData, prefix="rml"):
    mine: bool
    offset: Int64


class RoadmapCard(CallbackData, prefix="rmc"):
    item: Int64


class FileKind(StrEnum):
    ICS = "ics"
    PNG = "png"


class RoadmapFile(CallbackData, prefix="rmf"):
    """The roadmap (or the viewer's part of it) as a calendar file or a timeline picture."""

    kind: FileKind
    mine: bool


class EditAction(StrEnum):
    """The secretariat's actions: on the roadmap as a whole (item 0) …"""

    NEW = "new"
    ATTENTION = "attention"
    # … and on an item: open the question (or the owners editor) …
    DEADLINE = "deadline"
    OWNERS = "owners"
    POLICY = "policy"
    # … ask to confirm, then close or cancel it; open a closed one again.
    CLOSE = "close"
    CANCEL = "cancel"
    CLOSE_OK = "close_ok"
    CANCEL_OK = "cancel_ok"
    REOPEN = "reopen"


class RoadmapEdit(CallbackData, prefix="rme"):
    item: Int64
    action: EditAction


class OwnerKind(StrEnum):
    ORGANISATION = "o"  # add the organisation `ref`
    PERSON = "p"  # add the person `ref`
    REMOVE = "x"  # remove the owner row `ref`
    KEEP = "k"  # keep the person whose "not mine" is the event `ref`


class RoadmapOwnerPick(CallbackData, prefix="rmo"):
    item: Int64
    kind: OwnerKind
    ref: Int64


class AnswerAction(StrEnum):
    """An owner's answer from a reminder, and the buttons under its questions."""

    DONE = "done"
    MORE = "more"  # need more time
    NOT_MINE = "notmine"
    SKIP = "skip"  # done, without a note
    NOT_MINE_SKIP = "nmskip"  # not mine, without a reason


class RoadmapAnswer(CallbackData, prefix="rma"):
    item: Int64
    action: AnswerAction


class RoadmapExtension(CallbackData, prefix="rmx"):
    """The secretariat approves or declines the extension the event `event` asks for."""

    event: Int64
    approve: bool
