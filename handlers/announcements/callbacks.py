"""Callback data of announcements, the chats the bot is in, and /settings."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class AnnounceStep(CallbackData, prefix="an"):
    """A step of composing the draft `token`: skip (no attachment), cat, aud, audiences, proj,
    done, country, lang, review (the chats waiting for approval), send, schedule, drop."""

    token: str
    action: str
    value: str = ""


class AnnouncementAct(CallbackData, prefix="anm"):
    """On a stored announcement: show, cancel, csv, edit (text), time."""

    id: Int64
    action: str


class ChatAction(StrEnum):
    APPROVE = "approve"
    IGNORE = "ignore"


class ChatApproval(CallbackData, prefix="cha"):
    """The secretariat's answer to the bot being added to a chat; `round` names the request, so the
    buttons of an earlier one are stale."""

    chat: Int64
    round: Int64
    action: ChatAction


class MuteToggle(CallbackData, prefix="st"):
    """Mute or unmute an announcement category in /settings."""

    category: str
