"""Joining the cluster end to end: phone, request to the secretariat, invite links, restarts."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import open_database
from models import AuditEntry, Person
from tests.conftest import ADMIN, GUEST, GUEST_EN
from tests.emulator import User


def sent(calls, method: str = "sendMessage"):  # type: ignore[no-untyped-def]
    return [c for c in calls if c.method == method and c.ok]


def last_text(calls) -> str:  # type: ignore[no-untyped-def]
    return sent(calls)[-1].text


def button(call, text_part: str) -> str:  # type: ignore[no-untyped-def]
    for b in call.buttons:
        if text_part in b["text"] and "callback_data" in b:
            return b["callback_data"]
    raise AssertionError(f"no button with {text_part!r} in {[b['text'] for b in call.buttons]}")


async def directory_phone(settings, key: str) -> str:  # type: ignore[no-untyped-def]
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        person = await session.scalar(select(Person).where(Person.key == key))
    await database.close()
    return person.phones[-1]


async def test_join_by_own_phone_opens_contacts(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
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


async def test_unknown_phone_then_request_approved(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    calls = await emulator.wait_handled(emulator.send_contact(GUEST, "+7 999 000-11-22"))
    assert "нет в справочнике" in sent(calls)[0].text
    calls = await emulator.ask(GUEST, "<b>Анна</b> & Ко")
    assert "организацию" in last_text(calls)
    calls = await emulator.ask(GUEST, "ООО «Данфосс»")
    assert "отправлена" in sent(calls, "sendMessage")[0].text
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    assert "<b>Анна</b> & Ко" in request_card.text  # shown literally: the emulator rejects broken HTML
    approve = button(request_card, "Принять")
    calls = await emulator.tap(ADMIN, request_card, approve)
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


async def test_request_rejected(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.ask(GUEST_EN, "/join")
    assert "share your phone" in last_text(calls).lower()
    await emulator.ask(GUEST_EN, button_text(calls, "Enter name"))
    await emulator.ask(GUEST_EN, "John Smith")
    calls = await emulator.ask(GUEST_EN, "Acme Ltd")
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    calls = await emulator.tap(ADMIN, request_card, button(request_card, "Отклонить"))
    told = [c for c in sent(calls) if c.chat_id == GUEST_EN.id]
    assert "declined" in told[0].text
    calls = await emulator.ask(GUEST_EN, "Питиримов")
    assert "521-77-65" not in "".join(c.text or "" for c in sent(calls))


def button_text(calls, part: str) -> str:  # type: ignore[no-untyped-def]
    for b in sent(calls)[-1].buttons:
        if part in b["text"]:
            return b["text"]
    raise AssertionError(part)


async def test_restart_in_the_middle_of_joining(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Мария Иванова")
    await bot.restart()
    calls = await emulator.ask(GUEST, "Технопарк")
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    assert "Мария Иванова" in request_card.text and "Технопарк" in request_card.text


async def test_a_joining_dialog_left_for_days_is_forgotten(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    clock.advance(days=3)
    calls = await emulator.ask(GUEST, "Эффективный свет")
    assert "Эффективный свет" in last_text(calls), "the text is searched, not taken for a name"
    assert not [c for c in sent(calls) if c.chat_id == ADMIN.id]


async def test_invite_links(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.ask(ADMIN, "/invite")
    link = re.search(r"start=(inv_[\w-]+)", last_text(calls)).group(1)
    calls = await emulator.ask(GUEST, f"/start {link}")
    assert "Добро пожаловать" in sent(calls)[0].text
    second = User(id=3003, first_name="Late", language_code="en")
    calls = await emulator.ask(second, f"/start {link}")
    assert "already been used" in last_text(calls)
    calls = await emulator.ask(ADMIN, "/invite secretariat")
    link = re.search(r"start=(inv_[\w-]+)", last_text(calls)).group(1)
    clock.advance(days=4)
    calls = await emulator.ask(second, f"/start {link}")
    assert "expired" in last_text(calls)
    calls = await emulator.ask(second, "/start inv_forged-code")
    assert "not valid" in last_text(calls)


async def test_invite_bound_to_person_and_role(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.ask(ADMIN, "/invite secretariat Захарова")
    text = last_text(calls)
    assert "Захарова" in text
    link = re.search(r"start=(inv_[\w-]+)", text).group(1)
    newcomer = User(id=4004, first_name="Galina")
    await emulator.ask(newcomer, f"/start {link}")
    calls = await emulator.ask(newcomer, "/admin")
    assert "Секретариат" in sent(calls)[0].text
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        actions = set(await session.scalars(select(AuditEntry.action)))
    await database.close()
    assert {"invite.create", "join.invite"} <= actions


async def test_secretariat_manages_members(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    phone = await directory_phone(settings, "blinov-ivan")
    await emulator.ask(GUEST, "/join")
    await emulator.wait_handled(emulator.send_contact(GUEST, phone))
    calls = await emulator.ask(ADMIN, "/members")
    listing = sent(calls)[0]
    calls = await emulator.tap(ADMIN, listing, button(listing, "Блинов"))
    card = next(c for c in calls if c.method == "editMessageText")
    calls = await emulator.tap(ADMIN, card, button(card, "секретариат"))
    assert any("секретариат" in (c.params.get("text") or "") for c in calls if c.method == "editMessageText")
    calls = await emulator.ask(GUEST, "/admin")
    assert "Секретариат" in sent(calls)[0].text
    card = next(c for c in reversed(emulator.calls) if c.method == "editMessageText" and c.chat_id == ADMIN.id)
    calls = await emulator.tap(ADMIN, card, button(card, "Закрыть доступ"))
    confirm = next(c for c in calls if c.method == "editMessageText")
    await emulator.tap(ADMIN, confirm, button(confirm, "Да"))
    calls = await emulator.ask(GUEST, "/admin")
    assert "только секретариату" in last_text(calls)
    calls = await emulator.ask(GUEST, "Питиримов")
    assert "521-77-65" not in "".join(c.text or "" for c in sent(calls))


async def test_only_the_secretariat_decides(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Пётр")
    calls = await emulator.ask(GUEST, "Завод")
    request_card = next(c for c in sent(calls) if c.chat_id == ADMIN.id)
    own_message = next(c for c in sent(calls) if c.chat_id == GUEST.id)
    data = button(request_card, "Принять")
    calls = await emulator.wait_handled(emulator.press_forged(GUEST, own_message, data))
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "секретариат" in answer.params["text"]
    calls = await emulator.ask(GUEST, "/admin")
    assert "только секретариату" in last_text(calls)


async def test_a_secretary_who_blocked_the_bot_does_not_stop_requests(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    from models import Account

    await emulator.ask(ADMIN, "/start")
    emulator.block(ADMIN.id)
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "Ольга")
    calls = await emulator.ask(GUEST, "Технопарк")
    assert "отправлена" in [c for c in sent(calls) if c.chat_id == GUEST.id][0].text
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        account = await session.get(Account, ADMIN.id)
    await database.close()
    assert account.blocked_bot


async def test_a_stale_role_button_cannot_readmit(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    await emulator.wait_handled(emulator.send_contact(GUEST, await directory_phone(settings, "blinov-ivan")))
    listing = sent(await emulator.ask(ADMIN, "/members"))[0]
    calls = await emulator.tap(ADMIN, listing, button(listing, "Блинов"))
    card = next(c for c in calls if c.method == "editMessageText")
    grant = button(card, "секретариат")
    calls = await emulator.tap(ADMIN, card, button(card, "Закрыть доступ"))
    confirm = next(c for c in calls if c.method == "editMessageText")
    calls = await emulator.tap(ADMIN, confirm, button(confirm, "Да"))
    assert any(c.chat_id == GUEST.id and "закрыл" in c.text for c in sent(calls))
    calls = await emulator.wait_handled(emulator.press_forged(ADMIN, card, grant))
    assert "не участник" in next(c for c in calls if c.method == "answerCallbackQuery").params["text"]
    assert "только секретариату" in last_text(await emulator.ask(GUEST, "/admin"))


async def test_commands_and_other_text_leave_the_joining_dialog(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    calls = await emulator.ask(GUEST, "Данфосс")  # not a button: a search as usual
    assert "Данфосс" in last_text(calls)
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    calls = await emulator.ask(GUEST, "/projects")
    assert "Проекты кластера" in last_text(calls)
    calls = await emulator.ask(GUEST, "Эффективный свет")
    assert "Эффективный свет" in last_text(calls), "the dialog is over: text is a search again"
