"""Texts and keyboards of progress reports: the dialog, prompts, cards, history, digests, settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator, escape
from bot.services.directory import Page
from bot.services.notices import Rendered
from bot.services.reports import STATUSES, Overview, PersonRef, ProjectRef, ProjectStatus, ReportView
from bot.services.reports.attention import LATE, MISSED, ON_TIME, Attention, Punctuality, Reason, Totals
from bot.services.reports.checkins import FREQUENCIES, MONTH_DAYS, Cadence
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.render import TEXT_LIMIT, chunks, localized, pager, short
from handlers.directory.callbacks import Card
from handlers.reports.callbacks import (
    CadenceField,
    ExportFormat,
    LeadersAction,
    ReportAction,
    ReportCadence,
    ReportExport,
    ReportHistory,
    ReportLeaders,
    ReportPause,
    ReportStart,
    ReportStep,
    ReportStepAction,
    SentReportAction,
)
from handlers.reports.form import ReportDialog

ICONS: dict[str | None, str] = {"on_track": "🟢", "at_risk": "🟡", "blocked": "🔴", None: "⚪"}
PERCENTS = (0, 10, 25, 50, 75, 90, 100)
PAUSE_WEEKS = (1, 2, 4)
HOURS = tuple(range(7, 22))
# One report a page: three answers of up to 1,000 characters each already fill most of a message.
HISTORY_PAGE = 1
PICK_PAGE = 8


def title(t: Translator, project: ProjectRef) -> str:
    return localized(t, project.title, project.title_en)


def status_label(t: Translator, status: str | None) -> str:
    return f"{ICONS[status]} {t('reports.status.' + (status or 'none'))}"


def day(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y")


def moment(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%d.%m.%Y %H:%M")


# --- the dialog --------------------------------------------------------------------------------


def _step(token: str, action: ReportStepAction, value: str = "") -> str:
    return ReportStep(token=token, action=action, value=value).pack()


def _cancel_row(t: Translator, token: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=t("reports.cancel"), callback_data=_step(token, ReportStepAction.CANCEL))]


def project_picker(
    t: Translator, token: str, page: Page[ProjectRef], led: set[int]
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for project in page.items:
        mark = "⭐ " if project.id in led else ""
        kb.row(
            InlineKeyboardButton(
                text=short(mark + title(t, project)),
                callback_data=_step(token, ReportStepAction.PROJECT, str(project.id)),
            )
        )
    pager(kb, page, lambda offset: ReportStep(token=token, action=ReportStepAction.PAGE, value=str(offset)))
    kb.row(*_cancel_row(t, token))
    return t("reports.choose_project"), kb.as_markup()


def status_step(
    t: Translator, token: str, project: ProjectRef, *, on_behalf: bool, current: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """When editing (`current` given), the current status is shown and may be kept."""
    kb = InlineKeyboardBuilder()
    for status in STATUSES:
        mark = "• " if status == current else ""
        kb.button(
            text=mark + status_label(t, status),
            callback_data=ReportStep(token=token, action=ReportStepAction.STATUS, value=status),
        )
    kb.adjust(1)
    if current:
        kb.row(InlineKeyboardButton(text=t("reports.keep"), callback_data=_step(token, ReportStepAction.KEEP)))
    kb.row(*_cancel_row(t, token))
    text = t("reports.ask_status", project=title(t, project))
    if current:
        text += "\n\n" + t("reports.current", text=Html(status_label(t, current)))
    if on_behalf:
        text += "\n" + t("reports.on_behalf_note")
    return text, kb.as_markup()


def percent_step(
    t: Translator, token: str, *, editing: bool = False, current: int | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """When editing, the current percent (or its absence) is shown and may be kept; "skip" then
    plainly says it removes the percent."""
    kb = InlineKeyboardBuilder()
    for value in PERCENTS:
        mark = "•" if editing and value == current else ""
        kb.button(
            text=f"{mark}{value}%",
            callback_data=ReportStep(token=token, action=ReportStepAction.PERCENT, value=str(value)),
        )
    kb.adjust(len(PERCENTS))
    text = t("reports.ask_percent")
    if editing:
        kb.row(InlineKeyboardButton(text=t("reports.keep"), callback_data=_step(token, ReportStepAction.KEEP)))
        text += "\n\n" + t(
            "reports.current", text=f"{current}%" if current is not None else t.plain("reports.percent_none")
        )
    skip = "reports.no_percent" if editing and current is not None else "reports.skip"
    kb.row(
        InlineKeyboardButton(text=t(skip), callback_data=_step(token, ReportStepAction.SKIP)), *_cancel_row(t, token)
    )
    return text, kb.as_markup()


def text_step(
    t: Translator, token: str, field: str, current: str | None, *, editing: bool, limit: int
) -> tuple[str, InlineKeyboardMarkup]:
    """done (required), next and help (may be skipped); when editing, the current text may be kept."""
    kb = InlineKeyboardBuilder()
    if editing and current:
        kb.button(text=t("reports.keep"), callback_data=ReportStep(token=token, action=ReportStepAction.KEEP))
    if field != "done":
        kb.button(text=t("reports.skip." + field), callback_data=ReportStep(token=token, action=ReportStepAction.SKIP))
    kb.row(*_cancel_row(t, token))
    text = t("reports.ask." + field, limit=limit)
    if editing and current:
        text += "\n\n" + t("reports.current", text=short(current, 600))
    return text, kb.as_markup()


def previous_report(t: Translator, planned: str | None, asked: str | None) -> str:
    """What the previous report planned and asked help with, under a question; empty when neither."""
    lines = [t("reports.previous_plan", text=short(planned, 600))] if planned else []
    if asked:
        lines.append(t("reports.previous_help" if planned else "reports.previous_help_only", text=short(asked, 600)))
    return "\n\n" + "\n".join(lines) if lines else ""


def draft_text(t: Translator, project: ProjectRef, dialog: ReportDialog) -> str:
    lines = [t("reports.preview_title", project=title(t, project)), ""]
    lines += _body(
        t,
        dialog["status"],
        dialog.get("percent"),
        dialog["done"],
        dialog.get("next"),
        dialog.get("help"),
        len(dialog.get("attachments") or ()),
    )
    if dialog.get("behalf"):
        lines += ["", t("reports.on_behalf_note")]
    return "\n".join(lines)


def preview_keyboard(t: Translator, token: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("reports.submit"), callback_data=ReportStep(token=token, action=ReportStepAction.SUBMIT))
    kb.button(text=t("reports.restart"), callback_data=ReportStep(token=token, action=ReportStepAction.RESTART))
    kb.button(text=t("reports.cancel"), callback_data=ReportStep(token=token, action=ReportStepAction.CANCEL))
    kb.adjust(1, 2)
    return kb.as_markup()


def _body(
    t: Translator,
    status: str,
    percent: int | None,
    done: str,
    next_steps: str | None,
    help_needed: str | None,
    attachments: int,
) -> list[str]:
    head = f"<b>{t('reports.field.status')}</b> {status_label(t, status)}"
    if percent is not None:
        head += f" · {percent}%"
    lines = [head, f"<b>{t('reports.field.done')}</b> {escape(done)}"]
    if next_steps:
        lines.append(f"<b>{t('reports.field.next')}</b> {escape(next_steps)}")
    if help_needed:
        lines.append(f"<b>{t('reports.field.help')}</b> {escape(help_needed)}")
    if attachments:
        lines.append(t("reports.attachments", n=attachments))
    return lines


def sent_text(t: Translator, report: ReportView, *, edited: bool, hours: int) -> str:
    key = "reports.edited" if edited else "reports.sent"
    return t(key, project=title(t, report.project), hours=hours)


def sent_keyboard(t: Translator, report_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("reports.edit"), callback_data=ReportAction(report=report_id, action=SentReportAction.EDIT))
    kb.button(
        text=t("reports.withdraw"), callback_data=ReportAction(report=report_id, action=SentReportAction.WITHDRAW)
    )
    return kb.as_markup()


def withdraw_keyboard(t: Translator, report_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("reports.withdraw_yes"),
        callback_data=ReportAction(report=report_id, action=SentReportAction.WITHDRAW_YES),
    )
    kb.button(text=t("reports.withdraw_no"), callback_data=ReportAction(report=report_id, action=SentReportAction.KEEP))
    return kb.as_markup()


# --- notices to others (bot/services/reports/notices.py decides who gets which) ------------------


def _for_outbox(text: str, kb: InlineKeyboardBuilder) -> Rendered:
    return text, kb.as_markup().model_dump(exclude_none=True)


def alert_lines(t: Translator, report: ReportView) -> list[str]:
    """A report of trouble, as the secretariat's alert tells it."""
    lines = [
        t(
            "reports.alert",
            project=title(t, report.project),
            status=Html(status_label(t, report.status)),
            author=report.author or "—",
        )
    ]
    lines += [f"<b>{t('reports.field.done')}</b> {escape(short(report.done, 600))}"]
    if report.help_needed:
        lines.append(f"<b>{t('reports.field.help')}</b> {escape(short(report.help_needed, 600))}")
    return lines


def _history_button(t: Translator, report: ReportView) -> InlineKeyboardBuilder:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("reports.history"), callback_data=ReportHistory(project=report.project.id, offset=0))
    return kb


class Notices:
    """The texts of the notices (bot/services/reports/notices.Texts), as the outbox takes them."""

    @staticmethod
    def alert(t: Translator, report: ReportView) -> Rendered:
        return _for_outbox("\n".join(alert_lines(t, report)), _history_button(t, report))

    @staticmethod
    def behalf(t: Translator, report: ReportView) -> Rendered:
        lines = [t("reports.behalf_notice", project=title(t, report.project))]
        lines += _body(
            t,
            report.status,
            report.percent,
            short(report.done, 600),
            short(report.next_steps or "", 600),
            short(report.help_needed or "", 600),
            len(report.attachments),
        )
        return _for_outbox("\n".join(lines), _history_button(t, report))

    @staticmethod
    def cleared(t: Translator, report: ReportView, latest: ReportView | None, *, withdrawn: bool) -> Rendered:
        now = status_label(t, latest.status) if latest else status_label(t, None)
        project, author = title(t, report.project), report.author or "—"
        if withdrawn:
            was = Html(status_label(t, report.status))
            text = t("reports.cleared_withdrawn", project=project, author=author, was=was, now=Html(now))
        else:
            text = t("reports.cleared", project=project, author=author, now=Html(now))
        return _for_outbox(text, _history_button(t, report))

    @staticmethod
    def leading(t: Translator, project: ProjectRef, *, adding: bool) -> Rendered:
        kb = InlineKeyboardBuilder()
        if adding:
            kb.button(text=t("reports.report_now"), callback_data=ReportStart(project=project.id))
        text = t("reports.you_lead" if adding else "reports.you_no_longer_lead", project=title(t, project))
        return _for_outbox(text, kb)


NOTICES = Notices()


# --- prompts ------------------------------------------------------------------------------------


def prompt(
    t: Translator, kind: str, project: ProjectRef, period: str, start: datetime, tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    """A check-in prompt or nudge: Report now (bound to this period) and Pause. Built without
    a keyboard builder: a tick renders thousands of these."""
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("reports.report_now"), callback_data=ReportStart(project=project.id, period=period).pack()
                )
            ],
            [InlineKeyboardButton(text=t("reports.pause"), callback_data=ReportPause(weeks=-1).pack())],
        ]
    )
    return t("reports." + kind, project=title(t, project), start=day(start, tz)), markup


def pause_keyboard(t: Translator, *, paused: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for weeks in PAUSE_WEEKS:
        kb.button(text=t("reports.pause_weeks", n=weeks), callback_data=ReportPause(weeks=weeks))
    if paused:
        kb.button(text=t("reports.resume"), callback_data=ReportPause(weeks=0))
    kb.adjust(len(PAUSE_WEEKS), 1)
    return kb.as_markup()


# --- card and history ---------------------------------------------------------------------------


def card_line(t: Translator, latest: ReportView | None) -> str:
    if latest is None:
        return t("reports.card_none")
    extra = f" · {latest.percent}%" if latest.percent is not None else ""
    line = t(
        "reports.card_status",
        status=Html(status_label(t, latest.status) + extra),
        day=latest.local_day.strftime("%d.%m.%Y"),
    )
    return line + t("reports.by_secretariat") if latest.on_behalf else line


def card_buttons(
    t: Translator, project_id: int, *, history: bool, report: bool, secretariat: bool
) -> list[list[InlineKeyboardButton]]:
    rows = []
    first = []
    if history:
        first.append(
            InlineKeyboardButton(
                text=t("reports.history"), callback_data=ReportHistory(project=project_id, offset=0).pack()
            )
        )
    if report:
        first.append(
            InlineKeyboardButton(text=t("reports.report"), callback_data=ReportStart(project=project_id).pack())
        )
    if first:
        rows.append(first)
    if secretariat:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("reports.leaders"),
                    callback_data=ReportLeaders(project=project_id, action=LeadersAction.SHOW).pack(),
                ),
                InlineKeyboardButton(
                    text=t("reports.cadence"),
                    callback_data=ReportCadence(project=project_id, field=CadenceField.SHOW).pack(),
                ),
            ]
        )
    return rows


def history_page(
    t: Translator, project: ProjectRef, page: Page[ReportView], tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    cut = TEXT_LIMIT
    while True:
        lines = [t("reports.history_title", project=title(t, project), total=page.total)]
        for report in page.items:
            by = report.author or t("reports.secretariat")
            note = t("reports.by_secretariat") if report.on_behalf else ""
            lines += ["", f"📅 <b>{moment(report.created_at, tz)}</b> · {escape(by)}{note}"]
            lines += _body(
                t,
                report.status,
                report.percent,
                short(report.done, cut),
                short(report.next_steps or "", cut),
                short(report.help_needed or "", cut),
                len(report.attachments),
            )
        if not page.items:
            lines.append(t("reports.history_empty"))
        # Measured as sent (markup, escapes, UTF-16 as Telegram counts): an upper bound of what it shows.
        if _utf16("\n".join(lines)) <= TEXT_LIMIT - 96 or cut < 100:
            break
        cut = cut * 4 // 5
    kb = InlineKeyboardBuilder()
    for report in page.items:
        if report.attachments:
            kb.row(
                InlineKeyboardButton(
                    text=t("reports.files", day=report.local_day.strftime("%d.%m.%Y"), n=len(report.attachments)),
                    callback_data=ReportAction(report=report.id, action=SentReportAction.FILES).pack(),
                )
            )
    pager(kb, page, lambda offset: ReportHistory(project=project.id, offset=offset))
    kb.row(InlineKeyboardButton(text=t("reports.to_card"), callback_data=Card(kind="p", id=project.id).pack()))
    return "\n".join(lines), kb.as_markup()


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def attachment_note(t: Translator, report: ReportView) -> str:
    return t("reports.attachment_of", project=title(t, report.project), day=report.local_day.strftime("%d.%m.%Y"))


# --- overview: the digest and /status -----------------------------------------------------------


def _status_line(t: Translator, s: ProjectStatus, tz: ZoneInfo) -> str:
    change = ""
    if s.reported_now and s.previous and s.previous != s.status:
        change = f" ({ICONS[s.previous]}→{ICONS[s.status]})"
    elif s.reported_now and s.previous is None:
        change = t("reports.change_new")
    elif not s.reported_now and s.status:
        change = t("reports.change_stale")
    percent = f" · {s.percent}%" if s.percent is not None else ""
    when = f" · {day(s.reported_at, tz)}" if s.reported_at else t("reports.never_reported")
    return f"{ICONS[s.status]} {escape(title(t, s.project))}{percent}{when}{change}"


def overview_text(
    t: Translator,
    view: Overview,
    tz: ZoneInfo,
    heading: str,
    *,
    closed: bool = False,
    secretariat: bool = True,
    attention: Sequence[str] = (),
    tail: Sequence[str] = (),
) -> list[str]:
    """The digest or /status: trouble first, then the `attention` lines, then every project (worst
    first, as on the chart), then who did not report, then the `tail` lines; what the secretariat
    should do only to the secretariat."""
    lines = [heading]
    if view.trouble:
        lines += ["", t("reports.digest_trouble")]
        for s in view.trouble:
            mark = t("reports.digest_turned") if s.turned else ""
            lines.append(_status_line(t, s, tz) + mark)
            if s.help_needed:
                lines.append(f"   🆘 {escape(short(s.help_needed, 300))}")
    lines += attention
    lines += ["", t("reports.digest_all")]
    ordered = sorted(
        view.projects, key=lambda s: (-STATUSES.index(s.status) if s.status else 1, s.project.title.lower())
    )
    lines += [_status_line(t, s, tz) for s in ordered] or [t("reports.digest_no_projects")]
    if view.silent:
        lines += ["", t("reports.digest_silent_closed" if closed else "reports.digest_silent")]
        lines += [f"• {escape(title(t, s.project))}: {escape(', '.join(s.missing))}" for s in view.silent]
    if view.leaderless and secretariat:
        lines += ["", t("reports.digest_leaderless", n=len(view.leaderless))]
    lines += tail
    return chunks(lines)


MARKS: dict[str | None, str] = {ON_TIME: "✅", LATE: "🕓", MISSED: "▫️", None: "➖"}
# An overdue reason names at most this many roadmap items, then counts the rest.
OVERDUE_NAMED = 3


def attention_lines(t: Translator, found: Sequence[Attention], tz: ZoneInfo) -> list[str]:
    """«Needs attention»: each project with its reasons in words; nothing when nothing is flagged."""
    if not found:
        return []
    lines = ["", t("reports.attention_title")]
    for item in found:
        lines.append(f"• <b>{escape(title(t, item.project))}</b>")
        lines += [f"   – {_reason(t, reason, tz)}" for reason in item.reasons]
    return lines


def _reason(t: Translator, reason: Reason, tz: ZoneInfo) -> str:
    if reason.kind == "overdue":
        named = [
            t.plain("reports.attention.item", number=i.number, title=short(i.title, 80), day=day(i.deadline, tz))
            for i in reason.items[:OVERDUE_NAMED]
        ]
        if len(reason.items) > OVERDUE_NAMED:
            named.append(t.plain("reports.attention.more", n=len(reason.items) - OVERDUE_NAMED))
        return t.plural("reports.attention.overdue", len(reason.items), n=len(reason.items), items="; ".join(named))
    return t.plural(
        "reports.attention." + reason.kind,
        reason.periods,
        n=reason.periods,
        text=short(reason.text or "", 200),
        percent=reason.percent,
    )


def punctuality_lines(t: Translator, rows: Sequence[Punctuality], periods: int) -> list[str]:
    """Per project, its last periods as marks and the share reported on time, under a legend."""
    if not rows:
        return []
    legend = t(
        "reports.punctuality_legend", on_time=MARKS[ON_TIME], late=MARKS[LATE], missed=MARKS[MISSED], none=MARKS[None]
    )
    lines = ["", t.plural("reports.punctuality_title", periods, n=periods), legend]
    for row in rows:
        marks = "".join(MARKS[mark] for mark in row.marks)
        share = round(100 * row.on_time / row.due)
        share_text = t("reports.punctuality_share", on_time=row.on_time, due=row.due, percent=share)
        lines.append(f"{marks} {escape(title(t, row.project))} · {share_text}")
    return lines


def totals_lines(t: Translator, totals: Totals) -> list[str]:
    """The digest's last part: the cluster's figures for its period."""
    helped = totals.help
    return [
        "",
        t("reports.totals_title"),
        t("reports.totals_reports", on_time=totals.on_time, late=totals.late, due=totals.due),
        t(
            "reports.totals_roadmap",
            done=totals.roadmap_done,
            overdue=totals.roadmap_overdue,
            moved=totals.roadmap_moved,
        ),
        t("reports.totals_help", opened=helped.opened, answered=helped.answered, resolved=helped.resolved),
    ]


def chart_legend(t: Translator) -> dict[str | None, str]:
    return {status: t.plain("reports.status." + (status or "none")) for status in (*STATUSES, None)}


# --- secretariat: leaders, cadence, export ------------------------------------------------------


def reports_menu(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The admin panel's 📊: the exports, /status, and each project's leaders and check-ins."""
    text, markup = export_menu(t)
    kb = InlineKeyboardBuilder.from_markup(markup)
    kb.row(InlineKeyboardButton(text=t("reports.status_button"), callback_data=Menu(name=MenuItem.STATUS).pack()))
    kb.row(
        InlineKeyboardButton(
            text=t("reports.projects_button"),
            callback_data=ReportLeaders(project=0, action=LeadersAction.PROJECTS).pack(),
        )
    )
    return text, kb.as_markup()


def projects_list(t: Translator, page: Page[Any]) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for row in page.items:
        kb.row(
            InlineKeyboardButton(
                text=short(localized(t, row.title, row.title_en)),
                callback_data=ReportLeaders(project=row.id, action=LeadersAction.SHOW).pack(),
            )
        )
    pager(kb, page, lambda offset: ReportLeaders(project=0, action=LeadersAction.PROJECTS, offset=offset))
    return t("reports.projects_title"), kb.as_markup()


def leaders_view(t: Translator, project: ProjectRef, leaders: list[PersonRef]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("reports.leaders_title", project=title(t, project))]
    lines += [f"⭐ {escape(p.name)}" + ("" if p.telegram_id else t("reports.not_in_bot")) for p in leaders]
    if not leaders:
        lines.append(t("reports.no_leaders"))
    kb = InlineKeyboardBuilder()
    for person in leaders:
        kb.row(
            InlineKeyboardButton(
                text="❌ " + short(person.name),
                callback_data=ReportLeaders(project=project.id, action=LeadersAction.REMOVE, person=person.id).pack(),
            )
        )
    kb.row(
        InlineKeyboardButton(
            text=t("reports.add_leader"),
            callback_data=ReportLeaders(project=project.id, action=LeadersAction.CANDIDATES).pack(),
        )
    )
    kb.row(
        InlineKeyboardButton(
            text=t("reports.cadence"), callback_data=ReportCadence(project=project.id, field=CadenceField.SHOW).pack()
        )
    )
    kb.row(InlineKeyboardButton(text=t("reports.to_card"), callback_data=Card(kind="p", id=project.id).pack()))
    return "\n".join(lines), kb.as_markup()


def candidates_view(t: Translator, project: ProjectRef, page: Page[PersonRef]) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for person in page.items:
        kb.row(
            InlineKeyboardButton(
                text="➕ " + short(person.name),
                callback_data=ReportLeaders(project=project.id, action=LeadersAction.ADD, person=person.id).pack(),
            )
        )
    pager(kb, page, lambda offset: ReportLeaders(project=project.id, action=LeadersAction.CANDIDATES, offset=offset))
    kb.row(
        InlineKeyboardButton(
            text=t("reports.back"), callback_data=ReportLeaders(project=project.id, action=LeadersAction.SHOW).pack()
        )
    )
    key = "reports.candidates_title" if page.total else "reports.no_candidates"
    return t(key, project=title(t, project)), kb.as_markup()


def cadence_label(t: Translator, cadence: Cadence) -> str:
    if not cadence.active:
        return t("reports.freq.off")
    when = (
        t("reports.monthday", n=cadence.day) if cadence.frequency == "monthly" else t(f"reports.weekday.{cadence.day}")
    )
    return t(
        "reports.cadence_line",
        frequency=t("reports.freq." + cadence.frequency),
        when=when,
        hour=f"{cadence.hour:02d}:00",
    )


def cadence_view(
    t: Translator, project: ProjectRef, cadence: Cadence, *, custom: bool, tz: str, next_at: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    text = t("reports.cadence_title", project=title(t, project), cadence=cadence_label(t, cadence), tz=tz)
    if next_at:
        text += "\n" + t("reports.cadence_next", at=next_at)
    if not custom:
        text += "\n" + t("reports.cadence_default")
    kb = InlineKeyboardBuilder()
    for n, frequency in enumerate(FREQUENCIES):
        mark = "• " if frequency == cadence.frequency else ""
        kb.button(
            text=mark + t("reports.freq." + frequency),
            callback_data=ReportCadence(project=project.id, field=CadenceField.FREQUENCY, value=n),
        )
    sizes = [len(FREQUENCIES)]
    if cadence.active:
        days = range(1, MONTH_DAYS + 1) if cadence.frequency == "monthly" else range(7)
        for value in days:
            label = str(value) if cadence.frequency == "monthly" else t(f"reports.weekday_short.{value}")
            mark = "• " if value == cadence.day else ""
            kb.button(
                text=mark + label, callback_data=ReportCadence(project=project.id, field=CadenceField.DAY, value=value)
            )
        sizes += [7] * ((len(days) + 6) // 7)
        for hour in HOURS:
            mark = "• " if hour == cadence.hour else ""
            kb.button(
                text=f"{mark}{hour}",
                callback_data=ReportCadence(project=project.id, field=CadenceField.HOUR, value=hour),
            )
        sizes += [8, 7]
    kb.adjust(*sizes)
    kb.row(InlineKeyboardButton(text=t("reports.to_card"), callback_data=Card(kind="p", id=project.id).pack()))
    return text, kb.as_markup()


def export_menu(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("reports.export_all_csv"), callback_data=ReportExport(project=0, fmt=ExportFormat.CSV))
    kb.button(text=t("reports.export_all_xlsx"), callback_data=ReportExport(project=0, fmt=ExportFormat.XLSX))
    kb.button(text=t("reports.export_one"), callback_data=ReportExport(project=0, fmt=ExportFormat.CHOOSE))
    kb.adjust(2, 1)
    return t("reports.export_title"), kb.as_markup()


def export_projects(t: Translator, page: Page[Any]) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for project in page.items:
        kb.row(
            InlineKeyboardButton(
                text=short(localized(t, project.title, project.title_en), 44) + " · CSV",
                callback_data=ReportExport(project=project.id, fmt=ExportFormat.CSV).pack(),
            ),
            InlineKeyboardButton(
                text="XLSX", callback_data=ReportExport(project=project.id, fmt=ExportFormat.XLSX).pack()
            ),
        )
    pager(kb, page, lambda offset: ReportExport(project=0, fmt=ExportFormat.CHOOSE, offset=offset))
    return t("reports.export_choose"), kb.as_markup()
