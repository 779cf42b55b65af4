"""Texts and keyboards of the directory: lists, the three kinds of card, search results (HTML,
every dynamic piece escaped)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator, escape
from bot.services.access.members import Secretary
from bot.services.contacts import readable_phone
from bot.services.directory import OrganisationCard, Page, PersonCard, ProjectCard, ProjectRow, Ref, is_fax
from bot.services.directory.privacy import Audience
from bot.services.directory.search_index import Hit
from handlers.admin.callbacks import MemberAct, MemberAction, NewInvite
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.render import flag, localized, pager, short, split_text, telegram_account
from handlers.directory.callbacks import Card, Country, OrgsPage, ProjectsPage, Section

SECTION_CHUNK = 3000


PARTNER_BUTTONS = 8


CARD_KIND = {"project": "p", "organisation": "o", "person": "h"}


SECTIONS = ("tasks", "results", "prospects", "summary")


def projects_list(t: Translator, page: Page[ProjectRow]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("projects.title", total=page.total)]
    kind = None
    for n, row in enumerate(page.items, start=page.offset + 1):
        if row.kind != kind:
            kind = row.kind
            lines += ["", f"<b>{t('kind.' + kind)}</b>"]
        lines.append(f"{n}. {escape(localized(t, row.title, row.title_en))}")
    kb = InlineKeyboardBuilder()
    for n, row in enumerate(page.items, start=page.offset + 1):
        kb.row(
            InlineKeyboardButton(
                text=short(f"{n}. {localized(t, row.title, row.title_en)}"),
                callback_data=Card(kind="p", id=row.id).pack(),
            )
        )
    pager(kb, page, lambda offset: ProjectsPage(offset=offset))
    return "\n".join(lines), kb.as_markup()


def label(t: Translator, ref: Ref) -> str:
    return localized(t, ref.name, ref.name_en)


def countries(t: Translator, facets: list[tuple[str, int]]) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    total = sum(count for _, count in facets)
    kb.button(text=t("orgs.all", count=total), callback_data=Country(code=""))
    for country, count in facets:
        kb.button(
            text=f"{flag(country)} {t('country.' + country) if t.has('country.' + country) else country} · {count}",
            callback_data=Country(code=country),
        )
    kb.adjust(1, 2)
    return t("orgs.choose_country"), kb.as_markup()


def organisations_list(
    t: Translator, page: Page[Ref], country: str, kinds: list[tuple[str, int]]
) -> tuple[str, InlineKeyboardMarkup]:
    """Buttons marked with their kind's icon; the text says which icon is which kind, and how many."""
    where = f"{flag(country)} {t('country.' + country)}" if country and t.has("country." + country) else country
    lines = [
        t("orgs.title", where=where or t("orgs.everywhere"), total=page.total),
        *(f"{_kind_icon(kind)} {t('orgkind.' + kind)}: {count}" for kind, count in kinds),
    ]
    kb = InlineKeyboardBuilder()
    for ref in page.items:
        kb.row(
            InlineKeyboardButton(
                text=short(f"{_kind_icon(ref.note)} {label(t, ref)}"), callback_data=Card(kind="o", id=ref.id).pack()
            )
        )
    pager(kb, page, lambda offset: OrgsPage(country=country, offset=offset))
    kb.row(InlineKeyboardButton(text=t("orgs.countries"), callback_data=Menu(name=MenuItem.ORGS).pack()))
    return "\n".join(lines), kb.as_markup()


ORGANISATION_KIND_ICONS = {
    "government": "🏛",
    "public_institution": "🏫",
    "association": "🤝",
    "company": "🏭",
    "research": "🔬",
    "university": "🎓",
    "fund": "💰",
    "international": "🌐",
    "representative_office": "🏳",
    "other": "▫️",
}


def _kind_icon(kind: str | None) -> str:
    return ORGANISATION_KIND_ICONS.get(kind or "", ORGANISATION_KIND_ICONS["other"])


def _field(t: Translator, key: str, value: str | None, limit: int = 700) -> list[str]:
    return [f"<b>{t(key)}</b> {escape(short(value, limit))}"] if value else []


def project_card(t: Translator, card: ProjectCard, *, member: bool) -> tuple[str, InlineKeyboardMarkup]:
    title = localized(t, card.title, card.title_en)
    lines = [f"📁 <b>{escape(title)}</b>"]
    if card.title_en and card.title_en != card.title:
        lines.append(f"<i>{escape(card.title if title == card.title_en else card.title_en)}</i>")
    lines.append(t("kind." + card.kind) + (f" · {escape(card.programme)}" if card.programme else ""))
    lines += _field(t, "card.period", card.period)
    lines.append(f"<b>{t('card.status')}</b> {t('status.' + card.status)}")
    if card.leader:
        lines.append(f"<b>{t('card.leader')}</b> {escape(label(t, card.leader))}")
    if card.partners:
        names = ", ".join(label(t, p) for p in card.partners[:15])
        more = len(card.partners) - 15
        lines.append(
            f"<b>{t('card.partners')}</b> {escape(short(names, 900))}" + (t("card.more", n=more) if more > 0 else "")
        )
    lines += _field(t, "card.goal", card.goal)
    lines += _field(t, "card.budget", card.budget, 300)
    people = [*card.leaders, *card.contacts]
    if people and not member:
        lines.append(t("card.people_hidden"))
    kb = InlineKeyboardBuilder()
    for name in SECTIONS:
        if getattr(card, name):
            kb.button(text=t("section." + name), callback_data=Section(project=card.id, name=name, part=0))
    kb.adjust(2)
    if card.leader:
        kb.row(
            InlineKeyboardButton(
                text="🏢 " + short(label(t, card.leader)), callback_data=Card(kind="o", id=card.leader.id).pack()
            )
        )
    for partner in card.partners[:PARTNER_BUTTONS]:
        kb.row(
            InlineKeyboardButton(
                text="🤝 " + short(label(t, partner)), callback_data=Card(kind="o", id=partner.id).pack()
            )
        )
    if member:
        for person in card.leaders:
            kb.row(
                InlineKeyboardButton(text="⭐ " + short(person.name), callback_data=Card(kind="h", id=person.id).pack())
            )
        for person in card.contacts:
            kb.row(
                InlineKeyboardButton(text="👤 " + short(person.name), callback_data=Card(kind="h", id=person.id).pack())
            )
    return "\n".join(lines), kb.as_markup()


def section_page(t: Translator, card: ProjectCard, name: str, part: int) -> tuple[str, InlineKeyboardMarkup] | None:
    chunks = split_text(getattr(card, name) or "", SECTION_CHUNK)
    if not 0 <= part < len(chunks):
        return None
    header = f"📁 <b>{escape(localized(t, card.title, card.title_en))}</b> — {t('section.' + name)}"
    if len(chunks) > 1:
        header += f" ({part + 1}/{len(chunks)})"
    kb = InlineKeyboardBuilder()
    if part + 1 < len(chunks):
        kb.button(text=t("section.next"), callback_data=Section(project=card.id, name=name, part=part + 1))
    kb.button(text=t("section.back"), callback_data=Card(kind="p", id=card.id))
    return f"{header}\n\n{escape(chunks[part])}", kb.as_markup()


def organisation_card(t: Translator, card: OrganisationCard, *, member: bool) -> tuple[str, InlineKeyboardMarkup]:
    title = f"{card.legal_form} «{card.name}»" if card.legal_form else card.name
    if t.language == "en" and card.name_en:
        title, card_subtitle = card.name_en, title
    else:
        card_subtitle = card.name_en or ""
    lines = [f"🏢 <b>{escape(title)}</b>"]
    if card_subtitle:
        lines.append(f"<i>{escape(card_subtitle)}</i>")
    country = t("country." + card.country) if t.has("country." + card.country) else card.country
    place = ", ".join(x for x in (country, card.region) if x)
    lines.append(
        f"{flag(card.country)} {escape(place)} · {t('orgkind.' + card.kind)} · {t('clusterrole.' + card.cluster_role)}"
    )
    lines += _field(t, "card.about", card.description)
    lines += _field(t, "card.website", card.website, 200)
    if card.led:
        lines.append(f"<b>{t('card.leads')}</b> {escape(', '.join(label(t, p) for p in card.led))}")
    if card.joined:
        lines.append(f"<b>{t('card.joins')}</b> {escape(short(', '.join(label(t, p) for p in card.joined), 900))}")
    if card.people and not member:
        lines.append(t("card.people_hidden"))
    kb = InlineKeyboardBuilder()
    for project in [*card.led, *card.joined][:10]:
        kb.row(
            InlineKeyboardButton(
                text="📁 " + short(label(t, project)), callback_data=Card(kind="p", id=project.id).pack()
            )
        )
    if member:
        for person in card.people[:15]:
            kb.row(
                InlineKeyboardButton(
                    text="👤 " + short(person.name + (f" — {person.note}" if person.note else "")),
                    callback_data=Card(kind="h", id=person.id).pack(),
                )
            )
    return "\n".join(lines), kb.as_markup()


def phone_lines(phones: Sequence[str]) -> list[str]:
    return [f"{'📠' if is_fax(phone) else '📞'} <code>{escape(readable_phone(phone))}</code>" for phone in phones]


def email_lines(emails: Sequence[str]) -> list[str]:
    return [f"✉️ {escape(email)}" for email in emails]


def person_card(t: Translator, card: PersonCard, *, secretariat: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"👤 <b>{escape(card.name)}</b>"]
    if card.name_en:
        lines.append(f"<i>{escape(card.name_en)}</i>")
    if card.position:
        lines.append(escape(card.position))
    if card.organisation:
        lines.append(f"🏢 {escape(label(t, card.organisation))}")
    elif card.affiliation:
        lines.append(f"🏢 {escape(card.affiliation)}")
    if card.helps_with:
        lines.append(f"🤝 <b>{t('card.helps_with')}</b> {escape(card.helps_with)}")
    lines += phone_lines(card.phones) + email_lines(card.emails)
    # Contacts shown to fewer than all members say so to whoever sees them (the secretariat, the
    # person themself), so that they are not passed on unawares.
    for contacts, field, choice in (
        (card.phones, "phones", card.phones_visibility),
        (card.emails, "emails", card.emails_visibility),
    ):
        if contacts and choice != Audience.MEMBERS:
            lines.append(t(f"privacy.mark.{field}.{choice}"))
    if card.telegram_username:
        lines.append(f"💬 @{escape(card.telegram_username)}")
    if not card.phones and not card.emails and not card.telegram_username:
        lines.append(t("card.no_contacts"))
    kb = InlineKeyboardBuilder()
    if card.organisation:
        kb.row(
            InlineKeyboardButton(
                text="🏢 " + short(label(t, card.organisation)),
                callback_data=Card(kind="o", id=card.organisation.id).pack(),
            )
        )
    for project in card.projects[:10]:
        kb.row(
            InlineKeyboardButton(
                text="📁 " + short(label(t, project)), callback_data=Card(kind="p", id=project.id).pack()
            )
        )
    if card.own:
        kb.row(InlineKeyboardButton(text=t("privacy.open"), callback_data=Menu(name=MenuItem.PRIVACY).pack()))
    if secretariat:
        kb.row(
            InlineKeyboardButton(
                text=t("admin.invite_person"), callback_data=NewInvite(role="member", person=card.id).pack()
            ),
            InlineKeyboardButton(
                text=t("admin.manage"), callback_data=MemberAction(person=card.id, action=MemberAct.SHOW).pack()
            ),
        )
    return "\n".join(lines), kb.as_markup()


def secretariat(t: Translator, people: Sequence[Secretary], *, member: bool) -> tuple[str, InlineKeyboardMarkup]:
    """Who to write to in the secretariat: Telegram links for members; for guests, what it does."""
    kb = InlineKeyboardBuilder()
    if not member:
        kb.button(text=t("menu.join"), callback_data=Menu(name=MenuItem.JOIN))
        return t("secretariat.guest"), kb.as_markup()
    lines = [t("secretariat.title")]
    for person in people:
        lines.append(
            "• " + telegram_account(person.telegram_id, person.name or t("secretariat.nameless"), person.username)
        )
        if person.person_id is not None:
            kb.row(
                InlineKeyboardButton(
                    text=short(f"👤 {person.name}"), callback_data=Card(kind="h", id=person.person_id).pack()
                )
            )
    lines.append(t("secretariat.other"))
    return "\n".join(lines), kb.as_markup()


def search_results(t: Translator, query: str, hits: Sequence[Hit], total: int) -> tuple[str, InlineKeyboardMarkup]:
    """The best `hits` of `total` found, as buttons; typo guesses are offered as guesses, and a
    list that leaves some out says so."""
    kb = InlineKeyboardBuilder()
    icons = {"project": "📁", "organisation": "🏢", "person": "👤"}
    for hit in hits:
        doc = hit.doc
        subtitle = localized(t, doc.subtitle, doc.subtitle_en) if doc.kind == "person" else ""
        label = localized(t, doc.title, doc.title_en) + (f" — {subtitle}" if subtitle else "")
        kb.row(
            InlineKeyboardButton(
                text=short(f"{icons[hit.doc.kind]} {label}"),
                callback_data=Card(kind=CARD_KIND[hit.doc.kind], id=hit.doc.id).pack(),
            )
        )
    if all(hit.guessed for hit in hits):
        return t("search.guess"), kb.as_markup()
    text = t("search.several", query=short(query, 100), count=total)
    if total > len(hits):
        text += "\n" + t("search.more", shown=len(hits))
    return text, kb.as_markup()
