"""The reporting dialog: /report (or a prompt's or card's Report button) → the project, when there
is a choice → status → percent → done / next / help (text, photos, documents) → preview → send.
Its data is a ReportDialog (form.py); its buttons carry the dialog's token, so that a button of a
finished or older dialog is answered "out of date" (filters.LiveDialog). Editing a sent report
(sent.py) is this dialog again, every answer given."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import reports
from bot.services.access import Viewer
from bot.services.directory import Page, projects_page
from bot.services.directory.search import DirectorySearch
from bot.services.outbox import enqueue
from bot.services.reports import Draft, ProjectRef, ReportView, checkins, notices
from bot.settings import Settings
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.help_requests import opening as help_requests
from handlers.reports import ui as render
from handlers.reports.callbacks import ReportStart, ReportStep, ReportStepAction
from handlers.reports.filters import LiveDialog, OfThisPeriod, Reportable, Reporter
from handlers.reports.form import (
    ANSWER,
    SKIPPED_ANSWER,
    STEPS,
    TEXT_ANSWER,
    ReportDialog,
    ReportForm,
    after,
    dialog_of,
    update_dialog,
)

router = Routes("reports")
# The picker's project button: the filter is shared by the handler starting and the one refusing.
PICKED = ReportStep.filter((F.action == ReportStepAction.PROJECT) & F.value.isdigit())


def question(t: Translator, step: State, dialog: ReportDialog) -> tuple[str, InlineKeyboardMarkup]:
    token = dialog["token"]
    project = ProjectRef(dialog["project"], dialog["title"], dialog.get("title_en"))
    editing = bool(dialog.get("edit"))
    if step == ReportForm.status:
        current = dialog.get("status") if editing else None
        text, markup = render.status_step(t, token, project, on_behalf=dialog.get("behalf", False), current=current)
        return text + render.previous_report(t, dialog.get("planned"), dialog.get("asked")), markup
    if step == ReportForm.percent:
        editing_percent = editing and dialog.get("status") is not None
        return render.percent_step(t, token, editing=editing_percent, current=dialog.get("percent"))
    if (field := TEXT_ANSWER.get(step.state)) is not None:
        text, markup = render.text_step(t, token, field, dialog.get(field), editing=editing, limit=reports.TEXT_LIMIT)
        if field == "done":  # what was done is told against what was planned
            text += render.previous_report(t, dialog.get("planned"), dialog.get("asked"))
        return text, markup
    return render.draft_text(t, project, dialog), render.preview_keyboard(t, token)


async def ask(
    event: Message | CallbackQuery, state: FSMContext, t: Translator, step: State, changes: ReportDialog | None = None
) -> None:
    """Move the dialog to `step` and ask its question: in place under a button, anew after a message."""
    dialog = await update_dialog(state, changes or {})
    await state.set_state(step)
    await show(event, *question(t, step, dialog), edit=isinstance(event, CallbackQuery))


async def begin(
    event: Message | CallbackQuery,
    state: FSMContext,
    t: Translator,
    project: ProjectRef,
    *,
    behalf: bool,
    answers: ReportDialog | None = None,
    previous: ReportView | None = None,
) -> None:
    """A new dialog (a fresh token) for one project, starting with the status; `answers` when
    editing a report; `previous`, the project's latest report, when starting the next one."""
    dialog: ReportDialog = {
        "token": secrets.token_hex(4),
        "project": project.id,
        "title": project.title,
        "title_en": project.title_en,
        "behalf": behalf,
        "attachments": [],
        **(answers or {}),
    }
    if previous is not None:
        dialog["planned"], dialog["asked"] = previous.next_steps, previous.help_needed
    await state.set_data(dialog)
    await ask(event, state, t, ReportForm.status)


# --- starting -------------------------------------------------------------------------------------


@router.message(command("report"), Reporter())
async def report_command(
    message: Message, led: list[ProjectRef], state: FSMContext, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    """A leader of one project starts on it; of several, or the secretariat, choose it first."""
    if len(led) == 1 and not viewer.is_secretariat:
        await begin(message, state, t, led[0], behalf=False, previous=await reports.last_plan(session, led[0].id))
        return
    token = secrets.token_hex(4)
    await state.set_state(ReportForm.project)
    await state.set_data(ReportDialog(token=token))
    await show(message, *await _picker(session, viewer, t, token, 0), edit=False)


@router.message(command("report"))
async def not_a_leader(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("reports.not_leader"))


@router.callback_query(
    ReportStep.filter((F.action == ReportStepAction.PAGE) & F.value.isdigit()), ReportForm.project, LiveDialog()
)
async def picker_page(
    query: CallbackQuery, callback_data: ReportStep, session: AsyncSession, viewer: Viewer, t: Translator
) -> None:
    await show(query, *await _picker(session, viewer, t, callback_data.token, int(callback_data.value)), edit=True)


async def _picker(
    session: AsyncSession, viewer: Viewer, t: Translator, token: str, offset: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The leader's projects (⭐); for the secretariat every project, the ones it leads starred."""
    led = await reports.led_projects(session, viewer.person_id)
    if viewer.is_secretariat:
        rows = await projects_page(session, offset=offset, limit=render.PICK_PAGE)
        page = Page([ProjectRef(r.id, r.title, r.title_en) for r in rows.items], rows.total, offset, render.PICK_PAGE)
    else:
        page = Page(led[offset : offset + render.PICK_PAGE], len(led), offset, render.PICK_PAGE)
    return render.project_picker(t, token, page, {p.id for p in led})


@router.callback_query(ReportStart.filter(), Reportable(), OfThisPeriod())
@router.callback_query(PICKED, ReportForm.project, LiveDialog(), Reportable())
async def start(
    query: CallbackQuery, reporting: reports.Reporting, state: FSMContext, session: AsyncSession, t: Translator
) -> None:
    previous = await reports.last_plan(session, reporting.project.id)
    await begin(query, state, t, reporting.project, behalf=reporting.on_behalf, previous=previous)


@router.callback_query(ReportStart.filter(), Reportable())
async def prompt_of_an_earlier_period(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("reports.prompt_stale"), show_alert=True)


@router.callback_query(ReportStart.filter())
@router.callback_query(PICKED, ReportForm.project, LiveDialog())
async def not_your_project(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("reports.not_your_project"), show_alert=True)


# --- the questions ----------------------------------------------------------------------------------


@router.callback_query(
    ReportStep.filter((F.action == ReportStepAction.STATUS) & F.value.in_(reports.STATUSES)),
    ReportForm.status,
    LiveDialog(),
)
async def status(query: CallbackQuery, callback_data: ReportStep, state: FSMContext, t: Translator) -> None:
    await ask(query, state, t, ReportForm.percent, {"status": callback_data.value})


@router.callback_query(
    ReportStep.filter((F.action == ReportStepAction.PERCENT) & F.value.isdigit() & (F.value.cast(int) <= 100)),
    ReportForm.percent,
    LiveDialog(),
)
async def percent(query: CallbackQuery, callback_data: ReportStep, state: FSMContext, t: Translator) -> None:
    await ask(query, state, t, ReportForm.done, {"percent": int(callback_data.value)})


@router.message(ReportForm.percent, F.text)
async def percent_typed(message: Message, state: FSMContext, t: Translator) -> None:
    value = (message.text or "").strip().rstrip("%").strip()
    if not value.isdigit() or int(value) > 100:
        await message.answer(t("reports.bad_percent"))
        return
    await ask(message, state, t, ReportForm.done, {"percent": int(value)})


@router.callback_query(
    ReportStep.filter(F.action == ReportStepAction.SKIP),
    StateFilter(*SKIPPED_ANSWER),
    LiveDialog(),
)
async def skip(query: CallbackQuery, state: FSMContext, raw_state: str, t: Translator) -> None:
    skipped: ReportDialog = {}
    skipped[SKIPPED_ANSWER[raw_state]] = None
    await ask(query, state, t, after(raw_state), skipped)


@router.callback_query(
    ReportStep.filter(F.action == ReportStepAction.KEEP),
    StateFilter(*ANSWER),
    LiveDialog(),
)
# A Skip of an earlier question (the percent's, under its message after the percent was typed)
# reaches the done step, which may not be skipped: it keeps the answer there is, as Keep does.
@router.callback_query(ReportStep.filter(F.action == ReportStepAction.SKIP), ReportForm.done, LiveDialog())
async def keep(query: CallbackQuery, dialog: ReportDialog, state: FSMContext, raw_state: str, t: Translator) -> None:
    """Editing: the answer stays as it was; a percent may stay none, any other answer must be there."""
    field = ANSWER[raw_state]
    if field != "percent" and not dialog.get(field):
        await query.answer(t.plain("reports.empty"), show_alert=True)
        return
    await ask(query, state, t, after(raw_state))


@router.message(StateFilter(*TEXT_ANSWER))
async def text_answer(message: Message, state: FSMContext, raw_state: str, t: Translator) -> None:
    """Text, or a photo or document (its caption the text): files are kept by their file_id."""
    attachments = list((await dialog_of(state)).get("attachments") or ())
    attached = _attachment(message)
    if attached and len(attachments) >= reports.MAX_ATTACHMENTS:
        await message.answer(t("reports.too_many_files", n=reports.MAX_ATTACHMENTS))
        return
    if attached:
        attachments.append(attached)
        await update_dialog(state, {"attachments": attachments})
    text = (message.text if message.text is not None else message.caption or "").strip()
    if not text:
        key = "reports.attached" if attached else "reports.empty" if message.text is not None else "reports.text_please"
        await message.answer(t(key, n=len(attachments)))
        return
    if len(text) > reports.TEXT_LIMIT:
        await message.answer(t("reports.too_long", limit=reports.TEXT_LIMIT, n=len(text)))
        return
    if attached:  # a caption is an answer too: say so, not silently
        await message.answer(t("reports.caption_taken", n=len(attachments)))
    answer: ReportDialog = {}
    answer[TEXT_ANSWER[raw_state]] = text
    await ask(message, state, t, after(raw_state), answer)


def _attachment(message: Message) -> dict[str, Any] | None:
    if message.photo:
        return {"kind": "photo", "file_id": message.photo[-1].file_id}
    if message.document:
        return {"kind": "document", "file_id": message.document.file_id, "name": message.document.file_name}
    return None


@router.message(StateFilter(ReportForm))
async def use_buttons(message: Message, state: FSMContext, raw_state: str, t: Translator) -> None:
    """Where the dialog waits for a button, anything typed gets the question again."""
    dialog = await dialog_of(state)
    await message.answer(t("reports.use_buttons"))
    if raw_state == ReportForm.project.state or "project" not in dialog:
        return
    step = next(s for s in STEPS if s.state == raw_state)
    await show(message, *question(t, step, dialog), edit=False)


# --- the preview ------------------------------------------------------------------------------------


@router.callback_query(ReportStep.filter(F.action == ReportStepAction.RESTART), ReportForm.preview, LiveDialog())
async def restart(query: CallbackQuery, dialog: ReportDialog, state: FSMContext, t: Translator) -> None:
    """Start over means from nothing: answers and attachments go; an edit stays an edit of its report."""
    for answer in ANSWER.values():
        dialog.pop(answer, None)
    dialog["attachments"] = []
    await state.set_data(dialog)
    await state.set_state(ReportForm.status)
    text, markup = question(t, ReportForm.status, dialog)
    await show(query, t("reports.restarted") + "\n\n" + text, markup, edit=True)


@router.callback_query(ReportStep.filter(F.action == ReportStepAction.SUBMIT), ReportForm.preview, LiveDialog())
async def submit(
    query: CallbackQuery,
    dialog: ReportDialog,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    search: DirectorySearch,
) -> None:
    await state.clear()
    draft = _draft(dialog)
    if not await reports.may_report(session, draft.project_id, viewer.person_id, secretariat=viewer.is_secretariat):
        await query.answer(t.plain("reports.not_your_project"), show_alert=True)  # no longer a leader
        return
    editing, now = dialog.get("edit"), clock()
    was = await reports.report(session, editing) if editing else await reports.latest(session, draft.project_id)
    view = await _save(session, dialog, draft, viewer, now, settings)
    if view is None:
        await query.answer(t.plain("reports.edit_expired"), show_alert=True)
        return
    # Enqueued before the sender's screen changes: that call commits the report, and the notices with it.
    # The help request's alert first: for a report of trouble it is the trouble alert too (one key).
    await help_requests.report_saved(session, search, settings, view, now)
    await enqueue(
        session, await notices.reported(session, view, was, settings, render.NOTICES, edited=bool(editing)), now
    )
    text = await _sent_text(session, t, view, dialog, now, settings)
    await show(query, text, render.sent_keyboard(t, view.id), edit=True)


def _draft(dialog: ReportDialog) -> Draft:
    return Draft(
        dialog["project"],
        dialog["status"],
        dialog.get("percent"),
        dialog["done"],
        dialog.get("next"),
        dialog.get("help"),
        list(dialog.get("attachments") or ()),
    )


async def _save(
    session: AsyncSession, dialog: ReportDialog, draft: Draft, viewer: Viewer, now: datetime, settings: Settings
) -> ReportView | None:
    """The report edited (None when its window closed meanwhile), or sent: once per dialog token."""
    if editing := dialog.get("edit"):
        window = reports.edit_window(settings)
        return await reports.amend(session, editing, draft, by=viewer.telegram_id, now=now, window=window)
    view, _ = await reports.submit(
        session,
        dialog["token"],
        draft,
        person_id=viewer.person_id,
        submitted_by=viewer.telegram_id,
        on_behalf=bool(dialog.get("behalf")),
        now=now,
        tz=settings.tz,
    )
    return view


async def _sent_text(
    session: AsyncSession, t: Translator, view: ReportView, dialog: ReportDialog, now: datetime, settings: Settings
) -> str:
    """The report as sent, and when it also answers the period about to open, that too."""
    edited = bool(dialog.get("edit"))
    text = render.draft_text(t, view.project, dialog) + "\n\n"
    text += render.sent_text(t, view, edited=edited, hours=settings.report_edit_hours)
    cadence = await checkins.cadence_of(session, view.project.id, checkins.default_cadence(settings))
    if not edited and (soon := checkins.opens_soon(cadence, now, settings.tz)):
        text += "\n" + t("reports.counts_for_next", start=render.moment(soon, settings.tz))
    return text


# --- leaving, and buttons no handler above took ----------------------------------------------------


@router.callback_query(ReportStep.filter(F.action == ReportStepAction.CANCEL), LiveDialog())
async def cancel(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await show(query, t("reports.cancelled"), InlineKeyboardMarkup(inline_keyboard=[]), edit=True)


@router.callback_query(ReportStep.filter(), LiveDialog())
async def not_at_this_step(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("reports.stale"), show_alert=True)


@router.callback_query(ReportStep.filter())
async def not_this_dialog(
    query: CallbackQuery, callback_data: ReportStep, session: AsyncSession, t: Translator
) -> None:
    """A button of a dialog that is over: its report sent, or left."""
    sent = await reports.token_used(session, callback_data.token)
    await query.answer(t.plain("reports.already_sent" if sent else "reports.stale"), show_alert=True)
