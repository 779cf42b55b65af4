"""The secretariat's side of progress reports: a project's leaders, its check-in cadence, the
reports menu and exports (CSV, XLSX)."""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import access, audit, reports
from bot.services.access import Viewer
from bot.services.directory import projects_page
from bot.services.outbox import Outgoing, enqueue
from bot.services.reports import checkins
from bot.services.reports import export as report_export
from bot.settings import Settings
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import SecretariatOnly
from handlers.common.messages import show
from handlers.common.notify import set_commands_for
from handlers.common.render import PAGE_SIZE, localized, pager, short
from handlers.common.routes import Routes, command
from handlers.reports import ui as render
from handlers.reports.callbacks import ReportCadence, ReportExport, ReportLeaders, ReportStart

router = Routes("reports_manage")
router.filter("message", SecretariatOnly())
router.filter("callback_query", SecretariatOnly())


@router.callback_query(Menu.filter(F.name == "reports"))
async def menu(query: CallbackQuery, t: Translator) -> None:
    text, markup = render.export_menu(t)
    kb = InlineKeyboardBuilder.from_markup(markup)
    kb.row(InlineKeyboardButton(text=t("reports.status_button"), callback_data=Menu(name=MenuItem.STATUS).pack()))
    kb.row(
        InlineKeyboardButton(
            text=t("reports.projects_button"), callback_data=ReportLeaders(project=0, action="projects").pack()
        )
    )
    await show(query, text, kb.as_markup(), edit=False)


@router.callback_query(ReportLeaders.filter(F.action == "projects"))
async def projects(query: CallbackQuery, callback_data: ReportLeaders, session: AsyncSession, t: Translator) -> None:
    page = await projects_page(session, offset=callback_data.offset, limit=PAGE_SIZE)
    kb = InlineKeyboardBuilder()
    for row in page.items:
        kb.row(
            InlineKeyboardButton(
                text=short(localized(t, row.title, row.title_en)),
                callback_data=ReportLeaders(project=row.id, action="show").pack(),
            )
        )
    pager(kb, page, lambda offset: ReportLeaders(project=0, action="projects", offset=offset))
    await show(query, t("reports.projects_title"), kb.as_markup(), edit=callback_data.offset > 0)


@router.callback_query(ReportLeaders.filter())
async def leaders(
    query: CallbackQuery,
    callback_data: ReportLeaders,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    project = await reports.project_ref(session, callback_data.project)
    if project is None:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    if callback_data.action == "candidates":
        page = await reports.candidates(session, project.id, offset=callback_data.offset, limit=PAGE_SIZE)
        await show(query, *render.candidates_view(t, project, page), edit=True)
        return
    if callback_data.action in ("add", "remove"):
        adding = callback_data.action == "add"
        person = await reports.set_leader(
            session, project.id, callback_data.person, leader=adding, actor=viewer.telegram_id, now=clock()
        )
        if person is None:
            await query.answer(t.plain("admin.not_member"), show_alert=True)
            return
        if person.telegram_id:
            await tell_leader(session, person, project, adding, clock, bot, settings)
    await show(query, *render.leaders_view(t, project, await reports.project_leaders(session, project.id)), edit=True)


async def tell_leader(
    session: AsyncSession,
    person: reports.PersonRef,
    project: reports.ProjectRef,
    adding: bool,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    """The person learns they lead the project (with a Report button) and gets the matching command menu."""
    assert person.telegram_id is not None
    told = Translator(await access.account_language(session, person.telegram_id, settings.default_language))
    now = clock()
    kb = InlineKeyboardBuilder()
    if adding:
        kb.button(text=told("reports.report_now"), callback_data=ReportStart(project=project.id))
    text = told("reports.you_lead" if adding else "reports.you_no_longer_lead", project=render.title(told, project))
    await enqueue(
        session,
        [
            Outgoing(
                key=f"leader:{project.id}:{person.id}:{int(now.timestamp())}:{int(adding)}",
                chat_id=person.telegram_id,
                kind="notice",
                text=text,
                reply_markup=kb.as_markup().model_dump(exclude_none=True),
            )
        ],
        now,
    )
    roles = frozenset(await access.roles_of(session, person.id))
    await set_commands_for(bot, person.telegram_id, language=told.language, roles=roles)


@router.callback_query(ReportCadence.filter())
async def cadence(
    query: CallbackQuery,
    callback_data: ReportCadence,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    project = await reports.project_ref(session, callback_data.project)
    if project is None:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    default = checkins.default_cadence(settings.report_checkin_day, settings.report_checkin_hour)
    current = await checkins.cadence_of(session, project.id, default)
    changed = _changed(current, callback_data.field, callback_data.value)
    if changed is None and callback_data.field != "show":
        await query.answer(t.plain("reports.stale"), show_alert=True)
        return
    if changed is not None:
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
    custom = changed is not None or await checkins.has_cadence(session, project.id)
    upcoming = checkins.next_start(changed or current, clock(), settings.tz)
    await show(
        query,
        *render.cadence_view(
            t,
            project,
            changed or current,
            custom=custom,
            tz=settings.timezone,
            next_at=render.moment(upcoming, settings.tz) if upcoming else None,
        ),
        edit=True,
    )


def _changed(current: checkins.Cadence, field: str, value: int) -> checkins.Cadence | None:
    """The cadence after one button, or None if the button makes no sense (forged or stale)."""
    if field == "frequency" and 0 <= value < len(checkins.FREQUENCIES):
        frequency = checkins.FREQUENCIES[value]
        monthly, was_monthly = frequency == "monthly", current.frequency == "monthly"
        day = current.day if monthly == was_monthly else (1 if monthly else 0)
        return checkins.Cadence(frequency, day, current.hour)
    if field == "day" and current.active:
        valid = 1 <= value <= checkins.MONTH_DAYS if current.frequency == "monthly" else 0 <= value <= 6
        return checkins.Cadence(current.frequency, value, current.hour) if valid else None
    if field == "hour" and current.active and 0 <= value <= 23:
        return checkins.Cadence(current.frequency, current.day, value)
    return None


@router.message(command("export"))
async def export_command(message: Message, t: Translator) -> None:
    text, markup = render.export_menu(t)
    await message.answer(text, reply_markup=markup)


@router.callback_query(ReportExport.filter(F.fmt == ""))
async def export_projects(
    query: CallbackQuery, callback_data: ReportExport, session: AsyncSession, t: Translator
) -> None:
    page = await projects_page(session, offset=callback_data.offset, limit=PAGE_SIZE)
    await show(query, *render.export_projects(t, page), edit=callback_data.offset > 0)


@router.callback_query(ReportExport.filter(F.fmt.in_({"csv", "xlsx"})))
async def export(
    query: CallbackQuery,
    callback_data: ReportExport,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    project = await reports.project_ref(session, callback_data.project) if callback_data.project else None
    if callback_data.project and project is None:
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    rows = await reports.all_reports(session, project.id if project else None)
    await query.answer()
    if query.message is None:
        return
    stamp = clock().astimezone(settings.tz).strftime("%Y-%m-%d")
    name = f"reports-{project.id if project else 'all'}-{stamp}.{callback_data.fmt}"
    words = report_export.Words(
        t.plain("reports.export_columns").split("|"),
        {status: t.plain("reports.status." + status) for status in reports.STATUSES},
        t.plain("reports.export_yes"),
        t.language == "en",
    )
    content = (
        report_export.to_csv(rows, settings.tz, words)
        if callback_data.fmt == "csv"
        else report_export.to_xlsx(rows, settings.tz, t.plain("reports.export_sheet"), words)
    )
    caption = t(
        "reports.export_caption", n=len(rows), what=render.title(t, project) if project else t("reports.all_projects")
    )
    await query.message.answer_document(BufferedInputFile(content, name), caption=caption)
