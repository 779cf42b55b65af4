"""/away end to end: set by date, refused politely when the date is wrong, shown on the person's card
to the secretariat (not to other members), reminders and non-urgent announcements leave the person
out while urgent ones reach them, and the button under /away ends it early."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services import announcements
from bot.services.announcements.audiences import Audience
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import ADMIN, ORG_A, SOLO, alert, button, item_with_owners, sent, shown
from tests.test_reminders import people
from tests.test_workdays import _reminder_days, _tick_until


async def _recipients(bot: RunningBot, category: str) -> list[int]:
    draft = announcements.Draft("t", "text", 4, category, Audience("members", ()))
    async with bot.app.database.sessions() as session:
        return await announcements.recipients(
            session,
            draft,
            admin_ids=frozenset({ADMIN.id}),
            default_language="ru",
            away_on=bot.app.clock().date(),
        )


async def test_away_until_a_day_pauses_all_but_urgent_and_ends_early(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    # 23.11.2026; the item is due on 15.12 and owned by ORG_A's organisation and SOLO.
    await item_with_owners(bot.app)
    assert "на месте" in sent(await emulator.ask(ORG_A, "/away"))[0].text
    for wrong in ("/away завтра", "/away 01.01.2020", "/away 31.02"):
        assert "Напишите дату" in sent(await emulator.ask(ORG_A, wrong))[0].text
    reply = sent(await emulator.ask(ORG_A, "/away 15.01"))[0]
    assert "по 15.01.2027 включительно" in reply.text and button(reply, "Я вернулся")

    # The secretariat sees it on the card, another member does not.
    card = sent(await emulator.ask(ADMIN, "Питиримов"))[0]
    assert "Отсутствует по 15.01.2027" in card.text
    assert "Отсутствует" not in sent(await emulator.ask(SOLO, "Питиримов"))[0].text

    # Announcements: left out of a general one, not of an urgent one.
    assert ORG_A.id not in await _recipients(bot, "general") and SOLO.id in await _recipients(bot, "general")
    assert ORG_A.id in await _recipients(bot, "urgent")

    # Reminders up to the deadline go to SOLO only.
    await _tick_until(bot, clock, datetime(2026, 12, 15, 12, tzinfo=UTC), timedelta(hours=12))
    ids = await people(bot)
    assert await _reminder_days(bot, ids[ORG_A.id]) == {}
    assert "d0@2026-12-15" in await _reminder_days(bot, ids[SOLO.id])

    # Back early with the button under /away; the card no longer says so, and reminders resume.
    state = sent(await emulator.ask(ORG_A, "/away"))[0]
    calls = await emulator.tap(ORG_A, state, button(state, "Я вернулся"))
    assert "С возвращением" in shown(calls).text
    calls = await emulator.tap(ORG_A, state, button(state, "Я вернулся"))  # a second tap
    assert "уже на месте" in alert(calls) and not [c for c in calls if c.method.startswith("edit")]
    assert "на месте" in sent(await emulator.ask(ORG_A, "/away"))[0].text
    assert "на месте" in sent(await emulator.ask(ORG_A, "/away off"))[0].text, "no welcome back to one not away"
    assert "Отсутствует" not in sent(await emulator.ask(ADMIN, "Питиримов"))[0].text
    assert ORG_A.id in await _recipients(bot, "general")
    await _tick_until(bot, clock, datetime(2026, 12, 19, 12, tzinfo=UTC), timedelta(hours=12))
    assert "overdue@2026-12-18" in await _reminder_days(bot, ids[ORG_A.id])
    # A stale button of someone else's state is refused politely.
    calls = await emulator.tap(SOLO, state, button(state, "Я вернулся"))
    assert any(c.method == "answerCallbackQuery" and c.params.get("show_alert") for c in calls)
