"""Filters features share."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from bot.services.access import Viewer


class SecretariatOnly(Filter):
    """Someone who acts for the secretariat (granted the role, or in ADMIN_IDS)."""

    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return bool(viewer and viewer.is_secretariat)
