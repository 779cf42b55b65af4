"""Browsing the directory end to end: project and organisation lists paged in one message, cards
a guest may see without people, long sections, the inline mode for members."""

from __future__ import annotations

from bot.settings import Settings
from tests.emulator import BotAPIEmulator
from tests.harness import RunningBot
from tests.steps import BLINOV as MEMBER
from tests.steps import (
    GUEST,
    GUEST_EN,
    button,
    join,
    last_text,
    sent,
)


async def test_project_list_pages(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    calls = await emulator.ask(GUEST, "/projects")
    listing = sent(calls)[0]
    assert "Флагманский" in listing.text and "1/" in " ".join(b["text"] for b in listing.buttons)
    seen = set(listing.text.splitlines())
    calls = await emulator.tap(GUEST, listing, button(listing, "▶️"))
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "2/" in " ".join(b["text"] for b in edited.buttons)
    assert set(edited.params["text"].splitlines()) - seen, "page two shows other projects"
    # tapping the page counter changes nothing and is still answered
    calls = await emulator.tap(GUEST, edited, button(edited, "2/"))
    assert any(c.method == "answerCallbackQuery" for c in calls)


async def test_guest_sees_projects_but_no_people(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    calls = await emulator.ask(GUEST, "Эффективный свет")
    card = sent(calls)[0]
    assert "Эффективный свет" in card.text and "🔒" not in card.text or "Контактные" in card.text
    assert not [b for b in card.buttons if b.get("callback_data", "").startswith("c:h:")]
    calls = await emulator.ask(GUEST, "Питиримов")
    assert "521-77-65" not in last_text(calls)
    calls = await emulator.ask(GUEST, "+7 (921) 917-40")
    assert "917-40-40" not in last_text(calls)
    # a person card button forged by a guest is refused
    calls = await emulator.wait_handled(emulator.press_forged(GUEST, card, "c:h:1"))
    assert "участникам" in next(c for c in calls if c.method == "answerCallbackQuery").params["text"]
    assert not sent(calls) and not sent(calls, "sendContact")


async def test_organisations_by_country(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    calls = await emulator.ask(GUEST_EN, "/orgs")
    countries = sent(calls)[0]
    norway = next(b["callback_data"] for b in countries.buttons if "Norway" in b["text"])
    calls = await emulator.tap(GUEST_EN, countries, norway)
    listing = sent(calls)[0]
    assert "Norway" in listing.text
    org = next(b["callback_data"] for b in listing.buttons if b["callback_data"].startswith("c:o:"))
    calls = await emulator.tap(GUEST_EN, listing, org)
    assert "🇳🇴" in sent(calls)[0].text


async def test_organisations_are_grouped_by_kind(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    countries = sent(await emulator.ask(GUEST, "/orgs"))[0]
    russia = next(b["callback_data"] for b in countries.buttons if "Россия" in b["text"])
    listing = sent(await emulator.tap(GUEST, countries, russia))[0]
    kinds = listing.text.splitlines()[1:]
    assert kinds[0].startswith("🏛 орган власти: ") and any(k.startswith("🏭 компания: ") for k in kinds), kinds
    cards = [b["text"] for b in listing.buttons if b["callback_data"].startswith("c:o:")]
    assert cards and all(text.startswith("🏛 ") for text in cards), "the city's bodies come first"


async def test_long_sections_are_paged(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    calls = await emulator.ask(GUEST, "Эффективный свет")
    card = sent(calls)[0]
    calls = await emulator.tap(GUEST, card, button(card, "Результаты"))
    section = sent(calls)[0]
    assert len(section.params["text"]) <= 4096 and "Результаты" in section.text


async def test_inline_mode_is_for_members(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    calls = await emulator.wait_handled(emulator.inline_query(GUEST, "Данфосс"))
    answer = next(c for c in calls if c.method == "answerInlineQuery")
    assert answer.params["results"] == [] and answer.params["button"]["start_parameter"] == "join"
    await join(emulator, settings, MEMBER, "blinov-ivan")
    calls = await emulator.wait_handled(emulator.inline_query(MEMBER, "Кузьменко"))
    results = next(c for c in calls if c.method == "answerInlineQuery").params["results"]
    assert results[0]["type"] == "contact" and results[0]["last_name"] == "Кузьменко"
    assert "917-40-40" in results[0]["phone_number"], "the mobile, not the shared office line"
    calls = await emulator.wait_handled(emulator.inline_query(MEMBER, ""))
    results = next(c for c in calls if c.method == "answerInlineQuery").params["results"]
    assert len(results) > 5 and all(r["type"] == "article" for r in results), "projects before typing"
    calls = await emulator.wait_handled(emulator.inline_query(MEMBER, "теплый город"))
    results = next(c for c in calls if c.method == "answerInlineQuery").params["results"]
    assert results[0]["type"] == "article" and "Теплый город" in results[0]["title"]


async def test_organisation_pages_edit_one_message(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    countries = sent(await emulator.ask(GUEST, "/orgs"))[0]
    calls = await emulator.tap(GUEST, countries, button(countries, "Все"))
    listing = sent(calls)[0]
    calls = await emulator.tap(GUEST, listing, button(listing, "▶️"))
    page_two = next(c for c in calls if c.method == "editMessageText")
    calls = await emulator.tap(GUEST, page_two, button(page_two, "◀️"))
    assert not sent(calls) and any(c.method == "editMessageText" for c in calls)
