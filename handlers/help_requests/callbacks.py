"""Callback data of help requests. The StrEnum values are in buttons already sent: they must not change."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.services.help_requests import TargetKind
from handlers.common.callbacks import Int64


class HelpAction(StrEnum):
    FORWARD = "fwd"  # the secretariat sends the request to `kind` `target`
    CAN = "can"  # a recipient can help
    WRONG = "wrong"  # a recipient is not the right address
    RESOLVE = "done"  # a leader or the secretariat marks it resolved, from a notice
    RESOLVE_ON_CARD = "cdone"  # the same from the project's card, which is shown again


class HelpButton(CallbackData, prefix="hlp"):
    request: Int64
    action: HelpAction
    kind: TargetKind | None = None
    target: Int64 = 0
