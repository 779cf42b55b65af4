"""Callback data of /start's buttons."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Language(CallbackData, prefix="lang"):
    code: str
