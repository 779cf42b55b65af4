"""Callback data of every inline button (aiogram CallbackData factories, each within 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Menu(CallbackData, prefix="m"):
    """A top-level section: projects, orgs, join, find, admin, lang."""

    name: str


class ProjectsPage(CallbackData, prefix="pp"):
    offset: int


class Country(CallbackData, prefix="co"):
    """Open a country's organisation list ("" for every country) as a new message."""

    code: str


class OrgsPage(CallbackData, prefix="op"):
    country: str  # "" for every country
    offset: int


class Card(CallbackData, prefix="c"):
    """kind: p (project), o (organisation), h (person)."""

    kind: str
    id: int


class Section(CallbackData, prefix="s"):
    """A long part of a project card, shown in pages."""

    project: int
    name: str
    part: int


class Language(CallbackData, prefix="lang"):
    code: str


class Decide(CallbackData, prefix="jd"):
    request: int
    approve: bool


class MembersPage(CallbackData, prefix="mp"):
    offset: int


class MemberAction(CallbackData, prefix="ma"):
    """action: show, grant, remove, revoke, confirm_revoke."""

    person: int
    action: str
    role: str = ""


class NewInvite(CallbackData, prefix="ni"):
    """person 0: an invite for someone not yet in the directory."""

    role: str
    person: int = 0


class AuditPage(CallbackData, prefix="ap"):
    offset: int


class RoadmapList(CallbackData, prefix="rml"):
    mine: bool
    offset: int


class RoadmapCard(CallbackData, prefix="rmc"):
    item: int


class RoadmapEdit(CallbackData, prefix="rme"):
    """The secretariat's actions on an item (0: a new item): new, deadline, owners, policy, close,
    cancel, attention."""

    item: int
    action: str


class RoadmapOwnerPick(CallbackData, prefix="rmo"):
    """kind: o (add organisation), p (add person), x (remove the owner row `ref`)."""

    item: int
    kind: str
    ref: int


class RoadmapAnswer(CallbackData, prefix="rma"):
    """An answer from a reminder: done, more (time), notmine, skip (done without a note)."""

    item: int
    action: str


class RoadmapExtension(CallbackData, prefix="rmx"):
    event: int
    approve: bool


class RoadmapFile(CallbackData, prefix="rmf"):
    """kind: ics or png."""

    kind: str
    mine: bool


class ReportStart(CallbackData, prefix="rp"):
    """Start a report for a project; `period` is set on a check-in prompt, so that last week's
    prompt cannot start this week's report unnoticed."""

    project: int
    period: str = ""


class ReportStep(CallbackData, prefix="rps"):
    """A button inside the reporting dialog; `token` names the dialog, so a button of an older one is stale.
    action: project, page, status, percent, skip, submit, cancel."""

    token: str
    action: str
    value: str = ""


class ReportAction(CallbackData, prefix="rpr"):
    """action: edit, withdraw, withdraw_yes."""

    report: int
    action: str


class ReportHistory(CallbackData, prefix="rph"):
    project: int
    offset: int


class ReportCadence(CallbackData, prefix="rpc"):
    """field: show, frequency (value: index in FREQUENCIES), day, hour."""

    project: int
    field: str
    value: int = 0


class ReportLeaders(CallbackData, prefix="rpl"):
    """action: show, candidates (paged by offset), add, remove."""

    project: int
    action: str
    person: int = 0
    offset: int = 0


class ReportPause(CallbackData, prefix="rpp"):
    """weeks: pause prompts for that many weeks; 0 resumes; -1 shows the choices."""

    weeks: int


class ReportExport(CallbackData, prefix="rpx"):
    """project 0: every project; fmt: csv, xlsx, or "" to choose a project first (paged by offset)."""

    project: int
    fmt: str
    offset: int = 0


class AnnounceStep(CallbackData, prefix="an"):
    """A step of composing the draft `token`: skip (no attachment), cat, aud, audiences, proj,
    done, country, lang, send, schedule, drop."""

    token: str
    action: str
    value: str = ""


class AnnouncementAct(CallbackData, prefix="anm"):
    """On a stored announcement: show, cancel, csv, edit (text), time."""

    id: int
    action: str


class MuteToggle(CallbackData, prefix="st"):
    """Mute or unmute an announcement category in /settings."""

    category: str
