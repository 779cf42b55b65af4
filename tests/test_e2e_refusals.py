"""Commands and buttons not meant for the one who uses them, and buttons that make no sense (any
more): each kept away by a filter, each answered politely, a command with a message and a button
with an alert. Buttons are pressed as a tampered client would, with the data they carry."""

from __future__ import annotations

from bot.i18n import Translator
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import FakeClock, RunningBot
from tests.steps import ADMIN, GUEST, alerts, button, compose, seed, sent

RU = Translator("ru")


async def pressed(emulator: BotAPIEmulator, user: User, under: Call, data: str) -> list[str]:
    return alerts(await emulator.wait_handled(emulator.press_forged(user, under, data)))


async def test_the_secretariats_commands_and_buttons_refuse_others(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    refusal = RU("access.secretariat_only")
    for command in ("/announce", "/announcements", "/admin", "/members", "/invite", "/audit"):
        assert sent(await emulator.ask(GUEST, command))[-1].text == refusal, command
    menu = sent(await emulator.ask(GUEST, "/start"))[-1]
    for data in (
        "jd:1:1",  # a join request's decision
        "an:0123456789:send:",
        "anm:1:show",
        "cha:-100:1:approve",
        "m:admin",
        "mp:0",
        "ma:1:show:",
        "ni:member:0",
        "ap:0",
    ):
        assert await pressed(emulator, GUEST, menu, data) == [refusal], data


async def test_settings_are_for_members(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    refusal = RU("announcements.members_only")
    assert sent(await emulator.ask(GUEST, "/settings"))[-1].text == refusal
    menu = sent(await emulator.ask(GUEST, "/start"))[-1]
    assert await pressed(emulator, GUEST, menu, "m:settings") == [refusal]
    assert await pressed(emulator, GUEST, menu, "st:general") == [refusal]
    settings = sent(await emulator.ask(ADMIN, "/settings"))[-1]
    assert await pressed(emulator, ADMIN, settings, "st:urgent") == [RU.plain("button.stale")], (
        "urgent ones always come"
    )
    toggled = await emulator.tap(ADMIN, settings, "st:general")
    edited = next(c for c in toggled if c.method == "editMessageText")
    assert any("Общее — отключено" in b["text"] for b in edited.buttons)


async def test_a_draft_takes_only_the_buttons_of_the_step_it_is_at(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(ADMIN, "/announce")
    prompt = sent(await emulator.wait_handled(emulator.send_message(ADMIN, "Привет")))[-1]
    token = button(prompt, "Без вложения").split(":")[1]
    stale = RU.plain("button.stale")
    for data in ("send:", "done:", "aud:members", "cat:bogus", "proj:x", "nonsense:"):
        assert await pressed(emulator, ADMIN, prompt, f"an:{token}:{data}") == [stale], data
    assert await pressed(emulator, ADMIN, prompt, "an:fedcba9876:skip:") == [stale], "another draft's"
    calls = await emulator.tap(ADMIN, prompt, button(prompt, "Без вложения"))
    assert sent(calls)[-1].text == RU("announcements.ask_category"), "the draft goes on"


async def test_a_cancelled_announcement_takes_no_change(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    await seed(bot.app, clock())
    summary = await compose(emulator, "Не будет отправлено")
    await emulator.tap(ADMIN, summary, button(summary, "Запланировать"))
    confirmation = sent(await emulator.ask(ADMIN, "25.11.2026 09:30"))[-1]
    cancel, edit = button(confirmation, "Отменить рассылку"), button(confirmation, "Изменить время")
    assert await pressed(emulator, ADMIN, confirmation, cancel) == [RU.plain("announcements.cancelled_alert")]
    for data in (cancel, edit):
        assert await pressed(emulator, ADMIN, confirmation, data) == [RU.plain("announcements.not_open")]
    assert await pressed(emulator, ADMIN, confirmation, "anm:999999:show") == [RU.plain("button.gone")]
