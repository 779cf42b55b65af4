"""Roadmap reminders derived from the database: the policy, when each reminder is due, and who gets it.

Nothing here remembers that a reminder exists. A tick asks which reminder of an item is due now
(the latest one past, so that several missed while the bot was down come out as one, marked
late), and names it by a key of item, kind, recipient and due day; the outbox adds each key once.
`next_reminder_at` only spares a tick from looking at items with nothing due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import away, workdays
from bot.services.access import pick_language
from bot.services.db_util import chunked
from models import Account, Organisation, Person, RoadmapEvent, RoadmapItem, RoadmapOwner

if TYPE_CHECKING:
    from bot.settings import Settings

BATCH = 2000


@dataclass(frozen=True)
class Policy:
    days_before: tuple[int, ...]
    overdue_every: int
    escalate_after: int
    hour: int
    tz: ZoneInfo
    late_after: timedelta
    # The working-day calendar: a reminder due on a day off goes out on the working day before
    # (None: every day is a working day).
    calendar: str | None = None

    def for_item(self, days: Sequence[int] | None, every: int | None) -> Policy:
        if days is None and every is None:
            return self
        return replace(
            self,
            days_before=tuple(days) if days is not None else self.days_before,
            overdue_every=every or self.overdue_every,
        )


def policy_of(settings: Settings) -> Policy:
    """The cluster's reminder policy, as configured."""
    return Policy(
        settings.reminder_days,
        settings.reminder_overdue_every_days,
        settings.reminder_escalate_after_days,
        settings.reminder_hour,
        settings.tz,
        timedelta(minutes=settings.reminder_late_minutes),
        settings.work_calendar,
    )


@dataclass(frozen=True)
class Due:
    """One reminder of an item: kind "d<N>" (N days before; d0 on the day), "overdue" or "escalate"."""

    kind: str
    day: date  # local, part of the key
    at: datetime  # UTC


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def _at(day: date, policy: Policy) -> datetime:
    """When the reminder of `day` goes out: at the policy's hour, on the working day before when
    `day` is a day off (its key still names `day`)."""
    sent_on = workdays.previous_working(day, policy.calendar) if policy.calendar else day
    return datetime.combine(sent_on, time(policy.hour), tzinfo=policy.tz).astimezone(ZoneInfo("UTC"))


def _before(deadline: datetime, policy: Policy) -> list[Due]:
    dday = local_day(deadline, policy.tz)
    return [Due(f"d{n}", dday - timedelta(days=n), _at(dday - timedelta(days=n), policy)) for n in policy.days_before]


def _overdue(deadline: datetime, policy: Policy, k: int) -> Due:
    day = local_day(deadline, policy.tz) + timedelta(days=k * policy.overdue_every)
    return Due("overdue", day, _at(day, policy))


def escalation(deadline: datetime, policy: Policy) -> Due:
    day = local_day(deadline, policy.tz) + timedelta(days=policy.escalate_after)
    return Due("escalate", day, _at(day, policy))


# A reminder moves back at most this far to a working day (the longest break, New Year in Russia,
# is shorter): how far ahead of the day's count an overdue reminder may already be due.
_MOVED_BACK = timedelta(days=16)


def _overdue_count(deadline: datetime, policy: Policy, now: datetime) -> int:
    """How many overdue reminders are due by `now` (the number of the latest one; 0: none).
    Their times never decrease with the number, moved back to working days or not."""
    ahead = local_day(now + _MOVED_BACK, policy.tz) - local_day(deadline, policy.tz)
    k = ahead.days // policy.overdue_every
    while k >= 1 and _overdue(deadline, policy, k).at > now:
        k -= 1
    return max(k, 0)


def latest_due(deadline: datetime, policy: Policy, now: datetime) -> Due | None:
    """The latest reminder to the owners due at `now` (earlier ones are superseded by it)."""
    past = [d for d in _before(deadline, policy) if d.at <= now]
    k = _overdue_count(deadline, policy, now)
    if k >= 1:
        past.append(_overdue(deadline, policy, k))
    # Reminders moved back to one working day tie: the one of the latest day stands for them all.
    return max(past, key=lambda d: (d.at, d.day), default=None)


def next_due(deadline: datetime, policy: Policy, now: datetime) -> Due:
    """The owners' next reminder after `now`."""
    k = _overdue_count(deadline, policy, now)
    upcoming = [d for d in _before(deadline, policy) if d.at > now]
    # The overdue reminder after the latest one due is in the future: the minimum exists.
    return min([*upcoming, _overdue(deadline, policy, k + 1)], key=lambda d: d.at)


def next_after(deadline: datetime, policy: Policy, now: datetime) -> datetime:
    """When the next reminder or the escalation of the item falls due."""
    escalate = escalation(deadline, policy).at
    return min([next_due(deadline, policy, now).at, *([escalate] if escalate > now else [])])


# An owner's next reminder this close to their assignment is the assignment message itself.
ASSIGNMENT_COVERS = timedelta(days=1)


def covered_by_assignment(deadline: datetime, policy: Policy, now: datetime) -> Due | None:
    """The reminder that a new owner's assignment message at `now` stands for: their next one, when
    it falls within ASSIGNMENT_COVERS (a second message a few hours later would only repeat it)."""
    due = next_due(deadline, policy, now)
    return due if due.at - now <= ASSIGNMENT_COVERS else None


def reminder_key(item_id: int, due: Due, person_id: int) -> str:
    """The outbox key of one reminder to one person: each is sent once."""
    return f"rm:{item_id}:{due.kind}:p{person_id}:{due.day}"


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    language: str


@dataclass(frozen=True)
class ItemDue:
    """What one item owes now: a reminder to each recipient, the escalation, owners nobody can get."""

    item_id: int
    number: int
    title: str
    deadline: datetime
    due: Due | None
    late: bool
    recipients: list[Recipient]
    escalate: Due | None
    # Owners whom no reminder can reach: ("o", org id, name) or ("p", person id, name).
    unreachable: list[tuple[str, int, str]]


@dataclass(frozen=True)
class _Owner:
    organisation_id: int | None
    person_id: int | None
    added_at: datetime | None


async def collect(
    session: AsyncSession, policy: Policy, now: datetime, default_language: str, *, limit: int | None = None
) -> list[ItemDue]:
    """Open items whose reminder time has come (at most `limit`; the rest stay due for the next
    tick), with what they owe; advances their watermarks. Run in one transaction with the
    enqueue of what it returns."""
    result: list[ItemDue] = []
    # Ids first, through the index on the watermark; most ticks find none.
    due_ids = sorted(
        await session.scalars(
            select(RoadmapItem.id)
            .where(
                RoadmapItem.status == "open",
                RoadmapItem.deadline.is_not(None),
                or_(RoadmapItem.next_reminder_at.is_(None), RoadmapItem.next_reminder_at <= now),
            )
            .order_by(RoadmapItem.next_reminder_at.is_not(None), RoadmapItem.next_reminder_at)
            .limit(limit)
        )
    )
    for start in range(0, len(due_ids), BATCH):
        items = list(
            await session.execute(
                select(
                    RoadmapItem.id,
                    RoadmapItem.number,
                    RoadmapItem.title,
                    RoadmapItem.deadline,
                    RoadmapItem.reminder_days,
                    RoadmapItem.overdue_every_days,
                    RoadmapItem.schedule_from,
                ).where(RoadmapItem.id.in_(due_ids[start : start + BATCH]))
            )
        )
        owners = await _owners(session, [i.id for i in items])
        reach = await _reach(session, owners, default_language)
        disowned = await _disowned(session, [i.id for i in items])
        absent = await away.people_away(session, local_day(now, policy.tz))
        calendars = await _calendars(session, reach, policy)
        watermarks = []
        for item in items:
            own = policy.for_item(item.reminder_days, item.overdue_every_days)
            timing = _Timing(item.deadline, own, now)
            due = timing.latest(own.calendar)
            since = item.schedule_from
            escalate = escalation(item.deadline, own)
            # Each person's reminder as their own calendar moves it: one ItemDue per distinct one.
            groups: dict[Due | None, dict[int, Recipient]] = {}
            unreachable: list[tuple[str, int, str]] = []
            for owner in owners.get(item.id, []):
                people, name = reach.get((owner.organisation_id, owner.person_id), ([], ""))
                if not people:
                    unreachable.append(
                        ("o", owner.organisation_id, name)
                        if owner.organisation_id
                        else ("p", owner.person_id or 0, name)
                    )
                starts = max(filter(None, (since, owner.added_at)), default=None)
                for person in people:
                    theirs = timing.latest(calendars.get(person.person_id, own.calendar))
                    if (
                        theirs is not None
                        and (starts is None or theirs.at >= starts)
                        and person.chat_id not in disowned.get(item.id, ())
                        and person.person_id not in absent
                    ):
                        groups.setdefault(theirs, {}).setdefault(person.person_id, person)
            owed = due if due is not None and (since is None or due.at >= since) else None
            escalates = escalate if escalate.at <= now and (since is None or escalate.at >= since) else None
            if owed or escalates:
                groups.setdefault(owed, {})  # the item's own entry carries these
            for theirs, recipients in groups.items():
                own_entry = theirs == owed
                result.append(
                    ItemDue(
                        item.id,
                        item.number,
                        item.title,
                        item.deadline,
                        theirs,
                        theirs is not None and now - theirs.at > policy.late_after,
                        list(recipients.values()),
                        escalates if own_entry else None,
                        unreachable if own_entry else [],
                    )
                )
            watermarks.append({"item": item.id, "at": timing.next_after()})
        items_table = cast(Table, RoadmapItem.__table__)
        await session.execute(
            update(items_table).where(items_table.c.id == bindparam("item")).values(next_reminder_at=bindparam("at")),
            watermarks,
        )
    return result


class _Timing:
    """One item's reminders under each calendar its recipients keep (computed once per calendar)."""

    def __init__(self, deadline: datetime, policy: Policy, now: datetime) -> None:
        self.deadline, self.policy, self.now = deadline, policy, now
        self._latest: dict[str | None, Due | None] = {}

    def _policy(self, calendar: str | None) -> Policy:
        return self.policy if calendar == self.policy.calendar else replace(self.policy, calendar=calendar)

    def latest(self, calendar: str | None) -> Due | None:
        if calendar not in self._latest:
            self._latest[calendar] = latest_due(self.deadline, self._policy(calendar), self.now)
        return self._latest[calendar]

    def next_after(self) -> datetime:
        """The earliest next reminder under the cluster's calendar and those of the item's people."""
        kept = {self.policy.calendar, *self._latest}
        return min(next_after(self.deadline, self._policy(calendar), self.now) for calendar in kept)


async def _calendars(
    session: AsyncSession, reach: dict[tuple[int | None, int | None], tuple[list[Recipient], str]], policy: Policy
) -> dict[int, str]:
    """Each reachable person's working-day calendar (their organisation's country), when the
    policy keeps one at all."""
    if policy.calendar is None:
        return {}
    people = {person.person_id for group, _ in reach.values() for person in group}
    return await workdays.people_calendars(session, people, policy.calendar)


async def recipients_of(
    session: AsyncSession, *, organisation_id: int | None, person_id: int | None, default_language: str
) -> list[Recipient]:
    """The people one owner (an organisation or a person) means, as far as they are in Telegram."""
    owner = _Owner(organisation_id, person_id, None)
    people, _ = (await _reach(session, {0: [owner]}, default_language)).get((organisation_id, person_id), ([], ""))
    return people


async def _owners(session: AsyncSession, item_ids: list[int]) -> dict[int, list[_Owner]]:
    owners: dict[int, list[_Owner]] = {}
    for row in await session.execute(
        select(RoadmapOwner.item_id, RoadmapOwner.organisation_id, RoadmapOwner.person_id, RoadmapOwner.added_at).where(
            RoadmapOwner.item_id.in_(item_ids)
        )
    ):
        owners.setdefault(row.item_id, []).append(_Owner(row.organisation_id, row.person_id, row.added_at))
    return owners


async def _disowned(session: AsyncSession, item_ids: list[int]) -> dict[int, set[int]]:
    """Per item, the Telegram ids of people who said it is not theirs and await the secretariat's
    decision: they are not reminded meanwhile."""
    found: dict[int, set[int]] = {}
    for chunk in chunked(sorted(item_ids)):
        for item_id, actor in await session.execute(
            select(RoadmapEvent.item_id, RoadmapEvent.actor_telegram_id).where(
                RoadmapEvent.item_id.in_(chunk), RoadmapEvent.kind == "not_mine", RoadmapEvent.decision == "pending"
            )
        ):
            if actor is not None:
                found.setdefault(item_id, set()).add(actor)
    return found


async def _reach(
    session: AsyncSession, owners: dict[int, list[_Owner]], default_language: str
) -> dict[tuple[int | None, int | None], tuple[list[Recipient], str]]:
    """For each owner (organisation or person): the people reachable in Telegram, and its name."""
    org_ids = {o.organisation_id for group in owners.values() for o in group if o.organisation_id}
    person_ids = {o.person_id for group in owners.values() for o in group if o.person_id}
    found: dict[tuple[int | None, int | None], tuple[list[Recipient], str]] = {}
    for chunk in chunked(sorted(org_ids)):
        for org_id, name in await session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(chunk))
        ):
            found[(org_id, None)] = ([], name)
        for row in await session.execute(
            select(Person.organisation_id, Person.id, Account.telegram_id, Account.language, Account.telegram_language)
            .join(Account, Account.person_id == Person.id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(
                Person.organisation_id.in_(chunk),
                Person.status == "active",
                Organisation.archived_at.is_(None),  # an archived organisation owns on paper only
                Account.blocked_bot.is_(False),
            )
        ):
            language = pick_language(row.language, row.telegram_language, default_language)
            found[(row.organisation_id, None)][0].append(Recipient(row.id, row.telegram_id, language))
    for chunk in chunked(sorted(person_ids)):
        for person_id, name in await session.execute(select(Person.id, Person.name).where(Person.id.in_(chunk))):
            found[(None, person_id)] = ([], name)
        for linked in await session.execute(
            select(Account.person_id, Account.telegram_id, Account.language, Account.telegram_language)
            .join(Person, Person.id == Account.person_id)
            .where(Account.person_id.in_(chunk), Person.status == "active", Account.blocked_bot.is_(False))
        ):
            language = pick_language(linked.language, linked.telegram_language, default_language)
            found[(None, linked.person_id)][0].append(Recipient(linked.person_id, linked.telegram_id, language))
    return found
