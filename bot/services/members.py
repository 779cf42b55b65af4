"""Members as the secretariat manages them: the roles ADMIN_IDS gives on top of granted ones,
how to reach a member, and who is left to run the secretariat."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access
from models import Account

# What ADMIN_IDS makes of someone, as access.identify does on every update.
CONFIGURED_ROLES = frozenset({"member", "secretariat"})


@dataclass(frozen=True)
class MemberCard:
    row: access.MemberRow
    roles: frozenset[str]
    username: str | None
    # The linked account's own Telegram name (not the directory's).
    telegram_name: str | None
    # Listed in ADMIN_IDS: secretariat by the bot's settings, which the bot cannot change.
    configured: bool


def roles(row: access.MemberRow, admin_ids: frozenset[int]) -> frozenset[str]:
    """A member's roles as they act in the bot: granted ones and those of ADMIN_IDS."""
    return row.roles | CONFIGURED_ROLES if row.telegram_id in admin_ids else row.roles


async def card(session: AsyncSession, person_id: int, admin_ids: frozenset[int]) -> MemberCard | None:
    row = await access.member(session, person_id)
    if row is None:
        return None
    account = (await session.execute(
        select(Account.username, Account.first_name).where(Account.telegram_id == row.telegram_id)
    )).first() if row.telegram_id else None
    return MemberCard(row, roles(row, admin_ids), account.username if account else None,
                      (account.first_name or None) if account else None, row.telegram_id in admin_ids)


async def last_secretary(session: AsyncSession, telegram_id: int, admin_ids: frozenset[int]) -> bool:
    """Whether no one but this person would be left to act for the secretariat."""
    chats = await access.secretariat_chats(session, admin_ids, access.LANGUAGES[0])
    return all(chat == telegram_id for chat, _ in chats)
