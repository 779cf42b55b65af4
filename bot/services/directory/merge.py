"""Two cards of one person (or one organisation) made one: every link of the duplicate moves to
the card kept, their contacts are united, and the duplicate is archived with a pointer to the
card kept, so history that names it stays readable.

Every table that points at people or organisations is in LINKS below; where a unique key would be
broken (both were a project's contact, both own a roadmap item), the kept card's link stays and
the duplicate's is dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.services import audit
from bot.services.directory import Ref
from bot.services.directory.fields import CardKind
from bot.services.directory.lifecycle import ARCHIVED, is_archived
from bot.services.directory.privacy import audience
from bot.services.revision import bump_directory_revision
from bot.services.text_norm import digits
from models import (
    Account,
    CheckinPause,
    Invite,
    JoinRequest,
    Organisation,
    Person,
    PersonRole,
    Project,
    ProjectPartner,
    ProjectPerson,
    Report,
    Revocation,
    RoadmapOwner,
)

Column = InstrumentedAttribute[Any]


@dataclass(frozen=True)
class Link:
    """A column pointing at a person or an organisation; `together`: the other columns of the
    key that may hold one row only (none: any number of rows may point at one card)."""

    name: str
    column: Column
    together: tuple[Column, ...] | None = None


LINKS: dict[CardKind, tuple[Link, ...]] = {
    CardKind.PERSON: (
        Link("accounts", Account.person_id, ()),
        Link("roles", PersonRole.person_id, (PersonRole.role,)),
        Link("projects", ProjectPerson.person_id, (ProjectPerson.project_id, ProjectPerson.role)),
        Link("roadmap", RoadmapOwner.person_id, (RoadmapOwner.item_id,)),
        Link("reports", Report.person_id),
        Link("pauses", CheckinPause.person_id, ()),
        Link("invites", Invite.person_id),
        Link("join_requests", JoinRequest.person_id),
        Link("revocations", Revocation.person_id, ()),
        Link("merged", Person.merged_into_id),
    ),
    CardKind.ORGANISATION: (
        Link("people", Person.organisation_id),
        Link("led", Project.leader_id),
        Link("partners", ProjectPartner.organisation_id, (ProjectPartner.project_id,)),
        Link("roadmap", RoadmapOwner.organisation_id, (RoadmapOwner.item_id,)),
        Link("merged", Organisation.merged_into_id),
    ),
}
# The stricter of two choices of who sees contacts wins: united contacts are shown to no one
# the duplicate or the kept card had kept them from.
_STRICTNESS = ("members", "secretariat", "nobody")


class Result(StrEnum):
    DONE = "done"
    ALREADY = "already"  # the duplicate was merged into that card already
    GONE = "gone"  # one of them is no longer there, or archived
    SAME = "same"  # a card cannot be merged with itself
    OWN = "own"  # the secretary's own account would be unlinked: they would lock themselves out


@dataclass(frozen=True)
class Plan:
    """What a merge does (or did): links moved and dropped by kind, contacts and names added."""

    card: CardKind
    duplicate: Ref
    keep: Ref
    moved: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


Row = Person | Organisation


async def plan(session: AsyncSession, card: CardKind, duplicate_id: int, keep_id: int, *, actor: int) -> Plan | Result:
    """What merging the duplicate into the kept card would do, or why it cannot be done."""
    found = await _pair(session, card, duplicate_id, keep_id, actor=actor)
    if isinstance(found, Result):
        return found
    duplicate, keep = found
    moved: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for link in LINKS[card]:
        total = await session.scalar(select(func.count()).where(link.column == duplicate.id)) or 0
        clashes = len(await _clashes(session, link, duplicate.id, keep.id))
        if total - clashes:
            moved[link.name] = total - clashes
        if clashes:
            dropped[link.name] = clashes
    phones, emails, aliases = _additions(duplicate, keep)
    return Plan(card, _ref(duplicate), _ref(keep), moved, dropped, phones, emails, aliases)


async def merge(
    session: AsyncSession, card: CardKind, duplicate_id: int, keep_id: int, *, actor: int, now: datetime
) -> Plan | Result:
    """Merge the duplicate into the kept card; what was done, or why nothing was."""
    done = await plan(session, card, duplicate_id, keep_id, actor=actor)
    if isinstance(done, Result):
        return done
    duplicate, keep = await _get(session, card, duplicate_id), await _get(session, card, keep_id)
    assert duplicate is not None and keep is not None
    for link in LINKS[card]:
        await _move(session, link, duplicate.id, keep.id)
    _unite(duplicate, keep, done)
    duplicate.archived_at = now
    duplicate.merged_into_id = keep.id
    if isinstance(duplicate, Person):
        duplicate.status = ARCHIVED
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"merge.{card.noun}",
        target=f"{card.noun}:{duplicate.id}",
        name=duplicate.name,
        into=keep.id,
        into_name=keep.name,
        moved=done.moved,
        dropped=done.dropped,
    )
    await bump_directory_revision(session)
    return done


async def _pair(
    session: AsyncSession, card: CardKind, duplicate_id: int, keep_id: int, *, actor: int
) -> tuple[Row, Row] | Result:
    if card not in LINKS:
        return Result.GONE
    if duplicate_id == keep_id:
        return Result.SAME
    duplicate, keep = await _get(session, card, duplicate_id), await _get(session, card, keep_id)
    if duplicate is None or keep is None:
        return Result.GONE
    if duplicate.merged_into_id == keep.id and is_archived(duplicate):
        return Result.ALREADY
    if is_archived(duplicate) or is_archived(keep):
        return Result.GONE
    if isinstance(duplicate, Person):
        accounts = dict(
            (person_id, telegram_id)
            for telegram_id, person_id in await session.execute(
                select(Account.telegram_id, Account.person_id).where(Account.person_id.in_([duplicate.id, keep.id]))
            )
        )
        if accounts.get(duplicate.id) == actor and keep.id in accounts:
            return Result.OWN
    return duplicate, keep


async def _get(session: AsyncSession, card: CardKind, card_id: int) -> Row | None:
    model: type[Row] = Person if card is CardKind.PERSON else Organisation
    return await session.get(model, card_id, with_for_update=True)


def _ref(row: Row) -> Ref:
    return Ref(row.id, row.name, name_en=row.name_en)


async def _clashes(session: AsyncSession, link: Link, duplicate_id: int, keep_id: int) -> list[tuple[Any, ...]]:
    """The keys of the duplicate's links the kept card has already (its own stay, these go)."""
    if link.together is None:
        return []
    if not link.together:
        has = await session.scalar(select(func.count()).where(link.column == keep_id))
        theirs = await session.scalar(select(func.count()).where(link.column == duplicate_id))
        return [()] if has and theirs else []
    kept = select(*link.together).where(link.column == keep_id)
    return [
        tuple(row)
        for row in await session.execute(
            select(*link.together).where(link.column == duplicate_id, tuple_(*link.together).in_(kept)).distinct()
        )
    ]


async def _move(session: AsyncSession, link: Link, duplicate_id: int, keep_id: int) -> None:
    table = link.column.class_
    for key in await _clashes(session, link, duplicate_id, keep_id):
        where = [link.column == duplicate_id, *(c == v for c, v in zip(link.together or (), key, strict=True))]
        if table is Account:
            # The kept card has an account: the duplicate's is unlinked, never deleted.
            await session.execute(update(Account).where(*where).values(person_id=None))
        else:
            await session.execute(delete(table).where(*where))
    await session.execute(
        update(table)
        .where(link.column == duplicate_id)
        .values({link.column.key: keep_id})
        .execution_options(synchronize_session=False)
    )


def _additions(duplicate: Row, keep: Row) -> tuple[list[str], list[str], list[str]]:
    """Phones and e-mails of the duplicate the kept person lacks; an organisation's names it lacks."""
    if isinstance(duplicate, Person) and isinstance(keep, Person):
        have_phones = {_phone_key(p) for p in keep.phones or ()}
        have_emails = {e.casefold() for e in keep.emails or ()}
        phones = [p for p in dict.fromkeys(duplicate.phones or ()) if _phone_key(p) not in have_phones]
        emails = [e for e in dict.fromkeys(duplicate.emails or ()) if e.casefold() not in have_emails]
        return phones, emails, []
    assert isinstance(duplicate, Organisation) and isinstance(keep, Organisation)
    known = {n.casefold() for n in (keep.name, keep.name_en or "", *(keep.aliases or ())) if n}
    names = [duplicate.name, duplicate.name_en or "", *(duplicate.aliases or ())]
    return [], [], [n for n in dict.fromkeys(names) if n and n.casefold() not in known]


def _phone_key(phone: str) -> str:
    # +7 812 …, 8 812 … and 812 … are one line; a number too short to say stays as written.
    found = digits(phone)
    return found[-10:] if len(found) >= 7 else phone


def _unite(duplicate: Row, keep: Row, done: Plan) -> None:
    """The kept card's fields stay; those it lacks are taken from the duplicate."""
    if isinstance(duplicate, Person) and isinstance(keep, Person):
        keep.phones = [*(keep.phones or ()), *done.phones]
        keep.emails = [*(keep.emails or ()), *done.emails]
        if done.phones:
            keep.phones_visibility = _stricter(keep.phones_visibility, duplicate.phones_visibility)
        if done.emails:
            keep.emails_visibility = _stricter(keep.emails_visibility, duplicate.emails_visibility)
        for name in ("name_en", "position", "organisation_id", "affiliation"):
            if not getattr(keep, name):
                setattr(keep, name, getattr(duplicate, name))
        return
    assert isinstance(duplicate, Organisation) and isinstance(keep, Organisation)
    keep.aliases = [*(keep.aliases or ()), *done.aliases]
    for name in ("name_en", "legal_form", "region", "website", "description"):
        if not getattr(keep, name):
            setattr(keep, name, getattr(duplicate, name))


def _stricter(a: str, b: str) -> str:
    return max(audience(a), audience(b), key=_STRICTNESS.index)
