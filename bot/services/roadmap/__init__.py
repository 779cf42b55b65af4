"""The roadmap: items, deadlines, owners, answers of the responsible people, and the item's history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.dates import DateProblem, parse_moment
from bot.services.directory import Page
from models import Account, Organisation, Person, RoadmapEvent, RoadmapItem, RoadmapOwner

# A deadline typed without a time is the end of that day.
END_OF_DAY = time(23, 59)
OPEN = "open"
CLOSED = ("done", "cancelled")


def parse_deadline(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """A typed deadline (a day, optionally with a time: the end of that day without one) that lies
    in the future, as a UTC instant."""
    moment = parse_moment(text, tz, now, default_time=END_OF_DAY)
    if moment <= now:
        raise DateProblem("past")
    return moment


_POLICY = re.compile(r"^\s*([\d\s,]+?)\s*(?:/\s*(\d{1,3}))?\s*$")
DEFAULT_WORDS = {"default", "по умолчанию", "-"}


def parse_policy(text: str) -> tuple[list[int] | None, int | None] | None:
    """ "14, 7, 1" (days before), optionally "/ 2" (overdue every N days); "default" for the global
    policy (None, None); None when it cannot be read."""
    if text.strip().lower() in DEFAULT_WORDS:
        return None, None
    match = _POLICY.match(text or "")
    if match is None:
        return None
    days = sorted({int(d) for d in re.split(r"[\s,]+", match.group(1)) if d}, reverse=True)
    every = int(match.group(2)) if match.group(2) else None
    if not days or days[0] > 365 or every == 0:
        return None
    return days, every


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    id: int
    number: int
    title: str
    status: str
    deadline: datetime | None
    owners: int


@dataclass(frozen=True)
class OwnerView:
    id: int
    kind: str  # "o" organisation, "p" person
    ref: int
    name: str
    linked: int  # people reachable in Telegram


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    kind: str
    actor: str | None
    note: str | None
    file_id: str | None
    proposed: datetime | None
    decision: str | None


@dataclass(frozen=True)
class ItemCard:
    id: int
    number: int
    title: str
    description: str
    source: str | None
    status: str
    deadline: datetime | None
    reminder_days: list[int] | None
    overdue_every: int | None
    owners: list[OwnerView]
    events: list[EventView]


def _mine(person_id: int, organisation_id: int | None):  # type: ignore[no-untyped-def]
    """Items owned by the person or by their organisation."""
    owned = RoadmapOwner.person_id == person_id
    if organisation_id is not None:
        owned = or_(owned, RoadmapOwner.organisation_id == organisation_id)
    return exists().where(RoadmapOwner.item_id == RoadmapItem.id, owned)


async def person_organisation(session: AsyncSession, person_id: int | None) -> int | None:
    if person_id is None:
        return None
    return await session.scalar(select(Person.organisation_id).where(Person.id == person_id))


async def list_items(session: AsyncSession, *, person_id: int | None, offset: int, limit: int) -> Page[ItemRow]:
    """Open items first by deadline (blank last), then closed ones; only the person's when given."""
    where = [_mine(person_id, await person_organisation(session, person_id))] if person_id is not None else []
    total = await session.scalar(select(func.count()).select_from(RoadmapItem).where(*where)) or 0
    owners = select(func.count()).where(RoadmapOwner.item_id == RoadmapItem.id).correlate(RoadmapItem).scalar_subquery()
    rows = await session.execute(
        select(
            RoadmapItem.id,
            RoadmapItem.number,
            RoadmapItem.title,
            RoadmapItem.status,
            RoadmapItem.deadline,
            owners.label("owners"),
        )
        .where(*where)
        .order_by(RoadmapItem.status != OPEN, RoadmapItem.deadline.is_(None), RoadmapItem.deadline, RoadmapItem.number)
        .offset(offset)
        .limit(limit)
    )
    return Page([ItemRow(*row) for row in rows], total, offset, limit)


async def items_for_calendar(session: AsyncSession, *, person_id: int | None) -> list[ItemCard]:
    where = [_mine(person_id, await person_organisation(session, person_id))] if person_id is not None else []
    ids = await session.scalars(
        select(RoadmapItem.id).where(RoadmapItem.deadline.is_not(None), *where).order_by(RoadmapItem.deadline)
    )
    return [card for i in ids if (card := await item_card(session, i, history=False)) is not None]


async def revisions(session: AsyncSession, item_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """How many times each item changed (its history's length) and when last: what a calendar
    app compares (SEQUENCE, LAST-MODIFIED) to know its copy is out of date."""
    rows = await session.execute(
        select(RoadmapEvent.item_id, func.count(), func.max(RoadmapEvent.at))
        .where(RoadmapEvent.item_id.in_(item_ids))
        .group_by(RoadmapEvent.item_id)
    )
    return {item_id: (count, last) for item_id, count, last in rows}


async def item_card(session: AsyncSession, item_id: int, *, history: bool = True) -> ItemCard | None:
    item = await session.get(RoadmapItem, item_id)
    if item is None:
        return None
    linked_org = (
        select(func.count())
        .select_from(Person)
        .join(Account, Account.person_id == Person.id)
        .where(Person.organisation_id == RoadmapOwner.organisation_id, Person.status == "active")
        .correlate(RoadmapOwner)
        .scalar_subquery()
    )
    linked_person = (
        select(func.count())
        .select_from(Account)
        .where(Account.person_id == RoadmapOwner.person_id)
        .correlate(RoadmapOwner)
        .scalar_subquery()
    )
    owners = [
        OwnerView(
            row.id,
            "o" if row.organisation_id else "p",
            row.organisation_id or row.person_id,
            row.org or row.person or "?",
            (row.linked_org if row.organisation_id else row.linked_person) or 0,
        )
        for row in await session.execute(
            select(
                RoadmapOwner.id,
                RoadmapOwner.organisation_id,
                RoadmapOwner.person_id,
                Organisation.name.label("org"),
                Person.name.label("person"),
                linked_org.label("linked_org"),
                linked_person.label("linked_person"),
            )
            .outerjoin(Organisation, Organisation.id == RoadmapOwner.organisation_id)
            .outerjoin(Person, Person.id == RoadmapOwner.person_id)
            .where(RoadmapOwner.item_id == item_id)
            .order_by(RoadmapOwner.id)
        )
    ]
    events = (
        [
            EventView(e.id, e.at, e.kind, e.actor_name, e.note, e.file_id, e.proposed_deadline, e.decision)
            for e in await session.scalars(
                select(RoadmapEvent).where(RoadmapEvent.item_id == item_id).order_by(RoadmapEvent.at, RoadmapEvent.id)
            )
        ]
        if history
        else []
    )
    return ItemCard(
        item.id,
        item.number,
        item.title,
        item.description,
        item.source,
        item.status,
        item.deadline,
        item.reminder_days,
        item.overdue_every_days,
        owners,
        events,
    )


async def needing_attention(session: AsyncSession) -> list[ItemRow]:
    """Open items without a deadline or without an owner."""
    owned = exists().where(RoadmapOwner.item_id == RoadmapItem.id)
    rows = await session.execute(
        select(
            RoadmapItem.id,
            RoadmapItem.number,
            RoadmapItem.title,
            RoadmapItem.status,
            RoadmapItem.deadline,
            owned.label("owned"),
        )
        .where(RoadmapItem.status == OPEN, or_(RoadmapItem.deadline.is_(None), ~owned))
        .order_by(RoadmapItem.number)
    )
    return [ItemRow(r.id, r.number, r.title, r.status, r.deadline, int(bool(r.owned))) for r in rows]


async def may_answer(session: AsyncSession, item_id: int, person_id: int | None) -> bool:
    """Whether the person is responsible for the item (themselves or through their organisation)."""
    if person_id is None:
        return False
    organisation_id = await person_organisation(session, person_id)
    return bool(
        await session.scalar(select(RoadmapItem.id).where(RoadmapItem.id == item_id, _mine(person_id, organisation_id)))
    )


# --- the secretariat's changes ---------------------------------------------------------------


def _event(
    session: AsyncSession,
    item_id: int,
    kind: str,
    now: datetime,
    actor: int | None,
    actor_name: str | None,
    **values: object,
) -> RoadmapEvent:
    event = RoadmapEvent(item_id=item_id, at=now, kind=kind, actor_telegram_id=actor, actor_name=actor_name, **values)
    session.add(event)
    return event


def _reschedule(item: RoadmapItem, now: datetime) -> None:
    """Reminders follow a changed deadline or policy from now on: none of the past ones are owed."""
    item.schedule_from = now
    item.next_reminder_at = now


async def create_item(
    session: AsyncSession,
    *,
    title: str,
    description: str,
    source: str | None,
    actor: int,
    actor_name: str,
    now: datetime,
) -> int:
    number = (await session.scalar(select(func.max(RoadmapItem.number))) or 0) + 1
    item = RoadmapItem(number=number, title=title, description=description, source=source, status=OPEN, created_at=now)
    session.add(item)
    await session.flush()
    _event(session, item.id, "created", now, actor, actor_name)
    return item.id


async def set_deadline(
    session: AsyncSession,
    item_id: int,
    deadline: datetime,
    *,
    actor: int,
    actor_name: str,
    now: datetime,
    note: str | None = None,
) -> bool:
    item = await session.get(RoadmapItem, item_id)
    if item is None or item.status != OPEN:
        return False
    item.deadline = deadline
    _reschedule(item, now)
    _event(session, item_id, "deadline", now, actor, actor_name, proposed_deadline=deadline, note=note)
    return True


async def set_policy(
    session: AsyncSession,
    item_id: int,
    days: list[int] | None,
    every: int | None,
    *,
    actor: int,
    actor_name: str,
    now: datetime,
) -> bool:
    item = await session.get(RoadmapItem, item_id)
    if item is None or item.status != OPEN:
        return False
    item.reminder_days, item.overdue_every_days = days, every
    _reschedule(item, now)
    note = "default" if days is None else ",".join(map(str, days)) + (f" / {every}" if every else "")
    _event(session, item_id, "policy", now, actor, actor_name, note=note)
    return True


async def add_owner(
    session: AsyncSession,
    item_id: int,
    *,
    organisation_id: int | None = None,
    person_id: int | None = None,
    actor: int,
    actor_name: str,
    now: datetime,
) -> int | None:
    """The new owner row's id; None when the item is gone or closed, or the owner is already there."""
    item = await session.get(RoadmapItem, item_id)
    if item is None or item.status != OPEN or (organisation_id is None) == (person_id is None):
        return None
    same = RoadmapOwner.organisation_id == organisation_id if organisation_id else RoadmapOwner.person_id == person_id
    if await session.scalar(select(RoadmapOwner.id).where(RoadmapOwner.item_id == item_id, same)):
        return None
    name = await session.scalar(
        select(Organisation.name).where(Organisation.id == organisation_id)
        if organisation_id
        else select(Person.name).where(Person.id == person_id)
    )
    if name is None:
        return None
    owner = RoadmapOwner(item_id=item_id, organisation_id=organisation_id, person_id=person_id, added_at=now)
    session.add(owner)
    item.next_reminder_at = now
    _event(session, item_id, "owner_added", now, actor, actor_name, note=name)
    await resolve_not_mine(session, item_id, "reassigned")
    await session.flush()
    return owner.id


async def remove_owner(
    session: AsyncSession, item_id: int, owner_id: int, *, actor: int, actor_name: str, now: datetime
) -> tuple[int | None, int | None] | None:
    """The removed owner as (organisation id, person id); None when there was no such owner."""
    owner = await session.get(RoadmapOwner, owner_id)
    if owner is None or owner.item_id != item_id:
        return None
    removed = (owner.organisation_id, owner.person_id)
    name = await session.scalar(
        select(Organisation.name).where(Organisation.id == owner.organisation_id)
        if owner.organisation_id
        else select(Person.name).where(Person.id == owner.person_id)
    )
    await session.execute(delete(RoadmapOwner).where(RoadmapOwner.id == owner_id))
    _event(session, item_id, "owner_removed", now, actor, actor_name, note=name)
    await resolve_not_mine(session, item_id, "reassigned")
    return removed


async def close_item(
    session: AsyncSession,
    item_id: int,
    status: str,
    *,
    actor: int,
    actor_name: str,
    now: datetime,
    note: str | None = None,
    file_id: str | None = None,
) -> int | None:
    """Done or cancelled: the history event's id; None when it was already closed (a second tap
    closes nothing)."""
    if status not in CLOSED:
        raise ValueError(status)
    closed = await session.execute(
        update(RoadmapItem)
        .where(RoadmapItem.id == item_id, RoadmapItem.status == OPEN)
        .values(status=status, closed_at=now, next_reminder_at=None)
    )
    if not closed.rowcount:  # type: ignore[attr-defined]
        return None
    event = _event(session, item_id, status, now, actor, actor_name, note=note, file_id=file_id)
    await session.flush()
    return event.id


async def reopen_item(session: AsyncSession, item_id: int, *, actor: int, actor_name: str, now: datetime) -> bool:
    """A closed or cancelled item open again; reminders resume from now (none of the past are owed)."""
    item = await session.get(RoadmapItem, item_id)
    if item is None or item.status == OPEN:
        return False
    item.status, item.closed_at = OPEN, None
    _reschedule(item, now)
    _event(session, item_id, "reopened", now, actor, actor_name)
    return True


async def owners_of(session: AsyncSession, item_id: int) -> list[tuple[int | None, int | None]]:
    """(organisation id, person id) of each owner of the item."""
    return [
        (row.organisation_id, row.person_id)
        for row in await session.execute(
            select(RoadmapOwner.organisation_id, RoadmapOwner.person_id)
            .where(RoadmapOwner.item_id == item_id)
            .order_by(RoadmapOwner.id)
        )
    ]


async def person_label(session: AsyncSession, person_id: int | None, fallback: str) -> str:
    """The directory name of a linked person, with their organisation: «Иван Блинов (Технопарк)»."""
    if person_id is None:
        return fallback
    row = (
        await session.execute(
            select(Person.name, Organisation.name.label("org"))
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id == person_id)
        )
    ).first()
    if row is None:
        return fallback
    return f"{row.name} ({row.org})" if row.org else row.name


async def is_open(session: AsyncSession, item_id: int) -> bool:
    return await session.scalar(select(RoadmapItem.status).where(RoadmapItem.id == item_id)) == OPEN


# --- answers from a reminder -------------------------------------------------------------------


async def not_mine(
    session: AsyncSession, item_id: int, *, actor: int, actor_name: str, now: datetime, note: str | None = None
) -> int:
    """The person says the item is not theirs: pending until the secretariat changes the owners
    (reassigned) or keeps them (kept); meanwhile they are not reminded of it."""
    event = _event(session, item_id, "not_mine", now, actor, actor_name, note=note, decision="pending")
    await session.flush()
    return event.id


async def resolve_not_mine(
    session: AsyncSession, item_id: int, decision: str, *, event_id: int | None = None
) -> list[int]:
    """Pending "not mine" answers of the item (or just `event_id`) decided; the Telegram ids of
    those who gave them."""
    where = [RoadmapEvent.item_id == item_id, RoadmapEvent.kind == "not_mine", RoadmapEvent.decision == "pending"]
    if event_id is not None:
        where.append(RoadmapEvent.id == event_id)
    actors = [a for a in await session.scalars(select(RoadmapEvent.actor_telegram_id).where(*where)) if a]
    if actors:
        await session.execute(update(RoadmapEvent).where(*where).values(decision=decision))
    return actors


async def current_deadline(session: AsyncSession, item_id: int) -> datetime | None:
    return await session.scalar(select(RoadmapItem.deadline).where(RoadmapItem.id == item_id))


async def request_extension(
    session: AsyncSession, item_id: int, deadline: datetime, reason: str, *, actor: int, actor_name: str, now: datetime
) -> int | None:
    if not await is_open(session, item_id):
        return None
    event = _event(
        session,
        item_id,
        "extension",
        now,
        actor,
        actor_name,
        note=reason,
        proposed_deadline=deadline,
        decision="pending",
    )
    await session.flush()
    return event.id


@dataclass(frozen=True)
class ExtensionDecision:
    """status: approved | declined | already (decided before) | closed (item no longer open) | gone."""

    status: str
    item_id: int = 0
    requester: int | None = None
    deadline: datetime | None = None
    who: str | None = None


async def decide_extension(
    session: AsyncSession, event_id: int, approve: bool, *, actor: int, actor_name: str, now: datetime
) -> ExtensionDecision:
    event = await session.get(RoadmapEvent, event_id)
    if event is None or event.kind != "extension":
        return ExtensionDecision("gone")
    if event.decision != "pending":
        return ExtensionDecision(
            "already", event.item_id, event.actor_telegram_id, event.proposed_deadline, event.actor_name
        )
    if not await is_open(session, event.item_id):
        return ExtensionDecision(
            "closed", event.item_id, event.actor_telegram_id, event.proposed_deadline, event.actor_name
        )
    # Only one of two taps (or two secretaries) decides.
    decided = await session.execute(
        update(RoadmapEvent)
        .where(RoadmapEvent.id == event_id, RoadmapEvent.decision == "pending")
        .values(decision="approved" if approve else "declined")
    )
    if not decided.rowcount:  # type: ignore[attr-defined]
        return ExtensionDecision(
            "already", event.item_id, event.actor_telegram_id, event.proposed_deadline, event.actor_name
        )
    if approve and event.proposed_deadline is not None:
        await set_deadline(
            session,
            event.item_id,
            event.proposed_deadline,
            actor=actor,
            actor_name=actor_name,
            now=now,
            note=event.note,
        )
    else:
        _event(session, event.item_id, "declined", now, actor, actor_name, proposed_deadline=event.proposed_deadline)
    return ExtensionDecision(
        "approved" if approve else "declined",
        event.item_id,
        event.actor_telegram_id,
        event.proposed_deadline,
        event.actor_name,
    )


def days_left(deadline: datetime, now: datetime, tz: ZoneInfo) -> int:
    """Calendar days from today to the deadline's day in the cluster's zone (negative: overdue)."""
    return (deadline.astimezone(tz).date() - now.astimezone(tz).date()).days


def is_overdue(deadline: datetime, now: datetime) -> bool:
    return deadline < now


def week_key(start: datetime, tz: ZoneInfo) -> str:
    """The week a weekly moment (the nudge's) falls in: «2026-W48»."""
    year, week, _ = start.astimezone(tz).date().isocalendar()
    return f"{year}-W{week:02d}"
