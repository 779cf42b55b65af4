"""The secretariat's panel: join requests, members and their roles, invite links, audit log."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, F
from aiogram.filters import CommandObject, Filter
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Html, Translator, escape
from bot.services import access, audit
from bot.services.access import Viewer
from bot.services.directory import Page
from bot.services.search import DirectorySearch
from bot.settings import Settings
from handlers import render
from handlers.callbacks import (
    AuditPage,
    MemberAction,
    MembersPage,
    Menu,
    NewInvite,
)
from handlers.directory import show
from handlers.notify import send, set_commands_for
from handlers.routes import Routes, command

router = Routes("admin")
ADMIN_COMMANDS = ("admin", "members", "invite", "audit")
ADMIN_CALLBACKS = (MembersPage, MemberAction, NewInvite, AuditPage)


class SecretariatOnly(Filter):
    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return bool(viewer and viewer.is_secretariat)


router.filter("message", SecretariatOnly())
router.filter("callback_query", SecretariatOnly())


@router.message(command("admin"))
@router.callback_query(Menu.filter(F.name == "admin"))
async def panel(event: Message | CallbackQuery, session: AsyncSession, t: Translator, settings: Settings) -> None:
    pending = await access.pending_requests(session)
    kb = InlineKeyboardBuilder()
    kb.button(text=t("admin.members"), callback_data=MembersPage(offset=0))
    kb.button(text=t("admin.invite_member"), callback_data=NewInvite(role="member"))
    kb.button(text=t("admin.invite_secretariat"), callback_data=NewInvite(role="secretariat"))
    kb.button(text=t("admin.audit"), callback_data=AuditPage(offset=0))
    kb.button(text=t("reports.admin_button"), callback_data=Menu(name="reports"))
    kb.button(text=t("roadmap.admin_button"), callback_data=Menu(name="roadmap"))
    kb.button(text=t("announcements.admin_button"), callback_data=Menu(name="announcements"))
    kb.adjust(1)
    await show(event, t("admin.panel", pending=len(pending), hours=settings.invite_ttl_hours), kb.as_markup(), edit=False)
    message = event if isinstance(event, Message) else event.message
    for request in pending[:10]:
        if message is not None:
            text, markup = render.request_card(t, request)
            await message.answer(text, reply_markup=markup)


@router.message(command("members"))
@router.callback_query(MembersPage.filter(F.offset >= 0))
async def members(event: Message | CallbackQuery, session: AsyncSession, t: Translator,
                  callback_data: MembersPage | None = None) -> None:
    offset = callback_data.offset if isinstance(callback_data, MembersPage) else 0
    rows, total = await access.list_members(session, offset=offset, limit=render.PAGE_SIZE)
    kb = InlineKeyboardBuilder()
    for row in rows:
        kb.row(InlineKeyboardButton(text=render.short(f"{row.name} · {_roles(t, row.roles)}"),
                                    callback_data=MemberAction(person=row.person_id, action="show").pack()))
    render.pager(kb, Page(rows, total, offset, render.PAGE_SIZE), lambda o: MembersPage(offset=o))
    await show(event, t("admin.members_title", total=total), kb.as_markup(), edit=isinstance(callback_data, MembersPage))


def _roles(t: Translator, roles: frozenset[str]) -> str:
    return ", ".join(t("role." + r) for r in access.ROLES if r in roles) or t("role.none")


@router.callback_query(MemberAction.filter())
async def member_action(query: CallbackQuery, callback_data: MemberAction, session: AsyncSession, viewer: Viewer,
                        t: Translator, clock: Clock, bot: Bot, settings: Settings) -> None:
    person, action, role = callback_data.person, callback_data.action, callback_data.role
    if action in ("grant", "remove") and role in access.ROLES:
        row = await access.set_role(session, person, role, granted=action == "grant", actor=viewer.telegram_id, now=clock())
    elif action == "revoke":
        row = await access.member(session, person)
        if row is not None and row.roles:
            kb = InlineKeyboardBuilder()
            kb.button(text=t("admin.revoke_yes"), callback_data=MemberAction(person=person, action="confirm_revoke"))
            kb.button(text=t("admin.revoke_no"), callback_data=MemberAction(person=person, action="show"))
            await show(query, t("admin.revoke_confirm", name=row.name), kb.as_markup(), edit=True)
            return
    elif action == "confirm_revoke":
        row = await access.revoke_member(session, person, actor=viewer.telegram_id, now=clock())
        if row is not None:
            await show(query, t("admin.revoked", name=row.name), InlineKeyboardBuilder().as_markup(), edit=True)
            if row.telegram_id:
                told = Translator(await access.account_language(session, row.telegram_id, settings.default_language))
                await send(bot, session, row.telegram_id, told("admin.revoked_notice"))
                await set_commands_for(bot, row.telegram_id, language=told.language, roles=frozenset())
            return
    elif action == "show":
        row = await access.member(session, person)
    else:
        row = None
    if row is None:
        await query.answer(t("admin.not_member"), show_alert=True)
        return
    if action in ("grant", "remove") and row.telegram_id:
        await set_commands_for(bot, row.telegram_id, language=t.language, roles=row.roles)
    await show(query, *_member_card(t, row), edit=True)


def _member_card(t: Translator, row: access.MemberRow) -> tuple[str, InlineKeyboardMarkup]:
    text = t("admin.member_card", name=row.name, organisation=row.organisation or "—", roles=_roles(t, row.roles),
             telegram=str(row.telegram_id) if row.telegram_id else t("admin.not_linked"))
    kb = InlineKeyboardBuilder()
    if row.roles:
        for role in ("leader", "secretariat"):
            has = role in row.roles
            kb.button(text=t("admin.remove_role" if has else "admin.grant_role", role=t("role." + role)),
                      callback_data=MemberAction(person=row.person_id, action="remove" if has else "grant", role=role))
        kb.button(text=t("admin.revoke"), callback_data=MemberAction(person=row.person_id, action="revoke"))
    else:
        kb.button(text=t("admin.invite_person"), callback_data=NewInvite(role="member", person=row.person_id))
    kb.button(text=t("admin.back"), callback_data=MembersPage(offset=0))
    kb.adjust(1)
    return text, kb.as_markup()


@router.message(command("invite"))
async def invite_command(message: Message, command: CommandObject, session: AsyncSession, viewer: Viewer, t: Translator,
                         clock: Clock, bot: Bot, settings: Settings, search: DirectorySearch) -> None:
    words = (command.args or "").split()
    role = words.pop(0) if words and words[0] in access.ROLES else "member"
    person_id = None
    if words:
        result = await search.search(session, " ".join(words), members=True)
        people = [h for h in result.hits if h.doc.kind == "person"]
        if len(people) != 1 and not (people and result.clear):
            await message.answer(t("admin.invite_who"))
            return
        person_id = people[0].doc.id
    await message.answer(await _invite_text(session, viewer, t, clock, bot, settings, role, person_id))


@router.callback_query(NewInvite.filter(F.role.in_(access.ROLES)))
async def invite_button(query: CallbackQuery, callback_data: NewInvite, session: AsyncSession, viewer: Viewer,
                        t: Translator, clock: Clock, bot: Bot, settings: Settings) -> None:
    text = await _invite_text(session, viewer, t, clock, bot, settings, callback_data.role, callback_data.person or None)
    await show(query, text, InlineKeyboardBuilder().as_markup(), edit=False)


async def _invite_text(session: AsyncSession, viewer: Viewer, t: Translator, clock: Clock, bot: Bot,
                       settings: Settings, role: str, person_id: int | None) -> str:
    invite = await access.create_invite(session, actor=viewer.telegram_id, role=role, person_id=person_id,
                                        ttl=timedelta(hours=settings.invite_ttl_hours), now=clock())
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=inv_{invite.code}"
    bound = await access.member(session, person_id) if person_id else None
    return t("admin.invite_link", link=link, role=t("role." + role), hours=settings.invite_ttl_hours,
             person=bound.name if bound else t("admin.invite_anyone"))


@router.message(command("audit"))
@router.callback_query(AuditPage.filter(F.offset >= 0))
async def audit_log(event: Message | CallbackQuery, session: AsyncSession, t: Translator, settings: Settings,
                    callback_data: AuditPage | None = None) -> None:
    offset = callback_data.offset if isinstance(callback_data, AuditPage) else 0
    rows = await audit.recent(session, offset=offset, limit=15)
    lines = [t("admin.audit_title")]
    for row in rows:
        when = row.at.astimezone(settings.tz).strftime("%d.%m %H:%M")
        action = t("audit." + row.action) if t.has("audit." + row.action) else f"<code>{escape(row.action)}</code>"
        lines.append(t("admin.audit_line", when=when, actor=row.actor_name or str(row.actor or "—"),
                       action=Html(action), target=row.target_name or row.target or ""))
    if not rows:
        lines.append(t("admin.audit_empty"))
    kb = InlineKeyboardBuilder()
    if offset:
        kb.button(text="◀️", callback_data=AuditPage(offset=max(0, offset - 15)))
    if len(rows) == 15:
        kb.button(text="▶️", callback_data=AuditPage(offset=offset + 15))
    kb.row(InlineKeyboardButton(text=t("admin.to_panel"), callback_data=Menu(name="admin").pack()))
    await show(event, "\n".join(lines), kb.as_markup(), edit=isinstance(callback_data, AuditPage))
