"""The personal calendar feed end to end: a member asks /calendar through the emulator, and the
test subscribes to the link as a calendar app would, over HTTP from the running bot's server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from icalendar import Calendar
from sqlalchemy import delete, select

from bot.services import events, roadmap
from bot.services.access import members
from bot.services.announcements.audiences import Audience
from bot.services.events import Draft
from bot.settings import Settings
from models import Account, CalendarFeed, EventInvite
from tests.conftest import ADMIN
from tests.emulator import BotAPIEmulator, Call
from tests.harness import FakeClock, RunningBot
from tests.steps import GUEST, ORG_A, ORG_B, SOLO, alert, button, item_with_owners, sent
from tests.test_events_e2e import answer, invitations, publish

BASE = "https://cluster.example.org"
LINK = re.compile(re.escape(BASE) + r"(/calendar/[A-Za-z0-9_-]{40,}\.ics)")


@pytest.fixture
async def served(settings: Settings, clock: FakeClock) -> AsyncIterator[RunningBot]:
    # The harness serves on a free port of its own; the port here only says the server is on.
    running = RunningBot(settings.model_copy(update={"public_url": BASE, "http_port": 8080}), clock, http=True)
    await running.start()
    yield running
    await running.stop()


async def fetch(running: RunningBot, path: str) -> tuple[int, str, bytes]:
    """What a calendar app gets for the link's path: status, content type, body."""
    assert running.app.http is not None
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{running.app.http.port}{path}") as response,
    ):
        return response.status, response.content_type, await response.read()


async def entries(running: RunningBot, path: str) -> dict[str, dict[str, str]]:
    """The feed's VEVENTs by UID: summary, start, sequence, transparency."""
    status, content_type, body = await fetch(running, path)
    assert status == 200 and content_type == "text/calendar", (status, body)
    return {
        str(e["uid"]): {
            "summary": str(e["summary"]),
            "start": e.decoded("dtstart").isoformat(),
            "sequence": str(e.get("sequence")),
            "transp": str(e.get("transp", "OPAQUE")),
        }
        for e in Calendar.from_ical(body).walk("VEVENT")
    }


def link(call: Call) -> str:
    found = LINK.search(call.text)
    assert found, call.text
    return found.group(1)


def edited(calls: list[Call], method: str = "editMessageText") -> Call:
    return next(c for c in calls if c.method == method)


async def assert_gone(running: RunningBot, path: str) -> None:
    """404 and nothing that says why."""
    status, _, body = await fetch(running, path)
    assert (status, body) == (404, b"")


@pytest.mark.postgresql_too  # the upsert of a feed and its conditional updates differ most there
async def test_a_members_calendar_from_link_to_revocation(
    served: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    item_id = await item_with_owners(served.app)  # owned by ORG_A's organisation and by SOLO himself
    await publish(emulator)
    await served.app.sender.deliver_due()
    invited = invitations(emulator)
    assert "Ответ записан" in await answer(emulator, ORG_A.id, invited[ORG_A.id], "Приду")

    shown = sent(await emulator.ask(ORG_A, "/calendar"))[0]
    path = link(shown)
    feed = await entries(served, path)
    own, event = f"roadmap-{item_id}@clusterbot", "event-1@clusterbot"
    assert set(feed) == {own, event}, "the item through his organisation, the event he was invited to"
    assert feed[event]["summary"] == "✅ Заседание кластера" and feed[event]["transp"] == "OPAQUE"
    assert feed[own]["start"] == "2026-12-15", "an all-day entry on the deadline's day"
    assert await entries(served, path) == feed, "a second fetch: the same entries, UIDs and all"
    solo = await entries(served, link(sent(await emulator.ask(SOLO, "/calendar"))[0]))
    assert own in solo, "an owner as a person"
    assert link(sent(await emulator.ask(ORG_B, "/calendar"))[0]) != path, "each member a link of their own"

    # Edits: the deadline moves, the answer changes; the entries are updated, not doubled.
    async with served.app.database.sessions.begin() as session:
        moved = datetime(2026, 12, 22, 20, 59, tzinfo=UTC)
        assert await roadmap.set_deadline(session, item_id, moved, actor=ADMIN.id, actor_name="S", now=clock())
        assert await events.change(
            session, 1, starts_at=datetime(2026, 12, 1, 12, tzinfo=UTC), all_day=False, admin_ids=frozenset()
        )
    assert "Ответ записан" in await answer(emulator, ORG_A.id, invited[ORG_A.id], "Не приду")
    after = await entries(served, path)
    assert set(after) == {own, event}
    assert after[own]["start"] == "2026-12-22" and int(after[own]["sequence"]) > int(feed[own]["sequence"])
    assert after[event]["summary"] == "❌ Заседание кластера" and after[event]["transp"] == "TRANSPARENT"
    assert after[event]["start"] == "2026-12-01T12:00:00+00:00" and (
        feed[event]["sequence"],
        after[event]["sequence"],
    ) == ("0", "1")

    # Events he is not invited to: one for all members (published before he joined, say) is in
    # the feed once he asks for all of them; one for a project's people is not, even then.
    async with served.app.database.sessions.begin() as session:
        made = [
            await events.create(
                session,
                Draft(events.new_token(), title, datetime(2026, 12, 3, 12, tzinfo=UTC), False, "", "", audience, None),
                author_id=ADMIN.id,
                now=clock(),
                report_chat_id=ADMIN.id,
                report_message_id=1,
                admin_ids=frozenset({ADMIN.id}),
                default_language="ru",
            )
            for title, audience in (
                ("Открытая лекция", Audience("members", ())),
                ("Рабочая группа проекта", Audience("projects", ("999999",))),
            )
        ]
        assert made[0] is not None and made[1] is not None and made[1][1] == []
        await session.execute(
            delete(EventInvite).where(EventInvite.event_id == made[0][0].id, EventInvite.telegram_id == ORG_A.id)
        )
    lecture, closed = (f"event-{one[0].id}@clusterbot" for one in made if one is not None)
    assert lecture not in await entries(served, path)
    toggled = edited(await emulator.tap(ORG_A, shown, button(shown, "Все события")), "editMessageReplyMarkup")
    assert "☑️ Все события кластера" in [b["text"] for b in toggled.buttons]
    everything = await entries(served, path)
    assert everything[lecture]["summary"] == "Открытая лекция" and everything[event] == after[event]
    assert closed not in everything, "an event for a project's people stays theirs"
    assert "устарела" in alert(await emulator.tap(ORG_A, shown, button(shown, "Все события"))), "a second tap"
    edited(await emulator.tap(ORG_A, toggled, button(toggled, "Все события")), "editMessageReplyMarkup")
    assert lecture not in await entries(served, path)

    # /calendar again: the link cannot be shown again (only its hash is kept), only replaced.
    again = sent(await emulator.ask(ORG_A, "/calendar"))[0]
    assert "действует" in again.text and not LINK.search(again.text)

    # Renewed: the new link works at once, the old one is dead; the old message's button is stale.
    renewed = edited(await emulator.tap(ORG_A, again, button(again, "Заменить")))
    new_path = link(renewed)
    assert new_path != path
    await assert_gone(served, path)
    assert set(await entries(served, new_path)) == {own, event}
    assert "устарела" in alert(await emulator.tap(ORG_A, shown, button(shown, "Заменить")))

    # Tampered, malformed, without its ending: the same bare 404.
    token = new_path.removeprefix("/calendar/").removesuffix(".ics")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (f"/calendar/{flipped}.ics", "/calendar/x.ics", "/calendar/%00.ics", f"/calendar/{token}"):
        await assert_gone(served, wrong)

    # Revoked: dead at once; /calendar then gives a new one.
    revoked = edited(await emulator.tap(ORG_A, renewed, button(renewed, "Отозвать")))
    assert "отозвана" in revoked.text
    await assert_gone(served, new_path)
    assert "устарела" in alert(await emulator.tap(ORG_A, renewed, button(renewed, "Отозвать")))
    third = link(sent(await emulator.ask(ORG_A, "/calendar"))[0])
    assert set(await entries(served, third)) == {own, event}
    async with served.app.database.sessions.begin() as session:
        assert await events.cancel(session, 1, admin_ids=frozenset()) is not None
    assert set(await entries(served, third)) == {own}, "a cancelled event leaves the calendar"

    # Not for guests; what the database holds is no working link.
    assert "для участников" in sent(await emulator.ask(GUEST, "/calendar"))[0].text
    async with served.app.database.sessions() as session:
        hashes = list(await session.scalars(select(CalendarFeed.token_hash)))
    assert third.split("/")[-1].removesuffix(".ics") not in hashes and all(h is None or len(h) == 64 for h in hashes)

    # No member any more (the secretariat closed his access): his link opens nothing.
    async with served.app.database.sessions.begin() as session:
        person = await session.scalar(select(Account.person_id).where(Account.telegram_id == ORG_A.id))
        assert person is not None and await members.revoke_member(session, person, actor=ADMIN.id, now=clock())
    await assert_gone(served, third)


async def test_mydata_tells_of_the_link_and_forgetme_ends_it(served: RunningBot, emulator: BotAPIEmulator) -> None:
    await item_with_owners(served.app)
    path = link(sent(await emulator.ask(ORG_B, "/calendar"))[0])
    calls = await emulator.ask(ORG_B, "/mydata")
    assert "Календарь (/calendar): ссылка выдана 23.11.2026" in "\n".join(c.text for c in sent(calls))
    assert path.split("/")[-1].removesuffix(".ics") not in "\n".join(c.text for c in sent(calls))
    confirmation = sent(await emulator.ask(ORG_B, "/forgetme"))[0]
    await emulator.tap(ORG_B, confirmation, button(confirmation, "Да, забыть"))
    await assert_gone(served, path)
    async with served.app.database.sessions() as session:
        assert await session.get(CalendarFeed, ORG_B.id) is None


async def test_without_a_public_address_calendar_says_so(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(ADMIN, "/start")
    reply = sent(await emulator.ask(ADMIN, "/calendar"))[0].text
    assert "не включена" in reply and "http" not in reply
    assert "в этом боте она не включена" in sent(await emulator.ask(ADMIN, "/help"))[0].text


async def test_help_offers_the_calendar_where_it_is_served(served: RunningBot, emulator: BotAPIEmulator) -> None:
    assert "/calendar — личная ссылка" in sent(await emulator.ask(ADMIN, "/help"))[0].text
