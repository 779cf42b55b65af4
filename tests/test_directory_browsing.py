"""Browsing and searching the directory end to end, as guests and members meet it."""

from __future__ import annotations

from tests.conftest import ADMIN, GUEST, GUEST_EN
from tests.emulator import User
from tests.test_e2e_join import button, directory_phone, last_text, sent

MEMBER = User(id=5005, first_name="Иван", last_name="Блинов", language_code="ru")


async def join_member(emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(MEMBER, "/join")
    await emulator.wait_handled(emulator.send_contact(MEMBER, await directory_phone(settings, "blinov-ivan")))


async def test_project_list_pages(bot, emulator) -> None:  # type: ignore[no-untyped-def]
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


async def test_guest_sees_projects_but_no_people(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
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


async def test_member_search_opens_cards(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await join_member(emulator, settings)
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


async def test_organisations_by_country(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.ask(GUEST_EN, "/orgs")
    countries = sent(calls)[0]
    norway = next(b["callback_data"] for b in countries.buttons if "Norway" in b["text"])
    calls = await emulator.tap(GUEST_EN, countries, norway)
    listing = sent(calls)[0]
    assert "Norway" in listing.text
    org = next(b["callback_data"] for b in listing.buttons if b["callback_data"].startswith("c:o:"))
    calls = await emulator.tap(GUEST_EN, listing, org)
    assert "🇳🇴" in sent(calls)[0].text


async def test_organisations_are_grouped_by_kind(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    countries = sent(await emulator.ask(GUEST, "/orgs"))[0]
    russia = next(b["callback_data"] for b in countries.buttons if "Россия" in b["text"])
    listing = sent(await emulator.tap(GUEST, countries, russia))[0]
    kinds = listing.text.splitlines()[1:]
    assert kinds[0].startswith("🏛 орган власти: ") and any(k.startswith("🏭 компания: ") for k in kinds), kinds
    cards = [b["text"] for b in listing.buttons if b["callback_data"].startswith("c:o:")]
    assert cards and all(text.startswith("🏛 ") for text in cards), "the city's bodies come first"


async def test_long_sections_are_paged(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.ask(GUEST, "Эффективный свет")
    card = sent(calls)[0]
    calls = await emulator.tap(GUEST, card, button(card, "Результаты"))
    section = sent(calls)[0]
    assert len(section.params["text"]) <= 4096 and "Результаты" in section.text


async def test_inline_mode_is_for_members(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.wait_handled(emulator.inline_query(GUEST, "Данфосс"))
    answer = next(c for c in calls if c.method == "answerInlineQuery")
    assert answer.params["results"] == [] and answer.params["button"]["start_parameter"] == "join"
    await join_member(emulator, settings)
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


async def test_bad_input_gets_polite_answers(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    assert "/find отходы" in last_text(await emulator.ask(GUEST, "/find"))
    assert "Слишком длинный" in last_text(await emulator.ask(GUEST, "я" * 5000))
    assert "Не знаю команды /frobnicate" in last_text(await emulator.ask(GUEST, "/frobnicate now"))
    calls = await emulator.wait_handled(emulator.send_sticker(GUEST))
    assert "понимаю текст" in last_text(calls)
    calls = await emulator.ask(GUEST, "<script>alert(1)</script> & <b>")
    assert sent(calls), "HTML in a query is escaped, so Telegram accepts the reply"
    card = sent(await emulator.ask(GUEST, "/projects"))[0]
    for forged in ("c:p:999999", "garbage", "pp:-5", "c:x:1", "s:1:tasks:99", "c:p:" + "9" * 58, "op:XX:0", "co:QQ"):
        calls = await emulator.wait_handled(emulator.press_forged(GUEST, card, forged))
        answer = next(c for c in calls if c.method == "answerCallbackQuery")
        assert answer.params.get("show_alert") and answer.params["text"], forged
        assert "пошло не так" not in answer.params["text"], f"{forged}: a polite answer, not a failure"
    calls = await emulator.wait_handled(emulator.press_forged(GUEST, card, "op::999"))
    assert "1/" in " ".join(b["text"] for b in sent(calls, "editMessageText")[0].buttons), (
        "past the end: the first page"
    )


async def test_group_chats_get_pointed_to_private(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    emulator.add_chat(-100500, "supergroup", "Cluster chat")
    calls = await emulator.ask(GUEST, "/find Данфосс", chat=-100500)
    reply = sent(calls)[0]
    assert reply.chat_id == -100500 and "личном" in reply.text
    assert reply.buttons[0]["url"].startswith("https://t.me/")
    assert not sent(await emulator.ask(GUEST, "Питиримов", chat=-100500))
    assert "личном" in sent(await emulator.ask(GUEST, "/roadmap", chat=-100500))[0].text


async def test_language_switch_and_help(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    calls = await emulator.ask(GUEST, "/language")
    chooser = sent(calls)[0]
    calls = await emulator.tap(GUEST, chooser, "lang:en")
    assert not sent(calls) and "English" in sent(calls, "editMessageText")[0].text, "the chooser becomes the menu"
    calls = await emulator.tap(GUEST, chooser, "lang:en")
    assert not sent(calls) and [c for c in calls if c.method == "answerCallbackQuery"], "a second tap adds nothing"
    help_text = last_text(await emulator.ask(GUEST, "/help"))
    assert "/projects" in help_text and "/join" in help_text and "/admin" not in help_text
    assert "part of a phone" not in help_text, "guests are not promised a search of people"
    admin_help = last_text(await emulator.ask(ADMIN, "/help"))
    assert "/admin" in admin_help and "/invite" in admin_help and "части телефона" in admin_help


async def test_optional_calls_failing_do_not_stop_the_bot(emulator, settings, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.harness import RunningBot

    emulator.fail("setMyCommands", 500, "Internal Server Error", times=10)
    running = RunningBot(settings, clock)
    await running.start()
    try:
        calls = await emulator.ask(GUEST, "/start")
        assert sent(calls) and any(c.method == "setMyCommands" and not c.ok for c in emulator.calls)
    finally:
        await running.stop()


async def test_a_failure_is_apologised_for(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    emulator.fail("sendMessage", 400, "Bad Request: something unexpected", times=1)
    calls = await emulator.ask(GUEST, "/projects")
    apology = [c for c in calls if c.method == "sendMessage" and c.ok]
    assert apology and "пошло не так" in apology[0].text
    assert sent(await emulator.ask(GUEST, "/projects")), "the bot goes on"


async def test_group_commands_of_other_bots_are_left_alone(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    emulator.add_chat(-100600, "supergroup", "Shared chat")
    assert not sent(await emulator.ask(GUEST, "/other@another_bot", chat=-100600))
    assert not sent(await emulator.ask(GUEST, "/weather", chat=-100600))
    assert sent(await emulator.ask(GUEST, f"/help@{emulator.username}", chat=-100600))


async def test_organisation_pages_edit_one_message(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    countries = sent(await emulator.ask(GUEST, "/orgs"))[0]
    calls = await emulator.tap(GUEST, countries, button(countries, "Все"))
    listing = sent(calls)[0]
    calls = await emulator.tap(GUEST, listing, button(listing, "▶️"))
    page_two = next(c for c in calls if c.method == "editMessageText")
    calls = await emulator.tap(GUEST, page_two, button(page_two, "◀️"))
    assert not sent(calls) and any(c.method == "editMessageText" for c in calls)


async def test_a_members_menu_leads_to_every_section(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await join_member(emulator, settings)
    menu = sent(await emulator.ask(MEMBER, "/start"))[0]
    for label, expected in (
        ("Дорожная карта", "Дорожная карта"),
        ("Статусы проектов", "Статус"),
        ("Настройки", "объявлен"),
    ):
        calls = await emulator.tap(MEMBER, menu, button(menu, label))
        assert expected.lower() in (sent(calls)[0].text or "").lower(), label
    guest_menu = sent(await emulator.ask(GUEST, "/start"))[0]
    assert not [b for b in guest_menu.buttons if "Настройки" in b["text"] or "Дорожная" in b["text"]]


async def test_the_welcome_speaks_one_language(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    english = sent(await emulator.ask(GUEST_EN, "/start"))[0].text
    assert "Cluster members: 60 companies and organisations" in english and "предприятий" not in english
    russian = sent(await emulator.ask(GUEST, "/start"))[0].text
    assert "60 предприятий и организаций" in russian


async def test_nonsense_gets_nothing_found_not_a_card(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await join_member(emulator, settings)
    for query in ("15.12.2026", "12:30", "1", "ыыы"):
        calls = await emulator.ask(MEMBER, query)
        assert "ничего не нашлось" in last_text(calls), query
    several = sent(await emulator.ask(MEMBER, "Правительство"))[0]
    assert "Правительство Санкт-Петербурга" in several.buttons[0]["text"], "the government before its committees"
    calls = await emulator.ask(MEMBER, "Захорова")
    assert "Захарова" in sent(calls)[0].buttons[0]["text"], "a typo guess is offered in a list"


async def test_a_list_says_how_many_were_found(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await join_member(emulator, settings)
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


async def test_english_readers_see_english_names_in_lists(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    """A list's buttons name the cards as the cards themselves do for an English reader."""
    circular = sent(await emulator.ask(GUEST_EN, "Circular"))[0]
    labels = " ".join(b["text"] for b in circular.buttons)
    assert "Cities in the Circular Economy" in labels and "Города" not in labels, labels
    norway = " ".join(b["text"] for b in sent(await emulator.ask(GUEST_EN, "Norway"))[0].buttons)
    assert "Norway" in norway and "Норвеги" not in norway, norway
    russian = " ".join(b["text"] for b in sent(await emulator.ask(GUEST, "Норвегия"))[0].buttons)
    assert "Представительство Кластера в Норвегии" in russian, russian


async def test_the_only_result_opens_and_a_guess_is_offered(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    japan = sent(await emulator.ask(GUEST_EN, "Japan"))[0]
    assert "Japan" in japan.text and not japan.text.startswith("Found for"), japan.text
    await join_member(emulator, settings)
    guess = sent(await emulator.ask(MEMBER, "Захорова"))[0]
    assert guess.text == "Возможно, вы имели в виду:"


async def test_a_sections_name_points_to_its_command(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await join_member(emulator, settings)
    for typed, command in (
        ("Дорожная карта", "/roadmap"),
        ("помощь", "/help"),
        ("организации", "/orgs"),
        ("отчёт", "/report"),
    ):
        assert command in last_text(await emulator.ask(MEMBER, typed)), typed
    assert "/roadmap" in last_text(await emulator.ask(GUEST_EN, "roadmap?"))
