"""Every dialog alike: another command ends it, unexpected content is answered with where we are,
/cancel leaves it, quick answers reach it one by one."""

from __future__ import annotations

from bot.settings import Settings
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    last_text,
    sent,
)


async def test_another_command_ends_the_dialog(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(ADMIN, "/announce")
    calls = await emulator.ask(ADMIN, "/help")
    assert "диалог закрыт" in sent(calls)[0].text, "the user is told the dialog ended"
    assert "/projects" in sent(calls)[1].text, "then the command runs as usual"
    calls = await emulator.ask(ADMIN, "Эффективный свет")
    assert "Эффективный свет" in sent(calls)[0].text, "searched, not taken for the announcement's text"
    assert not [c for c in emulator.calls_of("sendMessage") if "Так они увидят" in (c.text or "")]


async def test_a_command_in_the_joining_dialog_is_not_taken_for_a_name(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "✍️ Ввести имя и организацию")
    await emulator.ask(GUEST, "/PROJECTS")
    calls = await emulator.ask(GUEST, "Данфосс")
    assert "Данфосс" in sent(calls)[0].text and "организацию" not in last_text(calls)


async def test_unexpected_content_in_a_dialog_says_where_we_are(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(GUEST, "/join")
    calls = await emulator.wait_handled(emulator.send_sticker(GUEST))
    assert "жду ответа" in last_text(calls)
    calls = await emulator.ask(GUEST, "/cancel")
    assert "отменено" in last_text(calls)
    calls = await emulator.wait_handled(emulator.send_sticker(GUEST))
    assert "Я понимаю текст" in last_text(calls), "outside a dialog, the usual hint"


async def test_quick_answers_are_taken_in_order_when_updates_run_as_tasks(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator
) -> None:
    """As `clusterbot run` polls (each update a task): three answers sent at once still reach the
    dialog one by one, each seeing the state the previous one left."""
    running = RunningBot(settings, clock, handle_as_tasks=True)
    await running.start()
    try:
        emulator.send_message(GUEST, "/join")
        asked = await emulator.wait_for("sendMessage", chat_id=GUEST.id)
        for text in ("✍️ Ввести имя и организацию", "Иванова Анна", "ООО «Ромашка»"):
            emulator.send_message(GUEST, text)
        done = await emulator.wait_for(
            "sendMessage", chat_id=GUEST.id, predicate=lambda c: "Заявка отправлена" in (c.text or "")
        )
        replies = [c.text or "" for c in emulator.calls_of("sendMessage", GUEST.id) if asked.seq < c.seq <= done.seq]
        assert ["Как вас зовут" in r for r in replies] == [True, False, False], replies
        assert "Какую организацию" in replies[1], replies
        await running.app.sender.deliver_due()
        card = await emulator.wait_for("sendMessage", chat_id=ADMIN.id, predicate=lambda c: "Заявка" in (c.text or ""))
        assert "Иванова Анна" in (card.text or "") and "Ромашка" in (card.text or "")
    finally:
        await running.stop()
