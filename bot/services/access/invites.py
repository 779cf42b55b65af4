"""Invite links: whom and as what one is for, read from the secretary's words ("/invite лидер
Захарова"); making them, and letting their user in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, audit
from bot.services.access import JOINED_KEY_PREFIX, ROLES, Holder, JoinOutcome
from bot.services.access.members import member
from bot.services.directory.search import DirectorySearch
from bot.services.directory.search_index import Hit
from bot.services.revision import bump_directory_revision
from bot.services.text_norm import fold_case, words
from models import Account, Invite, Person

# The beginnings of role words in any form: «участника», «лидера», «секретарь», «secretary», «admin».
ROLE_STEMS = (
    ("участник", "member"),
    ("member", "member"),
    ("лидер", "leader"),
    ("leader", "leader"),
    ("секретар", "secretariat"),
    ("secretar", "secretariat"),
    ("админ", "secretariat"),
    ("admin", "secretariat"),
)
# The longest ending a form may add to a stem («секретар|иата», «администратор» is «админ|истратор»).
ENDING = 8
CANDIDATES = 8


def role_of(word: str) -> str | None:
    word = fold_case(word)
    return next((role for stem, role in ROLE_STEMS if word.startswith(stem) and len(word) - len(stem) <= ENDING), None)


@dataclass(frozen=True)
class Invitee:
    """person_id: the one person the words clearly name; otherwise candidates to choose from."""

    person_id: int | None
    candidates: list[Hit]


async def find_invitee(session: AsyncSession, search: DirectorySearch, name: str) -> Invitee:
    result = await search.search(session, name, members=True)
    people = [hit for hit in result.hits if hit.doc.kind == "person"]
    named = [hit for hit in people if _names(hit.doc.title, name)]
    # An invite gives one person access: bound only when the words as typed fit one person's
    # name, not a stemmed or fuzzy likeness («Иванов» is not «Иван»); else the secretary chooses.
    if len(named) == 1:
        return Invitee(named[0].doc.id, [])
    return Invitee(None, people[:CANDIDATES])


@dataclass(frozen=True)
class Request:
    """What "/invite [role] [name]" asks for: `role` None when no word names one."""

    role: str | None
    name: str
    invitee: Invitee

    @property
    def unclear(self) -> bool:
        """A name given that names no one person: the secretary chooses."""
        return bool(self.name) and self.invitee.person_id is None


async def read_request(session: AsyncSession, search: DirectorySearch, text: str) -> Request:
    typed = text.split()
    role = role_of(typed[0]) if typed else None
    name = " ".join(typed[1:] if role else typed)
    return Request(role, name, await find_invitee(session, search, name) if name else Invitee(None, []))


def _names(title: str, query: str) -> bool:
    """Every word of the query begins a word of the name."""
    own, typed_words = words(title), words(query)
    return bool(typed_words) and all(any(word.startswith(typed) for word in own) for typed in typed_words)


@dataclass(frozen=True)
class InviteView:
    code: str
    role: str
    person_id: int | None
    expires_at: datetime


async def create_invite(
    session: AsyncSession, *, actor: int, role: str, person_id: int | None, ttl: timedelta, now: datetime
) -> InviteView:
    if role not in ROLES:
        raise ValueError(role)
    invite = Invite(
        code=secrets.token_urlsafe(12),
        role=role,
        person_id=person_id,
        created_by=actor,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="invite.create",
        target=f"invite:{invite.code[:4]}…",
        role=role,
        person_id=person_id,
    )
    await session.flush()
    return InviteView(invite.code, role, person_id, invite.expires_at)


@dataclass(frozen=True)
class Offer:
    """An invite made out (bound to `person_name`, or to anyone), or none for someone in with an
    account already, whom only that account could use it for: `holder`."""

    invite: InviteView | None = None
    person_name: str | None = None
    holder: Holder | None = None


async def offer_invite(
    session: AsyncSession, *, actor: int, role: str, person_id: int | None, ttl: timedelta, now: datetime
) -> Offer:
    holder = await access.holder_of(session, person_id) if person_id else None
    if holder is not None:
        return Offer(holder=holder)
    invite = await create_invite(session, actor=actor, role=role, person_id=person_id, ttl=ttl, now=now)
    bound = await member(session, person_id) if person_id else None
    return Offer(invite, bound.name if bound else None)


async def redeem_invite(
    session: AsyncSession, code: str, *, telegram_id: int, first_name: str, member: bool, now: datetime
) -> JoinOutcome:
    """member: the account is in the cluster already (linked to a person with a role, or the
    secretariat by configuration)."""
    invite = await session.scalar(select(Invite).where(Invite.code == code))
    if invite is None or invite.revoked:
        return JoinOutcome("invalid")
    if invite.used_at is not None and invite.used_by == telegram_id:
        return JoinOutcome("already")
    account = await session.get(Account, telegram_id)
    linked_to = account.person_id if account else None
    # Whoever is in already takes no invite but one made out for them (which may bring a role, or
    # link a secretary by ADMIN_IDS to their directory entry): a generic one, or one they made
    # themselves for someone (a secretary checking the link), would be spent on them and lost
    # for the newcomer it was meant for. Either stays valid for its newcomer.
    if (
        invite.person_id is not None
        and invite.person_id != linked_to
        and (linked_to is not None or invite.created_by == telegram_id)
    ):
        return JoinOutcome("not_yours")
    if invite.person_id is None and member:
        return JoinOutcome("not_needed")
    if invite.used_at is not None:
        return JoinOutcome("used")
    if invite.expires_at <= now:
        return JoinOutcome("expired")
    if invite.person_id is None and linked_to is None:
        # Only the secretariat lets a revoked person back: by approval or an invite bound to them.
        revoked = await access.revocation_of(session, telegram_id=telegram_id)
        if revoked is not None:
            return JoinOutcome("revoked", revoked.person_id)
    person_id = invite.person_id or linked_to
    if person_id is not None:
        holder = await session.scalar(select(Account.telegram_id).where(Account.person_id == person_id))
        if holder not in (None, telegram_id):
            return JoinOutcome("taken", person_id)
    # Single use even under a double tap: only one UPDATE finds it unused.
    claimed = await session.execute(
        update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None)).values(used_at=now, used_by=telegram_id)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return JoinOutcome("used")
    if person_id is None:
        person = await session.scalar(select(Person).where(Person.key == f"{JOINED_KEY_PREFIX}{telegram_id}"))
        if person is None:
            person = Person(
                key=f"{JOINED_KEY_PREFIX}{telegram_id}", name=first_name or str(telegram_id), phones=[], emails=[]
            )
            session.add(person)
            await session.flush()
        person_id = person.id
        await bump_directory_revision(session)
    return await access.link_account(session, telegram_id, person_id, invite.role, now, via="invite")
