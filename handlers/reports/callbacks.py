"""Callback data of progress reports. Each kind of button is a `StrEnum` whose values are the
strings packed into buttons already sent: they must not change."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from handlers.common.callbacks import Int64


class ReportStart(CallbackData, prefix="rp"):
    """Start a report for a project; `period` is set on a check-in prompt, so that last week's
    prompt cannot start this week's report unnoticed."""

    project: Int64
    period: str = ""


class ReportStepAction(StrEnum):
    PROJECT = "project"  # value: the project picked
    PAGE = "page"  # value: the offset of the picker's page
    STATUS = "status"  # value: on_track, at_risk or blocked
    PERCENT = "percent"  # value: 0 … 100
    SKIP = "skip"  # no percent, no next steps, no help needed
    KEEP = "keep"  # editing: the answer stays as it was
    RESTART = "restart"  # the preview's "start over"
    SUBMIT = "submit"
    CANCEL = "cancel"


class ReportStep(CallbackData, prefix="rps"):
    """A button inside the reporting dialog; `token` names the dialog, so a button of an older one is stale."""

    token: str
    action: ReportStepAction
    value: str = ""


class SentReportAction(StrEnum):
    EDIT = "edit"
    WITHDRAW = "withdraw"  # asks to confirm
    WITHDRAW_YES = "withdraw_yes"
    KEEP = "keep"  # not withdrawn after all: the report is shown again
    FILES = "files"  # the report's photos and documents, from the history


class ReportAction(CallbackData, prefix="rpr"):
    """On a sent report: the sender's edit and withdrawal, anyone's files."""

    report: Int64
    action: SentReportAction


class ReportHistory(CallbackData, prefix="rph"):
    project: Int64
    offset: Int64


class CadenceField(StrEnum):
    SHOW = "show"
    FREQUENCY = "frequency"  # value: index in checkins.FREQUENCIES
    DAY = "day"  # value: weekday 0 … 6, or day of the month 1 … 28
    HOUR = "hour"  # value: 0 … 23


class ReportCadence(CallbackData, prefix="rpc"):
    project: Int64
    field: CadenceField
    value: Int64 = 0


class LeadersAction(StrEnum):
    PROJECTS = "projects"  # the list of projects (project 0), paged by offset
    SHOW = "show"
    CANDIDATES = "candidates"  # paged by offset
    ADD = "add"
    REMOVE = "remove"


class ReportLeaders(CallbackData, prefix="rpl"):
    project: Int64
    action: LeadersAction
    person: Int64 = 0
    offset: Int64 = 0


class ReportPause(CallbackData, prefix="rpp"):
    """weeks: pause prompts for that many weeks; 0 resumes; -1 shows the choices."""

    weeks: Int64


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    CHOOSE = ""  # choose a project first (paged by offset)


class ReportExport(CallbackData, prefix="rpx"):
    """project 0: every project."""

    project: Int64
    fmt: ExportFormat
    offset: Int64 = 0
