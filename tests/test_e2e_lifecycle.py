"""The secretariat's hand on the directory, end to end: an organisation made with a person on the
way, a project archived (gone for members, marked for the secretariat) and restored, two cards of
one person merged; confirming twice and a stale button get a polite word."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import open_database
from bot.settings import Settings
from models import Person, Project
from tests.conftest import ADMIN
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import RunningBot
from tests.steps import alert, button, join, last_text, sent
from tests.test_e2e_privacy import inline_results

ZAKHAROVA = User(id=5007, first_name="Галина", last_name="Захарова", language_code="ru")


async def forged(emulator: BotAPIEmulator, user: User, message: Call, data: str) -> list[Call]:
    """A button pressed that the message does not show (kept from an older card, or typed)."""
    return await emulator.wait_handled(emulator.press_forged(user, message, data))


def screen(calls: list[Call]) -> Call:
    """The message a tap showed: edited in place, or sent anew."""
    shown = [c for c in calls if c.method in ("editMessageText", "sendMessage") and c.ok]
    assert shown, [c.method for c in calls]
    return shown[-1]


async def the_id(settings, model, key_or_name: str) -> int:  # type: ignore[no-untyped-def]
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        column = model.title if model is Project else model.name
        found = await session.scalar(select(model.id).where((model.key == key_or_name) | (column == key_or_name)))
    await database.close()
    assert found is not None, key_or_name
    return found


async def test_the_secretariat_makes_an_organisation_with_a_person(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    panel = sent(await emulator.ask(ADMIN, "/admin"))[0]
    start = screen(await emulator.tap(ADMIN, panel, button(panel, "➕ Добавить")))
    assert "Что добавить" in start.text
    asked = screen(await emulator.tap(ADMIN, start, button(start, "Человека")))
    assert "Новый человек" in asked.text
    assert "Должность" in last_text(await emulator.ask(ADMIN, "Ковалёва Анна Петровна"))
    asked = sent(await emulator.ask(ADMIN, "Директор по развитию"))[-1]
    assert "Из какой организации" in asked.text and "Новая организация" in str(asked.buttons)

    # Its organisation is not in the directory: made on the way
    asked = screen(await emulator.tap(ADMIN, asked, button(asked, "Новая организация")))
    assert "Новая организация" in asked.text
    asked = sent(await emulator.ask(ADMIN, "ЭкоВектор <b>Плюс</b>"))[-1]
    assert "Что это за организация" in asked.text
    assert "компания" in str(asked.buttons)
    typed = await emulator.ask(ADMIN, "компания")
    assert "кнопками" in sent(typed)[0].text, "a choice is made with its buttons"
    asked = screen(await emulator.tap(ADMIN, asked, button(asked, "компания")))
    assert "Из какой она страны" in asked.text
    assert "не код страны" in last_text(await emulator.ask(ADMIN, "Россия!"))
    asked = screen(await emulator.tap(ADMIN, asked, button(asked, "Россия")))
    assert "Сайт" in asked.text
    assert "не адрес сайта" in last_text(await emulator.ask(ADMIN, "экоt вектор"))
    asked = sent(await emulator.ask(ADMIN, "ecovector.ru"))[-1]
    assert "Коротко об организации" in asked.text
    asked = screen(await emulator.tap(ADMIN, asked, button(asked, "Пропустить")))

    # Back to the person: bad input is named and nothing is kept, then the good one
    assert "Телефоны" in asked.text
    assert "не номер телефона" in last_text(await emulator.ask(ADMIN, "+7 921 ОДИН-ДВА"))
    assert "Слишком длинно" in last_text(await emulator.ask(ADMIN, "7" * 5000))
    asked = sent(await emulator.ask(ADMIN, "+7 921 000-11-22"))[-1]
    assert "E-mail" in asked.text
    preview = sent(await emulator.ask(ADMIN, "a.kovaleva@ecovector.ru"))[-1]
    assert "Проверьте нового человека" in preview.text
    for shown in ("Ковалёва Анна Петровна", "Директор по развитию", "+7 921 000-11-22", "a.kovaleva@ecovector.ru"):
        assert shown in preview.text
    assert "И его новая организация" in preview.text and "Название: ЭкоВектор <b>Плюс</b>" in preview.text, (
        "shown as typed, not as markup"
    )
    assert "Россия" in preview.text and "https://ecovector.ru" in preview.text

    created = await emulator.tap(ADMIN, preview, button(preview, "Создать"))
    assert any("Карточка «Ковалёва Анна Петровна» создана" in (c.text or "") for c in created)
    card = sent(created)[-1]
    assert card.text.startswith("👤") and "ЭкоВектор" in card.text and "+7 921 000-11-22" in card.text
    assert "В архив" in str(card.buttons) and "Объединить" in str(card.buttons)
    again = await emulator.tap(ADMIN, preview, button(preview, "Создать"))
    assert "уже не действует" in alert(again), "a second tap makes nothing twice"

    # Search on the bot finds both at once; the audit log names them
    found = sent(await emulator.ask(ADMIN, "Ковалёва"))[0]
    assert found.text.startswith("👤 Ковалёва Анна Петровна")
    assert "ЭкоВектор" in sent(await emulator.ask(ADMIN, "ЭкоВектор"))[0].text
    log = last_text(await emulator.ask(ADMIN, "/audit"))
    assert "создал(а) карточку: Ковалёва Анна Петровна" in log and "создал(а) организацию: ЭкоВектор" in log


async def test_a_project_is_archived_and_restored(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    project = await the_id(settings, Project, "effektivny-svet")
    members_card = sent(await emulator.ask(ZAKHAROVA, "Эффективный свет"))[0]
    assert members_card.text.startswith("📁") and "В архив" not in str(members_card.buttons)

    card = sent(await emulator.ask(ADMIN, "Эффективный свет"))[0]
    confirm = screen(await emulator.tap(ADMIN, card, button(card, "В архив")))
    assert "Убрать проект «Эффективный свет» в архив?" in confirm.text
    done = await emulator.tap(ADMIN, confirm, button(confirm, "Да, в архив"))
    assert "«Эффективный свет» — в архиве" in screen(done).text
    again = await emulator.tap(ADMIN, confirm, button(confirm, "Да, в архив"))
    assert alert(again) == "«Эффективный свет» уже в архиве."

    # Gone for members: search, the list, inline mode, and the card's old button
    results = sent(await emulator.ask(ZAKHAROVA, "Эффективный свет"))[0]
    assert not results.text.startswith("📁") and f"c:p:{project}" not in results.callback_data
    assert "Эффективный свет" not in str(sent(await emulator.ask(ZAKHAROVA, "/projects"))[0].buttons)
    assert f"p{project}" not in [r["id"] for r in await inline_results(emulator, ZAKHAROVA, "Эффективный свет")]
    stale = await forged(emulator, ZAKHAROVA, members_card, f"c:p:{project}")
    assert alert(stale) == "Эта запись больше недоступна. Откройте список заново: /start"

    # The secretariat finds it in the archive, marked, and restores it
    panel = sent(await emulator.ask(ADMIN, "/admin"))[0]
    listed = screen(await emulator.tap(ADMIN, panel, button(panel, "Архив")))
    assert "Архив" in listed.text and "Эффективный свет" in str(listed.buttons)
    archived = screen(await emulator.tap(ADMIN, listed, button(listed, "Эффективный свет")))
    assert archived.text.startswith("🗄 В архиве") and "Эффективный свет" in archived.text
    restored = await emulator.tap(ADMIN, archived, button(archived, "Восстановить"))
    assert alert(restored) == "♻️ «Эффективный свет» снова в справочнике."
    assert "В архиве" not in screen(restored).text and "В архив" in str(screen(restored).buttons)
    again = await emulator.tap(ADMIN, archived, button(archived, "Восстановить"))
    assert "не в архиве" in alert(again)
    assert sent(await emulator.ask(ZAKHAROVA, "Эффективный свет"))[0].text.startswith("📁")
    log = last_text(await emulator.ask(ADMIN, "/audit"))
    assert "восстановил(а) проект: Эффективный свет" in log and "убрал(а) в архив проект: Эффективный свет" in log


async def test_two_cards_of_one_person_are_merged(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, ZAKHAROVA, "zakharova-galina")
    keep = await the_id(settings, Person, "zakharova-galina")
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        twin = Person(key="twin", name="Захарова Г.А.", position="Начальник отдела", phones=["+7 999 123-45-67"])
        twin.emails = ["galina@example.ru"]
        session.add(twin)
        await session.flush()
        twin_id = twin.id
    await database.close()

    panel = sent(await emulator.ask(ADMIN, "/admin"))[0]
    card = sent(await forged(emulator, ADMIN, panel, f"c:h:{twin_id}"))[0]
    assert card.text.startswith("👤 Захарова Г.А.")
    await emulator.tap(ADMIN, card, button(card, "Объединить с"))
    found = sent(await emulator.ask(ADMIN, "Захарова"))[-1]
    cancelled = screen(await emulator.tap(ADMIN, found, button(found, "Отменить")))
    assert cancelled.text == "Хорошо, не объединяю."
    assert "Какую карточку оставить" not in last_text(await emulator.ask(ADMIN, "Захарова")), "a search again"

    asked = await emulator.tap(ADMIN, card, button(card, "Объединить с"))
    assert "«Захарова Г.А.» — дубликат" in last_text(asked)
    found = sent(await emulator.ask(ADMIN, "Захарова"))[-1]
    assert "Какую карточку оставить" in found.text
    assert "Захарова Г.А." not in str(found.buttons), "not with itself"
    preview = screen(await emulator.tap(ADMIN, found, button(found, "Захарова Галина")))
    assert "Объединить «Захарова Г.А.» с «Захарова Галина Анатольевна»?" in preview.text
    assert "+7 999 123-45-67" in preview.text and "galina@example.ru" in preview.text

    merged = await emulator.tap(ADMIN, preview, button(preview, "🔗 Объединить"))
    assert "объединена с «Захарова Галина Анатольевна»" in screen(merged).text
    again = await emulator.tap(ADMIN, preview, button(preview, "🔗 Объединить"))
    assert alert(again) == "Уже объединено."
    stale = await emulator.tap(ADMIN, found, button(found, "Захарова Галина"))
    assert alert(stale) == "Уже объединено.", "the found list's button after the merge"

    # The kept card has the twin's contacts; the twin is archived with a pointer
    kept = sent(await emulator.ask(ZAKHAROVA, "/find Захарова Галина"))[0]
    assert "+7 999 123-45-67" in kept.text and "galina@example.ru" in kept.text
    gone = await forged(emulator, ZAKHAROVA, kept, f"c:h:{twin_id}")
    assert alert(gone).startswith("Эта запись больше недоступна")
    shown = sent(await forged(emulator, ADMIN, panel, f"c:h:{twin_id}"))[0]
    assert "В архиве" in shown.text and "Объединена с карточкой «Захарова Галина Анатольевна»" in shown.text
    assert keep != twin_id
    log = last_text(await emulator.ask(ADMIN, "/audit"))
    assert "объединил(а) с другой карточку-дубликат: Захарова Г.А." in log
