"""Callback data of /mydata and "forget me"."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class ForgetAct(StrEnum):
    ASK = "ask"  # the button under /mydata
    YES = "yes"
    NO = "no"


class ForgetMe(CallbackData, prefix="fgt"):
    """`person`: the directory entry the button
    was made for; `at`: when the confirmation was shown (whole seconds of UTC), 0 for ask."""

    action: ForgetAct
    person: Int64
    at: Int64 = 0
