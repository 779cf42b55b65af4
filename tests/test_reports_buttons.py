"""Every button of progress reports gets its answer: one of another step, of a dialog left or of
a project deleted since, a withdrawal declined, prompts paused by someone who leads nothing."""

from __future__ import annotations

from sqlalchemy import delete

from bot.app import open_database
from bot.settings import Settings
from models import Project, ProjectPerson
from tests.emulator import BotAPIEmulator, User
from tests.harness import RunningBot
from tests.steps import (
    ADMIN,
    alert,
    button,
    fill_report,
    join,
    leader,
    reports_in_db,
    sent,
    shown,
)
from tests.steps import (
    BLINOV as LEADER,
)
from tests.steps import (
    ZAKHAROVA as MEMBER,
)


async def test_a_button_of_another_step_or_of_a_dialog_left_is_out_of_date(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    first = sent(await emulator.ask(LEADER, "/report"))[0]
    percent = shown(await emulator.tap(LEADER, first, button(first, "по плану")))
    # the status was answered: its button (under the same message, as first seen) is of another step
    assert "устарела" in alert(await emulator.tap(LEADER, first, button(first, "есть риски")))
    done = sent(await emulator.ask(LEADER, "45"))[0]
    assert "Что сделано" in done.text
    # the percent's Skip, still under its message, reaches the step that may not be skipped
    calls = await emulator.tap(LEADER, percent, button(percent, "Пропустить"))
    assert "Пустой ответ" in alert(calls) and not sent(calls)
    calls = await emulator.tap(LEADER, done, button(done, "Отмена"))
    assert "Отчёт отменён" in shown(calls).text
    assert "устарела" in alert(await emulator.tap(LEADER, done, button(done, "Отмена")))
    assert not await reports_in_db(settings)


async def test_a_withdrawal_declined_shows_the_report_again(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    preview = await fill_report(emulator, LEADER, sent(await emulator.ask(LEADER, "/report"))[0])
    done = shown(await emulator.tap(LEADER, preview, button(preview, "Отправить")))
    confirm = shown(await emulator.tap(LEADER, done, button(done, "Отозвать")))
    assert "Отозвать отчёт по проекту «Эффективный свет»" in confirm.text
    again = shown(await emulator.tap(LEADER, confirm, button(confirm, "Нет")))
    assert "Провели энергоаудит" in again.text and button(again, "Исправить") and button(again, "Отозвать")
    [report] = await reports_in_db(settings)
    assert report.withdrawn_at is None


async def test_pause_buttons_are_for_leaders_and_pause_is_away_for_others(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, MEMBER, "zakharova-galina")
    assert "на месте" in sent(await emulator.ask(MEMBER, "/pause"))[0].text, "as /away says"
    assert "по 15.01.2027 включительно" in sent(await emulator.ask(MEMBER, "/pause 15.01"))[0].text
    card = sent(await emulator.ask(MEMBER, "Эффективный свет"))[0]
    assert "для руководителей" in alert(await emulator.wait_handled(emulator.press_forged(MEMBER, card, "rpp:-1")))


async def test_buttons_of_a_deleted_project_say_it_is_gone(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    project_id = await leader(emulator, settings)
    card = sent(await emulator.ask(ADMIN, "Эффективный свет"))[0]
    member_card = sent(await emulator.ask(LEADER, "Эффективный свет"))[0]
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        await session.execute(delete(ProjectPerson).where(ProjectPerson.project_id == project_id))
        await session.execute(delete(Project).where(Project.id == project_id))
    await database.close()

    async def pressed(user: User, message: object, data: str) -> str:
        return alert(await emulator.wait_handled(emulator.press_forged(user, message, data)))

    for data in (f"rpl:{project_id}:show:0:0", f"rpc:{project_id}:show:0", f"rpx:{project_id}:csv:0"):
        assert "больше недоступна" in await pressed(ADMIN, card, data), data
    assert "больше недоступна" in await pressed(LEADER, member_card, f"rph:{project_id}:0")
    assert "руководители" in await pressed(LEADER, member_card, f"rp:{project_id}:")
