"""Announcements that must be read, end to end: asked for while composing, confirmed once by each
recipient from the button under it (in their language), counted in the secretariat's report and in
/announcements, who has not confirmed listed (paged) and as CSV, reminded once ACK_REMIND_HOURS
after it started and never again, and the button kept when a scheduled one's text is edited."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from models import CheckinPause, Person
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    Cast,
    alert,
    alerts,
    button,
    compose,
    revoke,
    schedule,
    seed,
    send_now,
    sent,
    shown,
)

TEXT = "Прочтите регламент доступа"


def _member(chat_id: int, language: str = "ru") -> User:
    return User(id=chat_id, first_name=f"m{chat_id}", language_code=language)


def _delivered(emulator: BotAPIEmulator, chat_id: int, text: str) -> Call:
    """The message with `text` the sender delivered to the chat."""
    return next(c for c in sent(emulator.calls_of("sendMessage", chat_id)) if text in c.text)


def _report(emulator: BotAPIEmulator, report: Call) -> Call:
    """The secretariat's report as last sent or edited."""
    message_id = report.message["message_id"]
    return [
        c
        for c in emulator.calls
        if c.method in ("sendMessage", "editMessageText")
        and c.ok
        and c.chat == ADMIN.id
        and c.message["message_id"] == message_id
    ][-1]


def _report_text(emulator: BotAPIEmulator, report: Call) -> str:
    return str(emulator.message(ADMIN.id, report.message["message_id"])["text"])


def _label(call: Call, part: str) -> str:
    return next(str(b["text"]) for b in call.buttons if part in b["text"])


def _reminded(emulator: BotAPIEmulator) -> list[int]:
    """The chats reminded to confirm reading, once per reminder."""
    return sorted(
        c.chat
        for c in sent(emulator.calls)
        if "прочитали объявление" in c.text or "have read the announcement" in c.text
    )


async def _ask_for_reading(emulator: BotAPIEmulator, summary: Call) -> Call:
    """Turn on "confirm reading" on the summary; returns the summary as edited."""
    calls = await emulator.tap(ADMIN, summary, button(summary, "Попросить подтвердить прочтение"))
    edited = shown(calls)
    assert "☑️" in _label(edited, "прочтение")
    assert "подтвердят прочтение" in edited.text and "через 24 ч" in edited.text
    return edited


async def _away(bot: RunningBot, person_key: str, until: date) -> None:
    """As /away does it."""
    async with bot.app.database.sessions.begin() as session:
        person = await session.scalar(select(Person.id).where(Person.key == person_key))
        assert person is not None
        session.add(CheckinPause(person_id=person, until=until))


@pytest.mark.postgresql_too
async def test_confirmed_once_counted_listed_and_the_rest_reminded_once(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast: Cast = await seed(bot.app, clock(), extra=3)
    summary = await compose(emulator, TEXT)
    assert "🔲" in _label(summary, "прочтение"), "off by default"
    summary = await _ask_for_reading(emulator, summary)
    calls = await emulator.tap(ADMIN, summary, button(summary, "подтвердить прочтение"))  # and off again
    assert "подтвердят" not in shown(calls).text
    summary = await _ask_for_reading(emulator, shown(calls))
    report = await send_now(emulator, summary)
    await bot.app.sender.deliver_due()
    reached = len(cast.members)
    assert f"Прочитали: 1 из {reached}" in _report_text(emulator, report), "its author has read it"

    # Everyone got the button in their language, but the secretary who wrote it.
    assert not _delivered(emulator, ADMIN.id, TEXT).buttons
    leader = _delivered(emulator, cast.leader, TEXT)
    assert [b["text"] for b in leader.buttons] == ["✅ Прочитал(а)"]
    assert [b["text"] for b in _delivered(emulator, cast.finn, TEXT).buttons] == ["✅ I have read it"]

    # The leader confirms: thanked, the button says so, the report counts it at once.
    clock.advance(seconds=10)
    calls = await emulator.tap(_member(cast.leader), leader, button(leader, "Прочитал"))
    assert "Спасибо" in alert(calls)
    markup = next(c for c in calls if c.method == "editMessageReplyMarkup")
    assert [b["text"] for b in markup.buttons] == ["☑️ Прочтение подтверждено"]
    assert f"Прочитали: 2 из {reached}" in _report_text(emulator, report)
    # A second tap, on the old button or on the new one, changes nothing and says so.
    calls = await emulator.tap(_member(cast.leader), leader, button(leader, "Прочитал"))
    assert "уже подтвердили" in alert(calls)
    assert not [c for c in calls if c.method.startswith("edit")]
    calls = await emulator.tap(_member(cast.leader), markup, button(markup, "подтверждено"))
    assert "уже подтвердили" in alert(calls)
    mine = sent(await emulator.ask(_member(cast.leader), "/mydata"))[0].text
    assert "Объявления: вы подтвердили прочтение (всего: 1)" in mine and f"объявление №1: «{TEXT}»" in mine

    # The Finn confirms within ANNOUNCE_PROGRESS_SECONDS: the report waits for the next tick.
    finn = _delivered(emulator, cast.finn, TEXT)
    calls = await emulator.tap(_member(cast.finn, "en"), finn, button(finn, "I have read it"))
    assert "Thank you" in alert(calls)
    assert [b["text"] for b in next(c for c in calls if c.method == "editMessageReplyMarkup").buttons] == [
        "☑️ Reading confirmed"
    ]
    assert f"Прочитали: 2 из {reached}" in _report_text(emulator, report)
    clock.advance(seconds=5)
    await bot.tick()
    assert f"Прочитали: 3 из {reached}" in _report_text(emulator, report)

    # Someone it was not sent to, and a forged button, get a polite alert and record nothing.
    calls = await emulator.tap(GUEST, leader, button(leader, "Прочитал"))
    assert "устарела" in alert(calls)
    calls = await emulator.wait_handled(
        emulator.press_forged(_member(cast.partner), _delivered(emulator, cast.partner, TEXT), "anr:99999999")
    )
    assert "устарела" in alert(calls)
    calls = await emulator.wait_handled(
        emulator.press_forged(_member(cast.partner), _delivered(emulator, cast.partner, TEXT), "anr:x")
    )
    assert alerts(calls) and all(c.method == "answerCallbackQuery" for c in calls if c.ok)

    # /announcements counts it too; the names of who has not confirmed, and the CSV.
    listing = sent(await emulator.ask(ADMIN, "/announcements"))[-1]
    assert f"Прочитали: 3 из {reached}" in listing.text
    current = _report(emulator, report)
    calls = await emulator.tap(ADMIN, current, button(current, f"Не прочитали ({reached - 3})"))
    names = sent(calls)[-1]
    assert f"Не подтвердили прочтение объявления №1: {reached - 3} из {reached}" in names.text
    assert "Person t-partner" in names.text and "Person t-leader" not in names.text
    calls = await emulator.tap(ADMIN, names, button(names, "CSV"))
    document = sent(calls, "sendDocument")[0]
    rows = list(csv.reader(io.StringIO(document.files["document"].content.decode("utf-8-sig"))))
    assert rows[0] == ["chat_id", "name", "organisation", "delivered_at"]
    unconfirmed = sorted(cast.members - {cast.leader, cast.finn, ADMIN.id})
    assert sorted(int(r[0]) for r in rows[1:]) == unconfirmed
    assert all(r[3].startswith("2026-11-23 12:00") for r in rows[1:]), "delivered at, in Moscow time"

    # One of them went away: the announcement would leave them out now, so does its reminder.
    away = cast.plain[1]
    await _away(bot, "t-plain-1", date(2026, 12, 31))
    clock.advance(hours=23, minutes=59)
    await bot.tick()
    assert not _reminded(emulator), "not before ACK_REMIND_HOURS"
    clock.advance(minutes=1)
    await bot.tick()
    reminded = _reminded(emulator)
    assert reminded == sorted(set(unconfirmed) - {away})
    reminder = _delivered(emulator, cast.partner, "Напоминание")
    assert TEXT in reminder.text, "it quotes the announcement"
    assert (
        reminder.message["reply_to_message"]["message_id"]
        == _delivered(emulator, cast.partner, TEXT).message["message_id"]
    ), "and answers it"

    # Confirmed from the reminder: its button and the announcement's say so; never reminded again,
    # whatever the ticks or a restart.
    calls = await emulator.tap(_member(cast.partner), reminder, button(reminder, "Прочитал"))
    assert "Спасибо" in alert(calls)
    original = _delivered(emulator, cast.partner, TEXT).message["message_id"]
    edited = {c.params["message_id"] for c in calls if c.method == "editMessageReplyMarkup" and c.ok}
    assert edited == {original, reminder.message["message_id"]}
    assert "подтверждено" in str(emulator.message(cast.partner, original)["reply_markup"])
    for _ in range(2):
        clock.advance(days=2)
        await bot.tick()
    await bot.restart()
    clock.advance(days=2)
    await bot.tick()
    assert _reminded(emulator) == reminded, "reminded once"
    assert f"Прочитали: 4 из {reached}" in _report_text(emulator, report)


async def test_a_long_list_is_paged_and_an_edited_scheduled_one_keeps_the_button(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=30)
    summary = await _ask_for_reading(emulator, await compose(emulator, "Старый текст"))
    confirmation = await schedule(emulator, summary)
    assert "Прочитали" not in confirmation.text, "no «0 of 0» before any has gone out"
    await emulator.tap(ADMIN, confirmation, button(confirmation, "Изменить текст"))
    confirmation = sent(await emulator.ask(ADMIN, "Новый текст для прочтения"))[-1]
    clock.advance(days=1)
    await bot.tick()
    got = _delivered(emulator, cast.finn, "Новый текст")
    assert [b["text"] for b in got.buttons] == ["✅ I have read it"], "the edit kept the button, in English"
    assert [b["text"] for b in _delivered(emulator, cast.leader, "Новый текст").buttons] == ["✅ Прочитал(а)"]

    report = _report(emulator, confirmation)
    reached = len(cast.members)
    calls = await emulator.tap(ADMIN, report, button(report, "Не прочитали"))
    first = sent(calls)[-1]
    assert _numbers(first.text) == list(range(1, 26))
    calls = await emulator.tap(ADMIN, first, button(first, "▶️"))
    second = next(c for c in calls if c.method == "editMessageText")
    assert _numbers(second.text) == list(range(26, reached)), "all but the author"
    assert button(second, "◀️") and "2/2" in _label(second, "/")


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\. ", text, re.M)]


async def test_a_second_tap_on_the_toggle_as_it_was_keeps_the_choice(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await seed(bot.app, clock(), extra=1)
    summary = await compose(emulator, TEXT)
    on = await _ask_for_reading(emulator, summary)
    # A double tap: the second press comes from the summary as it was before the first one's edit.
    calls = await emulator.tap(ADMIN, summary, button(summary, "Попросить подтвердить прочтение"))
    assert "уже" in alert(calls) and not [c for c in calls if c.method.startswith("edit")]
    assert "☑️" in _label(on, "прочтение")
    report = await send_now(emulator, on)
    await bot.app.sender.deliver_due()
    assert "Прочитали: 1 из" in _report_text(emulator, report), "the author"


async def test_one_whose_access_was_closed_since_is_not_reminded(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=2)
    summary = await _ask_for_reading(emulator, await compose(emulator, TEXT))
    await send_now(emulator, summary)
    await bot.app.sender.deliver_due()
    # the secretariat closes a member's access: the reminder would quote the announcement to a guest
    await revoke(bot, emulator, "Person t-plain-0")
    clock.advance(hours=24)
    await bot.tick()
    assert _reminded(emulator) == sorted(cast.members - {cast.plain[0], ADMIN.id}), "nor the author"
