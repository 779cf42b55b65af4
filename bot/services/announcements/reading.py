"""Announcements that must be read: each recipient confirms once, from the button under it; those
who have not are reminded once, a while after it started; the secretariat sees who has not.

The reminder is derived from the database: a tick claims an announcement's reminder by stamping
`ack_reminded_at` in the transaction that enqueues the reminders (each under a key naming the
announcement and the person), so two ticks, two instances or a restart remind nobody twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access
from bot.services.announcements import KIND, AnnouncementView, delivery_key, get, left_out
from bot.services.announcements.audiences import admitted
from bot.services.db_util import insert_for
from models import Account, Announcement, AnnouncementRead, Organisation, OutboxMessage, Person

CONFIRMED, ALREADY, STALE = "confirmed", "already", "stale"
REMINDER = "announcement_reminder"  # the reminders' outbox kind


async def confirm(session: AsyncSession, announcement_id: int, telegram_id: int, now: datetime) -> str:
    """Record that they read it: confirmed | already (they did before) | stale (no such
    announcement asking for it, or it was not sent to them)."""
    row = await session.get(Announcement, announcement_id)
    if row is None or not row.ack:
        return STALE
    delivered = await session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.key == delivery_key(announcement_id, telegram_id),
            OutboxMessage.status.not_in(("held", "cancelled")),
        )
    )
    if delivered is None:
        return STALE
    inserted = await session.execute(
        insert_for(session, AnnouncementRead)
        .values(announcement_id=announcement_id, telegram_id=telegram_id, read_at=now)
        .on_conflict_do_nothing(index_elements=["announcement_id", "telegram_id"])
        .returning(AnnouncementRead.telegram_id)
    )
    if inserted.scalar() is None:
        return ALREADY
    await session.execute(update(Announcement).where(Announcement.id == announcement_id).values(report_behind=True))
    # A reminder not yet sent has nothing left to ask.
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key == reminder_key(announcement_id, telegram_id), OutboxMessage.status == "pending")
        .values(status="cancelled")
    )
    return CONFIRMED


async def copies(session: AsyncSession, announcement_id: int, telegram_id: int) -> list[int]:
    """The messages asking them to confirm reading it: the announcement as they got it, and its
    reminder if they got one."""
    keys = (delivery_key(announcement_id, telegram_id), reminder_key(announcement_id, telegram_id))
    found = await session.scalars(
        select(OutboxMessage.message_id).where(
            OutboxMessage.key.in_(keys), OutboxMessage.status == "sent", OutboxMessage.message_id.is_not(None)
        )
    )
    return [message_id for message_id in found if message_id is not None]


@dataclass(frozen=True)
class Unconfirmed:
    chat_id: int
    name: str
    organisation: str
    delivered_at: datetime | None


async def unconfirmed(session: AsyncSession, announcement_id: int) -> list[Unconfirmed]:
    """Who got it and has not confirmed reading it, by name."""
    rows = await session.execute(
        select(OutboxMessage.chat_id, Person.name, Account.first_name, Organisation.name, OutboxMessage.sent_at)
        .outerjoin(Account, Account.telegram_id == OutboxMessage.chat_id)
        .outerjoin(Person, Person.id == Account.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(*_delivered(announcement_id), _not_confirmed(announcement_id))
    )
    people = [
        Unconfirmed(chat, person or first or str(chat), organisation or "", sent_at)
        for chat, person, first, organisation, sent_at in rows
    ]
    return sorted(people, key=lambda p: (p.name.casefold(), p.chat_id))


def _delivered(announcement_id: int) -> tuple[ColumnElement[bool], ...]:
    return (OutboxMessage.kind == KIND, OutboxMessage.batch_id == announcement_id, OutboxMessage.status == "sent")


def _not_confirmed(announcement_id: int) -> ColumnElement[bool]:
    return OutboxMessage.chat_id.not_in(
        select(AnnouncementRead.telegram_id).where(AnnouncementRead.announcement_id == announcement_id)
    )


@dataclass(frozen=True)
class Reminded:
    chat_id: int
    language: str
    message_id: int | None  # the announcement as they got it: the reminder answers it


@dataclass(frozen=True)
class RemindersDue:
    announcement: AnnouncementView
    recipients: list[Reminded]


def reminder_key(announcement_id: int, chat_id: int) -> str:
    return f"{REMINDER}:{announcement_id}:{chat_id}"


async def claim_reminders(
    session: AsyncSession,
    now: datetime,
    after: timedelta,
    today: date,
    default_language: str,
    *,
    admin_ids: frozenset[int],
) -> list[RemindersDue]:
    """The announcements asking for reading that started at least `after` ago and were not
    reminded of: each is marked reminded now, with whom to remind (who got it and has not
    confirmed, but for those it would leave out now: muted, away unless it is urgent, blocked,
    and those no longer admitted, as the reminder quotes it). Run in one transaction with the
    enqueue of the reminders."""
    due = list(
        await session.scalars(
            select(Announcement.id).where(
                Announcement.ack.is_(True),
                Announcement.ack_reminded_at.is_(None),
                Announcement.status.in_(("sending", "done")),
                Announcement.started_at <= now - after,
            )
        )
    )
    result = []
    for announcement_id in due:
        claimed = await session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.ack_reminded_at.is_(None))
            .values(ack_reminded_at=now)
        )
        view = await get(session, announcement_id)
        if not claimed.rowcount or view is None:  # type: ignore[attr-defined]
            continue
        rows = list(
            await session.execute(
                select(OutboxMessage.chat_id, OutboxMessage.message_id).where(
                    *_delivered(announcement_id),
                    _not_confirmed(announcement_id),
                    not_(left_out(view.category, today)),
                    admitted(OutboxMessage.chat_id, admin_ids),
                )
            )
        )
        languages = await access.languages(session, [chat for chat, _ in rows], default_language)
        if rows:
            result.append(RemindersDue(view, [Reminded(chat, languages[chat], message) for chat, message in rows]))
    return result
