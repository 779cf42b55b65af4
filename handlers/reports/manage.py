"""The secretariat's side of progress reports: the reports menu of /admin, a project's leaders
and its check-in cadence, exports (CSV, XLSX). Everyone else's /export is refused by `denied`."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import access, audit, reports
from bot.services.access import Viewer
from bot.services.directory import projects_page
from bot.services.outbox import enqueue
from bot.services.reports import PersonRef, ProjectRef, ReportView, checkins, notices
from bot.services.reports import export as report_export
from bot.settings import Settings
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import SecretariatOnly
from handlers.common.messages import show
from handlers.common.notify import set_commands_for
from handlers.common.render import PAGE_SIZE
from handlers.common.routes import Routes, command
from handlers.reports import ui as render
from handlers.reports.callbacks import (
    CadenceField,
    ExportFormat,
    LeadersAction,
    ReportCadence,
    ReportExport,
    ReportLeaders,
)
from handlers.reports.filters import ProjectButton

router = Routes("reports_manage")
router.filter("message", SecretariatOnly())
router.filter("callback_query", SecretariatOnly())
denied = Routes("reports_manage_denied")


@router.callback_query(Menu.filter(F.name == MenuItem.REPORTS))
async def menu(query: CallbackQuery, t: Translator) -> None:
    await show(query, *render.reports_menu(t), edit=False)


# --- leaders ----------------------------------------------------------------------------------------


@router.callback_query(ReportLeaders.filter(F.action == LeadersAction.PROJECTS))
async def projects(query: CallbackQuery, callback_data: ReportLeaders, session: AsyncSession, t: Translator) -> None:
    page = await projects_page(session, offset=callback_data.offset, limit=PAGE_SIZE)
    await show(query, *render.projects_list(t, page), edit=callback_data.offset > 0)


@router.callback_query(ReportLeaders.filter(F.action == LeadersAction.SHOW), ProjectButton())
async def leaders(query: CallbackQuery, project: ProjectRef, session: AsyncSession, t: Translator) -> None:
    await show(query, *render.leaders_view(t, project, await reports.project_leaders(session, project.id)), edit=True)


@router.callback_query(ReportLeaders.filter(F.action == LeadersAction.CANDIDATES), ProjectButton())
async def candidates(
    query: CallbackQuery, callback_data: ReportLeaders, project: ProjectRef, session: AsyncSession, t: Translator
) -> None:
    page = await reports.candidates(session, project.id, offset=callback_data.offset, limit=PAGE_SIZE)
    await show(query, *render.candidates_view(t, project, page), edit=True)


@router.callback_query(ReportLeaders.filter(F.action.in_({LeadersAction.ADD, LeadersAction.REMOVE})), ProjectButton())
async def set_leader(
    query: CallbackQuery,
    callback_data: ReportLeaders,
    project: ProjectRef,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    """A member made a leader of the project, or no longer; they are told, and get their menu."""
    adding, now = callback_data.action == LeadersAction.ADD, clock()
    person = await reports.set_leader(
        session, project.id, callback_data.person, leader=adding, actor=viewer.telegram_id, now=now
    )
    if person is None:
        await query.answer(t.plain("admin.not_member"), show_alert=True)
        return
    told = await notices.leadership(session, person, project, settings, render.NOTICES, adding=adding, now=now)
    await enqueue(session, told, now)
    await _refresh_commands(bot, session, person, settings)
    await show(query, *render.leaders_view(t, project, await reports.project_leaders(session, project.id)), edit=True)


async def _refresh_commands(bot: Bot, session: AsyncSession, person: PersonRef, settings: Settings) -> None:
    """The person's command menu as their roles are now (/report, /pause come and go with leading)."""
    if person.telegram_id is None:
        return
    language = await access.account_language(session, person.telegram_id, settings.default_language)
    roles = frozenset(await access.roles_of(session, person.id))
    await set_commands_for(bot, person.telegram_id, language=language, roles=roles)


# --- check-in cadence -------------------------------------------------------------------------------


@router.callback_query(ReportCadence.filter(F.field == CadenceField.SHOW), ProjectButton())
async def cadence(
    query: CallbackQuery, project: ProjectRef, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    current = await checkins.cadence_of(session, project.id, checkins.default_cadence(settings))
    custom = await checkins.has_cadence(session, project.id)
    await show(query, *_cadence_view(t, project, current, custom=custom, now=clock(), settings=settings), edit=True)


@router.callback_query(ReportCadence.filter(F.field != CadenceField.SHOW), ProjectButton())
async def set_cadence(
    query: CallbackQuery,
    callback_data: ReportCadence,
    project: ProjectRef,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    current = await checkins.cadence_of(session, project.id, checkins.default_cadence(settings))
    changed = _changed(current, callback_data.field, callback_data.value)
    if changed is None:
        await query.answer(t.plain("reports.stale"), show_alert=True)
        return
    await checkins.set_cadence(session, project.id, changed)
    audit.record(
        session,
        at=clock(),
        actor=viewer.telegram_id,
        action="report.cadence",
        target=f"project:{project.id}",
        frequency=changed.frequency,
        day=changed.day,
        hour=changed.hour,
    )
    await show(query, *_cadence_view(t, project, changed, custom=True, now=clock(), settings=settings), edit=True)


def _changed(current: checkins.Cadence, field: CadenceField, value: int) -> checkins.Cadence | None:
    """The cadence after one button, or None if the button makes no sense (forged or stale)."""
    if field == CadenceField.FREQUENCY and 0 <= value < len(checkins.FREQUENCIES):
        frequency = checkins.FREQUENCIES[value]
        monthly, was_monthly = frequency == "monthly", current.frequency == "monthly"
        day = current.day if monthly == was_monthly else (1 if monthly else 0)
        return checkins.Cadence(frequency, day, current.hour)
    if field == CadenceField.DAY and current.active:
        valid = 1 <= value <= checkins.MONTH_DAYS if current.frequency == "monthly" else 0 <= value <= 6
        return checkins.Cadence(current.frequency, value, current.hour) if valid else None
    if field == CadenceField.HOUR and current.active and 0 <= value <= 23:
        return checkins.Cadence(current.frequency, current.day, value)
    return None


def _cadence_view(
    t: Translator, project: ProjectRef, cadence: checkins.Cadence, *, custom: bool, now: datetime, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    upcoming = checkins.next_start(cadence, now, settings.tz)
    next_at = render.moment(upcoming, settings.tz) if upcoming else None
    return render.cadence_view(t, project, cadence, custom=custom, tz=settings.timezone, next_at=next_at)


# --- exports ----------------------------------------------------------------------------------------


@router.message(command("export"))
async def export_command(message: Message, t: Translator) -> None:
    text, markup = render.export_menu(t)
    await message.answer(text, reply_markup=markup)


@denied.message(command("export"))
async def export_denied(message: Message, t: Translator) -> None:
    await message.answer(t("access.secretariat_only"))


@router.callback_query(ReportExport.filter(F.fmt == ExportFormat.CHOOSE))
async def export_projects(
    query: CallbackQuery, callback_data: ReportExport, session: AsyncSession, t: Translator
) -> None:
    page = await projects_page(session, offset=callback_data.offset, limit=PAGE_SIZE)
    await show(query, *render.export_projects(t, page), edit=callback_data.offset > 0)


@router.callback_query(ReportExport.filter(F.fmt != ExportFormat.CHOOSE), ProjectButton(zero_is_all=True))
async def export(
    query: CallbackQuery,
    callback_data: ReportExport,
    project: ProjectRef | None,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """One project's reports or all (`project` None), as a file in the reader's language."""
    rows = await reports.all_reports(session, project.id if project else None)
    await query.answer()
    if query.message is None:
        return
    stamp = clock().astimezone(settings.tz).strftime("%Y-%m-%d")
    name = f"reports-{project.id if project else 'all'}-{stamp}.{callback_data.fmt}"
    caption = t(
        "reports.export_caption", n=len(rows), what=render.title(t, project) if project else t("reports.all_projects")
    )
    content = _export_file(t, rows, callback_data.fmt, settings)
    await query.message.answer_document(BufferedInputFile(content, name), caption=caption)


def _export_file(t: Translator, rows: list[ReportView], fmt: ExportFormat, settings: Settings) -> bytes:
    words = report_export.Words(
        t.plain("reports.export_columns").split("|"),
        {status: t.plain("reports.status." + status) for status in reports.STATUSES},
        t.plain("reports.export_yes"),
        t.language == "en",
    )
    if fmt == ExportFormat.CSV:
        return report_export.to_csv(rows, settings.tz, words)
    return report_export.to_xlsx(rows, settings.tz, t.plain("reports.export_sheet"), words)


@router.callback_query(ReportLeaders.filter())
@router.callback_query(ReportCadence.filter())
@router.callback_query(ReportExport.filter())
async def gone(query: CallbackQuery, t: Translator) -> None:
    """A project since deleted."""
    await query.answer(t.plain("button.gone"), show_alert=True)
