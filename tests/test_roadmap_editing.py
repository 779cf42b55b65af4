"""The secretariat edits the roadmap end to end: a new item, deadlines typed as people type them,
owners (and what they are told once), reminder policies that read plainly, closing and cancelling
with a confirmation, reopening."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    ORG_A,
    ORG_B,
    SOLO,
    assign,
    button,
    item,
    item_with_owners,
    last_text,
    link_people,
    messages_to,
    sent,
)


async def test_close_and_cancel_ask_to_confirm_tell_the_owners_and_can_be_reopened(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
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


async def test_a_removed_owner_is_told(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await item_with_owners(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "1. Пакет")))[-1]
    editor = sent(await emulator.tap(ADMIN, card, button(card, "Ответственные")))[-1]
    await emulator.tap(ADMIN, editor, button(editor, "❌ Блинов"))
    await bot.app.sender.deliver_due()
    assert "removed you from the responsible" in last_text(emulator.calls_of("sendMessage", SOLO.id))
    assert not any("снял вас" in c.text for c in sent(emulator.calls_of("sendMessage", ORG_A.id)))


async def test_the_default_policy_reads_plainly(bot: RunningBot, emulator: BotAPIEmulator) -> None:
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


async def test_a_person_and_then_their_organisation_made_owners_is_told_once(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    await link_people(bot.app)
    await assign(bot, emulator, 2, "Питиримов", "Городское объединение")
    assert len([m for m in messages_to(emulator, ORG_A) if "назначил вас ответственным" in m.text]) == 1
    # their colleague is told through the organisation
    assert len([m for m in messages_to(emulator, ORG_B) if "назначил вас ответственным" in m.text]) == 1


async def test_deadlines_typed_with_a_month_name_or_without_a_year(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await link_people(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "2. ")))[-1]
    await emulator.tap(ADMIN, card, button(card, "Срок"))
    assert "(срок 15.12.2026)" in last_text(await emulator.ask(ADMIN, "15 декабря"))
    await assign(bot, emulator, 2, "Блинов")
    told = messages_to(emulator, SOLO)[-1]
    # the owner asks for more time with a day and month only
    await emulator.tap(SOLO, told, button(told, "Need more time"))
    assert "reason" in last_text(await emulator.ask(SOLO, "20.12"))
    assert "20.12.2026" in last_text(await emulator.ask(SOLO, "The contractor is late"))


async def test_the_secretariat_adds_an_item_and_sets_deadline_owners_policy(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
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


async def test_a_new_owner_is_told(bot: RunningBot, emulator: BotAPIEmulator) -> None:
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
