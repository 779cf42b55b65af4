"""The secretariat's panel: join requests, members and their roles, invite links, audit log."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, F
from aiogram.filters import CommandObject
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Html, Translator, escape
from bot.services import access, audit
from bot.services.access import Viewer, invites, joining, members
from bot.services.directory import Page
from bot.services.directory.search import DirectorySearch
from bot.services.outbox import Outgoing, enqueue
from bot.settings import Settings
from handlers.admin.callbacks import AuditPage, MemberAction, MembersPage, NewInvite
from handlers.common import render
from handlers.common.callbacks import Menu
from handlers.common.filters import SecretariatOnly
from handlers.common.messages import show
from handlers.common.notify import set_commands_for
from handlers.common.routes import Routes, command
from handlers.directory.callbacks import ArchivePage
from handlers.joining import ui as joining_ui

router = Routes("admin")
ADMIN_COMMANDS = ("admin", "members", "invite", "audit")
ADMIN_CALLBACKS = (MembersPage, MemberAction, NewInvite, AuditPage)


router.filter("message", SecretariatOnly())
router.filter("callback_query", SecretariatOnly())


@router.message(command("admin"))
@router.callback_query(Menu.filter(F.name == "admin"))
async def panel(event: Message | CallbackQuery, session: AsyncSession, t: Translator, settings: Settings) -> None:
    pending = await joining.pending_requests(session)
    kb = InlineKeyboardBuilder()
    kb.button(text=t("admin.members"), callback_data=MembersPage(offset=0))
    kb.button(text=t("admin.invite_member"), callback_data=NewInvite(role="member"))
    kb.button(text=t("admin.invite_secretariat"), callback_data=NewInvite(role="secretariat"))
    kb.button(text=t("admin.audit"), callback_data=AuditPage(offset=0))
    kb.button(text=t("new.button"), callback_data=Menu(name="new"))
    kb.button(text=t("archive.button"), callback_data=ArchivePage(offset=0))
    kb.button(text=t("reports.admin_button"), callback_data=Menu(name="reports"))
    kb.button(text=t("roadmap.admin_button"), callback_data=Menu(name="roadmap"))
    kb.button(text=t("announcements.admin_button"), callback_data=Menu(name="announcements"))
    kb.adjust(1)
    await show(
        event, t("admin.panel", pending=len(pending), hours=settings.invite_ttl_hours), kb.as_markup(), edit=False
    )
    message = event if isinstance(event, Message) else event.message
    for request in pending[:10]:
        if message is not None:
            text, markup = joining_ui.request_card(t, request)
            await message.answer(text, reply_markup=markup)


@router.message(command("members"))
@router.callback_query(MembersPage.filter(F.offset >= 0))
async def members_list(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    callback_data: MembersPage | None = None,
) -> None:
    offset = callback_data.offset if isinstance(callback_data, MembersPage) else 0
    rows, total = await members.list_members(session, offset=offset, limit=render.PAGE_SIZE)
    kb = InlineKeyboardBuilder()
    for row in rows:
        label = f"{row.name} · {_roles(t, members.roles(row, settings.admin_ids))}"
        kb.row(
            InlineKeyboardButton(
                text=render.short(label), callback_data=MemberAction(person=row.person_id, action="show").pack()
            )
        )
    render.pager(kb, Page(rows, total, offset, render.PAGE_SIZE), lambda o: MembersPage(offset=o))
    await show(
        event, t("admin.members_title", total=total), kb.as_markup(), edit=isinstance(callback_data, MembersPage)
    )


def _roles(t: Translator, roles: frozenset[str]) -> str:
    return ", ".join(t("role." + r) for r in access.ROLES if r in roles) or t("role.none")


@router.callback_query(MemberAction.filter(F.action == "show"))
async def member_show(
    query: CallbackQuery, callback_data: MemberAction, session: AsyncSession, t: Translator, settings: Settings
) -> None:
    card = await members.card(session, callback_data.person, settings.admin_ids)
    if card is None:
        await query.answer(t.plain("admin.not_member"), show_alert=True)
        return
    await show(query, *_member_card(t, card), edit=True)


@router.callback_query(
    MemberAction.filter(F.action.in_({"grant", "remove", "confirm_remove"})),
    MemberAction.filter(F.role.in_(access.ROLES)),
)
async def member_role(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    person, role, grant = callback_data.person, callback_data.role, callback_data.action == "grant"
    card = await members.card(session, person, settings.admin_ids)
    own = card is not None and card.row.telegram_id == viewer.telegram_id
    if refusal := await _refusal(session, card, viewer, settings, secretariat_lost=role == "secretariat" and not grant):
        await query.answer(t.plain(refusal), show_alert=True)
        return
    if own and role == "secretariat" and callback_data.action == "remove":
        await _confirm(
            query,
            t,
            t("admin.remove_own_confirm", role=t("role." + role)),
            t("admin.remove_own_yes"),
            MemberAction(person=person, action="confirm_remove", role=role),
        )
        return
    row = await members.set_role(session, person, role, granted=grant, actor=viewer.telegram_id, now=clock())
    card = await members.card(session, person, settings.admin_ids) if row else None
    if card is None:
        await query.answer(t.plain("admin.not_member"), show_alert=True)
        return
    notice = None if own else "admin.role_granted_notice" if grant else "admin.role_removed_notice"
    await _tell_member(
        bot,
        session,
        settings,
        card.row.telegram_id,
        card.roles,
        notice,
        role=role,
        key=f"member:{query.id}",
        clock=clock,
    )
    await show(query, *_member_card(t, card), edit=True)


@router.callback_query(MemberAction.filter(F.action.in_({"revoke", "confirm_revoke"})))
async def member_revoke(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    person = callback_data.person
    card = await members.card(session, person, settings.admin_ids)
    if refusal := await _refusal(session, card, viewer, settings, secretariat_lost=True):
        await query.answer(t.plain(refusal), show_alert=True)
        return
    assert card is not None
    if callback_data.action == "revoke":
        await _confirm(
            query,
            t,
            t("admin.revoke_confirm", name=card.row.name),
            t("admin.revoke_yes"),
            MemberAction(person=person, action="confirm_revoke"),
        )
        return
    row = await members.revoke_member(session, person, actor=viewer.telegram_id, now=clock())
    if row is None:
        await query.answer(t.plain("admin.not_member"), show_alert=True)
        return
    await show(query, t("admin.revoked", name=row.name), InlineKeyboardBuilder().as_markup(), edit=True)
    await _tell_member(
        bot,
        session,
        settings,
        row.telegram_id,
        frozenset(),
        "admin.revoked_notice",
        key=f"member:{query.id}",
        clock=clock,
    )


async def _refusal(
    session: AsyncSession,
    card: members.MemberCard | None,
    viewer: Viewer,
    settings: Settings,
    *,
    secretariat_lost: bool,
) -> str | None:
    """Why a change to this member cannot be made (a message key), or None when it can."""
    if card is None or not card.row.roles:
        return "admin.not_member"
    if not secretariat_lost:
        return None
    if card.configured:
        return "admin.configured_alert"
    own = card.row.telegram_id == viewer.telegram_id
    if (
        own
        and "secretariat" in card.roles
        and await members.last_secretary(session, viewer.telegram_id, settings.admin_ids)
    ):
        return "admin.last_secretary"
    return None


async def _confirm(query: CallbackQuery, t: Translator, text: str, yes_label: str, yes: MemberAction) -> None:
    kb = InlineKeyboardBuilder()
    kb.button(text=yes_label, callback_data=yes)
    kb.button(text=t("admin.revoke_no"), callback_data=MemberAction(person=yes.person, action="show"))
    await show(query, text, kb.as_markup(), edit=True)


async def _tell_member(
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    chat: int | None,
    roles: frozenset[str],
    notice: str | None,
    role: str = "",
    *,
    key: str,
    clock: Clock,
) -> None:
    """The member's command menu for their new roles and, when given, a word on what changed
    (through the outbox, committed with the change; `key` names the button press): both in the
    member's language, not the secretary's."""
    if chat is None:
        return
    told = Translator(await access.account_language(session, chat, settings.default_language))
    if notice:
        await enqueue(
            session,
            [
                Outgoing(
                    key=key, chat_id=chat, kind="notice", text=told(notice, role=told("role." + role) if role else "")
                )
            ],
            clock(),
        )
    await set_commands_for(bot, chat, language=told.language, roles=roles)


def _member_card(t: Translator, card: members.MemberCard) -> tuple[str, InlineKeyboardMarkup]:
    row = card.row
    text = t(
        "admin.member_card",
        name=row.name,
        organisation=row.organisation or "—",
        roles=_roles(t, card.roles),
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
                callback_data=MemberAction(person=row.person_id, action="remove" if has else "grant", role=role),
            )
        if not card.configured:
            kb.button(text=t("admin.revoke"), callback_data=MemberAction(person=row.person_id, action="revoke"))
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


@router.message(command("invite"))
async def invite_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
    search: DirectorySearch,
) -> None:
    words = (command.args or "").split()
    role = invites.role_of(words[0]) if words else None
    name = " ".join(words[1:] if role else words)
    invitee = await invites.find_invitee(session, search, name) if name else invites.Invitee(None, [])
    if name and invitee.person_id is None:
        text, markup = _invitee_choice(t, role, name, invitee)
        await message.answer(text, reply_markup=markup)
        return
    text, markup = await _invite_reply(session, viewer, t, clock, bot, settings, role or "member", invitee.person_id)
    await message.answer(text, reply_markup=markup)


def _invitee_choice(
    t: Translator, role: str | None, name: str, invitee: invites.Invitee
) -> tuple[str, InlineKeyboardMarkup]:
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


@router.callback_query(NewInvite.filter(F.role.in_(access.ROLES)))
async def invite_button(
    query: CallbackQuery,
    callback_data: NewInvite,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    await show(
        query,
        *await _invite_reply(
            session, viewer, t, clock, bot, settings, callback_data.role, callback_data.person or None
        ),
        edit=False,
    )


async def _invite_reply(
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
    role: str,
    person_id: int | None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The invite link; none for someone in with an account already (only that account could use
    it): who they are in with, and their card, where roles change."""
    holder = await access.holder_of(session, person_id) if person_id else None
    kb = InlineKeyboardBuilder()
    if holder is not None:
        kb.button(text=t("admin.manage"), callback_data=MemberAction(person=holder.person_id, action="show"))
        return t("admin.invite_linked", name=holder.name, who=holder.handle), kb.as_markup()
    invite = await invites.create_invite(
        session,
        actor=viewer.telegram_id,
        role=role,
        person_id=person_id,
        ttl=timedelta(hours=settings.invite_ttl_hours),
        now=clock(),
    )
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=inv_{invite.code}"
    bound = await members.member(session, person_id) if person_id else None
    return t(
        "admin.invite_link",
        link=link,
        role=t("role." + role),
        hours=settings.invite_ttl_hours,
        person=bound.name if bound else t("admin.invite_anyone"),
    ), kb.as_markup()


@router.message(command("audit"))
@router.callback_query(AuditPage.filter(F.offset >= 0))
async def audit_log(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    callback_data: AuditPage | None = None,
) -> None:
    offset = callback_data.offset if isinstance(callback_data, AuditPage) else 0
    rows = await audit.recent(session, offset=offset, limit=15)
    lines = [t("admin.audit_title")]
    lines.extend(_audit_line(t, row, settings) for row in rows)
    if not rows:
        lines.append(t("admin.audit_empty"))
    kb = InlineKeyboardBuilder()
    if offset:
        kb.button(text="◀️", callback_data=AuditPage(offset=max(0, offset - 15)))
    if len(rows) == 15:
        kb.button(text="▶️", callback_data=AuditPage(offset=offset + 15))
    kb.row(InlineKeyboardButton(text=t("admin.to_panel"), callback_data=Menu(name="admin").pack()))
    await show(event, "\n".join(lines), kb.as_markup(), edit=isinstance(callback_data, AuditPage))


def _audit_line(t: Translator, row: audit.AuditRow, settings: Settings) -> str:
    when = row.at.astimezone(settings.tz).strftime("%d.%m %H:%M")
    actor = row.actor_name or str(row.actor or "—")
    role = row.details.get("role")
    key = "audit." + row.action
    project = render.localized(t, row.project, row.project_en) if row.project else "—"
    action = (
        t(key, role=t("role." + role) if role in access.ROLES else "—", project=project)
        if t.has(key)
        else f"<code>{escape(row.action)}</code>"
    )
    # A project the entry concerns is named in its action; a raw target is shown only if unknown.
    fallback = "" if row.project else row.target or ""
    target = row.target_name or (t("admin.invite_anyone") if row.action == "invite.create" else fallback)
    if target == actor:  # someone who joined by themselves is named once
        action, target = action.rstrip(" :"), ""
    return t("admin.audit_line", when=when, actor=actor, action=Html(action), target=target).rstrip()
