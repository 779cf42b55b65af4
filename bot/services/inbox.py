"""The update inbox: what Telegram handed over, stored first, then claimed and handled once.

Every instance stores the updates it receives and every instance's workers claim from the same
table, so any instance may handle any update; a chat's next update is claimable only once every
earlier one of that chat is done and finished, which keeps one chat's updates in `update_id` order
across instances. A claim is a lease: renewed while the update is handled, let go when its handler
has finished, taken over when it lapses (the instance died). The done-mark is written in the
handler's own transaction (see `begin`), which commits before its first reply: "done" (applied
once) comes earlier than "finished" (the chat free for its next update)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.db_util import insert_for
from models import InboxUpdate

# Keys of an update's event that name the chat (else the user) it belongs to, in that order.
_CHAT_PATHS = (("chat",), ("message", "chat"), ("from",), ("user",))


def chat_key(update: dict[str, Any]) -> int | None:
    """The chat whose updates must be handled in order (as aiogram's event_chat, else the user)."""
    event = next((value for key, value in update.items() if key != "update_id" and isinstance(value, dict)), None)
    for path in _CHAT_PATHS:
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("id"), int):
            return int(node["id"])
    return None


async def store(session: AsyncSession, updates: Iterable[dict[str, Any]], now: datetime) -> list[int]:
    """Add the updates not stored yet; returns the ids added (a redelivered one is left alone)."""
    rows = [{"update_id": u["update_id"], "chat_key": chat_key(u), "payload": u, "received_at": now} for u in updates]
    if not rows:
        return []
    added = await session.execute(
        insert_for(session, InboxUpdate)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(InboxUpdate.update_id)
    )
    return list(added.scalars())


@dataclass
class Claim:
    """An update taken by one worker; `token` is unique to this claim. `begun`: None until the
    handling transaction marked it done (True), or found it lost to another claim (False)."""

    update_id: int
    payload: dict[str, Any]
    token: str
    begun: bool | None = None
    failed: bool = False


async def claim(session: AsyncSession, token: str, now: datetime, lease: timedelta) -> Claim | None:
    """Take the oldest claimable update: not done, not claimed by a live lease, and every earlier
    one of its chat done and finished (its claim let go or lapsed). None when there is nothing to
    take now."""
    candidate, earlier = aliased(InboxUpdate), aliased(InboxUpdate)
    free = or_(InboxUpdate.claimed_until.is_(None), InboxUpdate.claimed_until < now)
    oldest = (
        select(candidate.update_id)
        .where(
            candidate.done_at.is_(None),
            or_(candidate.claimed_until.is_(None), candidate.claimed_until < now),
            ~exists().where(
                earlier.chat_key == candidate.chat_key,
                earlier.update_id < candidate.update_id,
                or_(earlier.done_at.is_(None), earlier.claimed_until >= now),
            ),
        )
        .order_by(candidate.update_id)
        .limit(1)
        # On PostgreSQL, instances claiming at once skip each other's row instead of queueing on it.
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    taken = await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == oldest, InboxUpdate.done_at.is_(None), free)
        .values(claimed_by=token, claimed_until=now + lease)
        .returning(InboxUpdate.update_id, InboxUpdate.payload)
    )
    row = taken.first()
    return Claim(row.update_id, row.payload, token) if row is not None else None


async def begin(session: AsyncSession, claimed: Claim, now: datetime) -> bool:
    """Mark the update done inside the transaction that handles it, so the mark commits with the
    handler's first writes (or not at all). False when the claim lapsed and another took it over,
    or it is done already: then it must not be handled here."""
    marked = await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.update_id == claimed.update_id,
            InboxUpdate.claimed_by == claimed.token,
            InboxUpdate.done_at.is_(None),
        )
        .values(done_at=now, outcome="ok")
    )
    claimed.begun = bool(marked.rowcount)  # type: ignore[attr-defined]
    return claimed.begun


async def finish(session: AsyncSession, claimed: Claim, outcome: str, now: datetime) -> None:
    """Record how handling ended when the handler's own transaction could not (it failed, and its
    done-mark may have been rolled back with it): done all the same, not tried again and again."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == claimed.update_id, InboxUpdate.claimed_by == claimed.token)
        .values(done_at=func.coalesce(InboxUpdate.done_at, now), outcome=outcome, claimed_until=None)
    )


async def renew(session: AsyncSession, tokens: Sequence[str], now: datetime, lease: timedelta) -> None:
    """Extend the claims still being handled (done or not: the chat waits until they finish)."""
    if tokens:
        await session.execute(
            update(InboxUpdate).where(InboxUpdate.claimed_by.in_(tokens)).values(claimed_until=now + lease)
        )


async def release(session: AsyncSession, tokens: Sequence[str]) -> None:
    """Let claims go: their handlers finished (the chat's next update may be taken), or a stop ran
    out of time (an update not done yet is taken again at once, by any instance)."""
    if tokens:
        await session.execute(update(InboxUpdate).where(InboxUpdate.claimed_by.in_(tokens)).values(claimed_until=None))


async def prune(session: AsyncSession, before: datetime) -> int:
    """Forget updates done before `before` (past the time Telegram might still redeliver them)."""
    pruned = await session.execute(delete(InboxUpdate).where(InboxUpdate.done_at < before))
    return int(pruned.rowcount)  # type: ignore[attr-defined]


async def pending(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(InboxUpdate.done_at.is_(None))) or 0)
