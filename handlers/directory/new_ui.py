"""Texts and keyboards of the wizard that makes a new organisation, person or project."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator, escape
from bot.services.directory import Ref
from bot.services.directory.fields import CardKind, Field, Kind
from bot.services.directory.search_index import Doc
from bot.services.directory.values import Invalid
from handlers.common.render import flag, localized, short
from handlers.directory.callbacks import NewAction, NewCard, NewStep
from handlers.directory.lifecycle_ui import ICONS

# What a wizard asks for, in order: names of fields of bot.services.directory.fields.
STEPS: dict[CardKind, tuple[str, ...]] = {
    CardKind.ORGANISATION: ("name", "kind", "country", "website", "description"),
    CardKind.PERSON: ("name", "position", "organisation", "phones", "emails"),
    CardKind.PROJECT: ("title", "kind", "leader", "partners"),
}
COUNTRY = "country"  # typed as a code, or one of the directory's countries by its button


def kinds(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for card in (CardKind.ORGANISATION, CardKind.PERSON, CardKind.PROJECT):
        kb.button(text=f"{ICONS[card]} {t('new.kind.' + card.noun)}", callback_data=NewCard(card=card))
    kb.adjust(1)
    return t("new.choose"), kb.as_markup()


def label(t: Translator, card: CardKind, name: str) -> str:
    return t(f"new.field.{card.noun}.{name}")


def question(
    t: Translator,
    token: str,
    card: CardKind,
    field: Field,
    *,
    countries: Sequence[str] = (),
    found: Sequence[Doc] | None = None,
    query: str = "",
    picked: Sequence[Ref] = (),
    may_make_organisation: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:
    """The step's question and its buttons: choices, countries, or the organisations found."""
    lines = [t(f"new.ask.{card.noun}.{field.name}")]
    kb = InlineKeyboardBuilder()
    if field.kind is Kind.CHOICE:
        for choice in field.choices:
            kb.button(text=t(field.labels + choice), callback_data=_step(token, NewAction.CHOOSE, choice))
    elif field.name == COUNTRY:
        for code in countries:
            name = t("country." + code) if t.has("country." + code) else code
            kb.button(text=f"{flag(code)} {name}", callback_data=_step(token, NewAction.CHOOSE, code))
    if picked:
        lines.append(t("new.picked", names=", ".join(localized(t, ref.name, ref.name_en) for ref in picked)))
    if found is not None:
        lines.append(t("new.found", query=query) if found else t("new.found_none", query=query))
        for doc in found:
            kb.button(
                text="🏢 " + short(localized(t, doc.title, doc.title_en)),
                callback_data=_step(token, NewAction.PICK, str(doc.id)),
            )
    kb.adjust(2 if field.kind is Kind.CHOICE or field.name == COUNTRY else 1)
    if may_make_organisation:
        kb.row(_button(t("new.make_organisation"), token, NewAction.NEW_ORGANISATION))
    if field.kind is Kind.ORGANISATIONS:
        kb.row(_button(t("new.done"), token, NewAction.DONE))
    elif not field.required and field.kind is not Kind.CHOICE:
        kb.row(_button(t("new.skip"), token, NewAction.SKIP))
    kb.row(_button(t("new.cancel"), token, NewAction.CANCEL))
    return "\n\n".join(lines), kb.as_markup()


def preview(
    t: Translator, token: str, card: CardKind, lines: Sequence[tuple[str, str]], organisation: Sequence[tuple[str, str]]
) -> tuple[str, InlineKeyboardMarkup]:
    """The card to be made, field by field (as typed: escaped here); the organisation made on the
    way under it."""
    text = [t(f"new.preview.{card.noun}"), *(f"<b>{label}:</b> {escape(value)}" for label, value in lines)]
    if organisation:
        text += [
            "",
            t("new.preview.with_organisation"),
            *(f"<b>{label}:</b> {escape(value)}" for label, value in organisation),
        ]
    kb = InlineKeyboardBuilder()
    kb.row(_button(t("new.create"), token, NewAction.CREATE))
    kb.row(_button(t("new.cancel"), token, NewAction.CANCEL))
    return "\n".join(text), kb.as_markup()


def invalid(t: Translator, problem: Invalid) -> str:
    details = dict(problem.details)
    if "why" in details:  # a phone or an e-mail: the contacts' own words say what is wrong with it
        details["why"] = Html(t(f"contacts.bad_{problem.reason}.{details['why']}"))
    return t(f"new.invalid.{problem.reason}", **details)


def _step(token: str, action: NewAction, value: str = "") -> NewStep:
    return NewStep(token=token, action=action, value=value)


def _button(text: str, token: str, action: NewAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=_step(token, action).pack())
