"""Texts and keyboards of a fact answer: the card's name, the field asked (or that it is not
given), the buttons that field leads to, and «Открыть карточку» (HTML, every dynamic piece escaped)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator, escape
from bot.services.directory import OrganisationCard, PersonCard, ProjectCard, Ref
from bot.services.directory.facts import CONTACT_FIELDS
from bot.services.directory.search_index import Doc
from handlers.common.render import localized, short, split_text
from handlers.directory.callbacks import Card, Section
from handlers.directory.ui import CARD_KIND, PARTNER_BUTTONS, SECTION_CHUNK, email_lines, label, phone_lines

ICONS = {"project": "📁", "organisation": "🏢", "person": "👤"}
PEOPLE_BUTTONS = 8
PARTNERS_LISTED = 15
PARTNER_ROLE = 150


def project_fact(
    t: Translator, doc: Doc, card: ProjectCard, field: str, people: Sequence[PersonCard], *, member: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """`people`: the cards of the first of project_people, for a contact question."""
    kb = InlineKeyboardBuilder()
    if field in CONTACT_FIELDS:
        lines = _people(t, field, people, len(project_people(card)), member=member)
        _person_buttons(kb, people if member else ())
        if not people and card.leader:  # nobody to call: the leader organisation may know
            _button(kb, "🏢", label(t, card.leader), "o", card.leader.id)
    elif field == "partners":
        lines = _partners(t, card.partners)
        for partner in card.partners[:PARTNER_BUTTONS]:
            _button(kb, "🤝", label(t, partner), "o", partner.id)
    elif field == "leader":
        lines = _leader(t, card, member=member)
        if card.leader:
            _button(kb, "🏢", label(t, card.leader), "o", card.leader.id)
        for person in card.leaders if member else ():
            _button(kb, "⭐", person.name, "h", person.id)
    elif field == "results":
        chunks = split_text(card.results or "", SECTION_CHUNK)
        lines = _value(t, field, chunks[0] if card.results else None, block=True)
        if len(chunks) > 1:  # the rest as the card's own section pages
            kb.button(text=t("section.next"), callback_data=Section(project=card.id, name="results", part=1))
    elif field == "period":
        lines = [*_value(t, field, card.period), f"<b>{t('card.status')}</b> {t('status.' + card.status)}"]
    else:  # budget, goal
        lines = _value(t, field, getattr(card, field), block=field == "goal")
    return _reply(t, doc, lines, kb)


def project_people(card: ProjectCard) -> list[Ref]:
    """Whom a project's contact question is about: its leaders, then its contact people, each once."""
    return list({ref.id: ref for ref in [*card.leaders, *card.contacts]}.values())


def organisation_fact(
    t: Translator, doc: Doc, card: OrganisationCard, field: str, people: Sequence[PersonCard], *, member: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """A contact question (the only kind an organisation answers): its people's, and its website."""
    lines = _people(t, field, people, len(card.people), member=member)
    if field == "contacts" and card.website:
        lines.append(f"<b>{t('card.website')}</b> {escape(card.website)}")
    kb = InlineKeyboardBuilder()
    _person_buttons(kb, people if member else ())
    return _reply(t, doc, lines, kb)


def person_fact(t: Translator, doc: Doc, card: PersonCard, field: str) -> tuple[str, InlineKeyboardMarkup]:
    lines: list[str] = [escape(short(card.position, 200))] if card.position else []
    lines += _contact_lines(card, field) or [t("fact.empty." + field)]
    return _reply(t, doc, lines, InlineKeyboardBuilder())


def _reply(t: Translator, doc: Doc, lines: list[str], kb: InlineKeyboardBuilder) -> tuple[str, InlineKeyboardMarkup]:
    header = f"{ICONS[doc.kind]} <b>{escape(localized(t, doc.title, doc.title_en))}</b>"
    kb.row(InlineKeyboardButton(text=t("fact.open"), callback_data=Card(kind=CARD_KIND[doc.kind], id=doc.id).pack()))
    return "\n".join([header, *lines]), kb.as_markup()


def _value(t: Translator, field: str, value: str | None, *, block: bool = False) -> list[str]:
    """The field with its label, on the label's line or, a long text, below it; or that it is not given."""
    if not value:
        return [t("fact.empty." + field)]
    return [f"<b>{t('fact.label.' + field)}</b>" + ("\n" if block else " ") + escape(value)]


def _partners(t: Translator, partners: Sequence[Ref]) -> list[str]:
    if not partners:
        return [t("fact.empty.partners")]
    lines = [f"<b>{t('fact.label.partners')}</b>"]
    for partner in partners[:PARTNERS_LISTED]:
        role = f" — {short(partner.note, PARTNER_ROLE)}" if partner.note else ""
        lines.append(f"• {escape(label(t, partner) + role)}")
    if len(partners) > PARTNERS_LISTED:
        lines.append(t("card.more", n=len(partners) - PARTNERS_LISTED).strip())
    return lines


def _leader(t: Translator, card: ProjectCard, *, member: bool) -> list[str]:
    lines = _value(t, "leader", label(t, card.leader) if card.leader else None)
    if card.leaders:
        names = ", ".join(person.name for person in card.leaders)
        lines.append(f"<b>{t('fact.label.leaders')}</b> {escape(names)}" if member else t("card.people_hidden"))
    return lines


def _people(t: Translator, field: str, people: Sequence[PersonCard], total: int, *, member: bool) -> list[str]:
    """Each person with what was asked of their contacts; guests are told that contact people
    are for members."""
    if not total:
        return [t("fact.no_people")]
    if not member:
        return [t("card.people_hidden")]
    blocks = [_person_block(card, found) for card in people if (found := _contact_lines(card, field))]
    lines = [f"<b>{t('fact.label.' + field)}</b>", *blocks] if blocks else [t("fact.empty." + field)]
    if total > len(people):
        lines.append(t("fact.more_people", n=total))
    return lines


def _person_block(card: PersonCard, contacts: list[str]) -> str:
    name = f"👤 <b>{escape(card.name)}</b>" + (f" — {escape(short(card.position, 100))}" if card.position else "")
    return "\n".join([name, *contacts])


def _contact_lines(card: PersonCard, field: str) -> list[str]:
    """What a contact question asks of a person, shown as their card shows it."""
    lines: list[str] = []
    if field in ("phone", "contacts"):
        lines += phone_lines(card.phones)
    if field in ("email", "contacts"):
        lines += email_lines(card.emails)
    if field == "contacts" and card.telegram_username:
        lines.append(f"💬 @{escape(card.telegram_username)}")
    return lines


def _person_buttons(kb: InlineKeyboardBuilder, people: Sequence[PersonCard]) -> None:
    for person in people[:PEOPLE_BUTTONS]:
        _button(kb, "👤", person.name, "h", person.id)


def _button(kb: InlineKeyboardBuilder, icon: str, text: str, kind: str, id_: int) -> None:
    kb.row(InlineKeyboardButton(text=f"{icon} {short(text)}", callback_data=Card(kind=kind, id=id_).pack()))
