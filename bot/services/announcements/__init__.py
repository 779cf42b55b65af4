"""Announcements: a confirmed draft becomes one row here and one outbox row per recipient, in one
transaction; scheduled ones are held until due; progress and failures come from the outbox."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, away, outbox
from bot.services.announcements.audiences import Audience, is_audience, resolve
from bot.services.db_util import insert_for
from bot.services.outbox import BatchCounts, Outgoing
from models import Account, Announcement, AnnouncementRead, BotChat, CategoryMute, OutboxMessage, Person

KIND = "announcement"
CATEGORIES = ("general", "events", "projects", "urgent")
URGENT = "urgent"
MUTABLE = tuple(c for c in CATEGORIES if c != URGENT)
TEXT_LIMIT, CAPTION_LIMIT = 4096, 1024
# The button asking to confirm reading, as an outbox row keeps it: by announcement id and the
# recipient's language (rendered by the caller: services know no aiogram).
ReadButton = Callable[[int, str], dict[str, Any]]


def new_token() -> str:
    return secrets.token_hex(5)


@dataclass(frozen=True)
class Draft:
    """What the secretariat composed; `token` makes confirming it idempotent."""

    token: str
    text: str  # HTML
    length: int  # characters as Telegram counts them, for the 4,096 / 1,024 limits
    category: str
    audience: Audience
    photo: str | None = None
    document: str | None = None
    ack: bool = False  # recipients are asked to confirm reading it

    @property
    def asks_reading(self) -> bool:
        """Only people can confirm: an announcement to groups and channels never asks."""
        return self.ack and self.audience.kind != "groups"


@dataclass(frozen=True)
class AnnouncementView:
    id: int
    token: str
    author_id: int
    text: str
    photo: str | None
    document: str | None
    category: str
    audience: Audience
    status: str
    total: int
    scheduled_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    report_chat_id: int | None
    report_message_id: int | None
    reported_at: datetime | None
    counts: BatchCounts
    ack: bool = False
    confirmed: int = 0  # recipients who confirmed reading it

    @property
    def open(self) -> bool:
        return self.status in ("scheduled", "sending")


def _view(row: Announcement, counts: BatchCounts, confirmed: int = 0) -> AnnouncementView:
    return AnnouncementView(
        row.id,
        row.token,
        row.author_id,
        row.text,
        row.photo,
        row.document,
        row.category,
        Audience.from_dict(row.audience),
        row.status,
        row.total,
        row.scheduled_at,
        row.created_at,
        row.started_at,
        row.finished_at,
        row.report_chat_id,
        row.report_message_id,
        row.reported_at,
        counts,
        row.ack,
        confirmed,
    )


async def recipients(
    session: AsyncSession,
    draft: Draft,
    *,
    admin_ids: frozenset[int],
    default_language: str,
    away_on: date | None = None,
) -> list[int]:
    return await resolve(
        session,
        draft.audience,
        draft.category,
        urgent=draft.category == URGENT,
        admin_ids=admin_ids,
        default_language=default_language,
        away_on=away_on,
    )


def _payload_message(row: Announcement, chat_id: int, reply_markup: dict[str, Any] | None = None) -> Outgoing:
    return Outgoing(
        key=delivery_key(row.id, chat_id),
        chat_id=chat_id,
        kind=KIND,
        text=row.text,
        reply_markup=reply_markup,
        photo=row.photo,
        document=row.document,
        batch_id=row.id,
        urgent=row.category == URGENT,
    )


def delivery_key(announcement_id: int, chat_id: int) -> str:
    return f"{KIND}:{announcement_id}:{chat_id}"


async def create(
    session: AsyncSession,
    draft: Draft,
    *,
    author_id: int,
    now: datetime,
    scheduled_at: datetime | None,
    report_chat_id: int,
    report_message_id: int | None,
    admin_ids: frozenset[int],
    default_language: str,
    away_on: date | None = None,
    read_button: ReadButton | None = None,
) -> AnnouncementView | None:
    """Write the announcement and its deliveries; None when this draft was confirmed already. One
    that asks for reading carries `read_button` in each recipient's language."""
    inserted = await session.execute(
        insert_for(session, Announcement)
        .values(
            token=draft.token,
            author_id=author_id,
            text=draft.text,
            photo=draft.photo,
            document=draft.document,
            category=draft.category,
            audience=draft.audience.as_dict(),
            status="scheduled" if scheduled_at else "sending",
            total=0,
            scheduled_at=scheduled_at,
            created_at=now,
            started_at=None if scheduled_at else now,
            report_chat_id=report_chat_id,
            report_message_id=report_message_id,
            ack=draft.asks_reading and read_button is not None,
        )
        .on_conflict_do_nothing(index_elements=["token"])
        .returning(Announcement.id)
    )
    announcement_id = inserted.scalar()
    if announcement_id is None:
        return None
    row = await session.get(Announcement, announcement_id)
    assert row is not None
    chats = await recipients(session, draft, admin_ids=admin_ids, default_language=default_language, away_on=away_on)
    markups: dict[int, dict[str, Any] | None] = dict.fromkeys(chats)
    if row.ack and read_button is not None:
        rendered: dict[str, dict[str, Any]] = {}
        for chat, language in (await access.languages(session, chats, default_language)).items():
            markups[chat] = rendered.setdefault(language, read_button(row.id, language))
        if author_id in markups:  # who wrote it has read it: their copy asks nothing, nor reminds them
            markups[author_id] = None
            session.add(AnnouncementRead(announcement_id=row.id, telegram_id=author_id, read_at=now))
    messages = [_payload_message(row, chat, markups[chat]) for chat in chats]
    await outbox.enqueue(session, messages, now, held=scheduled_at is not None)
    row.total = len(chats)
    await session.flush()
    return _view(row, BatchCounts(remaining=len(chats)))


async def by_token(session: AsyncSession, token: str) -> int | None:
    return await session.scalar(select(Announcement.id).where(Announcement.token == token))


async def get(session: AsyncSession, announcement_id: int) -> AnnouncementView | None:
    row = await session.get(Announcement, announcement_id)
    if row is None:
        return None
    return (await _views(session, [row]))[0]


async def recent(session: AsyncSession, *, limit: int = 10) -> list[AnnouncementView]:
    rows = list(await session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit)))
    return await _views(session, rows)


async def _views(session: AsyncSession, rows: Sequence[Announcement]) -> list[AnnouncementView]:
    ids = [r.id for r in rows]
    counts = await outbox.batch_counts(session, KIND, ids)
    confirmed: dict[int, int] = {
        announcement: count
        for announcement, count in await session.execute(
            select(AnnouncementRead.announcement_id, func.count())
            .where(AnnouncementRead.announcement_id.in_([r.id for r in rows if r.ack]))
            .group_by(AnnouncementRead.announcement_id)
        )
    }
    return [_view(r, counts[r.id], confirmed.get(r.id, 0)) for r in rows]


async def release_due(session: AsyncSession, now: datetime, today: date | None = None) -> list[int]:
    """Scheduled announcements whose time has come start sending (without those away `today`)."""
    due = list(
        await session.scalars(
            select(Announcement).where(Announcement.status == "scheduled", Announcement.scheduled_at <= now)
        )
    )
    for row in due:
        row.status, row.started_at = "sending", now
        row.total -= await _drop_left_out(session, row, today)
        await outbox.release_batch(session, KIND, row.id, now)
    return [row.id for row in due]


async def _drop_left_out(session: AsyncSession, row: Announcement, today: date | None) -> int:
    """Those left out now, when it starts (see `left_out`); returns how many."""
    dropped = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.kind == KIND,
            OutboxMessage.batch_id == row.id,
            OutboxMessage.status == "held",
            left_out(row.category, today),
        )
    )
    return int(dropped.rowcount or 0)  # type: ignore[attr-defined]


def left_out(category: str, today: date | None) -> ColumnElement[bool]:
    """Whether an outbox row's chat is no longer to get an announcement of `category`: who muted
    the category or is away `today` (unless it is urgent), or blocked the bot since; the chats the
    bot left or may no longer post in."""
    condition: ColumnElement[bool] = or_(
        OutboxMessage.chat_id.in_(select(Account.telegram_id).where(Account.blocked_bot.is_(True))),
        OutboxMessage.chat_id.in_(select(BotChat.chat_id).where(not_(is_audience()))),
    )
    if category != URGENT:
        condition = or_(
            condition,
            OutboxMessage.chat_id.in_(select(CategoryMute.telegram_id).where(CategoryMute.category == category)),
            *([OutboxMessage.chat_id.in_(away.chats_away(today))] if today is not None else []),
        )
    return condition


async def in_flight(session: AsyncSession) -> list[int]:
    return list(await session.scalars(select(Announcement.id).where(Announcement.status == "sending")))


async def cancel(session: AsyncSession, announcement_id: int, now: datetime) -> AnnouncementView | None:
    """Stop a scheduled or sending announcement: what is not yet with Telegram is not sent."""
    changed = await session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.status.in_(("scheduled", "sending")))
        .values(status="cancelled", finished_at=now)
    )
    if changed.rowcount:  # type: ignore[attr-defined]
        await outbox.cancel_batch(session, KIND, announcement_id)
    return await get(session, announcement_id)


async def finish_if_done(session: AsyncSession, announcement_id: int, now: datetime) -> bool:
    """Sending → done once nothing remains; True for the one caller that made the change."""
    counts = (await outbox.batch_counts(session, KIND, [announcement_id]))[announcement_id]
    if counts.remaining:
        return False
    changed = await session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.status == "sending")
        .values(status="done", finished_at=now)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]


async def claim_report(session: AsyncSession, announcement_id: int, now: datetime, every: timedelta | None) -> bool:
    """True for the one caller that may edit the report now: while it is being sent or when
    confirmations of reading came since, at most once per `every` (None: now, whatever it shows)."""
    claim = update(Announcement).where(Announcement.id == announcement_id, Announcement.report_message_id.is_not(None))
    if every is not None:
        claim = claim.where(
            or_(Announcement.status == "sending", Announcement.report_behind.is_(True)),
            or_(Announcement.reported_at.is_(None), Announcement.reported_at <= now - every),
        )
    changed = await session.execute(claim.values(reported_at=now, report_behind=False))
    return bool(changed.rowcount)  # type: ignore[attr-defined]


async def reports_behind(session: AsyncSession) -> list[int]:
    """Announcements whose report misses confirmations that came while its edits were held back."""
    return list(await session.scalars(select(Announcement.id).where(Announcement.report_behind.is_(True))))


async def set_report_message(session: AsyncSession, announcement_id: int, chat_id: int, message_id: int) -> None:
    await session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id)
        .values(report_chat_id=chat_id, report_message_id=message_id)
    )


async def edit_scheduled(
    session: AsyncSession,
    announcement_id: int,
    *,
    text: str | None = None,
    length: int | None = None,
    when: datetime | None = None,
) -> str:
    """Change the text or time of a scheduled announcement: ok | started | too_long."""
    row = await session.get(Announcement, announcement_id)
    if row is None or row.status != "scheduled":
        return "started"
    if text is not None:
        limit = CAPTION_LIMIT if row.photo or row.document else TEXT_LIMIT
        if length is not None and length > limit:
            return "too_long"
        row.text = text
        await outbox.update_held_text(session, KIND, row.id, text)
    if when is not None:
        row.scheduled_at = when
    await session.flush()
    return "ok"


@dataclass(frozen=True)
class Unreached:
    chat_id: int
    name: str
    status: str
    error: str


async def unreached(session: AsyncSession, announcement_id: int) -> list[Unreached]:
    failures = await outbox.batch_failures(session, KIND, announcement_id)
    chats = [chat for chat, _, _ in failures]
    names: dict[int, str] = {}
    for telegram_id, first_name, person in await session.execute(
        select(Account.telegram_id, Account.first_name, Person.name)
        .outerjoin(Person, Person.id == Account.person_id)
        .where(Account.telegram_id.in_(chats))
    ):
        names[telegram_id] = person or first_name
    for chat_id, title in await session.execute(
        select(BotChat.chat_id, BotChat.title).where(BotChat.chat_id.in_(chats))
    ):
        names[chat_id] = title
    return [Unreached(chat, names.get(chat, ""), status, error or "") for chat, status, error in failures]


# --- recipients' control ----------------------------------------------------------------------


async def muted(session: AsyncSession, telegram_id: int) -> set[str]:
    return set(await session.scalars(select(CategoryMute.category).where(CategoryMute.telegram_id == telegram_id)))


async def toggle_mute(session: AsyncSession, telegram_id: int, category: str) -> set[str]:
    """Mute or unmute a category (urgent cannot be muted); returns the muted categories."""
    if category not in MUTABLE:
        raise ValueError(category)
    if category in await muted(session, telegram_id):
        await session.execute(
            delete(CategoryMute).where(CategoryMute.telegram_id == telegram_id, CategoryMute.category == category)
        )
    else:
        await session.execute(
            insert_for(session, CategoryMute)
            .values(telegram_id=telegram_id, category=category)
            .on_conflict_do_nothing(index_elements=["telegram_id", "category"])
        )
    return await muted(session, telegram_id)
