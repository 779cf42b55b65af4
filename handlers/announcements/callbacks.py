"""Callback data of announcements, the chats the bot is in, and /settings."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class Step(StrEnum):
    """A step of composing; `value` is what the step chooses, where it chooses something."""

    SKIP = "skip"  # no attachment
    DROP = "drop"
    CATEGORY = "cat"  # value: the category
    AUDIENCES = "audiences"  # back to the audience picker
    AUDIENCE = "aud"  # value: the kind of audience
    PROJECT = "proj"  # value: a project's id, chosen or unchosen
    DONE = "done"  # the projects are chosen
    COUNTRY = "country"  # value: the country's code
    LANGUAGE = "lang"  # value: the language's code
    REVIEW = "review"  # the cards of the chats waiting for approval
    SEND = "send"
    SCHEDULE = "schedule"
    ACK = "ack"  # ask recipients to confirm reading, or not


class AnnounceStep(CallbackData, prefix="an"):
    """A step of composing the draft `token`."""

    token: str
    action: Step
    value: str = ""


class Act(StrEnum):
    """What can be done to a stored announcement."""

    SHOW = "show"
    CANCEL = "cancel"
    CSV = "csv"  # the unreached recipients
    EDIT = "edit"  # the text of a scheduled one
    TIME = "time"  # the time of a scheduled one
    UNREAD = "unread"  # who has not confirmed reading it, a page in a new message
    UNREAD_CSV = "unread_csv"  # the same as CSV


class AnnouncementAct(CallbackData, prefix="anm"):
    id: Int64
    action: Act


class Unread(CallbackData, prefix="anu"):
    """A page of those who have not confirmed reading announcement `id`."""

    id: Int64
    offset: Int64


class ReadAck(CallbackData, prefix="anr"):
    """A recipient confirms reading announcement `id`."""

    id: Int64


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
