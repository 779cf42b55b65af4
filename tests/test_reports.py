"""The reports service against a real database: one report per dialog, the edit window, leaders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import reports
from bot.services.reports import Draft
from models import AuditEntry, PersonRole, Project
from tests.steps import directory_person, first_project

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)
WINDOW = timedelta(hours=24)


def _draft(project_id: int, status: str = "on_track", done: str = "done") -> Draft:
    return Draft(project_id, status, 40, done, None, None, [{"kind": "photo", "file_id": "AgAD"}])


async def test_a_dialog_token_saves_one_report(session: AsyncSession) -> None:
    project_id = await first_project(session)
    first, created = await reports.submit(
        session, "tok", _draft(project_id), person_id=None, submitted_by=1, on_behalf=True, now=NOW, tz=MSK
    )
    again, created_again = await reports.submit(
        session, "tok", _draft(project_id, "blocked"), person_id=None, submitted_by=1, on_behalf=True, now=NOW, tz=MSK
    )
    assert created and not created_again and again.id == first.id and again.status == "on_track"
    assert first.local_day.isoformat() == "2026-11-24", "the cluster's day, not UTC's"
    assert await reports.token_used(session, "tok") and not await reports.token_used(session, "other")
    actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions.count("report.on_behalf") == 1


async def test_only_the_senders_latest_report_within_the_window_changes(session: AsyncSession) -> None:
    project_id = await first_project(session)
    old, _ = await reports.submit(
        session, "a", _draft(project_id), person_id=None, submitted_by=7, on_behalf=False, now=NOW, tz=MSK
    )
    new, _ = await reports.submit(
        session,
        "b",
        _draft(project_id, done="newer"),
        person_id=None,
        submitted_by=7,
        on_behalf=False,
        now=NOW + timedelta(minutes=5),
        tz=MSK,
    )
    assert await reports.editable(session, old.id, 7, NOW, WINDOW) is None, "not the latest"
    assert await reports.editable(session, new.id, 8, NOW, WINDOW) is None, "not theirs"
    assert await reports.editable(session, new.id, 7, NOW + WINDOW + timedelta(minutes=6), WINDOW) is None
    amended = await reports.amend(session, new.id, _draft(project_id, "at_risk", "fixed"), by=7, now=NOW, window=WINDOW)
    assert amended is not None and (amended.status, amended.done, amended.edited_at) == ("at_risk", "fixed", NOW)
    assert await reports.withdraw(session, new.id, by=7, now=NOW, window=WINDOW) is not None
    latest = await reports.latest(session, project_id)
    assert latest is not None and latest.id == old.id
    assert await reports.editable(session, old.id, 7, NOW, WINDOW) is not None, "the latest once the newer is withdrawn"
    page = await reports.history(session, project_id, offset=0, limit=10)
    assert page.total == 1 and [r.id for r in page.items] == [old.id]
    assert len(await reports.all_reports(session)) == 2, "exports keep withdrawn reports, marked"


async def test_leaders_are_members_and_changes_are_audited(session: AsyncSession) -> None:
    project_id = await first_project(session)
    person = await directory_person(session, "blinov-ivan")
    assert await reports.set_leader(session, project_id, person.id, leader=True, actor=1, now=NOW) is None, (
        "not a member yet"
    )
    session.add(PersonRole(person_id=person.id, role="member"))
    await session.flush()
    page = await reports.candidates(session, project_id, offset=0, limit=10)
    assert [p.id for p in page.items] == [person.id]
    added = await reports.set_leader(session, project_id, person.id, leader=True, actor=1, now=NOW)
    assert added is not None and added.name.startswith("Блинов")
    assert [p.id for p in await reports.project_leaders(session, project_id)] == [person.id]
    assert [p.id for p in await reports.led_projects(session, person.id)] == [project_id]
    assert await reports.may_report(session, project_id, person.id, secretariat=False)
    assert (await reports.candidates(session, project_id, offset=0, limit=10)).total == 0
    await reports.set_leader(session, project_id, person.id, leader=False, actor=1, now=NOW)
    assert not await reports.may_report(session, project_id, person.id, secretariat=False)
    assert await reports.may_report(session, project_id, None, secretariat=True)
    actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["leader.add", "leader.remove"]


async def test_the_status_grid_puts_trouble_first_and_is_capped(session: AsyncSession) -> None:
    projects = list(await session.scalars(select(Project.id).order_by(Project.id).limit(3)))
    statuses = ["on_track", "blocked", "at_risk"]
    for n, (project_id, status) in enumerate(zip(projects, statuses, strict=True)):
        await reports.submit(
            session,
            f"g{n}",
            _draft(project_id, status),
            person_id=None,
            submitted_by=1,
            on_behalf=False,
            now=NOW - timedelta(days=8),
            tz=MSK,
        )
    await reports.submit(
        session,
        "late",
        _draft(projects[1], "on_track"),
        person_id=None,
        submitted_by=1,
        on_behalf=False,
        now=NOW,
        tz=MSK,
    )
    grid = await reports.status_grid(session, NOW, MSK, weeks=4, limit=2)
    assert grid.total == 3 and [p.id for p in grid.projects] == [projects[2], projects[0]]
    assert grid.cells[0] == [None, None, "at_risk", None]
    assert [w.weekday() for w in grid.weeks] == [0, 0, 0, 0]
