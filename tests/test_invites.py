"""Links that open the bot with a start parameter: invites (which stay for their newcomer when
someone in already opens them) and the inline mode's «join» button."""

from __future__ import annotations

from tests.conftest import ADMIN, GUEST_EN
from tests.emulator import User
from tests.test_e2e_join import _invite_link, directory_phone, last_text, sent

MEMBER_EN = User(id=5105, first_name="Ivan", language_code="en")
NEWCOMER = User(id=5106, first_name="Новичок", language_code="ru")


async def test_a_member_does_not_spend_a_generic_invite(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(MEMBER_EN, "/join")
    await emulator.wait_handled(emulator.send_contact(MEMBER_EN, await directory_phone(settings, "blinov-ivan")))
    link = _invite_link(await emulator.ask(ADMIN, "/invite leader"))
    reply = last_text(await emulator.ask(MEMBER_EN, f"/start {link}"))
    assert "do not need this invite" in reply and "Welcome" not in reply
    # the secretary checking the link they made does not spend it either
    assert "перешлите ссылку" in last_text(await emulator.ask(ADMIN, f"/start {link}"))
    calls = await emulator.ask(NEWCOMER, f"/start {link}")
    assert "Добро пожаловать" in sent(calls)[0].text
    assert "уже использовано" in last_text(await emulator.ask(User(id=5107, first_name="Late"), f"/start {link}"))


async def test_a_secretary_does_not_take_an_invite_made_out_for_someone(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    link = _invite_link(await emulator.ask(ADMIN, "/invite лидер Захарова"))
    assert "выписано на другого человека" in last_text(await emulator.ask(ADMIN, f"/start {link}"))
    calls = await emulator.ask(NEWCOMER, f"/start {link}")
    assert "Добро пожаловать, Захарова" in sent(calls)[0].text


async def test_the_inline_join_button_opens_joining(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.ask(GUEST_EN, "/start join")
    assert "share your phone number" in last_text(calls)
    assert sent(calls)[-1].params["reply_markup"]["keyboard"][0][0].get("request_contact") is True
    await emulator.ask(MEMBER_EN, "/join")
    await emulator.wait_handled(emulator.send_contact(MEMBER_EN, await directory_phone(settings, "blinov-ivan")))
    assert "already a cluster member" in last_text(await emulator.ask(MEMBER_EN, "/start join"))
