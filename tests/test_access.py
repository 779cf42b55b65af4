"""Access services on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.services import access
from models import AuditEntry, Person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ADMINS = frozenset({1})


async def _viewer(session, telegram_id: int, language: str = "ru") -> access.Viewer:  # type: ignore[no-untyped-def]
    return await access.identify(session, telegram_id=telegram_id, first_name="Test", username=None,
                                 language_code=language, admin_ids=ADMINS, default_language="ru", now=NOW)


async def _person(session, key: str) -> Person:  # type: ignore[no-untyped-def]
    return await session.scalar(select(Person).where(Person.key == key))


async def test_roles_come_from_data(session) -> None:  # type: ignore[no-untyped-def]
    guest = await _viewer(session, 50, "en-GB")
    assert not guest.is_member and guest.language == "en"
    admin = await _viewer(session, 1)
    assert admin.is_secretariat and admin.is_member


async def test_phone_links_in_any_format(session) -> None:  # type: ignore[no-untyped-def]
    await _viewer(session, 60)
    blinov = await _person(session, "blinov-ivan")
    digits = "".join(ch for ch in blinov.phones[-1] if ch.isdigit())
    outcome = await access.link_by_phone(session, 60, "8" + digits[-10:], NOW)
    assert outcome.status == "linked" and outcome.person_id == blinov.id
    assert (await _viewer(session, 60)).is_member
    # the same directory person cannot be taken over by another account
    await _viewer(session, 61)
    assert (await access.link_by_phone(session, 61, blinov.phones[-1], NOW)).status == "taken"
    assert (await access.link_by_phone(session, 61, "+7 000 000-00-00", NOW)).status == "unknown"
    actions = list(await session.scalars(select(AuditEntry.action)))
    assert "join.phone" in actions


async def test_join_request_decided_once(session) -> None:  # type: ignore[no-untyped-def]
    await _viewer(session, 70)
    first = await access.request_to_join(session, 70, "Ann <b>Lee</b>", "Данфосс", NOW)
    again = await access.request_to_join(session, 70, "Ann Lee", "Danfoss", NOW)
    assert first.request_id == again.request_id
    request, decided = await access.decide_join_request(session, first.request_id, approve=True, actor=1, now=NOW)
    assert decided and request.status == "approved"
    request, decided = await access.decide_join_request(session, first.request_id, approve=False, actor=1, now=NOW)
    assert not decided and request.status == "approved"
    viewer = await _viewer(session, 70)
    assert viewer.is_member
    person = await session.get(Person, viewer.person_id)
    assert person.name == "Ann <b>Lee</b>" and person.organisation_id is not None  # matched «Данфосс»


async def test_invite_is_single_use_and_expires(session) -> None:  # type: ignore[no-untyped-def]
    invite = await access.create_invite(session, actor=1, role="member", person_id=None, ttl=timedelta(hours=1), now=NOW)
    for tid in (80, 81, 82):
        await _viewer(session, tid)
    assert (await access.redeem_invite(session, invite.code, telegram_id=80, first_name="A", now=NOW)).status == "linked"
    assert (await access.redeem_invite(session, invite.code, telegram_id=80, first_name="A", now=NOW)).status == "already"
    assert (await access.redeem_invite(session, invite.code, telegram_id=81, first_name="B", now=NOW)).status == "used"
    late = await access.create_invite(session, actor=1, role="member", person_id=None, ttl=timedelta(hours=1), now=NOW)
    assert (await access.redeem_invite(session, late.code, telegram_id=82, first_name="C",
                                       now=NOW + timedelta(hours=2))).status == "expired"
    assert (await access.redeem_invite(session, "nonsense", telegram_id=82, first_name="C", now=NOW)).status == "invalid"


async def test_bound_invite_grants_its_role(session) -> None:  # type: ignore[no-untyped-def]
    zakharova = await _person(session, "zakharova-galina")
    invite = await access.create_invite(session, actor=1, role="secretariat", person_id=zakharova.id,
                                        ttl=timedelta(days=1), now=NOW)
    await _viewer(session, 90)
    outcome = await access.redeem_invite(session, invite.code, telegram_id=90, first_name="G", now=NOW)
    assert outcome.status == "linked" and outcome.person_id == zakharova.id
    viewer = await _viewer(session, 90)
    assert viewer.is_secretariat
    chats = dict(await access.secretariat_chats(session, ADMINS, "ru"))
    assert set(chats) == {1, 90}


async def test_members_roles_and_revoke(session) -> None:  # type: ignore[no-untyped-def]
    await _viewer(session, 95)
    blinov = await _person(session, "blinov-ivan")
    await access.link_by_phone(session, 95, blinov.phones[0], NOW)
    rows, total = await access.list_members(session, offset=0, limit=10)
    assert total == 1 and rows[0].telegram_id == 95
    row = await access.set_role(session, blinov.id, "leader", granted=True, actor=1, now=NOW)
    assert {"member", "leader"} <= row.roles
    await access.revoke_member(session, blinov.id, actor=1, now=NOW)
    assert not (await _viewer(session, 95)).is_member
    actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"role.grant", "member.revoke"} <= actions


async def test_concurrent_first_contact_is_one_account(database) -> None:  # type: ignore[no-untyped-def]
    async def touch() -> access.Viewer:
        async with database.sessions() as s:
            viewer = await _viewer(s, 99)
            await s.commit()
            return viewer

    viewers = await asyncio.gather(*(touch() for _ in range(5)))
    assert {v.telegram_id for v in viewers} == {99}
