"""Check-in periods and what a tick owes: a prompt per silent leader when a project's period
opens, one nudge later, and the weekly digest to the secretariat.

Everything is derived from the database and the clock: cadences, reports, pauses and the outbox
keys of what was already decided (`checkin:…`, `nudge:…`, `digest:…`), so ticking twice, after a
restart or on a second instance adds nothing new."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import String, any_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import away, workdays
from bot.services.access import pick_language
from models import Account, CheckinPause, OutboxMessage, Person, Project, ProjectCadence, ProjectPerson, Report

if TYPE_CHECKING:
    from bot.settings import Settings

FREQUENCIES = ("weekly", "biweekly", "monthly", "off")
# Fortnights are counted from this Monday, so "every two weeks" means the same weeks for everyone.
FORTNIGHT_EPOCH = date(2024, 1, 1)
MONTH_DAYS = 28


@dataclass(frozen=True)
class Cadence:
    frequency: str
    day: int  # weekday 0..6, or day of the month 1..28 when monthly
    hour: int

    @property
    def active(self) -> bool:
        return self.frequency != "off"


def period_start(cadence: Cadence, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The start of the period `now` falls in (aware, in `tz`); None when check-ins are off."""
    local = now.astimezone(tz)
    at = time(cadence.hour)
    if cadence.frequency in ("weekly", "biweekly"):
        day = local.date() - timedelta(days=(local.weekday() - cadence.day) % 7)
        start = datetime.combine(day, at, tz)
        if start > local:
            start = datetime.combine(day - timedelta(days=7), at, tz)
        if cadence.frequency == "biweekly" and ((start.date() - FORTNIGHT_EPOCH).days // 7) % 2:
            start = datetime.combine(start.date() - timedelta(days=7), at, tz)
        return start
    if cadence.frequency == "monthly":
        start = datetime.combine(local.date().replace(day=cadence.day), at, tz)
        if start > local:
            month_before = local.date().replace(day=1) - timedelta(days=1)
            start = datetime.combine(month_before.replace(day=cadence.day), at, tz)
        return start
    return None


# A report made this long before a period opens answers that period too: a leader who reports
# on Monday morning before the 10:00 prompt is not asked again an hour later.
EARLY = timedelta(hours=24)


def answers_from(start: datetime) -> datetime:
    """The earliest moment a report counts for the period starting at `start`."""
    return start - EARLY


def opens_soon(cadence: Cadence, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The start of the next period when it opens within EARLY (a report now answers it too)."""
    current, ahead = period_start(cadence, now, tz), period_start(cadence, now + EARLY, tz)
    return ahead if ahead is not None and ahead != current else None


def next_start(cadence: Cadence, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When the next period opens (its prompt goes out then); None when check-ins are off."""
    current = period_start(cadence, now, tz)
    if current is None:
        return None
    for days in range(1, 63):
        start = period_start(cadence, now + timedelta(days=days), tz)
        if start is not None and start != current:
            return start
    return None


def closes_too_soon(cadence: Cadence, start: datetime, now: datetime, tz: ZoneInfo, window: timedelta) -> bool:
    """Whether the period that opened at `start` closes too soon to ask about it now: within
    `window` (the wait before a nudge), or within half the period if that is shorter. A leader
    assigned at 09:43 is not asked about the week closing at 10:00, minutes before the next
    week's prompt."""
    end = next_start(cadence, now, tz)
    return end is not None and end - now < min(window, (end - start) / 2)


def period_key(start: datetime) -> str:
    """A period is named by its first local day: stable across restarts and readable in keys."""
    return start.date().isoformat()


def weekly_time(now: datetime, tz: ZoneInfo, day: int, hour: int) -> datetime:
    """The latest moment of a weekly (weekday, hour) at or before `now`: the digest's, the roadmap
    nudge's."""
    return period_start(Cadence("weekly", day, hour), now, tz)  # type: ignore[return-value]


# A weekly message this late is not sent at all (a bot started on a Friday does not send
# Tuesday's digest, nor last week's roadmap nudge just before this week's).
WEEKLY_GRACE = timedelta(days=1)


def weekly_due(now: datetime, tz: ZoneInfo, day: int, hour: int, calendar: str) -> datetime | None:
    """The latest weekly (weekday, hour) moment — it names the message — when that message is
    due now: it goes out then, or on the next working day of `calendar` when that day is a day
    off, and not when it is more than WEEKLY_GRACE late."""
    at = weekly_time(now, tz, day, hour)
    goes_out = workdays.moved_forward(at, calendar, tz)
    return at if goes_out <= now <= goes_out + WEEKLY_GRACE else None


def default_cadence(settings: Settings) -> Cadence:
    """A project's cadence until the secretariat sets its own: weekly, on the configured day and hour."""
    return Cadence("weekly", settings.report_checkin_day, settings.report_checkin_hour)


async def cadences(session: AsyncSession, default: Cadence) -> dict[int, Cadence]:
    """Every project's cadence, the default where none was set."""
    rows = await session.execute(
        select(Project.id, ProjectCadence.frequency, ProjectCadence.day, ProjectCadence.hour).outerjoin(
            ProjectCadence, ProjectCadence.project_id == Project.id
        )
    )
    return {r.id: Cadence(r.frequency, r.day, r.hour) if r.frequency else default for r in rows}


async def cadence_of(session: AsyncSession, project_id: int, default: Cadence) -> Cadence:
    row = await session.get(ProjectCadence, project_id)
    return Cadence(row.frequency, row.day, row.hour) if row else default


@dataclass(frozen=True)
class LeaderChat:
    project_id: int
    person_id: int
    name: str
    telegram_id: int | None
    language: str
    paused_until: date | None


async def leader_chats(session: AsyncSession, default_language: str) -> list[LeaderChat]:
    """Every active leader of every project not archived, with their chat, language and pause: one query."""
    query = (
        select(
            ProjectPerson.project_id,
            Person.id,
            Person.name,
            Account.telegram_id,
            Account.language,
            Account.telegram_language,
            Account.blocked_bot,
            CheckinPause.until,
        )
        .join(Person, Person.id == ProjectPerson.person_id)
        .join(Project, Project.id == ProjectPerson.project_id)
        .outerjoin(Account, Account.person_id == Person.id)
        .outerjoin(CheckinPause, CheckinPause.person_id == Person.id)
        .where(ProjectPerson.role == "leader", Person.status == "active", Project.archived_at.is_(None))
        .order_by(ProjectPerson.project_id, Person.name)
    )
    return [
        LeaderChat(
            r.project_id,
            r.id,
            r.name,
            None if r.blocked_bot else r.telegram_id,
            pick_language(r.language, r.telegram_language, default_language),
            r.until,
        )
        for r in await session.execute(query)
    ]


async def reported_since(session: AsyncSession, since: datetime) -> dict[int, list[datetime]]:
    """When each project was reported on (withdrawn reports do not count), from `since` on."""
    found: dict[int, list[datetime]] = defaultdict(list)
    rows = await session.execute(
        select(Report.project_id, Report.created_at).where(Report.created_at >= since, Report.withdrawn_at.is_(None))
    )
    for project_id, created_at in rows:
        found[project_id].append(created_at)
    return found


async def outbox_times(session: AsyncSession, keys: list[str]) -> dict[str, datetime]:
    """When each of these keys was decided (enqueued), for those that were."""
    query = select(OutboxMessage.key, OutboxMessage.created_at)
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter: PostgreSQL compares a list of hundreds of parameters row by row
        # (0.16 s per 500 keys on a few thousand rows), an array it probes by the unique index or a hash.
        rows = await session.execute(
            query.where(OutboxMessage.key == any_(bindparam("keys", keys, type_=ARRAY(String))))
        )
        return {key: at for key, at in rows}
    found: dict[str, datetime] = {}
    for start in range(0, len(keys), 500):  # SQLite caps bound parameters
        rows = await session.execute(query.where(OutboxMessage.key.in_(keys[start : start + 500])))
        found.update({key: at for key, at in rows})
    return found


async def drop_unsent(session: AsyncSession, project_id: int) -> None:
    """A report on the project answers its prompts and nudges still waiting in the outbox (held
    while their leader was in a dialog, often the very report): they are not sent after it."""
    await session.execute(
        update(OutboxMessage)
        .where(
            or_(
                OutboxMessage.key.startswith(f"checkin:{project_id}:"),
                OutboxMessage.key.startswith(f"nudge:{project_id}:"),
            ),
            OutboxMessage.status == "pending",
        )
        .values(status="cancelled")
    )


@dataclass(frozen=True)
class Due:
    """A prompt or nudge owed to one leader for one project's period."""

    kind: str  # checkin | nudge
    key: str
    project_id: int
    period: str
    period_start: datetime
    chat_id: int
    language: str


async def due_prompts(
    session: AsyncSession,
    now: datetime,
    tz: ZoneInfo,
    *,
    default: Cadence,
    nudge_after: timedelta,
    default_language: str,
    calendar: str | None = None,
) -> list[Due]:
    """Prompts for periods that are open and unreported, nudges for prompts left unanswered
    for `nudge_after`; never one already decided, never to a paused or unreachable leader.
    With a `calendar` (the cluster's), a prompt or nudge falling on a day off of the leader's
    calendar (their organisation's country, else this one) waits for their next working day."""
    plans = await cadences(session, default)
    starts = {pid: start for pid, c in plans.items() if (start := period_start(c, now, tz)) is not None}
    if not starts:
        return []
    leaders = [
        lc
        for lc in await leader_chats(session, default_language)
        if lc.project_id in starts and lc.telegram_id is not None
    ]
    if not leaders:
        return []
    reported = await reported_since(session, answers_from(min(starts.values())))
    today = now.astimezone(tz).date()
    silent = [
        lc
        for lc in leaders
        if not any(at >= answers_from(starts[lc.project_id]) for at in reported.get(lc.project_id, ()))
        and not (lc.paused_until and lc.paused_until >= today)
    ]

    def key(kind: str, lc: LeaderChat) -> str:
        return f"{kind}:{lc.project_id}:{period_key(starts[lc.project_id])}:{lc.person_id}"

    decided = await outbox_times(session, [key(kind, lc) for lc in silent for kind in ("checkin", "nudge")])
    calendars = await workdays.people_calendars(session, (lc.person_id for lc in silent), calendar) if calendar else {}
    closing: dict[int, bool] = {}
    due: list[Due] = []
    for lc in silent:
        prompted = decided.get(key("checkin", lc))
        if prompted is None:
            kind = "checkin"
        elif key("nudge", lc) not in decided and now >= prompted + nudge_after:
            kind = "nudge"
        else:
            continue
        start = starts[lc.project_id]
        if lc.person_id in calendars:
            planned = start if prompted is None else prompted + nudge_after
            if now < workdays.moved_forward(planned, calendars[lc.person_id], tz):
                continue
        if lc.project_id not in closing:
            closing[lc.project_id] = closes_too_soon(plans[lc.project_id], start, now, tz, nudge_after)
        if closing[lc.project_id]:
            continue
        assert lc.telegram_id is not None
        due.append(Due(kind, key(kind, lc), lc.project_id, period_key(start), start, lc.telegram_id, lc.language))
    return due


async def project_titles(session: AsyncSession, project_ids: set[int]) -> dict[int, tuple[str, str | None]]:
    rows = await session.execute(select(Project.id, Project.title, Project.title_en).where(Project.id.in_(project_ids)))
    return {r.id: (r.title, r.title_en) for r in rows}


async def has_cadence(session: AsyncSession, project_id: int) -> bool:
    return await session.get(ProjectCadence, project_id) is not None


async def set_cadence(session: AsyncSession, project_id: int, cadence: Cadence) -> None:
    if cadence.frequency not in FREQUENCIES or not 0 <= cadence.hour <= 23:
        raise ValueError(cadence)
    if not (0 <= cadence.day <= 6 if cadence.frequency != "monthly" else 1 <= cadence.day <= MONTH_DAYS):
        raise ValueError(cadence)
    row = await session.get(ProjectCadence, project_id)
    if row is None:
        session.add(
            ProjectCadence(project_id=project_id, frequency=cadence.frequency, day=cadence.day, hour=cadence.hour)
        )
    else:
        row.frequency, row.day, row.hour = cadence.frequency, cadence.day, cadence.hour
    await session.flush()


# The report pause is the person's away state (bot/services/away.py), under the names the reports
# dialog has always used.
pause = away.set_until
paused_until = away.until
