"""Who is told what, as the services decide it: each recipient, in their own language, under a key
that makes telling twice impossible (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access
from bot.services.access import joining, members
from bot.services.announcements import audiences
from bot.services.notices import Rendered
from bot.settings import Settings
from models import Person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SETTINGS = Settings(admin_ids=frozenset({1}), _env_file=None)


async def _account(session: AsyncSession, telegram_id: int, language: str) -> access.Viewer:
    return await access.identify(
        session,
        telegram_id=telegram_id,
        first_name=f"User {telegram_id}",
        username=None,
        language_code=language,
        admin_ids=SETTINGS.admin_ids,
        default_language=SETTINGS.default_language,
        now=NOW,
    )


async def _member(session: AsyncSession, telegram_id: int, key: str, language: str) -> Person:
    await _account(session, telegram_id, language)
    person = (await session.scalars(select(Person).where(Person.key == key))).one()
    assert (await joining.link_by_phone(session, telegram_id, person.phones[-1], NOW)).status == "linked"
    return person


def _card(t: Translator, request: joining.JoinRequestView) -> Rendered:
    return f"{t.language}: {request.full_name}", {"inline_keyboard": []}


async def test_every_secretary_gets_a_join_card_in_their_language(session: AsyncSession) -> None:
    await _account(session, 1, "ru")
    blinov = await _member(session, 20, "blinov-ivan", "en")
    await members.set_role(session, blinov.id, "secretariat", granted=True, actor=1, now=NOW)
    await _account(session, 30, "ru")
    filed = await joining.request_to_join(session, 30, "Ann Lee", "Danfoss", NOW)
    assert filed.request_id is not None

    cards = await joining.request_notices(session, SETTINGS, filed.request_id, _card)

    assert {(c.chat_id, c.key, c.text) for c in cards} == {
        (1, f"join:{filed.request_id}:c1", "ru: Ann Lee"),
        (20, f"join:{filed.request_id}:c20", "en: Ann Lee"),
    }
    assert {c.kind for c in cards} == {"notice"} and all(c.reply_markup == {"inline_keyboard": []} for c in cards)


async def test_the_guest_is_told_the_decision_in_their_language(session: AsyncSession) -> None:
    await _account(session, 30, "en")
    filed = await joining.request_to_join(session, 30, "Ann Lee", "Danfoss", NOW)
    assert filed.request_id is not None
    request, first = await joining.decide_join_request(session, filed.request_id, approve=False, actor=1, now=NOW)
    assert first and request is not None

    told = await joining.decision_notice(session, SETTINGS, request)

    assert (told.chat_id, told.key, told.reply_markup) == (30, f"join:{filed.request_id}:told", None)
    assert told.text == Translator("en")("join.told.rejected")


async def test_a_member_is_told_of_a_role_change_unless_they_made_it(session: AsyncSession) -> None:
    blinov = await _member(session, 20, "blinov-ivan", "en")
    await members.set_role(session, blinov.id, "leader", granted=True, actor=1, now=NOW)
    card = await members.card(session, blinov.id, SETTINGS.admin_ids)
    assert card is not None

    [told] = await members.role_notice(session, SETTINGS, card, "leader", granted=True, actor=1, press="q1")
    own = await members.role_notice(session, SETTINGS, card, "leader", granted=False, actor=20, press="q2")

    en = Translator("en")
    assert (told.chat_id, told.key) == (20, "member:q1")
    assert told.text == en("admin.role_granted_notice", role=en("role.leader"))
    assert own == []


async def test_a_chat_is_brought_to_the_secretariat_only_when_the_change_asks(session: AsyncSession) -> None:
    await _account(session, 1, "ru")
    await _account(session, 40, "ru")

    def card(t: Translator, chat: audiences.ChatView) -> Rendered:
        return chat.title, None

    async def record(status: str, by: int) -> audiences.ChatChange:
        return await audiences.record_chat(
            session,
            chat_id=-100,
            title="Cleantech",
            type_="supergroup",
            status=status,
            can_post_messages=None,
            by=by,
            by_secretariat=by == 1,
            now=NOW,
        )

    added = await record("administrator", 40)
    [asked] = await audiences.approval_requests(session, SETTINGS, added, card)
    assert (asked.chat_id, asked.key, asked.text) == (1, f"chat-request:-100:{added.chat.round}:1", "Cleantech")
    assert await audiences.approval_requests(session, SETTINGS, await record("member", 40), card) == []
