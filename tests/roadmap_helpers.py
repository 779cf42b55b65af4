"""Shared set-up of the roadmap tests: linked people, an item with a deadline and owners, outbox rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.services import roadmap
from models import Account, Organisation, OutboxMessage, Person, PersonRole, RoadmapItem
from tests.conftest import ADMIN
from tests.emulator import User

# Two people of one organisation and one person owner; a second organisation nobody of which is linked.
ORG_A = User(id=3101, first_name="Николай", username="pitirimov")
ORG_B = User(id=3102, first_name="Святослав", username="kuzmenko")
SOLO = User(id=3103, first_name="Иван", username="blinov", language_code="en")
OWNERS = (ORG_A, ORG_B, SOLO)
PEOPLE = {ORG_A.id: "pitirimov-nikolay", ORG_B.id: "kuzmenko-svyatoslav", SOLO.id: "blinov-ivan"}
LINKED_ORG = "gorodskoe-obedinenie-domovladeltsev"
UNLINKED_ORG = "pravitelstvo-spb"
# 15.12.2026, end of the day in Moscow; the test clock starts on 23.11.2026 09:00 UTC.
DEADLINE = datetime(2026, 12, 15, 20, 59, tzinfo=UTC)


async def link_people(app: App) -> dict[int, int]:
    async with app.database.sessions.begin() as session:
        return await link_people_in(session, app.clock())


async def link_people_in(session: AsyncSession, now: datetime) -> dict[int, int]:
    """Accounts of the three owners, linked to their directory people as members; user id → person id."""
    found = {}
    for user_id, key in PEOPLE.items():
        person_id = await session.scalar(select(Person.id).where(Person.key == key))
        assert person_id is not None
        session.add(
            Account(
                telegram_id=user_id,
                first_name=key,
                person_id=person_id,
                created_at=now,
                telegram_language="en" if user_id == SOLO.id else "ru",
            )
        )
        session.add(PersonRole(person_id=person_id, role="member"))
        found[user_id] = person_id
    await session.flush()
    return found


async def item_with_owners(app: App, *, number: int = 1, deadline: datetime = DEADLINE) -> int:
    async with app.database.sessions.begin() as session:
        return await item_with_owners_in(session, app.clock(), number=number, deadline=deadline)


async def item_with_owners_in(
    session: AsyncSession, now: datetime, *, number: int = 1, deadline: datetime = DEADLINE
) -> int:
    """Item `number` due at `deadline`, owned by the linked organisation, the unlinked one and SOLO."""
    people = await link_people_in(session, now)
    item_id = await session.scalar(select(RoadmapItem.id).where(RoadmapItem.number == number))
    assert item_id is not None
    who: dict[str, Any] = {"actor": ADMIN.id, "actor_name": "Sekretar", "now": now}
    assert await roadmap.set_deadline(session, item_id, deadline, **who)
    for key in (LINKED_ORG, UNLINKED_ORG):
        org_id = await session.scalar(select(Organisation.id).where(Organisation.key == key))
        assert await roadmap.add_owner(session, item_id, organisation_id=org_id, **who)
    assert await roadmap.add_owner(session, item_id, person_id=people[SOLO.id], **who)
    return item_id


async def reminder_keys(app: App, kind: str = "reminder") -> list[str]:
    async with app.database.sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage.key).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def kinds_for(keys: list[str], person_id: int) -> list[str]:
    """ "d14@2026-12-01", … of one recipient, in the order they were enqueued."""
    return [f"{k.split(':')[2]}@{k.split(':')[4]}" for k in keys if k.split(":")[3] == f"p{person_id}"]
