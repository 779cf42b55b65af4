"""Joining the cluster: by one's own phone number, or by a request the secretariat decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access, audit, contacts, notices
from bot.services.access import JOINED_KEY_PREFIX, Holder, JoinOutcome
from bot.services.access.members import member
from bot.services.directory import is_fax
from bot.services.notices import Rendered
from bot.services.outbox import Outgoing
from bot.services.revision import bump_directory_revision
from bot.services.text_norm import keys, words
from bot.settings import Settings
from models import Account, JoinRequest, Organisation, Person, Revocation


async def link_by_phone(session: AsyncSession, telegram_id: int, phone: str, now: datetime) -> JoinOutcome:
    """Admit the one directory person with this number, compared in E.164 as the directory stores
    it. A number of several people (an office line) or a fax says nothing about who shares it, so
    it links no one: "shared"."""
    wanted = contacts.telegram_phone(phone)
    if wanted is None:
        return JoinOutcome("unknown")
    rows = await session.execute(select(Person.id, Person.name, Person.phones).where(Person.status == "active"))
    matches = [(r, [p for p in r.phones or () if contacts.split_stored(p)[0] == wanted]) for r in rows]
    matches = [(r, phones) for r, phones in matches if phones]
    if not matches:
        return JoinOutcome("unknown")
    if len(matches) > 1 or any(is_fax(p) for _, phones in matches for p in phones):
        return JoinOutcome("shared")
    person = matches[0][0]
    revocation = await access.revocation_of(session, telegram_id=telegram_id, person_id=person.id)
    if revocation is not None:
        if revocation.person_id == person.id and revocation.telegram_id not in (None, telegram_id):
            # The number of someone whose access was closed, from another account (a number passed
            # to a new owner, say): not theirs to ask back; a plain request decides who they are.
            return JoinOutcome("closed", person.id)
        return JoinOutcome("revoked", person.id, person.name)
    return await access.link_account(session, telegram_id, person.id, "member", now, via="phone")


async def request_to_join(
    session: AsyncSession,
    telegram_id: int,
    full_name: str,
    organisation: str,
    now: datetime,
    *,
    person_id: int | None = None,
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
    request = JoinRequest(
        telegram_id=telegram_id, full_name=full_name, organisation=organisation, person_id=person_id, created_at=now
    )
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


async def decide_join_request(
    session: AsyncSession, request_id: int, *, approve: bool, actor: int, now: datetime
) -> tuple[JoinRequestView | None, bool]:
    """Approve or reject; returns the request and whether this call decided it (a second tap
    or another secretary's earlier decision returns False). An approval that would copy a member
    who is in with another account decides nothing: the request stays pending, with duplicate_of."""
    if approve and (holder := await _duplicate_of(session, request_id)) is not None:
        request = await session.get(JoinRequest, request_id)
        assert request is not None
        return JoinRequestView(
            request.id,
            request.telegram_id,
            request.full_name,
            request.organisation,
            request.status,
            request.decided_by,
            duplicate_of=holder,
        ), False
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
        audit.record(
            session,
            at=now,
            actor=actor,
            action="join.approve" if approve else "join.reject",
            target=f"request:{request_id}",
            name=request.full_name,
        )
    if first and approve:
        await _admit_applicant(session, request)
    view = JoinRequestView(
        request.id,
        request.telegram_id,
        request.full_name,
        request.organisation,
        request.status,
        request.decided_by,
        decided_by_name=await _name_of(session, request.decided_by),
    )
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
    await access.claim_person(session, request.telegram_id, person.id)
    await access.grant_roles(session, person.id, {"member"})
    await access.lift_revocations(session, telegram_id=request.telegram_id, person_id=person.id)
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
    row = (
        await session.execute(
            select(Account.first_name, Person.name)
            .outerjoin(Person, Person.id == Account.person_id)
            .where(Account.telegram_id == telegram_id)
        )
    ).first()
    return (row.name or row.first_name or None) if row else None


async def _person_for_request(session: AsyncSession, request: JoinRequest) -> Person:
    wanted = keys(request.organisation)
    org_id = None
    for row in await session.execute(
        select(Organisation.id, Organisation.name, Organisation.aliases).where(Organisation.archived_at.is_(None))
    ):
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
        JoinRequestView(
            r.id,
            r.telegram_id,
            r.full_name,
            r.organisation,
            r.status,
            r.decided_by,
            username,
            readmission=revoked,
            telegram_name=first_name or None,
        )
        for r, username, first_name, revoked in await session.execute(query)
    ]


async def pending_request_of(session: AsyncSession, telegram_id: int) -> int | None:
    return await session.scalar(
        select(JoinRequest.id).where(JoinRequest.telegram_id == telegram_id, JoinRequest.status == "pending")
    )


# --- who is told ---------------------------------------------------------------------------------


async def request_notices(
    session: AsyncSession, settings: Settings, request_id: int, card: Callable[[Translator, JoinRequestView], Rendered]
) -> list[Outgoing]:
    """Every secretary gets the card of a request just filed, to decide on it (once each)."""
    filed = await pending_requests(session, request_id=request_id)
    if not filed:
        return []
    request = filed[0]
    return await notices.to_secretariat(
        session, settings, lambda chat: f"join:{request.id}:c{chat}", lambda t: card(t, request)
    )


async def decision_notice(session: AsyncSession, settings: Settings, request: JoinRequestView) -> Outgoing:
    """The guest is told what the secretariat decided on their request."""
    return await notices.to_account(
        session,
        settings,
        request.telegram_id,
        f"join:{request.id}:told",
        lambda told: (told("join.told." + request.status), None),
    )
