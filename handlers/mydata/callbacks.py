"""Callback data of /mydata and "forget me"."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class ForgetMe(CallbackData, prefix="fgt"):
    """action: ask (the button under /mydata), yes, no. `person`: the directory entry the button
    was made for; `at`: when the confirmation was shown (whole seconds of UTC), 0 for ask."""

    action: str
    person: Int64
    at: Int64 = 0
