"""Composing announcements end to end: limits told at once, no text lost (to a photo or a restart),
edits confirmed with a preview, honest old buttons, bad input, Russian plurals, a readable list."""

from __future__ import annotations

from handlers.announcements.callbacks import AnnounceStep
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    alerts,
    button,
    choose,
    compose,
    received,
    schedule,
    seed,
    send_now,
    sent,
)


async def test_a_text_over_4096_is_refused_at_once(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    await emulator.ask(ADMIN, "/announce")
    calls = await emulator.ask(ADMIN, "а" * 5000)
    answer = sent(calls)[-1].text
    assert "не больше 4096" in answer and "5000" in answer and not sent(calls)[-1].buttons
    calls = await emulator.ask(ADMIN, "б" * 4096)  # still composing: a text at the limit is fine
    prompt = sent(calls)[-1]
    calls = await emulator.tap(ADMIN, prompt, button(prompt, "Без вложения"))
    summary = await choose(emulator, calls, "Общее", ("Лидерам проектов",))
    await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    await bot.app.sender.deliver_due()
    assert received(emulator, "б" * 4096) == [cast.leader]


async def test_a_photo_after_the_text_keeps_the_text(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    # a photo without a caption: the typed text becomes its caption
    await emulator.ask(ADMIN, "/announce")
    await emulator.ask(ADMIN, "Фото с субботника")
    calls = await emulator.wait_handled(emulator.send_photo(ADMIN))
    summary = await choose(emulator, calls, "Общее", ("Лидерам проектов",))
    assert sent(emulator.calls, "sendPhoto")[-1].text == "Фото с субботника"
    await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    # a photo with its own caption: the typed text stays, and the secretariat is told
    await emulator.ask(ADMIN, "/announce")
    await emulator.ask(ADMIN, "Набранный текст")
    calls = await emulator.wait_handled(emulator.send_photo(ADMIN, caption="Подпись фото"))
    assert any("Подпись к файлу не использована" in (c.text or "") for c in sent(calls))
    summary = await choose(emulator, calls, "Общее", ("Лидерам проектов",))
    assert sent(emulator.calls, "sendPhoto")[-1].text == "Набранный текст"
    await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    await bot.app.sender.deliver_due()
    assert received(emulator, "Фото с субботника", "sendPhoto") == [cast.leader]
    assert received(emulator, "Набранный текст", "sendPhoto") == [cast.leader]
    assert not received(emulator, "Подпись фото", "sendPhoto")

    # a typed text too long for a caption: told, the photo kept; a shorter text or "No attachment"
    await emulator.ask(ADMIN, "/announce")
    await emulator.ask(ADMIN, "Длинно. " * 200)
    calls = await emulator.wait_handled(emulator.send_photo(ADMIN))
    refusal = sent(calls)[-1]
    assert "не больше 1024" in refusal.text and "1600" in refusal.text
    calls = await emulator.tap(ADMIN, refusal, button(refusal, "Без вложения"))
    await choose(emulator, calls, "Общее", ("Лидерам проектов",))
    assert sent(emulator.calls)[-2].text.strip() == ("Длинно. " * 200).strip(), "sent as a text, without the photo"


async def test_editing_the_text_is_confirmed_with_a_preview(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    await seed(bot.app, clock())
    confirmation = await schedule(emulator, await compose(emulator, "Первый вариант"))
    await emulator.tap(ADMIN, confirmation, button(confirmation, "Изменить текст"))
    calls = await emulator.ask(ADMIN, "я" * 4100)
    assert "не больше 4096" in sent(calls)[-1].text and "4100" in sent(calls)[-1].text
    calls = await emulator.ask(ADMIN, "Второй вариант")  # still editing
    texts = [c.text for c in sent(calls)]
    assert "Текст объявления №1 обновлён" in texts[0]
    assert texts[1] == "Второй вариант", "the new preview"
    assert "запланировано на 24.11.2026 12:00" in texts[2]


async def test_old_buttons_say_what_happened(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    await seed(bot.app, clock())
    summary = await compose(emulator, "Запланированное")
    confirmation = await schedule(emulator, summary)
    for label in ("Отправить сейчас", "Запланировать", "Другие получатели"):
        alert = alerts(await emulator.tap(ADMIN, summary, button(summary, label)))[0]
        assert "уже запланировано" in alert and "24.11.2026 12:00" in alert and "отправлено" not in alert, label
    await emulator.tap(ADMIN, confirmation, button(confirmation, "Отменить рассылку"))
    alert = alerts(await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас")))[0]
    assert "было отменено" in alert

    summary = await compose(emulator, "Передумал")
    await emulator.tap(ADMIN, summary, button(summary, "Отменить"))
    alert = alerts(await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас")))[0]
    assert "было отменено" in alert and "ничего не отправлено" in alert
    calls = await emulator.ask(ADMIN, "/announce")  # a new draft still knows the old one was dropped
    assert "Новое объявление" in sent(calls)[-1].text
    alert = alerts(await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас")))[0]
    assert "было отменено" in alert


async def test_plurals_language_names_and_a_readable_list(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=1)  # ADMIN, leader, partner, finn, one more: 5 members
    counts = []
    for audience in (
        ("Лидерам проектов",),
        ("Участникам проектов", cast.project_title[:20], "Готово"),
        ("Всем участникам",),
    ):
        summary = await compose(emulator, f"Проверка склонения для {audience[0]}", audience=audience)
        calls = await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
        counts.append(alerts(calls)[0])
    assert counts == ["Принято: 1 получатель.", "Принято: 2 получателя.", "Принято: 5 получателей."]
    summary = await compose(emulator, "Для читающих по-английски", audience=("По языку", "English"))
    preview_note = [c for c in emulator.calls if c.method == "editMessageText"][-1].text
    assert "По языку: English" in preview_note and "По языку: en" not in preview_note
    assert "Получателей: 1" in summary.text

    from bot.i18n import plural_form

    assert [plural_form(n, "ru") for n in (1, 2, 4, 5, 11, 12, 21, 22, 25, 111)] == [
        "one",
        "few",
        "few",
        "many",
        "many",
        "many",
        "one",
        "few",
        "many",
        "many",
    ]
    assert [plural_form(n, "en") for n in (1, 2, 21)] == ["one", "many", "many"]

    listing = sent(await emulator.ask(ADMIN, "/announcements"))[-1]
    labels = [b["text"] for b in listing.buttons]
    assert labels[0].startswith("#3 · 23.11 · Проверка склонения"), labels
    assert labels[2].startswith("#1 · 23.11 · Проверка склонения"), labels


async def test_a_restart_mid_compose_loses_nothing(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    await emulator.ask(ADMIN, "/announce")
    calls = await emulator.ask(ADMIN, "Пишу, а бот перезапускается")
    prompt = sent(calls)[-1]
    await bot.restart()
    calls = await emulator.tap(ADMIN, prompt, button(prompt, "Без вложения"))
    summary = await choose(emulator, calls, "Общее", ("Лидерам проектов",))
    await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    await bot.app.sender.deliver_due()
    assert received(emulator, "Пишу, а бот перезапускается") == [cast.leader]


async def test_bad_input(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    await seed(bot.app, clock())
    await emulator.ask(ADMIN, "/announce")
    assert "нет текста" in sent(await emulator.ask(ADMIN, "   "))[-1].text
    calls = await emulator.wait_handled(emulator.send_sticker(ADMIN))
    assert "нельзя" in sent(calls)[-1].text
    calls = await emulator.ask(ADMIN, "Очень длинно. " * 100)
    assert "Без вложения" in str(sent(calls)[-1].buttons)
    calls = await emulator.wait_handled(emulator.send_photo(ADMIN))
    assert "не больше 1024" in sent(calls)[-1].text
    calls = await emulator.ask(ADMIN, "Короче.")  # the photo is kept: the shorter text becomes its caption
    summary = await choose(emulator, calls, "Общее", ("Всем участникам",))
    preview = sent(emulator.calls, "sendPhoto")[-1]
    assert preview.text == "Короче." and preview.chat_id == ADMIN.id
    await send_now(emulator, summary)
    await bot.app.sender.deliver_due()
    assert len(received(emulator, "Короче.", "sendPhoto")) == 5

    # a document without a caption asks for the text; a forged or old button is refused politely
    await emulator.ask(ADMIN, "/announce")
    calls = await emulator.wait_handled(emulator.send_document(ADMIN, "plan.pdf", b"%PDF-1.4"))
    assert "текст" in sent(calls)[-1].text
    calls = await emulator.ask(ADMIN, "План на год")
    picker = sent(calls)[-1]
    calls = await emulator.tap(ADMIN, picker, button(picker, "Общее"))
    audiences = next(c for c in calls if c.method == "editMessageText")
    forged = AnnounceStep.unpack(button(audiences, "Всем")).model_copy(update={"value": "everyone"}).pack()
    calls = await emulator.wait_handled(emulator.press_forged(ADMIN, audiences, forged))
    assert "устарела" in alerts(calls)[0] and not sent(calls)
    await emulator.tap(ADMIN, audiences, button(audiences, "Отменить"))
    calls = await emulator.tap(ADMIN, audiences, button(audiences, "Всем"))
    assert "было отменено" in alerts(calls)[0], "a dropped draft's button says so"
    calls = await emulator.ask(GUEST, "/announce")
    assert "только секретариату" in sent(calls)[-1].text


async def test_nothing_announced_yet(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    calls = await emulator.ask(ADMIN, "/announcements")
    assert "пока не было" in sent(calls)[-1].text
