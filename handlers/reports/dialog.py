"""Reporting progress: /report (or a prompt's or card's button) → project → status → percent →
done / next / help (text, photos, documents) → preview → submit; edit or withdraw for a while;
history on the card; pausing prompts; /status for everyone who may see statuses."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from aiogram import F
from aiogram.filters import CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import dates, reports
from bot.services.access import Viewer
from bot.services.directory import Page, projects_page
from bot.services.outbox import enqueue
from bot.services.reports import Draft, ProjectRef, checkins, notices
from bot.services.reports.chart import status_chart
from bot.settings import Settings
from handlers.common.callbacks import Menu
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.reports import ui as render
from handlers.reports.callbacks import ReportAction, ReportHistory, ReportPause, ReportStart, ReportStep

router = Routes("reports")
CHART_WEEKS = 8
OFF_WORDS = ("off", "stop", "0", "нет", "стоп", "выкл")
# Telegram refuses photos taller than 20 times their width: the chart shows at most this many projects.
CHART_ROWS = 40


class ReportForm(StatesGroup):
    project = State()
    status = State()
    percent = State()
    done = State()
    next = State()
    help = State()
    preview = State()


# The order of the questions; each text answer is kept in the dialog data under the state's name.
STEPS = (ReportForm.status, ReportForm.percent, ReportForm.done, ReportForm.next, ReportForm.help, ReportForm.preview)
TEXT_STEPS = (ReportForm.done, ReportForm.next, ReportForm.help)
ANSWERS = ("status", "percent", "done", "next", "help")


def _name(step: State) -> str:
    return (step.state or "").rpartition(":")[2]


def _after(current: str | None) -> State:
    names = [s.state for s in STEPS]
    return STEPS[names.index(current) + 1] if current in names else STEPS[0]


def _window(settings: Settings) -> timedelta:
    return timedelta(hours=settings.report_edit_hours)


def question(t: Translator, step: State, data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    token, project = data["token"], ProjectRef(data["project"], data["title"], data.get("title_en"))
    editing = bool(data.get("edit"))
    if step == ReportForm.status:
        return render.status_step(
            t, token, project, on_behalf=data.get("behalf", False), current=data.get("status") if editing else None
        )
    if step == ReportForm.percent:
        return render.percent_step(
            t, token, editing=editing and data.get("status") is not None, current=data.get("percent")
        )
    if step in TEXT_STEPS:
        return render.text_step(
            t, token, _name(step), data.get(_name(step)), editing=bool(data.get("edit")), limit=reports.TEXT_LIMIT
        )
    return render.draft_text(t, project, data), render.preview_keyboard(t, token)


async def ask(
    event: Message | CallbackQuery, state: FSMContext, t: Translator, step: State, changes: dict[str, Any] | None = None
) -> None:
    """Move the dialog to `step` and ask its question: in place under a button, anew after a message."""
    data = await state.update_data(changes or {})
    await state.set_state(step)
    await show(event, *question(t, step, data), edit=isinstance(event, CallbackQuery))


async def begin(
    event: Message | CallbackQuery,
    state: FSMContext,
    t: Translator,
    project: ProjectRef,
    *,
    behalf: bool,
    prefill: dict[str, Any] | None = None,
) -> None:
    """A new dialog (a fresh token) for one project, starting with the status."""
    await state.set_data(
        {
            "token": secrets.token_hex(4),
            "project": project.id,
            "title": project.title,
            "title_en": project.title_en,
            "behalf": behalf,
            "attachments": [],
            **(prefill or {}),
        }
    )
    await ask(event, state, t, ReportForm.status)


@router.message(command("report"))
async def report_command(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    led = await reports.led_projects(session, viewer.person_id)
    if not led and not viewer.is_secretariat:
        await state.clear()
        await message.answer(t("reports.not_leader"))
        return
    if len(led) == 1 and not viewer.is_secretariat:
        await begin(message, state, t, led[0], behalf=False)
        return
    token = secrets.token_hex(4)
    await state.set_state(ReportForm.project)
    await state.set_data({"token": token})
    await show(message, *await _picker(session, viewer, t, token, 0), edit=False)


async def _picker(
    session: AsyncSession, viewer: Viewer, t: Translator, token: str, offset: int
) -> tuple[str, InlineKeyboardMarkup]:
    led = await reports.led_projects(session, viewer.person_id)
    if viewer.is_secretariat:
        rows = await projects_page(session, offset=offset, limit=render.PICK_PAGE)
        page = Page([ProjectRef(r.id, r.title, r.title_en) for r in rows.items], rows.total, offset, render.PICK_PAGE)
    else:
        page = Page(led[offset : offset + render.PICK_PAGE], len(led), offset, render.PICK_PAGE)
    return render.project_picker(t, token, page, {p.id for p in led})


@router.callback_query(ReportStart.filter())
async def start_button(
    query: CallbackQuery,
    callback_data: ReportStart,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    project = await reports.project_ref(session, callback_data.project)
    if project is None or not await reports.may_report(
        session, project.id, viewer.person_id, secretariat=viewer.is_secretariat
    ):
        await query.answer(t.plain("reports.not_your_project"), show_alert=True)
        return
    if callback_data.period:
        cadence = await checkins.cadence_of(session, project.id, checkins.default_cadence(settings))
        start = checkins.period_start(cadence, clock(), settings.tz)
        if start is None or checkins.period_key(start) != callback_data.period:
            await query.answer(t.plain("reports.prompt_stale"), show_alert=True)
            return
    led = {p.id for p in await reports.led_projects(session, viewer.person_id)}
    await begin(query, state, t, project, behalf=project.id not in led)


@router.callback_query(ReportStep.filter())
async def step_button(
    query: CallbackQuery,
    callback_data: ReportStep,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    data = await state.get_data()
    current = await state.get_state()
    if current is None or data.get("token") != callback_data.token:
        done = await reports.token_used(session, callback_data.token)
        await query.answer(t.plain("reports.already_sent" if done else "reports.stale"), show_alert=True)
        return
    action, value = callback_data.action, callback_data.value
    if action == "cancel":
        await state.clear()
        await show(query, t("reports.cancelled"), InlineKeyboardMarkup(inline_keyboard=[]), edit=True)
    elif action == "page" and current == ReportForm.project.state and value.isdigit():
        await show(query, *await _picker(session, viewer, t, callback_data.token, int(value)), edit=True)
    elif action == "project" and current == ReportForm.project.state and value.isdigit():
        await start_button(query, ReportStart(project=int(value)), state, session, viewer, t, clock, settings)
    elif action == "status" and current == ReportForm.status.state and value in reports.STATUSES:
        await ask(query, state, t, ReportForm.percent, {"status": value})
    elif action == "percent" and current == ReportForm.percent.state and value.isdigit() and int(value) <= 100:
        await ask(query, state, t, ReportForm.done, {"percent": int(value)})
    elif (
        action in ("skip", "keep")
        and current in {s.state for s in (ReportForm.percent, *TEXT_STEPS)}
        or (action == "keep" and current == ReportForm.status.state)
    ):
        skipped = action == "skip" and current != ReportForm.done.state
        field = (current or "").rpartition(":")[2]
        # a kept percent may be none; any other kept answer must be there
        if not skipped and field != "percent" and not data.get(field):
            await query.answer(t.plain("reports.empty"), show_alert=True)
            return
        await ask(query, state, t, _after(current), {field: None} if skipped else {})
    elif action == "restart" and current == ReportForm.preview.state:
        # Start over means from nothing: answers and attachments go; an edit stays an edit of its report.
        data = {key: value for key, value in data.items() if key not in ANSWERS} | {"attachments": []}
        await state.set_data(data)
        await state.set_state(ReportForm.status)
        text, markup = question(t, ReportForm.status, data)
        await show(query, t("reports.restarted") + "\n\n" + text, markup, edit=True)
    elif action == "submit" and current == ReportForm.preview.state:
        await submit(query, state, data, session, viewer, t, clock, settings)
    else:
        await query.answer(t.plain("reports.stale"), show_alert=True)


async def submit(
    query: CallbackQuery,
    state: FSMContext,
    data: dict[str, Any],
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    draft = Draft(
        data["project"],
        data["status"],
        data.get("percent"),
        data["done"],
        data.get("next"),
        data.get("help"),
        list(data.get("attachments") or ()),
    )
    await state.clear()
    if not await reports.may_report(session, draft.project_id, viewer.person_id, secretariat=viewer.is_secretariat):
        await query.answer(t.plain("reports.not_your_project"), show_alert=True)  # no longer a leader
        return
    was = (
        await reports.report(session, data["edit"])
        if data.get("edit")
        else await reports.latest(session, draft.project_id)
    )
    if data.get("edit"):
        view = await reports.amend(
            session, data["edit"], draft, by=viewer.telegram_id, now=clock(), window=_window(settings)
        )
        if view is None:
            await query.answer(t.plain("reports.edit_expired"), show_alert=True)
            return
    else:
        view, _ = await reports.submit(
            session,
            data["token"],
            draft,
            person_id=viewer.person_id,
            submitted_by=viewer.telegram_id,
            on_behalf=bool(data.get("behalf")),
            now=clock(),
            tz=settings.tz,
        )
    text = (
        render.draft_text(t, view.project, data)
        + "\n\n"
        + render.sent_text(t, view, edited=bool(data.get("edit")), hours=settings.report_edit_hours)
    )
    cadence = await checkins.cadence_of(session, view.project.id, checkins.default_cadence(settings))
    if not data.get("edit") and (soon := checkins.opens_soon(cadence, clock(), settings.tz)):
        text += "\n" + t("reports.counts_for_next", start=render.moment(soon, settings.tz))
    # Enqueued before the sender's screen changes: that call commits the report, and the notices with it.
    told = await notices.reported(session, view, was, settings, render.NOTICES, edited=bool(data.get("edit")))
    await enqueue(session, told, clock())
    await show(query, text, render.sent_keyboard(t, view.id), edit=True)


@router.message(ReportForm.percent, F.text)
async def percent_typed(message: Message, state: FSMContext, t: Translator) -> None:
    value = (message.text or "").strip().rstrip("%").strip()
    if not value.isdigit() or int(value) > 100:
        await message.answer(t("reports.bad_percent"))
        return
    await ask(message, state, t, ReportForm.done, {"percent": int(value)})


@router.message(StateFilter(*TEXT_STEPS))
async def text_answer(message: Message, state: FSMContext, t: Translator) -> None:
    """Text, or a photo or document (its caption the text): files are kept by their file_id."""
    data = await state.get_data()
    attachments = list(data.get("attachments") or ())
    attached = _attachment(message)
    if attached and len(attachments) >= reports.MAX_ATTACHMENTS:
        await message.answer(t("reports.too_many_files", n=reports.MAX_ATTACHMENTS))
        return
    if attached:
        attachments.append(attached)
        await state.update_data(attachments=attachments)
    text = (message.text if message.text is not None else message.caption or "").strip()
    if not text:
        key = "reports.attached" if attached else "reports.empty" if message.text is not None else "reports.text_please"
        await message.answer(t(key, n=len(attachments)))
        return
    if len(text) > reports.TEXT_LIMIT:
        await message.answer(t("reports.too_long", limit=reports.TEXT_LIMIT, n=len(text)))
        return
    current = await state.get_state()
    if attached:  # a caption is an answer too: say so, not silently
        await message.answer(t("reports.caption_taken", n=len(attachments)))
    await ask(message, state, t, _after(current), {(current or "").rpartition(":")[2]: text})


def _attachment(message: Message) -> dict[str, Any] | None:
    if message.photo:
        return {"kind": "photo", "file_id": message.photo[-1].file_id}
    if message.document:
        return {"kind": "document", "file_id": message.document.file_id, "name": message.document.file_name}
    return None


@router.message(StateFilter(ReportForm))
async def use_buttons(message: Message, state: FSMContext, t: Translator) -> None:
    """Where the dialog waits for a button, anything typed gets the question again."""
    data = await state.get_data()
    current = await state.get_state()
    await message.answer(t("reports.use_buttons"))
    if current == ReportForm.project.state or "project" not in data:
        return
    step = next(s for s in STEPS if s.state == current)
    await show(message, *question(t, step, data), edit=False)


@router.callback_query(ReportAction.filter())
async def report_action(
    query: CallbackQuery,
    callback_data: ReportAction,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    action = callback_data.action
    if action == "files":
        await send_files(query, callback_data.report, session, viewer, t)
        return
    view = await reports.editable(session, callback_data.report, viewer.telegram_id, clock(), _window(settings))
    if view is None:
        await query.answer(t.plain("reports.edit_expired"), show_alert=True)
        return
    if action == "edit":
        prefill = {
            "edit": view.id,
            "status": view.status,
            "percent": view.percent,
            "done": view.done,
            "next": view.next_steps,
            "help": view.help_needed,
            "attachments": view.attachments,
        }
        await begin(query, state, t, view.project, behalf=view.on_behalf, prefill=prefill)
    elif action == "withdraw":
        await show(
            query,
            t("reports.withdraw_confirm", project=render.title(t, view.project)),
            render.withdraw_keyboard(t, view.id),
            edit=True,
        )
    elif action == "withdraw_yes":
        await reports.withdraw(session, view.id, by=viewer.telegram_id, now=clock(), window=_window(settings))
        await enqueue(session, await notices.withdrawn(session, view, settings, render.NOTICES), clock())
        await show(
            query,
            t("reports.withdrawn", project=render.title(t, view.project)),
            InlineKeyboardMarkup(inline_keyboard=[]),
            edit=True,
        )
    else:
        data = {
            "status": view.status,
            "percent": view.percent,
            "done": view.done,
            "next": view.next_steps,
            "help": view.help_needed,
            "attachments": view.attachments,
        }
        await show(query, render.draft_text(t, view.project, data), render.sent_keyboard(t, view.id), edit=True)


async def send_files(
    query: CallbackQuery, report_id: int, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    view = await reports.report(session, report_id)
    if view is None or view.withdrawn_at or not viewer.is_member or query.message is None:
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
async def history(
    query: CallbackQuery,
    callback_data: ReportHistory,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    settings: Settings,
) -> None:
    project = await reports.project_ref(session, callback_data.project)
    if not viewer.is_member or project is None:
        await query.answer(t.plain("reports.status_members_only" if project else "button.gone"), show_alert=True)
        return
    page = await reports.history(session, project.id, offset=callback_data.offset, limit=render.HISTORY_PAGE)
    await show(query, *render.history_page(t, project, page, settings.tz), edit=callback_data.offset > 0)


@router.callback_query(ReportPause.filter())
async def pause(
    query: CallbackQuery,
    callback_data: ReportPause,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if viewer.person_id is None or not viewer.is_leader:
        await query.answer(t.plain("reports.not_leader_short"), show_alert=True)
        return
    today = clock().astimezone(settings.tz).date()
    weeks = callback_data.weeks
    if weeks < 0:
        await show(query, *await _pause_choices(session, viewer.person_id, t, today), edit=False)
        return
    until = today + timedelta(weeks=min(weeks, 52)) if weeks else None
    await checkins.pause(session, viewer.person_id, until)
    await show(query, _paused_text(t, until), InlineKeyboardMarkup(inline_keyboard=[]), edit=True)


@router.message(command("pause"))
async def pause_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """`/pause` shows the choices, `/pause 15.01.2027` pauses up to that day, `/pause off` resumes."""
    if viewer.person_id is None or not viewer.is_leader:
        await message.answer(t("reports.not_leader_short"))
        return
    today = clock().astimezone(settings.tz).date()
    argument = (command.args or "").strip().lower()
    if not argument:
        text, markup = await _pause_choices(session, viewer.person_id, t, today)
        await message.answer(text, reply_markup=markup)
        return
    until = None if argument in OFF_WORDS else _typed_day(argument, today)
    if argument not in OFF_WORDS and (until is None or not today <= until <= today + timedelta(days=366)):
        await message.answer(t("reports.bad_pause_date"))
        return
    await checkins.pause(session, viewer.person_id, until)
    await message.answer(_paused_text(t, until))


async def _pause_choices(
    session: AsyncSession, person_id: int, t: Translator, today: date
) -> tuple[str, InlineKeyboardMarkup]:
    until = await checkins.paused_until(session, person_id, today)
    text = t("reports.paused_until", day=until.strftime("%d.%m.%Y")) if until else t("reports.pause_ask")
    return text, render.pause_keyboard(t, paused=until is not None)


def _typed_day(text: str, today: date) -> date | None:
    try:
        return dates.parse_day(text, today)
    except dates.DateProblem:
        return None


def _paused_text(t: Translator, until: date | None) -> str:
    return t("reports.paused_until", day=until.strftime("%d.%m.%Y")) if until else t("reports.resumed")


@router.message(command("status"))
@router.callback_query(Menu.filter(F.name == "status"))
async def status_now(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    message = event if isinstance(event, Message) else event.message
    if isinstance(event, CallbackQuery):
        await event.answer()
    if message is None:
        return
    if not viewer.is_member:
        await message.answer(t("reports.status_members_only"))
        return
    now = clock()
    view = await reports.overview(
        session,
        now,
        settings.tz,
        default=checkins.default_cadence(settings),
        default_language=settings.default_language,
    )
    for text in render.overview_text(
        t,
        view,
        settings.tz,
        t("reports.status_title", now=render.moment(now, settings.tz)),
        secretariat=viewer.is_secretariat,
    ):
        await message.answer(text)
    grid = await reports.status_grid(session, now, settings.tz, weeks=CHART_WEEKS, limit=CHART_ROWS)
    if grid.projects:
        png = status_chart(
            t.plain("reports.chart_title"),
            [render.title(t, p) for p in grid.projects],
            [w.astimezone(settings.tz).strftime("%d.%m") for w in grid.weeks],
            grid.cells,
            render.chart_legend(t),
        )
        caption = t.plural("reports.chart_caption", CHART_WEEKS, weeks=CHART_WEEKS)
        if grid.total > len(grid.projects):
            caption += t("reports.chart_cut", shown=len(grid.projects), total=grid.total)
        await message.answer_photo(BufferedInputFile(png, "status.png"), caption=caption)


@router.message(command("export"))
async def export_denied(message: Message, t: Translator) -> None:
    """The secretariat's /export is in reports_manage; everyone else is told whose it is."""
    await message.answer(t("access.secretariat_only"))
