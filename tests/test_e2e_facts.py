"""Questions about one field of one card, end to end: the fact in the first reply, the card a tap
away, contacts for members only."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.app import open_database
from bot.settings import Settings
from models import Person, Project, ProjectPerson
from tests.emulator import BotAPIEmulator, Call
from tests.harness import RunningBot
from tests.steps import BLINOV as MEMBER
from tests.steps import GUEST, GUEST_EN, button, join, sent

ZAKHAROVA_PHONES = ("576-61-82", "576-69-80", "940-75-78")


def reply(calls: list[Call]) -> Call:
    """The one message the question was answered with."""
    [message] = sent(calls)
    return message


async def test_a_project_question_states_the_fact_and_opens_the_card(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    for query in ("какой бюджет у SmartUp Accelerator", "бюджет проекта CO2MMUNITY"):
        answer = reply(await emulator.ask(GUEST, query))
        assert "Бюджет:" in answer.text and "млн. евро" in answer.text, query
    answer = reply(await emulator.ask(GUEST, "сколько стоит проект Энергосервис для городской среды"))
    assert "до 125 млн. рублей + до 200 млн. рублей" in answer.text
    card = reply(await emulator.tap(GUEST, answer, button(answer, "Открыть карточку")))
    assert "Энергосервис для городской среды" in card.text and "Лидер:" in card.text, "the whole card"

    partners = reply(await emulator.ask(GUEST, "кто партнёры проекта ЭКОЛЕНД"))
    assert "Партнёры:" in partners.text and "Технопарк Санкт-Петербурга — партнер проекта" in partners.text
    assert button(partners, "🤝 Технопарк").startswith("c:o:")
    leader = reply(await emulator.ask(GUEST, "кто лидер проекта Эффективный свет"))
    assert "Лидер: ИННОКОР" in leader.text and button(leader, "🏢 ИННОКОР").startswith("c:o:")
    dates = reply(await emulator.ask(GUEST, "когда начался проект Северная креветка"))
    assert "Сроки: с июля 2018" in dates.text
    results = reply(await emulator.ask(GUEST, "результаты проекта Эффективный свет"))
    assert "Результаты:" in results.text and "450 млн. рублей" in results.text
    goal = reply(await emulator.ask(GUEST, "цель проекта CO2MMUNITY"))
    assert "Цель:" in goal.text and "возобновляемых" in goal.text


async def test_an_empty_field_is_said_and_the_card_offered(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    for query, said in (
        ("бюджет проекта Эффективный свет", "Бюджет проекта не указан."),
        ("кто лидер проекта Энергоэффективный квартал", "Лидер проекта не указан."),
        ("партнёры проекта Теплый город", "Партнёры проекта не указаны."),
    ):
        answer = reply(await emulator.ask(GUEST, query))
        assert said in answer.text, query
        assert button(answer, "Открыть карточку").startswith("c:p:")


async def test_english_questions(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    answer = reply(await emulator.ask(GUEST_EN, "budget of CO2MMUNITY"))
    assert "Budget: 3,15 млн. евро" in answer.text and button(answer, "Open the card")
    answer = reply(await emulator.ask(GUEST_EN, "who are the partners of ECOLAND"))
    assert answer.text.startswith("📁 ECOLAND") and "Technopark of Saint Petersburg" in answer.text
    answer = reply(await emulator.ask(GUEST_EN, "when did Effective Light start"))
    assert "Period: 2014-2018" in answer.text and "Status: in progress" in answer.text


async def test_a_member_asking_for_a_phone_gets_it_and_the_contact(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, MEMBER, "blinov-ivan")
    calls = await emulator.ask(MEMBER, "телефон Захаровой")
    answer = reply(calls)
    assert all(phone in answer.text for phone in ZAKHAROVA_PHONES)
    assert "zakharova@" not in answer.text, "the phone was asked, not the e-mail"
    assert button(answer, "Открыть карточку").startswith("c:h:")
    [contact] = sent(calls, "sendContact")
    assert "940-75-78" in contact.params["phone_number"], "the mobile, as a person card sends it"

    calls = await emulator.ask(MEMBER, "почта Блинова")
    assert "i.blinov@ingria-park.ru" in reply(calls).text and not sent(calls, "sendContact")
    answer = reply(await emulator.ask(MEMBER, "контакты Городского объединения домовладельцев"))
    assert "Кузьменко" in answer.text and "917-40-40" in answer.text and "npgorod@mail.ru" in answer.text
    assert button(answer, "👤 Питиримов").startswith("c:h:")


async def test_a_guest_asking_for_contacts_gets_none(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    for user, query in (
        (GUEST, "телефон Захаровой"),
        (GUEST, "номер телефона Галины Захаровой"),
        (GUEST_EN, "phone of Zakharova"),
    ):
        calls = await emulator.ask(user, query)
        text = reply(calls).text
        assert not any(phone in text for phone in ZAKHAROVA_PHONES) and not sent(calls, "sendContact"), query
        assert "/join" in text, f"{query}: told how to see people"
    calls = await emulator.ask(GUEST, "телефон Городского объединения домовладельцев")
    answer = reply(calls)
    assert "🔒" in answer.text and "521-77" not in answer.text and "917-40" not in answer.text
    assert not [data for data in answer.callback_data if data.startswith("c:h:")] and not sent(calls, "sendContact")


async def test_a_projects_contact_people(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        project = await session.scalar(select(Project.id).where(Project.key == "ekolend"))
        person = await session.scalar(select(Person.id).where(Person.key == "blinov-ivan"))
        session.add(ProjectPerson(project_id=project, person_id=person, role="contact"))
        await session.commit()
    await database.close()
    answer = reply(await emulator.ask(GUEST, "контакты проекта ЭКОЛЕНД"))
    assert "🔒" in answer.text and "Блинов" not in answer.text
    await join(emulator, settings, MEMBER, "blinov-ivan")
    answer = reply(await emulator.ask(MEMBER, "контакты проекта ЭКОЛЕНД"))
    assert "Блинов Иван Александрович" in answer.text and "670-10-85" in answer.text
    assert button(answer, "👤 Блинов").startswith("c:h:")


async def test_a_fact_is_escaped(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        await session.execute(update(Project).where(Project.key == "area-21").values(budget="<b>1 & 2</b> евро"))
        await session.commit()
    await database.close()
    assert "Бюджет: <b>1 & 2</b> евро" in reply(await emulator.ask(GUEST, "бюджет AREA 21")).text


async def test_a_question_naming_several_cards_lists_them(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    answer = reply(await emulator.ask(GUEST, "бюджет проекта Чистые технологии"))
    assert "Нашлось" in answer.text and len(answer.callback_data) > 1


async def test_a_field_asked_of_nobody_gets_asked_whose(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    """«бюджет проекта» names no project: the answer asks whose, instead of opening whatever card
    happens to hold the word."""
    for query in ("бюджет проекта", "бюджет", "телефон"):
        answer = reply(await emulator.ask(GUEST, query))
        assert "Чей именно?" in answer.text and not answer.buttons, (query, answer.text)
    assert "Whose?" in reply(await emulator.ask(GUEST_EN, "budget")).text
