"""/members and a member's card: roles granted and removed, access closed (asked again first where
hard to undo). The member is told through the outbox, and their command menu follows."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F
from aiogram.filters import Filter, MagicData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.access import ROLES, Viewer, members
from bot.services.directory import Page
from bot.services.outbox import enqueue
from bot.settings import Settings
from handlers.admin import ui
from handlers.admin.callbacks import MemberAct, MemberAction, MembersPage
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import show
from handlers.common.notify import set_account_commands
from handlers.common.render import PAGE_SIZE
from handlers.common.routes import Routes, command

router = restricted(Routes("admin_members"), SecretariatOnly())
ROLE_CHANGE = F.action.in_({MemberAct.GRANT, MemberAct.REMOVE, MemberAct.CONFIRM_REMOVE}) & F.role.in_(ROLES)
REVOKING = F.action.in_({MemberAct.REVOKE, MemberAct.CONFIRM_REVOKE})


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
    rows, total = await members.list_members(session, offset=offset, limit=PAGE_SIZE)
    text, markup = ui.members_list(t, Page(rows, total, offset, PAGE_SIZE), settings.admin_ids)
    await show(event, text, markup, edit=isinstance(callback_data, MembersPage))


class Member(Filter):
    """A button of the card of someone in the directory: hands the handler their `card`."""

    async def __call__(
        self, query: CallbackQuery, callback_data: MemberAction, session: AsyncSession, settings: Settings
    ) -> bool | dict[str, Any]:
        card = await members.card(session, callback_data.person, settings.admin_ids)
        return {"card": card} if card is not None else False


class Refused(Filter):
    """A change this member cannot have: hands the handler `refusal`, the text key saying why."""

    async def __call__(
        self,
        query: CallbackQuery,
        callback_data: MemberAction,
        card: members.MemberCard,
        session: AsyncSession,
        viewer: Viewer,
        settings: Settings,
    ) -> bool | dict[str, Any]:
        if not card.row.roles:
            return {"refusal": "admin.not_member"}
        secretariat_lost = callback_data.action in (MemberAct.REVOKE, MemberAct.CONFIRM_REVOKE) or (
            callback_data.role == "secretariat" and callback_data.action != MemberAct.GRANT
        )
        if not secretariat_lost:
            return False
        if card.configured:
            return {"refusal": "admin.configured_alert"}
        own = card.row.telegram_id == viewer.telegram_id
        if (
            own
            and "secretariat" in card.roles
            and await members.last_secretary(session, viewer.telegram_id, settings.admin_ids)
        ):
            return {"refusal": "admin.last_secretary"}
        return False


@router.callback_query(MemberAction.filter(F.action == MemberAct.SHOW), Member())
async def member_show(query: CallbackQuery, card: members.MemberCard, t: Translator) -> None:
    await show(query, *ui.member_card(t, card), edit=True)


@router.callback_query(MemberAction.filter(ROLE_CHANGE | REVOKING), Member(), Refused())
async def refused(query: CallbackQuery, refusal: str, t: Translator) -> None:
    await query.answer(t.plain(refusal), show_alert=True)


@router.callback_query(
    MemberAction.filter((F.action == MemberAct.REMOVE) & (F.role == "secretariat")),
    Member(),
    MagicData(F.card.row.telegram_id == F.viewer.telegram_id),
)
async def remove_own_secretariat(query: CallbackQuery, callback_data: MemberAction, t: Translator) -> None:
    """Asked again: the secretary would lose the panel they are using."""
    await show(query, *ui.confirm_remove_own(t, callback_data.person, callback_data.role), edit=True)


@router.callback_query(MemberAction.filter(ROLE_CHANGE), Member())
async def member_role(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    person, role, grant = callback_data.person, callback_data.role, callback_data.action == MemberAct.GRANT
    row = await members.set_role(session, person, role, granted=grant, actor=query.from_user.id, now=clock())
    card = await members.card(session, person, settings.admin_ids) if row else None
    if card is None:
        await query.answer(t.plain("admin.not_member"), show_alert=True)
        return
    told = await members.role_notice(
        session, settings, card, role, granted=grant, actor=query.from_user.id, press=query.id
    )
    await enqueue(session, told, clock())
    if card.row.telegram_id is not None:
        await set_account_commands(bot, session, settings, card.row.telegram_id, card.roles)
    await show(query, *ui.member_card(t, card), edit=True)


@router.callback_query(MemberAction.filter(F.action == MemberAct.REVOKE), Member())
async def ask_revoke(query: CallbackQuery, card: members.MemberCard, t: Translator) -> None:
    await show(query, *ui.confirm_revoke(t, card), edit=True)


@router.callback_query(MemberAction.filter(F.action == MemberAct.CONFIRM_REVOKE), Member())
async def revoke(
    query: CallbackQuery,
    callback_data: MemberAction,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    row = await members.revoke_member(session, callback_data.person, actor=query.from_user.id, now=clock())
    if row is None:
        await query.answer(t.plain("admin.not_member"), show_alert=True)
        return
    await show(query, t("admin.revoked", name=row.name), InlineKeyboardBuilder().as_markup(), edit=True)
    await enqueue(session, await members.revoked_notice(session, settings, row, press=query.id), clock())
    if row.telegram_id is not None:
        await set_account_commands(bot, session, settings, row.telegram_id, frozenset())


@router.callback_query(MemberAction.filter(), ~Member())
async def not_member(query: CallbackQuery, t: Translator) -> None:
    """The person is gone from the directory."""
    await query.answer(t.plain("admin.not_member"), show_alert=True)
