"""What members see of reports: /status (every project's latest status now, and a chart of the
recent weeks), a project's history from its card, and the photos and documents of a report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import F
from aiogram.types import BufferedInputFile, CallbackQuery, MaybeInaccessibleMessageUnion, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import reports
from bot.services.access import Viewer
from bot.services.reports import ProjectRef, StatusGrid, attention, checkins
from bot.services.reports.chart import status_chart
from bot.settings import Settings
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import MembersOnly
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.reports import ui as render
from handlers.reports.callbacks import ReportAction, ReportHistory, SentReportAction
from handlers.reports.filters import ProjectButton

router = Routes("reports_status")
CHART_WEEKS = 8
# Telegram refuses photos taller than 20 times their width: the chart shows at most this many projects.
CHART_ROWS = 40


@router.message(command("status"), MembersOnly())
@router.callback_query(Menu.filter(F.name == MenuItem.STATUS), MembersOnly())
async def status_now(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    message = await _message_of(event)
    if message is None:
        return
    now, tz = clock(), settings.tz
    view = await reports.overview(
        session, now, tz, default=checkins.default_cadence(settings), default_language=settings.default_language
    )
    heading = t("reports.status_title", now=render.moment(now, tz))
    found = await attention.review(session, now, attention.rules_of(settings))
    # How punctually each project reports is the secretariat's to know.
    tail = render.punctuality_lines(t, found.punctuality, attention.MARK_PERIODS) if viewer.is_secretariat else []
    for text in render.overview_text(
        t,
        view,
        tz,
        heading,
        secretariat=viewer.is_secretariat,
        attention=render.attention_lines(t, found.attention, tz),
        tail=tail,
    ):
        await message.answer(text)
    grid = await reports.status_grid(session, now, tz, weeks=CHART_WEEKS, limit=CHART_ROWS)
    if grid.projects:
        await message.answer_photo(BufferedInputFile(_chart(t, grid, tz), "status.png"), caption=_caption(t, grid))


@router.message(command("status"))
@router.callback_query(Menu.filter(F.name == MenuItem.STATUS))
async def status_for_members(event: Message | CallbackQuery, t: Translator) -> None:
    if (message := await _message_of(event)) is not None:
        await message.answer(t("reports.status_members_only"))


async def _message_of(event: Message | CallbackQuery) -> MaybeInaccessibleMessageUnion | None:
    """Where to answer: the command's chat, or the menu's (its button answered)."""
    if isinstance(event, Message):
        return event
    await event.answer()
    return event.message


def _chart(t: Translator, grid: StatusGrid, tz: ZoneInfo) -> bytes:
    return status_chart(
        t.plain("reports.chart_title"),
        [render.title(t, p) for p in grid.projects],
        [w.astimezone(tz).strftime("%d.%m") for w in grid.weeks],
        grid.cells,
        render.chart_legend(t),
    )


def _caption(t: Translator, grid: StatusGrid) -> str:
    caption = t.plural("reports.chart_caption", CHART_WEEKS, weeks=CHART_WEEKS)
    if grid.total > len(grid.projects):
        caption += t("reports.chart_cut", shown=len(grid.projects), total=grid.total)
    return caption


@router.callback_query(ReportHistory.filter(F.offset >= 0), ProjectButton(), MembersOnly())
async def history(
    query: CallbackQuery,
    callback_data: ReportHistory,
    project: ProjectRef,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
) -> None:
    page = await reports.history(session, project.id, offset=callback_data.offset, limit=render.HISTORY_PAGE)
    await show(query, *render.history_page(t, project, page, settings.tz), edit=callback_data.offset > 0)


@router.callback_query(ReportHistory.filter(F.offset >= 0), ProjectButton())
async def history_for_members(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("reports.status_members_only"), show_alert=True)


@router.callback_query(ReportAction.filter(F.action == SentReportAction.FILES), MembersOnly())
async def files(query: CallbackQuery, callback_data: ReportAction, session: AsyncSession, t: Translator) -> None:
    """A report's photos and documents, each with a caption naming the report."""
    view = await reports.report(session, callback_data.report)
    if view is None or view.withdrawn_at or query.message is None:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    await query.answer()
    caption = render.attachment_note(t, view)
    for item in view.attachments:
        if item["kind"] == "photo":
            await query.message.answer_photo(item["file_id"], caption=caption)
        else:
            await query.message.answer_document(item["file_id"], caption=caption)


@router.callback_query(ReportHistory.filter(F.offset >= 0))
@router.callback_query(ReportAction.filter(F.action == SentReportAction.FILES))
async def gone(query: CallbackQuery, t: Translator) -> None:
    """A project or report since deleted, or (files) one shown to a member who is no longer."""
    await query.answer(t.plain("button.gone"), show_alert=True)
