"""Callback data of events. Each action is a `StrEnum`: a value outside it does not parse, and the
button gets the "out of date" answer."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class Step(StrEnum):
    SKIP = "skip"  # no place / no description
    AUDIENCE = "aud"  # a kind of audience chosen
    AUDIENCES = "auds"  # back to the kinds
    PROJECT = "proj"  # a project ticked or unticked
    DONE = "done"  # the projects are chosen
    COUNTRY = "country"
    LANGUAGE = "lang"
    NO_DEADLINE = "nodl"
    PUBLISH = "pub"
    DROP = "drop"


class EventStep(CallbackData, prefix="evs"):
    """A step of composing the draft `token`."""

    token: str
    action: Step
    value: str = ""


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class Rsvp(CallbackData, prefix="evr"):
    event: Int64
    answer: Answer


class Manage(StrEnum):
    SHOW = "show"
    REFRESH = "refresh"
    NAMES = "names"
    CSV = "csv"
    TIME = "time"
    PLACE = "place"
    CANCEL = "cancel"
    CANCEL_OK = "cancel_ok"


class EventAct(CallbackData, prefix="eva"):
    """The secretariat's actions on a published event."""

    event: Int64
    action: Manage


class EventFile(CallbackData, prefix="evf"):
    """The event as an .ics file."""

    event: Int64
