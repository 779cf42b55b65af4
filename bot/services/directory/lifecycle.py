"""The secretariat's hand on the life of directory cards: new organisations, people and projects
made, any of them archived and restored, and the archive listed.

An archived card is out of search, lists, pickers, inline mode, announcement audiences, check-ins
and reminders; reports, the roadmap and the audit log still name it, and the secretariat can open
it and restore it. A person is archived through `Person.status` ("archived"), which every query of
listed people already asks for ("active"); organisations and projects by `archived_at`.

Every change is in the audit log and moves the directory revision, so that search on every
instance sees it at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.access import members
from bot.services.directory import Page, Ref, refs
from bot.services.directory.fields import CardKind
from bot.services.revision import bump_directory_revision
from models import Invite, Organisation, Person, Project, ProjectPartner

ARCHIVED = "archived"
# Keys of cards made in the bot (the dataset's are readable names; these need only be unique).
NEW_KEY_PREFIX = "new-"


class Result(StrEnum):
    DONE = "done"
    ALREADY = "already"  # archived already (or, to restore, not archived)
    GONE = "gone"
    OWN = "own"  # the secretary's own card: archiving it would lock them out


@dataclass(frozen=True)
class Outcome:
    result: Result
    name: str = ""
    # the account whose access an archived person lost (to tell them, and reset their menu)
    telegram_id: int | None = None


@dataclass(frozen=True)
class State:
    """Whether a card is archived, since when, and the card a merged duplicate lives on as."""

    archived_at: datetime | None
    merged_into: Ref | None = None


# --- creating ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    kind: str
    country: str
    website: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class NewPerson:
    name: str
    position: str | None = None
    organisation_id: int | None = None
    # an organisation made on the way (then organisation_id is None)
    new_organisation: NewOrganisation | None = None
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NewProject:
    title: str
    kind: str
    leader_id: int | None = None
    partner_ids: list[int] = field(default_factory=list)


async def create_organisation(session: AsyncSession, new: NewOrganisation, *, actor: int, now: datetime) -> int:
    org = Organisation(
        key=_key(CardKind.ORGANISATION),
        name=new.name,
        kind=new.kind,
        country=new.country,
        website=new.website,
        description=new.description,
        aliases=[],
    )
    session.add(org)
    await session.flush()
    await _recorded(session, "create", CardKind.ORGANISATION, org.id, new.name, actor=actor, now=now)
    return org.id


async def create_person(session: AsyncSession, new: NewPerson, *, actor: int, now: datetime) -> int:
    """The person, and first the organisation made on the way, if any; an organisation archived
    since it was picked is not linked (None: nothing made)."""
    organisation_id = new.organisation_id
    if organisation_id is not None and await _live(session, CardKind.ORGANISATION, organisation_id) is None:
        organisation_id = None
    if new.new_organisation is not None:
        organisation_id = await create_organisation(session, new.new_organisation, actor=actor, now=now)
    person = Person(
        key=_key(CardKind.PERSON),
        name=new.name,
        position=new.position,
        organisation_id=organisation_id,
        phones=list(new.phones),
        emails=list(new.emails),
    )
    session.add(person)
    await session.flush()
    await _recorded(session, "create", CardKind.PERSON, person.id, new.name, actor=actor, now=now)
    return person.id


async def create_project(session: AsyncSession, new: NewProject, *, actor: int, now: datetime) -> int:
    """The project with its leader and partners, those archived since they were picked left out."""
    live = {
        row
        for row in await session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_([*new.partner_ids, new.leader_id or 0]), Organisation.archived_at.is_(None)
            )
        )
    }
    project = Project(
        key=_key(CardKind.PROJECT),
        title=new.title,
        kind=new.kind,
        leader_id=new.leader_id if new.leader_id in live else None,
    )
    session.add(project)
    await session.flush()
    for organisation_id in dict.fromkeys(new.partner_ids):
        if organisation_id in live:
            session.add(ProjectPartner(project_id=project.id, organisation_id=organisation_id))
    await session.flush()
    await _recorded(session, "create", CardKind.PROJECT, project.id, new.title, actor=actor, now=now)
    return project.id


async def organisation_names(session: AsyncSession, ids: list[int]) -> dict[int, Ref]:
    """The organisations not archived among `ids`, by id (a wizard's preview names its picks)."""
    return await refs(session, Organisation, ids, Organisation.archived_at.is_(None))


def _key(card: CardKind) -> str:
    return f"{NEW_KEY_PREFIX}{card.noun}-{secrets.token_hex(5)}"


# --- archiving and restoring ---------------------------------------------------------------


async def state(session: AsyncSession, card: CardKind, card_id: int) -> State | None:
    """None: no such card."""
    row = await _row(session, card, card_id, lock=False)
    if row is None:
        return None
    merged = None if isinstance(row, Project) else row.merged_into_id
    kept = await _named(session, card, merged) if merged else None
    return State(row.archived_at if is_archived(row) else None, kept)


async def name_of(session: AsyncSession, card: CardKind, card_id: int) -> str | None:
    row = await _row(session, card, card_id, lock=False)
    return _name(row) if row is not None else None


async def archive(session: AsyncSession, card: CardKind, card_id: int, *, actor: int, now: datetime) -> Outcome:
    """Archive a card. A member loses their access as with a revocation: the account unlinked,
    the roles gone, their phone number no longer admitting them (restoring the card does not give
    it back: an invite does, as after any revocation). Someone never let in gets no revocation:
    restored, they may join by their phone number as before."""
    row = await _row(session, card, card_id)
    if row is None:
        return Outcome(Result.GONE)
    name = _name(row)
    if is_archived(row):
        return Outcome(Result.ALREADY, name)
    telegram_id = None
    if isinstance(row, Person):
        member = await members.member(session, row.id)
        telegram_id = member.telegram_id if member else None
        if telegram_id == actor:
            return Outcome(Result.OWN, name)
        if member is not None and (member.roles or telegram_id is not None):
            await members.close_access(session, row.id, telegram_id, actor=actor, now=now)
        # An invite made for them before would let them (and their card) back in.
        await session.execute(
            update(Invite).where(Invite.person_id == row.id, Invite.used_at.is_(None)).values(revoked=True)
        )
        row.status = ARCHIVED
    row.archived_at = now
    await _recorded(session, "archive", card, card_id, name, actor=actor, now=now)
    return Outcome(Result.DONE, name, telegram_id)


async def restore(session: AsyncSession, card: CardKind, card_id: int, *, actor: int, now: datetime) -> Outcome:
    """Back in search and lists; a merged duplicate comes back as a card of its own (its links
    stay with the card it was merged into)."""
    row = await _row(session, card, card_id)
    if row is None:
        return Outcome(Result.GONE)
    name = _name(row)
    if not is_archived(row):
        return Outcome(Result.ALREADY, name)
    if isinstance(row, Person):
        row.status = "active"
    if isinstance(row, Person | Organisation):
        row.merged_into_id = None
    row.archived_at = None
    await _recorded(session, "restore", card, card_id, name, actor=actor, now=now)
    return Outcome(Result.DONE, name)


@dataclass(frozen=True)
class ArchivedRow:
    card: CardKind
    id: int
    name: str
    archived_at: datetime


async def archived(session: AsyncSession, *, offset: int, limit: int) -> Page[ArchivedRow]:
    """Archived cards of every kind, the latest archived first."""
    rows = [
        *(
            ArchivedRow(CardKind.ORGANISATION, r.id, r.name, r.archived_at)
            for r in await session.execute(
                select(Organisation.id, Organisation.name, Organisation.archived_at).where(
                    Organisation.archived_at.is_not(None)
                )
            )
        ),
        *(
            ArchivedRow(CardKind.PERSON, r.id, r.name, r.archived_at)
            for r in await session.execute(
                select(Person.id, Person.name, Person.archived_at).where(
                    Person.status == ARCHIVED, Person.archived_at.is_not(None)
                )
            )
        ),
        *(
            ArchivedRow(CardKind.PROJECT, r.id, r.title, r.archived_at)
            for r in await session.execute(
                select(Project.id, Project.title, Project.archived_at).where(Project.archived_at.is_not(None))
            )
        ),
    ]
    rows.sort(key=lambda r: (r.archived_at, r.id), reverse=True)
    offset = offset if offset < len(rows) else 0
    return Page(rows[offset : offset + limit], len(rows), offset, limit)


Row = Person | Organisation | Project
MODELS: dict[CardKind, type[Row]] = {
    CardKind.PERSON: Person,
    CardKind.ORGANISATION: Organisation,
    CardKind.PROJECT: Project,
}


async def _row(session: AsyncSession, card: CardKind, card_id: int, *, lock: bool = True) -> Row | None:
    """The card's row, locked by default (a second tap of the same button waits, then finds it done)."""
    model: type[Row] = MODELS[card]
    return await session.get(model, card_id, with_for_update=lock)


async def _live(session: AsyncSession, card: CardKind, card_id: int) -> Row | None:
    row = await _row(session, card, card_id)
    return row if row is not None and not is_archived(row) else None


def is_archived(row: Row) -> bool:
    return row.status == ARCHIVED if isinstance(row, Person) else row.archived_at is not None


def _name(row: Row) -> str:
    return row.title if isinstance(row, Project) else row.name


async def _named(session: AsyncSession, card: CardKind, card_id: int) -> Ref | None:
    model: type[Person] | type[Organisation] = Person if card is CardKind.PERSON else Organisation
    return (await refs(session, model, [card_id])).get(card_id)


async def _recorded(
    session: AsyncSession, verb: str, card: CardKind, card_id: int, name: str, *, actor: int, now: datetime
) -> None:
    audit.record(session, at=now, actor=actor, action=f"{verb}.{card.noun}", target=f"{card.noun}:{card_id}", name=name)
    await bump_directory_revision(session)
