"""Callback data of /privacy."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.services.directory.privacy import Audience, ContactField
from handlers.common.callbacks import Int64


class PrivacyChoice(CallbackData, prefix="pv"):
    """Show one kind of one's contacts to an audience. `person` is whose screen it was: a button
    kept from before the account was linked to another card is stale."""

    person: Int64
    field: ContactField
    audience: Audience
