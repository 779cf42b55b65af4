"""A named lease in the database: of several instances, only the holder does the scheduled work."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.db_util import insert_for
from models import Lease


async def hold(session: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease for `ttl`; False while another holder's lease is unexpired."""
    renewed = await session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
        .values(holder=holder, expires_at=now + ttl)
    )
    if renewed.rowcount:  # type: ignore[attr-defined]
        return True
    taken = await session.execute(
        insert_for(session, Lease)
        .values(name=name, holder=holder, expires_at=now + ttl)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


async def release(session: AsyncSession, name: str, holder: str) -> None:
    """Give the lease up (on a clean shutdown), so that a restarted process need not wait it out."""
    await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


async def holders(session: AsyncSession) -> dict[str, tuple[str, datetime]]:
    """Each lease's holder and expiry (an expired one is held by nobody, whatever the row says)."""
    rows = await session.execute(select(Lease.name, Lease.holder, Lease.expires_at))
    return {name: (holder, expires_at) for name, holder, expires_at in rows}
