"""Who sees my contacts, end to end: a member hides their e-mail or phones with /privacy, and the
cards, search, inline mode, the contact card and the export follow, for members, the secretariat
and the person themself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import open_database
from bot.services.directory.dataset import export_dataset
from bot.settings import Settings
from models import Person
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import RunningBot
from tests.steps import ADMIN, GUEST, button, directory_phone, last_text, sent

BLINOV = User(id=5005, first_name="Иван", last_name="Блинов", language_code="ru")
ZAKHAROVA = User(id=5007, first_name="Галина", last_name="Захарова", language_code="ru")
EMAIL = "i.blinov@ingria-park.ru"
MOBILE = "205-98-96"


async def join(emulator: BotAPIEmulator, settings: Settings, user: User, key: str) -> None:
    await emulator.ask(user, "/join")
    await emulator.wait_handled(emulator.send_contact(user, await directory_phone(settings, key)))


async def person_id(settings: Settings, key: str) -> int:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        found = await session.scalar(select(Person.id).where(Person.key == key))
    await database.close()
    assert found is not None
    return found


async def card_of(emulator: BotAPIEmulator, user: User, query: str = "Блинов") -> tuple[Call, bool]:
    """The person card a search opens, and whether a Telegram contact came with it."""
    calls = await emulator.ask(user, query)
    cards = [c for c in sent(calls) if (c.text or "").startswith("👤")]
    assert cards, f"{query!r} opened no card: {[c.text for c in sent(calls)]}"
    return cards[0], bool(sent(calls, "sendContact"))


async def inline_results(emulator: BotAPIEmulator, user: User, query: str = "Блинов") -> list[dict[str, Any]]:
    calls = await emulator.wait_handled(emulator.inline_query(user, query))
    return next(c for c in calls if c.method == "answerInlineQuery").params["results"]


async def choose(emulator: BotAPIEmulator, user: User, screen: Call, label: str) -> tuple[str, Call | None]:
    """Tap a choice on the /privacy screen; the answer's text and the screen as edited."""
    calls = await emulator.tap(user, screen, button(screen, label))
    answer = next(c for c in calls if c.method == "answerCallbackQuery").params.get("text", "")
    edited = [c for c in calls if c.method == "editMessageText" and c.ok]
    return answer, edited[0] if edited else None


async def test_a_hidden_email_is_seen_nowhere_but_where_it_is_allowed(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, BLINOV, "blinov-ivan")
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    card, _ = await card_of(emulator, ZAKHAROVA)
    assert EMAIL in card.text, "by default every member sees it, as before"

    screen = sent(await emulator.ask(BLINOV, "/privacy"))[0]
    assert "E-mail: все участники кластера" in screen.text and "Телефоны: все участники кластера" in screen.text
    said, edited = await choose(emulator, BLINOV, screen, "✉️ Секретариату")
    assert said == "Сохранено: E-mail — только секретариат."
    assert edited and "E-mail: только секретариат" in edited.text
    assert any(b["text"] == "✅ ✉️ Секретариату" for b in edited.buttons)
    said, _ = await choose(emulator, BLINOV, screen, "✉️ Секретариату")  # the same button again
    assert said == "Так и есть: E-mail — только секретариат."

    # Another member: not on the card, not by search, not in a shared card
    card, contact = await card_of(emulator, ZAKHAROVA)
    assert EMAIL not in card.text
    assert MOBILE in card.text and contact, "the phones have their own choice"
    assert "🔒" not in card.text, "nothing tells others what is hidden"
    blinov = await person_id(settings, "blinov-ivan")
    calls = await emulator.wait_handled(emulator.press_forged(ZAKHAROVA, card, f"c:h:{blinov}"))
    assert EMAIL not in sent(calls)[0].text
    for query in (EMAIL, "i.blinov@", "ingria-park.ru"):
        calls = await emulator.ask(ZAKHAROVA, query)
        assert "ничего не нашлось" in last_text(calls) and not sent(calls, "sendContact"), query
    shared = (await inline_results(emulator, ZAKHAROVA))[0]
    assert EMAIL not in shared["input_message_content"]["message_text"]
    assert "секретариат" in last_text(await emulator.ask(ZAKHAROVA, "/export")), "members have no export"

    # The secretariat sees it, marked, and finds it; a card it shares in a chat leaves it out
    card, _ = await card_of(emulator, ADMIN)
    assert EMAIL in card.text and "🔒 E-mail видит только секретариат." in card.text
    assert (await card_of(emulator, ADMIN, EMAIL))[0].text == card.text
    assert EMAIL not in (await inline_results(emulator, ADMIN))[0]["input_message_content"]["message_text"]

    # Nobody: not even the secretariat; the person still sees and finds their own
    said, edited = await choose(emulator, BLINOV, screen, "✉️ Никому")
    assert said == "Сохранено: E-mail — никто, кроме вас." and edited and "✅ ✉️ Никому" in str(edited.buttons)
    card, _ = await card_of(emulator, ADMIN)
    assert EMAIL not in card.text
    assert "ничего не нашлось" in last_text(await emulator.ask(ADMIN, EMAIL))
    own, _ = await card_of(emulator, BLINOV, EMAIL)
    assert EMAIL in own.text and "🔒 E-mail видите только вы." in own.text
    assert (
        "E-mail: никто, кроме вас"
        in sent(await emulator.tap(BLINOV, own, button(own, "Кто видит мои контакты")))[0].text
    )
    assert not [b for b in card.buttons if "Кто видит" in b["text"]], "only one's own card offers it"

    # The export (`clusterbot export`) keeps the address with its choice, so a restore keeps it hidden
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        exported = next(p for p in (await export_dataset(session))["people"] if p["key"] == "blinov-ivan")
    await database.close()
    assert exported["emails"] == [EMAIL] and exported["emails_visibility"] == "nobody"

    audit = last_text(await emulator.ask(ADMIN, "/audit"))
    assert "изменил(а), кто видит контакты" in audit


async def test_hidden_phones_leave_the_card_search_and_the_contact(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, BLINOV, "blinov-ivan")
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    screen = sent(await emulator.ask(BLINOV, "/privacy"))[0]
    await choose(emulator, BLINOV, screen, "📞 Секретариату")

    card, contact = await card_of(emulator, ZAKHAROVA)
    assert MOBILE not in card.text and "670-10-85" not in card.text and not contact
    assert EMAIL in card.text, "the e-mail has its own choice"
    assert "ничего не нашлось" in last_text(await emulator.ask(ZAKHAROVA, MOBILE))
    shared = (await inline_results(emulator, ZAKHAROVA))[0]
    assert shared["type"] == "article" and MOBILE not in shared["input_message_content"]["message_text"]

    card, contact = await card_of(emulator, ADMIN, MOBILE)
    assert MOBILE in card.text and contact and "🔒 Телефоны видит только секретариат." in card.text
    assert (await inline_results(emulator, ADMIN))[0]["type"] == "article", "a shared card carries what members see"

    # Back to everyone: all of it returns at once
    await choose(emulator, BLINOV, screen, "📞 Всем")
    card, contact = await card_of(emulator, ZAKHAROVA, MOBILE)
    assert MOBILE in card.text and contact
    assert (await inline_results(emulator, ZAKHAROVA))[0]["type"] == "contact"


async def test_privacy_answers_everyone_politely(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    assert "/join" in last_text(await emulator.ask(GUEST, "/privacy"))
    assert "нет карточки" in last_text(await emulator.ask(ADMIN, "/privacy"))
    await join(emulator, settings, BLINOV, "blinov-ivan")
    assert "/privacy" in last_text(await emulator.ask(BLINOV, "/help"))
    menus = [c for c in emulator.calls_of("setMyCommands") if c.params.get("scope", {}).get("chat_id") == BLINOV.id]
    assert "privacy" in [command["command"] for command in menus[-1].params["commands"]]
    screen = sent(await emulator.ask(BLINOV, "/privacy"))[0]
    blinov = await person_id(settings, "blinov-ivan")
    for forged in (f"pv:{blinov + 1}:emails:nobody", f"pv:{blinov}:emails:everyone", f"pv:{blinov}:fax:nobody"):
        calls = await emulator.wait_handled(emulator.press_forged(BLINOV, screen, forged))
        answer = next(c for c in calls if c.method == "answerCallbackQuery")
        assert answer.params.get("show_alert") and "устарела" in answer.params["text"], forged
        assert not [c for c in calls if c.method == "editMessageText"], forged
    calls = await emulator.wait_handled(emulator.press_forged(GUEST, screen, f"pv:{blinov}:emails:nobody"))
    assert "устарела" in next(c for c in calls if c.method == "answerCallbackQuery").params["text"]
    # a screen left open still works, and says when it is already so
    said, _ = await choose(emulator, BLINOV, screen, "📞 Всем")
    assert said == "Так и есть: Телефоны — все участники кластера."
    emulator.add_chat(-100700, "supergroup", "Cluster chat")
    assert "личном" in sent(await emulator.ask(BLINOV, "/privacy", chat=-100700))[0].text


async def test_the_telegram_username_is_seen_where_a_phone_or_an_email_is(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    named = User(id=5005, first_name="Иван", last_name="Блинов", username="ivan_blinov", language_code="ru")
    await join(emulator, settings, named, "blinov-ivan")
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    assert "@ivan_blinov" in (await card_of(emulator, ZAKHAROVA))[0].text
    screen = sent(await emulator.ask(named, "/privacy"))[0]
    assert "@username" in screen.text
    await choose(emulator, named, screen, "📞 Секретариату")
    assert "@ivan_blinov" in (await card_of(emulator, ZAKHAROVA))[0].text, "the e-mail is still everyone's"
    await choose(emulator, named, screen, "✉️ Никому")
    assert "@ivan_blinov" not in (await card_of(emulator, ZAKHAROVA))[0].text, "nor a way to write to him"
    assert "@ivan_blinov" in (await card_of(emulator, ADMIN))[0].text, "the secretariat sees the phones"
    assert "@ivan_blinov" in (await card_of(emulator, named))[0].text, "and he his own"
