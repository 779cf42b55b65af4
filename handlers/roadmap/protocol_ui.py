"""The protocol import's texts and keyboards: the draft list (paged), an item's editor, the owners
editor, the questions, and what was created."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator, escape
from bot.services.directory import Page
from bot.services.roadmap.imports import ORGANISATION, Choice, Draft, DraftItem
from handlers.common import render
from handlers.roadmap.callbacks import RoadmapList
from handlers.roadmap.protocol_dialog import ProtocolAction, ProtocolButton
from handlers.roadmap.ui import when

PAGE_SIZE = 5
TITLE_SHOWN = 150
OWNERS_SHOWN = 200
DESCRIPTION_SHOWN = 1500
TERM_SHOWN = 100
Action = ProtocolAction


def _button(text: str, token: str, action: ProtocolAction, item: int = 0, ref: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=ProtocolButton(draft=token, action=action, item=item, ref=ref).pack()
    )


def _deadline(t: Translator, item: DraftItem, tz: ZoneInfo) -> str:
    """The deadline, or what «Срок» says when it could not be read (or is past) as one."""
    if item["deadline"] is not None:
        return when(datetime.fromisoformat(item["deadline"]), tz)
    if item["term"]:
        return t.plain("protocol.term_unread", term=render.short(item["term"], TERM_SHOWN))
    return t.plain("protocol.no_deadline")


def _owners(t: Translator, item: DraftItem) -> str:
    names = [owner["name"] for owner in item["owners"]]
    names += [t.plain("protocol.unmatched", text=mention["text"]) for mention in item["mentions"]]
    return render.short("; ".join(names), OWNERS_SHOWN) if names else t.plain("protocol.no_owners")


def draft_list(t: Translator, token: str, draft: Draft, offset: int, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    items = draft["items"]
    page = Page(items[offset : offset + PAGE_SIZE], len(items), offset, PAGE_SIZE)
    taken = sum(item["taken"] for item in items)
    lines = [t("protocol.list_head", name=draft["name"], n=len(items), taken=taken)]
    kb = InlineKeyboardBuilder()
    for index, item in enumerate(page.items, start=offset):
        if item["imported"] is not None:
            state = t("protocol.imported", number=item["imported"])
        else:
            state = t("protocol.item_fields", deadline=_deadline(t, item, tz), owners=_owners(t, item))
        mark = "✅" if item["taken"] else "⬜"
        title = render.short(item["title"], TITLE_SHOWN)
        lines.append(t("protocol.item_line", mark=mark, number=item["number"], title=title, state=Html(state)))
        kb.row(
            _button(f"{mark} {item['number']}", token, Action.TAKE, index),
            _button(t.plain("protocol.edit", number=item["number"]), token, Action.OPEN, index),
        )
    render.pager(kb, page, lambda start: ProtocolButton(draft=token, action=Action.PAGE, ref=start))
    kb.row(
        _button(t.plain("protocol.create", n=taken), token, Action.CREATE),
        _button(t.plain("protocol.cancel"), token, Action.CANCEL),
    )
    return "\n\n".join(lines), kb.as_markup()


def item_editor(t: Translator, token: str, draft: Draft, index: int, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    item = draft["items"][index]
    lines = [
        t("protocol.item_head", number=item["number"], name=draft["name"]),
        t("protocol.item_title", title=item["title"]),
        escape(render.short(item["description"], DESCRIPTION_SHOWN)),
        "",
        t("protocol.item_term", term=render.short(item["term"], TERM_SHOWN) or "—"),
        t("protocol.item_deadline", deadline=_deadline(t, item, tz) if item["deadline"] else "—"),
        t("protocol.item_owners", owners=_owners(t, item)),
        t("protocol.item_taken" if item["taken"] else "protocol.item_dropped"),
    ]
    kb = InlineKeyboardBuilder()
    kb.row(
        _button(t.plain("protocol.edit_title"), token, Action.TITLE, index),
        _button(t.plain("protocol.edit_deadline"), token, Action.DEADLINE, index),
        _button(t.plain("protocol.edit_owners"), token, Action.OWNERS, index),
    )
    kb.row(
        _button(t.plain("protocol.drop" if item["taken"] else "protocol.keep"), token, Action.TAKE, index, 1),
        _button(t.plain("protocol.to_list"), token, Action.LIST, index),
    )
    return "\n".join(lines), kb.as_markup()


def owners_editor(
    t: Translator, token: str, draft: Draft, index: int, offered: list[Choice]
) -> tuple[str, InlineKeyboardMarkup]:
    """The item's owners, each with ❌; those the document's words may mean and those found by the
    words typed, each a button that adds them."""
    item = draft["items"][index]
    chosen = [(owner["kind"], owner["id"]) for owner in item["owners"]]
    names = "\n".join(f"• {owner['name']}" for owner in item["owners"]) or t.plain("protocol.no_owners")
    written = render.short("; ".join(mention["text"] for mention in item["mentions"]), OWNERS_SHOWN)
    text = t("protocol.owners_head", number=item["number"], owners=names)
    if written:
        text += "\n" + t("protocol.owners_unmatched", text=written)
    kb = InlineKeyboardBuilder()
    for place, owner in enumerate(item["owners"]):
        kb.row(_button(render.short("❌ " + owner["name"]), token, Action.REMOVE, index, place))
    for choice in offered:
        if (choice["kind"], choice["id"]) in chosen:
            continue
        organisation = choice["kind"] == ORGANISATION
        action = Action.ADD_ORGANISATION if organisation else Action.ADD_PERSON
        kb.row(
            _button(
                render.short(("🏢 " if organisation else "👤 ") + choice["name"]), token, action, index, choice["id"]
            )
        )
    kb.row(_button(t.plain("protocol.done_editing"), token, Action.OPEN, index))
    return text + "\n\n" + t("protocol.owners_hint"), kb.as_markup()


def offered(item: DraftItem) -> list[Choice]:
    """Whom the document's words for the owners may mean."""
    return [candidate for mention in item["mentions"] for candidate in mention["candidates"]]


def deadline_question(t: Translator, token: str, item: DraftItem, index: int) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.row(
        _button(t.plain("protocol.no_deadline_button"), token, Action.NO_DEADLINE, index),
        _button(t.plain("protocol.back"), token, Action.OPEN, index),
    )
    term = render.short(item["term"], TERM_SHOWN) or "—"
    return t("protocol.ask_deadline", number=item["number"], term=term), kb.as_markup()


def title_question(t: Translator, token: str, item: DraftItem, index: int) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.row(_button(t.plain("protocol.back"), token, Action.OPEN, index))
    return t("protocol.ask_title", number=item["number"], title=item["title"]), kb.as_markup()


def created(t: Translator, numbers: list[int], before: list[int], told: bool) -> tuple[str, InlineKeyboardMarkup]:
    lines = []
    if numbers:
        lines.append(t.plural("protocol.created", len(numbers), n=len(numbers), numbers=_numbers(numbers)))
    if before:
        lines.append(t("protocol.created_before", numbers=_numbers(before)))
    if told:
        lines.append(t("protocol.owners_told"))
    kb = InlineKeyboardBuilder()
    kb.button(text=t("roadmap.back"), callback_data=RoadmapList(mine=False, offset=0))
    return "\n".join(lines), kb.as_markup()


def _numbers(numbers: list[int]) -> str:
    return ", ".join(map(str, sorted(numbers)))
