"""The help requests service against a real database: one request per report, forwards and
answers once, resolving, and the digest's totals of a period."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import away, help_requests, reports
from bot.services.directory.search import DirectorySearch
from bot.services.help_requests import Answer, HelpTotals, TargetKind
from bot.services.reports import Draft
from models import Account, Organisation, PersonRole
from tests.steps import PROJECT, directory_person

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HELP = "Нужна экспертно-аналитическая поддержка и международное сотрудничество"


async def test_requests_forwards_answers_and_the_totals_of_a_period(session: AsyncSession) -> None:
    from models import Project

    project_id = await session.scalar(select(Project.id).where(Project.key == PROJECT))
    assert project_id is not None
    helper = await directory_person(session, "pitirimov-nikolay")
    session.add(PersonRole(person_id=helper.id, role="member"))
    session.add(Account(telegram_id=77, first_name="p", person_id=helper.id, created_at=NOW))
    await session.flush()
    search = DirectorySearch()

    async def report_with_help(token: str, at: datetime, help_text: str | None = HELP) -> int | None:
        draft = Draft(project_id, "on_track", None, "done", None, help_text)
        view, _ = await reports.submit(
            session, token, draft, person_id=None, submitted_by=1, on_behalf=True, now=at, tz=MSK
        )
        request = await help_requests.opened(session, view, search, at)
        again = await help_requests.opened(session, view, search, at)
        assert again is None, "one request per report"
        return request.id if request else None

    assert await report_with_help("none", NOW, None) is None
    first = await report_with_help("a", NOW)
    second = await report_with_help("b", NOW + timedelta(days=8))
    assert first is not None and second is not None
    opened = await help_requests.request(session, first)
    assert opened is not None
    sent_report = await reports.report(session, opened.report_id)
    assert sent_report is not None
    edited = replace(sent_report, help_needed=HELP + ", срочно")
    assert await help_requests.opened(session, edited, search, NOW) is None, "an edit opens no second request"
    view = await help_requests.request(session, first)
    assert view is not None and view.text.endswith("срочно"), "the request follows the edit"
    org = await session.scalar(select(Organisation.id).where(Organisation.id == helper.organisation_id))
    assert view is not None and (TargetKind.ORGANISATION, org) in [(c.kind, c.id) for c in view.candidates]
    assert org is not None
    today = NOW.date()
    await away.set_until(session, helper.id, today + timedelta(days=3))  # /away: nobody of it to ask
    away_now = await help_requests.forward(session, first, TargetKind.ORGANISATION, org, by=1, now=NOW, today=today)
    assert away_now.outcome == "away" and not away_now.recipients
    await away.set_until(session, helper.id, None)
    sent = await help_requests.forward(session, first, TargetKind.ORGANISATION, org, by=1, now=NOW, today=today)
    assert sent.outcome == "sent" and [r.telegram_id for r in sent.recipients] == [77]
    twice = await help_requests.forward(session, first, TargetKind.ORGANISATION, org, by=1, now=NOW, today=today)
    assert twice.outcome == "already"
    forged = await help_requests.forward(session, first, TargetKind.PERSON, 424242, by=1, now=NOW, today=today)
    assert forged.outcome == "unknown"
    answered_at = NOW + timedelta(days=1)
    assert (await help_requests.answer(session, first, 77, Answer.CAN, answered_at)).outcome == "recorded"
    again = await help_requests.answer(session, first, 77, Answer.WRONG, answered_at)
    assert (again.outcome, again.answer) == ("already", Answer.CAN)
    assert (await help_requests.answer(session, first, 78, Answer.CAN, answered_at)).outcome == "unknown"
    assert await help_requests.resolve(session, first, by=1, now=NOW + timedelta(days=9)) == "resolved"
    assert await help_requests.resolve(session, first, by=1, now=NOW + timedelta(days=9)) == "already"
    assert [r.id for r in await help_requests.open_requests(session, project_id)] == [second]

    week = timedelta(days=7)
    assert await help_requests.totals(session, NOW, NOW + week) == HelpTotals(opened=1, answered=1, resolved=0)
    assert await help_requests.totals(session, NOW + week, NOW + 2 * week) == HelpTotals(1, 0, 1)
    assert await help_requests.totals(session, NOW - week, NOW) == HelpTotals(0, 0, 0), "[start, end)"
