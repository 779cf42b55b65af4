"""Callback data of progress reports."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


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
