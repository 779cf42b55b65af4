"""Who sees a person's contacts: each person chooses, per kind of contact (phones, e-mails),
all members, the secretariat only, or nobody. `may_see` is the one rule every place that shows
or finds a contact asks (cards, search, inline mode, the contact sent with a card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.revision import bump_directory_revision
from models import Person


class Audience(StrEnum):
    """Who sees a kind of contact besides the person: the default keeps imported contacts as
    they always were, open to every member."""

    MEMBERS = "members"
    SECRETARIAT = "secretariat"
    NOBODY = "nobody"


class ContactField(StrEnum):
    PHONES = "phones"
    EMAILS = "emails"


class Looker(Protocol):
    """Whoever looks: a Viewer (the user of an update), or an Onlooker standing for a kind of reader."""

    @property
    def person_id(self) -> int | None: ...

    @property
    def is_member(self) -> bool: ...

    @property
    def is_secretariat(self) -> bool: ...


@dataclass(frozen=True)
class Onlooker:
    """A kind of reader rather than a user: by default a member with no card of their own."""

    person_id: int | None = None
    is_member: bool = True
    is_secretariat: bool = False


# What any member sees: for what goes before other eyes than the user's own (a card shared in
# inline mode), and for "my card as others see it".
ANY_MEMBER = Onlooker()


def audience(value: str | None) -> Audience:
    """A stored choice; anything unknown is read as the strictest, never as open."""
    try:
        return Audience(value or Audience.MEMBERS)
    except ValueError:
        return Audience.NOBODY


def may_see(choice: str, owner_id: int, looker: Looker) -> bool:
    """Whether the looker sees a contact of person `owner_id` that its owner shows to `choice`.
    The person always sees their own; a guest sees none."""
    if looker.person_id == owner_id:
        return True
    if not looker.is_member:
        return False
    match audience(choice):
        case Audience.MEMBERS:
            return True
        case Audience.SECRETARIAT:
            return looker.is_secretariat
        case _:
            return False


@dataclass(frozen=True)
class Contacts:
    phones: list[str]
    emails: list[str]


def visible_contacts(
    owner_id: int, phones: list[str], emails: list[str], phones_visibility: str, emails_visibility: str, looker: Looker
) -> Contacts:
    """The person's contacts the looker may see (the others left out)."""
    return Contacts(
        phones=list(phones) if may_see(phones_visibility, owner_id, looker) else [],
        emails=list(emails) if may_see(emails_visibility, owner_id, looker) else [],
    )


@dataclass(frozen=True)
class Choices:
    phones: Audience
    emails: Audience

    def of(self, field: ContactField) -> Audience:
        return self.phones if field == ContactField.PHONES else self.emails


async def choices(session: AsyncSession, person_id: int) -> Choices | None:
    """A person's current choices; None when they are no longer in the directory."""
    person = await session.get(Person, person_id)
    if person is None or person.status != "active":
        return None
    return Choices(audience(person.phones_visibility), audience(person.emails_visibility))


async def choose(
    session: AsyncSession, person_id: int, field: ContactField, chosen: Audience, *, actor: int, now: datetime
) -> Audience | None:
    """Set who sees one kind of the person's contacts; returns what it was before (the same as
    `chosen` when nothing changed), None when the person is gone. The directory revision moves, so
    every instance's search stops (or starts) finding the contacts by their digits and letters."""
    person = await session.get(Person, person_id)
    if person is None or person.status != "active":
        return None
    column = f"{field.value}_visibility"
    before = audience(getattr(person, column))
    if before == chosen:
        return before
    setattr(person, column, chosen.value)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="privacy.set",
        target=f"{audit.PERSON_TARGET}{person_id}",
        field=field.value,
        old=before.value,
        new=chosen.value,
    )
    await bump_directory_revision(session)
    return before
