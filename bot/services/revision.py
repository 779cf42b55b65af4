"""The directory revision: a counter bumped on every directory change, so every instance
knows when its in-memory search index is stale."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Counter

DIRECTORY = "directory"


async def directory_revision(session: AsyncSession) -> int:
    return await session.scalar(select(Counter.value).where(Counter.name == DIRECTORY)) or 0


async def bump_directory_revision(session: AsyncSession) -> None:
    result = await session.execute(update(Counter).where(Counter.name == DIRECTORY).values(value=Counter.value + 1))
    if not result.rowcount:  # type: ignore[attr-defined]
        session.add(Counter(name=DIRECTORY, value=1))
        await session.flush()
