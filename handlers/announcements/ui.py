"""Texts and keyboards of announcements: the composing steps, the summary, live figures, lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from html import unescape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator
from bot.services.announcements import CATEGORIES, MUTABLE, AnnouncementView, Draft
from bot.services.announcements.audiences import APPROVED, KINDS, PENDING, Audience, ChatView
from bot.services.announcements.reading import Unconfirmed
from bot.services.directory import Page, ProjectRow
from handlers.announcements.callbacks import (
    Act,
    AnnouncementAct,
    AnnounceStep,
    ChatAction,
    ChatApproval,
    MuteToggle,
    ReadAck,
    Step,
    Unread,
)
from handlers.common.render import flag, localized, pager, short, telegram_account

Markup = InlineKeyboardMarkup
# Chats named in the picker and the preview (each title cut short), and request cards shown at once:
# beyond these, a count.
CHAT_NAMES, CHAT_TITLE, REVIEW_CARDS = 20, 60, 10
# Those who have not confirmed reading, a page of names (each cut short, so a page stays well
# within a message), and how much of the announcement a reminder quotes.
UNREAD_PAGE, UNREAD_NAME, REMINDER_EXCERPT = 25, 100, 200


def when(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M") if moment else "—"


def confirmed(t: Translator, count: int) -> str:
    return t.plural("announcements.confirmed", count, count=count)


LANGUAGE_NAMES = {"ru": "русский", "en": "English"}


def _step(token: str, action: Step, value: str = "") -> str:
    return AnnounceStep(token=token, action=action, value=value).pack()


def skip_attachment(t: Translator, token: str) -> Markup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("announcements.no_attachment"), callback_data=_step(token, Step.SKIP))
    kb.button(text=t("announcements.drop"), callback_data=_step(token, Step.DROP))
    kb.adjust(1)
    return kb.as_markup()


def categories(t: Translator, token: str) -> Markup:
    return _choose(t, token, Step.CATEGORY, "announcements.category.", CATEGORIES)


def audiences(t: Translator, token: str, chats: Sequence[ChatView]) -> tuple[str, Markup]:
    """The audience picker; it names the groups and channels, and those waiting for a decision."""
    lines = [t("announcements.ask_audience"), ""]
    approved = [c.title for c in chats if c.approval == APPROVED]
    pending = [c.title for c in chats if c.approval == PENDING]
    lines.append(
        t("announcements.groups_approved", names=chat_names(t, approved))
        if approved
        else t("announcements.groups_none")
    )
    if pending:
        lines.append(t("announcements.groups_pending", names=chat_names(t, pending)))
    markup = _choose(t, token, Step.AUDIENCE, "announcements.audience.", KINDS)
    if pending:
        markup.inline_keyboard.insert(
            -1,
            [
                InlineKeyboardButton(
                    text=t("announcements.review_chats", n=len(pending)), callback_data=_step(token, Step.REVIEW)
                )
            ],
        )
    return "\n".join(lines), markup


def chat_names(t: Translator, titles: Sequence[str]) -> str:
    """«A», «B» … and how many more (plain text: the caller's message escapes it)."""
    names = ", ".join(f"«{short(title or '—', CHAT_TITLE)}»" for title in titles[:CHAT_NAMES])
    more = len(titles) - CHAT_NAMES
    return names + (" " + t.plural("announcements.more_chats", more, count=more) if more > 0 else "")


def chat_request(t: Translator, chat: ChatView, *, buttons: bool = True) -> tuple[str, Markup]:
    """The secretariat's card of a chat the bot was added to: where, who added it, and the decision."""
    who = (
        Html(telegram_account(chat.added_by, chat.added_by_name or str(chat.added_by), chat.added_by_username))
        if chat.added_by is not None
        else t("announcements.chat_added_before")
    )
    kind = t.plain("announcements.chat_kind." + ("channel" if chat.type == "channel" else "group"))
    text = t("announcements.chat_request", kind=kind, title=chat.title or "—", who=who)
    kb = InlineKeyboardBuilder()
    if buttons:
        kb.button(
            text=t("announcements.chat_approve"),
            callback_data=ChatApproval(chat=chat.chat_id, round=chat.round, action=ChatAction.APPROVE),
        )
        kb.button(
            text=t("announcements.chat_ignore"),
            callback_data=ChatApproval(chat=chat.chat_id, round=chat.round, action=ChatAction.IGNORE),
        )
    return text, kb.as_markup()


def _choose(t: Translator, token: str, step: Step, labels: str, values: Sequence[str]) -> Markup:
    """One button per value, two a row, and a way out."""
    kb = InlineKeyboardBuilder()
    for value in values:
        kb.button(text=t(labels + value), callback_data=_step(token, step, value))
    kb.button(text=t("announcements.drop"), callback_data=_step(token, Step.DROP))
    kb.adjust(2)
    return kb.as_markup()


def projects(t: Translator, token: str, rows: list[ProjectRow], chosen: set[str]) -> Markup:
    kb = InlineKeyboardBuilder()
    for row in rows:
        mark = "✅ " if str(row.id) in chosen else ""
        kb.row(
            InlineKeyboardButton(
                text=short(mark + localized(t, row.title, row.title_en)),
                callback_data=_step(token, Step.PROJECT, str(row.id)),
            )
        )
    kb.row(
        InlineKeyboardButton(
            text=t("announcements.projects_done", n=len(chosen)), callback_data=_step(token, Step.DONE)
        ),
        InlineKeyboardButton(text=t("announcements.back"), callback_data=_step(token, Step.AUDIENCES)),
    )
    return kb.as_markup()


def countries(t: Translator, token: str, facets: list[tuple[str, int]]) -> Markup:
    kb = InlineKeyboardBuilder()
    for country, count in facets:
        name = t("country." + country) if t.has("country." + country) else country
        kb.button(text=f"{flag(country)} {name} · {count}", callback_data=_step(token, Step.COUNTRY, country))
    kb.button(text=t("announcements.back"), callback_data=_step(token, Step.AUDIENCES))
    kb.adjust(2)
    return kb.as_markup()


def languages(t: Translator, token: str) -> Markup:
    kb = InlineKeyboardBuilder()
    kb.button(text="🇷🇺 Русский", callback_data=_step(token, Step.LANGUAGE, "ru"))
    kb.button(text="🇬🇧 English", callback_data=_step(token, Step.LANGUAGE, "en"))
    kb.button(text=t("announcements.back"), callback_data=_step(token, Step.AUDIENCES))
    kb.adjust(2)
    return kb.as_markup()


def audience_label(t: Translator, audience: Audience, names: dict[str, str] | None = None) -> str:
    """Plain text: who gets it, naming the projects and chats chosen where `names` are known."""
    label = t.plain("announcements.audience." + audience.kind)
    if audience.kind == "projects":
        return f"{label}: " + "; ".join((names or {}).get(v, "#" + v) for v in audience.values)
    if audience.kind == "groups":
        if names is None:
            return f"{label} ({len(audience.values)})"
        return f"{label}: " + chat_names(t, [names.get(v, v) for v in audience.values])
    if audience.kind == "country":
        return f"{label}: " + ", ".join(
            t.plain("country." + c) if t.has("country." + c) else c for c in audience.values
        )
    if audience.kind == "language":
        return f"{label}: " + ", ".join(LANGUAGE_NAMES.get(v, v) for v in audience.values)
    return label


def summary(
    t: Translator, draft: Draft, audience: str, count: int, *, including_you: bool, remind_hours: int
) -> tuple[str, Markup]:
    """Below the preview: what goes to whom (saying when the count includes the secretary's own
    copy), whether they are asked to confirm reading it, and the buttons to send, schedule, ask for
    reading (people only: groups and channels cannot confirm) or drop it."""
    text = t(
        "announcements.summary",
        category=t.plain("announcements.category." + draft.category),
        audience=audience,
        count=count,
        you=Html(t("announcements.including_you") if including_you else ""),
    )
    if draft.asks_reading:
        text += "\n" + t("announcements.ack_on", hours=remind_hours)
    kb = InlineKeyboardBuilder()
    toggle = bool(count) and draft.audience.kind != "groups"
    if count:
        kb.button(text=t("announcements.send_now"), callback_data=_step(draft.token, Step.SEND))
        kb.button(text=t("announcements.schedule"), callback_data=_step(draft.token, Step.SCHEDULE))
    else:
        text += "\n\n" + t("announcements.nobody")
    if toggle:  # a row of its own, under "send" and "schedule"
        kb.button(
            text=t("announcements.ack_toggle." + ("on" if draft.asks_reading else "off")),
            # the choice the tap makes, not "switch": a double tap's second press keeps the first one's
            callback_data=_step(draft.token, Step.ACK, "0" if draft.asks_reading else "1"),
        )
    kb.button(text=t("announcements.change_audience"), callback_data=_step(draft.token, Step.AUDIENCES))
    kb.button(text=t("announcements.drop"), callback_data=_step(draft.token, Step.DROP))
    kb.adjust(*((2, 1, 2) if toggle else (2,)))
    return text, kb.as_markup()


def figures(t: Translator, view: AnnouncementView) -> str:
    """Delivery, and reading where it was asked for: of those it reached."""
    c = view.counts
    text = t(
        "announcements.figures",
        sent=c.sent,
        failed=c.failed,
        remaining=c.remaining,
        cancelled=c.cancelled,
        total=view.total,
    )
    # «Read: 0 of 0» says nothing while none has gone out yet (scheduled, or just started).
    shown = view.ack and c.sent
    return text + ("\n" + t("announcements.read_figures", read=view.confirmed, sent=c.sent) if shown else "")


def report(t: Translator, view: AnnouncementView, tz: tzinfo) -> tuple[str, Markup]:
    """The secretariat's confirmation message: scheduled, live figures, or the final report."""
    head = t(
        "announcements.report." + view.status,
        id=view.id,
        when=when(view.scheduled_at, tz),
        category=t.plain("announcements.category." + view.category),
        audience=audience_label(t, view.audience),
    )
    return f"{head}\n{figures(t, view)}", actions(t, view)


def actions(t: Translator, view: AnnouncementView) -> Markup:
    kb = InlineKeyboardBuilder()
    if view.status == "scheduled":
        kb.button(text=t("announcements.edit_text"), callback_data=AnnouncementAct(id=view.id, action=Act.EDIT))
        kb.button(text=t("announcements.edit_time"), callback_data=AnnouncementAct(id=view.id, action=Act.TIME))
    if view.open:
        kb.button(text=t("announcements.cancel"), callback_data=AnnouncementAct(id=view.id, action=Act.CANCEL))
    if view.counts.failed:
        kb.button(text=t("announcements.unreached_csv"), callback_data=AnnouncementAct(id=view.id, action=Act.CSV))
    if view.ack and view.counts.sent:
        unread = view.counts.sent - view.confirmed
        kb.button(
            text=t("announcements.unread", n=unread), callback_data=AnnouncementAct(id=view.id, action=Act.UNREAD)
        )
        kb.button(text=t("announcements.unread_csv"), callback_data=AnnouncementAct(id=view.id, action=Act.UNREAD_CSV))
    kb.adjust(2)
    return kb.as_markup()


def read_button(t: Translator, announcement_id: int, *, confirmed: bool = False) -> Markup:
    """Under an announcement asking for reading; once confirmed it says so (a tap says it is done)."""
    kb = InlineKeyboardBuilder()
    label = "announcements.read_done" if confirmed else "announcements.read_button"
    kb.button(text=t(label), callback_data=ReadAck(id=announcement_id))
    return kb.as_markup()


def read_markup(announcement_id: int, language: str) -> dict[str, Any]:
    """`read_button` in a recipient's language, as the outbox keeps it."""
    return read_button(Translator(language), announcement_id).model_dump(exclude_none=True)


def read_reminder(t: Translator, view: AnnouncementView, tz: tzinfo) -> tuple[str, Markup]:
    """The one reminder to who has not confirmed: it answers the announcement and quotes its start."""
    moment = view.started_at or view.created_at
    text = t("announcements.read_reminder", when=when(moment, tz), excerpt=short(_plain(view.text), REMINDER_EXCERPT))
    return text, read_button(t, view.id)


def unread(t: Translator, view: AnnouncementView, page: Page[Unconfirmed]) -> tuple[str, Markup]:
    """A page of those it reached who have not confirmed reading it, numbered across pages."""
    if not page.total:
        return t("announcements.unread_none", id=view.id), InlineKeyboardMarkup(inline_keyboard=[])
    lines = [t("announcements.unread_title", id=view.id, count=page.total, sent=view.counts.sent), ""]
    for n, person in enumerate(page.items, start=page.offset + 1):
        who = f"{person.name} — {person.organisation}" if person.organisation else person.name
        lines.append(t("announcements.unread_line", n=n, who=short(who, UNREAD_NAME)))
    kb = InlineKeyboardBuilder()
    pager(kb, page, lambda offset: Unread(id=view.id, offset=offset))
    kb.row(
        InlineKeyboardButton(
            text=t("announcements.unread_csv"),
            callback_data=AnnouncementAct(id=view.id, action=Act.UNREAD_CSV).pack(),
        )
    )
    return "\n".join(lines), kb.as_markup()


def listing(t: Translator, views: list[AnnouncementView], tz: tzinfo) -> tuple[str, Markup]:
    if not views:
        return t("announcements.list_empty"), InlineKeyboardMarkup(inline_keyboard=[])
    lines = [t("announcements.list_title")]
    kb = InlineKeyboardBuilder()
    for view in views:
        lines.append("")
        lines.append(
            t(
                "announcements.list_item",
                id=view.id,
                when=when(view.started_at or view.scheduled_at or view.created_at, tz),
                status=t.plain("announcements.status." + view.status),
                category=t.plain("announcements.category." + view.category),
                audience=audience_label(t, view.audience),
                excerpt=short(_plain(view.text), 80),
            )
        )
        lines.append(figures(t, view))
        moment = view.started_at or view.scheduled_at or view.created_at
        kb.button(
            text=short(f"#{view.id} · {moment.astimezone(tz):%d.%m} · {_plain(view.text)}", 60),
            callback_data=AnnouncementAct(id=view.id, action=Act.SHOW),
        )
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup()


def _plain(html_text: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html_text)).replace("\n", " ")


def settings(t: Translator, muted: set[str]) -> tuple[str, Markup]:
    kb = InlineKeyboardBuilder()
    for category in MUTABLE:
        state = "off" if category in muted else "on"
        kb.button(
            text=t("announcements.toggle." + state, category=t.plain("announcements.category." + category)),
            callback_data=MuteToggle(category=category),
        )
    kb.adjust(1)
    return t("announcements.settings_title"), kb.as_markup()
