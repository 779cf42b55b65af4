"""Forget me: the account is unlinked from its directory entry, whose contact details are erased:
its phones and e-mails, and the Telegram username the card showed through the link. The name
stays, so reports stay attributed to it, and so does the entry's place in projects, for the
secretariat to change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, audit
from bot.services.access import JOINED_KEY_PREFIX
from bot.services.access.members import last_secretary
from bot.services.revision import bump_directory_revision
from models import Account, CalendarFeed, Person, PersonRole

# A confirmation older than this asks again: what it said may no longer hold.
CONFIRMATION_TTL = timedelta(hours=1)


@dataclass(frozen=True)
class Subject:
    """Whom a confirmation is about."""

    person_id: int
    name: str


@dataclass(frozen=True)
class Forgotten:
    """status: done | already (this confirmation was carried out before) | stale (the account is
    linked to someone else now, or to no one, or the confirmation is too old) | last_secretary
    (nobody would be left to act for the secretariat)"""

    status: str
    subject: Subject | None = None
    # Whether the entry is still in the directory's lists (the dataset's people stay there).
    listed: bool = False


async def subject(session: AsyncSession, telegram_id: int) -> Subject | None:
    """The directory entry the account is linked to: what forgetting would concern."""
    row = (
        await session.execute(
            select(Person.id, Person.name)
            .join(Account, Account.person_id == Person.id)
            .where(Account.telegram_id == telegram_id)
        )
    ).first()
    return Subject(row.id, row.name) if row else None


async def forget(
    session: AsyncSession,
    telegram_id: int,
    person_id: int,
    *,
    confirmation_at: datetime,
    now: datetime,
    admin_ids: frozenset[int],
) -> Forgotten:
    """Carry out a confirmation shown at `confirmation_at` about `person_id`, once: a second tap,
    or a tap after coming back into the cluster, finds it done."""
    person = await session.get(Person, person_id)
    if person is None:
        return Forgotten("stale")
    if _carried_out(person, confirmation_at):
        return Forgotten("already", Subject(person.id, person.name))
    account = await session.get(Account, telegram_id)
    if account is None or account.person_id != person_id or now - confirmation_at > CONFIRMATION_TTL:
        return Forgotten("stale")
    roles = await access.roles_of(session, person_id)
    if (
        "secretariat" in roles
        and telegram_id not in admin_ids
        and await last_secretary(session, telegram_id, admin_ids)
    ):
        return Forgotten("last_secretary")
    person.phones, person.emails, person.forgotten_at = [], [], now
    if person.key.startswith(JOINED_KEY_PREFIX):
        # An entry the bot made when they joined has nothing left of the directory's own: it goes
        # out of the lists, as when the secretariat revokes such a member.
        person.status = "revoked"
    account.person_id = None  # and so the Telegram username leaves the card
    await session.execute(delete(PersonRole).where(PersonRole.person_id == person_id))
    # The calendar link would open nothing now (no member), and should not open anything again.
    await session.execute(delete(CalendarFeed).where(CalendarFeed.telegram_id == telegram_id))
    await bump_directory_revision(session)
    audit.record(
        session, at=now, actor=telegram_id, action="member.forget", target=f"person:{person_id}", name=person.name
    )
    return Forgotten("done", Subject(person.id, person.name), listed=person.status == "active")


async def carried_out(session: AsyncSession, person_id: int, confirmation_at: datetime) -> bool:
    """Whether the entry was forgotten since the confirmation was shown (by this one or a twin)."""
    person = await session.get(Person, person_id)
    return person is not None and _carried_out(person, confirmation_at)


def _carried_out(person: Person, confirmation_at: datetime) -> bool:
    return person.forgotten_at is not None and person.forgotten_at >= confirmation_at


def confirmation_time(stamp: int) -> datetime:
    """The moment a confirmation button was made, from the whole seconds it carries."""
    return datetime.fromtimestamp(stamp, UTC)
