"""The audit log of admin actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry


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
    action: str
    target: str | None
    details: dict[str, Any]


async def recent(session: AsyncSession, *, offset: int = 0, limit: int = 10) -> list[AuditRow]:
    rows = await session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).offset(offset).limit(limit)
    )
    return [AuditRow(r.at, r.actor_telegram_id, r.action, r.target, r.details) for r in rows]
