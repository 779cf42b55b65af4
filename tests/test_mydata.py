"""My data and forgetting, as services; the readable text split into messages."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from bot.services import access, mydata
from bot.services.access import invites, joining
from bot.services.mydata import forget
from handlers.mydata import ui
from models import Account, Person, PersonRole, Project, Report
from tests.harness import FakeClock

NOW = FakeClock().now
SHOWN = NOW - timedelta(minutes=1)  # when the confirmation was shown
NO_ADMINS: frozenset[int] = frozenset()


async def _account(session: AsyncSession, telegram_id: int, person_id: int | None = None) -> None:
    session.add(Account(telegram_id=telegram_id, first_name="T", person_id=person_id, created_at=NOW))
    await session.flush()


async def _person(session: AsyncSession, key: str) -> Person:
    return (await session.scalars(select(Person).where(Person.key == key))).one()


async def test_gather_holds_what_is_about_the_person_only(session: AsyncSession) -> None:
    await _account(session, 401)
    blinov = await _person(session, "blinov-ivan")
    await joining.link_by_phone(session, 401, blinov.phones[0], NOW)
    await invites.create_invite(session, actor=1, role="member", person_id=blinov.id, now=NOW, ttl=timedelta(hours=1))
    zakharova = await _person(session, "zakharova-galina")
    await invites.create_invite(
        session, actor=1, role="member", person_id=zakharova.id, now=NOW, ttl=timedelta(hours=1)
    )
    project = await session.scalar(select(Project.id).limit(1))
    for n, (person_id, submitted_by) in enumerate(((blinov.id, 401), (None, 1), (zakharova.id, 402))):
        session.add(
            Report(
                token=f"t{n}",
                project_id=project,
                person_id=person_id,
                submitted_by=submitted_by,
                status="on_track",
                done=f"report {n}",
                created_at=NOW,
                local_day=NOW.date(),
            )
        )
    await session.flush()
    data = await mydata.gather(session, 401, admin_ids=frozenset())
    assert [r.done for r in data.reports] == ["report 0"], "not the secretariat's nor another leader's"
    assert [e.action for e in data.audit] == ["join.phone", "invite.create"], "not the invite made for another"
    assert json.loads(data.to_json())["card"]["name"] == blinov.name


async def test_the_last_secretary_is_not_forgotten(session: AsyncSession) -> None:
    blinov = await _person(session, "blinov-ivan")
    await _account(session, 410, blinov.id)
    await access.grant_roles(session, blinov.id, {"member", "secretariat"})
    outcome = await forget.forget(session, 410, blinov.id, confirmation_at=SHOWN, now=NOW, admin_ids=NO_ADMINS)
    assert outcome.status == "last_secretary" and blinov.phones
    # with the secretariat of ADMIN_IDS beside them, they may go
    outcome = await forget.forget(session, 410, blinov.id, confirmation_at=SHOWN, now=NOW, admin_ids=frozenset({1}))
    assert outcome.status == "done" and outcome.listed and blinov.phones == []
    assert not list(await session.scalars(select(PersonRole).where(PersonRole.person_id == blinov.id)))


async def test_someone_who_joined_by_request_leaves_the_lists(session: AsyncSession) -> None:
    await _account(session, 420)
    filed = await joining.request_to_join(session, 420, "Анна Ли", "Данфосс", NOW)
    assert filed.request_id is not None
    await joining.decide_join_request(session, filed.request_id, approve=True, actor=1, now=NOW)
    subject = await forget.subject(session, 420)
    assert subject is not None and subject.name == "Анна Ли"
    outcome = await forget.forget(session, 420, subject.person_id, confirmation_at=SHOWN, now=NOW, admin_ids=NO_ADMINS)
    assert outcome.status == "done" and not outcome.listed
    person = await session.get(Person, subject.person_id)
    assert person is not None and person.status == "revoked"
    assert await forget.subject(session, 420) is None
    # coming back by a new request is as for anyone
    again = await joining.request_to_join(session, 420, "Анна Ли", "Данфосс", NOW)
    assert again.status == "requested"


def test_the_text_is_split_into_messages_without_breaking_its_markup() -> None:
    t = Translator("ru")
    blocks = [t("mydata.card"), *(escape("A & B <c> " * 500) for _ in range(3)), "<b>x</b>"]
    messages = ui.pieces(blocks, limit=4096)
    assert all(len(m) <= 4096 for m in messages) and len(messages) > 3
    words = " ".join(ui.plain(m) for m in messages).split()
    assert words == " ".join(ui.plain(b) for b in blocks).split(), "every word, in order"
    for message in messages:
        assert message.count("&") == message.count("&amp;") + message.count("&lt;") + message.count("&gt;")
    assert ui.pieces(["a", "b"], limit=10) == ["a\n\nb"]
