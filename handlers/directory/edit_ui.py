"""Texts and keyboards of editing cards: the edit buttons of a card, its fields, each field's
question, the preview, and what a save or an undo came to (HTML, every value escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator, escape
from bot.services.contacts import readable_phone
from bot.services.directory import Ref
from bot.services.directory.edits import Change, Target
from bot.services.directory.fields import LONG, CardKind, Editor, Field, Kind, Value, field_of
from bot.services.directory.search_index import Doc
from bot.services.directory.values import Invalid, phone
from handlers.common.render import localized, short
from handlers.directory.callbacks import Card, EditAction, EditCard, EditField, EditStep, UndoAction, UndoChange

# How much of a value a message shows, so that every message stays within Telegram's 4,096
# characters: one value shown whole (at most fields.LONG, as a save allows), one beside a short
# other, two side by side, a short reminder.
WHOLE = LONG
MAIN = 3000
HALF = 1500
SHORT = 300
NAME = 100  # the card's name in a screen's header
# How much of a value a line of the audit log shows.
IN_AUDIT = 60
ICONS = {Kind.ORGANISATION: "🏢", Kind.ORGANISATIONS: "🏢", Kind.PEOPLE: "👤"}


def label(t: Translator, field: Field) -> str:
    return t(f"field.{field.card.noun}.{field.name}")


def choice(t: Translator, field: Field, value: object) -> str:
    return t(field.labels + str(value))


def value_text(t: Translator, field: Field, items: Sequence[Ref], value: Value, limit: int) -> Html:
    """A value as a line or a block of HTML: «not set», a choice's label, a text, or a list."""
    if not items:
        return Html(t("edit.not_set"))
    if field.kind is Kind.CHOICE:
        return escape(choice(t, field, value))
    if field.kind is Kind.TEXT:
        text = items[0].name
    elif field.item is phone:  # stored in E.164, shown as cards show it
        text = ", ".join(readable_phone(r.name) for r in items)
    else:
        text = ", ".join(localized(t, r.name, r.name_en) for r in items)
    return escape(short(text, limit))


def _card_name(t: Translator, target: Target) -> str:
    return short(localized(t, target.name, target.name_en), NAME)


def edit_rows(t: Translator, target: Target, change: Change | None) -> list[list[InlineKeyboardButton]]:
    """The buttons a card gets for whoever may edit it: edit, and undo its last change."""
    own = target.editor is Editor.SELF
    rows = [
        [
            InlineKeyboardButton(
                text=t("edit.button_own" if own else "edit.button"),
                callback_data=EditCard(card=target.card, id=target.id).pack(),
            )
        ]
    ]
    if change is not None and target.may(change.field):
        rows.append([_undo_button(t, target, change)])
    return rows


def _undo_button(t: Translator, target: Target, change: Change) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=short(t("edit.undo_button", field=label(t, change.field))),
        callback_data=UndoChange(card=target.card, id=target.id, change=change.id, action=UndoAction.ASK).pack(),
    )


def fields_menu(t: Translator, target: Target, change: Change | None) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for field in target.fields():
        kb.button(text=label(t, field), callback_data=EditField(card=target.card, id=target.id, field=field.name))
    kb.adjust(2)
    if change is not None and target.may(change.field):
        kb.row(_undo_button(t, target, change))
    kb.row(_back(t, target))
    return t("edit.menu", name=_card_name(t, target)), kb.as_markup()


def _back(t: Translator, target: Target) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t("edit.back"), callback_data=Card(kind=target.card.value, id=target.id).pack())


def _step(t: Translator, key: str, token: str, action: EditAction, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t(key), callback_data=EditStep(token=token, action=action, value=value).pack())


def question(
    t: Translator,
    target: Target,
    field: Field,
    token: str,
    *,
    seen: Value,
    seen_items: Sequence[Ref],
    picked: Sequence[Ref] = (),
    found: Sequence[Doc] | None = None,
    query: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    """What the field is now and how to give the new value; for a list, the list being made; after
    a search, what it found as buttons."""
    lines = [t("edit.header", field=label(t, field), name=_card_name(t, target))]
    kb = InlineKeyboardBuilder()
    listing = field.kind in (Kind.ORGANISATIONS, Kind.PEOPLE)
    if listing:
        lines.append(t("edit.list_now") if picked else t("edit.list_empty"))
        if picked:
            names = "\n".join(f"• {localized(t, ref.name, ref.name_en)}" for ref in picked)
            lines.append(escape(short(names, WHOLE)))
        for ref in picked:
            kb.row(_step_text(f"❌ {localized(t, ref.name, ref.name_en)}", token, EditAction.DROP, str(ref.id)))
    else:
        lines.append(t("edit.now", value=value_text(t, field, seen_items, seen, WHOLE)))
    if field.kind is Kind.CHOICE:
        for option in field.choices:
            mark = "• " if option == seen else ""
            kb.row(_step_text(mark + choice(t, field, option), token, EditAction.CHOOSE, option))
    if found is not None:
        lines += ["", t("edit.found" if found else "edit.found_none", query=query)]
        icon = ICONS.get(field.kind, "")
        for doc in found:
            name = localized(t, doc.title, doc.title_en)
            kb.row(_step_text(f"{'➕ ' if listing else ''}{icon} {name}", token, EditAction.PICK, str(doc.id)))
    lines += ["", _hint(t, field)]
    buttons = []
    if listing:
        buttons.append(_step(t, "edit.done", token, EditAction.DONE))
    elif not field.required and seen_items and field.kind is not Kind.CHOICE:
        buttons.append(_step(t, "edit.clear", token, EditAction.CLEAR))
    buttons.append(_step(t, "edit.cancel", token, EditAction.CANCEL))
    kb.row(*buttons)
    return "\n".join(lines), kb.as_markup()


def _step_text(text: str, token: str, action: EditAction, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=short(text), callback_data=EditStep(token=token, action=action, value=value).pack()
    )


def _hint(t: Translator, field: Field) -> str:
    if field.kind is Kind.TEXT:
        return t("edit.hint.text", limit=field.limit)
    if field.kind is Kind.LINES:
        return t(f"edit.hint.{field.name}", limit=field.max_items)
    return t(f"edit.hint.{field.kind.value}")


def preview(
    t: Translator,
    target: Target,
    field: Field,
    token: str,
    *,
    old: Value,
    old_items: Sequence[Ref],
    new: Value,
    new_items: Sequence[Ref],
) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "edit.preview",
        field=label(t, field),
        name=_card_name(t, target),
        old=value_text(t, field, old_items, old, SHORT),
        new=value_text(t, field, new_items, new, WHOLE),
    )
    kb = InlineKeyboardBuilder()
    kb.row(_step(t, "edit.save", token, EditAction.SAVE))
    kb.row(_step(t, "edit.again", token, EditAction.AGAIN), _step(t, "edit.cancel", token, EditAction.CANCEL))
    return text, kb.as_markup()


def invalid(t: Translator, problem: Invalid) -> str:
    details = dict(problem.details)
    if "why" in details:  # a phone or an e-mail: the contacts' own words say what is wrong with it
        details["why"] = Html(t(f"contacts.bad_{problem.reason}.{details['why']}"))
    return t(f"edit.invalid.{problem.reason}", **details)


def conflict(t: Translator, field: Field, *, now: Html, mine: Html) -> str:
    return t("edit.conflict", field=label(t, field), now=now, mine=mine)


def undo_confirm(
    t: Translator, target: Target, change: Change, *, now: Html, back: Html
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.row(
        InlineKeyboardButton(
            text=t("edit.undo_yes"),
            callback_data=UndoChange(
                card=target.card, id=target.id, change=change.id, action=UndoAction.CONFIRM
            ).pack(),
        )
    )
    kb.row(_back(t, target))
    text = t("edit.undo_confirm", name=_card_name(t, target), field=label(t, change.field), now=now, back=back)
    return text, kb.as_markup()


def audit_action(t: Translator, action: str, details: dict[str, Any], *, project: str = "—") -> str:
    """An audit entry's action in words («выдал роль …», «изменил поле …»), or its code if it has none."""
    key = "audit." + action
    if not t.has(key):
        return f"<code>{escape(action)}</code>"
    role = details.get("role")
    role_name = t("role." + role) if isinstance(role, str) and t.has("role." + role) else "—"
    return t(key, role=role_name, project=project, **audit_values(t, action, details))


def audit_values(t: Translator, action: str, details: dict[str, Any]) -> dict[str, str]:
    """The field and the values an edit or undo in the audit log changed, as its line names them."""
    verb, _, noun = action.partition(".")
    card = next((kind for kind in CardKind if kind.noun == noun), None)
    field = field_of(card, str(details.get("field"))) if verb in ("edit", "undo") and card else None
    if field is None:
        return {}

    def shown(key: str) -> str:
        if field.kind is Kind.CHOICE and details.get(key) is not None:
            return choice(t, field, details[key])
        if field.item is phone and isinstance(details.get(key), list):
            return short(", ".join(readable_phone(str(number)) for number in details[key]) or "—", IN_AUDIT)
        return short(str(details.get(key + "_text") or "—"), IN_AUDIT)

    return {"field": label(t, field), "old": shown("old"), "new": shown("new")}
