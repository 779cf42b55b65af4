"""What typed text finds, end to end: a card when the query names one, a list with the total found,
a guess for a typo, a name that names nobody (a guest is told how to join), the secretariat."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services.directory.search import asks_for_secretariat
from bot.services.directory.search_index import Doc, Hit
from bot.settings import Settings
from handlers.directory.search import inline_result
from models import Person, Project
from tests.emulator import BotAPIEmulator
from tests.harness import RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    GUEST_EN,
    join,
    last_text,
    sent,
)
from tests.steps import BLINOV as MEMBER


async def test_a_guest_typing_a_name_nobody_has_is_told_how_to_join(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "Отмена")
    calls = await emulator.ask(GUEST, "Пётр Петров")
    reply = sent(calls)[-1]
    # «Петров» and «Пётр» stem to «петр», which begins "Petroleum" of the Norwegian ministry's English name
    assert "Министерство" not in reply.text and "Petroleum" not in reply.text
    assert "имя человека" in reply.text and "/join" in reply.text and not reply.buttons
    text = last_text(await emulator.ask(GUEST_EN, "Peter Petrov"))
    assert "person's name" in text and "/join" in text


async def test_a_member_typing_a_name_nobody_has_is_told_so(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    text = last_text(await emulator.ask(MEMBER, "Пётр Петров"))
    assert "нет человека по имени «Пётр Петров»" in text
    # one word alike is not the name: Иван Блинов is offered, not opened, for «Иван Иванов»
    calls = await emulator.ask(MEMBER, "Иван Иванов")
    reply = sent(calls)[-1]
    assert "нет человека по имени «Иван Иванов»" in reply.text and not sent(calls, "sendContact")
    assert any("Блинов" in b["text"] for b in reply.buttons)


async def test_a_name_still_finds_its_owner(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    calls = await emulator.ask(MEMBER, "Галина Захарова")
    assert "576-61-82" in sent(calls)[0].text and sent(calls, "sendContact")
    assert "Бондаренко" in sent(await emulator.ask(MEMBER, "Бондаренко Н.Л."))[0].text
    # a project's or an organisation's name typed like a person's still opens it
    assert "ИННОКОР" in sent(await emulator.ask(GUEST, "Эффективный Свет"))[0].text
    assert "Green Net Finland" in sent(await emulator.ask(GUEST, "Грин Нет Финланд"))[0].text


async def test_a_name_typed_under_the_joining_buttons_is_the_guests_own(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    await emulator.ask(GUEST, "/join")
    assert "Эффективный свет" in last_text(await emulator.ask(GUEST, "Эффективный свет")), "a search is still a search"
    reply = sent(await emulator.ask(GUEST, "Пётр Петров"))[-1]
    assert "организацию" in reply.text and reply.params["reply_markup"].get("remove_keyboard")
    calls = await emulator.ask(GUEST, "ООО Ромашка")
    assert any("Заявка отправлена" in c.text for c in sent(calls) if c.chat_id == GUEST.id)
    assert "на рассмотрении: 1" in sent(await emulator.ask(ADMIN, "/admin"))[0].text


async def test_member_search_opens_cards(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    calls = await emulator.ask(MEMBER, "кто лидер проекта Эффективный свет")
    assert "ИННОКОР" in sent(calls)[0].text
    calls = await emulator.ask(MEMBER, "/FIND danfoss")  # commands in any case
    assert "Данфосс" in sent(calls)[0].text
    assert "Чем помочь" in sent(await emulator.ask(MEMBER, "/START"))[0].text
    calls = await emulator.ask(MEMBER, "917-40-40")
    assert "Кузьменко" in sent(calls)[0].text and sent(calls, "sendContact")
    calls = await emulator.ask(MEMBER, "кластер")
    several = sent(calls)[0]
    assert len(several.buttons) > 1
    calls = await emulator.tap(MEMBER, several, several.callback_data[0])
    assert sent(calls), "a result button opens its card"
    calls = await emulator.ask(MEMBER, "квазиквант")
    assert "ничего не нашлось" in last_text(calls)


async def test_nonsense_gets_nothing_found_not_a_card(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    for query in ("15.12.2026", "12:30", "1", "ыыы"):
        calls = await emulator.ask(MEMBER, query)
        assert "ничего не нашлось" in last_text(calls), query
    several = sent(await emulator.ask(MEMBER, "Правительство"))[0]
    assert "Правительство Санкт-Петербурга" in several.buttons[0]["text"], "the government before its committees"
    calls = await emulator.ask(MEMBER, "Захорова")
    assert "Захарова" in sent(calls)[0].buttons[0]["text"], "a typo guess is offered in a list"


async def test_a_list_says_how_many_were_found(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    several = sent(await emulator.ask(MEMBER, "кластер"))[0]
    count = int(several.text.split("»: ")[1].split(".")[0])
    assert count > len(several.buttons) == 10, several.text
    assert "Уточните запрос" in several.text and "/projects" in several.text and "/orgs" in several.text
    calls = await emulator.ask(MEMBER, "компании")
    assert not sent(calls, "sendContact") and "Выберите" in sent(calls)[0].text, "a general word is no person's card"
    guess = sent(await emulator.ask(MEMBER, "Захорова"))[0]
    assert guess.text == "Возможно, вы имели в виду:" and "Захарова" in guess.buttons[0]["text"]
    english = sent(await emulator.ask(GUEST_EN, "Norway"))[0]
    assert english.text.startswith("Found for “Norway”: ") and len(english.buttons) > 1


async def test_english_readers_see_english_names_in_lists(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    """A list's buttons name the cards as the cards themselves do for an English reader."""
    circular = sent(await emulator.ask(GUEST_EN, "Circular"))[0]
    labels = " ".join(b["text"] for b in circular.buttons)
    assert "Cities in the Circular Economy" in labels and "Города" not in labels, labels
    norway = " ".join(b["text"] for b in sent(await emulator.ask(GUEST_EN, "Norway"))[0].buttons)
    assert "Norway" in norway and "Норвеги" not in norway, norway
    russian = " ".join(b["text"] for b in sent(await emulator.ask(GUEST, "Норвегия"))[0].buttons)
    assert "Представительство Кластера в Норвегии" in russian, russian


async def test_the_only_result_opens_and_a_guess_is_offered(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    japan = sent(await emulator.ask(GUEST_EN, "Japan"))[0]
    assert "Japan" in japan.text and not japan.text.startswith("Found for"), japan.text
    await join(emulator, settings, MEMBER, "blinov-ivan")
    guess = sent(await emulator.ask(MEMBER, "Захорова"))[0]
    assert guess.text == "Возможно, вы имели в виду:"


async def test_a_sections_name_points_to_its_command(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    for typed, command in (
        ("Дорожная карта", "/roadmap"),
        ("помощь", "/help"),
        ("организации", "/orgs"),
        ("отчёт", "/report"),
    ):
        assert command in last_text(await emulator.ask(MEMBER, typed)), typed
    assert "/roadmap" in last_text(await emulator.ask(GUEST_EN, "roadmap?"))


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


async def test_members_get_the_secretariat_guests_what_it_does(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await emulator.ask(ADMIN, "/start")  # the bot knows the secretary's Telegram name once they wrote
    await join(emulator, settings, MEMBER, "blinov-ivan")
    reply = sent(await emulator.ask(MEMBER, "контакты секретариата"))[0]
    assert "Секретариат кластера" in reply.text and 'href="tg://user?id=1001"' in reply.params["text"]
    assert "Sekretar" in reply.text and "@secretary" in reply.text
    assert "Баренцева моря" in reply.text, "and how to find the other secretariat"
    barents = sent(await emulator.ask(MEMBER, "Секретариат Баренцева моря"))[0]
    assert "Norwegian Barents Secretariat" in barents.text or "Баренцева" in barents.text
    guest = sent(await emulator.ask(GUEST, "секретариат"))[0]
    assert "tg://user" not in guest.params["text"] and guest.buttons[0]["callback_data"] == "m:join"
    assert "видны участникам" in last_text(await emulator.ask(GUEST, "секретариат"))


async def test_inline_results_of_a_person_and_a_project_with_one_id_differ(session: AsyncSession) -> None:
    """Telegram refuses an inline answer with two results of one id: a person and a project
    numbered alike must not both be "p…"."""
    same = (
        await session.scalars(select(Project.id).join(Person, Person.id == Project.id).where(Person.status == "active"))
    ).first()
    assert same is not None
    t = Translator("ru")
    person = await inline_result(Hit(Doc("person", same, "x"), 1.0), session, t)
    project = await inline_result(Hit(Doc("project", same, "x"), 1.0), session, t)
    assert person is not None and project is not None and person.id != project.id
