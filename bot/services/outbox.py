"""The outbox: every message the bot sends on its own (not as a reply) is a row here first.

Deciding what to send (a tick, an announcement) and sending it (the sender, at Telegram's
limits) are apart: a row's unique key makes deciding idempotent, and a row's status makes
sending resumable after a crash."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.db_util import insert_for
from models import Account, OutboxMessage

# A transient failure is tried again this many times, waiting longer each time.
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=5)


@dataclass(frozen=True)
class Outgoing:
    """One message to one chat. `key` names what it is, uniquely and stably (e.g.
    "reminder:12:d7:5005:2026-12-01"): enqueuing the same key twice sends once."""

    key: str
    chat_id: int
    kind: str
    text: str
    reply_markup: dict[str, Any] | None = None
    batch_id: int | None = None
    not_before: datetime | None = None
    # A Telegram file_id to send as a photo or document with `text` as its caption …
    photo: str | None = None
    document: str | None = None
    # … or bytes made by the bot (a chart, an export) with their file name.
    attachment: bytes | None = None
    filename: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "reply_markup": self.reply_markup, **self.extra}
        for name in ("photo", "document", "filename"):
            if value := getattr(self, name):
                data[name] = value
        return data


async def enqueue(session: AsyncSession, messages: Iterable[Outgoing], now: datetime) -> list[str]:
    """Add the messages whose keys are new; returns the keys added (the rest were already there)."""
    rows = [
        {"key": m.key, "chat_id": m.chat_id, "kind": m.kind, "batch_id": m.batch_id, "payload": m.payload(),
         "attachment": m.attachment, "status": "pending", "not_before": m.not_before or now,
         "attempts": 0, "created_at": now}
        for m in messages
    ]
    if not rows:
        return []
    added: list[str] = []
    statement = insert_for(session, OutboxMessage).on_conflict_do_nothing(index_elements=["key"])
    for start in range(0, len(rows), 500):  # bounded statements: SQLite caps bound parameters
        result = await session.execute(statement.returning(OutboxMessage.key), rows[start:start + 500])
        added.extend(result.scalars())
    return added


async def sent_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these keys are already in the outbox, whatever became of them."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(await session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.key.in_(keys[start:start + 500]))))
    return found


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[OutboxMessage]:
    """Mark up to `limit` due rows as being sent and return them; a row is claimed by one sender."""
    due = (select(OutboxMessage.id).where(OutboxMessage.status == "pending", OutboxMessage.not_before <= now)
           .order_by(OutboxMessage.not_before, OutboxMessage.id).limit(limit).scalar_subquery())
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due), OutboxMessage.status == "pending")
        .values(status="sending", attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed, key=lambda row: row.id)


async def release_in_flight(session: AsyncSession) -> int:
    """On start: rows a crashed process was sending go out again (at most these are doubled)."""
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.status == "sending").values(status="pending"))
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


async def mark_sent(session: AsyncSession, row_id: int, message_id: int | None, now: datetime) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                          .values(status="sent", sent_at=now, message_id=message_id, error=None))


async def mark_unreachable(session: AsyncSession, row_id: int, chat_id: int, error: str) -> None:
    """The chat blocked the bot or is gone: this row fails, and the person is skipped from now on."""
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                          .values(status="unreachable", error=error[:500]))
    await session.execute(update(Account).where(Account.telegram_id == chat_id).values(blocked_bot=True))


async def retry_later(session: AsyncSession, row_id: int, attempts: int, when: datetime, error: str,
                      *, counts: bool = True) -> None:
    """Back to pending until `when`; a failure that `counts` and has been tried enough is final."""
    status = "failed" if counts and attempts >= MAX_ATTEMPTS else "pending"
    values: dict[str, Any] = {"status": status, "not_before": when, "error": error[:500]}
    if not counts:  # a 429 is Telegram asking us to wait, not the message failing
        values["attempts"] = OutboxMessage.attempts - 1
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


def backoff(attempts: int) -> timedelta:
    return BACKOFF * (2 ** max(attempts - 1, 0))
