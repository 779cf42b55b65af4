"""Check-ins over simulated time: prompt, nudge and report exactly once through restarts; pauses;
cadences set with buttons; the digest's content and order; /status with its chart; exports."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime

import openpyxl
from sqlalchemy import select

from bot.app import create_app, open_database
from handlers.reports.scheduled import checkins_tick
from models import Person, Project, ProjectCadence, Report
from tests.conftest import ADMIN
from tests.test_e2e_join import button, sent
from tests.test_reports_e2e import LEADER, alert, db_leader, fill_report, leader, shown

PROMPT, NUDGE = "Пора рассказать", "Напоминание"


def texts(emulator, chat_id: int, part: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.text for c in emulator.calls_of("sendMessage", chat_id) if c.ok and part in (c.text or "")]


async def test_prompt_nudge_report_over_a_week_each_once_through_restarts(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
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


async def test_a_paused_leader_is_not_asked(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
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


async def test_the_secretariat_sets_a_cadence_with_buttons(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
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
    assert (row.frequency, row.day, row.hour) == ("monthly", 5, 9)
    await bot.tick()
    [prompt] = texts(emulator, LEADER.id, PROMPT)
    assert "05.11.2026" in prompt
    shown(await emulator.tap(ADMIN, view, button(view, "выключено")))
    clock.advance(days=40)
    await bot.tick()
    assert len(texts(emulator, LEADER.id, PROMPT)) == 1, "check-ins off: nobody is asked"


async def add_report(
    settings,
    project_key: str,
    person_key: str,
    status: str,
    at: datetime,  # type: ignore[no-untyped-def]
    percent: int | None = None,
    help_needed: str | None = None,
) -> None:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        project_id = await session.scalar(select(Project.id).where(Project.key == project_key))
        person_id = await session.scalar(select(Person.id).where(Person.key == person_key))
        session.add(
            Report(
                token=f"{project_key}-{at.isoformat()}",
                project_id=project_id,
                person_id=person_id,
                submitted_by=1,
                status=status,
                percent=percent,
                done=f"Работы по {project_key}",
                next_steps="Дальше",
                help_needed=help_needed,
                attachments=[],
                created_at=at,
                local_day=at.date(),
            )
        )
    await database.close()


LAST_WEEK, THIS_WEEK = datetime(2026, 11, 17, 9, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def four_projects(settings) -> None:  # type: ignore[no-untyped-def]
    await db_leader(settings, "blinov-ivan", "effektivny-svet")
    await db_leader(settings, "zakharova-galina", "teply-gorod")
    await db_leader(settings, "pitirimov-nikolay", "ekolend")
    await db_leader(settings, "kuzmenko-svyatoslav", "industrialny-park")
    await add_report(settings, "effektivny-svet", "blinov-ivan", "on_track", LAST_WEEK)
    await add_report(settings, "effektivny-svet", "blinov-ivan", "blocked", THIS_WEEK, 30, "Нет допуска на объект")
    await add_report(settings, "teply-gorod", "zakharova-galina", "at_risk", LAST_WEEK)
    await add_report(settings, "teply-gorod", "zakharova-galina", "at_risk", THIS_WEEK)
    await add_report(settings, "ekolend", "pitirimov-nikolay", "on_track", THIS_WEEK, 80)
    await add_report(settings, "industrialny-park", "kuzmenko-svyatoslav", "at_risk", LAST_WEEK)


async def test_the_digest_puts_trouble_first_then_everything_then_who_is_silent(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
    await four_projects(settings)
    clock.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # Tuesday 10:00 in Moscow: the week 23.11–29.11 closed
    await bot.tick()
    await bot.tick()
    [digest] = texts(emulator, ADMIN.id, "Сводка по проектам")
    assert "23.11–29.11" in digest
    trouble, rest = digest.split("Проекты с руководителями или отчётами")
    everything, silent = rest.split("Не отчитались")
    assert trouble.index("Эффективный свет") < trouble.index("Индустриальный") < trouble.index("Теплый город")
    assert "ЭКОЛЕНД" not in trouble
    assert "🔴 Эффективный свет · 30%" in trouble and "новое" in trouble and "Нет допуска" in trouble
    assert "(🟢→🔴)" in everything and "🟢 ЭКОЛЕНД · 80%" in everything and "первый отчёт" in everything
    assert "Индустриальный" in silent and "Кузьменко" in silent
    assert "Блинов" not in silent and "Захарова" not in silent
    assert "Проектов без руководителей" in silent


async def test_status_on_demand_with_a_chart(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
    await four_projects(settings)
    calls = await emulator.ask(ADMIN, "/status")
    assert "Статусы проектов" in sent(calls)[0].text and "Эффективный свет" in sent(calls)[0].text
    [photo] = sent(calls, "sendPhoto")
    assert photo.files["photo"].content.startswith(b"\x89PNG")
    assert "8 недель" in photo.text


async def test_exports_parse_back(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
    await four_projects(settings)
    menu = sent(await emulator.ask(ADMIN, "/export"))[0]
    calls = await emulator.tap(ADMIN, menu, button(menu, "CSV"))
    [document] = sent(calls, "sendDocument")
    assert document.files["document"].filename.endswith(".csv") and "строк: 6" in document.text
    rows = list(csv.DictReader(io.StringIO(document.files["document"].content.decode("utf-8-sig"))))
    assert len(rows) == 6 and {r["Статус"] for r in rows} == {"по плану", "есть риски", "заблокирован"}
    assert rows[0]["Отправлен"] == "2026-11-17 12:00" and rows[0]["Проект"] == "Эффективный свет"

    calls = await emulator.tap(ADMIN, menu, button(menu, "XLSX"))
    [document] = sent(calls, "sendDocument")
    sheet = openpyxl.load_workbook(io.BytesIO(document.files["document"].content)).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["№", "Проект", "Отправлен", "Статус"] and sheet["A1"].font.bold
    assert sheet.max_row == 7
    assert sheet["C2"].value == datetime(2026, 11, 17, 12, 0) and sheet["C2"].number_format.startswith("yyyy")
    assert sheet.column_dimensions["B"].width == 40

    calls = await emulator.tap(ADMIN, menu, button(menu, "Один проект"))
    chooser = shown(calls)
    while "Теплый город" not in str(chooser.buttons):
        chooser = shown(await emulator.tap(ADMIN, chooser, button(chooser, "▶️")))
    project_button = next(b for b in chooser.buttons if "Теплый город" in b["text"])
    calls = await emulator.tap(ADMIN, chooser, project_button["callback_data"])
    rows = list(
        csv.DictReader(io.StringIO(sent(calls, "sendDocument")[0].files["document"].content.decode("utf-8-sig")))
    )
    assert [r["Проект"] for r in rows] == ["Теплый город", "Теплый город"]


async def test_two_instances_ticking_at_once_prompt_once(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
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


async def test_the_reports_menu_of_the_admin_panel(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await four_projects(settings)
    panel = sent(await emulator.ask(ADMIN, "/admin"))[0]
    menu = sent(await emulator.tap(ADMIN, panel, button(panel, "Отчёты проектов")))[0]
    calls = await emulator.tap(ADMIN, menu, button(menu, "Статусы сейчас"))
    assert "Статусы проектов" in sent(calls)[0].text and sent(calls, "sendPhoto")
    projects = sent(await emulator.tap(ADMIN, menu, button(menu, "Руководители и графики")))[0]
    while "ЭКОЛЕНД" not in str(projects.buttons):
        projects = shown(await emulator.tap(ADMIN, projects, button(projects, "▶️")))
    view = shown(await emulator.tap(ADMIN, projects, button(projects, "ЭКОЛЕНД")))
    assert "Питиримов" in view.text
    view = shown(await emulator.tap(ADMIN, view, button(view, "График")))
    assert "раз в неделю" in view.text
