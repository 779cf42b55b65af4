"""Members look for "the secretariat" the bot keeps pointing them to."""

from __future__ import annotations

import pytest

from bot.services.directory.search import asks_for_secretariat
from tests.conftest import ADMIN, GUEST
from tests.test_e2e_directory import MEMBER, join_member
from tests.test_e2e_join import last_text, sent


@pytest.mark.parametrize(
    "query",
    [
        "секретариат",
        "Секретариат кластера",
        "контакты секретариата",
        "кто в секретариате?",
        "cluster secretariat",
        "secretariat contacts",
    ],
)
def test_queries_for_the_secretariat(query: str) -> None:
    assert asks_for_secretariat(query)


@pytest.mark.parametrize(
    "query", ["Секретариат Баренцева моря", "Norwegian Barents Secretariat", "кластер", "Кузьменко"]
)
def test_queries_for_something_else(query: str) -> None:
    assert not asks_for_secretariat(query)


async def test_members_get_the_secretariat_guests_what_it_does(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(ADMIN, "/start")  # the bot knows the secretary's Telegram name once they wrote
    await join_member(emulator, settings)
    reply = sent(await emulator.ask(MEMBER, "контакты секретариата"))[0]
    assert "Секретариат кластера" in reply.text and 'href="tg://user?id=1001"' in reply.params["text"]
    assert "Sekretar" in reply.text and "@secretary" in reply.text
    assert "Баренцева моря" in reply.text, "and how to find the other secretariat"
    barents = sent(await emulator.ask(MEMBER, "Секретариат Баренцева моря"))[0]
    assert "Norwegian Barents Secretariat" in barents.text or "Баренцева" in barents.text
    guest = sent(await emulator.ask(GUEST, "секретариат"))[0]
    assert "tg://user" not in guest.params["text"] and guest.buttons[0]["callback_data"] == "m:join"
    assert "видны участникам" in last_text(await emulator.ask(GUEST, "секретариат"))
