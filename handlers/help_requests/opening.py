"""A report that asks for help opens a help request, and the secretariat is alerted with whom it
could go to (called by the reporting dialog as the report is saved)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import help_requests
from bot.services.directory.search import DirectorySearch
from bot.services.help_requests import notices
from bot.services.outbox import enqueue
from bot.services.reports import ReportView
from bot.settings import Settings
from handlers.help_requests import ui


async def report_saved(
    session: AsyncSession, search: DirectorySearch, settings: Settings, report: ReportView, now: datetime
) -> None:
    if (request := await help_requests.opened(session, report, search, now)) is not None:
        await enqueue(session, await notices.opened(session, settings, request, report, ui.NOTICES), now)
