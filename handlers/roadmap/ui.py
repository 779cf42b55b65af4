"""Roadmap texts and keyboards: the list, the item card, the secretariat's editors, reminders, and
the notices others get (as `Rendered`: a text and a keyboard as the outbox stores it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator, escape
from bot.services import roadmap
from bot.services.directory import Page
from bot.services.notices import Rendered
from bot.services.roadmap import END_OF_DAY, EventView, ItemCard, ItemRow
from bot.services.roadmap.reminders import ItemDue
from handlers.common import render
from handlers.roadmap.callbacks import (
    AnswerAction,
    EditAction,
    FileKind,
    OwnerKind,
    RoadmapAnswer,
    RoadmapCard,
    RoadmapEdit,
    RoadmapExtension,
    RoadmapFile,
    RoadmapList,
    RoadmapOwnerPick,
)

PAGE_SIZE = 8
DESCRIPTION_LIMIT = 1500
HISTORY_SHOWN = 12
OWNERS_SHOWN = 10
NOTE_LIMIT = 300
# The answers a reminder (and the card) offers its owners, and the secretariat's buttons on a card.
ANSWERS = (AnswerAction.DONE, AnswerAction.MORE, AnswerAction.NOT_MINE)
EDITS = (EditAction.DEADLINE, EditAction.OWNERS, EditAction.POLICY, EditAction.CLOSE, EditAction.CANCEL)
CONFIRMED = {EditAction.CLOSE: EditAction.CLOSE_OK, EditAction.CANCEL: EditAction.CANCEL_OK}


def when(deadline: datetime, tz: ZoneInfo) -> str:
    local = deadline.astimezone(tz)
    day = local.strftime("%d.%m.%Y")
    return day if local.time().replace(second=0, microsecond=0) == END_OF_DAY else f"{day} {local:%H:%M}"


def plural_days(t: Translator, n: int) -> str:
    """«1 день, 2 дня, 5 дней»; «1 day, 2 days»."""
    return t.plural("roadmap.days", n, n=abs(n))


def overdue_every(t: Translator, every: int) -> str:
    """«каждые 3 дня», «каждый день»."""
    return (
        t.plain("roadmap.policy_daily") if every == 1 else t.plain("roadmap.policy_every", days=plural_days(t, every))
    )


def status(t: Translator, status_: str, deadline: datetime | None, now: datetime, tz: ZoneInfo) -> str:
    if status_ != roadmap.OPEN:
        return t(f"roadmap.status_{status_}")
    if deadline is None:
        return t("roadmap.status_no_deadline")
    days = roadmap.days_left(deadline, now, tz)
    if roadmap.is_overdue(deadline, now):
        return t("roadmap.status_overdue", days=plural_days(t, max(-days, 0)), date=when(deadline, tz))
    if days == 0:
        return t("roadmap.status_today", date=when(deadline, tz))
    return t("roadmap.status_left", days=plural_days(t, days), date=when(deadline, tz))


def item_list(
    t: Translator, page: Page[ItemRow], *, mine: bool, secretariat: bool, now: datetime, tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("roadmap.title_mine" if mine else "roadmap.title", total=page.total)]
    kb = InlineKeyboardBuilder()
    for row in page.items:
        lines.append(
            t(
                "roadmap.row",
                number=row.number,
                title=render.short(row.title, 120),
                status=Html(status(t, row.status, row.deadline, now, tz)),
            )
        )
        kb.row(
            InlineKeyboardButton(
                text=render.short(f"{row.number}. {row.title}"), callback_data=RoadmapCard(item=row.id).pack()
            )
        )
    if not page.items:
        lines.append(t("roadmap.empty_mine" if mine else "roadmap.empty"))
    render.pager(kb, page, lambda o: RoadmapList(mine=mine, offset=o))
    kb.row(
        InlineKeyboardButton(
            text=t("roadmap.show_all" if mine else "roadmap.show_mine"),
            callback_data=RoadmapList(mine=not mine, offset=0).pack(),
        )
    )
    kb.row(
        InlineKeyboardButton(text=t("roadmap.ics"), callback_data=RoadmapFile(kind=FileKind.ICS, mine=mine).pack()),
        InlineKeyboardButton(text=t("roadmap.png"), callback_data=RoadmapFile(kind=FileKind.PNG, mine=mine).pack()),
    )
    if secretariat:
        kb.row(
            InlineKeyboardButton(
                text=t("roadmap.add"), callback_data=RoadmapEdit(item=0, action=EditAction.NEW).pack()
            ),
            InlineKeyboardButton(
                text=t("roadmap.attention"), callback_data=RoadmapEdit(item=0, action=EditAction.ATTENTION).pack()
            ),
        )
    return "\n".join(lines), kb.as_markup()


def _owner(t: Translator, owner: roadmap.OwnerView) -> str:
    mark = "🏢" if owner.kind == "o" else "👤"
    linked = t("roadmap.owner_linked", n=owner.linked) if owner.linked else t("roadmap.owner_unlinked")
    return f"{mark} {escape(owner.name)} — {linked}"


def _event(t: Translator, event: EventView, tz: ZoneInfo) -> str:
    stamp = event.at.astimezone(tz).strftime("%d.%m.%Y %H:%M")
    proposed = when(event.proposed, tz) if event.proposed else ""
    decision = t(f"roadmap.decision_{event.decision}") if event.decision else ""
    text = t(f"roadmap.event_{event.kind}", date=proposed, decision=decision)
    if event.kind == "not_mine" and decision:
        text += f" ({decision})"
    shown = t.plain("roadmap.policy_default_note") if event.kind == "policy" and event.note == "default" else event.note
    note = f" — <i>{escape(render.short(shown, NOTE_LIMIT))}</i>" if shown else ""
    evidence = " 📎" if event.file_id else ""
    return f"{stamp} · {escape(event.actor or '—')}: {text}{note}{evidence}"


def item_card(
    t: Translator, card: ItemCard, *, now: datetime, tz: ZoneInfo, secretariat: bool, answerable: bool
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t("roadmap.card_title", number=card.number, title=render.short(card.title, 300)),
        Html(status(t, card.status, card.deadline, now, tz)),
        "",
        escape(render.short(card.description, DESCRIPTION_LIMIT)),
    ]
    if card.source:
        lines += ["", t("roadmap.source", source=render.short(card.source, 300))]
    lines += ["", t("roadmap.owners")]
    lines += [_owner(t, o) for o in card.owners[:OWNERS_SHOWN]] or [t("roadmap.no_owners")]
    if len(card.owners) > OWNERS_SHOWN:
        lines.append(t("roadmap.more_owners", n=len(card.owners) - OWNERS_SHOWN))
    if card.reminder_days is not None or card.overdue_every is not None:
        days = (
            t.plain("roadmap.policy_days", days=", ".join(map(str, card.reminder_days)))
            if card.reminder_days
            else t.plain("roadmap.policy_default")
        )
        every = overdue_every(t, card.overdue_every) if card.overdue_every else t.plain("roadmap.policy_default")
        lines.append(t("roadmap.own_policy", days=days, every=every))
    history = [_event(t, e, tz) for e in card.events[-HISTORY_SHOWN:]]
    # Whole lines only (each is balanced HTML): the oldest history goes first when it is too long.
    while history and len("\n".join([*lines, "", t("roadmap.history"), *history])) > render.TEXT_LIMIT:
        history.pop(0)
    text = "\n".join([*lines, "", t("roadmap.history"), *history] if history else lines)
    kb = InlineKeyboardBuilder()
    if card.status == roadmap.OPEN and answerable:
        for answer in ANSWERS:
            kb.button(text=t(f"roadmap.answer_{answer}"), callback_data=RoadmapAnswer(item=card.id, action=answer))
    if card.status == roadmap.OPEN and secretariat:
        for edit in EDITS:
            kb.button(text=t(f"roadmap.edit_{edit}"), callback_data=RoadmapEdit(item=card.id, action=edit))
    if card.status != roadmap.OPEN and secretariat:
        kb.button(text=t("roadmap.edit_reopen"), callback_data=RoadmapEdit(item=card.id, action=EditAction.REOPEN))
    kb.button(text=t("roadmap.back"), callback_data=RoadmapList(mine=False, offset=0))
    kb.adjust(3 if answerable and card.status == roadmap.OPEN else 2)
    return text, kb.as_markup()


def confirm_close(t: Translator, card: ItemCard, action: EditAction) -> tuple[str, InlineKeyboardMarkup]:
    """Are you sure? — before closing (action CLOSE) or cancelling (CANCEL) an item."""
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t(f"roadmap.confirm_{action}_yes"), callback_data=RoadmapEdit(item=card.id, action=CONFIRMED[action])
    )
    kb.button(text=t("roadmap.confirm_no"), callback_data=RoadmapCard(item=card.id))
    kb.adjust(1)
    return t(f"roadmap.confirm_{action}", head=Html(_item_head(t, card.number, card.title))), kb.as_markup()


def owners_editor(t: Translator, card: ItemCard) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t("roadmap.owners_title", number=card.number, title=render.short(card.title, 120)),
        *([_owner(t, o) for o in card.owners] or [t("roadmap.no_owners")]),
        "",
        t("roadmap.owners_how"),
    ]
    kb = InlineKeyboardBuilder()
    for owner in card.owners:
        kb.row(
            InlineKeyboardButton(
                text=render.short("❌ " + owner.name),
                callback_data=RoadmapOwnerPick(item=card.id, kind=OwnerKind.REMOVE, ref=owner.id).pack(),
            )
        )
    kb.row(InlineKeyboardButton(text=t("roadmap.done_editing"), callback_data=RoadmapCard(item=card.id).pack()))
    return "\n".join(lines), kb.as_markup()


def owner_choices(
    t: Translator, item_id: int, hits: Sequence[tuple[OwnerKind, int, str]]
) -> tuple[str, InlineKeyboardMarkup]:
    """The organisations and people found by the words typed, each a button that adds it."""
    kb = InlineKeyboardBuilder()
    for kind, ref, name in hits:
        mark = "🏢" if kind == OwnerKind.ORGANISATION else "👤"
        kb.row(
            InlineKeyboardButton(
                text=render.short(f"{mark} {name}"),
                callback_data=RoadmapOwnerPick(item=item_id, kind=kind, ref=ref).pack(),
            )
        )
    kb.row(InlineKeyboardButton(text=t("roadmap.done_editing"), callback_data=RoadmapCard(item=item_id).pack()))
    return t("roadmap.owner_choose" if hits else "roadmap.owner_none"), kb.as_markup()


def _item_head(t: Translator, number: int, title: str) -> str:
    return t("roadmap.card_title", number=number, title=render.short(title, 200))


def _keyboard(rows: list[list[tuple[str, CallbackData]]]) -> dict[str, Any]:
    """An inline keyboard as the outbox stores it, built directly: a tick renders thousands."""
    return {"inline_keyboard": [[{"text": text, "callback_data": data.pack()} for text, data in row] for row in rows]}


def _time_left(t: Translator, deadline: datetime, now: datetime, tz: ZoneInfo) -> str:
    """«До срока 3 дня», «Срок — сегодня», «Просрочено на 2 дня»."""
    days = roadmap.days_left(deadline, now, tz)
    if days > 0:
        return t("roadmap.remind_before", days=plural_days(t, days))
    if days == 0:
        return t("roadmap.remind_today")
    return t("roadmap.remind_overdue", days=plural_days(t, -days))


def _answers(t: Translator, item_id: int) -> dict[str, Any]:
    """Done / Need more time / Not mine, and the card."""
    answers: list[tuple[str, CallbackData]] = [
        (t(f"roadmap.answer_{answer}"), RoadmapAnswer(item=item_id, action=answer)) for answer in ANSWERS
    ]
    return _keyboard([answers, [(t("roadmap.open_card"), RoadmapCard(item=item_id))]])


def reminder(t: Translator, due: ItemDue, *, now: datetime, tz: ZoneInfo) -> tuple[str, dict[str, Any]]:
    # Days counted at sending, so that a reminder sent late does not say "3 days" on the last day.
    lines = [
        *([t("roadmap.remind_late")] if due.late else []),
        _time_left(t, due.deadline, now, tz),
        _item_head(t, due.number, due.title),
        t("roadmap.deadline", date=when(due.deadline, tz)),
        "",
        t("roadmap.remind_ask"),
    ]
    return "\n".join(lines), _answers(t, due.item_id)


def assigned(t: Translator, card: ItemCard, *, now: datetime, tz: ZoneInfo) -> tuple[str, dict[str, Any]]:
    """The item is now theirs: with the time left and the answer buttons, as a reminder has them."""
    deadline = (
        [_time_left(t, card.deadline, now, tz), t("roadmap.deadline", date=when(card.deadline, tz))]
        if card.deadline
        else [t("roadmap.status_no_deadline")]
    )
    lines = [t("roadmap.assigned"), _item_head(t, card.number, card.title), *deadline, "", t("roadmap.assigned_ask")]
    return "\n".join(lines), _answers(t, card.id)


def to_card(t: Translator, item_id: int) -> dict[str, Any]:
    return _keyboard([[(t("roadmap.open_card"), RoadmapCard(item=item_id))]])


def escalation(t: Translator, due: ItemDue, *, tz: ZoneInfo) -> str:
    days = (due.escalate.day - due.deadline.astimezone(tz).date()).days if due.escalate else 0
    return t(
        "roadmap.escalation",
        days=plural_days(t, days),
        head=Html(_item_head(t, due.number, due.title)),
        date=when(due.deadline, tz),
    )


def unreachable(t: Translator, due: ItemDue, name: str) -> str:
    return t("roadmap.unreachable", name=name, head=Html(_item_head(t, due.number, due.title)))


def nudge(t: Translator, rows: Sequence[ItemRow]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("roadmap.nudge", n=len(rows))]
    for row in rows[:30]:
        lacks = [t("roadmap.lacks_deadline")] if row.deadline is None else []
        lacks += [] if row.owners else [t("roadmap.lacks_owner")]
        lines.append(f"{row.number}. {escape(render.short(row.title, 90))} — {', '.join(lacks)}")
    kb = InlineKeyboardBuilder()
    for row in rows[:30]:
        kb.button(text=render.short(f"{row.number}. {row.title}", 40), callback_data=RoadmapCard(item=row.id))
    kb.adjust(2)
    return "\n".join(lines), kb.as_markup()


def done_question(t: Translator, item_id: int) -> tuple[str, InlineKeyboardMarkup]:
    """ "Done": a note or a file, or the button that closes the item without one."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("roadmap.done_without_note"), callback_data=RoadmapAnswer(item=item_id, action=AnswerAction.SKIP))
    return t("roadmap.ask_done_note"), kb.as_markup()


def not_mine_question(t: Translator, item_id: int, limit: int) -> tuple[str, InlineKeyboardMarkup]:
    """ "Not mine": why, or the button that says so without a reason."""
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("roadmap.not_mine_skip"), callback_data=RoadmapAnswer(item=item_id, action=AnswerAction.NOT_MINE_SKIP)
    )
    return t("roadmap.ask_not_mine_reason", limit=limit), kb.as_markup()


def open_card(t: Translator, item_id: int) -> InlineKeyboardMarkup:
    """The button to the item's card, under a reply (`to_card`: under a message of the outbox)."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("roadmap.open_card"), callback_data=RoadmapCard(item=item_id))
    return kb.as_markup()


def extension_request(
    t: Translator, card: ItemCard, event_id: int, who: str, deadline: datetime, reason: str, tz: ZoneInfo
) -> Rendered:
    text = t(
        "roadmap.extension_request",
        who=who,
        head=Html(_item_head(t, card.number, card.title)),
        old=when(card.deadline, tz) if card.deadline else "—",
        new=when(deadline, tz),
        reason=reason,
    )
    return text, _keyboard(
        [
            [
                (t("roadmap.approve"), RoadmapExtension(event=event_id, approve=True)),
                (t("roadmap.decline"), RoadmapExtension(event=event_id, approve=False)),
            ],
            [(t("roadmap.open_card"), RoadmapCard(item=card.id))],
        ]
    )


def extension_decided(t: Translator, status: str, card: ItemCard, date: str) -> Rendered:
    """To the one who asked: approved (`date`: the new deadline), declined, or no longer needed."""
    return t(f"roadmap.extension_{status}_notice", date=date, number=card.number, title=card.title), None


def _not_mine_keyboard(t: Translator, item_id: int, event_id: int) -> dict[str, Any]:
    """The secretariat's buttons under a "not mine": reassign (the owners editor) or keep them."""
    return _keyboard(
        [
            [
                (t("roadmap.reassign"), RoadmapEdit(item=item_id, action=EditAction.OWNERS)),
                (t("roadmap.keep"), RoadmapOwnerPick(item=item_id, kind=OwnerKind.KEEP, ref=event_id)),
            ],
            [(t("roadmap.open_card"), RoadmapCard(item=item_id))],
        ]
    )


def head(t: Translator, card: ItemCard) -> Html:
    return Html(_item_head(t, card.number, card.title))


def owner_notice(t: Translator, card: ItemCard, key: str) -> Rendered:
    """To an owner's people: the secretariat closed or cancelled the item, removed them, or kept it theirs."""
    return t(key, head=head(t, card)), to_card(t, card.id)


def _answer_notice(t: Translator, key: str, card: ItemCard, who: str, note: str | None) -> str:
    # Short enough for a caption when the note comes with a document.
    return t(
        key,
        who=who,
        head=Html(_item_head(t, card.number, render.short(card.title, 200))),
        note=render.short(note, 500) if note else "—",
    )


def done_notice(t: Translator, card: ItemCard, who: str, note: str | None) -> Rendered:
    """To the secretariat: an owner closed the item (the photo or document goes with it)."""
    return _answer_notice(t, "roadmap.told_done", card, who, note), to_card(t, card.id)


def not_mine_notice(t: Translator, card: ItemCard, event_id: int, who: str, reason: str | None) -> Rendered:
    """To the secretariat: someone says the item is not theirs; reassign or keep them."""
    return _answer_notice(t, "roadmap.told_not_mine", card, who, reason), _not_mine_keyboard(t, card.id, event_id)


def no_buttons() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[])
