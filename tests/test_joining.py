"""Joining the cluster end to end: by one's phone or by a request the secretariat decides once,
the joining dialog through restarts and stale keyboards, a revoked member asking back, the inline
mode's «join» button."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import SendMessage
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from sqlalchemy import select

from bot.app import open_database
from bot.settings import Settings
from models import OutboxMessage
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    GUEST_EN,
    MEMBER_EN,
    button,
    directory_phone,
    invite_link,
    last_text,
    revoke,
    sent,
    with_outbox,
)

pytestmark = pytest.mark.postgresql_too  # joining and access differ most between the two


pytestmark = pytest.mark.postgresql_too  # joining and access differ most between the two


async def test_join_by_own_phone_opens_contacts(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    calls = await emulator.ask(GUEST, "/join")
    keyboard = sent(calls)[-1].params["reply_markup"]["keyboard"]
    assert keyboard[0][0].get("request_contact") is True
    # someone else's contact is refused
    calls = await emulator.wait_handled(emulator.send_contact(GUEST, "+79219174040", user_id=555))
    assert "своим" in last_text(calls)
    phone = await directory_phone(settings, "blinov-ivan")
    calls = await emulator.wait_handled(emulator.send_contact(GUEST, phone))
    assert "Добро пожаловать" in sent(calls)[0].text
    assert sent(calls)[0].params["reply_markup"].get("remove_keyboard") is True
    assert any(c.method == "setMyCommands" and c.params.get("scope", {}).get("chat_id") == GUEST.id for c in calls)
    calls = await emulator.ask(GUEST, "Захарова")
    card = sent(calls)[0]
    assert "Захарова" in card.text and "576-61-82" in card.text and "@kvs.gov.spb.ru" in card.text
    assert sent(calls, "sendContact")[0].params["phone_number"].startswith("+7")


async def test_unknown_phone_then_request_approved(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(GUEST, "/join")
    calls = await emulator.wait_handled(emulator.send_contact(GUEST, "+7 999 000-11-22"))
    assert "нет в справочнике" in sent(calls)[0].text
    calls = await emulator.ask(GUEST, "<b>Анна</b> & Ко")
    assert "организацию" in last_text(calls)
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "ООО «Данфосс»"))
    assert "отправлена" in sent(calls, "sendMessage")[0].text
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    assert "<b>Анна</b> & Ко" in request_card.text  # shown literally: the emulator rejects broken HTML
    assert "закрыл" not in request_card.text, "a newcomer, not someone asking back"
    approve = button(request_card, "Принять")
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, request_card, approve))
    assert any(c.method == "editMessageText" and "принята" in c.params["text"] for c in calls)
    told = [c for c in sent(calls) if c.chat_id == GUEST.id]
    assert told and "принял" in told[0].text
    # a second tap decides nothing and says so
    calls = await emulator.tap(ADMIN, request_card, approve)
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert "уже рассмотрена" in answers[0].params["text"] and not sent(calls)
    calls = await emulator.ask(GUEST, "Питиримов")
    assert "521-77-65" in sent(calls)[0].text
    # the audit log names who decided and about whom, in words
    log_line = last_text(await emulator.ask(ADMIN, "/audit")).splitlines()[1]
    assert "Sekretar Clustera" in log_line and "одобрил(а) заявку" in log_line and "<b>Анна</b> & Ко" in log_line


async def test_request_rejected(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    calls = await emulator.ask(GUEST_EN, "/join")
    assert "share your phone" in last_text(calls).lower()
    await emulator.ask(GUEST_EN, button_text(calls, "Enter name"))
    await emulator.ask(GUEST_EN, "John Smith")
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST_EN, "Acme Ltd"))
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, request_card, button(request_card, "Отклонить")))
    told = [c for c in sent(calls) if c.chat_id == GUEST_EN.id]
    assert "declined" in told[0].text
    calls = await emulator.ask(GUEST_EN, "Питиримов")
    assert "521-77-65" not in "".join(c.text or "" for c in sent(calls))


def button_text(calls: list[Call], part: str) -> str:
    for b in sent(calls)[-1].buttons:
        if part in b["text"]:
            return b["text"]
    raise AssertionError(part)


async def test_restart_in_the_middle_of_joining(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Мария Иванова")
    await bot.restart()
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "Технопарк"))
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    assert "Мария Иванова" in request_card.text and "Технопарк" in request_card.text


async def test_a_joining_dialog_left_for_days_is_forgotten(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    clock.advance(days=3)
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "Эффективный свет"))
    assert "Эффективный свет" in last_text(calls), "the text is searched, not taken for a name"
    assert not [c for c in sent(calls) if c.chat_id == ADMIN.id]


async def test_the_joining_keyboard_still_works_after_its_dialog_is_gone(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(GUEST, "/join")
    clock.advance(days=3)  # the dialog is forgotten; its reply keyboard is still on the screen
    assert "Как вас зовут" in last_text(await emulator.ask(GUEST, "✍️ Ввести имя и организацию"))
    await emulator.ask(GUEST, "/cancel")
    reply = sent(await emulator.ask(GUEST, "Отмена"))[-1]
    assert "нечего отменять" in reply.text and reply.params["reply_markup"].get("remove_keyboard")


async def test_only_the_secretariat_decides(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Пётр")
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "Завод"))
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    own_message = next(c for c in sent(calls) if c.chat_id == GUEST.id)
    data = button(request_card, "Принять")
    calls = await emulator.wait_handled(emulator.press_forged(GUEST, own_message, data))
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "секретариат" in answer.params["text"]
    calls = await emulator.ask(GUEST, "/admin")
    assert "только секретариату" in last_text(calls)


async def test_a_secretary_who_blocked_the_bot_does_not_stop_requests(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    from models import Account

    await emulator.ask(ADMIN, "/start")
    emulator.block(ADMIN.id)
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Ольга")
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "Технопарк"))
    assert "отправлена" in [c for c in sent(calls) if c.chat_id == GUEST.id][0].text
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        account = await session.get(Account, ADMIN.id)
    await database.close()
    assert account is not None and account.blocked_bot


async def test_commands_and_other_text_leave_the_joining_dialog(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(GUEST, "/join")
    calls = await emulator.ask(GUEST, "Данфосс")  # not a button: a search as usual
    assert "Данфосс" in last_text(calls)
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    calls = await emulator.ask(GUEST, "/projects")
    assert "Проекты кластера" in last_text(calls)
    calls = await emulator.ask(GUEST, "Эффективный свет")
    assert "Эффективный свет" in last_text(calls), "the dialog is over: text is a search again"


async def test_a_revoked_member_stays_out_until_the_secretariat_lets_them_back(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    phone = await directory_phone(settings, "blinov-ivan")
    await emulator.ask(GUEST, "/join")
    await emulator.wait_handled(emulator.send_contact(GUEST, phone))
    await revoke(bot, emulator, "Блинов")
    # his own phone again: refused, and turned into a request under his directory name
    await emulator.ask(GUEST, "/join")
    calls = await with_outbox(bot, emulator, await emulator.wait_handled(emulator.send_contact(GUEST, phone)))
    told = [c.text for c in sent(calls) if c.chat_id == GUEST.id]
    assert len(told) == 1 and "закрыл ваш доступ" in told[0] and "Добро пожаловать" not in told[0]
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    assert "Блинов" in request_card.text and "Раньше секретариат закрыл" in request_card.text
    assert "521-77-65" not in "".join(c.text or "" for c in sent(await emulator.ask(GUEST, "Питиримов")))
    # a generic invite does not let him in either, and stays unused
    link = invite_link(await emulator.ask(ADMIN, "/invite"))
    calls = await emulator.ask(GUEST, f"/start {link}")
    assert "уже у секретариата" in last_text(calls)
    # the secretariat's approval restores his own directory entry
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, request_card, button(request_card, "Принять")))
    assert any(c.chat_id == GUEST.id and "принял" in c.text for c in sent(calls))
    calls = await emulator.ask(GUEST, "Питиримов")
    assert "521-77-65" in sent(calls)[0].text
    listing = sent(await emulator.ask(ADMIN, "/members"))[0]
    assert [b["text"] for b in listing.buttons if "Блинов" in b["text"]], "his own entry, not a copy"
    newcomer = User(id=3005, first_name="New", language_code="ru")
    assert "Добро пожаловать" in sent(await emulator.ask(newcomer, f"/start {link}"))[0].text


async def test_a_pending_request_is_not_filed_twice(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    member = User(id=5005, first_name="Иван", language_code="ru")
    phone = await directory_phone(settings, "zakharova-galina")
    await emulator.ask(member, "/join")
    await emulator.wait_handled(emulator.send_contact(member, phone))
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Галина Захарова")
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "КВС"))
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    calls = await emulator.wait_handled(emulator.send_contact(GUEST, phone))
    texts = [c.text for c in sent(calls)]
    assert "другому аккаунту" in texts[0] and "уже у секретариата" in texts[-1]
    assert not any("Как вас зовут" in text for text in texts)
    await emulator.tap(ADMIN, request_card, button(request_card, "Принять"))
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "Данфосс"))
    assert "Данфосс" in last_text(calls) and not [c for c in sent(calls) if c.chat_id == ADMIN.id]


async def test_a_shared_office_line_or_a_fax_does_not_link(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    for number in ("+78125217765", "+78125766980"):  # Питиримов's and Кузьменко's office; Захарова's fax
        await emulator.ask(GUEST, "/join")
        calls = await emulator.wait_handled(emulator.send_contact(GUEST, number))
        assert "общий" in sent(calls)[0].text and "Как вас зовут" in last_text(calls)
        await emulator.ask(GUEST, "/cancel")
    calls = await emulator.ask(GUEST, "Питиримов")
    assert "521-77-65" not in "".join(c.text or "" for c in sent(calls))


async def test_a_late_tap_on_a_decided_request_says_who_decided(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    second = User(id=1002, first_name="Вторая", language_code="ru")
    await emulator.ask(second, f"/start {invite_link(await emulator.ask(ADMIN, '/invite secretariat'))}")
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Пётр Петров")
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "Завод"))
    mine, theirs = (next(c for c in sent(calls) if c.chat_id == chat) for chat in (ADMIN.id, second.id))
    calls = await emulator.tap(ADMIN, mine, button(mine, "Принять"))
    assert any(c.method == "editMessageText" and "Sekretar" in c.params["text"] for c in calls)
    calls = await emulator.tap(second, theirs, button(theirs, "Отклонить"))
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert (
        answer.params.get("show_alert") and "принята" in answer.params["text"] and "Sekretar" in answer.params["text"]
    )
    edit = next(c for c in calls if c.method == "editMessageText")
    assert edit.chat_id == second.id and "принята" in edit.params["text"] and not edit.buttons
    assert not [c for c in sent(calls) if c.chat_id == GUEST.id], "the guest hears one decision"


async def test_a_member_sending_a_contact_is_not_asked_to_join(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await emulator.ask(GUEST, "/join")
    await emulator.wait_handled(emulator.send_contact(GUEST, await directory_phone(settings, "blinov-ivan")))
    calls = await emulator.wait_handled(
        emulator.send_contact(GUEST, "+79219174040", user_id=None, first_name="Святослав")
    )
    text = last_text(calls)
    assert "уже участник" in text and "своим номером" not in text
    assert "keyboard" not in (sent(calls)[-1].params.get("reply_markup") or {})


async def test_another_account_with_a_revoked_persons_phone_is_not_asked_back(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    phone = await directory_phone(settings, "blinov-ivan")
    await emulator.ask(GUEST, "/join")
    await emulator.wait_handled(emulator.send_contact(GUEST, phone))
    await revoke(bot, emulator, "Блинов")
    # a number passed to a new owner: they never had access, so nothing is "closed" for them
    stranger = User(id=3010, first_name="Новый", language_code="ru")
    await emulator.ask(stranger, "/join")
    calls = await with_outbox(bot, emulator, await emulator.wait_handled(emulator.send_contact(stranger, phone)))
    told = [c.text for c in sent(calls) if c.chat_id == stranger.id]
    assert not any("закрыл ваш доступ" in text for text in told)
    assert "секретариат" in told[0] and "Как вас зовут" in told[-1]
    assert not [c for c in sent(calls) if c.chat_id == ADMIN.id], "no readmission request for him"
    await emulator.ask(stranger, "Новый Владелец")
    calls = await with_outbox(bot, emulator, await emulator.ask(stranger, "Технопарк"))
    card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    assert "Новый Владелец" in card.text and "Раньше секретариат закрыл" not in card.text
    # the one who was revoked is still asked back
    await emulator.ask(GUEST, "/join")
    calls = await with_outbox(bot, emulator, await emulator.wait_handled(emulator.send_contact(GUEST, phone)))
    assert "закрыл ваш доступ" in [c.text for c in sent(calls) if c.chat_id == GUEST.id][0]


async def test_approving_a_copy_of_a_linked_member_is_refused(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    galina = User(id=7007, first_name="Galina", username="galina_z", language_code="en")
    await emulator.ask(galina, "/join")
    await emulator.wait_handled(emulator.send_contact(galina, await directory_phone(settings, "zakharova-galina")))
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Захарова Галина Анатольевна")
    request_card = next(
        c for c in sent(await with_outbox(bot, emulator, await emulator.ask(GUEST, "КВС"))) if c.chat_id == ADMIN.id
    )
    calls = await emulator.tap(ADMIN, request_card, button(request_card, "Принять"))
    alert = next(c for c in calls if c.method == "answerCallbackQuery").params
    assert alert.get("show_alert") and "Захарова" in alert["text"] and "@galina_z" in alert["text"]
    assert not [c for c in calls if c.method == "editMessageText"], "the request stays open"
    assert not [c for c in sent(calls) if c.chat_id == GUEST.id]
    listing = sent(await emulator.ask(ADMIN, "/members"))[0]
    assert len([b for b in listing.buttons if "Захарова" in b["text"]]) == 1
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, request_card, button(request_card, "Отклонить")))
    assert [c for c in sent(calls) if c.chat_id == GUEST.id and "отклонил" in c.text]


async def test_the_request_card_shows_the_accounts_own_telegram_name(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    poser = User(id=3011, first_name="Вася", language_code="ru")
    await emulator.ask(poser, "/join")
    await emulator.ask(poser, "✍️ Ввести имя и организацию")
    await emulator.ask(poser, "Галина Захарова")
    card = next(
        c for c in sent(await with_outbox(bot, emulator, await emulator.ask(poser, "КВС"))) if c.chat_id == ADMIN.id
    )
    telegram = card.text.split("Telegram:")[1]
    assert "Вася" in telegram and "Захарова" not in telegram
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Пётр Петров")
    card = next(
        c for c in sent(await with_outbox(bot, emulator, await emulator.ask(GUEST, "Завод"))) if c.chat_id == ADMIN.id
    )
    telegram = card.text.split("Telegram:")[1]
    assert "Гость" in telegram and "@guest" in telegram and "Петров" not in telegram


async def test_a_double_tap_on_a_decision_is_quiet(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Updates run as tasks (as in production): two taps under the same card both reach the
    handler; the second finds the card already edited to its own text, and that is no failure."""
    running = RunningBot(settings, clock, handle_as_tasks=True)
    await running.start()
    try:
        for text in ("/join", "✍️ Ввести имя и организацию", "Пётр Петров", "Завод"):
            emulator.send_message(GUEST, text)
        await emulator.wait_for("sendMessage", chat_id=GUEST.id, predicate=lambda c: "отправлена" in c.text)
        await running.app.sender.deliver_due()
        card = await emulator.wait_for("sendMessage", chat_id=ADMIN.id, predicate=lambda c: "Пётр" in c.text)
        approve = button(card, "Принять")
        emulator.press(ADMIN, card, approve)
        emulator.press(ADMIN, card, approve)
        emulator.send_message(ADMIN, "/audit")  # the chat's updates run in turn: this one comes after both
        await emulator.wait_for("sendMessage", chat_id=ADMIN.id, predicate=lambda c: "Журнал" in c.text, after=card)
        answers = [c.params.get("text") or "" for c in emulator.calls_of("answerCallbackQuery")]
        assert len(answers) == 2 and "принята" in answers[0] and "уже рассмотрена" in answers[1], answers
        assert not [r for r in caplog.records if r.levelname == "ERROR"]
        await running.app.sender.deliver_due()
        assert len([c for c in emulator.calls_of("sendMessage", GUEST.id) if "принял" in c.text]) == 1
    finally:
        await running.stop()


class Witness(BaseRequestMiddleware):
    """When the bot tells the guest their request went to the secretariat, looks from another
    connection at what a kill at that very moment would leave behind."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cards: list[int] | None = None

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        if isinstance(method, SendMessage) and method.chat_id == GUEST.id and "отправлена" in method.text:
            database = await open_database(self.settings, load_bundled=False)
            async with database.sessions() as session:
                self.cards = list(
                    await session.scalars(
                        select(OutboxMessage.chat_id).where(
                            OutboxMessage.key.like("join:%"), OutboxMessage.status == "pending"
                        )
                    )
                )
            await database.close()
        return await make_request(bot, method)


async def test_a_crash_after_the_guests_reply_loses_no_card(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    witness = Witness(settings)
    bot.app.bot.session.middleware(witness)  # innermost: after the update's commit before calling
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Мария Иванова")
    calls = await emulator.ask(GUEST, "Технопарк")
    assert "отправлена" in [c for c in sent(calls) if c.chat_id == GUEST.id][-1].text
    assert witness.cards == [ADMIN.id], "the card is stored before the guest hears the request went"
    await bot.restart()  # the process that took the request is gone; the card was never sent by it
    assert not emulator.calls_of("sendMessage", ADMIN.id)
    await bot.app.sender.take_turn(bot.app.instance_id)
    card = (await emulator.wait_for("sendMessage", chat_id=ADMIN.id)).text
    assert "Мария Иванова" in card and "Технопарк" in card


async def test_the_inline_join_button_opens_joining(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    calls = await emulator.ask(GUEST_EN, "/start join")
    assert "share your phone number" in last_text(calls)
    assert sent(calls)[-1].params["reply_markup"]["keyboard"][0][0].get("request_contact") is True
    await emulator.ask(MEMBER_EN, "/join")
    await emulator.wait_handled(emulator.send_contact(MEMBER_EN, await directory_phone(settings, "blinov-ivan")))
    assert "already a cluster member" in last_text(await emulator.ask(MEMBER_EN, "/start join"))
