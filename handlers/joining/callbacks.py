"""Callback data of the secretariat's decision on a join request."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class Decide(CallbackData, prefix="jd"):
    request: Int64
    approve: bool
