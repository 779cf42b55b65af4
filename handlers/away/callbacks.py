"""Callback data of /away."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class AwayEnd(CallbackData, prefix="awy"):
    """End the away state early; `person`: whose it was when the button was made."""

    person: Int64
