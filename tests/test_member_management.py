"""The secretariat manages members end to end: roles on member cards, closing access (and stale
buttons after it), secretaries from ADMIN_IDS, what members are told, the audit log."""

from __future__ import annotations

import json

import pytest

from bot.settings import Settings
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import RunningBot
from tests.steps import (
    ADMIN,
    GALINA,
    GUEST,
    button,
    directory_phone,
    invite_link,
    join,
    last_text,
    sent,
    with_outbox,
)

pytestmark = pytest.mark.postgresql_too  # joining and access differ most between the two


pytestmark = pytest.mark.postgresql_too  # joining and access differ most between the two


async def open_card(emulator: BotAPIEmulator, secretary: User, name: str) -> Call:
    """The member's card, from the list of members."""
    listing = sent(await emulator.ask(secretary, "/members"))[0]
    calls = await emulator.tap(secretary, listing, button(listing, name))
    return next(c for c in calls if c.method == "editMessageText")


def chat_commands(emulator: BotAPIEmulator, chat_id: int) -> list[dict[str, str]]:
    return emulator.commands.get((json.dumps({"chat_id": chat_id, "type": "chat"}), ""), [])


async def test_role_change_speaks_the_members_language(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, GALINA, "zakharova-galina")
    card = await open_card(emulator, ADMIN, "Захарова")
    assert "@galina_z" in card.text
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, card, button(card, "Дать роль: секретариат")))
    told = [c for c in sent(calls) if c.chat_id == GALINA.id]
    assert told and "secretariat" in told[0].text
    menu = {c["command"]: c["description"] for c in chat_commands(emulator, GALINA.id)}
    assert "admin" in menu and menu["help"] == "What the bot can do"
    card = next(c for c in calls if c.method == "editMessageText")
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, card, button(card, "Снять роль: секретариат")))
    told = [c for c in sent(calls) if c.chat_id == GALINA.id]
    assert told and "secretariat" in told[0].text and "no longer" in told[0].text


async def test_a_secretary_removing_their_own_role_confirms(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, GALINA, "zakharova-galina")
    card = await open_card(emulator, ADMIN, "Захарова")
    await emulator.tap(ADMIN, card, button(card, "секретариат"))
    own = await open_card(emulator, GALINA, "Захарова")
    calls = await emulator.tap(GALINA, own, button(own, "Remove role: secretariat"))
    confirm = next(c for c in calls if c.method == "editMessageText")
    assert "/admin" in confirm.text
    assert "Only" not in last_text(await emulator.ask(GALINA, "/admin")), "nothing changed before the answer"
    await emulator.tap(GALINA, confirm, button(confirm, "Yes"))
    assert "Only the cluster secretariat" in last_text(await emulator.ask(GALINA, "/admin"))


async def test_a_secretary_from_admin_ids_on_the_member_card(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    # linked to their directory entry by an invite another secretary made out for them (a generic
    # one, or one they made themselves, is not spent on someone in already)
    await emulator.ask(GUEST, "/start " + invite_link(await emulator.ask(ADMIN, "/invite секретариат")))
    await emulator.ask(ADMIN, "/start " + invite_link(await emulator.ask(GUEST, "/invite Захарова")))
    card = await open_card(emulator, ADMIN, "Захарова")
    assert "секретариат" in card.text.split("Роли:")[1].splitlines()[0]
    assert "@secretary" in card.text
    labels = [b["text"] for b in card.buttons]
    assert not any("секретариат" in label or "Закрыть доступ" in label for label in labels)
    commands_before = len(emulator.calls_of("setMyCommands", None))
    person = next(data for data in card.callback_data if data.startswith("ma:")).split(":")[1]
    for action in ("revoke:", "confirm_revoke:", "remove:secretariat"):
        calls = await emulator.wait_handled(emulator.press_forged(ADMIN, card, f"ma:{person}:{action}"))
        alert = next(c for c in calls if c.method == "answerCallbackQuery").params.get("text") or ""
        assert "ADMIN_IDS" in alert
        assert not [c for c in sent(calls) if c.chat_id == ADMIN.id]
    assert len(emulator.calls_of("setMyCommands", None)) == commands_before
    assert "Секретариат" in last_text(await emulator.ask(ADMIN, "/admin"))


async def test_audit_says_role_and_person_and_names_once(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await emulator.ask(ADMIN, "/invite лидер Захарова")
    await join(emulator, settings, GUEST, "blinov-ivan")
    lines = last_text(await emulator.ask(ADMIN, "/audit")).splitlines()
    joined = next(line for line in lines if "по телефону" in line)
    assert joined.count("Блинов") == 1 and joined.endswith("по телефону")
    invited = next(line for line in lines if "приглашение" in line)
    assert "лидер проекта" in invited and "Захарова Галина Анатольевна" in invited and "invite:" not in invited


async def test_member_card_shows_the_accounts_own_telegram_name(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    ivan = User(id=5005, first_name="Иван", language_code="ru")
    await join(emulator, settings, ivan, "blinov-ivan")
    card = await open_card(emulator, ADMIN, "Блинов")
    telegram = card.text.split("Telegram:")[1]
    assert "Иван" in telegram and "Блинов" not in telegram


async def test_audit_lines_name_their_target_alike(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, GALINA, "zakharova-galina")
    card = await open_card(emulator, ADMIN, "Захарова")
    card = next(
        c for c in await emulator.tap(ADMIN, card, button(card, "Дать роль: лидер")) if c.method == "editMessageText"
    )
    confirm = next(
        c for c in await emulator.tap(ADMIN, card, button(card, "Закрыть доступ")) if c.method == "editMessageText"
    )
    await emulator.tap(ADMIN, confirm, button(confirm, "Да"))
    lines = last_text(await emulator.ask(ADMIN, "/audit")).splitlines()
    assert any(line.endswith("закрыл(а) доступ: Захарова Галина Анатольевна") for line in lines), lines
    assert any(line.endswith("выдал(а) роль «лидер проекта»: Захарова Галина Анатольевна") for line in lines), lines


async def test_secretariat_manages_members(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    phone = await directory_phone(settings, "blinov-ivan")
    await emulator.ask(GUEST, "/join")
    await emulator.wait_handled(emulator.send_contact(GUEST, phone))
    calls = await emulator.ask(ADMIN, "/members")
    listing = sent(calls)[0]
    calls = await emulator.tap(ADMIN, listing, button(listing, "Блинов"))
    card = next(c for c in calls if c.method == "editMessageText")
    calls = await emulator.tap(ADMIN, card, button(card, "секретариат"))
    assert any("секретариат" in (c.params.get("text") or "") for c in calls if c.method == "editMessageText")
    calls = await with_outbox(bot, emulator, await emulator.ask(GUEST, "/admin"))
    assert "Секретариат" in sent(calls)[0].text
    card = next(c for c in reversed(emulator.calls) if c.method == "editMessageText" and c.chat_id == ADMIN.id)
    calls = await emulator.tap(ADMIN, card, button(card, "Закрыть доступ"))
    confirm = next(c for c in calls if c.method == "editMessageText")
    await emulator.tap(ADMIN, confirm, button(confirm, "Да"))
    calls = await emulator.ask(GUEST, "/admin")
    assert "только секретариату" in last_text(calls)
    calls = await emulator.ask(GUEST, "Питиримов")
    assert "521-77-65" not in "".join(c.text or "" for c in sent(calls))


async def test_a_stale_role_button_cannot_readmit(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await emulator.ask(GUEST, "/join")
    await emulator.wait_handled(emulator.send_contact(GUEST, await directory_phone(settings, "blinov-ivan")))
    listing = sent(await emulator.ask(ADMIN, "/members"))[0]
    calls = await emulator.tap(ADMIN, listing, button(listing, "Блинов"))
    card = next(c for c in calls if c.method == "editMessageText")
    grant = button(card, "секретариат")
    calls = await emulator.tap(ADMIN, card, button(card, "Закрыть доступ"))
    confirm = next(c for c in calls if c.method == "editMessageText")
    calls = await with_outbox(bot, emulator, await emulator.tap(ADMIN, confirm, button(confirm, "Да")))
    assert any(c.chat_id == GUEST.id and "закрыл" in c.text for c in sent(calls))
    calls = await emulator.wait_handled(emulator.press_forged(ADMIN, card, grant))
    assert "не участник" in next(c for c in calls if c.method == "answerCallbackQuery").params["text"]
    assert "только секретариату" in last_text(await emulator.ask(GUEST, "/admin"))
