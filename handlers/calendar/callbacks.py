"""Callback data of /calendar."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class Act(StrEnum):
    RENEW = "renew"
    REVOKE = "revoke"
    ALL_EVENTS = "all"


class CalendarAct(CallbackData, prefix="cal"):
    """`generation`: the feed's when the message was shown; a button of an older message (or a
    second tap) acts no more. `on`: for ALL_EVENTS, what the tap asks for."""

    action: Act
    generation: int
    on: bool = False
