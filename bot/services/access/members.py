"""Members as the secretariat manages them: the list, roles granted and removed, access revoked;
the roles ADMIN_IDS gives on top of granted ones, how to reach a member, and who is left to run
the secretariat; the secretariat as members look for it; and what a member is told of a change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, audit, notices
from bot.services.access import JOINED_KEY_PREFIX, ROLES
from bot.services.db_util import insert_for
from bot.services.outbox import Outgoing
from bot.services.revision import bump_directory_revision
from bot.settings import Settings
from models import Account, Organisation, Person, PersonRole, Revocation


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    organisation: str | None
    roles: frozenset[str]
    telegram_id: int | None


async def list_members(session: AsyncSession, *, offset: int, limit: int) -> tuple[list[MemberRow], int]:
    is_member = Person.id.in_(select(PersonRole.person_id).distinct().scalar_subquery())
    total = (
        await session.scalar(select(func.count()).select_from(Person).where(is_member, Person.status == "active")) or 0
    )
    rows = await _member_rows(session, is_member & (Person.status == "active"), offset=offset, limit=limit)
    return rows, total


async def member(session: AsyncSession, person_id: int) -> MemberRow | None:
    rows = await _member_rows(session, Person.id == person_id)
    return rows[0] if rows else None


async def _member_rows(
    session: AsyncSession, where: ColumnElement[bool], *, offset: int = 0, limit: int | None = None
) -> list[MemberRow]:
    """People with their organisation, linked account and roles: two queries for a whole page."""
    people = (
        await session.execute(
            select(Person.id, Person.name, Person.affiliation, Organisation.name.label("org"), Account.telegram_id)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .outerjoin(Account, Account.person_id == Person.id)
            .where(where)
            .order_by(Person.name)
            .offset(offset)
            .limit(limit)
        )
    ).all()
    roles: dict[int, set[str]] = {}
    for person_id, role in await session.execute(
        select(PersonRole.person_id, PersonRole.role).where(PersonRole.person_id.in_([p.id for p in people]))
    ):
        roles.setdefault(person_id, set()).add(role)
    return [
        MemberRow(p.id, p.name, p.org or p.affiliation, frozenset(roles.get(p.id, ())), p.telegram_id) for p in people
    ]


async def set_role(
    session: AsyncSession, person_id: int, role: str, *, granted: bool, actor: int, now: datetime
) -> MemberRow | None:
    """Change a member's role; None when the person is not (or no longer) a member, so that a
    stale button can never re-admit someone: admission goes through joining or an invite."""
    if role not in ROLES:
        raise ValueError(role)
    current = await member(session, person_id)
    if current is None or not current.roles:
        return None
    if granted:
        await access.grant_roles(session, person_id, {role, "member"})
    else:
        await session.execute(delete(PersonRole).where(PersonRole.person_id == person_id, PersonRole.role == role))
    audit.record(
        session,
        at=now,
        actor=actor,
        action="role.grant" if granted else "role.remove",
        target=f"person:{person_id}",
        role=role,
    )
    return await member(session, person_id)


async def revoke_member(session: AsyncSession, person_id: int, *, actor: int, now: datetime) -> MemberRow | None:
    row = await member(session, person_id)
    if row is None:
        return None
    if not row.roles:
        return None
    await close_access(session, person_id, row.telegram_id, actor=actor, now=now)
    person = await session.get(Person, person_id)
    if person is not None and person.key.startswith(JOINED_KEY_PREFIX):
        # Someone the bot added on joining leaves the directory with their access; people of
        # the cluster's dataset stay listed, only their access goes.
        person.status = "revoked"
        await bump_directory_revision(session)
    audit.record(session, at=now, actor=actor, action="member.revoke", target=f"person:{person_id}", name=row.name)
    return row


async def close_access(
    session: AsyncSession, person_id: int, telegram_id: int | None, *, actor: int, now: datetime
) -> None:
    """Roles gone, the account unlinked, and a revocation that keeps the person's phone number or
    a generic invite from re-admitting them (until the secretariat lets them back)."""
    await session.execute(delete(PersonRole).where(PersonRole.person_id == person_id))
    await session.execute(update(Account).where(Account.person_id == person_id).values(person_id=None))
    await session.execute(
        insert_for(session, Revocation)
        .values(person_id=person_id, telegram_id=telegram_id, revoked_by=actor, revoked_at=now)
        .on_conflict_do_nothing(index_elements=["person_id"])
    )


# What ADMIN_IDS makes of someone, as access.identify does on every update.
CONFIGURED_ROLES = frozenset({"member", "secretariat"})


@dataclass(frozen=True)
class MemberCard:
    row: MemberRow
    roles: frozenset[str]
    username: str | None
    # The linked account's own Telegram name (not the directory's).
    telegram_name: str | None
    # Listed in ADMIN_IDS: secretariat by the bot's settings, which the bot cannot change.
    configured: bool


def roles(row: MemberRow, admin_ids: frozenset[int]) -> frozenset[str]:
    """A member's roles as they act in the bot: granted ones and those of ADMIN_IDS."""
    return row.roles | CONFIGURED_ROLES if row.telegram_id in admin_ids else row.roles


async def card(session: AsyncSession, person_id: int, admin_ids: frozenset[int]) -> MemberCard | None:
    row = await member(session, person_id)
    if row is None:
        return None
    account = (
        (
            await session.execute(
                select(Account.username, Account.first_name).where(Account.telegram_id == row.telegram_id)
            )
        ).first()
        if row.telegram_id
        else None
    )
    return MemberCard(
        row,
        roles(row, admin_ids),
        account.username if account else None,
        (account.first_name or None) if account else None,
        row.telegram_id in admin_ids,
    )


async def last_secretary(session: AsyncSession, telegram_id: int, admin_ids: frozenset[int]) -> bool:
    """Whether no one but this person would be left to act for the secretariat."""
    return await access.secretariat_ids(session, admin_ids) <= {telegram_id}


# --- the cluster's secretariat, as members look for it (see search.asks_for_secretariat) ---


@dataclass(frozen=True)
class Secretary:
    telegram_id: int
    # The directory name when linked, else the Telegram name; None for an ADMIN_IDS secretary
    # who has not written to the bot yet.
    name: str | None
    username: str | None
    person_id: int | None


async def secretariat(session: AsyncSession, admin_ids: frozenset[int]) -> list[Secretary]:
    """Who acts for the secretariat: members with its role, and ADMIN_IDS (in the bot or not yet)."""
    ids = await access.secretariat_ids(session, admin_ids)
    rows = await session.execute(
        select(Account.telegram_id, Account.first_name, Account.username, Person.id, Person.name)
        .outerjoin(Person, (Person.id == Account.person_id) & (Person.status == "active"))
        .where(Account.telegram_id.in_(ids))
    )
    known = {
        row.telegram_id: Secretary(row.telegram_id, row.name or row.first_name or None, row.username, row.id)
        for row in rows
    }
    unseen = [Secretary(telegram_id, None, None, None) for telegram_id in sorted(ids - known.keys())]
    return sorted(known.values(), key=lambda s: s.name or "") + unseen


# --- who is told ---------------------------------------------------------------------------------


async def role_notice(
    session: AsyncSession, settings: Settings, card: MemberCard, role: str, *, granted: bool, actor: int, press: str
) -> list[Outgoing]:
    """The member is told of a role given or taken, unless they changed their own; `press` names
    the secretary's button press, so that a retried update tells once."""
    chat = card.row.telegram_id
    if chat is None or chat == actor:
        return []
    key = "admin.role_granted_notice" if granted else "admin.role_removed_notice"
    return [
        await notices.to_account(
            session, settings, chat, f"member:{press}", lambda told: (told(key, role=told("role." + role)), None)
        )
    ]


async def revoked_notice(session: AsyncSession, settings: Settings, row: MemberRow, *, press: str) -> list[Outgoing]:
    """The one whose access was closed is told so."""
    if row.telegram_id is None:
        return []
    return [
        await notices.to_account(
            session, settings, row.telegram_id, f"member:{press}", lambda told: (told("admin.revoked_notice"), None)
        )
    ]
