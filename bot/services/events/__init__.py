"""Events with RSVP: a published draft becomes one row here, one invitee row and one outbox
invitation per recipient, in one transaction; answers until the deadline; changes and cancelling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import dates, outbox
from bot.services.access import languages
from bot.services.announcements.audiences import Audience, admitted, resolve
from bot.services.db_util import chunked, insert_for
from models import Account, Event, EventInvite, OutboxMessage, Person

KIND = "event"  # the invitations' outbox kind; batch_id is the event's id
# Invitations are announcements of this category: who muted it in /settings is not invited.
CATEGORY = "events"
ANSWERS = ("yes", "no", "maybe")
COMING = ("yes", "maybe")
# People invited to events are people: the groups and channels of announcements cannot answer.
AUDIENCE_KINDS = ("members", "leaders", "projects", "country", "language")


def new_token() -> str:
    return secrets.token_hex(5)


@dataclass(frozen=True)
class Draft:
    """What the secretariat composed; `token` makes publishing it idempotent."""

    token: str
    title: str
    starts_at: datetime
    all_day: bool
    place: str
    description: str
    audience: Audience
    rsvp_deadline: datetime | None


@dataclass(frozen=True)
class Counts:
    yes: int = 0
    no: int = 0
    maybe: int = 0
    silent: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.maybe + self.silent


@dataclass(frozen=True)
class EventView:
    id: int
    token: str
    author_id: int
    title: str
    starts_at: datetime
    all_day: bool
    place: str
    description: str
    audience: Audience
    rsvp_deadline: datetime | None
    status: str
    revision: int
    created_at: datetime
    report_chat_id: int | None
    report_message_id: int | None
    counts: Counts

    @property
    def closes_at(self) -> datetime:
        """When answers stop: the deadline, and never later than the start."""
        return min(self.rsvp_deadline or self.starts_at, self.starts_at)

    def open_at(self, now: datetime) -> bool:
        return self.status == "published" and now < self.closes_at


@dataclass(frozen=True)
class Invitee:
    chat_id: int
    language: str


def _view(row: Event, counts: Counts) -> EventView:
    return EventView(
        row.id,
        row.token,
        row.author_id,
        row.title,
        row.starts_at,
        row.all_day,
        row.place,
        row.description,
        Audience.from_dict(row.audience),
        row.rsvp_deadline,
        row.status,
        row.revision,
        row.created_at,
        row.report_chat_id,
        row.report_message_id,
        counts,
    )


async def recipients(
    session: AsyncSession, audience: Audience, *, admin_ids: frozenset[int], default_language: str
) -> list[Invitee]:
    if audience.kind not in AUDIENCE_KINDS:
        return []
    chats = await resolve(
        session, audience, CATEGORY, urgent=False, admin_ids=admin_ids, default_language=default_language
    )
    return [Invitee(chat, language) for chat, language in (await languages(session, chats, default_language)).items()]


async def create(
    session: AsyncSession,
    draft: Draft,
    *,
    author_id: int,
    now: datetime,
    report_chat_id: int,
    report_message_id: int,
    admin_ids: frozenset[int],
    default_language: str,
) -> tuple[EventView, list[Invitee]] | None:
    """Write the event and its invitees; None when this draft was published already. The caller
    enqueues the invitations (rendered in each invitee's language) in the same transaction."""
    inserted = await session.execute(
        insert_for(session, Event)
        .values(
            token=draft.token,
            author_id=author_id,
            title=draft.title,
            starts_at=draft.starts_at,
            all_day=draft.all_day,
            place=draft.place,
            description=draft.description,
            audience=draft.audience.as_dict(),
            rsvp_deadline=draft.rsvp_deadline,
            status="published",
            revision=0,
            created_at=now,
            report_chat_id=report_chat_id,
            report_message_id=report_message_id,
        )
        .on_conflict_do_nothing(index_elements=["token"])
        .returning(Event.id)
    )
    event_id = inserted.scalar()
    if event_id is None:
        return None
    invitees = await recipients(session, draft.audience, admin_ids=admin_ids, default_language=default_language)
    if invitees:
        await session.execute(
            insert_for(session, EventInvite),
            [{"event_id": event_id, "telegram_id": i.chat_id, "language": i.language} for i in invitees],
        )
    row = await session.get(Event, event_id, populate_existing=True)
    assert row is not None
    return _view(row, Counts(silent=len(invitees))), invitees  # nobody has answered yet


async def by_token(session: AsyncSession, token: str) -> int | None:
    return await session.scalar(select(Event.id).where(Event.token == token))


async def _counts(session: AsyncSession, event_id: int) -> Counts:
    return (await _counts_of(session, [event_id]))[event_id]


async def _counts_of(session: AsyncSession, event_ids: list[int]) -> dict[int, Counts]:
    """The answers to each event, counted in one query for all of them."""
    tally: dict[int, dict[str | None, int]] = {event_id: {} for event_id in event_ids}
    for chunk in chunked(event_ids):
        rows = await session.execute(
            select(EventInvite.event_id, EventInvite.answer, func.count())
            .where(EventInvite.event_id.in_(chunk))
            .group_by(EventInvite.event_id, EventInvite.answer)
        )
        for event_id, answer, count in rows:
            tally[event_id][answer] = count
    return {
        event_id: Counts(yes=by.get("yes", 0), no=by.get("no", 0), maybe=by.get("maybe", 0), silent=by.get(None, 0))
        for event_id, by in tally.items()
    }


async def get(session: AsyncSession, event_id: int) -> EventView | None:
    row = await session.get(Event, event_id, populate_existing=True)
    return None if row is None else _view(row, await _counts(session, event_id))


async def answer_of(session: AsyncSession, event_id: int, telegram_id: int) -> tuple[bool, str | None]:
    """Whether they are invited, and their answer."""
    invite = await session.get(EventInvite, (event_id, telegram_id))
    return (invite is not None, invite.answer if invite else None)


async def answer(session: AsyncSession, event_id: int, telegram_id: int, choice: str, now: datetime) -> str:
    """Record an answer: recorded | same (nothing changed) | closed | cancelled | not_invited."""
    row = await session.get(Event, event_id, populate_existing=True)
    invite = await session.get(EventInvite, (event_id, telegram_id), with_for_update=True)
    if row is None or invite is None or choice not in ANSWERS:
        return "not_invited"
    view = _view(row, Counts())  # its status and times decide; the answers need no counting here
    if view.status != "published":
        return "cancelled"
    if not view.open_at(now):
        return "closed"
    if invite.answer == choice:
        return "same"
    invite.answer, invite.answered_at = choice, now
    await session.execute(update(Event).where(Event.id == event_id).values(report_behind=True))
    return "recorded"


async def claim_report(session: AsyncSession, event_id: int, now: datetime, every: timedelta) -> bool:
    """True for the one caller that may edit the report now: at most once per `every`."""
    changed = await session.execute(
        update(Event)
        .where(
            Event.id == event_id,
            Event.report_message_id.is_not(None),
            or_(Event.reported_at.is_(None), Event.reported_at <= now - every),
        )
        .values(reported_at=now, report_behind=False)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]


async def reports_behind(session: AsyncSession, now: datetime, every: timedelta) -> list[int]:
    """Events whose report misses answers that came while edits were held back."""
    return list(
        await session.scalars(
            select(Event.id).where(
                Event.status == "published",
                Event.report_message_id.is_not(None),
                Event.report_behind.is_(True),
                or_(Event.reported_at.is_(None), Event.reported_at <= now - every),
            )
        )
    )


async def set_report_message(session: AsyncSession, event_id: int, chat_id: int, message_id: int) -> None:
    await session.execute(
        update(Event).where(Event.id == event_id).values(report_chat_id=chat_id, report_message_id=message_id)
    )


@dataclass(frozen=True)
class Attendee:
    telegram_id: int
    name: str
    answer: str | None
    answered_at: datetime | None


async def attendees(session: AsyncSession, event_id: int) -> list[Attendee]:
    """Everyone invited with their answer: yes, maybe, no, then the silent; by name."""
    rows = await session.execute(
        select(EventInvite.telegram_id, Person.name, Account.first_name, EventInvite.answer, EventInvite.answered_at)
        .outerjoin(Account, Account.telegram_id == EventInvite.telegram_id)
        .outerjoin(Person, Person.id == Account.person_id)
        .where(EventInvite.event_id == event_id)
    )
    people = [Attendee(tid, person or first or str(tid), ans, at) for tid, person, first, ans, at in rows]
    order = {a: n for n, a in enumerate((*COMING, "no", None))}
    return sorted(people, key=lambda a: (order[a.answer], a.name.casefold()))


@dataclass(frozen=True)
class Listed:
    event: EventView
    invited: bool
    answer: str | None


async def listed(session: AsyncSession, telegram_id: int, since: datetime, *, everything: bool) -> list[Listed]:
    """Published events starting after `since` that they are invited to, or all of them
    (`everything`), with their answer; soonest first."""
    query = (
        select(Event, EventInvite.answer, EventInvite.telegram_id)
        .outerjoin(EventInvite, (EventInvite.event_id == Event.id) & (EventInvite.telegram_id == telegram_id))
        .where(Event.status == "published", Event.starts_at > since)
        .order_by(Event.starts_at, Event.id)
    )
    if not everything:
        query = query.where(EventInvite.telegram_id.is_not(None))
    rows = list(await session.execute(query))
    counts = await _counts_of(session, [row.id for row, _, _ in rows])
    return [Listed(_view(row, counts[row.id]), invited is not None, ans) for row, ans, invited in rows]


async def upcoming(session: AsyncSession, telegram_id: int, now: datetime, *, everything: bool) -> list[Listed]:
    """Events not over yet (an all-day one until its day ends) that they are invited to, or all of
    them (`everything`, for the secretariat), soonest first."""
    found = await listed(session, telegram_id, now - timedelta(days=1), everything=everything)
    return [one for one in found if one.event.starts_at > now or one.event.all_day]


async def cancel(session: AsyncSession, event_id: int, *, admin_ids: frozenset[int]) -> list[Invitee] | None:
    """Cancel a published event: invitations not yet with Telegram are not sent, and whoever got
    one (and is still a member) is returned, to be told. None when it was not published
    (cancelled already, or none)."""
    changed = await session.execute(
        update(Event).where(Event.id == event_id, Event.status == "published").values(status="cancelled")
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        return None
    await outbox.cancel_batch(session, KIND, event_id)
    return await _to_tell(session, event_id, admin_ids)


async def _to_tell(session: AsyncSession, event_id: int, admin_ids: frozenset[int]) -> list[Invitee]:
    """Who is told of a change: whoever answered or had the invitation reach them (an invitation
    still waiting in the outbox is rewritten or cancelled instead), and is still a member."""
    reached = select(OutboxMessage.chat_id).where(
        OutboxMessage.kind == KIND,
        OutboxMessage.batch_id == event_id,
        OutboxMessage.status.not_in(("pending", "held", "cancelled", "unreachable")),
    )
    rows = await session.execute(
        select(EventInvite.telegram_id, EventInvite.language).where(
            EventInvite.event_id == event_id,
            or_(EventInvite.answer.is_not(None), EventInvite.telegram_id.in_(reached)),
            admitted(EventInvite.telegram_id, admin_ids),  # not one whose access was closed since
        )
    )
    return [Invitee(chat, language) for chat, language in rows]


async def change(
    session: AsyncSession,
    event_id: int,
    *,
    starts_at: datetime | None = None,
    all_day: bool | None = None,
    place: str | None = None,
    admin_ids: frozenset[int],
) -> tuple[EventView, list[Invitee]] | None:
    """Move a published event or change its place; returns it and everyone to be told (`_to_tell`:
    an invitee who has not answered yet would otherwise keep the old time), or None when it is not
    published."""
    row = await session.get(Event, event_id, with_for_update=True)
    if row is None or row.status != "published":
        return None
    if starts_at is not None:
        row.starts_at, row.all_day = starts_at, bool(all_day)
    if place is not None:
        row.place = place
    row.revision += 1
    await session.flush()
    view = await get(session, event_id)
    assert view is not None
    return view, await _to_tell(session, event_id, admin_ids)


async def rewrite_unsent(session: AsyncSession, event_id: int, payloads: dict[str, dict[str, Any]]) -> None:
    """Invitations still waiting in the outbox carry the event as it is now (`payloads` by language)."""
    for language, payload in payloads.items():
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.kind == KIND,
                OutboxMessage.batch_id == event_id,
                OutboxMessage.status == "pending",
                OutboxMessage.chat_id.in_(
                    select(EventInvite.telegram_id).where(
                        EventInvite.event_id == event_id, EventInvite.language == language
                    )
                ),
            )
            .values(payload=payload)
        )


# --- reading the times typed ---------------------------------------------------------------------

DEADLINE_TIME = time(23, 59)  # a deadline typed without a time: the end of that day


def read_start(text: str, tz: ZoneInfo, now: datetime) -> tuple[datetime, bool]:
    """When an event starts, and whether it is all-day (typed without a time: local midnight of
    that day). Raises DateProblem (format, invalid, past)."""
    day, at = dates.read(text, now.astimezone(tz).date())
    starts_at = datetime.combine(day, at or time(0), tzinfo=tz).astimezone(UTC)
    if (at is None and day < now.astimezone(tz).date()) or (at is not None and starts_at <= now):
        raise dates.DateProblem("past")
    return starts_at, at is None


def read_deadline(text: str, tz: ZoneInfo, now: datetime, starts_at: datetime) -> datetime:
    """The RSVP deadline: in the future and not after the start (DateProblem past / late)."""
    deadline = dates.parse_moment(text, tz, now, default_time=DEADLINE_TIME)
    if deadline <= now:
        raise dates.DateProblem("past")
    if deadline > starts_at:
        raise dates.DateProblem("late")
    return deadline
