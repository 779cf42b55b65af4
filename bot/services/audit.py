"""The audit log of admin actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, AuditEntry, Person

PERSON_TARGET = "person:"


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: int | None,
    action: str,
    target: str | None = None,
    **details: Any,
) -> None:
    session.add(AuditEntry(at=at, actor_telegram_id=actor, action=action, target=target, details=details))


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: int | None
    # Who acted and whom it concerned, by name where the directory knows them.
    actor_name: str | None
    action: str
    target: str | None
    target_name: str | None
    details: dict[str, Any]


async def recent(session: AsyncSession, *, offset: int = 0, limit: int = 10) -> list[AuditRow]:
    rows = (await session.execute(
        select(AuditEntry, Account.first_name, Person.name)
        .outerjoin(Account, Account.telegram_id == AuditEntry.actor_telegram_id)
        .outerjoin(Person, Person.id == Account.person_id)
        .order_by(AuditEntry.id.desc()).offset(offset).limit(limit)
    )).all()
    ids = {person for r in rows if (person := _person_of(r.AuditEntry)) is not None}
    found = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    names: dict[int, str] = {row.id: row.name for row in found}

    def target_name(entry: AuditEntry) -> str | None:
        person = _person_of(entry)
        if person is not None:
            return names.get(person)
        name = entry.details.get("name")
        return name if isinstance(name, str) else None

    return [AuditRow(r.AuditEntry.at, r.AuditEntry.actor_telegram_id, r.name or r.first_name or None,
                     r.AuditEntry.action, r.AuditEntry.target, target_name(r.AuditEntry), r.AuditEntry.details)
            for r in rows]


def _person_of(entry: AuditEntry) -> int | None:
    """The directory person an entry concerns: its target, or the one an invite was made for."""
    target = entry.target or ""
    if target.startswith(PERSON_TARGET) and target[len(PERSON_TARGET):].isdigit():
        return int(target[len(PERSON_TARGET):])
    person = entry.details.get("person_id")
    return person if isinstance(person, int) else None
