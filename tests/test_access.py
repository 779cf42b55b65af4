"""Access services on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Database
from bot.services import access
from bot.services.access import invites, joining, members
from bot.services.access.joining import JoinRequestView
from models import AuditEntry, Person
from tests.steps import directory_person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ADMINS = frozenset({1})


async def _viewer(session: AsyncSession, telegram_id: int, language: str = "ru") -> access.Viewer:
    return await access.identify(
        session,
        telegram_id=telegram_id,
        first_name="Test",
        username=None,
        language_code=language,
        admin_ids=ADMINS,
        default_language="ru",
        now=NOW,
    )


async def _decide(session: AsyncSession, request_id: int | None, *, approve: bool) -> tuple[JoinRequestView, bool]:
    """The secretary decides the request (which exists): the request as it stands, and whether this decided it."""
    assert request_id is not None
    request, decided = await joining.decide_join_request(session, request_id, approve=approve, actor=1, now=NOW)
    assert request is not None
    return request, decided


async def test_roles_come_from_data(session: AsyncSession) -> None:
    guest = await _viewer(session, 50, "en-GB")
    assert not guest.is_member and guest.language == "en"
    admin = await _viewer(session, 1)
    assert admin.is_secretariat and admin.is_member


async def test_phone_links_in_any_format(session: AsyncSession) -> None:
    await _viewer(session, 60)
    blinov = await directory_person(session, "blinov-ivan")
    digits = "".join(ch for ch in blinov.phones[-1] if ch.isdigit())
    outcome = await joining.link_by_phone(session, 60, "8" + digits[-10:], NOW)
    assert outcome.status == "linked" and outcome.person_id == blinov.id
    assert (await _viewer(session, 60)).is_member
    # the same directory person cannot be taken over by another account
    await _viewer(session, 61)
    assert (await joining.link_by_phone(session, 61, blinov.phones[-1], NOW)).status == "taken"
    assert (await joining.link_by_phone(session, 61, "+7 000 000-00-00", NOW)).status == "unknown"
    actions = list(await session.scalars(select(AuditEntry.action)))
    assert "join.phone" in actions


async def test_join_request_decided_once(session: AsyncSession) -> None:
    await _viewer(session, 70)
    first = await joining.request_to_join(session, 70, "Ann <b>Lee</b>", "Данфосс", NOW)
    again = await joining.request_to_join(session, 70, "Ann Lee", "Danfoss", NOW)
    assert first.request_id == again.request_id
    request, decided = await _decide(session, first.request_id, approve=True)
    assert decided and request.status == "approved"
    request, decided = await _decide(session, first.request_id, approve=False)
    assert not decided and request.status == "approved"
    viewer = await _viewer(session, 70)
    assert viewer.is_member
    person = await session.get(Person, viewer.person_id)
    assert person is not None
    assert person.name == "Ann <b>Lee</b>" and person.organisation_id is not None  # matched «Данфосс»


async def test_invite_is_single_use_and_expires(session: AsyncSession) -> None:
    invite = await invites.create_invite(
        session, actor=1, role="member", person_id=None, ttl=timedelta(hours=1), now=NOW
    )
    for tid in (80, 81, 82):
        await _viewer(session, tid)
    assert (
        await invites.redeem_invite(session, invite.code, telegram_id=80, first_name="A", member=False, now=NOW)
    ).status == "linked"
    assert (
        await invites.redeem_invite(session, invite.code, telegram_id=80, first_name="A", member=False, now=NOW)
    ).status == "already"
    assert (
        await invites.redeem_invite(session, invite.code, telegram_id=81, first_name="B", member=False, now=NOW)
    ).status == "used"
    late = await invites.create_invite(session, actor=1, role="member", person_id=None, ttl=timedelta(hours=1), now=NOW)
    assert (
        await invites.redeem_invite(
            session, late.code, telegram_id=82, first_name="C", member=False, now=NOW + timedelta(hours=2)
        )
    ).status == "expired"
    assert (
        await invites.redeem_invite(session, "nonsense", telegram_id=82, first_name="C", member=False, now=NOW)
    ).status == "invalid"


async def test_bound_invite_grants_its_role(session: AsyncSession) -> None:
    zakharova = await directory_person(session, "zakharova-galina")
    invite = await invites.create_invite(
        session, actor=1, role="secretariat", person_id=zakharova.id, ttl=timedelta(days=1), now=NOW
    )
    await _viewer(session, 90)
    outcome = await invites.redeem_invite(session, invite.code, telegram_id=90, first_name="G", member=False, now=NOW)
    assert outcome.status == "linked" and outcome.person_id == zakharova.id
    viewer = await _viewer(session, 90)
    assert viewer.is_secretariat
    chats = dict(await access.secretariat_chats(session, ADMINS, "ru"))
    assert set(chats) == {1, 90}


async def test_members_roles_and_revoke(session: AsyncSession) -> None:
    await _viewer(session, 95)
    blinov = await directory_person(session, "blinov-ivan")
    await joining.link_by_phone(session, 95, blinov.phones[0], NOW)
    rows, total = await members.list_members(session, offset=0, limit=10)
    assert total == 1 and rows[0].telegram_id == 95
    row = await members.set_role(session, blinov.id, "leader", granted=True, actor=1, now=NOW)
    assert row is not None and {"member", "leader"} <= row.roles
    await members.revoke_member(session, blinov.id, actor=1, now=NOW)
    assert not (await _viewer(session, 95)).is_member
    actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"role.grant", "member.revoke"} <= actions


async def test_concurrent_first_contact_is_one_account(database: Database) -> None:
    async def touch() -> access.Viewer:
        async with database.sessions() as s:
            viewer = await _viewer(s, 99)
            await s.commit()
            return viewer

    viewers = await asyncio.gather(*(touch() for _ in range(5)))
    assert {v.telegram_id for v in viewers} == {99}


async def _revoked_blinov(session: AsyncSession, telegram_id: int) -> Person:
    await _viewer(session, telegram_id)
    blinov = await directory_person(session, "blinov-ivan")
    await joining.link_by_phone(session, telegram_id, blinov.phones[-1], NOW)
    await members.revoke_member(session, blinov.id, actor=1, now=NOW)
    return blinov


async def test_a_revoked_person_comes_back_only_by_the_secretariat(session: AsyncSession) -> None:
    blinov = await _revoked_blinov(session, 110)
    assert (await joining.link_by_phone(session, 110, blinov.phones[-1], NOW)).status == "revoked"
    # another account with his phone (a number passed on, say) stays out too, but was never in:
    # not asked back, nothing filed under his name
    await _viewer(session, 111)
    assert (await joining.link_by_phone(session, 111, blinov.phones[-1], NOW)).status == "closed"
    assert not (await _viewer(session, 111)).is_member
    generic = await invites.create_invite(
        session, actor=1, role="member", person_id=None, ttl=timedelta(days=1), now=NOW
    )
    outcome = await invites.redeem_invite(session, generic.code, telegram_id=110, first_name="I", member=False, now=NOW)
    assert outcome.status == "revoked" and outcome.person_id == blinov.id
    assert not (await _viewer(session, 110)).is_member
    # the refusal becomes a request under his directory name; approving it restores his own entry
    filed = await joining.request_readmission(session, 110, blinov.id, NOW)
    assert filed.status == "requested"
    assert (await joining.request_readmission(session, 110, blinov.id, NOW)).status == "pending"
    await _decide(session, filed.request_id, approve=True)
    viewer = await _viewer(session, 110)
    assert viewer.is_member and viewer.person_id == blinov.id
    # the generic invite was not spent on the refusal
    assert (
        await invites.redeem_invite(session, generic.code, telegram_id=111, first_name="J", member=False, now=NOW)
    ).status == "linked"


async def test_an_invite_bound_to_a_revoked_person_lets_them_back(session: AsyncSession) -> None:
    blinov = await _revoked_blinov(session, 120)
    bound = await invites.create_invite(
        session, actor=1, role="member", person_id=blinov.id, ttl=timedelta(days=1), now=NOW
    )
    assert (
        await invites.redeem_invite(session, bound.code, telegram_id=120, first_name="I", member=False, now=NOW)
    ).status == "linked"
    assert (await _viewer(session, 120)).is_member
    await members.revoke_member(session, blinov.id, actor=1, now=NOW)
    assert (await joining.link_by_phone(session, 120, blinov.phones[-1], NOW)).status == "revoked"


async def test_an_invite_for_someone_else_stays_theirs(session: AsyncSession) -> None:
    await _viewer(session, 130)
    blinov = await directory_person(session, "blinov-ivan")
    zakharova = await directory_person(session, "zakharova-galina")
    await joining.link_by_phone(session, 130, blinov.phones[-1], NOW)
    invite = await invites.create_invite(
        session, actor=1, role="member", person_id=zakharova.id, ttl=timedelta(days=1), now=NOW
    )
    assert (
        await invites.redeem_invite(session, invite.code, telegram_id=130, first_name="I", member=True, now=NOW)
    ).status == "not_yours"
    await _viewer(session, 131)
    outcome = await invites.redeem_invite(session, invite.code, telegram_id=131, first_name="G", member=False, now=NOW)
    assert outcome.status == "linked" and outcome.person_id == zakharova.id


async def test_shared_lines_and_faxes_link_no_one(session: AsyncSession) -> None:
    await _viewer(session, 140)
    assert (await joining.link_by_phone(session, 140, "+78125217765", NOW)).status == "shared"  # Питиримов, Кузьменко
    assert (await joining.link_by_phone(session, 140, "+78125766980", NOW)).status == "shared"  # Захарова's fax
    assert (await joining.link_by_phone(session, 140, "+79219407578", NOW)).status == "linked"  # her mobile


async def test_one_request_at_a_time_and_none_for_members(session: AsyncSession) -> None:
    await _viewer(session, 150)
    assert (await joining.request_to_join(session, 150, "Ann", "Данфосс", NOW)).status == "requested"
    assert (await joining.request_to_join(session, 150, "Ann", "Данфосс", NOW)).status == "pending"
    await _viewer(session, 151)
    await joining.link_by_phone(session, 151, "+79219407578", NOW)
    assert (await joining.request_to_join(session, 151, "Галина", "КВС", NOW)).status == "member"


async def test_two_accounts_racing_for_one_phone(database: Database) -> None:
    async with database.sessions() as s:
        for telegram_id in (160, 161):
            await _viewer(s, telegram_id)
        phone = (await directory_person(s, "blinov-ivan")).phones[-1]
        await s.commit()

    async def share(telegram_id: int) -> str:
        async with database.sessions() as s:
            outcome = await joining.link_by_phone(s, telegram_id, phone, NOW)
            await s.commit()
            return outcome.status

    assert sorted(await asyncio.gather(share(160), share(161))) == ["linked", "taken"]


async def test_approving_a_copy_of_a_member_in_with_another_account_is_refused(session: AsyncSession) -> None:
    await _viewer(session, 140)
    zakharova = await directory_person(session, "zakharova-galina")
    await joining.link_by_phone(session, 140, zakharova.phones[-1], NOW)
    await _viewer(session, 141)
    filed = await joining.request_to_join(session, 141, "Галина Захарова", "КВС", NOW)
    request, decided = await _decide(session, filed.request_id, approve=True)
    assert not decided and request.status == "pending"
    assert request.duplicate_of is not None and request.duplicate_of.person_id == zakharova.id
    assert request.duplicate_of.telegram_id == 140
    assert not (await _viewer(session, 141)).is_member
    # a different name is a different person; rejecting is always possible
    request, decided = await _decide(session, filed.request_id, approve=False)
    assert decided and request.status == "rejected"
    await _viewer(session, 142)
    other = await joining.request_to_join(session, 142, "Галина Петрова", "КВС", NOW)
    request, decided = await _decide(session, other.request_id, approve=True)
    assert decided and request.status == "approved"


def test_same_name_ignores_order_and_a_missing_patronymic() -> None:
    assert joining.same_name("Галина Захарова", "Захарова Галина Анатольевна")
    assert joining.same_name("ЗАХАРОВА  Галина Анатольевна", "Захарова Галина Анатольевна")
    assert not joining.same_name("Галина", "Захарова Галина Анатольевна")
    assert not joining.same_name("Галина Петрова", "Захарова Галина Анатольевна")


async def test_a_generic_invite_is_not_spent_on_someone_in_already(session: AsyncSession) -> None:
    await _viewer(session, 135)
    blinov = await directory_person(session, "blinov-ivan")
    await joining.link_by_phone(session, 135, blinov.phones[-1], NOW)
    generic = await invites.create_invite(
        session, actor=1, role="secretariat", person_id=None, ttl=timedelta(days=1), now=NOW
    )
    outcome = await invites.redeem_invite(session, generic.code, telegram_id=135, first_name="I", member=True, now=NOW)
    assert outcome.status == "not_needed" and not (await _viewer(session, 135)).is_secretariat
    # a secretary by configuration, linked to nobody, neither
    await _viewer(session, 1)
    assert (
        await invites.redeem_invite(session, generic.code, telegram_id=1, first_name="S", member=True, now=NOW)
    ).status == "not_needed"
    await _viewer(session, 136)
    assert (
        await invites.redeem_invite(session, generic.code, telegram_id=136, first_name="N", member=False, now=NOW)
    ).status == "linked"
