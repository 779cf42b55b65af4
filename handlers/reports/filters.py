"""The checks of progress reports, each written once: a filter loads what the handler needs,
authorises it and hands it over (aiogram adds the dict a filter returns to the handler's
arguments). An update failing a check goes on to the next handler: the one refusing it politely,
registered after the handlers it guards."""

from __future__ import annotations

from typing import Protocol

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services import reports
from bot.services.access import Viewer
from bot.services.reports import ProjectRef, ReportView, checkins
from bot.settings import Settings
from handlers.reports.callbacks import ReportAction, ReportStart, ReportStep
from handlers.reports.form import ReportDialog, dialog_of


class LiveDialog(Filter):
    """A button of the report dialog going on (the token is this dialog's): its data as `dialog`."""

    async def __call__(
        self, query: CallbackQuery, callback_data: ReportStep, state: FSMContext, raw_state: str | None = None
    ) -> dict[str, ReportDialog] | bool:
        if raw_state is None:
            return False
        dialog = await dialog_of(state)
        return {"dialog": dialog} if dialog.get("token") == callback_data.token else False


class Reporter(Filter):
    """Someone who reports: a leader, or the secretariat; the projects they lead as `led`."""

    async def __call__(
        self, message: Message, session: AsyncSession, viewer: Viewer
    ) -> dict[str, list[ProjectRef]] | bool:
        led = await reports.led_projects(session, viewer.person_id)
        return {"led": led} if led or viewer.is_secretariat else False


class Reportable(Filter):
    """A project the viewer may report for, a Report button's or the one picked in the dialog:
    as `reporting` (the project, and whether the secretariat reports on the leaders' behalf)."""

    async def __call__(
        self, query: CallbackQuery, callback_data: ReportStart | ReportStep, session: AsyncSession, viewer: Viewer
    ) -> dict[str, reports.Reporting] | bool:
        project_id = callback_data.project if isinstance(callback_data, ReportStart) else int(callback_data.value)
        found = await reports.reporting(session, project_id, viewer.person_id, secretariat=viewer.is_secretariat)
        return {"reporting": found} if found else False


class OfThisPeriod(Filter):
    """A check-in prompt's Report button asks about the project's current period, not an earlier
    one (a card's Report button names no period)."""

    async def __call__(
        self,
        query: CallbackQuery,
        callback_data: ReportStart,
        reporting: reports.Reporting,
        session: AsyncSession,
        clock: Clock,
        settings: Settings,
    ) -> bool:
        if not callback_data.period:
            return True
        cadence = await checkins.cadence_of(session, reporting.project.id, checkins.default_cadence(settings))
        start = checkins.period_start(cadence, clock(), settings.tz)
        return start is not None and checkins.period_key(start) == callback_data.period


class Editable(Filter):
    """The viewer's own latest report, not withdrawn, within the edit window: as `sent`."""

    async def __call__(
        self,
        query: CallbackQuery,
        callback_data: ReportAction,
        session: AsyncSession,
        viewer: Viewer,
        clock: Clock,
        settings: Settings,
    ) -> dict[str, ReportView] | bool:
        sent = await reports.editable(
            session, callback_data.report, viewer.telegram_id, clock(), reports.edit_window(settings)
        )
        return {"sent": sent} if sent else False


class _NamesProject(Protocol):
    project: int


class ProjectButton(Filter):
    """The project a button names, as `project`; a project since deleted fails. With `zero_is_all`,
    project 0 names every project, and `project` is None."""

    def __init__(self, *, zero_is_all: bool = False) -> None:
        self._zero_is_all = zero_is_all

    async def __call__(
        self, query: CallbackQuery, callback_data: _NamesProject, session: AsyncSession
    ) -> dict[str, ProjectRef | None] | bool:
        if self._zero_is_all and callback_data.project == 0:
            return {"project": None}
        project = await reports.project_ref(session, callback_data.project)
        return {"project": project} if project else False


class Leader(Filter):
    """Someone leading a project: their person id as `person_id`."""

    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> dict[str, int] | bool:
        if viewer is None or viewer.person_id is None or not viewer.is_leader:
            return False
        return {"person_id": viewer.person_id}
