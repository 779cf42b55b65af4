"""Help requests: a report's "help needed" opened as a request, the organisations and people
who could answer it (found by the directory's search over their cards), the request forwarded to
them by the secretariat, their answers, and the request resolved by a leader or the secretariat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import away
from bot.services.db_util import insert_for
from bot.services.directory.privacy import Contacts, Looker, visible_contacts
from bot.services.directory.search import DirectorySearch
from bot.services.reports import ProjectRef, ReportView, project_leaders
from models import (
    Account,
    HelpForward,
    HelpRecipient,
    HelpRequest,
    Organisation,
    Person,
    Project,
    ProjectPartner,
    ProjectPerson,
    Report,
)

# Forward buttons under the secretariat's alert.
MAX_CANDIDATES = 5
# How many cards the search looks through for those who can be reached and are not the project's own.
SCAN = 40
# A project found by the request's words speaks for its organisations less than their own cards do.
PROJECT_SHARE = 0.5


class TargetKind(StrEnum):
    """The values are in buttons already sent: they must not change."""

    ORGANISATION = "o"
    PERSON = "h"


class Answer(StrEnum):
    CAN = "can"  # can help
    WRONG = "wrong"  # not the right address


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    id: int
    name: str
    name_en: str | None = None


@dataclass(frozen=True)
class HelpView:
    id: int
    project: ProjectRef
    report_id: int
    author: str | None  # who sent the report
    text: str
    candidates: list[Target]
    forwarded: frozenset[tuple[str, int]]  # (kind, id) of the targets it was sent to
    opened_at: datetime
    resolved_at: datetime | None

    @property
    def open(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True)
class Recipient:
    telegram_id: int
    person_id: int


@dataclass(frozen=True)
class PersonContact:
    """A person as someone else may see them: their name and the contacts they show that reader."""

    person_id: int
    name: str
    contacts: Contacts

    @property
    def shown(self) -> bool:
        return bool(self.contacts.phones or self.contacts.emails)


# --- opening -----------------------------------------------------------------------------------


async def opened(session: AsyncSession, report: ReportView, search: DirectorySearch, now: datetime) -> HelpView | None:
    """The request of a report that asks for help, opened now when it is new (a report edited to
    ask for help opens one then); None when the report asks for none, or its request was there
    already (a redelivered update, an edit: its text follows the edit while it is open): the
    secretariat hears of each request once."""
    if not report.help_needed:
        return None
    if await session.scalar(select(HelpRequest.id).where(HelpRequest.report_id == report.id)) is not None:
        # An edit's new wording is what the card and later forwards show.
        await session.execute(
            update(HelpRequest)
            .where(HelpRequest.report_id == report.id, HelpRequest.resolved_at.is_(None))
            .values(text=report.help_needed)
        )
        return None
    found = await helpers(session, search, report.help_needed, report.project.id)
    request_id = await session.scalar(
        insert_for(session, HelpRequest)
        .values(
            report_id=report.id,
            project_id=report.project.id,
            text=report.help_needed,
            candidates=[{"kind": c.kind.value, "id": c.id} for c in found],
            opened_at=now,
        )
        .on_conflict_do_nothing(index_elements=["report_id"])
        .returning(HelpRequest.id)
    )
    return await request(session, request_id) if request_id is not None else None


async def withdrawn(session: AsyncSession, report_id: int) -> None:
    """A withdrawn report takes its request along while nobody was sent it yet (the secretariat's
    buttons then answer as out of date); one already forwarded stays for a leader to resolve, as
    its recipients may be answering."""
    forwarded = select(HelpForward.id).where(HelpForward.request_id == HelpRequest.id).exists()
    await session.execute(delete(HelpRequest).where(HelpRequest.report_id == report_id, ~forwarded))


async def helpers(session: AsyncSession, search: DirectorySearch, text: str, project_id: int) -> list[Target]:
    """Up to MAX_CANDIDATES organisations and people who could answer `text`, best first: cards
    whose kind, projects, "what I can help with" or description share its telling words; only
    those someone in the bot can answer for, and never the project's own leader organisation or
    leaders (nor their organisations)."""
    hits = await search.related(session, text, kinds=frozenset({"organisation", "person", "project"}), limit=SCAN)
    scores: dict[tuple[TargetKind, int], float] = {}

    def add(kind: TargetKind, id_: int, score: float) -> None:
        scores[(kind, id_)] = scores.get((kind, id_), 0.0) + score

    # The project's own card shares the words of its request by nature: its partners are no news.
    projects = {hit.doc.id: hit.score for hit in hits if hit.doc.kind == "project" and hit.doc.id != project_id}
    for hit in hits:
        if hit.doc.kind == "organisation":
            add(TargetKind.ORGANISATION, hit.doc.id, hit.score)
        elif hit.doc.kind == "person":
            add(TargetKind.PERSON, hit.doc.id, hit.score)
    if projects:
        rows = await session.execute(
            select(Project.id, Project.leader_id)
            .where(Project.id.in_(projects), Project.leader_id.is_not(None))
            .union_all(
                select(ProjectPartner.project_id, ProjectPartner.organisation_id).where(
                    ProjectPartner.project_id.in_(projects)
                )
            )
        )
        for found_project, organisation_id in rows.all():
            assert organisation_id is not None
            add(TargetKind.ORGANISATION, organisation_id, projects[found_project] * PROJECT_SHARE)
    own_people = {leader.id for leader in await project_leaders(session, project_id)}
    own_orgs = set(
        await session.scalars(
            select(Person.organisation_id).where(Person.id.in_(own_people), Person.organisation_id.is_not(None))
        )
    )
    if (leader_org := await session.scalar(select(Project.leader_id).where(Project.id == project_id))) is not None:
        own_orgs.add(leader_org)
    reachable_orgs, reachable_people = await _reachable(session)
    names = await _names(session, list(scores))
    ranked = sorted(scores, key=lambda key: (-scores[key], names[key].name if key in names else ""))
    found: list[Target] = []
    for kind, id_ in ranked:
        if kind == TargetKind.ORGANISATION and (id_ in own_orgs or id_ not in reachable_orgs):
            continue
        if kind == TargetKind.PERSON and (id_ in own_people or id_ not in reachable_people):
            continue
        if (kind, id_) in names:
            found.append(names[(kind, id_)])
    return found[:MAX_CANDIDATES]


def _linked() -> ColumnElement[bool]:
    """Who can be sent a request: active people in the bot who have not blocked it."""
    return and_(Person.status == "active", Account.blocked_bot.is_(False))


async def _reachable(session: AsyncSession) -> tuple[set[int], set[int]]:
    rows = (
        await session.execute(
            select(Person.id, Person.organisation_id).join(Account, Account.person_id == Person.id).where(_linked())
        )
    ).all()
    return {org for _, org in rows if org is not None}, {person for person, _ in rows}


async def _names(session: AsyncSession, keys: list[tuple[TargetKind, int]]) -> dict[tuple[TargetKind, int], Target]:
    """The targets still listed in the directory (not archived), by (kind, id)."""
    orgs = [id_ for kind, id_ in keys if kind == TargetKind.ORGANISATION]
    people = [id_ for kind, id_ in keys if kind == TargetKind.PERSON]
    rows = [
        *(
            Target(TargetKind.ORGANISATION, *row)
            for row in await session.execute(
                select(Organisation.id, Organisation.name, Organisation.name_en).where(
                    Organisation.id.in_(orgs), Organisation.archived_at.is_(None)
                )
            )
        ),
        *(
            Target(TargetKind.PERSON, *row)
            for row in await session.execute(
                select(Person.id, Person.name, Person.name_en).where(Person.id.in_(people), Person.status == "active")
            )
        ),
    ]
    return {(target.kind, target.id): target for target in rows}


# --- reading -----------------------------------------------------------------------------------


def _requests() -> Any:
    """Requests with their project's titles and the name of who sent the report, for _view."""
    return (
        select(HelpRequest, Project.title, Project.title_en, Person.name)
        .join(Project, Project.id == HelpRequest.project_id)
        .join(Report, Report.id == HelpRequest.report_id)
        .outerjoin(Person, Person.id == Report.person_id)
    )


async def request(session: AsyncSession, request_id: int) -> HelpView | None:
    row = (await session.execute(_requests().where(HelpRequest.id == request_id))).first()
    return await _view(session, *row) if row else None


async def _view(
    session: AsyncSession, row: HelpRequest, title: str, title_en: str | None, author: str | None
) -> HelpView:
    wanted = [(TargetKind(c["kind"]), int(c["id"])) for c in row.candidates or ()]
    names = await _names(session, wanted)
    forwarded = frozenset(
        (kind, target)
        for kind, target in await session.execute(
            select(HelpForward.kind, HelpForward.target_id).where(HelpForward.request_id == row.id)
        )
    )
    return HelpView(
        row.id,
        ProjectRef(row.project_id, title, title_en),
        row.report_id,
        author,
        row.text,
        [names[key] for key in wanted if key in names],
        forwarded,
        row.opened_at,
        row.resolved_at,
    )


async def open_requests(session: AsyncSession, project_id: int) -> list[HelpView]:
    """The project's requests not resolved yet, oldest first (as its card lists them)."""
    rows = await session.execute(
        _requests()
        .where(HelpRequest.project_id == project_id, HelpRequest.resolved_at.is_(None))
        .order_by(HelpRequest.opened_at, HelpRequest.id)
    )
    return [await _view(session, *row) for row in rows.all()]


# --- forwarding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forwarding:
    """sent (to `recipients`: those the request reaches for the first time) | already (sent to
    this target before, or each of its people got it through another) | closed (resolved) |
    unknown (no such request, or a target it does not offer: a forged button) | nobody (no one of
    the target is in the bot any longer) | away (everyone of the target is away today: /away
    pauses all but urgent announcements)."""

    outcome: str
    target: Target | None = None
    recipients: tuple[Recipient, ...] = ()


async def forward(
    session: AsyncSession,
    request_id: int,
    kind: TargetKind,
    target_id: int,
    *,
    by: int,
    now: datetime,
    today: date,
) -> Forwarding:
    """The request to the target's people in the bot who do not have it yet and are not away `today`."""
    view = await request(session, request_id)
    target = next((c for c in view.candidates if (c.kind, c.id) == (kind, target_id)), None) if view else None
    if view is None or target is None:
        return Forwarding("unknown")
    if not view.open:
        return Forwarding("closed", target)
    if (kind.value, target_id) in view.forwarded:
        return Forwarding("already", target)
    where = Person.organisation_id == target_id if kind == TargetKind.ORGANISATION else Person.id == target_id
    people = (
        await session.execute(
            select(Account.telegram_id, Person.id)
            .join(Account, Account.person_id == Person.id)
            .where(where, _linked())
            .order_by(Person.name)
        )
    ).all()
    if not people:
        return Forwarding("nobody", target)
    absent = await away.people_away(session, today)
    present = [(telegram_id, person_id) for telegram_id, person_id in people if person_id not in absent]
    if not present:
        return Forwarding("away", target)
    reached = set(
        await session.scalars(select(HelpRecipient.telegram_id).where(HelpRecipient.request_id == request_id))
    )
    new = [(telegram_id, person_id) for telegram_id, person_id in present if telegram_id not in reached]
    if not new:  # each of them has it already, through another target
        return Forwarding("already", target)
    forward_id = await session.scalar(
        insert_for(session, HelpForward)
        .values(request_id=request_id, kind=kind.value, target_id=target_id, forwarded_by=by, forwarded_at=now)
        .on_conflict_do_nothing(index_elements=["request_id", "kind", "target_id"])
        .returning(HelpForward.id)
    )
    if forward_id is None:  # another secretary's tap at the same moment
        return Forwarding("already", target)
    added = []
    for telegram_id, person_id in new:
        inserted = await session.scalar(
            insert_for(session, HelpRecipient)
            .values(request_id=request_id, telegram_id=telegram_id, person_id=person_id, forward_id=forward_id)
            .on_conflict_do_nothing(index_elements=["request_id", "telegram_id"])
            .returning(HelpRecipient.telegram_id)
        )
        if inserted is not None:
            added.append(Recipient(telegram_id, person_id))
    return Forwarding("sent", target, tuple(added))


# --- answers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """recorded | already (this recipient answered before: `answer` is that answer) | closed
    (resolved meanwhile) | unknown (not sent to them: a forged or foreign button)."""

    outcome: str
    answer: Answer | None = None
    person_id: int | None = None


async def answer(session: AsyncSession, request_id: int, telegram_id: int, choice: Answer, now: datetime) -> Answered:
    row = await session.get(HelpRecipient, (request_id, telegram_id))
    req = await session.get(HelpRequest, request_id)
    if row is None or req is None:
        return Answered("unknown")
    if row.answer is not None:
        return Answered("already", Answer(row.answer), row.person_id)
    if req.resolved_at is not None:
        return Answered("closed", None, row.person_id)
    done = await session.execute(
        update(HelpRecipient)
        .where(
            HelpRecipient.request_id == request_id,
            HelpRecipient.telegram_id == telegram_id,
            HelpRecipient.answer.is_(None),
        )
        .values(answer=choice.value, answered_at=now)
    )
    if not done.rowcount:  # type: ignore[attr-defined]  # a double tap answered meanwhile
        await session.refresh(row)
        return Answered("already", Answer(row.answer) if row.answer else None, row.person_id)
    return Answered("recorded", choice, row.person_id)


# --- resolving ---------------------------------------------------------------------------------


async def may_resolve(session: AsyncSession, project_id: int, person_id: int | None, *, secretariat: bool) -> bool:
    """The project's leaders resolve its requests, and the secretariat."""
    if secretariat:
        return True
    if person_id is None:
        return False
    leads = await session.scalar(
        select(func.count())
        .select_from(ProjectPerson)
        .where(
            ProjectPerson.project_id == project_id, ProjectPerson.person_id == person_id, ProjectPerson.role == "leader"
        )
    )
    return bool(leads)


async def resolve(session: AsyncSession, request_id: int, *, by: int, now: datetime) -> str:
    """resolved | already | unknown. Who may is the caller's to check (may_resolve)."""
    if await session.get(HelpRequest, request_id) is None:
        return "unknown"
    done = await session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by=by)
    )
    return "resolved" if done.rowcount else "already"  # type: ignore[attr-defined]


# --- who is who to whom ------------------------------------------------------------------------


async def contact(session: AsyncSession, person_id: int, looker: Looker) -> PersonContact | None:
    """The person's name and the contacts they show the looker (privacy.may_see)."""
    person = await session.get(Person, person_id)
    if person is None:
        return None
    shown = visible_contacts(
        person.id,
        list(person.phones or ()),
        list(person.emails or ()),
        person.phones_visibility,
        person.emails_visibility,
        looker,
    )
    return PersonContact(person.id, person.name, shown)


# --- totals (the digest) -----------------------------------------------------------------------


@dataclass(frozen=True)
class HelpTotals:
    opened: int
    answered: int  # whose first «can help» came in the period
    resolved: int


async def totals(session: AsyncSession, start: datetime, end: datetime) -> HelpTotals:
    """How many help requests were opened, first answered «can help», and resolved in [start, end)."""
    first_can = (
        select(func.min(HelpRecipient.answered_at).label("at"))
        .where(HelpRecipient.answer == Answer.CAN.value)
        .group_by(HelpRecipient.request_id)
        .subquery()
    )
    counts = [
        await session.scalar(select(func.count()).select_from(source).where(at >= start, at < end))
        for source, at in (
            (HelpRequest, HelpRequest.opened_at),
            (first_can, first_can.c.at),
            (HelpRequest, HelpRequest.resolved_at),
        )
    ]
    opened, answered, resolved = (n or 0 for n in counts)
    return HelpTotals(opened, answered, resolved)
