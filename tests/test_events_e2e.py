"""Events end to end through the emulator: /event → publish to members, answers changing until the
deadline, the live counts, names and CSV, reminders exactly once, a new time, cancelling."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.services.access import members
from handlers.events.callbacks import Answer, EventAct, Manage, Rsvp
from models import Account
from tests.conftest import ADMIN
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import FakeClock, RunningBot
from tests.steps import Cast, alerts, button, seed, sent

# The fake clock starts on 23.11.2026 09:00 UTC (12:00 in Moscow); the event is a week later.
START = "30.11.2026 15:00"  # Moscow: 12:00 UTC
DEADLINE = "29.11.2026 12:00"  # Moscow: 09:00 UTC


async def publish(emulator: BotAPIEmulator, *, title: str = "Заседание кластера") -> tuple[Call, Call]:
    """/event through every step to all members; returns the summary (preview) and the report."""
    await emulator.ask(ADMIN, "/event")
    await emulator.ask(ADMIN, title)
    await emulator.ask(ADMIN, START)
    calls = await emulator.ask(ADMIN, "Смольный, зал 3")
    ask = sent(calls)[-1]
    assert "Описание" in (ask.text or "")
    calls = await emulator.tap(ADMIN, ask, button(ask, "Пропустить"))
    picker = sent(calls)[-1]
    calls = await emulator.tap(ADMIN, picker, button(picker, "Всем участникам"))
    assert "принимать ответы" in (calls[-1].text or next(c for c in calls if c.method == "editMessageText").text or "")
    calls = await emulator.ask(ADMIN, DEADLINE)
    summary = sent(calls)[-1]
    calls = await emulator.tap(ADMIN, summary, button(summary, "Опубликовать"))
    report = next(c for c in calls if c.method == "editMessageText")
    return summary, report


def invitations(emulator: BotAPIEmulator) -> dict[int, Call]:
    return {
        int(c.chat_id): c  # type: ignore[arg-type]
        for c in sent(emulator.calls)
        if ("Приглашение" in (c.text or "") or "Invitation" in (c.text or "")) and c.callback_data
    }


def report_text(emulator: BotAPIEmulator, report: Call) -> str:
    message = emulator.message(ADMIN.id, report.message["message_id"])
    assert message is not None
    return str(message["text"])


def received(emulator: BotAPIEmulator, part: str) -> list[int]:
    return sorted(int(c.chat_id) for c in sent(emulator.calls) if part in (c.text or ""))  # type: ignore[arg-type]


async def answer(emulator: BotAPIEmulator, chat: int, invitation: Call, label: str, language: str = "ru") -> str:
    calls = await emulator.tap(
        User(id=chat, first_name="m", language_code=language), invitation, button(invitation, label)
    )
    return alerts(calls)[0]


@pytest.mark.postgresql_too  # the upserts, row locks and counting queries differ most there
async def test_an_event_from_invitation_to_cancel(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast: Cast = await seed(bot.app, clock())
    summary, report = await publish(emulator)
    assert f"Приглашённых: <b>{len(cast.members)}</b>" in (summary.params["text"]) and "включая вас" in summary.text
    assert "Событие № 1" in report.text and f"без ответа: {len(cast.members)}" in report.text
    again = await emulator.tap(ADMIN, summary, button(summary, "Опубликовать"))
    assert "уже опубликовано" in alerts(again)[0], "publishing twice publishes once"

    assert await bot.app.sender.deliver_due() == len(cast.members)
    invited = invitations(emulator)
    assert sorted(invited) == sorted(cast.members)
    assert "30.11.2026 15:00" in invited[cast.leader].text and "Смольный, зал 3" in invited[cast.leader].text
    assert "Invitation" in invited[cast.finn].text and "Coming" in invited[cast.finn].buttons[0]["text"]

    # Answers, and the report's counts: at once for the first, the next held back a few seconds.
    assert "Ответ записан" in await answer(emulator, cast.leader, invited[cast.leader], "Приду")
    assert "✅ 1 · ❌ 0 · 🤔 0" in report_text(emulator, report)
    assert "Ответ записан" in await answer(emulator, cast.partner, invited[cast.partner], "Может быть")
    assert "🤔 0" in report_text(emulator, report), "edits are throttled"
    clock.advance(seconds=10)
    await bot.tick()
    assert "✅ 1 · ❌ 0 · 🤔 1" in report_text(emulator, report), "the tick brings the held-back answer in"
    same = await answer(emulator, cast.leader, invited[cast.leader], "Приду")
    assert "уже ответили" in same and "ничего не изменилось" in same
    assert "Answer saved" in await answer(emulator, cast.finn, invited[cast.finn], "Maybe", "en")
    clock.advance(seconds=10)
    assert "Ответ записан" in await answer(emulator, cast.leader, invited[cast.leader], "Не приду")
    assert "✅ 0 · ❌ 1 · 🤔 2" in report_text(emulator, report)
    edited = emulator.message(cast.leader, invited[cast.leader].message["message_id"])
    assert edited is not None and "Ваш ответ: ❌ Не приду" in edited["text"]
    # /mydata holds the answers; the Finn reads his in English
    mine = sent(await emulator.ask(User(id=cast.leader, first_name="m"), "/mydata"))[0].text
    assert "События: приглашения и ваши ответы (всего: 1)" in mine and "❌ Не приду" in mine
    theirs = sent(await emulator.ask(User(id=cast.finn, first_name="m", language_code="en"), "/mydata"))[0].text
    assert "Events: invitations and your answers (total: 1)" in theirs and "🤔 Maybe" in theirs

    # A forged answer (another event, or a value outside the enum) and a stale one change nothing.
    forged = emulator.press_forged(
        User(id=cast.plain[0], first_name="m"), invited[cast.plain[0]].message, Rsvp(event=77, answer=Answer.YES).pack()
    )
    assert "устарела" in alerts(await emulator.wait_handled(forged))[0]
    bogus = emulator.press_forged(User(id=cast.plain[0], first_name="m"), invited[cast.plain[0]].message, "evr:1:sure")
    assert "устарела" in alerts(await emulator.wait_handled(bogus))[0]
    stranger = emulator.press_forged(
        User(id=555001, first_name="x"), invited[cast.plain[0]].message, Rsvp(event=1, answer=Answer.YES).pack()
    )
    assert "устарела" in alerts(await emulator.wait_handled(stranger))[0], "not invited"

    # /events: one's own answer.
    calls = await emulator.ask(User(id=cast.partner, first_name="m"), "/events")
    assert "Заседание кластера" in sent(calls)[0].text and "🤔 Может быть" in sent(calls)[0].text

    # Names and CSV for the secretariat.
    calls = await emulator.tap(ADMIN, report, button(report, "Кто ответил"))
    names = sent(calls)[0].text or ""
    assert names.index("Person t-partner") < names.index("Person t-leader") < names.index("Person t-plain-0")
    calls = await emulator.tap(ADMIN, report, button(report, "CSV"))
    document = next(c for c in calls if c.method == "sendDocument")
    rows = list(csv.reader(io.StringIO(document.files["document"].content.decode("utf-8-sig"))))
    assert rows[0] == ["telegram_id", "name", "answer", "answered_at"]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert len(by_id) == len(cast.members)
    assert by_id[cast.leader][1:3] == ["Person t-leader", "no"] and by_id[cast.plain[0]][2] == ""

    # The deadline closes answers, politely.
    clock.now = datetime(2026, 11, 29, 9, 1, tzinfo=UTC)
    assert "не принимаются" in await answer(emulator, cast.plain[0], invited[cast.plain[0]], "Приду")
    assert "не принимаются" in await answer(emulator, cast.leader, invited[cast.leader], "Приду")
    assert "✅ 0 · ❌ 1 · 🤔 2" in report_text(emulator, report)

    # Reminders to those coming or maybe: the day before and an hour before, once each.
    coming = sorted([cast.partner, cast.finn])
    clock.now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    await bot.tick()
    await bot.tick()
    assert received(emulator, "событие уже завтра") == [cast.partner]
    assert received(emulator, "the event is tomorrow") == [cast.finn]
    clock.now = datetime(2026, 11, 30, 11, 5, tzinfo=UTC)
    await bot.tick()
    clock.advance(minutes=10)
    await bot.tick()
    assert sorted(received(emulator, "через час") + received(emulator, "in an hour")) == coming
    assert received(emulator, "событие уже завтра") == [cast.partner], "the day-before reminder is not repeated"

    # A new time: everyone the invitation reached is told, answered or not (but one whose access
    # was closed since);
    # reminders come again for the new time.
    async with bot.app.database.sessions.begin() as session:
        leader_person = await session.scalar(select(Account.person_id).where(Account.telegram_id == cast.leader))
        assert leader_person is not None
        assert await members.revoke_member(session, leader_person, actor=ADMIN.id, now=clock())
    calls = await emulator.tap(ADMIN, report, button(report, "Другое время"))
    calls = await emulator.ask(ADMIN, "01.12.2026 15:00")
    assert f"получат {len(cast.members) - 1} человек" in sent(calls)[0].text
    report = sent(calls)[-1]
    await bot.app.sender.deliver_due()
    told = received(emulator, "Изменение в событии") + received(emulator, "has changed")
    assert sorted(told) == sorted(cast.members - {cast.leader}), "all it reached who are members, once each"
    changed = [c for c in sent(emulator.calls) if "Изменение в событии" in (c.text or "")]
    assert all("01.12.2026 15:00" in (c.text or "") for c in changed)
    clock.now = datetime(2026, 11, 30, 12, 5, tzinfo=UTC)
    await bot.tick()
    await bot.tick()
    assert received(emulator, "событие уже завтра") == [cast.partner, cast.partner]

    # Cancelling tells everyone invited; answers are no longer taken.
    calls = await emulator.tap(ADMIN, report, button(report, "Отменить событие"))
    confirm = next(c for c in calls if c.method == "editMessageText")
    calls = await emulator.tap(ADMIN, confirm, button(confirm, "Да, отменить"))
    assert "отменено" in next(c for c in calls if c.method == "editMessageText").text
    await bot.app.sender.deliver_due()
    told = received(emulator, "Событие «Заседание кластера» (01.12.2026 15:00) отменено")
    assert sorted(told + received(emulator, "is cancelled")) == sorted(cast.members - {cast.leader}), "once each"
    assert "отменено" in await answer(emulator, cast.plain[1], invited[cast.plain[1]], "Приду")
    calls = await emulator.ask(User(id=cast.partner, first_name="m"), "/events")
    assert "Ближайших событий нет" in sent(calls)[0].text


async def test_ics_of_an_event(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    await publish(emulator, title="Стратегическая сессия")
    await bot.app.sender.deliver_due()
    invitation = invitations(emulator)[cast.leader]
    calls = await emulator.tap(User(id=cast.leader, first_name="m"), invitation, button(invitation, ".ics"))
    document = next(c for c in calls if c.method == "sendDocument")
    event = Calendar.from_ical(document.files["document"].content).walk("VEVENT")[0]
    assert str(event["uid"]) == "event-1@clusterbot" and str(event["summary"]) == "Стратегическая сессия"
    assert event.decoded("dtstart") == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert str(event["location"]) == "Смольный, зал 3"
    stranger = emulator.press_forged(User(id=555002, first_name="x"), invitation.message, button(invitation, ".ics"))
    assert "устарела" in alerts(await emulator.wait_handled(stranger))[0], "not invited: no file"


async def test_only_the_secretariat_makes_events(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    member = User(id=cast.plain[0], first_name="m")
    calls = await emulator.ask(member, "/event")
    assert "только секретариату" in sent(calls)[0].text
    _, report = await publish(emulator)
    forged = emulator.press_forged(member, report.message, EventAct(event=1, action=Manage.CSV).pack())
    calls = await emulator.wait_handled(forged)
    assert "только секретариату" in alerts(calls)[0] and not [c for c in calls if c.method == "sendDocument"]


async def test_invitations_not_yet_sent_carry_the_new_time(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    _, report = await publish(emulator)
    await emulator.tap(ADMIN, report, button(report, "Другое время"))
    calls = await emulator.ask(ADMIN, "02.12.2026")
    assert "получат 0 человек" in sent(calls)[0].text, "nobody answered yet"
    await bot.app.sender.deliver_due()
    invited = invitations(emulator)
    assert sorted(invited) == sorted(cast.members)
    assert all(
        "02.12.2026, весь день" in (c.text or "") or "02.12.2026, all day" in (c.text or "") for c in invited.values()
    )
