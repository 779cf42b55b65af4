"""Members read the roadmap: the list and only their items, the calendar file and the timeline
(titled and labelled), days in plural forms; guests do not see it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.i18n import Translator
from bot.services.roadmap import chart as roadmap_chart
from handlers.roadmap import ui as roadmap_render
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    DEADLINE,
    GUEST,
    SOLO,
    button,
    item_with_owners,
    last_text,
    sent,
)


async def test_guests_do_not_see_the_roadmap(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    assert "участникам" in last_text(await emulator.ask(GUEST, "/roadmap"))


async def test_members_filter_mine_and_download_the_calendar_and_timeline(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await item_with_owners(bot.app)
    calls = await emulator.ask(SOLO, "/roadmap")
    listing = sent(calls)[-1]
    assert "Roadmap" in listing.text and "22 days left (deadline 15.12.2026)" in listing.text
    calls = await emulator.tap(SOLO, listing, button(listing, "Only mine"))
    mine = next(c for c in calls if c.method == "editMessageText")
    assert "My roadmap items · 1" in mine.text and "\n2." not in mine.text
    calls = await emulator.tap(SOLO, mine, button(mine, ".ics"))
    document = sent(calls, "sendDocument")[0]
    calendar = Calendar.from_ical(document.files["document"].content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["summary"]).startswith("1. Пакет инструментов")
    assert events[0].decoded("dtstart") == DEADLINE.astimezone(ZoneInfo("Europe/Moscow")).date()
    assert str(events[0]["uid"]) == "roadmap-1@clusterbot"
    calls = await emulator.tap(SOLO, mine, button(mine, "Timeline"))
    photo = sent(calls, "sendPhoto")[0]
    assert photo.files["photo"].content.startswith(b"\x89PNG")


def test_days_have_plural_forms() -> None:
    ru, en = Translator("ru"), Translator("en")
    assert [roadmap_render.plural_days(ru, n) for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "1 день",
        "2 дня",
        "5 дней",
        "11 дней",
        "21 день",
        "22 дня",
        "112 дней",
    ]
    assert [roadmap_render.plural_days(en, n) for n in (1, 2, 0)] == ["1 day", "2 days", "0 days"]


async def test_the_timeline_of_mine_is_titled_so_and_labels_end_at_words(
    bot: RunningBot, emulator: BotAPIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    await item_with_owners(bot.app)
    titles: list[str] = []
    real = roadmap_chart.timeline

    def spy(*args: Any, **kwargs: Any) -> bytes:
        titles.append(kwargs["title"])
        assert kwargs["today_label"] == "today"
        return real(*args, **kwargs)

    monkeypatch.setattr(roadmap_chart, "timeline", spy)
    listing = sent(await emulator.ask(SOLO, "/roadmap"))[-1]
    await emulator.tap(SOLO, listing, button(listing, "Timeline"))
    mine = next(
        c for c in await emulator.tap(SOLO, listing, button(listing, "Only mine")) if c.method == "editMessageText"
    )
    calls = await emulator.tap(SOLO, mine, button(mine, "Timeline"))
    assert sent(calls, "sendPhoto")[0].files["photo"].content.startswith(b"\x89PNG")
    assert titles == ["Cluster roadmap", "My roadmap items"]
    label = roadmap_chart.label(1, "Пакет инструментов международной кооперации (GCCA, Baltic Cleantech Alliance)")
    assert label.endswith("…") and len(label) <= roadmap_chart.LABEL_LIMIT
    assert label[:-1] in "1. Пакет инструментов международной кооперации (GCCA, Baltic Cleantech Alliance)"
    assert label == "1. Пакет инструментов международной кооперации (GCCA…"
