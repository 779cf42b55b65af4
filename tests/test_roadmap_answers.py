"""The responsible answer the roadmap's reminders end to end: done (with evidence), more time
(which the secretariat decides with one tap), not mine (with a reason, reassigned or kept); only
the responsible may, once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.services import roadmap
from handlers.roadmap.callbacks import RoadmapAnswer
from models import RoadmapItem
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    D3,
    D7,
    D14,
    ORG_A,
    ORG_B,
    SOLO,
    alerts,
    assign,
    button,
    item,
    item_with_owners,
    last_text,
    link_people,
    messages_to,
    reminded,
    sent,
)


async def test_answers_from_the_reminder(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await item_with_owners(bot.app)
    clock.now = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    await bot.tick()
    reminder = sent(emulator.calls_of("sendMessage", SOLO.id))[-1]
    assert "14 days until the deadline" in reminder.text

    # Need more time: bad dates are refused politely, then a date and a reason go to the secretariat.
    await emulator.tap(SOLO, reminder, button(reminder, "more time"))
    assert "not a date" in last_text(await emulator.ask(SOLO, "soon"))
    assert "no such date" in last_text(await emulator.ask(SOLO, "31.02"))
    assert "no such date" in last_text(await emulator.ask(SOLO, "31.02.2027"))
    assert "already past" in last_text(await emulator.ask(SOLO, "20.11.2026"))
    assert "later than the current deadline 15.12.2026" in last_text(await emulator.ask(SOLO, "15.12.2026"))
    assert "later than the current deadline 15.12.2026" in last_text(await emulator.ask(SOLO, "10.12.2026"))
    assert "reason" in last_text(await emulator.ask(SOLO, "20.01.2027"))
    assert "20.01.2027" in last_text(await emulator.ask(SOLO, "Waiting for the committee's data"))
    await bot.app.sender.deliver_due()
    request = sent(emulator.calls_of("sendMessage", ADMIN.id))[-1]
    assert "просит продлить" in request.text and "15.12.2026 → 20.01.2027" in request.text
    calls = await emulator.tap(ADMIN, request, button(request, "Одобрить"))
    assert any("новый срок 20.01.2027" in (c.params.get("text") or "") for c in calls)
    deadline = (await item(bot, 1)).deadline
    assert deadline is not None and deadline.astimezone().date().isoformat() >= "2027-01-20"
    calls = await emulator.tap(ADMIN, request, button(request, "Одобрить"))
    assert "уже принято" in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]
    await bot.app.sender.deliver_due()
    assert "approved your extension" in last_text(emulator.calls_of("sendMessage", SOLO.id))
    clock.now = datetime(2027, 1, 6, 7, 30, tzinfo=UTC)  # the reminders follow the new deadline
    await bot.tick()
    assert "14 days until the deadline" in last_text(emulator.calls_of("sendMessage", SOLO.id))
    assert "20.01.2027" in last_text(emulator.calls_of("sendMessage", SOLO.id))

    # A second request is declined: the deadline stays.
    await emulator.tap(SOLO, reminder, button(reminder, "more time"))
    await emulator.ask(SOLO, "01.03.2027")
    await emulator.ask(SOLO, "Still waiting")
    await bot.app.sender.deliver_due()
    request = sent(emulator.calls_of("sendMessage", ADMIN.id))[-1]
    await emulator.tap(ADMIN, request, button(request, "Отклонить"))
    await bot.app.sender.deliver_due()
    assert "declined" in last_text(emulator.calls_of("sendMessage", SOLO.id))
    assert (await item(bot, 1)).deadline == datetime(2027, 1, 20, 20, 59, tzinfo=UTC)

    # Not mine: the secretariat is asked to reassign.
    other = sent(emulator.calls_of("sendMessage", ORG_B.id))[-1]
    calls = await emulator.tap(ORG_B, other, button(other, "Не моё"))
    assert "Почему" in last_text(calls)
    calls = await emulator.ask(ORG_B, "Это делает комитет по энергетике")
    assert "назначит" in last_text(calls)
    await bot.app.sender.deliver_due()
    assert "не его" in last_text(emulator.calls_of("sendMessage", ADMIN.id))

    # Done with a document as evidence: closed, the secretariat gets the document.
    mine = sent(emulator.calls_of("sendMessage", ORG_A.id))[-1]
    calls = await emulator.tap(ORG_A, mine, button(mine, "Выполнено"))
    assert "документ" in last_text(calls)
    calls = await emulator.wait_handled(
        emulator.send_document(ORG_A, "act.pdf", b"%PDF-1.4 act", caption="Акт подписан")
    )
    assert "Пункт закрыт" in last_text(calls)
    await bot.app.sender.deliver_due()
    evidence = sent(emulator.calls_of("sendDocument", ADMIN.id), "sendDocument")[-1]
    assert "сообщает о выполнении" in evidence.text and "Акт подписан" in evidence.text
    assert (await item(bot, 1)).status == "done"

    # The reminder's buttons of a closed item answer politely; the card keeps the whole history.
    calls = await emulator.tap(ORG_B, other, button(other, "Выполнено"))
    assert "уже закрыт" in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]
    calls = await emulator.tap(ORG_A, mine, button(mine, "Открыть пункт"))
    card = sent(calls)[-1].text
    for line in (
        "просит продлить срок до 20.01.2027 (одобрено)",
        "отклонил продление до 01.03.2027",
        "пункт не его",
        "выполнено — Акт подписан 📎",
    ):
        assert line in card, line
    assert "Выполнено" not in [b["text"] for b in sent(calls)[-1].buttons]


async def test_only_the_responsible_answer(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await link_people(bot.app)
    calls = await emulator.ask(ORG_A, "/roadmap")
    listing = sent(calls)[-1]
    card = sent(await emulator.tap(ORG_A, listing, listing.callback_data[0]))[-1]
    assert not any("Выполнено" in b["text"] for b in card.buttons), "not responsible: no answer buttons"
    calls = await emulator.wait_handled(emulator.press_forged(ORG_A, card, RoadmapAnswer(item=1, action="done").pack()))
    assert "не отвечаете" in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]


async def test_done_with_a_photo_or_without_a_note(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await item_with_owners(bot.app)
    clock.now = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    await bot.tick()
    reminder = sent(emulator.calls_of("sendMessage", ORG_A.id))[-1]
    await emulator.tap(ORG_A, reminder, button(reminder, "Выполнено"))
    calls = await emulator.wait_handled(emulator.send_photo(ORG_A, caption="Фото акта"))
    assert "Пункт закрыт" in last_text(calls)
    await bot.app.sender.deliver_due()
    photo = sent(emulator.calls_of("sendPhoto", ADMIN.id), "sendPhoto")[-1]
    assert "Фото акта" in photo.text
    # a second owner's "Done, without a note" on the closed item changes nothing
    other = sent(emulator.calls_of("sendMessage", SOLO.id))[-1]
    calls = await emulator.tap(SOLO, other, button(other, "Done"))
    assert "already closed" in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]


async def _deadline(bot: RunningBot, number: int, deadline: datetime) -> None:
    async with bot.app.database.sessions.begin() as session:
        item_id = await session.scalar(select(RoadmapItem.id).where(RoadmapItem.number == number))
        assert item_id is not None
        assert await roadmap.set_deadline(
            session, item_id, deadline, actor=ADMIN.id, actor_name="S", now=bot.app.clock()
        )


async def test_an_owner_assigned_after_the_reminder_hour_can_answer_and_is_not_reminded_twice(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    # Monday 23.11, 12:00 in Moscow: today's reminders went out at 10:00
    await link_people(bot.app)
    await _deadline(bot, 1, datetime(2026, 11, 23, 20, 59, tzinfo=UTC))  # today, end of the day
    await _deadline(bot, 2, datetime(2026, 11, 24, 20, 59, tzinfo=UTC))  # tomorrow: its d0 reminder is at 10:00
    await assign(bot, emulator, 1, "Блинов")
    today = messages_to(emulator, SOLO)[-1]
    assert "made you responsible" in today.text and "The deadline is today" in today.text
    assert {"Done", "Need more time", "Not mine"} <= {b["text"][2:] for b in today.buttons}
    await assign(bot, emulator, 2, "Блинов")
    tomorrow = messages_to(emulator, SOLO)[-1]
    assert "1 day until the deadline" in tomorrow.text
    # the day goes by to Tuesday 10:30 (item 2's reminder time): nothing repeats the assignment
    for hour in (10, 14, 18, 20, 31):
        clock.now = (
            datetime(2026, 11, 23, hour, 30, tzinfo=UTC) if hour < 24 else datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
        )
        await bot.tick()
    assert len(messages_to(emulator, SOLO)) == 2
    # and the answer buttons work from the assignment
    calls = await emulator.tap(SOLO, today, button(today, "Done"))
    calls = await emulator.tap(SOLO, sent(calls)[-1], button(sent(calls)[-1], "without"))
    assert "closed" in last_text(calls)


async def test_not_mine_asks_a_reason_stops_reminders_until_the_secretariat_keeps(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await item_with_owners(bot.app)
    await reminded(bot, clock, D14)
    reminder = sent(emulator.calls_of("sendMessage", ORG_B.id))[-1]
    calls = await emulator.tap(ORG_B, reminder, button(reminder, "Не моё"))
    assert "Почему пункт не ваш" in last_text(calls) and "без причины" in str(sent(calls)[-1].buttons)
    # a second tap only answers the button: no second question
    calls = await emulator.tap(ORG_B, reminder, button(reminder, "Не моё"))
    assert not sent(calls) and alerts(calls)
    # the explanation typed next is the reason, not a directory search
    # a reason too long is refused with its length, and the question stays
    assert "1001" in sent(await emulator.ask(ORG_B, "я" * 1001))[0].text
    calls = await emulator.ask(ORG_B, "Этим занимается комитет по энергетике")
    assert "назначит" in last_text(calls) and "напоминаний по этому пункту вам не будет" in last_text(calls)
    await bot.app.sender.deliver_due()
    notice = sent(emulator.calls_of("sendMessage", ADMIN.id))[-1]
    assert "комитет по энергетике" in notice.text
    # the directory name with the organisation, not the Telegram first name
    assert "Кузьменко Святослав Владимирович (" in notice.text and "Святослав</b>" not in notice.text
    assert {"Назначить другого", "Оставить за ним"} <= {b["text"][2:] for b in notice.buttons}

    # no reminders to them meanwhile; the others still get theirs
    await reminded(bot, clock, D7)
    assert "До срока 7 дней" in last_text(emulator.calls_of("sendMessage", ORG_A.id))
    assert "Не моё" not in last_text(emulator.calls_of("sendMessage", ORG_B.id))
    assert "До срока 7" not in last_text(emulator.calls_of("sendMessage", ORG_B.id))

    # "Reassign" opens the owners editor
    calls = await emulator.tap(ADMIN, notice, button(notice, "Назначить другого"))
    assert "Ответственные за 1." in last_text(calls)
    # "Keep": they are told, and reminded again
    calls = await emulator.tap(ADMIN, notice, button(notice, "Оставить"))
    assert "остаётся за ним" in alerts(calls)[0]
    calls = await emulator.tap(ADMIN, notice, button(notice, "Открыть пункт"))
    assert "пункт не его" in last_text(calls) and "оставил за ним" in last_text(calls)
    await bot.app.sender.deliver_due()
    assert "оставил пункт за вами" in last_text(emulator.calls_of("sendMessage", ORG_B.id))
    await reminded(bot, clock, D3)
    assert "До срока 3 дня" in last_text(emulator.calls_of("sendMessage", ORG_B.id))


async def test_not_mine_without_a_reason_once_and_a_new_owner_ends_the_pause(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await item_with_owners(bot.app)
    await reminded(bot, clock, D14)
    reminder = sent(emulator.calls_of("sendMessage", SOLO.id))[-1]
    question = sent(await emulator.tap(SOLO, reminder, button(reminder, "Not mine")))[-1]
    assert "Why is it not yours" in question.text
    calls = await emulator.tap(SOLO, question, button(question, "without a reason"))
    assert "will reassign" in last_text(calls)
    calls = await emulator.tap(SOLO, question, button(question, "without a reason"))
    assert not sent(calls)
    await bot.app.sender.deliver_due()
    notices = [c for c in sent(emulator.calls_of("sendMessage", ADMIN.id)) if "не его" in c.text]
    assert len(notices) == 1 and "Причина: —" in notices[0].text and "Блинов Иван Александрович" in notices[0].text
    # the secretariat changes the owners: the pause ends
    editor = sent(await emulator.tap(ADMIN, notices[0], button(notices[0], "Назначить другого")))[-1]
    choices = sent(await emulator.ask(ADMIN, "Технопарк"))[-1]
    await emulator.tap(ADMIN, choices, button(choices, "Технопарк"))
    assert editor
    await reminded(bot, clock, D7)
    assert "7 days until the deadline" in last_text(emulator.calls_of("sendMessage", SOLO.id))


async def test_an_extension_decision_keeps_the_item_and_the_person(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await item_with_owners(bot.app)
    await reminded(bot, clock, D14)
    reminder = sent(emulator.calls_of("sendMessage", ORG_A.id))[-1]
    await emulator.tap(ORG_A, reminder, button(reminder, "Нужно больше времени"))
    assert "позже текущего — 15.12.2026" in last_text(await emulator.ask(ORG_A, "01.12.2026 23:00"))
    assert "символов — до 1000" in last_text(await emulator.ask(ORG_A, "20.01.2027"))
    too_long = "данные " * 200
    assert "не больше 1000, а у вас 1399" in last_text(await emulator.ask(ORG_A, too_long))
    assert "отправлен секретариату" in last_text(await emulator.ask(ORG_A, "Ждём данные комитета"))
    await bot.app.sender.deliver_due()
    request = sent(emulator.calls_of("sendMessage", ADMIN.id))[-1]
    assert "Питиримов" in request.text and "Николай</b>" not in request.text
    calls = await emulator.tap(ADMIN, request, button(request, "Одобрить"))
    edited = next(c for c in calls if c.method == "editMessageText").text
    assert "новый срок 20.01.2027" in edited and "1. Пакет" in edited and "Питиримов" in edited

    # a request about an item closed meanwhile: the requester is told
    await emulator.tap(ORG_A, reminder, button(reminder, "Нужно больше времени"))
    await emulator.ask(ORG_A, "01.03.2027")
    await emulator.ask(ORG_A, "Ещё не готово")
    await bot.app.sender.deliver_due()
    request = sent(emulator.calls_of("sendMessage", ADMIN.id))[-1]
    card = sent(await emulator.tap(ADMIN, request, button(request, "Открыть пункт")))[-1]
    confirm = next(c for c in await emulator.tap(ADMIN, card, button(card, "Закрыть")) if c.method == "editMessageText")
    await emulator.tap(ADMIN, confirm, button(confirm, "Да, закрыть"))
    calls = await emulator.tap(ADMIN, request, button(request, "Одобрить"))
    edited = next(c for c in calls if c.method == "editMessageText").text
    assert "уже закрыт" in edited and "1. Пакет" in edited
    await bot.app.sender.deliver_due()
    assert "больше не нужен" in last_text(emulator.calls_of("sendMessage", ORG_A.id))


async def test_a_double_tap_on_done_asks_once(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await item_with_owners(bot.app)
    await reminded(bot, clock, D14)
    reminder = sent(emulator.calls_of("sendMessage", SOLO.id))[-1]
    first = await emulator.tap(SOLO, reminder, button(reminder, "Done"))
    second = await emulator.tap(SOLO, reminder, button(reminder, "Done"))
    assert "Great!" in last_text(first) and not sent(second) and alerts(second)
    assert "the length limit is 3000, yours is 3500" in last_text(await emulator.ask(SOLO, "x" * 3500))
    assert "closed" in last_text(await emulator.ask(SOLO, "Signed"))
