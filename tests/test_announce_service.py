"""The announcement and outbox services on every database backend: one write per draft, held
rows released when due, cancelling, figures, recorded outcomes, mutes and the bot's chats,
confirmations of reading and the one reminder."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import announcements, outbox
from bot.services.announcements import AnnouncementView, Draft, reading
from bot.services.announcements.audiences import Audience, ChatChange, decide_chat, record_chat
from models import Account, CheckinPause, OutboxMessage, Person, PersonRole
from tests.harness import FakeClock

ADMINS = frozenset({77})


async def _members(session: AsyncSession, now: datetime, n: int = 5) -> list[int]:
    ids = []
    for k in range(n):
        person = Person(key=f"svc-{k}", name=f"Svc {k}", phones=[], emails=[])
        session.add(person)
        await session.flush()
        session.add(PersonRole(person_id=person.id, role="member"))
        session.add(
            Account(
                telegram_id=600 + k,
                first_name=f"m{k}",
                person_id=person.id,
                created_at=now,
                language="en" if k == 0 else None,
            )
        )
        ids.append(600 + k)
    await session.flush()
    return ids


def _draft(token: str = "tok0000001", category: str = "general", kind: str = "members") -> Draft:
    return Draft(token=token, text="<b>Hi</b>", length=2, category=category, audience=Audience(kind))


async def test_one_write_per_draft_and_scheduled_rows_held(session: AsyncSession, clock: FakeClock) -> None:
    members = await _members(session, clock())
    later = clock() + timedelta(hours=2)

    async def confirm(scheduled_at: datetime | None) -> AnnouncementView | None:
        return await announcements.create(
            session,
            _draft(),
            scheduled_at=scheduled_at,
            author_id=77,
            now=clock(),
            report_chat_id=77,
            report_message_id=5,
            admin_ids=ADMINS,
            default_language="ru",
        )

    created = await confirm(later)
    assert created is not None and created.total == len(members) and created.status == "scheduled"
    assert await confirm(None) is None, "confirmed once"
    assert await outbox.claim_due(session, clock(), 100) == [], "held until released"

    assert await announcements.edit_scheduled(session, created.id, text="<i>New</i>", length=3) == "ok"
    assert await announcements.release_due(session, clock()) == []
    assert await announcements.release_due(session, later) == [created.id]
    rows = await outbox.claim_due(session, later, 3)
    assert {r.payload["text"] for r in rows} == {"<i>New</i>"}
    await outbox.record(
        session,
        [
            outbox.sent(rows[0], 11, later),
            outbox.unreachable(rows[1], "Forbidden"),
            outbox.retry(rows[2], later + timedelta(seconds=5), "Bad Gateway"),
        ],
    )
    unreachable = await session.get(Account, rows[1].chat_id)
    assert unreachable is not None and unreachable.blocked_bot

    view = await announcements.cancel(session, created.id, later)
    assert view is not None and view.status == "cancelled"
    assert (view.counts.sent, view.counts.failed, view.counts.cancelled) == (1, 1, len(members) - 2)
    assert [u.chat_id for u in await announcements.unreached(session, created.id)] == [rows[1].chat_id]
    statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent", "unreachable", "cancelled"}


async def test_audiences_mutes_and_chats(session: AsyncSession, clock: FakeClock) -> None:
    members = await _members(session, clock())
    session.add(Account(telegram_id=77, first_name="Admin", created_at=clock()))
    assert await announcements.toggle_mute(session, members[1], "events") == {"events"}

    async def resolve(kind: str, category: str = "general", values: tuple[str, ...] = ()) -> list[int]:
        draft = Draft("t", "x", 1, category, Audience(kind, values))
        return await announcements.recipients(session, draft, admin_ids=ADMINS, default_language="ru")

    assert await resolve("members") == sorted([77, *members])
    assert await resolve("members", "events") == sorted([77, *members[:1], *members[2:]])
    assert await resolve("members", "urgent") == sorted([77, *members])
    assert await resolve("language", values=("en",)) == [members[0]]
    assert await resolve("leaders") == []
    assert await announcements.toggle_mute(session, members[1], "events") == set()


async def test_a_chat_is_an_audience_only_approved_and_while_the_bot_may_post(
    session: AsyncSession, clock: FakeClock
) -> None:
    stranger = 4242

    async def status(status: str, chat: int = -1001, type_: str = "supergroup", post: bool | None = None) -> ChatChange:
        return await record_chat(
            session,
            chat_id=chat,
            title="Chat",
            type_=type_,
            status=status,
            can_post_messages=post,
            by=stranger,
            by_secretariat=False,
            now=clock(),
        )

    async def groups() -> list[int]:
        draft = Draft("t", "x", 1, "general", Audience("groups", ("-1001", "-1002", "-1003")))
        return await announcements.recipients(session, draft, admin_ids=ADMINS, default_language="ru")

    assert not (await status("member")).ask, "a plain member cannot post: nothing to ask yet"
    asked = await status("administrator")
    assert asked.ask and asked.chat.added_by == stranger and await groups() == []
    assert (
        await decide_chat(session, -1001, asked.chat.round + 1, approve=True, actor=77, now=clock())
    ).status == "stale"
    assert (
        await decide_chat(session, -1001, asked.chat.round, approve=True, actor=77, now=clock())
    ).status == "decided"
    assert (
        await decide_chat(session, -1001, asked.chat.round, approve=False, actor=78, now=clock())
    ).status == "already"
    assert await groups() == [-1001]
    await status("member")
    assert await groups() == [], "demoted: out at once"
    assert not (await status("administrator")).ask and await groups() == [-1001], "promoted again: still approved"
    await status("left")
    assert await groups() == []
    assert (await decide_chat(session, -1001, asked.chat.round, approve=True, actor=77, now=clock())).status == "stale"
    again = await status("administrator")
    assert again.ask and await groups() == [], "added back after leaving: asked again"

    channel = await status("administrator", -1002, "channel", post=False)
    assert not channel.ask, "a channel admin without the right to post cannot post"
    channel = await status("administrator", -1002, "channel", post=True)
    await decide_chat(session, -1002, channel.chat.round, approve=False, actor=77, now=clock())
    await status("member", -1002, "channel")
    assert not (await status("administrator", -1002, "channel", post=True)).ask, "ignored stays ignored in one stay"
    assert await groups() == []
    secretary = await record_chat(
        session,
        chat_id=-1003,
        title="Ours",
        type_="group",
        status="administrator",
        can_post_messages=None,
        by=77,
        by_secretariat=True,
        now=clock(),
    )
    assert not secretary.ask and await groups() == [-1003], "a secretary's own chat is approved at once"
    await outbox.record(session, [outbox.Outcome(0, -1003, "unreachable", 1, clock(), error="kicked")])
    assert await groups() == []
    assert (
        await record_chat(
            session,
            chat_id=-1003,
            title="Ours",
            type_="group",
            status="administrator",
            can_post_messages=None,
            by=stranger,
            by_secretariat=False,
            now=clock(),
        )
    ).ask, "found gone by a send, then added back: asked again"


async def test_reading_confirmed_once_and_the_rest_reminded_once(session: AsyncSession, clock: FakeClock) -> None:
    members = await _members(session, clock())  # 600 reads English
    later = clock() + timedelta(hours=1)
    assert not replace(_draft(kind="groups"), ack=True).asks_reading, "chats cannot confirm"

    def read_button(announcement_id: int, language: str) -> dict[str, Any]:
        return {"inline_keyboard": [[{"text": language, "callback_data": f"anr:{announcement_id}"}]]}

    async def create(token: str, category: str, scheduled_at: datetime | None = None) -> AnnouncementView:
        created = await announcements.create(
            session,
            replace(_draft(token, category), ack=True),
            scheduled_at=scheduled_at,
            author_id=77,
            now=clock(),
            report_chat_id=77,
            report_message_id=5,
            admin_ids=ADMINS,
            default_language="ru",
            read_button=read_button,
        )
        assert created is not None and created.ack
        return created

    general = await create("tok-read-1", "general", later)
    assert await announcements.edit_scheduled(session, general.id, text="<i>New</i>", length=3) == "ok"
    assert await announcements.release_due(session, later) == [general.id]
    rows = await outbox.claim_due(session, later, 100)
    assert {r.chat_id: (r.payload["text"], r.payload["reply_markup"]) for r in rows} == {
        chat: ("<i>New</i>", read_button(general.id, "en" if chat == 600 else "ru")) for chat in members
    }, "the edit kept each one's button"
    unreachable = next(r for r in rows if r.chat_id == 604)
    await outbox.record(
        session,
        [outbox.unreachable(unreachable, "Forbidden")] + [outbox.sent(r, 10, later) for r in rows if r != unreachable],
    )

    assert await reading.confirm(session, general.id, 601, later) == reading.CONFIRMED
    assert await reading.confirm(session, general.id, 601, later) == reading.ALREADY
    assert await reading.confirm(session, general.id, 999, later) == reading.STALE, "not sent to them"
    assert await reading.confirm(session, general.id + 100, 601, later) == reading.STALE
    view = await announcements.get(session, general.id)
    assert view is not None and view.confirmed == 1 and view.counts.sent == 4
    assert [p.chat_id for p in await reading.unconfirmed(session, general.id)] == [600, 602, 603]

    # 602 goes away; an urgent announcement reaches them all the same, and so does its reminder.
    urgent = await create("tok-read-2", "urgent")
    await outbox.record(session, [outbox.sent(r, 11, clock()) for r in await outbox.claim_due(session, clock(), 100)])
    account = await session.get(Account, 602)
    assert account is not None and account.person_id is not None
    session.add(CheckinPause(person_id=account.person_id, until=clock().date() + timedelta(days=30)))
    await session.flush()

    today = clock().date()
    assert (
        await reading.claim_reminders(
            session, clock() + timedelta(hours=23), timedelta(hours=24), today, "ru", admin_ids=ADMINS
        )
        == []
    )
    due = await reading.claim_reminders(
        session, later + timedelta(hours=24), timedelta(hours=24), today, "ru", admin_ids=ADMINS
    )
    by_id = {d.announcement.id: {(p.chat_id, p.language, p.message_id) for p in d.recipients} for d in due}
    assert by_id == {
        general.id: {(600, "en", 10), (603, "ru", 10)},
        # 604 blocked the bot since the first one: the urgent one never went there
        urgent.id: {(chat, "en" if chat == 600 else "ru", 11) for chat in members if chat != 604},
    }
    again = await reading.claim_reminders(
        session, later + timedelta(days=3), timedelta(hours=24), today, "ru", admin_ids=ADMINS
    )
    assert again == [], "once"

    # Confirming before one's reminder went out: it never goes.
    key = reading.reminder_key(general.id, 603)
    await outbox.enqueue(session, [outbox.Outgoing(key=key, chat_id=603, kind=reading.REMINDER, text="?")], later)
    assert await reading.copies(session, general.id, 603) == [10], "the announcement as they got it"
    assert await reading.confirm(session, general.id, 603, later) == reading.CONFIRMED
    assert await session.scalar(select(OutboxMessage.status).where(OutboxMessage.key == key)) == "cancelled"
