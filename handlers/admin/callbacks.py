"""Callback data of the secretariat's panel."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class MembersPage(CallbackData, prefix="mp"):
    offset: Int64


class MemberAct(StrEnum):
    SHOW = "show"
    GRANT = "grant"
    REMOVE = "remove"
    # Taking one's own secretariat role, and closing someone's access, are asked again first.
    CONFIRM_REMOVE = "confirm_remove"
    REVOKE = "revoke"
    CONFIRM_REVOKE = "confirm_revoke"


class MemberAction(CallbackData, prefix="ma"):
    """`role`: the role granted or removed ("" for the other actions)."""

    person: Int64
    action: MemberAct
    role: str = ""


class NewInvite(CallbackData, prefix="ni"):
    """person 0: an invite for someone not yet in the directory."""

    role: str
    person: Int64 = 0


class AuditPage(CallbackData, prefix="ap"):
    offset: Int64
