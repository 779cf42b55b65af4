"""Callback data of every inline button (aiogram CallbackData factories, each within 64 bytes)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Every number a button carries goes to the database as a 64-bit integer: a forged button with
# a larger one must fail to parse (and get the "out of date" answer), not overflow in the driver.
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class Menu(CallbackData, prefix="m"):
    """A top-level section: projects, orgs, join, find, admin, lang."""

    name: str


class ProjectsPage(CallbackData, prefix="pp"):
    offset: Int64


class Country(CallbackData, prefix="co"):
    """Open a country's organisation list ("" for every country) as a new message."""

    code: str


class OrgsPage(CallbackData, prefix="op"):
    country: str  # "" for every country
    offset: Int64


class Card(CallbackData, prefix="c"):
    """kind: p (project), o (organisation), h (person)."""

    kind: str
    id: Int64


class Section(CallbackData, prefix="s"):
    """A long part of a project card, shown in pages."""

    project: Int64
    name: str
    part: Int64


class Language(CallbackData, prefix="lang"):
    code: str


class Decide(CallbackData, prefix="jd"):
    request: Int64
    approve: bool


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


class RoadmapList(CallbackData, prefix="rml"):
    mine: bool
    offset: Int64


class RoadmapCard(CallbackData, prefix="rmc"):
    item: Int64


class RoadmapEdit(CallbackData, prefix="rme"):
    """The secretariat's actions on an item (0: a new item): new, deadline, owners, policy, close,
    cancel, attention."""

    item: Int64
    action: str


class RoadmapOwnerPick(CallbackData, prefix="rmo"):
    """kind: o (add organisation), p (add person), x (remove the owner row `ref`)."""

    item: Int64
    kind: str
    ref: Int64


class RoadmapAnswer(CallbackData, prefix="rma"):
    """An answer from a reminder: done, more (time), notmine, skip (done without a note)."""

    item: Int64
    action: str


class RoadmapExtension(CallbackData, prefix="rmx"):
    event: Int64
    approve: bool


class RoadmapFile(CallbackData, prefix="rmf"):
    """kind: ics or png."""

    kind: str
    mine: bool


class ReportStart(CallbackData, prefix="rp"):
    """Start a report for a project; `period` is set on a check-in prompt, so that last week's
    prompt cannot start this week's report unnoticed."""

    project: Int64
    period: str = ""


class ReportStep(CallbackData, prefix="rps"):
    """A button inside the reporting dialog; `token` names the dialog, so a button of an older one is stale.
    action: project, page, status, percent, skip, submit, cancel."""

    token: str
    action: str
    value: str = ""


class ReportAction(CallbackData, prefix="rpr"):
    """action: edit, withdraw, withdraw_yes."""

    report: Int64
    action: str


class ReportHistory(CallbackData, prefix="rph"):
    project: Int64
    offset: Int64


class ReportCadence(CallbackData, prefix="rpc"):
    """field: show, frequency (value: index in FREQUENCIES), day, hour."""

    project: Int64
    field: str
    value: Int64 = 0


class ReportLeaders(CallbackData, prefix="rpl"):
    """action: show, candidates (paged by offset), add, remove."""

    project: Int64
    action: str
    person: Int64 = 0
    offset: Int64 = 0


class ReportPause(CallbackData, prefix="rpp"):
    """weeks: pause prompts for that many weeks; 0 resumes; -1 shows the choices."""

    weeks: Int64


class ReportExport(CallbackData, prefix="rpx"):
    """project 0: every project; fmt: csv, xlsx, or "" to choose a project first (paged by offset)."""

    project: Int64
    fmt: str
    offset: Int64 = 0


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
