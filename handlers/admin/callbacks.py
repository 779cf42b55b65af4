"""Callback data of the secretariat's panel."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class MembersPage(CallbackData, prefix="mp"):
    offset: Int64


class MemberAction(CallbackData, prefix="ma"):
    """action: show, grant, remove, revoke, confirm_revoke."""

    person: Int64
    action: str
    role: str = ""


class NewInvite(CallbackData, prefix="ni"):
    """person 0: an invite for someone not yet in the directory."""

    role: str
    person: Int64 = 0


class AuditPage(CallbackData, prefix="ap"):
    offset: Int64
