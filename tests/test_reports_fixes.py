"""Fixes after a tester's pass over progress reports: history pages that fit, a digest of the
period that closed, early reports, and the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import open_database
from bot.services import reports
from bot.services.reports import Draft
from models import Report
from tests.emulator import utf16_len
from tests.test_e2e_join import button, sent
from tests.test_reports_e2e import LEADER, MEMBER, join, leader, shown


async def add_report(settings, project_id: int, at: datetime, *, status: str = "on_track", text: str = "Сделано",  # type: ignore[no-untyped-def]
                     on_behalf: bool = False) -> None:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        await reports.submit(session, f"t{at.timestamp()}{status}", Draft(project_id, status, 100, text, text, text, []),
                             person_id=None, submitted_by=1, on_behalf=on_behalf, now=at, tz=settings.tz)
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
