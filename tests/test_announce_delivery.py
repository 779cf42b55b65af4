"""Announcements under way: scheduling and moving, Telegram's errors, cancelling, restarts."""

from __future__ import annotations

import csv
import io
from collections import Counter

from bot.services import outbox
from tests.emulator import BotAPIEmulator, Call
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    alerts,
    button,
    choose,
    compose,
    received,
    seed,
    send_now,
    sent,
)


def _report(emulator: BotAPIEmulator, report: Call) -> str:
    return emulator.message(ADMIN.id, report.message["message_id"])["text"]


async def test_scheduled_send_edited_then_released_by_the_tick(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    summary = await compose(emulator, "Старый текст")
    calls = await emulator.tap(ADMIN, summary, button(summary, "Запланировать"))
    assert "Europe/Moscow" in sent(calls)[-1].text
    calls = await emulator.ask(ADMIN, "23.11.2026 10:00")
    assert "прошло" in sent(calls)[-1].text, "a time in the past is refused"
    calls = await emulator.ask(ADMIN, "24.11.2026 12:00")  # 09:00 UTC tomorrow
    confirmation = sent(calls)[-1]
    assert "запланировано на 24.11.2026 12:00" in confirmation.text
    await bot.tick()
    assert not received(emulator, "Старый текст"), "held until its time"

    calls = await emulator.tap(ADMIN, confirmation, button(confirmation, "Изменить текст"))
    calls = await emulator.ask(ADMIN, "Новый текст")
    confirmation = sent(calls)[-1]
    assert "запланировано" in confirmation.text
    clock.advance(hours=23, minutes=59)
    await bot.tick()
    assert not received(emulator, "Новый текст")
    clock.advance(minutes=1)
    await bot.tick()
    assert received(emulator, "Новый текст") == sorted(cast.members - {ADMIN.id})
    assert not received(emulator, "Старый текст")
    assert "разослано" in _report(emulator, confirmation)
    calls = await emulator.tap(ADMIN, confirmation, button(confirmation, "Изменить текст"))
    assert "нельзя" in alerts(calls)[0], "a started announcement cannot be edited"


async def test_scheduled_one_cancelled_before_it_starts(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    await seed(bot.app, clock())
    summary = await compose(emulator, "Не будет отправлено")
    await emulator.tap(ADMIN, summary, button(summary, "Запланировать"))
    confirmation = sent(await emulator.ask(ADMIN, "25.11.2026 09:30"))[-1]
    calls = await emulator.tap(ADMIN, confirmation, button(confirmation, "Отменить рассылку"))
    assert "отменено" in next(c for c in calls if c.method == "editMessageText").text
    clock.advance(days=3)
    await bot.tick()
    assert not received(emulator, "Не будет отправлено")


async def test_429_403_gone_and_5xx(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=4)
    blocked, gone = cast.plain[0], cast.plain[1]
    emulator.block(blocked)
    emulator.remove_chat(gone)
    report = await send_now(emulator, await compose(emulator, "Проверка связи"))
    emulator.fail("sendMessage", 429, retry_after=3)
    emulator.fail("sendMessage", 502)
    await bot.app.sender.deliver_due()
    assert "осталось: 2" in _report(emulator, report), "the 429 and the 502 wait to be tried again"
    clock.advance(seconds=30)
    await bot.app.sender.deliver_due()
    text = _report(emulator, report)
    assert "разослано" in text and f"Доставлено: {len(cast.members) - 2}" in text and "не доставлено: 2" in text
    assert received(emulator, "Проверка связи") == sorted(cast.members - {ADMIN.id, blocked, gone})

    final = next(c for c in reversed(emulator.calls) if c.method == "editMessageText")
    calls = await emulator.tap(ADMIN, final, button(final, "Недоставленные"))
    document = sent(calls, "sendDocument")[0]
    rows = list(csv.reader(io.StringIO(document.files["document"].content.decode("utf-8-sig"))))
    assert rows[0] == ["chat_id", "name", "status", "error"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted([blocked, gone])
    assert {r[2] for r in rows[1:]} == {"unreachable"}

    summary = await compose(emulator, "Второе")
    assert f"Получателей: {len(cast.members) - 2}" in summary.text, "unreachable members are skipped from now on"


async def test_cancel_mid_flight(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=25)
    report = await send_now(emulator, await compose(emulator, "Длинная рассылка"))
    sender = bot.app.sender
    sender.batch = 10

    async def cancel_after_first_batch(batches: set[int]) -> None:
        if len(received(emulator, "Длинная рассылка")) >= 9 and "Отменить" in str(
            emulator.message(ADMIN.id, report.message["message_id"]).get("reply_markup")
        ):
            current = emulator.message(ADMIN.id, report.message["message_id"])
            await emulator.tap(ADMIN, current, button(report, "Отменить рассылку"))

    sender.observe(cancel_after_first_batch)
    assert await sender.deliver_due() == 10
    text = _report(emulator, report)
    assert "отменено" in text and "Доставлено: 10" in text and f"отменено: {len(cast.members) - 10}" in text
    assert len(received(emulator, "Длинная рассылка")) <= 10, "the rest never went out"


async def test_restart_mid_broadcast_resumes_with_nobody_missed(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=25)
    await send_now(emulator, await compose(emulator, "Пережить падение"))
    app = bot.app
    # The process dies with a batch claimed and four of its messages already with Telegram.
    async with app.database.sessions.begin() as session:
        claimed = await outbox.claim_due(session, clock(), 10)
    for row in claimed[:4]:
        await app.bot.send_message(row.chat_id, row.payload["text"])
    await bot.restart()
    assert await bot.app.sender.resume() == 10
    await bot.app.sender.deliver_due()
    deliveries = Counter(c.chat for c in sent(emulator.calls) if c.text == "Пережить падение")
    deliveries[ADMIN.id] -= 1  # the preview
    assert {chat for chat, n in deliveries.items() if n} == cast.members, "nobody missed"
    doubled = {chat for chat, n in deliveries.items() if n > 1}
    assert doubled == {row.chat_id for row in claimed[:4]}, "only messages in flight at the crash are doubled"
    assert len(doubled) <= bot.app.settings.send_concurrency


async def test_a_scheduled_one_moved_to_another_time(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    await emulator.ask(ADMIN, "/announce")
    calls = await emulator.wait_handled(emulator.send_document(ADMIN, "agenda.pdf", b"%PDF-1.4", caption="Повестка"))
    summary = await choose(emulator, calls, "События", ("Лидерам проектов",))
    await emulator.tap(ADMIN, summary, button(summary, "Запланировать"))
    confirmation = sent(await emulator.ask(ADMIN, "24.11.2026 12:00"))[-1]
    await emulator.tap(ADMIN, confirmation, button(confirmation, "Изменить время"))
    assert "Europe/Moscow" in sent(emulator.calls)[-1].text
    confirmation = sent(await emulator.ask(ADMIN, "26.11.2026 12:00"))[-1]
    assert "запланировано на 26.11.2026 12:00" in confirmation.text
    clock.advance(days=1)
    await bot.tick()
    assert not received(emulator, "Повестка", "sendDocument")
    clock.advance(days=2)
    await bot.tick()
    assert received(emulator, "Повестка", "sendDocument") == [cast.leader]
