"""A sent report, for its sender while REPORT_EDIT_HOURS last (filters.Editable): edit it (the
dialog again, every answer given), withdraw it after a confirmation, or keep it after all."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import help_requests, reports
from bot.services.access import Viewer
from bot.services.outbox import enqueue
from bot.services.reports import ReportView, notices
from bot.settings import Settings
from handlers.common.messages import show
from handlers.common.routes import Routes
from handlers.reports import ui as render
from handlers.reports.callbacks import ReportAction, SentReportAction
from handlers.reports.dialog import begin
from handlers.reports.filters import Editable
from handlers.reports.form import ReportDialog

router = Routes("reports_sent")
BY_SENDER = {SentReportAction.EDIT, SentReportAction.WITHDRAW, SentReportAction.WITHDRAW_YES, SentReportAction.KEEP}


def _answers(sent: ReportView) -> ReportDialog:
    return {
        "status": sent.status,
        "percent": sent.percent,
        "done": sent.done,
        "next": sent.next_steps,
        "help": sent.help_needed,
        "attachments": sent.attachments,
    }


@router.callback_query(ReportAction.filter(F.action == SentReportAction.EDIT), Editable())
async def edit(query: CallbackQuery, sent: ReportView, state: FSMContext, t: Translator) -> None:
    answers: ReportDialog = {"edit": sent.id, **_answers(sent)}
    await begin(query, state, t, sent.project, behalf=sent.on_behalf, answers=answers)


@router.callback_query(ReportAction.filter(F.action == SentReportAction.WITHDRAW), Editable())
async def withdraw_asked(query: CallbackQuery, sent: ReportView, t: Translator) -> None:
    text = t("reports.withdraw_confirm", project=render.title(t, sent.project))
    await show(query, text, render.withdraw_keyboard(t, sent.id), edit=True)


@router.callback_query(ReportAction.filter(F.action == SentReportAction.WITHDRAW_YES), Editable())
async def withdraw(
    query: CallbackQuery,
    sent: ReportView,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    now = clock()
    await reports.withdraw(session, sent.id, by=viewer.telegram_id, now=now, window=reports.edit_window(settings))
    await help_requests.withdrawn(session, sent.id)
    await enqueue(session, await notices.withdrawn(session, sent, settings, render.NOTICES), now)
    text = t("reports.withdrawn", project=render.title(t, sent.project))
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=[]), edit=True)


@router.callback_query(ReportAction.filter(F.action == SentReportAction.KEEP), Editable())
async def keep(query: CallbackQuery, sent: ReportView, t: Translator) -> None:
    """Not withdrawn after all: the report again, with its buttons."""
    await show(query, render.draft_text(t, sent.project, _answers(sent)), render.sent_keyboard(t, sent.id), edit=True)


@router.callback_query(ReportAction.filter(F.action.in_(BY_SENDER)))
async def edit_expired(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("reports.edit_expired"), show_alert=True)
