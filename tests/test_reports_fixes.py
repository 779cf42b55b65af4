"""Fixes after a tester's pass over progress reports: history pages that fit, a digest of the
period that closed, early reports, and the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import open_database
from bot.services import reports
from bot.services.reports import Draft
from tests.emulator import utf16_len
from tests.test_e2e_join import button, sent
from tests.test_reports_e2e import LEADER, MEMBER, join, leader, shown


async def add_report(
    settings,
    project_id: int,
    at: datetime,
    *,
    status: str = "on_track",
    text: str = "Сделано",  # type: ignore[no-untyped-def]
    on_behalf: bool = False,
) -> None:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        await reports.submit(
            session,
            f"t{at.timestamp()}{status}",
            Draft(project_id, status, 100, text, text, text, []),
            person_id=None,
            submitted_by=1,
            on_behalf=on_behalf,
            now=at,
            tz=settings.tz,
        )
    await database.close()


async def test_history_of_maximal_reports_fits_every_page(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
    project_id = await leader(emulator, settings)
    await join(emulator, settings, MEMBER, "zakharova-galina")
    # answers at the length limit, of emoji (two UTF-16 units each) and of characters HTML escapes
    fillers = ["🌍" * reports.TEXT_LIMIT, "&<>" * (reports.TEXT_LIMIT // 3), "Слово " * (reports.TEXT_LIMIT // 6)]
    for n, filler in enumerate(fillers):
        await add_report(settings, project_id, clock() - timedelta(days=n + 1), text=filler[: reports.TEXT_LIMIT])
    card = sent(await emulator.ask(MEMBER, "Эффективный свет"))[0]
    page = shown(await emulator.tap(MEMBER, card, button(card, "История")))
    seen = 1
    while True:
        assert page.ok and 0 < utf16_len(page.text) <= 4096
        if not any(b["text"] == "▶️" for b in page.buttons):
            break
        calls = await emulator.tap(MEMBER, page, button(page, "▶️"))
        page = shown(calls)
        seen += 1
    assert seen == 3
    assert "Слово" in page.text


async def test_the_digest_sums_up_the_closed_period_and_an_early_report_counts_for_the_next(
    bot, emulator, settings, clock
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ADMIN
    from tests.test_checkins_e2e import PROMPT, texts
    from tests.test_reports_e2e import db_leader, fill_report

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


async def test_editing_shows_and_keeps_status_and_percent(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.test_reports_e2e import fill_report, reports_in_db

    await leader(emulator, settings)
    preview = await fill_report(emulator, LEADER, sent(await emulator.ask(LEADER, "/report"))[0])
    done = shown(await emulator.tap(LEADER, preview, button(preview, "Отправить")))
    step = shown(await emulator.tap(LEADER, done, button(done, "Исправить")))
    assert "Сейчас: 🟡 есть риски" in step.text
    step = shown(await emulator.tap(LEADER, step, button(step, "Оставить")))
    assert "Сейчас: 50%" in step.text and button(step, "Без процента")
    step = shown(await emulator.tap(LEADER, step, button(step, "Оставить")))
    for _ in range(3):
        step = shown(
            await emulator.tap(LEADER, step, button(step, "Оставить" if "Сейчас" in step.text else "не нужна"))
        )
    shown(await emulator.tap(LEADER, step, button(step, "Отправить")))
    [report] = await reports_in_db(settings)
    assert (report.status, report.percent, report.done) == ("at_risk", 50, "Провели энергоаудит двух домов")


async def test_start_over_drops_answers_and_attachments(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.test_reports_e2e import fill_report, reports_in_db

    await leader(emulator, settings)
    first = sent(await emulator.ask(LEADER, "/report"))[0]
    step = shown(await emulator.tap(LEADER, first, button(first, "по плану")))
    await emulator.tap(LEADER, step, button(step, "50%"))
    await emulator.wait_handled(emulator.send_photo(LEADER))
    await emulator.ask(LEADER, "Сделали")
    await emulator.ask(LEADER, "Дальше")
    preview = shown(await emulator.ask(LEADER, "Помогите"))
    assert "Вложений: 1" in preview.text
    again = shown(await emulator.tap(LEADER, preview, button(preview, "Заново")))
    assert "прежние ответы и вложения убраны" in again.text
    preview = await fill_report(emulator, LEADER, again)
    assert "Вложений" not in preview.text and "Помогите" not in preview.text
    shown(await emulator.tap(LEADER, preview, button(preview, "Отправить")))
    [report] = await reports_in_db(settings)
    assert report.attachments == [] and report.help_needed is None


async def test_status_for_guests_members_and_the_secretariat(bot, emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ADMIN, GUEST
    from tests.test_checkins_e2e import four_projects

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


async def db_leader_only(settings) -> None:  # type: ignore[no-untyped-def]
    """A project with a leader and no report yet."""
    from tests.test_reports_e2e import db_leader

    await db_leader(settings, "pitirimov-nikolay", "energoeffektivny-kvartal")


async def test_the_secretariat_hears_when_trouble_clears_once(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ADMIN
    from tests.test_checkins_e2e import texts
    from tests.test_reports_e2e import fill_report

    await leader(emulator, settings)
    preview = await fill_report(emulator, LEADER, sent(await emulator.ask(LEADER, "/report"))[0], status="заблокирован")
    done = shown(await emulator.tap(LEADER, preview, button(preview, "Отправить")))
    # edited to on track: the secretariat is told once, however often it is tapped
    step = shown(await emulator.tap(LEADER, done, button(done, "Исправить")))
    step = shown(await emulator.tap(LEADER, step, button(step, "по плану")))
    step = shown(await emulator.tap(LEADER, step, button(step, "Оставить")))
    for _ in range(3):
        step = shown(
            await emulator.tap(LEADER, step, button(step, "Оставить" if "Сейчас" in step.text else "не нужна"))
        )
    await emulator.tap(LEADER, step, button(step, "Отправить"))
    await emulator.tap(LEADER, step, button(step, "Отправить"))
    await bot.app.sender.deliver_due()
    assert len(texts(emulator, ADMIN.id, "отчёт руководителя")) == 1
    [cleared] = texts(emulator, ADMIN.id, "тревога снята")
    assert "Эффективный свет" in cleared and "по плану" in cleared
    # a report at risk withdrawn: told too, with what stands now
    preview = await fill_report(emulator, LEADER, sent(await emulator.ask(LEADER, "/report"))[0])
    done = shown(await emulator.tap(LEADER, preview, button(preview, "Отправить")))
    calls = await emulator.tap(LEADER, done, button(done, "Отозвать"))
    await emulator.tap(LEADER, shown(calls), button(shown(calls), "Да, отозвать"))
    await bot.app.sender.deliver_due()
    [withdrawn] = texts(emulator, ADMIN.id, "отозван")
    assert "есть риски" in withdrawn and "по плану" in withdrawn


async def test_a_report_on_the_leaders_behalf_reaches_them_and_is_marked_on_the_card(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ADMIN
    from tests.test_checkins_e2e import texts
    from tests.test_reports_e2e import fill_report

    await leader(emulator, settings)
    picker = sent(await emulator.ask(ADMIN, "/report"))[0]
    while "Эффективный свет" not in str(picker.buttons):
        picker = shown(await emulator.tap(ADMIN, picker, button(picker, "▶️")))
    first = shown(await emulator.tap(ADMIN, picker, button(picker, "Эффективный свет")))
    preview = await fill_report(emulator, ADMIN, first, status="по плану")
    await emulator.tap(ADMIN, preview, button(preview, "Отправить"))
    await emulator.tap(ADMIN, preview, button(preview, "Отправить"))
    await bot.app.sender.deliver_due()
    [told] = texts(emulator, LEADER.id, "Секретариат отправил отчёт")
    assert "Эффективный свет" in told and "Провели энергоаудит" in told
    card = sent(await emulator.ask(LEADER, "Эффективный свет"))[0]
    assert (
        "(от секретариата)"
        in card.text.split("\n")[[n for n, line in enumerate(card.text.split("\n")) if "Ход проекта" in line][0]]
    )


def test_a_day_without_a_year_is_the_next_such_day() -> None:
    import pytest

    from bot.services import dates

    today = datetime(2026, 11, 23).date()
    assert dates.parse_day("31.12", today) == datetime(2026, 12, 31).date()
    assert dates.parse_day("10.01", today) == datetime(2027, 1, 10).date()
    assert dates.parse_day("23.11", today) == today
    assert dates.parse_day("22/11", today) == datetime(2027, 11, 22).date()
    assert dates.parse_day("29.02", today) == datetime(2028, 2, 29).date()
    assert dates.parse_day("15.01.2027", today) == datetime(2027, 1, 15).date()
    for bad in ("31.02", "32.01", "1.13", "завтра", "31.12 10:00"):
        with pytest.raises(dates.DateProblem):
            dates.parse_day(bad, today)


async def test_pause_to_a_day_without_a_year_covers_every_project(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await leader(emulator, settings)
    reply = sent(await emulator.ask(LEADER, "/pause 31.12"))[0].text
    assert "по 31.12.2026" in reply and "всем вашим проектам" in reply
    assert "по 10.01.2027" in sent(await emulator.ask(LEADER, "/pause 10.01"))[0].text
    assert "возобновлены" in sent(await emulator.ask(LEADER, "/pause off"))[0].text
    assert "все ваши проекты" in sent(await emulator.ask(LEADER, "/pause"))[0].text


async def test_cadence_screen_says_when_the_next_prompt_comes(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ADMIN

    await leader(emulator, settings)
    card = sent(await emulator.ask(ADMIN, "Эффективный свет"))[0]
    view = shown(await emulator.tap(ADMIN, card, button(card, "График")))
    assert "Следующий запрос отчёта: 30.11.2026 10:00" in view.text  # Monday 23.11, 12:00 now
    view = shown(await emulator.tap(ADMIN, view, button(view, "раз в месяц")))
    view = shown(await emulator.tap(ADMIN, view, button(view, "5")))
    assert "Следующий запрос отчёта: 05.12.2026 10:00" in view.text
    view = shown(await emulator.tap(ADMIN, view, button(view, "выключено")))
    assert "Следующий запрос" not in view.text


async def test_a_caption_taken_as_the_answer_is_said_and_exports_speak_the_readers_language(
    bot, emulator, settings
) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    from tests.conftest import ADMIN

    await leader(emulator, settings)
    first = sent(await emulator.ask(LEADER, "/report"))[0]
    step = shown(await emulator.tap(LEADER, first, button(first, "по плану")))
    await emulator.tap(LEADER, step, button(step, "50%"))
    calls = await emulator.wait_handled(emulator.send_photo(LEADER, caption="Смонтировали"))
    assert "подпись к нему принята как ответ" in sent(calls)[0].text and "Что дальше" in sent(calls)[-1].text
    await emulator.ask(LEADER, "Дальше")
    preview = shown(await emulator.ask(LEADER, "Помогите"))
    await emulator.tap(LEADER, preview, button(preview, "Отправить"))
    menu = sent(await emulator.ask(ADMIN, "/export"))[0]
    document = sent(await emulator.tap(ADMIN, menu, button(menu, "CSV")), "sendDocument")[0]
    [row] = list(csv.DictReader(io.StringIO(document.files["document"].content.decode("utf-8-sig"))))
    assert row["Статус"] == "по плану" and row["Сделано"] == "Смонтировали"


def test_export_words_match_the_columns_in_both_languages() -> None:
    from bot.i18n import Translator
    from bot.services.reports.export import COLUMNS

    for language in ("ru", "en"):
        assert len(Translator(language).plain("reports.export_columns").split("|")) == len(COLUMNS)


async def test_the_digest_names_a_leader_asked_for_the_closed_period_who_did_not_report(
    bot, emulator, settings, clock
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ADMIN
    from tests.test_checkins_e2e import texts

    await leader(emulator, settings)
    await bot.tick()  # Monday 23.11, 12:00: asked for the week of 23.11
    clock.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    await bot.tick()
    [digest] = [d for d in texts(emulator, ADMIN.id, "Сводка по проектам") if "23.11–29.11" in d]
    assert "Блинов" in digest.split("Не отчитались")[1]
