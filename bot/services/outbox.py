"""The outbox: every message the bot sends on its own (not as a reply) is a row here first.

Deciding what to send (a tick, an announcement) and sending it (the sender, at Telegram's
limits) are apart: a row's unique key makes deciding idempotent, and a row's status makes
sending resumable after a crash."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.db_util import insert_for
from models import Account, BotChat, DialogMark, OutboxMessage

# Set in a session's info when rows were added: the update's middleware wakes the sender once the
# transaction is committed (earlier, the sender would not see them yet).
ENQUEUED = "outbox_enqueued"
# A transient failure is tried again this many times, waiting longer each time.
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=5)
# A message that is not urgent waits while its chat is in the middle of a dialog (so that it does
# not land between two questions), unless the dialog has not moved for this long, and for at most
# this long after it was due.
DIALOG_WAIT = timedelta(minutes=10)


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
    # Goes out even to a chat in the middle of a dialog (an urgent announcement).
    urgent: bool = False
    # A Telegram file_id to send as a photo or document with `text` as its caption …
    photo: str | None = None
    document: str | None = None
    # … or bytes made by the bot (a chart, an export) with their file name.
    attachment: bytes | None = None
    filename: str | None = None
    # The message (in the same chat) this one answers, shown quoted above it when it is still there.
    reply_to: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "reply_markup": self.reply_markup, **self.extra}
        for name in ("photo", "document", "filename", "reply_to"):
            if value := getattr(self, name):
                data[name] = value
        return data


async def enqueue(
    session: AsyncSession, messages: Iterable[Outgoing], now: datetime, *, held: bool = False
) -> list[str]:
    """Add the messages whose keys are new; returns the keys added (the rest were already there).
    `held` rows wait for `release_batch` (a scheduled announcement) instead of being due."""
    status = "held" if held else "pending"
    rows = [
        {
            "key": m.key,
            "chat_id": m.chat_id,
            "kind": m.kind,
            "batch_id": m.batch_id,
            "payload": m.payload(),
            "attachment": m.attachment,
            "status": status,
            "urgent": m.urgent,
            "not_before": m.not_before or now,
            "attempts": 0,
            "created_at": now,
        }
        for m in messages
    ]
    if not rows:
        return []
    added: list[str] = []
    statement = insert_for(session, OutboxMessage).on_conflict_do_nothing(index_elements=["key"])
    for start in range(0, len(rows), 500):  # bounded statements: SQLite caps bound parameters
        result = await session.execute(statement.returning(OutboxMessage.key), rows[start : start + 500])
        added.extend(result.scalars())
    if added:
        session.info[ENQUEUED] = True
    return added


async def sent_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these keys are already in the outbox, whatever became of them."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(
            await session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys[start : start + 500])))
        )
    return found


@dataclass(frozen=True)
class Backlog:
    waiting: int  # pending (due or not yet) and being sent
    oldest_due: datetime | None  # since when the longest-waiting due row has been due


async def backlog(session: AsyncSession, now: datetime) -> Backlog:
    """What the sender still has to do: a growing count or an old due row means it is stuck."""
    waiting = await session.scalar(select(func.count()).where(OutboxMessage.status.in_(("pending", "sending"))))
    oldest = await session.scalar(
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == "pending", OutboxMessage.not_before <= now
        )
    )
    return Backlog(waiting or 0, oldest)


async def dialog_moved(session: AsyncSession, chat_id: int, now: datetime | None) -> None:
    """A private chat's dialog moved to a step at `now`, or ended (None): messages to it wait meanwhile."""
    if now is None:
        await session.execute(delete(DialogMark).where(DialogMark.chat_id == chat_id))
        return
    await session.execute(
        insert_for(session, DialogMark)
        .values(chat_id=chat_id, updated_at=now)
        .on_conflict_do_update(index_elements=["chat_id"], set_={"updated_at": now})
    )


async def prune_dialog_marks(session: AsyncSession, now: datetime) -> int:
    """Forget the marks of dialogs that have not moved for DIALOG_WAIT: they hold nothing back any
    more (a dialog abandoned half-way never ends, so its mark would stay for good); a dialog that
    moves again marks itself anew."""
    pruned = await session.execute(delete(DialogMark).where(DialogMark.updated_at <= now - DIALOG_WAIT))
    return int(pruned.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row being sent, as the sender needs it (plain values: cheaper than ORM objects by the batch)."""

    id: int
    key: str
    chat_id: int
    batch_id: int | None
    payload: dict[str, Any]
    attachment: bytes | None
    attempts: int
    not_before: datetime


_TABLE: Table = OutboxMessage.__table__  # type: ignore[assignment]
_MARKS: Table = DialogMark.__table__  # type: ignore[assignment]
_CLAIMED = [_TABLE.c[name] for name in Claimed.__slots__]


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Claimed]:
    """Mark up to `limit` due rows as being sent and return them; a row is claimed by one sender.
    A row waiting for its chat's dialog (see DIALOG_WAIT) is passed over: only private chats in a
    dialog have a mark, so this costs a primary-key probe of a small table per due row."""
    in_dialog = exists().where(_MARKS.c.chat_id == _TABLE.c.chat_id, _MARKS.c.updated_at > now - DIALOG_WAIT)
    due = (
        select(_TABLE.c.id)
        .where(
            _TABLE.c.status == "pending",
            _TABLE.c.not_before <= now,
            or_(_TABLE.c.urgent, _TABLE.c.not_before <= now - DIALOG_WAIT, ~in_dialog),
        )
        .order_by(_TABLE.c.not_before, _TABLE.c.id)
        .limit(limit)
        .scalar_subquery()
    )
    claimed = await session.execute(
        _TABLE.update()
        .where(_TABLE.c.id.in_(due), _TABLE.c.status == "pending")
        .values(status="sending", attempts=_TABLE.c.attempts + 1)
        .returning(*_CLAIMED)
    )
    return sorted((Claimed(*row) for row in claimed), key=lambda row: row.id)


async def release_in_flight(session: AsyncSession) -> int:
    """On start: rows a crashed process was sending go out again (at most these are doubled)."""
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.status == "sending").values(status="pending")
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row, to be recorded with the others of its batch."""

    row_id: int
    chat_id: int
    status: str  # sent | unreachable | failed | pending (to try again at not_before)
    attempts: int
    not_before: datetime
    sent_at: datetime | None = None
    message_id: int | None = None
    error: str | None = None


def sent(row: Claimed, message_id: int | None, now: datetime) -> Outcome:
    return Outcome(row.id, row.chat_id, "sent", row.attempts, row.not_before, now, message_id)


def unreachable(row: Claimed, error: str) -> Outcome:
    """The chat blocked the bot or is gone: this row fails, and the person is skipped from now on."""
    return Outcome(row.id, row.chat_id, "unreachable", row.attempts, row.not_before, error=error[:500])


def retry(row: Claimed, when: datetime, error: str, *, counts: bool = True) -> Outcome:
    """Back to pending until `when`; a failure that `counts` and has been tried enough is final.
    A 429 does not count: it is Telegram asking us to wait, not the message failing."""
    attempts = row.attempts if counts else row.attempts - 1
    status = "failed" if counts and attempts >= MAX_ATTEMPTS else "pending"
    return Outcome(row.id, row.chat_id, status, attempts, when, error=error[:500])


def refused(row: Claimed, error: str) -> Outcome:
    """Telegram refused the message itself: trying again will not help."""
    return Outcome(row.id, row.chat_id, "failed", row.attempts, row.not_before, error=error[:500])


_RECORD = (
    _TABLE.update()
    .where(_TABLE.c.id == bindparam("row_id"))
    .values({name: bindparam(name) for name in ("status", "attempts", "not_before", "sent_at", "message_id", "error")})
)


async def record(session: AsyncSession, outcomes: Sequence[Outcome]) -> None:
    """Record a batch of outcomes: one executemany by primary key, and the chats found gone."""
    if not outcomes:
        return
    await session.execute(
        _RECORD,
        [
            {
                "row_id": o.row_id,
                "status": o.status,
                "attempts": o.attempts,
                "not_before": o.not_before,
                "sent_at": o.sent_at,
                "message_id": o.message_id,
                "error": o.error,
            }
            for o in outcomes
        ],
    )
    gone = sorted({o.chat_id for o in outcomes if o.status == "unreachable"})
    if gone:  # people who blocked the bot, and groups it was removed from, are skipped from now on
        await session.execute(update(Account).where(Account.telegram_id.in_(gone)).values(blocked_bot=True))
        await session.execute(update(BotChat).where(BotChat.chat_id.in_(gone)).values(status="gone"))


# --- batches (an announcement's rows) ---------------------------------------------------------


@dataclass(frozen=True)
class BatchCounts:
    sent: int = 0
    failed: int = 0  # unreachable or failed for good
    remaining: int = 0  # held, pending or being sent
    cancelled: int = 0


async def batch_counts(session: AsyncSession, kind: str, batch_ids: Sequence[int]) -> dict[int, BatchCounts]:
    rows = await session.execute(
        select(OutboxMessage.batch_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.kind == kind, OutboxMessage.batch_id.in_(batch_ids))
        .group_by(OutboxMessage.batch_id, OutboxMessage.status)
    )
    tally: dict[int, dict[str, int]] = {batch: {} for batch in batch_ids}
    for batch, status, count in rows:
        assert batch is not None  # the query names its batches
        bucket = (
            "sent"
            if status == "sent"
            else "failed"
            if status in ("failed", "unreachable")
            else "cancelled"
            if status == "cancelled"
            else "remaining"
        )
        tally[batch][bucket] = tally[batch].get(bucket, 0) + count
    return {batch: BatchCounts(**counts) for batch, counts in tally.items()}


async def release_batch(session: AsyncSession, kind: str, batch_id: int, now: datetime) -> int:
    """Held rows become due now."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.batch_id == batch_id, OutboxMessage.status == "held")
        .values(status="pending", not_before=now)
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


async def cancel_batch(session: AsyncSession, kind: str, batch_id: int) -> int:
    """Rows not yet handed to Telegram are cancelled; those in flight go out."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind == kind,
            OutboxMessage.batch_id == batch_id,
            OutboxMessage.status.in_(("held", "pending")),
        )
        .values(status="cancelled")
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


async def update_held_text(session: AsyncSession, kind: str, batch_id: int, text: str) -> None:
    """Held rows carry a new text; the rest of each row's payload (its buttons, in its chat's
    language) stays."""
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.payload).where(
            OutboxMessage.kind == kind, OutboxMessage.batch_id == batch_id, OutboxMessage.status == "held"
        )
    )
    changed = [{"row_id": row_id, "payload": payload | {"text": text}} for row_id, payload in rows]
    if changed:
        await session.execute(
            _TABLE.update().where(_TABLE.c.id == bindparam("row_id")).values(payload=bindparam("payload")), changed
        )


async def batch_failures(session: AsyncSession, kind: str, batch_id: int) -> list[tuple[int, str, str | None]]:
    """(chat id, status, error) of the rows that did not reach their chat."""
    rows = await session.execute(
        select(OutboxMessage.chat_id, OutboxMessage.status, OutboxMessage.error)
        .where(
            OutboxMessage.kind == kind,
            OutboxMessage.batch_id == batch_id,
            OutboxMessage.status.in_(("failed", "unreachable")),
        )
        .order_by(OutboxMessage.id)
    )
    return [(r.chat_id, r.status, r.error) for r in rows]


def backoff(attempts: int) -> timedelta:
    return BACKOFF * (2 ** max(attempts - 1, 0))
