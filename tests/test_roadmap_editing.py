"""The tester's findings on the roadmap (issue 4), each through the emulator: "not mine" with a reason
and the secretariat's reassign/keep, confirmations and reopening, telling the owners, readable
decisions, directory names, plurals, limits, the calendar's all-day events and the timeline."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import Translator
from bot.services.roadmap import chart as roadmap_chart
from handlers.roadmap import ui as roadmap_render
from tests.conftest import ADMIN
from tests.roadmap_helpers import ORG_A, ORG_B, SOLO, item_with_owners
from tests.test_e2e_join import button, last_text, sent
from tests.test_roadmap_e2e import item

D14 = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # 10:30 in Moscow, the d14 reminder of 15.12.2026
D7 = datetime(2026, 12, 8, 7, 30, tzinfo=UTC)
D3 = datetime(2026, 12, 12, 7, 30, tzinfo=UTC)


def answers(calls) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


async def reminded(bot, emulator, clock, when: datetime) -> None:  # type: ignore[no-untyped-def]
    clock.now = when
    await bot.tick()
    await bot.app.sender.deliver_due()


async def test_not_mine_asks_a_reason_stops_reminders_until_the_secretariat_keeps(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    await reminded(bot, emulator, clock, D14)
    reminder = sent(emulator.calls_of("sendMessage", ORG_B.id))[-1]
    calls = await emulator.tap(ORG_B, reminder, button(reminder, "Не моё"))
    assert "Почему пункт не ваш" in last_text(calls) and "без причины" in str(sent(calls)[-1].buttons)
    # a second tap only answers the button: no second question
    calls = await emulator.tap(ORG_B, reminder, button(reminder, "Не моё"))
    assert not sent(calls) and answers(calls)
    # the explanation typed next is the reason, not a directory search
    calls = await emulator.ask(ORG_B, "Этим занимается комитет по энергетике")
    assert "назначит" in last_text(calls) and "напоминаний по этому пункту вам не будет" in last_text(calls)
    await bot.app.sender.deliver_due()
    notice = sent(emulator.calls_of("sendMessage", ADMIN.id))[-1]
    assert "комитет по энергетике" in notice.text
    # the directory name with the organisation, not the Telegram first name
    assert "Кузьменко Святослав Владимирович (" in notice.text and "Святослав</b>" not in notice.text
    assert {"Назначить другого", "Оставить за ним"} <= {b["text"][2:] for b in notice.buttons}

    # no reminders to them meanwhile; the others still get theirs
    await reminded(bot, emulator, clock, D7)
    assert "До срока 7 дней" in last_text(emulator.calls_of("sendMessage", ORG_A.id))
    assert "Не моё" not in last_text(emulator.calls_of("sendMessage", ORG_B.id))
    assert "До срока 7" not in last_text(emulator.calls_of("sendMessage", ORG_B.id))

    # "Reassign" opens the owners editor
    calls = await emulator.tap(ADMIN, notice, button(notice, "Назначить другого"))
    assert "Ответственные за 1." in last_text(calls)
    # "Keep": they are told, and reminded again
    calls = await emulator.tap(ADMIN, notice, button(notice, "Оставить"))
    assert "остаётся за ним" in answers(calls)[0]
    calls = await emulator.tap(ADMIN, notice, button(notice, "Открыть пункт"))
    assert "пункт не его" in last_text(calls) and "оставил за ним" in last_text(calls)
    await bot.app.sender.deliver_due()
    assert "оставил пункт за вами" in last_text(emulator.calls_of("sendMessage", ORG_B.id))
    await reminded(bot, emulator, clock, D3)
    assert "До срока 3 дня" in last_text(emulator.calls_of("sendMessage", ORG_B.id))


async def test_not_mine_without_a_reason_once_and_a_new_owner_ends_the_pause(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    await reminded(bot, emulator, clock, D14)
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
    await reminded(bot, emulator, clock, D7)
    assert "7 days until the deadline" in last_text(emulator.calls_of("sendMessage", SOLO.id))


async def test_close_and_cancel_ask_to_confirm_tell_the_owners_and_can_be_reopened(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "1. Пакет")))[-1]
    confirm = next(
        c for c in await emulator.tap(ADMIN, card, button(card, "Отменить пункт")) if c.method == "editMessageText"
    )
    assert "Отменить пункт?" in confirm.text
    calls = await emulator.tap(ADMIN, confirm, button(confirm, "Нет"))
    assert (await item(bot, 1)).status == "open"
    card = sent(calls)[-1]
    confirm = next(
        c for c in await emulator.tap(ADMIN, card, button(card, "Отменить пункт")) if c.method == "editMessageText"
    )
    calls = await emulator.tap(ADMIN, confirm, button(confirm, "Да, отменить"))
    assert (await item(bot, 1)).status == "cancelled"
    card = next(c for c in calls if c.method == "editMessageText")
    await emulator.tap(ADMIN, confirm, button(confirm, "Да, отменить"))  # a second tap changes nothing
    await bot.app.sender.deliver_due()
    for user, text in ((ORG_A, "отменил пункт"), (ORG_B, "отменил пункт"), (SOLO, "cancelled this item")):
        told = [c.text for c in sent(emulator.calls_of("sendMessage", user.id)) if text in c.text]
        assert len(told) == 1 and "1. Пакет" in told[0], user

    calls = await emulator.tap(ADMIN, card, button(card, "Открыть снова"))
    assert (await item(bot, 1)).status == "open"
    card = next(c for c in calls if c.method == "editMessageText")
    assert "пункт открыт снова" in card.text
    confirm = next(c for c in await emulator.tap(ADMIN, card, button(card, "Закрыть")) if c.method == "editMessageText")
    await emulator.tap(ADMIN, confirm, button(confirm, "Да, закрыть"))
    await bot.app.sender.deliver_due()
    assert "closed this item as done" in last_text(emulator.calls_of("sendMessage", SOLO.id))


async def test_a_removed_owner_is_told(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "1. Пакет")))[-1]
    editor = sent(await emulator.tap(ADMIN, card, button(card, "Ответственные")))[-1]
    await emulator.tap(ADMIN, editor, button(editor, "❌ Блинов"))
    await bot.app.sender.deliver_due()
    assert "removed you from the responsible" in last_text(emulator.calls_of("sendMessage", SOLO.id))
    assert not any("снял вас" in c.text for c in sent(emulator.calls_of("sendMessage", ORG_A.id)))


async def test_an_extension_decision_keeps_the_item_and_the_person(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    await reminded(bot, emulator, clock, D14)
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


async def test_a_double_tap_on_done_asks_once(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    await reminded(bot, emulator, clock, D14)
    reminder = sent(emulator.calls_of("sendMessage", SOLO.id))[-1]
    first = await emulator.tap(SOLO, reminder, button(reminder, "Done"))
    second = await emulator.tap(SOLO, reminder, button(reminder, "Done"))
    assert "Great!" in last_text(first) and not sent(second) and answers(second)
    assert "the length limit is 3000, yours is 3500" in last_text(await emulator.ask(SOLO, "x" * 3500))
    assert "closed" in last_text(await emulator.ask(SOLO, "Signed"))


async def test_the_default_policy_reads_plainly(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "1. Пакет")))[-1]
    await emulator.tap(ADMIN, card, button(card, "Напоминания"))
    card = sent(await emulator.ask(ADMIN, "14, 7"))[-1]
    assert "за 14, 7 дн. до срока; при просрочке — по общим правилам" in card.text
    assert "—  дн." not in card.text and "каждые —" not in card.text
    await emulator.tap(ADMIN, card, button(card, "Напоминания"))
    card = sent(await emulator.ask(ADMIN, "по умолчанию"))[-1]
    assert "изменены напоминания — по общим правилам" in card.text and "default" not in card.text


def test_days_have_plural_forms() -> None:
    ru, en = Translator("ru"), Translator("en")
    assert [roadmap_render.plural_days(ru, n) for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "1 день",
        "2 дня",
        "5 дней",
        "11 дней",
        "21 день",
        "22 дня",
        "112 дней",
    ]
    assert [roadmap_render.plural_days(en, n) for n in (1, 2, 0)] == ["1 day", "2 days", "0 days"]


async def test_the_timeline_of_mine_is_titled_so_and_labels_end_at_words(bot, emulator, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    await item_with_owners(bot.app)
    titles: list[str] = []
    real = roadmap_chart.timeline

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        titles.append(kwargs["title"])
        assert kwargs["today_label"] == "today"
        return real(*args, **kwargs)

    monkeypatch.setattr(roadmap_chart, "timeline", spy)
    listing = sent(await emulator.ask(SOLO, "/roadmap"))[-1]
    await emulator.tap(SOLO, listing, button(listing, "Timeline"))
    mine = next(
        c for c in await emulator.tap(SOLO, listing, button(listing, "Only mine")) if c.method == "editMessageText"
    )
    calls = await emulator.tap(SOLO, mine, button(mine, "Timeline"))
    assert sent(calls, "sendPhoto")[0].files["photo"].content.startswith(b"\x89PNG")
    assert titles == ["Cluster roadmap", "My roadmap items"]
    label = roadmap_chart.label(1, "Пакет инструментов международной кооперации (GCCA, Baltic Cleantech Alliance)")
    assert label.endswith("…") and len(label) <= roadmap_chart.LABEL_LIMIT
    assert label[:-1] in "1. Пакет инструментов международной кооперации (GCCA, Baltic Cleantech Alliance)"
    assert label == "1. Пакет инструментов международной кооперации (GCCA…"
