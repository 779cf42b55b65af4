"""Help routed: a leader's report asking for help reaches the secretariat with whom it could go to,
a tap forwards it (with the leader's contact as its recipient may see it), the recipients answer
once, the leader and the secretariat are told, the request stands on the project card until it is
resolved. Second taps, stale and forged buttons are answered politely."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.services import access
from bot.services.help_requests import TargetKind
from bot.services.revision import bump_directory_revision
from bot.settings import Settings
from handlers.help_requests.callbacks import HelpAction, HelpButton
from models import Person
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import RunningBot
from tests.steps import (
    ADMIN,
    BLINOV,
    GALINA,
    ORG_A,
    ORG_B,
    ZAKHAROVA,
    alert,
    button,
    fill_report,
    join,
    leader,
    messages_to,
    sent,
    shown,
    with_outbox,
)

HELP = "Нужна экспертно-аналитическая поддержка и международное сотрудничество с <финскими> партнёрами"


async def report_with_help(bot: RunningBot, emulator: BotAPIEmulator, help_text: str) -> Call:
    """Blinov reports with help needed; returns the secretariat's alert."""
    first = sent(await emulator.ask(BLINOV, "/report"))[0]
    preview = await fill_report(emulator, BLINOV, first, status="по плану", help_text=help_text)
    await with_outbox(bot, emulator, await emulator.tap(BLINOV, preview, button(preview, "Отправить")))
    alerts = [c for c in messages_to(emulator, User(id=ADMIN.id, first_name="")) if "Просьба о помощи" in c.text]
    assert alerts
    return alerts[-1]


def edit_of(calls: list[Call]) -> Call:
    return next(c for c in calls if c.method == "editMessageText" and c.ok)


def the_one(emulator: BotAPIEmulator, user: User, part: str) -> Call:
    [found] = [c for c in messages_to(emulator, user) if part in c.text]
    return found


@pytest.mark.postgresql_too
async def test_a_request_goes_to_a_helper_who_can_help_and_the_leader_resolves_it(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    await join(emulator, settings, ORG_A, "pitirimov-nikolay")
    async with bot.app.database.sessions.begin() as session:  # as she wrote on her card (/me)
        await session.execute(
            update(Person)
            .where(Person.key == "zakharova-galina")
            .values(helps_with="Экспертная и аналитическая поддержка")
        )
        await bump_directory_revision(session)
    alerted = await report_with_help(bot, emulator, HELP)
    assert "<финскими>" in alerted.text and "Эффективный свет" in alerted.text
    labels = [b["text"] for b in alerted.buttons]
    assert any("Переслать запрос: Комитет по внешним связям" in label for label in labels), labels
    assert any("Переслать запрос: Захарова" in label for label in labels), labels
    assert not any("Блинов" in label or "Технопарк" in label or "ИННОКОР" in label.upper() for label in labels)

    # one tap forwards it to Захарова, with the leader's contact; the leader is told
    calls = await with_outbox(
        bot, emulator, await emulator.tap(ADMIN, alerted, button(alerted, "Переслать запрос: Захарова"))
    )
    assert "Запрос отправлен" in alert(calls)
    marked = next(c for c in calls if c.method == "editMessageReplyMarkup")
    assert any("✅ Отправлено: Захарова" in b["text"] for b in marked.buttons)
    request = the_one(emulator, ZAKHAROVA, "пересылает вам просьбу")
    assert "<финскими>" in request.text and "Блинов" in request.text and "i.blinov@ingria-park.ru" in request.text
    told = the_one(emulator, BLINOV, "переслал вашу просьбу")
    assert "Захарова" in told.text and "1 человек" in told.text
    # a second tap (the same secretary's, on the old alert) sends nothing again
    calls = await with_outbox(
        bot, emulator, await emulator.tap(ADMIN, alerted, button(alerted, "Переслать запрос: Захарова"))
    )
    assert "уже отправлен" in alert(calls) and not sent(calls)

    # «Могу помочь»: the leader gets her contact, the secretariat hears; once
    calls = await with_outbox(bot, emulator, await emulator.tap(ZAKHAROVA, request, button(request, "Могу помочь")))
    edited = edit_of(calls)
    assert "Ваш ответ: 🙋 Могу помочь" in edited.text and "i.blinov" in edited.text and not edited.buttons
    can = the_one(emulator, BLINOV, "может помочь")
    assert (
        "Захарова" in can.text
        and "zakharova@kvs.gov.spb.ru" in can.text
        and "+7 921 940-75-78" in can.text
        and button(can, "Решено")
    )
    assert the_one(emulator, ADMIN, "может помочь")
    calls = await with_outbox(bot, emulator, await emulator.tap(ZAKHAROVA, request, button(request, "Не по адресу")))
    assert "уже ответили: 🙋 Могу помочь" in alert(calls) and not sent(calls)
    mine = sent(await emulator.ask(ZAKHAROVA, "/mydata"))[0].text
    assert "Просьбы о помощи, пересланные вам (всего: 1)" in mine and "Ваш ответ: 🙋 Могу помочь" in mine
    assert "<финскими>" in mine and "Эффективный свет" in mine
    # someone the request never reached: the button is stale to them
    assert "устарела" in alert(await emulator.tap(ORG_A, request, button(request, "Могу помочь")))

    # the card shows the open request to members; «Решено» only to the leader and the secretariat
    card = sent(await emulator.ask(ORG_A, "Эффективный свет"))[0]
    assert "Нужна помощь:" in card.text and "экспертно-аналитическая" in card.text
    assert not any("Решено" in b["text"] for b in card.buttons)
    card = sent(await emulator.ask(BLINOV, "Эффективный свет"))[0]
    assert "экспертно-аналитическая" in card.text
    assert "руководители проекта и секретариат" in alert(await emulator.tap(ORG_A, card, button(card, "Решено")))
    calls = await emulator.tap(BLINOV, card, button(card, "Решено"))
    assert "решено" in alert(calls)
    assert "экспертно-аналитическая" not in shown(calls).text and "Ход проекта" in shown(calls).text
    calls = await emulator.tap(BLINOV, card, button(card, "Решено"))
    assert "уже отмечена решённой" in alert(calls)
    # the next report recalls the plan, not the help already resolved
    started = sent(await emulator.ask(BLINOV, "/report"))[0]
    assert "планировали" in started.text and "помощи" not in started.text
    await emulator.ask(BLINOV, "/cancel")
    # forwarding or answering a resolved request is politely refused
    calls = await emulator.tap(ADMIN, alerted, button(alerted, "Переслать запрос: Комитет"))
    assert "уже решён" in alert(calls)
    assert "экспертно-аналитическая" not in sent(await emulator.ask(ADMIN, "Эффективный свет"))[0].text


async def test_an_organisation_not_the_right_address_and_a_leader_who_keeps_contacts_hidden(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await join(emulator, settings, ORG_A, "pitirimov-nikolay")
    await join(emulator, settings, ORG_B, "kuzmenko-svyatoslav")
    async with bot.app.database.sessions.begin() as session:
        await session.execute(
            update(Person)
            .where(Person.key == "blinov-ivan")
            .values(phones_visibility="nobody", emails_visibility="secretariat")
        )
        await bump_directory_revision(session)
    alerted = await report_with_help(bot, emulator, HELP)
    calls = await with_outbox(
        bot, emulator, await emulator.tap(ADMIN, alerted, button(alerted, "Городское объединение"))
    )
    assert "получателей: 2" in alert(calls)
    # Питиримов, offered too on his own card's merits, has it already through his organisation
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, alerted, button(alerted, "Питиримов")))
    assert "уже отправлен" in alert(calls) and not sent(calls)
    for user in (ORG_A, ORG_B):
        request = the_one(emulator, user, "пересылает вам просьбу")
        assert (
            "контакты не открыты" in request.text
            and "ingria-park" not in request.text
            and "670-10-85" not in request.text
        )
    request = the_one(emulator, ORG_A, "пересылает вам просьбу")
    calls = await with_outbox(bot, emulator, await emulator.tap(ORG_A, request, button(request, "Не по адресу")))
    assert "Ваш ответ: 🙅 Не по адресу" in edit_of(calls).text
    wrong = the_one(emulator, BLINOV, "не по адресу")
    assert "Питиримов" in wrong.text and "@" not in wrong.text and button(wrong, "Решено")
    assert the_one(emulator, ADMIN, "не по адресу")
    # Кузьменко, who shows his contacts to nobody, can help: the leader is told, without them
    async with bot.app.database.sessions.begin() as session:
        await session.execute(
            update(Person)
            .where(Person.key == "kuzmenko-svyatoslav")
            .values(phones_visibility="nobody", emails_visibility="nobody")
        )
    other = the_one(emulator, ORG_B, "пересылает вам просьбу")
    await with_outbox(bot, emulator, await emulator.tap(ORG_B, other, button(other, "Могу помочь")))
    can = the_one(emulator, BLINOV, "может помочь")
    assert "Кузьменко" in can.text and "Контакты не открыты" in can.text
    assert "917-40-40" not in can.text and "@" not in can.text
    # a forged button: a target the request does not offer, a request that does not exist
    forged = HelpButton(request=10**12, action=HelpAction.CAN).pack()
    assert "устарела" in alert(await emulator.wait_handled(emulator.press_forged(ORG_B, request, forged)))
    target = HelpButton(request=1, action=HelpAction.FORWARD, kind=TargetKind.ORGANISATION, target=999999).pack()
    assert "устарела" in alert(await emulator.wait_handled(emulator.press_forged(ADMIN, alerted, target)))
    # a member who is not the secretariat cannot forward
    assert "устарела" in alert(await emulator.tap(ORG_B, alerted, button(alerted, "Переслать")))


async def test_a_request_nobody_in_the_directory_can_answer_says_so(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    alerted = await report_with_help(bot, emulator, "Ыыыкс бздынь")
    assert "не нашлось" in alerted.text
    assert [b["text"] for b in alerted.buttons] == ["✅ Решено"]
    assert "бздынь" in sent(await emulator.ask(BLINOV, "Эффективный свет"))[0].text
    # the secretariat resolves it from its alert; the alert loses its button, the card the request
    calls = await emulator.tap(ADMIN, alerted, button(alerted, "Решено"))
    assert "решено" in alert(calls)
    assert not next(c for c in calls if c.method == "editMessageReplyMarkup").buttons
    assert "бздынь" not in sent(await emulator.ask(BLINOV, "Эффективный свет"))[0].text


async def test_a_report_withdrawn_before_anyone_was_asked_takes_its_request_along(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await join(emulator, settings, ORG_A, "pitirimov-nikolay")
    first = sent(await emulator.ask(BLINOV, "/report"))[0]
    preview = await fill_report(emulator, BLINOV, first, status="по плану", help_text=HELP)
    done = shown(await emulator.tap(BLINOV, preview, button(preview, "Отправить")))
    await bot.app.sender.deliver_due()
    alerted = the_one(emulator, ADMIN, "Просьба о помощи")
    calls = await emulator.tap(BLINOV, done, button(done, "Отозвать"))
    calls = await emulator.tap(BLINOV, shown(calls), button(shown(calls), "Да, отозвать"))
    assert "отозван" in shown(calls).text
    assert "экспертно-аналитическая" not in sent(await emulator.ask(BLINOV, "Эффективный свет"))[0].text
    # the secretariat's alert is out of date now, politely
    assert "устарела" in alert(await emulator.tap(ADMIN, alerted, button(alerted, "Городское объединение")))
    assert "устарела" in alert(await emulator.tap(ADMIN, alerted, button(alerted, "Решено")))
    assert not [c for c in messages_to(emulator, ORG_A) if "пересылает" in c.text]


async def test_a_recipient_reading_english_and_a_request_resolved_before_they_answer(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await join(emulator, settings, GALINA, "zakharova-galina")
    alerted = await report_with_help(bot, emulator, HELP)
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, alerted, button(alerted, "Комитет по внешним")))
    assert "получателей: 1" in alert(calls)
    request = the_one(emulator, GALINA, "forwards you a request for help")
    assert "Project leader: Блинов" in request.text and "Effective Light" in request.text
    assert [b["text"] for b in request.buttons] == ["🙋 I can help", "🙅 Not for me"]
    # the leader resolves it from the notice of whom it went to: the button goes
    told = the_one(emulator, BLINOV, "переслал вашу просьбу")
    calls = await emulator.tap(BLINOV, told, button(told, "Решено"))
    assert "решено" in alert(calls)
    assert not next(c for c in calls if c.method == "editMessageReplyMarkup").buttons
    calls = await with_outbox(bot, emulator, await emulator.tap(GALINA, request, button(request, "I can help")))
    assert "resolved already" in alert(calls) and not sent(calls)


async def test_a_leader_in_the_secretariat_hears_an_answer_once(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    alerted = await report_with_help(bot, emulator, HELP)
    async with bot.app.database.sessions.begin() as session:  # the leader joins the secretariat
        blinov = await session.scalar(select(Person.id).where(Person.key == "blinov-ivan"))
        assert blinov is not None
        await access.grant_roles(session, blinov, {"secretariat"})
    await with_outbox(bot, emulator, await emulator.tap(ADMIN, alerted, button(alerted, "Переслать запрос: Комитет")))
    request = the_one(emulator, ZAKHAROVA, "пересылает вам просьбу")
    await with_outbox(bot, emulator, await emulator.tap(ZAKHAROVA, request, button(request, "Могу помочь")))
    assert the_one(emulator, BLINOV, "может помочь"), "as the leader, not a second time as the secretariat"
    assert the_one(emulator, ADMIN, "может помочь")


async def test_a_blocked_report_asking_for_help_is_one_alert_with_the_forward_buttons(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    first = sent(await emulator.ask(BLINOV, "/report"))[0]
    preview = await fill_report(emulator, BLINOV, first, status="заблокирован", help_text=HELP)
    await with_outbox(bot, emulator, await emulator.tap(BLINOV, preview, button(preview, "Отправить")))
    [alerted] = [c for c in messages_to(emulator, User(id=ADMIN.id, first_name="")) if "Эффективный свет" in c.text]
    assert "заблокирован" in alerted.text and "<финскими>" in alerted.text
    assert button(alerted, "Переслать запрос: Комитет") and button(alerted, "Решено")


async def test_status_stops_showing_a_request_once_it_is_resolved(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    first = sent(await emulator.ask(BLINOV, "/report"))[0]
    preview = await fill_report(emulator, BLINOV, first, status="есть риски", help_text="Ыыыкс бздынь")
    done = edit_of(await with_outbox(bot, emulator, await emulator.tap(BLINOV, preview, button(preview, "Отправить"))))
    alerted = the_one(emulator, ADMIN, "Ыыыкс бздынь")  # at risk: the trouble alert, with the buttons
    assert "🆘 Ыыыкс бздынь" in sent(await emulator.ask(ADMIN, "/status"))[0].text
    await emulator.tap(ADMIN, alerted, button(alerted, "Решено"))
    status = sent(await emulator.ask(ADMIN, "/status"))[0].text
    assert "бздынь" not in status and "Эффективный свет · 50%" in status, "the project stays at risk"
    # the leader edits the report to ask for something else: that is shown again
    step = shown(await emulator.tap(BLINOV, done, button(done, "Исправить")))
    for _ in range(4):
        step = shown(await emulator.tap(BLINOV, step, button(step, "Оставить как было")))
    preview = shown(await emulator.ask(BLINOV, "Нужен монтажник"))
    await emulator.tap(BLINOV, preview, button(preview, "Отправить"))
    assert "🆘 Нужен монтажник" in sent(await emulator.ask(ADMIN, "/status"))[0].text
