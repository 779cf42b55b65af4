"""Editing cards end to end: a member their own card (/me), a leader their project, the
secretariat any card; the preview, bad input, two editors of one field, undo, stale buttons, and
the edits in search, cards, inline results, the audit log and the exported dataset."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from sqlalchemy import func, select

from bot.app import open_database
from bot.cli import COMMANDS
from bot.settings import Settings
from models import AuditEntry, Organisation, Person, Project, ProjectPartner
from tests.conftest import fresh_database_url
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import RunningBot
from tests.steps import ADMIN, alert, button, db_leader, join, sent, shown

IVAN = User(id=5005, first_name="Иван", last_name="Блинов", language_code="ru")
GALINA = User(id=5006, first_name="Галина", last_name="Захарова", language_code="ru")


async def open_field(emulator: BotAPIEmulator, user: User, card: Call, field: str, edit: str = "Изменить") -> Call:
    """From a card: its Edit button, then the field's: the field's question."""
    menu = shown(await emulator.tap(user, card, button(card, edit)))
    assert "Что изменить" in menu.text
    return shown(await emulator.tap(user, menu, button(menu, field)))


async def my_card(emulator: BotAPIEmulator, user: User) -> Call:
    card = sent(await emulator.ask(user, "/me"))[-1]
    assert "Моя карточка" in card.text
    return card


async def column(settings: Settings, model: type, key: str, name: str):  # type: ignore[no-untyped-def]
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        value = await session.scalar(select(getattr(model, name)).where(model.key == key))  # type: ignore[attr-defined]
    await database.close()
    return value


async def audit_count(settings: Settings, action: str) -> int:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        count = await session.scalar(select(func.count()).where(AuditEntry.action == action))
    await database.close()
    return count or 0


async def partner_roles(settings: Settings, project_key: str) -> dict[int, str | None]:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        rows = await session.execute(
            select(ProjectPartner.organisation_id, ProjectPartner.role)
            .join(Project, Project.id == ProjectPartner.project_id)
            .where(Project.key == project_key)
        )
        roles = {row.organisation_id: row.role for row in rows}
    await database.close()
    return roles


async def test_a_member_edits_their_phone_and_others_see_it_at_once(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    await join(emulator, settings, GALINA, "zakharova-galina")
    card = await my_card(emulator, IVAN)
    assert "Блинов" in card.text and "670-10-85" in card.text and not [b for b in card.buttons if "Роли" in b["text"]]
    question = await open_field(emulator, IVAN, card, "Телефоны")
    assert "670-10-85" in question.text and "через запятую" in question.text
    calls = await emulator.ask(IVAN, "+7 921 555-12-34, +7 (812) 670-10-85")
    preview = shown(calls)
    assert "Было" in preview.text and "Станет" in preview.text and "+7 921 555-12-34" in preview.text
    assert await column(settings, Person, "blinov-ivan", "phones") != ["+79215551234", "+78126701085"]
    calls = await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    assert "Сохранено" in sent(calls, "editMessageText")[0].text
    assert "555-12-34" in sent(calls)[-1].text, "the card as it is now follows"
    assert await column(settings, Person, "blinov-ivan", "phones") == ["+79215551234", "+78126701085"]

    # another member finds the new number at once, and the contact card carries it
    calls = await emulator.ask(GALINA, "921 555-12")
    assert "Блинов" in sent(calls)[0].text and "555-12-34" in sent(calls)[0].text
    assert sent(calls, "sendContact")[0].params["phone_number"] == "+7 921 555-12-34"
    assert not [b for b in sent(calls)[0].buttons if "Изменить" in b["text"] or "Редактировать" in b["text"]]
    answer = await emulator.wait_handled(emulator.inline_query(GALINA, "Блинов"))
    [result] = next(c for c in answer if c.method == "answerInlineQuery").params["results"]
    assert result["phone_number"] == "+7 921 555-12-34"
    # the old mobile is gone from search
    assert "Блинов" not in (sent(await emulator.ask(GALINA, "205-98-96"))[0].text or "")
    # the change is in the audit log with the old and the new value
    log = sent(await emulator.ask(ADMIN, "/audit"))[0].text
    assert "изменил(а) «Телефоны»" in log and "205-98-96" in log and "555-12-34" in log and "Блинов" in log, log
    # and in what /mydata tells the person of themself
    mine = "\n".join(c.text for c in sent(await emulator.ask(IVAN, "/mydata")))
    assert "изменил(а) «Телефоны»" in mine and "555-12-34" in mine, mine


async def test_what_i_can_help_with_is_on_the_card_and_searchable(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    await join(emulator, settings, GALINA, "zakharova-galina")
    question = await open_field(emulator, IVAN, await my_card(emulator, IVAN), "Чем могу помочь")
    assert "не указано" in question.text and "300" in question.text
    preview = shown(await emulator.ask(IVAN, "Гидропоника <b>в теплицах</b> & свет"))
    assert "Гидропоника <b>в теплицах</b> & свет" in preview.text, "HTML is shown as typed"
    calls = await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    assert "Могу помочь" in sent(calls)[-1].text
    calls = await emulator.ask(GALINA, "гидропоникой")
    assert "Блинов" in sent(calls)[0].text and "Гидропоника <b>в теплицах</b>" in sent(calls)[0].text


async def test_bad_input_is_refused_with_the_reason_and_nothing_saved(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    before = await column(settings, Person, "blinov-ivan", "phones")
    card = await my_card(emulator, IVAN)
    await open_field(emulator, IVAN, card, "Телефоны")
    reply = sent(await emulator.ask(IVAN, "+7 921 55O-12-34"))[-1].text
    assert "не номер телефона" in reply and "55O-12-34" in reply
    reply = sent(await emulator.ask(IVAN, "1" * 5000))[-1].text
    assert "Слишком длинно" in reply and "5000" in reply
    reply = sent(await emulator.ask(IVAN, "<script>alert(1)</script>"))[-1].text
    assert "не номер телефона" in reply and "<script>" in reply, "HTML is named as typed, escaped"
    reply = sent(await emulator.ask(IVAN, "\u200b"))[-1].text
    assert "Пустое" in reply
    calls = await emulator.wait_handled(emulator.send_sticker(IVAN))
    assert "нужен текст" in sent(calls)[-1].text
    assert await column(settings, Person, "blinov-ivan", "phones") == before
    # the dialog is still there: a good number now gets its preview
    assert "Станет" in shown(await emulator.ask(IVAN, "+7 921 555-12-34")).text
    await emulator.ask(IVAN, "/cancel")
    # e-mails and a long text the same way
    await open_field(emulator, IVAN, await my_card(emulator, IVAN), "E-mail")
    reply = sent(await emulator.ask(IVAN, "ivan at example.ru"))[-1].text
    assert "не адрес e-mail" in reply
    await open_field(emulator, IVAN, await my_card(emulator, IVAN), "Чем могу помочь")
    reply = sent(await emulator.ask(IVAN, "я" * 5000))[-1].text
    assert "Слишком длинно" in reply and "300" in reply
    assert await audit_count(settings, "edit.person") == 0


async def test_a_leader_edits_their_projects_results(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    await join(emulator, settings, GALINA, "zakharova-galina")
    await db_leader(settings, "blinov-ivan")
    card = sent(await emulator.ask(IVAN, "Эффективный свет"))[0]
    question = await open_field(emulator, IVAN, card, "Результаты", edit="Редактировать")
    assert "Результаты" in question.text
    menu_fields = [b["text"] for b in shown(await emulator.tap(IVAN, card, button(card, "Редактировать"))).buttons]
    assert "Цель" in menu_fields and "Партнёры" in menu_fields and "Название" not in menu_fields, menu_fields
    results = "Заменены 1200 светильников.\n\nЭкономия энергии — 40 %."
    preview = shown(await emulator.ask(IVAN, results))
    calls = await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    project_card = sent(calls)[-1]
    section = sent(await emulator.tap(GALINA, project_card, button(project_card, "Результаты")))[0]
    assert "1200 светильников" in section.text and "Экономия" in section.text
    assert await column(settings, Project, "effektivny-svet", "results") == results
    # another member, not its leader, has no Edit button and a forged one is refused
    other = sent(await emulator.ask(GALINA, "Эффективный свет"))[0]
    assert not [b for b in other.buttons if "Редактировать" in b["text"]]
    project_id = await column(settings, Project, "effektivny-svet", "id")
    for forged in (f"ed:p:{project_id}", f"ef:p:{project_id}:results", f"ef:p:{project_id}:title"):
        calls = await emulator.wait_handled(emulator.press_forged(GALINA, other, forged))
        assert "не можете" in alert(calls), forged
    # nor may the leader edit what only the secretariat does
    calls = await emulator.wait_handled(emulator.press_forged(IVAN, other, f"ef:p:{project_id}:title"))
    assert "не можете" in alert(calls)


async def test_the_secretariat_edits_an_organisation_and_a_projects_partners(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    card = sent(await emulator.ask(ADMIN, "Данфосс"))[0]
    question = await open_field(emulator, ADMIN, card, "Сайт", edit="Редактировать")
    assert "не указано" in question.text
    assert "не адрес сайта" in sent(await emulator.ask(ADMIN, "danfoss dot ru"))[-1].text
    preview = shown(await emulator.ask(ADMIN, "danfoss.ru"))
    calls = await emulator.tap(ADMIN, preview, button(preview, "Сохранить"))
    assert "https://danfoss.ru" in sent(calls)[-1].text
    assert await column(settings, Organisation, "danfoss", "website") == "https://danfoss.ru"
    # a choice by buttons
    question = await open_field(emulator, ADMIN, sent(calls)[-1], "Роль в кластере", edit="Редактировать")
    assert "Выберите" in question.text
    assert "кнопкой" in sent(await emulator.ask(ADMIN, "партнёр"))[0].text
    preview = shown(await emulator.tap(ADMIN, question, button(question, "участник кластера")))
    calls = await emulator.tap(ADMIN, preview, button(preview, "Сохранить"))
    assert await column(settings, Organisation, "danfoss", "cluster_role") == "member"

    # partners picked from the directory: one added by typing part of its name, one taken off
    roles_before = await partner_roles(settings, "effektivny-svet")
    project = sent(await emulator.ask(ADMIN, "Эффективный свет"))[0]
    partners_before = [b["text"] for b in project.buttons if b["text"].startswith("🤝")]
    question = await open_field(emulator, ADMIN, project, "Партнёры", edit="Редактировать")
    dropped = next(b for b in question.buttons if b["text"].startswith("❌"))
    found = shown(await emulator.ask(ADMIN, "Данфосс"))
    assert "Нашлось" in found.text
    listing = shown(await emulator.tap(ADMIN, found, button(found, "➕")))
    assert "Данфосс" in listing.text
    listing = shown(await emulator.tap(ADMIN, listing, dropped["callback_data"]))
    preview = shown(await emulator.tap(ADMIN, listing, button(listing, "Готово")))
    assert "Данфосс" in preview.text.split("Станет")[1]
    calls = await emulator.tap(ADMIN, preview, button(preview, "Сохранить"))
    partners_after = [b["text"] for b in sent(calls)[-1].buttons if b["text"].startswith("🤝")]
    assert any("Данфосс" in p for p in partners_after) and dropped["text"][2:] not in " ".join(partners_after)
    assert len(partners_after) == len(partners_before)
    # undo brings the removed partner back with its role
    card = sent(calls)[-1]
    confirm = sent(await emulator.tap(ADMIN, card, button(card, "Отменить последнее")))[0]
    calls = await emulator.tap(ADMIN, confirm, button(confirm, "Да, вернуть"))
    assert "Вернул как было" in sent(calls, "editMessageText")[0].text
    restored = [b["text"] for b in sent(calls)[-1].buttons if b["text"].startswith("🤝")]
    assert sorted(restored) == sorted(partners_before)
    assert await partner_roles(settings, "effektivny-svet") == roles_before


async def test_two_editors_of_one_field_nothing_is_overwritten(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    # both open the position of Ivan's card
    mine = await open_field(emulator, IVAN, await my_card(emulator, IVAN), "Должность")
    admin_card = sent(await emulator.ask(ADMIN, "Блинов"))[0]
    theirs = await open_field(emulator, ADMIN, admin_card, "Должность", edit="Редактировать")
    assert mine.text and theirs.text
    # Ivan saves first
    preview = shown(await emulator.ask(IVAN, "Директор по развитию"))
    await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    # the secretary saves after: is shown the value changed meanwhile, and asked again
    preview = shown(await emulator.ask(ADMIN, "Главный инженер"))
    calls = await emulator.tap(ADMIN, preview, button(preview, "Сохранить"))
    conflict = sent(calls, "editMessageText")[0].text
    assert "изменил кто-то ещё" in conflict and "Директор по развитию" in conflict and "Главный инженер" in conflict
    assert "Сейчас: Директор по развитию" in sent(calls)[-1].text, "asked again, with the value now"
    assert await column(settings, Person, "blinov-ivan", "position") == "Директор по развитию"
    # the old preview's Save is out of date now
    assert "закончившегося" in alert(await emulator.tap(ADMIN, preview, button(preview, "Сохранить")))
    # asked again, the secretary's value is saved over the one they have now seen
    preview = shown(await emulator.ask(ADMIN, "Главный инженер"))
    await emulator.tap(ADMIN, preview, button(preview, "Сохранить"))
    assert await column(settings, Person, "blinov-ivan", "position") == "Главный инженер"
    assert await audit_count(settings, "edit.person") == 2


async def test_undo_the_last_change_of_a_card(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    original = await column(settings, Person, "blinov-ivan", "position")
    for position in ("Директор", "Главный инженер"):
        await open_field(emulator, IVAN, await my_card(emulator, IVAN), "Должность")
        preview = shown(await emulator.ask(IVAN, position))
        await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    card = await my_card(emulator, IVAN)
    confirm = sent(await emulator.tap(IVAN, card, button(card, "Отменить последнее изменение")))[0]
    assert "Главный инженер" in confirm.text and "Директор" in confirm.text
    calls = await emulator.tap(IVAN, confirm, button(confirm, "Да, вернуть"))
    assert "Вернул как было" in sent(calls, "editMessageText")[0].text
    assert await column(settings, Person, "blinov-ivan", "position") == "Директор"
    # a second tap on the same confirmation undoes nothing more
    assert "не последнее" in alert(await emulator.tap(IVAN, confirm, button(confirm, "Да, вернуть")))
    assert await column(settings, Person, "blinov-ivan", "position") == "Директор"
    # the next undo takes back the change before
    card = await my_card(emulator, IVAN)
    confirm = sent(await emulator.tap(IVAN, card, button(card, "Отменить последнее изменение")))[0]
    await emulator.tap(IVAN, confirm, button(confirm, "Да, вернуть"))
    assert await column(settings, Person, "blinov-ivan", "position") == original
    assert not [b for b in (await my_card(emulator, IVAN)).buttons if "Отменить" in b["text"]], "nothing left to undo"
    assert await audit_count(settings, "undo.person") == 2
    log = sent(await emulator.ask(ADMIN, "/audit"))[0].text
    assert "отменил(а) изменение «Должность»" in log, log


async def test_a_second_tap_and_stale_buttons(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    card = await my_card(emulator, IVAN)
    question = await open_field(emulator, IVAN, card, "Должность")
    preview = shown(await emulator.ask(IVAN, "Директор"))
    await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    assert "закончившегося" in alert(await emulator.tap(IVAN, preview, button(preview, "Сохранить")))
    assert await audit_count(settings, "edit.person") == 1, "saved once"
    # a button of the question of a dialog since left
    assert "закончившегося" in alert(await emulator.tap(IVAN, question, button(question, "Отмена")))
    # a new dialog makes the buttons of the one before out of date
    first = await open_field(emulator, IVAN, card, "Должность")
    await open_field(emulator, IVAN, card, "Телефоны")
    assert "закончившегося" in alert(await emulator.tap(IVAN, first, button(first, "Отмена")))
    # a command leaves the dialog; what is typed then is a search again
    await emulator.ask(IVAN, "/me")
    assert "Станет" not in sent(await emulator.ask(IVAN, "Данфосс"))[0].text
    # cancelling saves nothing
    await open_field(emulator, IVAN, card, "Должность")
    preview = shown(await emulator.ask(IVAN, "Никто"))
    calls = await emulator.tap(IVAN, preview, button(preview, "Отмена"))
    assert "ничего не сохранено" in sent(calls, "editMessageText")[0].text
    assert await column(settings, Person, "blinov-ivan", "position") == "Директор"
    # forged buttons: a field that does not exist, someone else's card, a choice not offered
    for forged in ("ef:h:1:nonsense", "ef:h:999999:position", "eu:h:1:1:yes", "es:deadbeef:save:"):
        calls = await emulator.wait_handled(emulator.press_forged(IVAN, card, forged))
        assert alert(calls), forged


async def test_guests_and_commands(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    guest = User(id=7007, first_name="Гость")
    assert "/join" in sent(await emulator.ask(guest, "/me"))[0].text
    assert "не связан" in sent(await emulator.ask(ADMIN, "/me"))[0].text
    await join(emulator, settings, IVAN, "blinov-ivan")
    assert "/me" in sent(await emulator.ask(IVAN, "/help"))[0].text
    assert any(
        c.params.get("scope", {}).get("chat_id") == IVAN.id and '"me"' in str(c.params["commands"]).replace("'", '"')
        for c in emulator.calls_of("setMyCommands")
    )


async def test_english_speakers_edit_in_english(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    ivan = User(id=5005, first_name="Ivan", last_name="Blinov", language_code="en")
    await join(emulator, settings, ivan, "blinov-ivan")
    card = sent(await emulator.ask(ivan, "/me"))[0]
    assert "My card" in card.text
    menu = shown(await emulator.tap(ivan, card, button(card, "Edit my card")))
    question = shown(await emulator.tap(ivan, menu, button(menu, "Bot language")))
    preview = shown(await emulator.tap(ivan, question, button(question, "Русский")))
    calls = await emulator.tap(ivan, preview, button(preview, "Save"))
    assert "Saved" in sent(calls, "editMessageText")[0].text
    assert any(
        c.params.get("scope", {}).get("chat_id") == ivan.id
        and c.params.get("commands", [{}])[0]["description"] == "Главное меню"
        for c in emulator.calls_of("setMyCommands")
    ), "the command menu follows the new language"
    assert "Моя карточка" in sent(await emulator.ask(ivan, "/me"))[0].text


async def test_export_round_trips_the_edits(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, tmp_path: Path, template_db: Path
) -> None:
    await join(emulator, settings, IVAN, "blinov-ivan")
    await open_field(emulator, IVAN, await my_card(emulator, IVAN), "Чем могу помочь")
    preview = shown(await emulator.ask(IVAN, "Энергоаудит зданий"))
    await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    await open_field(emulator, IVAN, await my_card(emulator, IVAN), "Телефоны")
    preview = shown(await emulator.ask(IVAN, "+7 921 555-12-34"))
    await emulator.tap(IVAN, preview, button(preview, "Сохранить"))
    first = tmp_path / "first.yaml"
    assert await COMMANDS["export"](settings, argparse.Namespace(file=str(first))) == 0
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    [ivan] = [p for p in data["people"] if p["key"] == "blinov-ivan"]
    assert ivan["helps_with"] == "Энергоаудит зданий" and ivan["phones"] == ["+79215551234"]
    # imported into a database with the bundled dataset, it gives the same export back
    (tmp_path / "other").mkdir()
    other = settings.model_copy(update={"database_url": fresh_database_url("sqlite", tmp_path / "other", template_db)})
    assert await COMMANDS["import"](other, argparse.Namespace(file=first, check=False)) == 0
    second = tmp_path / "second.yaml"
    assert await COMMANDS["export"](other, argparse.Namespace(file=str(second))) == 0
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
