"""Texts and keyboards of the secretariat's panel: the panel, members and their cards, invites,
the audit log."""

from __future__ import annotations

from datetime import tzinfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator, escape
from bot.services import access, audit
from bot.services.access import invites, members
from bot.services.directory import Page
from handlers.admin.callbacks import AuditPage, MemberAct, MemberAction, MembersPage, NewInvite
from handlers.common import render
from handlers.common.callbacks import Menu, MenuItem
from handlers.directory import edit_ui
from handlers.directory.callbacks import ArchivePage

Markup = InlineKeyboardMarkup
AUDIT_PAGE = 15


def panel(t: Translator, pending: int, invite_hours: int) -> tuple[str, Markup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("admin.members"), callback_data=MembersPage(offset=0))
    kb.button(text=t("admin.invite_member"), callback_data=NewInvite(role="member"))
    kb.button(text=t("admin.invite_secretariat"), callback_data=NewInvite(role="secretariat"))
    kb.button(text=t("admin.audit"), callback_data=AuditPage(offset=0))
    kb.button(text=t("new.button"), callback_data=Menu(name=MenuItem.NEW))
    kb.button(text=t("archive.button"), callback_data=ArchivePage(offset=0))
    kb.button(text=t("reports.admin_button"), callback_data=Menu(name=MenuItem.REPORTS))
    kb.button(text=t("roadmap.admin_button"), callback_data=Menu(name=MenuItem.ROADMAP))
    kb.button(text=t("announcements.admin_button"), callback_data=Menu(name=MenuItem.ANNOUNCEMENTS))
    kb.adjust(1)
    return t("admin.panel", pending=pending, hours=invite_hours), kb.as_markup()


def roles(t: Translator, held: frozenset[str]) -> str:
    return ", ".join(t("role." + r) for r in access.ROLES if r in held) or t("role.none")


def members_list(
    t: Translator, page: Page[members.MemberRow], admin_ids: frozenset[int]
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for row in page.items:
        label = f"{row.name} · {roles(t, members.roles(row, admin_ids))}"
        kb.row(
            InlineKeyboardButton(
                text=render.short(label),
                callback_data=MemberAction(person=row.person_id, action=MemberAct.SHOW).pack(),
            )
        )
    render.pager(kb, page, lambda o: MembersPage(offset=o))
    return t("admin.members_title", total=page.total), kb.as_markup()


def member_card(t: Translator, card: members.MemberCard) -> tuple[str, Markup]:
    row = card.row
    text = t(
        "admin.member_card",
        name=row.name,
        organisation=row.organisation or "—",
        roles=roles(t, card.roles),
        telegram=Html(_telegram(t, card)),
    )
    if card.configured:
        text += "\n" + t("admin.configured_note")
    kb = InlineKeyboardBuilder()
    if row.roles:
        for role in ("leader", *(() if card.configured else ("secretariat",))):
            has = role in row.roles
            kb.button(
                text=t("admin.remove_role" if has else "admin.grant_role", role=t("role." + role)),
                callback_data=MemberAction(
                    person=row.person_id, action=MemberAct.REMOVE if has else MemberAct.GRANT, role=role
                ),
            )
        if not card.configured:
            kb.button(text=t("admin.revoke"), callback_data=MemberAction(person=row.person_id, action=MemberAct.REVOKE))
    else:
        kb.button(text=t("admin.invite_person"), callback_data=NewInvite(role="member", person=row.person_id))
    kb.button(text=t("admin.back"), callback_data=MembersPage(offset=0))
    kb.adjust(1)
    return text, kb.as_markup()


def _telegram(t: Translator, card: members.MemberCard) -> str:
    """The account as Telegram names it (its own name, a link that opens the chat, and @username
    where known), never the directory's name: who is behind it shows; HTML."""
    if not card.row.telegram_id:
        return escape(t("admin.not_linked"))
    return render.telegram_account(card.row.telegram_id, card.telegram_name or str(card.row.telegram_id), card.username)


def confirm(t: Translator, text: str, yes_label: str, yes: MemberAction) -> tuple[str, Markup]:
    """Asked again before a change hard to undo; "no" goes back to the card."""
    kb = InlineKeyboardBuilder()
    kb.button(text=yes_label, callback_data=yes)
    kb.button(text=t("admin.revoke_no"), callback_data=MemberAction(person=yes.person, action=MemberAct.SHOW))
    return text, kb.as_markup()


def confirm_remove_own(t: Translator, person: int, role: str) -> tuple[str, Markup]:
    yes = MemberAction(person=person, action=MemberAct.CONFIRM_REMOVE, role=role)
    return confirm(t, t("admin.remove_own_confirm", role=t("role." + role)), t("admin.remove_own_yes"), yes)


def confirm_revoke(t: Translator, card: members.MemberCard) -> tuple[str, Markup]:
    yes = MemberAction(person=card.row.person_id, action=MemberAct.CONFIRM_REVOKE)
    return confirm(t, t("admin.revoke_confirm", name=card.row.name), t("admin.revoke_yes"), yes)


def invitee_choice(t: Translator, role: str | None, name: str, invitee: invites.Invitee) -> tuple[str, Markup]:
    """No one clearly named: the people it may be, or that no one (and, without a role word, which roles there are)."""
    text = t("admin.invite_choose" if invitee.candidates else "admin.invite_nobody", query=name)
    if role is None:
        text += "\n" + t("admin.invite_roles")
    kb = InlineKeyboardBuilder()
    for hit in invitee.candidates:
        label = f"{hit.doc.title} · {hit.doc.subtitle}" if hit.doc.subtitle else hit.doc.title
        kb.button(text=render.short(label), callback_data=NewInvite(role=role or "member", person=hit.doc.id))
    kb.adjust(1)
    return text, kb.as_markup()


def invite_linked(t: Translator, holder: access.Holder) -> tuple[str, Markup]:
    """No invite for someone in already: who they are in with, and their card."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("admin.manage"), callback_data=MemberAction(person=holder.person_id, action=MemberAct.SHOW))
    return t("admin.invite_linked", name=holder.name, who=holder.handle), kb.as_markup()


def invite_link(t: Translator, link: str, role: str, hours: int, person: str | None) -> tuple[str, Markup]:
    anyone = t("admin.invite_anyone")
    text = t(
        "admin.invite_link", link=link, role=t("role." + role), hours=hours, person=anyone if person is None else person
    )
    return text, InlineKeyboardBuilder().as_markup()


def audit_page(t: Translator, rows: list[audit.AuditRow], offset: int, tz: tzinfo) -> tuple[str, Markup]:
    lines = [t("admin.audit_title")]
    lines.extend(_audit_line(t, row, tz) for row in rows)
    if not rows:
        lines.append(t("admin.audit_empty"))
    kb = InlineKeyboardBuilder()
    if offset:
        kb.button(text="◀️", callback_data=AuditPage(offset=max(0, offset - AUDIT_PAGE)))
    if len(rows) == AUDIT_PAGE:
        kb.button(text="▶️", callback_data=AuditPage(offset=offset + AUDIT_PAGE))
    kb.row(InlineKeyboardButton(text=t("admin.to_panel"), callback_data=Menu(name=MenuItem.ADMIN).pack()))
    return "\n".join(lines), kb.as_markup()


def _audit_line(t: Translator, row: audit.AuditRow, tz: tzinfo) -> str:
    when = row.at.astimezone(tz).strftime("%d.%m %H:%M")
    actor = row.actor_name or str(row.actor or "—")
    project = render.localized(t, row.project, row.project_en) if row.project else "—"
    action = edit_ui.audit_action(t, row.action, row.details, project=project)
    # A project the entry concerns is named in its action; a raw target is shown only if unknown.
    fallback = "" if row.project else row.target or ""
    target = row.target_name or (t("admin.invite_anyone") if row.action == "invite.create" else fallback)
    if target == actor:  # someone who joined by themselves is named once
        action, target = action.rstrip(" :"), ""
    return t("admin.audit_line", when=when, actor=actor, action=Html(action), target=target).rstrip()
