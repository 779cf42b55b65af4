"""Projects that go quiet or stuck are named with the reason in /status and the digest; the
secretariat sees how punctually each project reports; the digest ends with the period's figures;
a leader starting a report sees what they planned and asked for last time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.services import roadmap
from bot.settings import Settings
from models import HelpRequest, Project, Report, RoadmapItem
from tests.emulator import BotAPIEmulator, User
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GALINA,
    PROJECT,
    PROMPT,
    Actor,
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

ATTENTION = "Требуют внимания"


async def status_text(emulator: BotAPIEmulator, user: User = ADMIN) -> str:
    return "\n".join(c.text or "" for c in sent(await emulator.ask(user, "/status")))


def attention_of(status: str) -> str:
    """The «needs attention» section of /status or a digest; empty when it is not there."""
    return status.split(ATTENTION)[1].split("Проекты с руководителями")[0] if ATTENTION in status else ""


async def days(bot: RunningBot, clock: FakeClock, n: int) -> None:
    """`n` days pass, the bot ticking every six hours."""
    for _ in range(n * 4):
        clock.advance(hours=6)
        await bot.tick()


async def test_a_project_unreported_for_two_periods_is_named(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    await bot.tick()  # the prompt of the week of 23.11
    assert len(texts(emulator, LEADER.id, PROMPT)) == 1
    await days(bot, clock, 7)
    assert ATTENTION not in await status_text(emulator), "one period unreported is not yet a pattern"
    await days(bot, clock, 7)
    assert len(texts(emulator, LEADER.id, PROMPT)) == 3
    status = await status_text(emulator)
    assert ATTENTION in status
    section = status.split(ATTENTION)[1]
    assert "Эффективный свет" in section and "нет отчёта 2 периода подряд" in section
    await join(emulator, settings, GALINA, "zakharova-galina")  # a member, reading English
    english = (await status_text(emulator, GALINA)).split("Need attention")[1]
    assert "Effective Light" in english and "no report for 2 periods in a row" in english
    # a report answers the open period: the project is fine again
    await add_report(settings, PROJECT, "blinov-ivan", "on_track", clock())
    assert ATTENTION not in await status_text(emulator)


async def test_the_next_report_shows_the_last_plan_and_the_same_blocker_twice_is_named(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    await add_report(
        settings,
        PROJECT,
        "blinov-ivan",
        "blocked",
        clock() - timedelta(days=7),
        30,
        "Нет допуска на объект",
        next_steps="Смонтировать светильники в двух домах",
    )
    assert ATTENTION not in await status_text(emulator), "one report blocked is news, not a pattern"
    calls = await emulator.ask(LEADER, "/report")
    first = shown(calls)
    assert "В прошлый раз вы планировали: Смонтировать светильники в двух домах" in first.text
    assert "и просили помощи: Нет допуска на объект" in first.text
    preview = await fill_report(emulator, LEADER, first, status="заблокирован", help_text="нет допуска на объекты!")
    await emulator.tap(LEADER, preview, button(preview, "Отправить"))
    section = attention_of(await status_text(emulator))
    assert "заблокирован тем же 2 отчёта подряд: «нет допуска на объекты!»" in section


async def test_the_same_help_asked_again_in_other_words_is_named(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await db_leader(settings, "blinov-ivan")
    for n, text in enumerate(("Нужны контакты в жилищном комитете", "нужен контакт в Жилищном комитете")):
        await add_report(settings, PROJECT, "blinov-ivan", "at_risk", clock() - timedelta(weeks=1 - n), 40, text)
    section = attention_of(await status_text(emulator))
    assert "просит ту же помощь 2 отчёта подряд" in section


async def test_a_percent_that_does_not_move_while_on_track_is_named(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await db_leader(settings, "blinov-ivan")
    await db_leader(settings, "zakharova-galina", "teply-gorod")
    for n in range(3):
        at = clock() - timedelta(weeks=2 - n)
        await add_report(settings, PROJECT, "blinov-ivan", "on_track", at, 40)
        await add_report(settings, "teply-gorod", "zakharova-galina", "on_track", at, 40 + 10 * n)
    section = attention_of(await status_text(emulator))
    assert "Эффективный свет" in section and "готовность 40% не меняется 2 периода" in section
    assert "Теплый город" not in section
    # said to be at risk, the same percent is no longer a hidden problem
    clock.advance(hours=1)
    await add_report(settings, PROJECT, "blinov-ivan", "at_risk", clock(), 40)
    assert ATTENTION not in await status_text(emulator)


async def test_stale_periods_is_a_setting(emulator: BotAPIEmulator, settings: Settings, clock: FakeClock) -> None:
    running = RunningBot(settings.model_copy(update={"stale_periods": 3}), clock)
    await running.start()
    try:
        await leader(emulator, settings)
        await running.tick()
        await days(running, clock, 14)
        assert ATTENTION not in await status_text(emulator), "two periods unreported are fewer than three"
        await days(running, clock, 7)
        assert "нет отчёта 3 периода подряд" in attention_of(await status_text(emulator))
    finally:
        await running.stop()


@pytest.mark.postgresql_too
async def test_an_overdue_roadmap_item_of_the_projects_organisation_is_named(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    now = clock()
    who = Actor(actor=ADMIN.id, actor_name="Sekretar", now=now)
    async with bot.app.database.sessions.begin() as session:
        project = await session.scalar(select(Project).where(Project.key == PROJECT))
        assert project is not None and project.leader_id is not None
        for number, deadline in ((1, now - timedelta(days=3)), (2, now + timedelta(days=3))):
            item_id = await session.scalar(select(RoadmapItem.id).where(RoadmapItem.number == number))
            assert item_id is not None
            assert await roadmap.set_deadline(session, item_id, deadline, **who)
            assert await roadmap.add_owner(session, item_id, organisation_id=project.leader_id, **who)
    section = attention_of(await status_text(emulator))
    assert "Эффективный свет" in section and "просрочен пункт дорожной карты: №1 «Пакет инструментов" in section
    assert "срок 20.11.2026" in section and "№2" not in section


async def test_the_secretariat_sees_reports_on_time_late_and_missed(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    await bot.tick()  # prompt for the week of 23.11 at 12:00
    clock.advance(hours=1)
    await add_report(settings, PROJECT, "blinov-ivan", "on_track", clock(), 10)  # before the nudge: on time
    await days(bot, clock, 7)  # the week of 30.11: reported on Wednesday, after the nudge
    await days(bot, clock, 2)
    await add_report(settings, PROJECT, "blinov-ivan", "on_track", clock(), 20)
    await days(bot, clock, 5)  # the week of 07.12: nothing
    await days(bot, clock, 7)
    status = await status_text(emulator)
    assert "Отчёты вовремя за 8 последних периодов" in status
    assert "✅ в срок (до напоминания) · 🕓 позже · ▫️ не было · ➖ не запрашивали" in status
    assert "➖➖➖➖➖✅🕓▫️ Эффективный свет · в срок 1 из 3 (33%)" in status
    await join(emulator, settings, MEMBER, "zakharova-galina")
    assert "Отчёты вовремя" not in await status_text(emulator, MEMBER), "for the secretariat only"


@pytest.mark.postgresql_too
async def test_the_digest_ends_with_the_periods_figures(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await leader(emulator, settings)
    await leader(emulator, settings, MEMBER, "zakharova-galina", "teply-gorod")
    now = clock()
    who = Actor(actor=ADMIN.id, actor_name="Sekretar", now=now)
    async with bot.app.database.sessions.begin() as session:
        ids = {n: await session.scalar(select(RoadmapItem.id).where(RoadmapItem.number == n)) for n in (1, 2, 3, 4)}
        for n, deadline in ((1, now + timedelta(days=20)), (2, now - timedelta(days=1)), (3, now + timedelta(days=5))):
            assert await roadmap.set_deadline(session, ids[n] or 0, deadline, **who)
        # item 1 moved, item 3 done, item 2 overdue; item 4 got its first deadline (not a move)
        assert await roadmap.set_deadline(session, ids[1] or 0, now + timedelta(days=30), **who)
        assert await roadmap.close_item(session, ids[3] or 0, "done", **who)
        assert await roadmap.set_deadline(session, ids[4] or 0, now + timedelta(days=30), **who)
    await bot.tick()  # both projects are asked for the week of 23.11
    clock.advance(hours=2)
    await add_report(settings, PROJECT, "blinov-ivan", "on_track", clock(), 10)
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday: after the nudge of Tuesday noon
    await add_report(settings, "teply-gorod", "zakharova-galina", "on_track", clock(), 10)
    async with bot.app.database.sessions.begin() as session:  # help asked, and resolved, that week
        report = await session.scalar(select(Report.id).order_by(Report.id.desc()))
        project = await session.scalar(select(Report.project_id).where(Report.id == report))
        session.add(HelpRequest(report_id=report, project_id=project, text="Нужен партнёр", opened_at=clock()))
        session.add(
            HelpRequest(
                report_id=(await session.scalar(select(Report.id).order_by(Report.id))),
                project_id=project,
                text="Нужны данные",
                opened_at=clock() - timedelta(days=20),
                resolved_at=clock(),
            )
        )
    clock.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # Tuesday 10:00 in Moscow: the digest of 23.11–29.11
    await bot.tick()
    await bot.tick()
    digest = "\n".join(texts(emulator, ADMIN.id, "Сводка по проектам"))
    figures = digest.split("Итоги периода")[1]
    assert "Отчёты из запрошенных (2): в срок 1, с опозданием 1" in figures
    assert "Дорожная карта: выполнено 1, просрочено сейчас 1, сроки перенесены у 1" in figures
    assert "Запросы помощи: открыто 1, отвечено 0, решено 1" in figures
