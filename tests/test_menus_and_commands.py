"""What any user meets first: /start's menu by role, /help, /language, a welcome in one language,
commands in groups, and bad input answered politely."""

from __future__ import annotations

from bot.settings import Settings
from tests.emulator import BotAPIEmulator
from tests.harness import RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    GUEST_EN,
    button,
    join,
    last_text,
    sent,
)
from tests.steps import BLINOV as MEMBER


async def test_language_switch_and_help(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    calls = await emulator.ask(GUEST, "/language")
    chooser = sent(calls)[0]
    calls = await emulator.tap(GUEST, chooser, "lang:en")
    assert not sent(calls) and "English" in sent(calls, "editMessageText")[0].text, "the chooser becomes the menu"
    calls = await emulator.tap(GUEST, chooser, "lang:en")
    assert not sent(calls) and [c for c in calls if c.method == "answerCallbackQuery"], "a second tap adds nothing"
    help_text = last_text(await emulator.ask(GUEST, "/help"))
    assert "/projects" in help_text and "/join" in help_text and "/admin" not in help_text
    assert "part of a phone" not in help_text, "guests are not promised a search of people"
    admin_help = [call.text for call in sent(await emulator.ask(ADMIN, "/help"))]
    assert len(admin_help) == 2, "longer than one message: cut between sections"
    assert "части телефона" in admin_help[0] and admin_help[1].startswith("Секретариат")
    assert f"@{emulator.username} запрос" in admin_help[0], "inline mode shown with the bot's own name"
    assert "/admin" in admin_help[1] and "/invite" in admin_help[1] and "Переслать запрос" in admin_help[1]


async def test_the_welcome_speaks_one_language(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    english = sent(await emulator.ask(GUEST_EN, "/start"))[0].text
    assert "Cluster members: 60 companies and organisations" in english and "предприятий" not in english
    russian = sent(await emulator.ask(GUEST, "/start"))[0].text
    assert "60 предприятий и организаций" in russian


async def test_a_members_menu_leads_to_every_section(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    menu = sent(await emulator.ask(MEMBER, "/start"))[0]
    for label, expected in (
        ("Дорожная карта", "Дорожная карта"),
        ("Статусы проектов", "Статус"),
        ("Настройки", "объявлен"),
    ):
        calls = await emulator.tap(MEMBER, menu, button(menu, label))
        assert expected.lower() in (sent(calls)[0].text or "").lower(), label
    guest_menu = sent(await emulator.ask(GUEST, "/start"))[0]
    assert not [b for b in guest_menu.buttons if "Настройки" in b["text"] or "Дорожная" in b["text"]]


async def test_group_chats_get_pointed_to_private(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(-100500, "supergroup", "Cluster chat")
    calls = await emulator.ask(GUEST, "/find Данфосс", chat=-100500)
    reply = sent(calls)[0]
    assert reply.chat_id == -100500 and "личном" in reply.text
    assert reply.buttons[0]["url"].startswith("https://t.me/")
    assert not sent(await emulator.ask(GUEST, "Питиримов", chat=-100500))
    assert "личном" in sent(await emulator.ask(GUEST, "/roadmap", chat=-100500))[0].text


async def test_group_commands_of_other_bots_are_left_alone(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(-100600, "supergroup", "Shared chat")
    assert not sent(await emulator.ask(GUEST, "/other@another_bot", chat=-100600))
    assert not sent(await emulator.ask(GUEST, "/weather", chat=-100600))
    assert sent(await emulator.ask(GUEST, f"/help@{emulator.username}", chat=-100600))


async def test_bad_input_gets_polite_answers(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    assert "/find отходы" in last_text(await emulator.ask(GUEST, "/find"))
    assert "Слишком длинный" in last_text(await emulator.ask(GUEST, "я" * 5000))
    assert "Не знаю команды /frobnicate" in last_text(await emulator.ask(GUEST, "/frobnicate now"))
    calls = await emulator.wait_handled(emulator.send_sticker(GUEST))
    assert "понимаю текст" in last_text(calls)
    calls = await emulator.ask(GUEST, "<script>alert(1)</script> & <b>")
    assert sent(calls), "HTML in a query is escaped, so Telegram accepts the reply"
    card = sent(await emulator.ask(GUEST, "/projects"))[0]
    for forged in ("c:p:999999", "garbage", "pp:-5", "c:x:1", "s:1:tasks:99", "c:p:" + "9" * 58, "op:XX:0", "co:QQ"):
        calls = await emulator.wait_handled(emulator.press_forged(GUEST, card, forged))
        answer = next(c for c in calls if c.method == "answerCallbackQuery")
        assert answer.params.get("show_alert") and answer.params["text"], forged
        assert "пошло не так" not in answer.params["text"], f"{forged}: a polite answer, not a failure"
    calls = await emulator.wait_handled(emulator.press_forged(GUEST, card, "op::999"))
    assert "1/" in " ".join(b["text"] for b in sent(calls, "editMessageText")[0].buttons), (
        "past the end: the first page"
    )
