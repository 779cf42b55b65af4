"""Progress reports: who may report for which project, submitting (once per dialog), editing and
withdrawing within a window, history, project leaders, and the overview the digest and /status show."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.db_util import insert_for
from bot.services.directory import Page
from bot.services.reports.checkins import (
    Cadence,
    answers_from,
    cadences,
    drop_unsent,
    leader_chats,
    outbox_times,
    period_key,
    period_start,
)
from models import Account, HelpRequest, Person, PersonRole, Project, ProjectPerson, Report

if TYPE_CHECKING:
    from bot.settings import Settings

STATUSES = ("on_track", "at_risk", "blocked")
TROUBLE = ("at_risk", "blocked")
TEXT_LIMIT = 1000
MAX_ATTACHMENTS = 10


@dataclass(frozen=True)
class ProjectRef:
    id: int
    title: str
    title_en: str | None


@dataclass(frozen=True)
class ReportView:
    id: int
    project: ProjectRef
    author: str | None
    submitted_by: int
    on_behalf: bool
    status: str
    percent: int | None
    done: str
    next_steps: str | None
    help_needed: str | None
    attachments: list[dict[str, Any]]
    created_at: datetime
    local_day: date
    edited_at: datetime | None
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class Draft:
    """What a reporting dialog collected."""

    project_id: int
    status: str
    percent: int | None
    done: str
    next_steps: str | None
    help_needed: str | None
    attachments: list[dict[str, Any]] = field(default_factory=list)


# --- who reports ---------------------------------------------------------------------------


async def led_projects(session: AsyncSession, person_id: int | None) -> list[ProjectRef]:
    if person_id is None:
        return []
    rows = await session.execute(
        select(Project.id, Project.title, Project.title_en)
        .join(ProjectPerson, ProjectPerson.project_id == Project.id)
        .where(ProjectPerson.person_id == person_id, ProjectPerson.role == "leader", Project.archived_at.is_(None))
        .order_by(Project.title)
    )
    return [ProjectRef(r.id, r.title, r.title_en) for r in rows]


async def project_ref(session: AsyncSession, project_id: int) -> ProjectRef | None:
    project = await session.get(Project, project_id)
    return ProjectRef(project.id, project.title, project.title_en) if project else None


@dataclass(frozen=True)
class Reporting:
    """A project someone may report for; `on_behalf` when they report as the secretariat, for its leaders."""

    project: ProjectRef
    on_behalf: bool


async def reporting(
    session: AsyncSession, project_id: int, person_id: int | None, *, secretariat: bool
) -> Reporting | None:
    """A project's leaders report for it; the secretariat may report for any project. None when
    the person may not, or the project is gone or archived."""
    row = await session.get(Project, project_id)
    if row is None or row.archived_at is not None:
        return None
    project = ProjectRef(row.id, row.title, row.title_en)
    leads = any(p.id == project_id for p in await led_projects(session, person_id))
    return Reporting(project, on_behalf=not leads) if leads or secretariat else None


async def may_report(session: AsyncSession, project_id: int, person_id: int | None, *, secretariat: bool) -> bool:
    return await reporting(session, project_id, person_id, secretariat=secretariat) is not None


# --- submitting, editing, withdrawing --------------------------------------------------------


def edit_window(settings: Settings) -> timedelta:
    """How long the sender may edit or withdraw the report they sent."""
    return timedelta(hours=settings.report_edit_hours)


def _views_query() -> Any:
    return (
        select(Report, Project.title, Project.title_en, Person.name)
        .join(Project, Project.id == Report.project_id)
        .outerjoin(Person, Person.id == Report.person_id)
    )


def _view(row: Any) -> ReportView:
    r, title, title_en, author = row
    return ReportView(
        r.id,
        ProjectRef(r.project_id, title, title_en),
        author,
        r.submitted_by,
        r.on_behalf,
        r.status,
        r.percent,
        r.done,
        r.next_steps,
        r.help_needed,
        list(r.attachments or ()),
        r.created_at,
        r.local_day,
        r.edited_at,
        r.withdrawn_at,
    )


async def report(session: AsyncSession, report_id: int) -> ReportView | None:
    row = (await session.execute(_views_query().where(Report.id == report_id))).first()
    return _view(row) if row else None


async def submit(
    session: AsyncSession,
    token: str,
    draft: Draft,
    *,
    person_id: int | None,
    submitted_by: int,
    on_behalf: bool,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[ReportView, bool]:
    """Save the dialog's report; the same token a second time (a double tap, a redelivered
    update) saves nothing and returns the first one with False."""
    inserted = await session.scalar(
        insert_for(session, Report)
        .values(
            token=token,
            project_id=draft.project_id,
            person_id=person_id,
            submitted_by=submitted_by,
            on_behalf=on_behalf,
            status=draft.status,
            percent=draft.percent,
            done=draft.done,
            next_steps=draft.next_steps,
            help_needed=draft.help_needed,
            attachments=draft.attachments,
            created_at=now,
            local_day=now.astimezone(tz).date(),
        )
        .on_conflict_do_nothing(index_elements=["token"])
        .returning(Report.id)
    )
    report_id = inserted or await session.scalar(select(Report.id).where(Report.token == token))
    assert report_id is not None
    if inserted:
        await drop_unsent(session, draft.project_id)
    if inserted and on_behalf:
        audit.record(
            session,
            at=now,
            actor=submitted_by,
            action="report.on_behalf",
            target=f"project:{draft.project_id}",
            report=report_id,
        )
    view = await report(session, report_id)
    assert view is not None
    return view, inserted is not None


async def token_used(session: AsyncSession, token: str) -> bool:
    return await session.scalar(select(Report.id).where(Report.token == token)) is not None


async def editable(
    session: AsyncSession, report_id: int, by: int, now: datetime, window: timedelta
) -> ReportView | None:
    """The report if `by` sent it, it is their latest on its project, not withdrawn, and still
    within the window; otherwise None."""
    view = await report(session, report_id)
    if view is None or view.submitted_by != by or view.withdrawn_at is not None or now > view.created_at + window:
        return None
    latest = await session.scalar(
        select(func.max(Report.id)).where(
            Report.project_id == view.project.id, Report.submitted_by == by, Report.withdrawn_at.is_(None)
        )
    )
    return view if latest == view.id else None


async def amend(
    session: AsyncSession, report_id: int, draft: Draft, *, by: int, now: datetime, window: timedelta
) -> ReportView | None:
    if await editable(session, report_id, by, now, window) is None:
        return None
    await session.execute(
        update(Report)
        .where(Report.id == report_id)
        .values(
            status=draft.status,
            percent=draft.percent,
            done=draft.done,
            next_steps=draft.next_steps,
            help_needed=draft.help_needed,
            attachments=draft.attachments,
            edited_at=now,
        )
    )
    return await report(session, report_id)


async def withdraw(
    session: AsyncSession, report_id: int, *, by: int, now: datetime, window: timedelta
) -> ReportView | None:
    if await editable(session, report_id, by, now, window) is None:
        return None
    await session.execute(update(Report).where(Report.id == report_id).values(withdrawn_at=now))
    return await report(session, report_id)


# --- reading ---------------------------------------------------------------------------------


async def latest(session: AsyncSession, project_id: int) -> ReportView | None:
    row = (
        await session.execute(
            _views_query()
            .where(Report.project_id == project_id, Report.withdrawn_at.is_(None))
            .order_by(Report.created_at.desc(), Report.id.desc())
            .limit(1)
        )
    ).first()
    return _view(row) if row else None


async def last_plan(session: AsyncSession, project_id: int) -> ReportView | None:
    """The project's latest report as the next one starts from it: its help left out once the
    request was resolved (unless edited since to ask for something else)."""
    last = await latest(session, project_id)
    if last is None or not last.help_needed:
        return last
    resolved = await session.scalar(
        select(HelpRequest.text).where(HelpRequest.report_id == last.id, HelpRequest.resolved_at.is_not(None))
    )
    return replace(last, help_needed=None) if resolved == last.help_needed else last


async def history(session: AsyncSession, project_id: int, *, offset: int, limit: int) -> Page[ReportView]:
    live = (Report.project_id == project_id) & Report.withdrawn_at.is_(None)
    total = await session.scalar(select(func.count()).select_from(Report).where(live)) or 0
    rows = await session.execute(
        _views_query().where(live).order_by(Report.created_at.desc(), Report.id.desc()).offset(offset).limit(limit)
    )
    return Page([_view(r) for r in rows], total, offset, limit)


async def all_reports(session: AsyncSession, project_id: int | None = None) -> list[ReportView]:
    """For exports: every report (withdrawn ones too, marked so), oldest first."""
    query = _views_query().order_by(Report.created_at, Report.id)
    if project_id is not None:
        query = query.where(Report.project_id == project_id)
    return [_view(r) for r in await session.execute(query)]


# --- leaders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    telegram_id: int | None


async def project_leaders(session: AsyncSession, project_id: int) -> list[PersonRef]:
    rows = await session.execute(
        select(Person.id, Person.name, Account.telegram_id)
        .join(ProjectPerson, ProjectPerson.person_id == Person.id)
        .outerjoin(Account, Account.person_id == Person.id)
        .where(ProjectPerson.project_id == project_id, ProjectPerson.role == "leader")
        .order_by(Person.name)
    )
    return [PersonRef(r.id, r.name, r.telegram_id) for r in rows]


async def candidates(session: AsyncSession, project_id: int, *, offset: int, limit: int) -> Page[PersonRef]:
    """Active members who do not lead the project yet, by name."""
    leading = select(ProjectPerson.person_id).where(
        ProjectPerson.project_id == project_id, ProjectPerson.role == "leader"
    )
    members = select(PersonRole.person_id).distinct()
    where = (Person.status == "active") & Person.id.in_(members) & Person.id.not_in(leading)
    total = await session.scalar(select(func.count()).select_from(Person).where(where)) or 0
    rows = await session.execute(
        select(Person.id, Person.name, Account.telegram_id)
        .outerjoin(Account, Account.person_id == Person.id)
        .where(where)
        .order_by(Person.name)
        .offset(offset)
        .limit(limit)
    )
    return Page([PersonRef(r.id, r.name, r.telegram_id) for r in rows], total, offset, limit)


async def set_leader(
    session: AsyncSession, project_id: int, person_id: int, *, leader: bool, actor: int, now: datetime
) -> PersonRef | None:
    """Make a member a leader of the project, or stop; None when the person or project is gone
    (or, to add, is not an active member). Audited."""
    person = await session.get(Person, person_id)
    if person is None or await session.get(Project, project_id) is None:
        return None
    if leader:
        is_member = await session.scalar(
            select(func.count()).select_from(PersonRole).where(PersonRole.person_id == person_id)
        )
        if person.status != "active" or not is_member:
            return None
        await session.execute(
            insert_for(session, ProjectPerson)
            .values(project_id=project_id, person_id=person_id, role="leader")
            .on_conflict_do_nothing(index_elements=["project_id", "person_id", "role"])
        )
    else:
        await session.execute(
            delete(ProjectPerson).where(
                ProjectPerson.project_id == project_id,
                ProjectPerson.person_id == person_id,
                ProjectPerson.role == "leader",
            )
        )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="leader.add" if leader else "leader.remove",
        target=f"project:{project_id}",
        person=person_id,
    )
    telegram_id = await session.scalar(select(Account.telegram_id).where(Account.person_id == person_id))
    return PersonRef(person.id, person.name, telegram_id)


# --- overview (digest and /status) -----------------------------------------------------------


INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class ProjectStatus:
    project: ProjectRef
    status: str | None  # the latest report's, None if never reported
    previous: str | None  # the latest before the current period
    percent: int | None
    reported_at: datetime | None
    reported_now: bool  # in the current period
    active: bool  # check-ins are on
    missing: list[str]  # leaders who owe the current period's report
    has_leaders: bool
    help_needed: str | None

    @property
    def turned(self) -> bool:
        """Into trouble since the last period (or worse than it was)."""
        return (
            self.status in TROUBLE
            and self.reported_now
            and (self.previous is None or STATUSES.index(self.status) > STATUSES.index(self.previous))
        )


@dataclass(frozen=True)
class Overview:
    trouble: list[ProjectStatus]  # at risk or blocked, the ones that turned so first
    projects: list[ProjectStatus]  # every project with leaders or a report
    silent: list[ProjectStatus]  # current period unreported, with leaders who owe it
    leaderless: list[ProjectRef]  # check-ins on but nobody to ask


async def overview(
    session: AsyncSession, now: datetime, tz: ZoneInfo, *, default: Cadence, default_language: str, closed: bool = False
) -> Overview:
    """Every project's state in its current period, or with `closed` (the digest) in the period
    that closed last: its reports up to that period's end, who did not report for it."""
    plans = await cadences(session, default)
    refs = {
        r.id: ProjectRef(r.id, r.title, r.title_en)
        for r in await session.execute(
            select(Project.id, Project.title, Project.title_en).where(Project.archived_at.is_(None))
        )
    }
    chats = await leader_chats(session, default_language)
    leaders: dict[int, list[str]] = {}
    for lc in chats:
        leaders.setdefault(lc.project_id, []).append(lc.name)
    asked: set[tuple[int, str]] | None = None
    if closed:
        # A closed period is owed only by those who were asked for it (or cannot be asked: not
        # in Telegram): a leader appointed since, or paused then, owes nothing for it.
        keys = {}
        for lc in chats:
            cur = period_start(plans.get(lc.project_id, default), now, tz)
            start = period_start(plans.get(lc.project_id, default), cur - INSTANT, tz) if cur else None
            if start is not None:
                keys[f"checkin:{lc.project_id}:{period_key(start)}:{lc.person_id}"] = lc
        prompted = await outbox_times(session, list(keys))
        asked = {
            (lc.project_id, lc.name)
            for key, lc in keys.items()
            if key in prompted or lc.telegram_id is None and not lc.paused_until
        }
    reports: dict[int, list[Report]] = {}
    for r in await session.scalars(
        select(Report)
        .where(Report.withdrawn_at.is_(None), Report.created_at <= now)
        .order_by(Report.created_at, Report.id)
    ):
        reports.setdefault(r.project_id, []).append(r)
    # The help a leader or the secretariat marked resolved is not asked for any more (a report
    # edited since to ask for something else still is: a resolved request keeps its words).
    resolved = {
        report_id: text
        for report_id, text in await session.execute(
            select(HelpRequest.report_id, HelpRequest.text).where(HelpRequest.resolved_at.is_not(None))
        )
    }
    rows: list[ProjectStatus] = []
    for pid, ref in refs.items():
        cadence = plans.get(pid, default)
        start = period_start(cadence, now, tz)
        mine = reports.get(pid, [])
        # A project with check-ins off compares with the default weekly period.
        boundary = start or period_start(default, now, tz) or now
        if closed:
            end = boundary
            start = period_start(cadence, end - INSTANT, tz) if start else None
            boundary = start or period_start(default, end - INSTANT, tz) or end
            mine = [r for r in mine if r.created_at < end]
        if start is None and not mine:
            continue
        last = mine[-1] if mine else None
        # A report made shortly before a period opens answers it too (see checkins.answers_from).
        reported_now = bool(last and start and last.created_at >= answers_from(start))
        before = [r for r in mine if r.created_at < answers_from(boundary)]
        rows.append(
            ProjectStatus(
                ref,
                last.status if last else None,
                before[-1].status if before else None,
                last.percent if last else None,
                last.created_at if last else None,
                reported_now,
                start is not None,
                []
                if reported_now or start is None
                else [name for name in leaders.get(pid, []) if asked is None or (pid, name) in asked],
                bool(leaders.get(pid)),
                last.help_needed if last and reported_now and resolved.get(last.id) != last.help_needed else None,
            )
        )
    rows.sort(key=lambda s: s.project.title.lower())
    trouble = sorted(
        (s for s in rows if s.status in TROUBLE),
        key=lambda s: (not s.turned, -STATUSES.index(s.status or "on_track"), s.project.title.lower()),
    )
    silent = [s for s in rows if s.missing]
    leaderless = [s.project for s in rows if s.active and not s.has_leaders]
    # A project nobody leads and nobody reported on has no status to show: it is only counted.
    return Overview(trouble, [s for s in rows if s.has_leaders or s.status], silent, leaderless)


async def has_anything(session: AsyncSession) -> bool:
    """Whether a digest has anything to say: someone leads a project or someone reported."""
    led = await session.scalar(select(func.count()).select_from(ProjectPerson).where(ProjectPerson.role == "leader"))
    return bool(led) or bool(await session.scalar(select(func.count()).select_from(Report)))


@dataclass(frozen=True)
class StatusGrid:
    """Each project's status week by week: the latest report of that week, None if none; projects
    whose latest status is worst come first, at most `limit` of `total`."""

    weeks: list[datetime]
    projects: list[ProjectRef]
    cells: list[list[str | None]]
    total: int


async def status_grid(session: AsyncSession, now: datetime, tz: ZoneInfo, *, weeks: int, limit: int) -> StatusGrid:
    this_week = period_start(Cadence("weekly", 0, 0), now, tz)
    assert this_week is not None
    starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    rows = (
        await session.execute(
            select(Report.project_id, Report.status, Report.created_at, Project.title, Project.title_en)
            .join(Project, Project.id == Report.project_id)
            .where(Report.withdrawn_at.is_(None), Report.created_at >= starts[0], Report.created_at <= now)
            .order_by(Report.created_at, Report.id)
        )
    ).all()
    latest = {r.project_id: r.status for r in rows}  # rows are in time order: the last one wins
    refs = sorted(
        {ProjectRef(r.project_id, r.title, r.title_en) for r in rows},
        key=lambda p: (-STATUSES.index(latest[p.id]), p.title.lower()),
    )
    shown = refs[:limit]
    index = {p.id: n for n, p in enumerate(shown)}
    cells: list[list[str | None]] = [[None] * weeks for _ in shown]
    for r in rows:
        if r.project_id in index:
            week = max(n for n, s in enumerate(starts) if r.created_at >= s)
            cells[index[r.project_id]][week] = r.status
    return StatusGrid(starts, shown, cells, len(refs))
