"""Texts and keyboards of events: the composing steps, the invitation, the secretariat's report,
the notices (reminder, change, cancellation) and /events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator
from bot.services import events
from bot.services.announcements.audiences import Audience
from bot.services.directory import ProjectRow
from bot.services.events import Attendee, EventView, Listed
from handlers.common.render import flag, localized, short
from handlers.events.callbacks import Answer, EventAct, EventFile, EventStep, Manage, Rsvp, Step

Markup = InlineKeyboardMarkup
LANGUAGE_NAMES = {"ru": "🇷🇺 Русский", "en": "🇬🇧 English"}


def moment(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def when(t: Translator, event: EventView, tz: ZoneInfo) -> str:
    if event.all_day:
        return t.plain("events.all_day", day=event.starts_at.astimezone(tz).strftime("%d.%m.%Y"))
    return moment(event.starts_at, tz)


def details(t: Translator, event: EventView, tz: ZoneInfo) -> str:
    """The event as everyone sees it (HTML)."""
    lines = [t("events.title", title=event.title), t("events.when", when=when(t, event, tz))]
    if event.place:
        lines.append(t("events.place", place=event.place))
    if event.rsvp_deadline:
        lines.append(t("events.deadline", when=moment(event.rsvp_deadline, tz)))
    if event.description:
        lines += ["", t("events.description", text=event.description)]
    return "\n".join(lines)


def _step(token: str, action: Step, value: str = "") -> str:
    return EventStep(token=token, action=action, value=value).pack()


def skip(t: Translator, token: str) -> Markup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("events.skip"), callback_data=_step(token, Step.SKIP))
    kb.button(text=t("events.drop"), callback_data=_step(token, Step.DROP))
    return kb.as_markup()


def no_deadline(t: Translator, token: str) -> Markup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("events.no_deadline"), callback_data=_step(token, Step.NO_DEADLINE))
    kb.button(text=t("events.drop"), callback_data=_step(token, Step.DROP))
    return kb.as_markup()


def audiences(t: Translator, token: str) -> Markup:
    """The kinds of audience announcements have, but groups and channels: chats cannot answer."""
    kb = InlineKeyboardBuilder()
    for kind in events.AUDIENCE_KINDS:
        kb.button(text=t("announcements.audience." + kind), callback_data=_step(token, Step.AUDIENCE, kind))
    kb.button(text=t("events.drop"), callback_data=_step(token, Step.DROP))
    kb.adjust(2)
    return kb.as_markup()


def _back(t: Translator, token: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t("announcements.back"), callback_data=_step(token, Step.AUDIENCES))


def projects(t: Translator, token: str, rows: Sequence[ProjectRow], chosen: set[str]) -> Markup:
    kb = InlineKeyboardBuilder()
    for row in rows:
        mark = "✅ " if str(row.id) in chosen else ""
        kb.row(
            InlineKeyboardButton(
                text=short(mark + localized(t, row.title, row.title_en)),
                callback_data=_step(token, Step.PROJECT, str(row.id)),
            )
        )
    done = InlineKeyboardButton(
        text=t("announcements.projects_done", n=len(chosen)), callback_data=_step(token, Step.DONE)
    )
    kb.row(done, _back(t, token))
    return kb.as_markup()


def countries(t: Translator, token: str, facets: Sequence[tuple[str, int]]) -> Markup:
    kb = InlineKeyboardBuilder()
    for country, count in facets:
        name = t("country." + country) if t.has("country." + country) else country
        kb.button(text=f"{flag(country)} {name} · {count}", callback_data=_step(token, Step.COUNTRY, country))
    kb.adjust(2)
    kb.row(_back(t, token))
    return kb.as_markup()


def languages(t: Translator, token: str) -> Markup:
    kb = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        kb.button(text=name, callback_data=_step(token, Step.LANGUAGE, code))
    kb.adjust(2)
    kb.row(_back(t, token))
    return kb.as_markup()


def audience_label(t: Translator, audience: Audience, project_names: dict[str, str]) -> str:
    """Plain text: who is invited, naming the projects, the country or the language chosen."""
    label = t.plain("announcements.audience." + audience.kind)
    if audience.kind == "projects":
        return f"{label}: " + "; ".join(project_names.get(v, "#" + v) for v in audience.values)
    if audience.kind == "country":
        return f"{label}: " + ", ".join(
            t.plain("country." + c) if t.has("country." + c) else c for c in audience.values
        )
    if audience.kind == "language":
        return f"{label}: " + ", ".join(LANGUAGE_NAMES.get(v, v) for v in audience.values)
    return label


def summary(t: Translator, token: str, audience: str, count: int, *, including_you: bool) -> tuple[str, Markup]:
    text = t(
        "events.summary",
        audience=audience,
        count=count,
        you=Html(t("events.including_you") if including_you else ""),
    )
    kb = InlineKeyboardBuilder()
    if count:
        kb.button(text=t("events.publish"), callback_data=_step(token, Step.PUBLISH))
    else:
        text += "\n\n" + t("events.nobody")
    kb.button(text=t("events.other_audience"), callback_data=_step(token, Step.AUDIENCES))
    kb.button(text=t("events.drop"), callback_data=_step(token, Step.DROP))
    kb.adjust(1)
    return text, kb.as_markup()


def invitation(
    t: Translator, event: EventView, tz: ZoneInfo, *, answer: str | None = None, now: datetime | None = None
) -> tuple[str, Markup]:
    """What an invitee sees: the event, their answer, the answer buttons while answers are taken
    (always in the invitation itself, `now` None: it is written before anyone reads it), the .ics."""
    lines = [t("events.invitation"), details(t, event, tz)]
    if answer:
        lines += ["", t("events.your_answer", answer=t.plain("events.answer." + answer))]
    if now is not None and not event.open_at(now):
        lines += ["", t("events.closed_note")]
    kb = InlineKeyboardBuilder()
    if now is None or event.open_at(now):
        for choice in Answer:
            mark = "• " if choice == answer else ""
            kb.button(
                text=mark + t.plain("events.answer." + choice),
                callback_data=Rsvp(event=event.id, answer=choice).pack(),
            )
    kb.button(text=t("events.ics"), callback_data=EventFile(event=event.id).pack())
    kb.adjust(3, 1)
    return "\n".join(lines), kb.as_markup()


def counts(t: Translator, event: EventView) -> str:
    c = event.counts
    return t("events.counts", yes=c.yes, no=c.no, maybe=c.maybe, silent=c.silent, total=c.total)


def report(t: Translator, event: EventView, tz: ZoneInfo, now: datetime) -> tuple[str, Markup]:
    """The secretariat's message: the event, the counts as of `now`, and what can be done."""
    status = "cancelled" if event.status == "cancelled" else "published"
    lines = [
        t("events.report." + status, id=event.id),
        details(t, event, tz),
        "",
        counts(t, event),
        t("events.as_of", when=moment(now, tz)),
    ]
    kb = InlineKeyboardBuilder()

    def act(action: Manage) -> str:
        return EventAct(event=event.id, action=action).pack()

    kb.button(text=t("events.refresh"), callback_data=act(Manage.REFRESH))
    kb.button(text=t("events.names"), callback_data=act(Manage.NAMES))
    kb.button(text=t("events.csv"), callback_data=act(Manage.CSV))
    kb.button(text=t("events.ics"), callback_data=EventFile(event=event.id).pack())
    if event.status == "published":
        kb.button(text=t("events.change_time"), callback_data=act(Manage.TIME))
        kb.button(text=t("events.change_place"), callback_data=act(Manage.PLACE))
        kb.button(text=t("events.cancel"), callback_data=act(Manage.CANCEL))
    kb.adjust(2)
    return "\n".join(lines), kb.as_markup()


def confirm_cancel(t: Translator, event: EventView) -> tuple[str, Markup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("events.cancel_yes"), callback_data=EventAct(event=event.id, action=Manage.CANCEL_OK).pack())
    kb.button(text=t("announcements.back"), callback_data=EventAct(event=event.id, action=Manage.REFRESH).pack())
    return t("events.cancel_confirm", title=event.title, count=event.counts.total), kb.as_markup()


def names(t: Translator, event: EventView, people: Sequence[Attendee]) -> list[str]:
    """Who answered what, grouped; long lists in several messages."""
    lines = [t("events.names_title", title=event.title)]
    for answer in (*events.COMING, "no", None):
        group = [p.name for p in people if p.answer == answer]
        if group:
            key = "events.answer." + answer if answer else "events.silent"
            lines += ["", f"<b>{t(key)}</b> ({len(group)})", *(t("events.name", name=name) for name in group)]
    if not people:
        lines.append(t("events.no_invitees"))
    messages, current = [], ""
    for line in lines:
        if len(current) + len(line) + 1 > 4000:
            messages.append(current)
            current = ""
        current += ("\n" if current else "") + line
    return [*messages, current]


def reminder(t: Translator, event: EventView, kind: str, tz: ZoneInfo) -> tuple[str, Markup]:
    return t("events.reminder." + kind) + "\n" + details(t, event, tz), _ics_only(t, event)


def changed(t: Translator, event: EventView, tz: ZoneInfo) -> tuple[str, Markup]:
    return t("events.changed") + "\n" + details(t, event, tz), _ics_only(t, event)


def _ics_only(t: Translator, event: EventView) -> Markup:
    """The one button under a reminder or a change: the event's .ics."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("events.ics"), callback_data=EventFile(event=event.id).pack())
    return kb.as_markup()


def cancelled(t: Translator, event: EventView, tz: ZoneInfo) -> str:
    return t("events.cancelled_notice", title=event.title, when=when(t, event, tz))


def listing(t: Translator, rows: Sequence[Listed], tz: ZoneInfo, *, secretariat: bool) -> tuple[str, Markup]:
    """Upcoming events with one's own answer; under them each event's .ics (and its report for
    the secretariat)."""
    if not rows:
        return t("events.none"), InlineKeyboardMarkup(inline_keyboard=[])
    lines = [t("events.upcoming")]
    kb = InlineKeyboardBuilder()
    for n, row in enumerate(rows, start=1):
        mine = t.plain("events.answer." + row.answer) if row.answer else t.plain("events.no_answer")
        state = mine if row.invited else t.plain("events.not_invited")
        lines.append(t("events.line", n=n, title=row.event.title, when=when(t, row.event, tz), answer=state))
        buttons = [InlineKeyboardButton(text=f"📅 {n}. .ics", callback_data=EventFile(event=row.event.id).pack())]
        if secretariat:
            buttons.append(
                InlineKeyboardButton(
                    text=t("events.open_report", n=n),
                    callback_data=EventAct(event=row.event.id, action=Manage.SHOW).pack(),
                )
            )
        kb.row(*buttons)
    return "\n".join(lines), kb.as_markup()
