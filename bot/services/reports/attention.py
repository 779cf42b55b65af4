"""Projects that went quiet or stuck, how punctually each project reports, and the digest's totals.

A project's periods are its check-in periods (checkins.period_start; with check-ins off, the
default ones, in which nothing is due). A closed period was due when its leaders were asked for it (a `checkin:` prompt
went out, which already skips pauses and days off) or it was reported anyway. It was reported on
time when a report answered it before the nudge would fall due — the prompt plus
REPORT_NUDGE_HOURS, moved past days off of the cluster's calendar — late when later within the
period, missed when not at all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import help_requests, text_norm, workdays
from bot.services.help_requests import HelpTotals
from bot.services.reports import INSTANT, ProjectRef
from bot.services.reports.checkins import (
    EARLY,
    Cadence,
    cadences,
    default_cadence,
    leader_chats,
    outbox_times,
    period_key,
    period_start,
)
from models import Project, ProjectPerson, Report, RoadmapEvent, RoadmapItem, RoadmapOwner

if TYPE_CHECKING:
    from bot.settings import Settings

# /status shows this many closed periods of each project as marks.
MARK_PERIODS = 8
# Two texts this alike (their word keys, text_norm, compared letter by letter, so that «нужны» and
# «нужен», stemmed apart, still nearly match) are the same blocker or request said again.
ALIKE = 0.85
ON_TIME, LATE, MISSED = "on_time", "late", "missed"


@dataclass(frozen=True)
class Rules:
    default: Cadence
    tz: ZoneInfo
    stale_periods: int
    nudge_after: timedelta
    calendar: str
    default_language: str


def rules_of(settings: Settings) -> Rules:
    return Rules(
        default_cadence(settings),
        settings.tz,
        settings.stale_periods,
        timedelta(hours=settings.report_nudge_hours),
        settings.work_calendar,
        settings.default_language,
    )


@dataclass(frozen=True)
class OverdueItem:
    number: int
    title: str
    deadline: datetime


@dataclass(frozen=True)
class Reason:
    """Why a project needs attention. kind: stale (no report for `periods` due periods), blocked
    (blocked by the same `text` in `periods` reports in a row), help (the same request `text`),
    percent (`percent` unchanged over `periods` periods while on track), overdue (`items`)."""

    kind: str
    periods: int = 0
    text: str | None = None
    percent: int | None = None
    items: tuple[OverdueItem, ...] = ()


@dataclass(frozen=True)
class Attention:
    project: ProjectRef
    reasons: list[Reason]


@dataclass(frozen=True)
class Punctuality:
    """Marks of the project's last closed periods, oldest first: ON_TIME, LATE, MISSED, or None
    for a period nobody was asked for."""

    project: ProjectRef
    marks: list[str | None]

    @property
    def due(self) -> int:
        return sum(mark is not None for mark in self.marks)

    @property
    def on_time(self) -> int:
        return self.marks.count(ON_TIME)


@dataclass(frozen=True)
class Review:
    attention: list[Attention]  # by project title; projects with nothing to flag are left out
    punctuality: list[Punctuality]  # projects with a period due among the last MARK_PERIODS


@dataclass(frozen=True)
class Totals:
    """The cluster over the digest's period."""

    due: int  # project periods that closed within it and were due
    on_time: int
    late: int
    roadmap_done: int
    roadmap_overdue: int  # open and past the deadline now
    roadmap_moved: int  # items whose deadline was changed within it
    help: HelpTotals


# --- each project's history ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    start: datetime
    end: datetime
    asked_at: datetime | None  # the first prompt for it
    reported_at: datetime | None  # the first report answering it


@dataclass(frozen=True)
class _History:
    project: ProjectRef
    cadence: Cadence
    periods: list[_Period]  # closed, oldest first
    reported_now: bool  # the open period is answered already
    reports: list[Report]  # the latest of each period it reported in, oldest first


def _starts(cadence: Cadence, now: datetime, tz: ZoneInfo, count: int) -> list[datetime]:
    """The starts of the `count` periods that closed last and of the open one, oldest first."""
    start = period_start(cadence, now, tz)
    assert start is not None
    starts = [start]
    for _ in range(count):
        before = period_start(cadence, starts[0] - INSTANT, tz)
        assert before is not None
        starts.insert(0, before)
    return starts


def _mark(period: _Period, rules: Rules) -> str | None:
    if period.reported_at is None:
        return MISSED if period.asked_at else None
    if period.asked_at is None:  # answered before anyone had to ask
        return ON_TIME
    nudge = workdays.moved_forward(period.asked_at + rules.nudge_after, rules.calendar, rules.tz)
    return ON_TIME if period.reported_at < nudge else LATE


async def _histories(session: AsyncSession, now: datetime, rules: Rules, count: int) -> list[_History]:
    """Every project, over its last `count` closed periods. One with check-ins off is judged by the
    default periods: its reports still repeat or stall, but nobody was asked, so nothing is due."""
    plans = {
        pid: plan if plan.active else rules.default for pid, plan in (await cadences(session, rules.default)).items()
    }
    projects = {
        r.id: ProjectRef(r.id, r.title, r.title_en)
        for r in await session.execute(
            select(Project.id, Project.title, Project.title_en).where(Project.archived_at.is_(None))
        )
    }
    starts = {pid: _starts(plans.get(pid, rules.default), now, rules.tz, count) for pid in projects}
    # A leader since replaced was asked too, but only the current leaders' prompts are looked up.
    keys = {
        f"checkin:{lc.project_id}:{period_key(start)}:{lc.person_id}": (lc.project_id, start)
        for lc in await leader_chats(session, rules.default_language)
        if lc.project_id in starts
        for start in starts[lc.project_id][:-1]
    }
    asked: dict[tuple[int, datetime], datetime] = {}
    for key, at in (await outbox_times(session, list(keys))).items():
        asked[keys[key]] = min(at, asked.get(keys[key], at))
    reports: dict[int, dict[datetime, Report]] = defaultdict(dict)
    first: dict[tuple[int, datetime], datetime] = {}
    for r in await session.scalars(
        select(Report)
        .where(Report.withdrawn_at.is_(None), Report.created_at <= now, Report.project_id.in_(list(projects)))
        .order_by(Report.created_at, Report.id)
    ):
        # A report shortly before a period opens answers that period (checkins.answers_from).
        start = period_start(plans.get(r.project_id, rules.default), r.created_at + EARLY, rules.tz)
        assert start is not None
        reports[r.project_id][start] = r
        first.setdefault((r.project_id, start), r.created_at)
    histories = []
    for pid, project in projects.items():
        bounds = starts[pid]
        periods = [
            _Period(start, end, asked.get((pid, start)), first.get((pid, start)))
            for start, end in zip(bounds, bounds[1:], strict=False)
        ]
        answered_now = (pid, bounds[-1]) in first
        histories.append(
            _History(project, plans.get(pid, rules.default), periods, answered_now, list(reports[pid].values()))
        )
    return histories


# --- what needs attention ------------------------------------------------------------------------


def alike(a: str, b: str) -> bool:
    """The same text, give or take word forms, case, punctuation and small edits."""
    ka, kb = text_norm.keys(a), text_norm.keys(b)
    if not ka or not kb:
        return text_norm.fold_case(a.strip()) == text_norm.fold_case(b.strip())
    return SequenceMatcher(None, " ".join(ka), " ".join(kb)).ratio() >= ALIKE


def _repeated(reports: list[Report], text_of: str) -> tuple[int, str | None]:
    """How many reports in a row, up to the latest, say the same `text_of` (blocker or help)."""
    texts = [_text(r, text_of) for r in reports]
    if not texts or texts[-1] is None:
        return 0, None
    last = texts[-1]
    run = 0
    for text in reversed(texts):
        if text is None or not alike(text, last):
            break
        run += 1
    return run, last


def _text(report: Report, kind: str) -> str | None:
    if kind == "help":
        return report.help_needed or None
    # What blocks a blocked project is what it asks help with, or else what it says was done.
    return (report.help_needed or report.done) if report.status == "blocked" else None


def _stale(history: _History) -> int:
    """How many due periods in a row, up to the last closed one, went unreported (0 when the open
    period is answered already)."""
    if history.reported_now:
        return 0
    run = 0
    for period in reversed(history.periods):
        if period.reported_at is not None:
            break
        run += period.asked_at is not None
    return run


def _periods_between(cadence: Cadence, earlier: datetime, later: datetime, tz: ZoneInfo) -> int:
    """How many period starts lie after `earlier`'s period, up to `later`'s."""
    target = period_start(cadence, earlier, tz)
    start = period_start(cadence, later, tz)
    steps = 0
    while start is not None and target is not None and start > target:
        start = period_start(cadence, start - INSTANT, tz)
        steps += 1
    return steps


def _stuck_percent(history: _History, tz: ZoneInfo) -> tuple[int, int | None]:
    """Over how many periods the percent stayed where it is, when the latest report is on track."""
    reports = history.reports
    if not reports or reports[-1].status != "on_track" or reports[-1].percent in (None, 100):
        return 0, None
    percent = reports[-1].percent
    earliest = reports[-1]
    for r in reversed(reports):
        if r.percent != percent:
            break
        earliest = r
    periods = _periods_between(history.cadence, earliest.created_at + EARLY, reports[-1].created_at + EARLY, tz)
    return periods, percent


async def _overdue(session: AsyncSession, now: datetime, project_ids: list[int]) -> dict[int, list[OverdueItem]]:
    """Open roadmap items past their deadline owned by a project's organisation or a leader of it."""
    leaders = select(ProjectPerson.project_id, ProjectPerson.person_id).where(ProjectPerson.role == "leader").subquery()
    rows = await session.execute(
        select(Project.id, RoadmapItem.number, RoadmapItem.title, RoadmapItem.deadline)
        .select_from(RoadmapItem)
        .join(RoadmapOwner, RoadmapOwner.item_id == RoadmapItem.id)
        .outerjoin(leaders, leaders.c.person_id == RoadmapOwner.person_id)
        .join(
            Project,
            or_(
                (Project.leader_id == RoadmapOwner.organisation_id) & RoadmapOwner.organisation_id.is_not(None),
                Project.id == leaders.c.project_id,
            ),
        )
        .where(
            RoadmapItem.status == "open",
            RoadmapItem.deadline.is_not(None),
            RoadmapItem.deadline < now,
            Project.id.in_(project_ids),
        )
        .distinct()
        .order_by(RoadmapItem.deadline, RoadmapItem.number)
    )
    found: dict[int, list[OverdueItem]] = defaultdict(list)
    for pid, number, title, deadline in rows:
        assert deadline is not None  # selected so
        found[pid].append(OverdueItem(number, title, deadline))
    return found


async def review(session: AsyncSession, now: datetime, rules: Rules) -> Review:
    """What needs attention now, and each project's punctuality over its last MARK_PERIODS."""
    return await _review(session, now, rules, await _reviewed(session, now, rules))


async def digest(
    session: AsyncSession, start: datetime, end: datetime, now: datetime, rules: Rules
) -> tuple[Review, Totals]:
    """The digest's review and its figures for [start, end), from one reading of the histories
    (the figures look only at the periods that closed within it, which any history holds)."""
    histories = await _reviewed(session, now, rules)
    return await _review(session, now, rules, histories), await _totals(session, start, end, now, rules, histories)


async def _reviewed(session: AsyncSession, now: datetime, rules: Rules) -> list[_History]:
    return await _histories(session, now, rules, max(MARK_PERIODS, rules.stale_periods))


async def _review(session: AsyncSession, now: datetime, rules: Rules, histories: list[_History]) -> Review:
    titles = {h.project.id: h.project for h in histories}
    overdue = await _overdue(session, now, list(titles))
    reasons: dict[int, list[Reason]] = defaultdict(list)
    n = rules.stale_periods
    for h in histories:
        pid = h.project.id
        if (missed := _stale(h)) >= n:
            reasons[pid].append(Reason("stale", periods=missed))
        blocked, blocker = _repeated(h.reports, "blocked")
        asked, request = _repeated(h.reports, "help")
        if blocked >= n:
            reasons[pid].append(Reason("blocked", periods=blocked, text=blocker))
        elif asked >= n:
            reasons[pid].append(Reason("help", periods=asked, text=request))
        periods, percent = _stuck_percent(h, rules.tz)
        if periods >= n:
            reasons[pid].append(Reason("percent", periods=periods, percent=percent))
    for pid, items in overdue.items():
        reasons[pid].append(Reason("overdue", items=tuple(items)))
    attention = sorted(
        (Attention(titles[pid], found) for pid, found in reasons.items()), key=lambda a: a.project.title.lower()
    )
    punctuality = sorted(
        (
            row
            for h in histories
            if (row := Punctuality(h.project, [_mark(p, rules) for p in h.periods[-MARK_PERIODS:]])).due
        ),
        key=lambda p: p.project.title.lower(),
    )
    return Review(attention, punctuality)


# --- the digest's totals -------------------------------------------------------------------------


async def _totals(
    session: AsyncSession, start: datetime, end: datetime, now: datetime, rules: Rules, histories: list[_History]
) -> Totals:
    """Reports due and on time over the project periods that closed within [start, end) — a
    monthly project counts in the digest of the week its month ended — and the roadmap then."""
    marks = [_mark(p, rules) for h in histories for p in h.periods if start < p.end <= end]
    done = await session.scalar(
        select(func.count(func.distinct(RoadmapEvent.item_id))).where(
            RoadmapEvent.kind == "done", RoadmapEvent.at >= start, RoadmapEvent.at < end
        )
    )
    overdue = await session.scalar(
        select(func.count())
        .select_from(RoadmapItem)
        .where(RoadmapItem.status == "open", RoadmapItem.deadline.is_not(None), RoadmapItem.deadline < now)
    )
    moved = await _moved(session, start, end)
    return Totals(
        due=sum(m is not None for m in marks),
        on_time=marks.count(ON_TIME),
        late=marks.count(LATE),
        roadmap_done=done or 0,
        roadmap_overdue=overdue or 0,
        roadmap_moved=moved,
        help=await help_requests.totals(session, start, end),
    )


async def _moved(session: AsyncSession, start: datetime, end: datetime) -> int:
    """Items whose deadline was set within [start, end) when it had been set before: the first
    deadline set (on creation, by an import) is no move."""
    rows = await session.execute(
        select(RoadmapEvent.item_id, RoadmapEvent.at)
        .where(RoadmapEvent.kind == "deadline", RoadmapEvent.at < end)
        .order_by(RoadmapEvent.at, RoadmapEvent.id)
    )
    seen: set[int] = set()
    moved: set[int] = set()
    for item_id, at in rows:
        if item_id in seen and at >= start:
            moved.add(item_id)
        seen.add(item_id)
    return len(moved)
