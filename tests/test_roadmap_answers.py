"""The roadmap as its users meet it: the secretariat manages items with buttons, members browse and
download it, the responsible answer from the reminder, the secretariat decides with one tap."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from handlers.roadmap.callbacks import RoadmapAnswer
from models import RoadmapItem
from tests.conftest import ADMIN, GUEST
from tests.roadmap_helpers import DEADLINE, ORG_A, ORG_B, SOLO, item_with_owners, link_people
from tests.test_e2e_join import button, last_text, sent


async def item(bot, number: int) -> RoadmapItem:  # type: ignore[no-untyped-def]
    async with bot.app.database.sessions() as session:
        found = await session.scalar(select(RoadmapItem).where(RoadmapItem.number == number))
        assert found is not None
        return found


async def test_guests_do_not_see_the_roadmap(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    assert "участникам" in last_text(await emulator.ask(GUEST, "/roadmap"))


async def test_the_secretariat_adds_an_item_and_sets_deadline_owners_policy(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    panel = next(c for c in sent(await emulator.ask(ADMIN, "/admin")) if c.buttons)
    calls = await emulator.tap(ADMIN, panel, button(panel, "Дорожная карта"))
    listing = sent(calls)[-1]
    assert "пунктов: 8" in listing.text and listing.text.count("срок не задан") == 8
    calls = await emulator.tap(ADMIN, listing, button(listing, "Новый пункт"))
    assert "название" in last_text(calls)
    await emulator.ask(ADMIN, "Зелёные закупки")
    await emulator.ask(ADMIN, "Подготовить перечень инновационной продукции")
    calls = await emulator.ask(ADMIN, "-")
    card = sent(calls)[-1]
    assert "9. Зелёные закупки" in card.text and "не назначены" in card.text

    calls = await emulator.tap(ADMIN, card, button(card, "Срок"))
    assert "15.12.2026" in last_text(calls)
    assert "Такой даты" in last_text(await emulator.ask(ADMIN, "31.02.2027"))
    assert "не похоже на дату" in last_text(await emulator.ask(ADMIN, "после дождичка в четверг"))
    assert "уже прошла" in last_text(await emulator.ask(ADMIN, "01.01.2020"))
    calls = await emulator.ask(ADMIN, "2027-03-15 14:30")
    card = sent(calls)[-1]
    assert "15.03.2027 14:30" in card.text
    assert (await item(bot, 9)).deadline == datetime(2027, 3, 15, 11, 30, tzinfo=UTC)

    calls = await emulator.tap(ADMIN, card, button(card, "Ответственные"))
    calls = await emulator.ask(ADMIN, "Технопарк")
    choices = sent(calls)[-1]
    calls = await emulator.tap(ADMIN, choices, button(choices, "Технопарк"))
    editor = sent(calls)[-1]
    assert "Технопарк" in editor.text and "никого в Telegram" in editor.text
    calls = await emulator.tap(ADMIN, editor, button(editor, "К пункту"))
    card = sent(calls)[-1]
    assert "Технопарк" in card.text and "добавлен ответственный" in card.text

    calls = await emulator.tap(ADMIN, card, button(card, "Напоминания"))
    assert "не понял" in last_text(await emulator.ask(ADMIN, "часто")).lower()
    card = sent(await emulator.ask(ADMIN, "7, 1 / 2"))[-1]
    assert "за 7, 1 дн. до срока" in card.text and "при просрочке — каждые 2 дня" in card.text
    calls = await emulator.tap(ADMIN, card, button(card, "Закрыть"))
    confirm = next(c for c in calls if c.method == "editMessageText")
    assert "Закрыть пункт как выполненный?" in confirm.text and (await item(bot, 9)).status == "open"
    calls = await emulator.tap(ADMIN, confirm, button(confirm, "Да, закрыть"))
    assert any("выполнен" in (c.params.get("text") or "") for c in calls if c.method == "editMessageText")
    assert (await item(bot, 9)).status == "done"


async def test_answers_from_the_reminder(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
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
    assert (await item(bot, 1)).deadline.astimezone().date().isoformat() >= "2027-01-20"
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


async def test_members_filter_mine_and_download_the_calendar_and_timeline(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    calls = await emulator.ask(SOLO, "/roadmap")
    listing = sent(calls)[-1]
    assert "Roadmap" in listing.text and "22 days left (deadline 15.12.2026)" in listing.text
    calls = await emulator.tap(SOLO, listing, button(listing, "Only mine"))
    mine = next(c for c in calls if c.method == "editMessageText")
    assert "My roadmap items · 1" in mine.text and "\n2." not in mine.text
    calls = await emulator.tap(SOLO, mine, button(mine, ".ics"))
    document = sent(calls, "sendDocument")[0]
    calendar = Calendar.from_ical(document.files["document"].content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["summary"]).startswith("1. Пакет инструментов")
    assert events[0].decoded("dtstart") == DEADLINE.astimezone(ZoneInfo("Europe/Moscow")).date()
    assert str(events[0]["uid"]) == "roadmap-1@clusterbot"
    calls = await emulator.tap(SOLO, mine, button(mine, "Timeline"))
    photo = sent(calls, "sendPhoto")[0]
    assert photo.files["photo"].content.startswith(b"\x89PNG")


async def test_only_the_responsible_answer(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await link_people(bot.app)
    calls = await emulator.ask(ORG_A, "/roadmap")
    listing = sent(calls)[-1]
    card = sent(await emulator.tap(ORG_A, listing, listing.callback_data[0]))[-1]
    assert not any("Выполнено" in b["text"] for b in card.buttons), "not responsible: no answer buttons"
    calls = await emulator.wait_handled(emulator.press_forged(ORG_A, card, RoadmapAnswer(item=1, action="done").pack()))
    assert "не отвечаете" in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]


async def test_done_with_a_photo_or_without_a_note(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
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


async def test_a_new_owner_is_told(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await link_people(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "2. Подпрограмма")))[-1]
    await emulator.tap(ADMIN, card, button(card, "Ответственные"))
    choices = sent(await emulator.ask(ADMIN, "Блинов"))[-1]
    calls = await emulator.tap(ADMIN, choices, button(choices, "Блинов"))
    assert "Блинов" in sent(calls)[-1].text
    await bot.app.sender.deliver_due()
    told = last_text(emulator.calls_of("sendMessage", SOLO.id))
    assert "made you responsible" in told and "2. Подпрограмма" in told and "no deadline" in told
    calls = await emulator.tap(ADMIN, choices, button(choices, "Блинов"))  # a second tap adds nothing
    assert any(c.method == "answerCallbackQuery" and "Ничего не изменилось" in c.params.get("text", "") for c in calls)
    await bot.app.sender.deliver_due()
    assert len(sent(emulator.calls_of("sendMessage", SOLO.id))) == 1
