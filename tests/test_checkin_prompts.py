"""Check-in prompts over simulated time: prompt, nudge and report exactly once through restarts
and a second instance; pauses; cadences set with buttons and when the next prompt comes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import create_app, open_database
from bot.settings import Settings
from handlers.reports.scheduled import checkins_tick
from models import ProjectCadence
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    NUDGE,
    PROMPT,
    alert,
    button,
    fill_report,
    leader,
    sent,
    shown,
    texts,
)
from tests.steps import BLINOV as LEADER


async def test_prompt_nudge_report_over_a_week_each_once_through_restarts(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    # Monday 23.11, 12:00 in Moscow: the weekly period opened at 10:00
    await bot.tick()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 1
    assert await bot.tick() == 0
    await bot.restart()
    assert await bot.tick() == 0
    clock.advance(hours=22)  # Tuesday 10:00 in Moscow: the digest of last week, which nobody asked Blinov for
    await bot.tick()
    [digest] = texts(emulator, ADMIN.id, "Сводка")
    assert "16.11–22.11" in digest and "Блинов" not in digest
    assert not texts(emulator, LEADER.id, NUDGE), "a nudge waits a full day after the prompt"
    clock.advance(hours=2)
    await bot.tick()
    await bot.restart()
    await bot.tick()
    assert len(texts(emulator, LEADER.id, NUDGE)) == 1
    nudge = [c for c in emulator.calls_of("sendMessage", LEADER.id) if NUDGE in (c.text or "")][0]
    calls = await emulator.tap(LEADER, nudge, button(nudge, "Отчитаться"))
    preview = await fill_report(emulator, LEADER, shown(calls))
    await emulator.tap(LEADER, preview, button(preview, "Отправить"))
    # the rest of the week is quiet, whatever restarts happen; next Monday's period opens a new prompt
    for hour in range(0, 6 * 24 + 1, 6):
        clock.advance(hours=6)
        await bot.tick()
        if hour == 72:
            await bot.restart()
    prompts = texts(emulator, LEADER.id, PROMPT)
    assert len(prompts) == 2 and "23.11.2026" in prompts[0] and "30.11.2026" in prompts[1]
    assert len(texts(emulator, LEADER.id, NUDGE)) == 1
    assert len(texts(emulator, ADMIN.id, "Сводка")) == 1
    # last week's prompt is stale now
    old = [c for c in emulator.calls_of("sendMessage", LEADER.id) if PROMPT in (c.text or "")][0]
    calls = await emulator.tap(LEADER, old, button(old, "Отчитаться"))
    assert "прошлому периоду" in alert(calls)


async def test_a_paused_leader_is_not_asked(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    await bot.tick()
    prompt = [c for c in emulator.calls_of("sendMessage", LEADER.id) if PROMPT in (c.text or "")][0]
    calls = await emulator.tap(LEADER, prompt, button(prompt, "Пауза"))
    choices = sent(calls)[-1]
    calls = await emulator.tap(LEADER, choices, button(choices, "2 нед."))
    assert "07.12.2026" in shown(calls).text
    for _ in range(14):
        clock.advance(days=1)
        await bot.tick()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 1 and not texts(emulator, LEADER.id, NUDGE)
    clock.advance(days=1)  # Tuesday 8.12: the pause is over, the period of 7.12 is still open
    await bot.tick()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 2
    # or up to a typed date, and back on
    assert "Напишите дату" in sent(await emulator.ask(LEADER, "/pause 01.01.2020"))[0].text
    assert "Напишите дату" in sent(await emulator.ask(LEADER, "/pause завтра"))[0].text
    assert "по 10.01.2027" in sent(await emulator.ask(LEADER, "/pause 10.01.2027"))[0].text
    clock.advance(days=7)
    await bot.tick()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 2
    assert "возобновлены" in sent(await emulator.ask(LEADER, "/pause off"))[0].text
    await bot.tick()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 3


async def test_the_secretariat_sets_a_cadence_with_buttons(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    card = sent(await emulator.ask(ADMIN, "Эффективный свет"))[0]
    calls = await emulator.tap(ADMIN, card, button(card, "График"))
    view = shown(calls)
    assert "раз в неделю, по понедельникам, в 10:00" in view.text and "по умолчанию" in view.text
    view = shown(await emulator.tap(ADMIN, view, button(view, "раз в месяц")))
    view = shown(await emulator.tap(ADMIN, view, button(view, "5")))
    view = shown(await emulator.tap(ADMIN, view, f"rpc:{view.callback_data[0].split(':')[1]}:hour:9"))
    assert "раз в месяц, 5-го числа, в 09:00" in view.text
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        row = await session.scalar(select(ProjectCadence))
    await database.close()
    assert row is not None and (row.frequency, row.day, row.hour) == ("monthly", 5, 9)
    await bot.tick()
    [prompt] = texts(emulator, LEADER.id, PROMPT)
    assert "05.11.2026" in prompt
    shown(await emulator.tap(ADMIN, view, button(view, "выключено")))
    clock.advance(days=40)
    await bot.tick()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 1, "check-ins off: nobody is asked"


async def test_two_instances_ticking_at_once_prompt_once(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    """Even past the ticker lease (two instances deciding at the same moment), the outbox keys hold."""
    await leader(emulator, settings)
    other = await create_app(settings, clock=clock)
    try:
        await asyncio.gather(checkins_tick(bot.app), checkins_tick(other), checkins_tick(bot.app))
    finally:
        await other.bot.session.close()
        await other.database.close()
    await bot.app.sender.deliver_due()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 1


async def test_pause_to_a_day_without_a_year_covers_every_project(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    reply = sent(await emulator.ask(LEADER, "/pause 31.12"))[0].text
    assert "по 31.12.2026" in reply and "всем вашим проектам" in reply
    assert "по 10.01.2027" in sent(await emulator.ask(LEADER, "/pause 10.01"))[0].text
    assert "возобновлены" in sent(await emulator.ask(LEADER, "/pause off"))[0].text
    assert "все ваши проекты" in sent(await emulator.ask(LEADER, "/pause"))[0].text


async def test_cadence_screen_says_when_the_next_prompt_comes(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:

    await leader(emulator, settings)
    card = sent(await emulator.ask(ADMIN, "Эффективный свет"))[0]
    view = shown(await emulator.tap(ADMIN, card, button(card, "График")))
    assert "Следующий запрос отчёта: 30.11.2026 10:00" in view.text  # Monday 23.11, 12:00 now
    view = shown(await emulator.tap(ADMIN, view, button(view, "раз в месяц")))
    view = shown(await emulator.tap(ADMIN, view, button(view, "5")))
    assert "Следующий запрос отчёта: 05.12.2026 10:00" in view.text
    view = shown(await emulator.tap(ADMIN, view, button(view, "выключено")))
    assert "Следующий запрос" not in view.text


async def test_a_leader_assigned_minutes_before_a_period_closes_is_asked_once(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 30, 6, 43, tzinfo=UTC)  # Monday 09:43 in Moscow; the week closes at 10:00
    await leader(emulator, settings)
    await bot.tick()
    assert not texts(emulator, LEADER.id, PROMPT), "no prompt for the week closing in 17 minutes"
    clock.now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    await bot.tick()
    [prompt] = texts(emulator, LEADER.id, PROMPT)
    assert "30.11.2026" in prompt


async def test_a_prompt_held_while_the_leader_was_reporting_is_not_sent_after_the_report(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    # Monday 23.11, 12:00 in Moscow: the leader is writing the period's report when the tick owes
    # them its prompt, which waits for the dialog to end …
    first = sent(await emulator.ask(LEADER, "/report"))[-1]
    await bot.tick()
    assert not texts(emulator, LEADER.id, PROMPT)
    preview = await fill_report(emulator, LEADER, first)
    await emulator.tap(LEADER, preview, button(preview, "Отправить"))
    # … and then has nothing left to ask
    await bot.tick()
    clock.advance(hours=25)
    await bot.tick()
    assert not texts(emulator, LEADER.id, PROMPT) and not texts(emulator, LEADER.id, NUDGE)
