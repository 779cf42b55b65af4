"""The audit log of admin actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, AuditEntry, Person, Project

PERSON_TARGET = "person:"
PROJECT_TARGET = "project:"


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
    # The project an entry concerns (a leader assigned, a report), by title and English title.
    project: str | None = None
    project_en: str | None = None


async def recent(session: AsyncSession, *, offset: int = 0, limit: int = 10) -> list[AuditRow]:
    rows = (
        await session.execute(
            select(AuditEntry, Account.first_name, Person.name)
            .outerjoin(Account, Account.telegram_id == AuditEntry.actor_telegram_id)
            .outerjoin(Person, Person.id == Account.person_id)
            .order_by(AuditEntry.id.desc())
            .offset(offset)
            .limit(limit)
        )
    ).all()
    ids = {person for r in rows if (person := _person_of(r.AuditEntry)) is not None}
    found = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    names: dict[int, str] = {row.id: row.name for row in found}
    project_ids = {project for r in rows if (project := _project_of(r.AuditEntry)) is not None}
    titles = {
        row.id: (row.title, row.title_en)
        for row in await session.execute(
            select(Project.id, Project.title, Project.title_en).where(Project.id.in_(project_ids))
        )
    }

    def target_name(entry: AuditEntry) -> str | None:
        person = _person_of(entry)
        if person is not None:
            return names.get(person)
        name = entry.details.get("name")
        return name if isinstance(name, str) else None

    def row(entry: AuditEntry, actor_name: str | None) -> AuditRow:
        title, title_en = titles.get(_project_of(entry) or 0, (None, None))
        return AuditRow(
            entry.at,
            entry.actor_telegram_id,
            actor_name,
            entry.action,
            entry.target,
            target_name(entry),
            entry.details,
            title,
            title_en,
        )

    return [row(r.AuditEntry, r.name or r.first_name or None) for r in rows]


def _person_of(entry: AuditEntry) -> int | None:
    """The directory person an entry concerns: its target, or the one an invite was made for (or
    made a project's leader)."""
    target = entry.target or ""
    if target.startswith(PERSON_TARGET) and target[len(PERSON_TARGET) :].isdigit():
        return int(target[len(PERSON_TARGET) :])
    person = entry.details.get("person_id", entry.details.get("person"))
    return person if isinstance(person, int) else None


def _project_of(entry: AuditEntry) -> int | None:
    target = entry.target or ""
    if target.startswith(PROJECT_TARGET) and target[len(PROJECT_TARGET) :].isdigit():
        return int(target[len(PROJECT_TARGET) :])
    return None
