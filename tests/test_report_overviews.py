"""What the secretariat and members read of the reports: the digest of the closed period (trouble
first, then everything, then who is silent), /status and its chart, exports, the admin panel's
reports menu."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from bot.settings import Settings
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    PROMPT,
    add_report,
    button,
    db_leader,
    fill_report,
    join,
    leader,
    sent,
    shown,
    texts,
)
from tests.steps import BLINOV as LEADER
from tests.steps import ZAKHAROVA as MEMBER

LAST_WEEK, THIS_WEEK = datetime(2026, 11, 17, 9, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def four_projects(settings: Settings) -> None:
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


async def test_the_digest_puts_trouble_first_then_everything_then_who_is_silent(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
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


async def test_status_on_demand_with_a_chart(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await four_projects(settings)
    calls = await emulator.ask(ADMIN, "/status")
    assert "Статусы проектов" in sent(calls)[0].text and "Эффективный свет" in sent(calls)[0].text
    [photo] = sent(calls, "sendPhoto")
    assert photo.files["photo"].content.startswith(b"\x89PNG")
    assert "8 недель" in photo.text


async def test_exports_parse_back(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await four_projects(settings)
    menu = sent(await emulator.ask(ADMIN, "/export"))[0]
    calls = await emulator.tap(ADMIN, menu, button(menu, "CSV"))
    [document] = sent(calls, "sendDocument")
    assert (document.files["document"].filename or "").endswith(".csv") and "строк: 6" in document.text
    rows = list(csv.DictReader(io.StringIO(document.files["document"].content.decode("utf-8-sig"))))
    assert len(rows) == 6 and {r["Статус"] for r in rows} == {"по плану", "есть риски", "заблокирован"}
    assert rows[0]["Отправлен"] == "2026-11-17 12:00" and rows[0]["Проект"] == "Эффективный свет"

    calls = await emulator.tap(ADMIN, menu, button(menu, "XLSX"))
    [document] = sent(calls, "sendDocument")
    sheet = openpyxl.load_workbook(io.BytesIO(document.files["document"].content)).active
    assert isinstance(sheet, Worksheet)
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


async def test_the_reports_menu_of_the_admin_panel(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
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


async def test_the_digest_sums_up_the_closed_period_and_an_early_report_counts_for_the_next(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:

    await leader(emulator, settings)
    await db_leader(settings, "kuzmenko-svyatoslav", "industrialny-park")  # never reports
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 24.11, 12:00 in Moscow
    first = sent(await emulator.ask(LEADER, "/report"))[0]
    preview = await fill_report(emulator, LEADER, first, status="по плану")
    done = shown(await emulator.tap(LEADER, preview, button(preview, "Отправить")))
    assert "засчитан и за период" not in done.text
    # Monday 30.11, 09:00 in Moscow, an hour before the new period: the report answers it too
    clock.now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    await bot.tick()
    first = sent(await emulator.ask(LEADER, "/report"))[0]
    preview = await fill_report(emulator, LEADER, first, status="по плану")
    done = shown(await emulator.tap(LEADER, preview, button(preview, "Отправить")))
    assert "засчитан и за период, который откроется 30.11.2026 10:00" in done.text
    for _ in range(6):
        clock.advance(hours=1)
        await bot.tick()
    assert not [p for p in texts(emulator, LEADER.id, PROMPT) if "30.11.2026" in p], "no prompt after a report"
    # Tuesday 01.12, 10:00: the digest is about 23.11–29.11; Blinov reported for it, Kuzmenko did not
    clock.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    await bot.tick()
    [digest] = texts(emulator, ADMIN.id, "Сводка по проектам")
    assert "23.11–29.11" in digest
    silent = digest.split("Не отчитались")[1]
    assert "Кузьменко" in silent and "Блинов" not in silent


async def test_status_for_guests_members_and_the_secretariat(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:

    await four_projects(settings)
    await db_leader_only(settings)
    assert "Статусы и отчёты проектов видны только участникам" in sent(await emulator.ask(GUEST, "/status"))[0].text
    await join(emulator, settings, MEMBER, "zakharova-galina")
    member = sent(await emulator.ask(MEMBER, "/status"))[0].text
    assert "/admin" not in member and "Проекты с руководителями или отчётами" in member
    admin = sent(await emulator.ask(ADMIN, "/status"))[0].text
    assert "/admin → 📊 Отчёты проектов" in admin
    everything = admin.split("Проекты с руководителями или отчётами")[1]
    assert "⚪ Энергоэффективный квартал — отчётов ещё не было" in everything
    # worst first, as on the chart: blocked, then at risk, then on track, then never reported
    order = [everything.index(name) for name in ("Эффективный свет", "Индустриальный", "Теплый город", "ЭКОЛЕНД")]
    assert order == sorted(order)
    assert everything.index("ЭКОЛЕНД") < everything.index("отчётов ещё не было")


async def db_leader_only(settings: Settings) -> None:
    """A project with a leader and no report yet."""

    await db_leader(settings, "pitirimov-nikolay", "energoeffektivny-kvartal")


def test_export_words_match_the_columns_in_both_languages() -> None:
    from bot.i18n import Translator
    from bot.services.reports.export import COLUMNS

    for language in ("ru", "en"):
        assert len(Translator(language).plain("reports.export_columns").split("|")) == len(COLUMNS)


async def test_the_digest_names_a_leader_asked_for_the_closed_period_who_did_not_report(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:

    await leader(emulator, settings)
    await bot.tick()  # Monday 23.11, 12:00: asked for the week of 23.11
    clock.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    await bot.tick()
    [digest] = [d for d in texts(emulator, ADMIN.id, "Сводка по проектам") if "23.11–29.11" in d]
    assert "Блинов" in digest.split("Не отчитались")[1]
