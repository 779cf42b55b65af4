"""Invite links: /invite [role] [name] (a name that is not clear offers the people it may be) and
the panel's and cards' invite buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram import Bot, F
from aiogram.filters import CommandObject, Filter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.access import ROLES, Viewer, invites
from bot.services.directory.search import DirectorySearch
from bot.settings import Settings
from handlers.admin import ui
from handlers.admin.callbacks import NewInvite
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import show
from handlers.common.routes import Routes, command

router = restricted(Routes("admin_invites"), SecretariatOnly())


class Asking(Filter):
    """/invite's words read: hands the handler `asked`, whom and as what an invite is asked for."""

    async def __call__(
        self, message: Message, command: CommandObject, session: AsyncSession, search: DirectorySearch
    ) -> dict[str, Any]:
        return {"asked": await invites.read_request(session, search, command.args or "")}


@router.message(command("invite"), Asking())
async def invite_command(
    message: Message,
    asked: invites.Request,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    if asked.unclear:
        text, markup = ui.invitee_choice(t, asked.role, asked.name, asked.invitee)
    else:
        role, person = asked.role or "member", asked.invitee.person_id
        text, markup = await _offer(session, t, clock, bot, settings, viewer.telegram_id, role, person)
    await message.answer(text, reply_markup=markup)


@router.callback_query(NewInvite.filter(F.role.in_(ROLES)))
async def invite_button(
    query: CallbackQuery,
    callback_data: NewInvite,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    person = callback_data.person or None
    reply = await _offer(session, t, clock, bot, settings, query.from_user.id, callback_data.role, person)
    await show(query, *reply, edit=False)


async def _offer(
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
    actor: int,
    role: str,
    person_id: int | None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The invite link, or, for someone in already, who they are in with and their card."""
    hours = settings.invite_ttl_hours
    offer = await invites.offer_invite(
        session, actor=actor, role=role, person_id=person_id, ttl=timedelta(hours=hours), now=clock()
    )
    if offer.holder is not None:
        return ui.invite_linked(t, offer.holder)
    assert offer.invite is not None
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=inv_{offer.invite.code}"
    return ui.invite_link(t, link, role, hours, offer.person_name)
