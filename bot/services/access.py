"""Access: who the current user is, joining (phone, request, invite), roles and members."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services import audit
from bot.services.db_util import insert_for
from bot.services.directory import is_fax
from bot.services.revision import bump_directory_revision
from bot.services.text_norm import digits, keys, words
from models import (
    Account,
    Invite,
    JoinRequest,
    Organisation,
    Person,
    PersonRole,
    ProjectPerson,
    Revocation,
)

ROLES = ("member", "leader", "secretariat")
LANGUAGES = ("ru", "en")
# Directory keys of people added by joining rather than by the dataset.
JOINED_KEY_PREFIX = "tg-"


@dataclass(frozen=True)
class Viewer:
    """The person behind an update, as every handler sees them."""

    telegram_id: int
    first_name: str
    language: str
    person_id: int | None
    roles: frozenset[str]

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def is_leader(self) -> bool:
        return "leader" in self.roles

    @property
    def is_secretariat(self) -> bool:
        return "secretariat" in self.roles


def pick_language(stored: str | None, telegram_code: str | None, default: str) -> str:
    if stored in LANGUAGES:
        return stored
    code = (telegram_code or "").split("-")[0].lower()
    return code if code in LANGUAGES else default


async def identify(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    username: str | None,
    language_code: str | None,
    admin_ids: frozenset[int],
    default_language: str,
    now: datetime,
) -> Viewer:
    """Record the account on first contact and work out its roles."""
    account = await session.get(Account, telegram_id)
    if account is None:
        # Two first updates of one user may race here: the loser's insert does nothing.
        await session.execute(
            insert_for(session, Account)
            .values(telegram_id=telegram_id, first_name=first_name[:200], username=username, created_at=now)
            .on_conflict_do_nothing(index_elements=["telegram_id"])
        )
        account = await session.get(Account, telegram_id)
        assert account is not None
    seen = (False, first_name[:200], username, language_code)
    if (account.blocked_bot, account.first_name, account.username, account.telegram_language) != seen:
        account.blocked_bot, account.first_name, account.username, account.telegram_language = seen
    roles = await roles_of(session, account.person_id)
    if telegram_id in admin_ids:
        roles |= {"secretariat", "member"}
    language = pick_language(account.language, language_code, default_language)
    return Viewer(telegram_id, first_name, language, account.person_id, frozenset(roles))


async def roles_of(session: AsyncSession, person_id: int | None) -> set[str]:
    """The roles of an active person in one query: granted ones, plus leader if they lead a project."""
    if person_id is None:
        return set()
    leads = exists().where(ProjectPerson.person_id == person_id, ProjectPerson.role == "leader")
    rows = (await session.execute(
        select(PersonRole.role, leads)
        .join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.person_id == person_id, Person.status == "active")
    )).all()
    if not rows:
        return set()
    return {role for role, _ in rows} | {"member"} | ({"leader"} if rows[0][1] else set())


async def set_language(session: AsyncSession, telegram_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(language)
    await session.execute(update(Account).where(Account.telegram_id == telegram_id).values(language=language))


async def mark_blocked(session: AsyncSession, telegram_id: int) -> None:
    await session.execute(update(Account).where(Account.telegram_id == telegram_id).values(blocked_bot=True))


async def account_language(session: AsyncSession, telegram_id: int, default: str) -> str:
    """The language to write to someone in when they did not just write to us."""
    account = await session.get(Account, telegram_id)
    if account is None:
        return default
    return pick_language(account.language, account.telegram_language, default)


async def secretariat_chats(
    session: AsyncSession, admin_ids: frozenset[int], default_language: str
) -> list[tuple[int, str]]:
    """(chat id, language) of everyone who acts for the secretariat: ADMIN_IDS and granted roles."""
    rows = await session.execute(
        select(Account.telegram_id)
        .join(PersonRole, PersonRole.person_id == Account.person_id)
        .join(Person, Person.id == Account.person_id)
        .where(PersonRole.role == "secretariat", Person.status == "active", Account.blocked_bot.is_(False))
    )
    chats = {row.telegram_id for row in rows} | set(admin_ids)
    return [(chat, await account_language(session, chat, default_language)) for chat in sorted(chats)]


# --- joining ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinOutcome:
    """status: linked | already | taken | unknown | shared | revoked | closed | member | requested |
    pending | invalid | expired | used | not_yours | duplicate"""

    status: str
    person_id: int | None = None
    person_name: str | None = None
    request_id: int | None = None


def _phone_key(phone: str) -> str:
    # Compare national numbers: +7 812 …, 8 812 … and 812 … are the same line.
    return digits(phone)[-10:]


async def link_by_phone(session: AsyncSession, telegram_id: int, phone: str, now: datetime) -> JoinOutcome:
    """Admit the one directory person with this number. A number of several people (an office
    line) or a fax says nothing about who shares it, so it links no one: "shared"."""
    wanted = _phone_key(phone)
    if len(wanted) < 7:
        return JoinOutcome("unknown")
    rows = await session.execute(select(Person.id, Person.name, Person.phones).where(Person.status == "active"))
    matches = [(r, [p for p in r.phones or () if _phone_key(p) == wanted]) for r in rows]
    matches = [(r, phones) for r, phones in matches if phones]
    if not matches:
        return JoinOutcome("unknown")
    if len(matches) > 1 or any(is_fax(p) for _, phones in matches for p in phones):
        return JoinOutcome("shared")
    person = matches[0][0]
    revocation = await _revocation(session, telegram_id=telegram_id, person_id=person.id)
    if revocation is not None:
        if revocation.person_id == person.id and revocation.telegram_id not in (None, telegram_id):
            # The number of someone whose access was closed, from another account (a number passed
            # to a new owner, say): not theirs to ask back; a plain request decides who they are.
            return JoinOutcome("closed", person.id)
        return JoinOutcome("revoked", person.id, person.name)
    return await _link(session, telegram_id, person.id, "member", now, via="phone")


async def _link(
    session: AsyncSession, telegram_id: int, person_id: int, role: str, now: datetime, *, via: str
) -> JoinOutcome:
    person = await session.get(Person, person_id)
    assert person is not None
    account = await session.get(Account, telegram_id)
    assert account is not None
    if account.person_id not in (None, person_id):
        return JoinOutcome("already", account.person_id)
    if not await _claim(session, telegram_id, person_id):
        return JoinOutcome("taken", person_id, person.name)
    person.status = "active"
    await _grant(session, person_id, {"member", role})
    await _lift_revocations(session, telegram_id=telegram_id, person_id=person_id)
    audit.record(session, at=now, actor=telegram_id, action=f"join.{via}", target=f"person:{person_id}")
    return JoinOutcome("linked", person_id, person.name)


async def _claim(session: AsyncSession, telegram_id: int, person_id: int) -> bool:
    """Link the account to the person unless another account holds them.

    The check is inside the UPDATE: SQLite runs writers one at a time, so a rival's link committed
    meanwhile is seen. PostgreSQL runs both; the unique accounts.person_id then fails the later one,
    which a savepoint turns into a plain "no" instead of a failed update."""
    rival = aliased(Account)
    claim = (
        update(Account)
        .where(Account.telegram_id == telegram_id,
               ~exists().where(rival.person_id == person_id, rival.telegram_id != telegram_id))
        .values(person_id=person_id)
        .execution_options(synchronize_session="fetch")
    )
    if session.get_bind().dialect.name != "postgresql":
        return bool((await session.execute(claim)).rowcount)  # type: ignore[attr-defined]
    try:
        async with session.begin_nested():
            return bool((await session.execute(claim)).rowcount)  # type: ignore[attr-defined]
    except IntegrityError:
        return False


async def _revocation(
    session: AsyncSession, *, telegram_id: int, person_id: int | None = None
) -> Revocation | None:
    """The closed access that keeps this account (or this directory person) out, if any."""
    return await session.scalar(
        select(Revocation).where(or_(Revocation.telegram_id == telegram_id, Revocation.person_id == person_id)).limit(1)
    )


async def _lift_revocations(session: AsyncSession, *, telegram_id: int, person_id: int) -> None:
    await session.execute(
        delete(Revocation).where(or_(Revocation.telegram_id == telegram_id, Revocation.person_id == person_id))
    )


async def _grant(session: AsyncSession, person_id: int, roles: set[str]) -> None:
    for role in roles:
        await session.execute(
            insert_for(session, PersonRole)
            .values(person_id=person_id, role=role)
            .on_conflict_do_nothing(index_elements=["person_id", "role"])
        )


async def request_to_join(
    session: AsyncSession, telegram_id: int, full_name: str, organisation: str, now: datetime,
    *, person_id: int | None = None,
) -> JoinOutcome:
    """File a request for the secretariat: "requested" when filed now, "pending" when one is
    already waiting (that one stands), "member" when the account is in already.
    person_id: the directory entry the request is about, when known (someone asking back)."""
    account = await session.get(Account, telegram_id)
    if account is not None and account.person_id is not None:
        return JoinOutcome("member", account.person_id)
    pending = await pending_request_of(session, telegram_id)
    if pending is not None:
        return JoinOutcome("pending", request_id=pending)
    request = JoinRequest(telegram_id=telegram_id, full_name=full_name, organisation=organisation,
                          person_id=person_id, created_at=now)
    session.add(request)
    await session.flush()
    return JoinOutcome("requested", request_id=request.id)


async def request_readmission(session: AsyncSession, telegram_id: int, person_id: int, now: datetime) -> JoinOutcome:
    """A request to let a revoked person back in, under their directory name and organisation."""
    row = await member(session, person_id)
    assert row is not None
    return await request_to_join(session, telegram_id, row.name, row.organisation or "—", now, person_id=person_id)


@dataclass(frozen=True)
class JoinRequestView:
    id: int
    telegram_id: int
    full_name: str
    organisation: str
    status: str
    decided_by: int | None
    username: str | None = None
    decided_by_name: str | None = None
    # The secretariat closed this directory person's access before: approving lets them back.
    readmission: bool = False
    # The account's own Telegram name (not the one claimed in the request).
    telegram_name: str | None = None
    # Approving was refused: this member, linked to another account, is the person asking.
    duplicate_of: Holder | None = None


@dataclass(frozen=True)
class Holder:
    """A member and the Telegram account they are in the cluster with."""

    person_id: int
    name: str
    telegram_id: int
    telegram_name: str | None
    username: str | None


async def decide_join_request(
    session: AsyncSession, request_id: int, *, approve: bool, actor: int, now: datetime
) -> tuple[JoinRequestView | None, bool]:
    """Approve or reject; returns the request and whether this call decided it (a second tap
    or another secretary's earlier decision returns False). An approval that would copy a member
    who is in with another account decides nothing: the request stays pending, with duplicate_of."""
    if approve and (holder := await _duplicate_of(session, request_id)) is not None:
        request = await session.get(JoinRequest, request_id)
        assert request is not None
        return JoinRequestView(request.id, request.telegram_id, request.full_name, request.organisation,
                               request.status, request.decided_by, duplicate_of=holder), False
    decided = await session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == request_id, JoinRequest.status == "pending")
        .values(status="approved" if approve else "rejected", decided_by=actor, decided_at=now)
    )
    request = await session.get(JoinRequest, request_id, populate_existing=True)
    if request is None:
        return None, False
    first = bool(decided.rowcount)  # type: ignore[attr-defined]
    if first:
        audit.record(session, at=now, actor=actor, action="join.approve" if approve else "join.reject",
                     target=f"request:{request_id}", name=request.full_name)
    if first and approve:
        await _admit_applicant(session, request)
    view = JoinRequestView(request.id, request.telegram_id, request.full_name, request.organisation,
                           request.status, request.decided_by,
                           decided_by_name=await _name_of(session, request.decided_by))
    return view, first


async def _duplicate_of(session: AsyncSession, request_id: int) -> Holder | None:
    """The member, in with another account, whom approving this pending request would copy: the
    directory entry it asks back into, or a member of the same name."""
    request = await session.get(JoinRequest, request_id)
    if request is None or request.status != "pending":
        return None
    account = await session.get(Account, request.telegram_id)
    if account is not None and account.person_id is not None:
        return None  # in already: approving keeps that link
    query = (
        select(Person.id, Person.name, Account.telegram_id, Account.first_name, Account.username)
        .join(Account, Account.person_id == Person.id)
        .where(Person.status == "active", Account.telegram_id != request.telegram_id)
    )
    if request.person_id is not None:
        query = query.where(Person.id == request.person_id)
    for row in await session.execute(query):
        if request.person_id is not None or same_name(row.name, request.full_name):
            return Holder(row.id, row.name, row.telegram_id, row.first_name or None, row.username)
    return None


def same_name(a: str, b: str) -> bool:
    """Whether two names can be one person's: all the words of the shorter (two at least) are in
    the longer, in any order («Галина Захарова», «Захарова Галина Анатольевна»)."""
    short, long = sorted((set(words(a)), set(words(b))), key=len)
    return len(short) >= 2 and short <= long


async def _admit_applicant(session: AsyncSession, request: JoinRequest) -> None:
    account = await session.get(Account, request.telegram_id)
    if account is not None and account.person_id is not None:
        # They got in meanwhile (their phone, an invite): the approval keeps that link.
        request.person_id = account.person_id
        return
    person = await _returning_person(session, request) or await _person_for_request(session, request)
    request.person_id = person.id
    await _claim(session, request.telegram_id, person.id)
    await _grant(session, person.id, {"member"})
    await _lift_revocations(session, telegram_id=request.telegram_id, person_id=person.id)
    await bump_directory_revision(session)


async def _returning_person(session: AsyncSession, request: JoinRequest) -> Person | None:
    """The directory entry a revoked person asked back into, unless another account holds it now."""
    if request.person_id is None:
        return None
    person = await session.get(Person, request.person_id)
    holder = await session.scalar(select(Account.telegram_id).where(Account.person_id == request.person_id))
    if person is None or holder not in (None, request.telegram_id):
        return None
    person.status = "active"
    return person


async def _name_of(session: AsyncSession, telegram_id: int | None) -> str | None:
    """Someone acting in the bot, by their directory name, else their Telegram name."""
    if telegram_id is None:
        return None
    row = (await session.execute(
        select(Account.first_name, Person.name)
        .outerjoin(Person, Person.id == Account.person_id)
        .where(Account.telegram_id == telegram_id)
    )).first()
    return (row.name or row.first_name or None) if row else None


async def _person_for_request(session: AsyncSession, request: JoinRequest) -> Person:
    wanted = keys(request.organisation)
    org_id = None
    for row in await session.execute(select(Organisation.id, Organisation.name, Organisation.aliases)):
        if wanted and any(keys(name) == wanted for name in (row.name, *(row.aliases or ()))):
            org_id = row.id
            break
    person = Person(
        key=f"{JOINED_KEY_PREFIX}{request.telegram_id}",
        name=request.full_name,
        organisation_id=org_id,
        affiliation=None if org_id else request.organisation,
        phones=[],
        emails=[],
    )
    existing = await session.scalar(select(Person).where(Person.key == person.key))
    if existing is not None:
        existing.status = "active"
        return existing
    session.add(person)
    await session.flush()
    return person


async def pending_requests(session: AsyncSession, *, request_id: int | None = None) -> list[JoinRequestView]:
    """Requests waiting for the secretariat (or just the one asked for), with the applicant's @username."""
    query = (
        select(JoinRequest, Account.username, Account.first_name, Revocation.person_id.is_not(None))
        .outerjoin(Account, Account.telegram_id == JoinRequest.telegram_id)
        .outerjoin(Revocation, Revocation.person_id == JoinRequest.person_id)
        .where(JoinRequest.status == "pending")
        .order_by(JoinRequest.created_at)
    )
    if request_id is not None:
        query = query.where(JoinRequest.id == request_id)
    return [
        JoinRequestView(r.id, r.telegram_id, r.full_name, r.organisation, r.status, r.decided_by, username,
                        readmission=revoked, telegram_name=first_name or None)
        for r, username, first_name, revoked in await session.execute(query)
    ]


async def pending_request_of(session: AsyncSession, telegram_id: int) -> int | None:
    return await session.scalar(
        select(JoinRequest.id).where(JoinRequest.telegram_id == telegram_id, JoinRequest.status == "pending")
    )


# --- invites ---------------------------------------------------------------------------------


async def holder_of(session: AsyncSession, person_id: int) -> Holder | None:
    """The account a directory person is in the cluster with, if any."""
    row = (await session.execute(
        select(Person.id, Person.name, Account.telegram_id, Account.first_name, Account.username)
        .join(Account, Account.person_id == Person.id)
        .where(Person.id == person_id)
    )).first()
    return Holder(row.id, row.name, row.telegram_id, row.first_name or None, row.username) if row else None


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
    invite = Invite(code=secrets.token_urlsafe(12), role=role, person_id=person_id,
                    created_by=actor, created_at=now, expires_at=now + ttl)
    session.add(invite)
    audit.record(session, at=now, actor=actor, action="invite.create", target=f"invite:{invite.code[:4]}…",
                 role=role, person_id=person_id)
    await session.flush()
    return InviteView(invite.code, role, person_id, invite.expires_at)


async def redeem_invite(
    session: AsyncSession, code: str, *, telegram_id: int, first_name: str, now: datetime
) -> JoinOutcome:
    invite = await session.scalar(select(Invite).where(Invite.code == code))
    if invite is None or invite.revoked:
        return JoinOutcome("invalid")
    if invite.used_at is not None:
        return JoinOutcome("already" if invite.used_by == telegram_id else "used")
    if invite.expires_at <= now:
        return JoinOutcome("expired")
    account = await session.get(Account, telegram_id)
    linked_to = account.person_id if account else None
    if invite.person_id is not None and linked_to not in (None, invite.person_id):
        # Someone else's invite: it stays valid for them.
        return JoinOutcome("not_yours")
    if invite.person_id is None and linked_to is None:
        # Only the secretariat lets a revoked person back: by approval or an invite bound to them.
        revoked = await _revocation(session, telegram_id=telegram_id)
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
            person = Person(key=f"{JOINED_KEY_PREFIX}{telegram_id}", name=first_name or str(telegram_id), phones=[], emails=[])
            session.add(person)
            await session.flush()
        person_id = person.id
        await bump_directory_revision(session)
    return await _link(session, telegram_id, person_id, invite.role, now, via="invite")


# --- members ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    organisation: str | None
    roles: frozenset[str]
    telegram_id: int | None


async def list_members(session: AsyncSession, *, offset: int, limit: int) -> tuple[list[MemberRow], int]:
    is_member = Person.id.in_(select(PersonRole.person_id).distinct().scalar_subquery())
    total = await session.scalar(
        select(func.count()).select_from(Person).where(is_member, Person.status == "active")
    ) or 0
    rows = await _member_rows(session, is_member & (Person.status == "active"), offset=offset, limit=limit)
    return rows, total


async def member(session: AsyncSession, person_id: int) -> MemberRow | None:
    rows = await _member_rows(session, Person.id == person_id)
    return rows[0] if rows else None


async def _member_rows(
    session: AsyncSession, where: ColumnElement[bool], *, offset: int = 0, limit: int | None = None
) -> list[MemberRow]:
    """People with their organisation, linked account and roles: two queries for a whole page."""
    people = (await session.execute(
        select(Person.id, Person.name, Person.affiliation, Organisation.name.label("org"), Account.telegram_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(Account, Account.person_id == Person.id)
        .where(where)
        .order_by(Person.name)
        .offset(offset)
        .limit(limit)
    )).all()
    roles: dict[int, set[str]] = {}
    for person_id, role in await session.execute(
        select(PersonRole.person_id, PersonRole.role).where(PersonRole.person_id.in_([p.id for p in people]))
    ):
        roles.setdefault(person_id, set()).add(role)
    return [MemberRow(p.id, p.name, p.org or p.affiliation, frozenset(roles.get(p.id, ())), p.telegram_id)
            for p in people]


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
        await _grant(session, person_id, {role, "member"})
    else:
        await session.execute(delete(PersonRole).where(PersonRole.person_id == person_id, PersonRole.role == role))
    audit.record(session, at=now, actor=actor, action="role.grant" if granted else "role.remove",
                 target=f"person:{person_id}", role=role)
    return await member(session, person_id)


async def revoke_member(session: AsyncSession, person_id: int, *, actor: int, now: datetime) -> MemberRow | None:
    row = await member(session, person_id)
    if row is None:
        return None
    if not row.roles:
        return None
    await session.execute(delete(PersonRole).where(PersonRole.person_id == person_id))
    await session.execute(update(Account).where(Account.person_id == person_id).values(person_id=None))
    await session.execute(
        insert_for(session, Revocation)
        .values(person_id=person_id, telegram_id=row.telegram_id, revoked_by=actor, revoked_at=now)
        .on_conflict_do_nothing(index_elements=["person_id"])
    )
    person = await session.get(Person, person_id)
    if person is not None and person.key.startswith(JOINED_KEY_PREFIX):
        # Someone the bot added on joining leaves the directory with their access; people of
        # the cluster's dataset stay listed, only their access goes.
        person.status = "revoked"
        await bump_directory_revision(session)
    audit.record(session, at=now, actor=actor, action="member.revoke", target=f"person:{person_id}", name=row.name)
    return row
