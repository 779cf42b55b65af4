"""My data: everything the bot holds about the person behind an account, gathered as plain data
(/mydata sends it as a JSON document and as text). Forgetting is in forget.py beside."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, announcements
from bot.services.audit import PERSON_TARGET
from models import (
    Account,
    Announcement,
    AnnouncementRead,
    AuditEntry,
    CalendarFeed,
    CheckinPause,
    Event,
    EventInvite,
    HelpRecipient,
    HelpRequest,
    JoinRequest,
    Organisation,
    Person,
    Project,
    ProjectPerson,
    Report,
    RoadmapEvent,
    RoadmapItem,
)

# Audit entries whose target is something else (an invite, a project) and whose details name a person.
_NAMING_ACTIONS = ("invite.create", "leader.add", "leader.remove")


@dataclass(frozen=True)
class AccountData:
    telegram_id: int
    first_name: str
    username: str | None
    language: str | None  # chosen with /language
    telegram_language: str | None
    created_at: datetime
    roles: list[str]


@dataclass(frozen=True)
class ProjectPart:
    project: str
    role: str  # leader | contact


@dataclass(frozen=True)
class CardData:
    """The directory entry the account is linked to."""

    key: str
    name: str
    name_en: str | None
    position: str | None
    organisation: str | None
    affiliation: str | None
    phones: list[str]
    emails: list[str]
    projects: list[ProjectPart]
    # No check-in prompts up to this day.
    paused_until: date | None


@dataclass(frozen=True)
class ReportData:
    project: str
    created_at: datetime
    status: str
    percent: int | None
    done: str
    next_steps: str | None
    help_needed: str | None
    attachments: int
    on_behalf: bool
    edited_at: datetime | None
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class AnswerData:
    """Something the person did on a roadmap item: an answer to a reminder, or an edit."""

    item: int
    title: str
    at: datetime
    kind: str
    note: str | None
    proposed_deadline: datetime | None
    decision: str | None


@dataclass(frozen=True)
class ReadData:
    """An announcement whose reading they confirmed."""

    announcement: int
    text: str  # HTML, as it was sent
    read_at: datetime


@dataclass(frozen=True)
class HelpData:
    """A help request the secretariat forwarded to them, and their answer (None: not given)."""

    project: str
    text: str
    opened_at: datetime
    answer: str | None  # can | wrong
    answered_at: datetime | None


@dataclass(frozen=True)
class EventAnswerData:
    """An event they were invited to, and their answer (None: not given)."""

    title: str
    starts_at: datetime
    answer: str | None  # yes | no | maybe
    answered_at: datetime | None


@dataclass(frozen=True)
class RequestData:
    created_at: datetime
    full_name: str
    organisation: str
    status: str


@dataclass(frozen=True)
class AuditData:
    at: datetime
    actor: int | None
    action: str
    target: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class CalendarData:
    """The /calendar link: when the one that works was given (None: revoked), and what it holds.
    The link itself is not kept (only its hash), so it is not here either."""

    link_given_at: datetime | None
    all_events: bool


@dataclass(frozen=True)
class MyData:
    account: AccountData | None
    card: CardData | None
    reports: list[ReportData]
    answers: list[AnswerData]
    reads: list[ReadData]
    help_requests: list[HelpData]
    events: list[EventAnswerData]
    mutes: list[str]
    calendar: CalendarData | None
    join_requests: list[RequestData]
    audit: list[AuditData]

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=2, default=_iso)


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value))


async def gather(session: AsyncSession, telegram_id: int, *, admin_ids: frozenset[int]) -> MyData:
    """All the bot holds of them; `admin_ids` (ADMIN_IDS) are of the secretariat by configuration."""
    account = await session.get(Account, telegram_id)
    person = await session.get(Person, account.person_id) if account and account.person_id else None
    person_id = person.id if person else None
    return MyData(
        account=await _account(session, account, admin_ids) if account else None,
        card=await _card(session, person) if person else None,
        reports=await _reports(session, telegram_id, person_id),
        answers=await _answers(session, telegram_id),
        reads=[
            ReadData(number, text, at)
            for number, text, at in await session.execute(
                select(Announcement.id, Announcement.text, AnnouncementRead.read_at)
                .join(Announcement, Announcement.id == AnnouncementRead.announcement_id)
                .where(AnnouncementRead.telegram_id == telegram_id)
                .order_by(AnnouncementRead.read_at)
            )
        ],
        help_requests=[
            HelpData(*row)
            for row in await session.execute(
                select(
                    Project.title,
                    HelpRequest.text,
                    HelpRequest.opened_at,
                    HelpRecipient.answer,
                    HelpRecipient.answered_at,
                )
                .join(HelpRequest, HelpRequest.id == HelpRecipient.request_id)
                .join(Project, Project.id == HelpRequest.project_id)
                .where(HelpRecipient.telegram_id == telegram_id)
                .order_by(HelpRequest.opened_at, HelpRequest.id)
            )
        ],
        events=[
            EventAnswerData(*row)
            for row in await session.execute(
                select(Event.title, Event.starts_at, EventInvite.answer, EventInvite.answered_at)
                .join(Event, Event.id == EventInvite.event_id)
                .where(EventInvite.telegram_id == telegram_id)
                .order_by(Event.starts_at, Event.id)
            )
        ],
        mutes=sorted(await announcements.muted(session, telegram_id)),
        calendar=CalendarData(feed.issued_at, feed.all_events)
        if (feed := await session.get(CalendarFeed, telegram_id))
        else None,
        join_requests=[
            RequestData(r.created_at, r.full_name, r.organisation, r.status)
            for r in await session.scalars(
                select(JoinRequest).where(JoinRequest.telegram_id == telegram_id).order_by(JoinRequest.id)
            )
        ],
        audit=await _audit(session, telegram_id, person_id),
    )


async def _account(session: AsyncSession, account: Account, admin_ids: frozenset[int]) -> AccountData:
    roles = await access.roles_of(session, account.person_id)
    if account.telegram_id in admin_ids:  # ADMIN_IDS make the secretariat, card or not
        roles.add("secretariat")
    return AccountData(
        account.telegram_id,
        account.first_name,
        account.username,
        account.language,
        account.telegram_language,
        account.created_at,
        [role for role in access.ROLES if role in roles],
    )


async def _card(session: AsyncSession, person: Person) -> CardData:
    organisation = await session.get(Organisation, person.organisation_id) if person.organisation_id else None
    parts = await session.execute(
        select(Project.title, ProjectPerson.role)
        .join(ProjectPerson, ProjectPerson.project_id == Project.id)
        .where(ProjectPerson.person_id == person.id)
        .order_by(Project.title)
    )
    pause = await session.get(CheckinPause, person.id)
    return CardData(
        person.key,
        person.name,
        person.name_en,
        person.position,
        organisation.name if organisation else None,
        person.affiliation,
        list(person.phones or ()),
        list(person.emails or ()),
        [ProjectPart(title, role) for title, role in parts],
        pause.until if pause else None,
    )


async def _reports(session: AsyncSession, telegram_id: int, person_id: int | None) -> list[ReportData]:
    """Reports the person sent, or that were sent for them (the secretariat's on their behalf)."""
    theirs = [Report.submitted_by == telegram_id] + ([Report.person_id == person_id] if person_id else [])
    rows = await session.execute(
        select(Report, Project.title)
        .join(Project, Project.id == Report.project_id)
        .where(or_(*theirs))
        .order_by(Report.created_at, Report.id)
    )
    return [
        ReportData(
            title,
            r.created_at,
            r.status,
            r.percent,
            r.done,
            r.next_steps,
            r.help_needed,
            len(r.attachments or ()),
            r.on_behalf,
            r.edited_at,
            r.withdrawn_at,
        )
        for r, title in rows
    ]


async def _answers(session: AsyncSession, telegram_id: int) -> list[AnswerData]:
    rows = await session.execute(
        select(RoadmapEvent, RoadmapItem.number, RoadmapItem.title)
        .join(RoadmapItem, RoadmapItem.id == RoadmapEvent.item_id)
        .where(RoadmapEvent.actor_telegram_id == telegram_id)
        .order_by(RoadmapEvent.at, RoadmapEvent.id)
    )
    return [
        AnswerData(number, title, e.at, e.kind, e.note, e.proposed_deadline, e.decision) for e, number, title in rows
    ]


async def _audit(session: AsyncSession, telegram_id: int, person_id: int | None) -> list[AuditData]:
    """Entries about the person: their directory entry is the target or is named in the details
    (an invite made out to them, made a project's leader), or the target is their join request.
    What they did to others as a secretary is about those others."""
    requests = [
        f"request:{id_}"
        for id_ in await session.scalars(select(JoinRequest.id).where(JoinRequest.telegram_id == telegram_id))
    ]
    about: list[Any] = [AuditEntry.target.in_(requests)] if requests else []
    if person_id is not None:
        about += [AuditEntry.target == f"{PERSON_TARGET}{person_id}", AuditEntry.action.in_(_NAMING_ACTIONS)]
    if not about:
        return []
    entries = await session.scalars(select(AuditEntry).where(or_(*about)).order_by(AuditEntry.id))
    return [
        AuditData(e.at, e.actor_telegram_id, e.action, e.target, e.details)
        for e in entries
        if e.action not in _NAMING_ACTIONS or _named(e.details) == person_id
    ]


def _named(details: dict[str, Any]) -> int | None:
    person = details.get("person_id", details.get("person"))
    return person if isinstance(person, int) else None
