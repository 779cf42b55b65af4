"""Texts and keyboards of /mydata and "forget me"."""

from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator, escape
from bot.services.contacts import readable_phone
from bot.services.mydata import AnswerData, AuditData, CardData, EventAnswerData, HelpData, MyData, ReadData, ReportData
from bot.services.mydata.forget import Subject
from handlers.common.render import short, split_text
from handlers.directory import edit_ui
from handlers.directory.callbacks import Card
from handlers.mydata.callbacks import ForgetAct, ForgetMe

TEXT_LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")


def blocks(t: Translator, data: MyData, tz: ZoneInfo, now: datetime) -> list[str]:
    """The readable text, as HTML blocks that are never cut: a heading, or one record."""
    out = [t("mydata.title", now=_time(now, tz))]
    account = data.account
    if account is not None:
        roles = ", ".join(t.plain("role." + role) for role in account.roles) or t.plain("role.none")
        lines = [
            t("mydata.account"),
            t("mydata.telegram", id=account.telegram_id, name=account.first_name),
            *([f"@{escape(account.username)}"] if account.username else []),
            t(
                "mydata.language",
                chosen=account.language or t.plain("mydata.not_chosen"),
                telegram=account.telegram_language or "—",
            ),
            t("mydata.since", date=_date(account.created_at, tz)),
            t("mydata.roles", roles=roles),
        ]
        out.append("\n".join(lines))
    out.append(_card(t, data.card) if data.card else t("mydata.no_card"))
    out += _section(t, "mydata.reports", [_report(t, r, tz) for r in data.reports])
    out += _section(t, "mydata.answers", [_answer(t, a, tz) for a in data.answers])
    out += _section(t, "mydata.reads", [_read(t, r, tz) for r in data.reads])
    out += _section(t, "mydata.help_requests", [_help(t, h, tz) for h in data.help_requests])
    out += _section(t, "mydata.events", [_event(t, e, tz) for e in data.events])
    requests = [
        t("mydata.request", date=_date(r.created_at, tz), name=r.full_name, organisation=r.organisation)
        + " · "
        + t("mydata.request_status." + r.status)
        for r in data.join_requests
    ]
    out += _section(t, "mydata.requests", requests)
    mutes = ", ".join(t.plain("announcements.category." + category) for category in data.mutes)
    out.append(t("mydata.mutes", categories=mutes or "—"))
    if (calendar := data.calendar) is not None:
        out.append(
            t("mydata.calendar", day=_date(calendar.link_given_at, tz))
            if calendar.link_given_at
            else t("mydata.calendar_revoked")
        )
    out += _section(t, "mydata.audit", [_audit(t, e, tz) for e in data.audit])
    return out


def _date(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y")


def _time(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def _section(t: Translator, key: str, records: list[str]) -> list[str]:
    if not records:
        return [t(key + "_none")]
    return [t(key, count=len(records)), *records]


def _labelled(t: Translator, pairs: list[tuple[str, str | None]]) -> list[str]:
    return [t(key, value=value) for key, value in pairs if value]


def _card(t: Translator, card: CardData) -> str:
    name = card.name + (f" ({card.name_en})" if card.name_en else "")
    parts = "; ".join(f"{p.project} ({t.plain('mydata.part.' + p.role)})" for p in card.projects)
    return "\n".join(
        [
            t("mydata.card"),
            t("mydata.name", value=name),
            *_labelled(
                t,
                [
                    ("mydata.position", card.position),
                    ("mydata.organisation", card.organisation or card.affiliation),
                    ("mydata.phones", "; ".join(readable_phone(p) for p in card.phones)),
                    ("mydata.emails", "; ".join(card.emails)),
                    ("mydata.projects", parts),
                    ("mydata.paused", card.paused_until.strftime("%d.%m.%Y") if card.paused_until else None),
                ],
            ),
        ]
    )


def _report(t: Translator, report: ReportData, tz: ZoneInfo) -> str:
    head = t(
        "mydata.report",
        date=_time(report.created_at, tz),
        project=report.project,
        status=t.plain("reports.status." + report.status),
        percent="—" if report.percent is None else f"{report.percent}%",
    )
    marks = [
        *([t("mydata.report_on_behalf")] if report.on_behalf else []),
        *([t("mydata.report_edited", date=_time(report.edited_at, tz))] if report.edited_at else []),
        *([t("mydata.report_withdrawn", date=_time(report.withdrawn_at, tz))] if report.withdrawn_at else []),
        *([t("mydata.report_attachments", count=report.attachments)] if report.attachments else []),
    ]
    fields = [
        ("mydata.done", report.done),
        ("mydata.next_steps", report.next_steps),
        ("mydata.help_needed", report.help_needed),
    ]
    return "\n".join([head, *_labelled(t, fields), *marks])


def _answer(t: Translator, answer: AnswerData, tz: ZoneInfo) -> str:
    kind = t("mydata.answer." + answer.kind) if t.has("mydata.answer." + answer.kind) else escape(answer.kind)
    lines = [t("mydata.answer", date=_time(answer.at, tz), number=answer.item, title=answer.title) + f" · {kind}"]
    proposed = _date(answer.proposed_deadline, tz) if answer.proposed_deadline else None
    return "\n".join([*lines, *_labelled(t, [("mydata.note", answer.note), ("mydata.proposed", proposed)])])


def _read(t: Translator, read: ReadData, tz: ZoneInfo) -> str:
    return t("mydata.read", date=_time(read.read_at, tz), number=read.announcement, text=short(plain(read.text), 80))


def _help(t: Translator, request: HelpData, tz: ZoneInfo) -> str:
    answer = (
        t("mydata.help_answer", answer=t.plain(f"helpreq.{request.answer}"), date=_time(request.answered_at, tz))
        if request.answer and request.answered_at
        else t("mydata.no_answer")
    )
    head = t("mydata.help_request", date=_date(request.opened_at, tz), project=request.project)
    return "\n".join([head, t("mydata.help_needed", value=request.text), answer])


def _event(t: Translator, event: EventAnswerData, tz: ZoneInfo) -> str:
    answer = (
        t("mydata.event_answer", answer=t.plain(f"events.answer.{event.answer}"), date=_time(event.answered_at, tz))
        if event.answer and event.answered_at
        else t("mydata.no_answer")
    )
    return t("mydata.event", date=_time(event.starts_at, tz), title=event.title) + " · " + answer


def _audit(t: Translator, entry: AuditData, tz: ZoneInfo) -> str:
    """When, what (in words where the admin's log has them, else its code) and the raw details."""
    action = edit_ui.audit_action(t, entry.action, entry.details)
    details = ", ".join(f"{name}={value}" for name, value in entry.details.items())
    return f"{_time(entry.at, tz)} · {action.rstrip(' :')}" + (f" ({escape(details)})" if details else "")


def pieces(texts: list[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Messages of whole blocks (see `blocks`), each within `limit`; a block longer than that (a report of long
    texts full of escaped characters) is cut in its plain text, which is escaped again."""
    messages: list[str] = []
    for piece in (part for text in texts for part in _fitting(text, limit)):
        if messages and len(messages[-1]) + 2 + len(piece) <= limit:
            messages[-1] += "\n\n" + piece
        else:
            messages.append(piece)
    return messages


def _fitting(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    # An escaped character takes at most five (&amp;): a fifth of the limit always fits.
    return [escape(part) for part in split_text(plain(block), limit // 5)]


def plain(text: str) -> str:
    """The text without its markup, for a .txt file."""
    return html.unescape(_TAG.sub("", text))


def forget_button(t: Translator, person_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("mydata.forget_button"), callback_data=ForgetMe(action=ForgetAct.ASK, person=person_id))
    return kb.as_markup()


def confirmation(t: Translator, subject: Subject, at: int) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("mydata.forget_yes"), callback_data=ForgetMe(action=ForgetAct.YES, person=subject.person_id, at=at)
    )
    kb.button(text=t("mydata.forget_no"), callback_data=ForgetMe(action=ForgetAct.NO, person=subject.person_id, at=at))
    kb.adjust(1)
    return t("mydata.forget_confirm", name=subject.name), kb.as_markup()


def secretariat_notice(t: Translator, subject: Subject, *, listed: bool) -> tuple[str, InlineKeyboardMarkup]:
    """What the secretariat is told; the card a tap away while it is still listed."""
    kb = InlineKeyboardBuilder()
    if listed:
        kb.button(text=t("mydata.open_card"), callback_data=Card(kind="h", id=subject.person_id))
    return t("mydata.forget_notice", name=subject.name), kb.as_markup()
