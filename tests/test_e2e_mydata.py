"""/mydata and "forget me" end to end: what the bot holds, sent as text and JSON; forgetting after a
confirmation, once, with the secretariat told and the reports kept under the name."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.app import open_database
from bot.services.access import members
from bot.services.directory.dataset import import_dataset, load_dataset
from bot.settings import BUNDLED_DATASET, Settings
from models import Account, Person, Report
from tests.emulator import BotAPIEmulator, Call
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    alert,
    button,
    directory_phone,
    fill_report,
    join,
    leader,
    sent,
    shown,
)
from tests.steps import (
    BLINOV as LEADER,
)
from tests.steps import (
    ZAKHAROVA as MEMBER,
)


async def send_report(emulator: BotAPIEmulator) -> None:
    first = shown(await emulator.ask(LEADER, "/report"))
    preview = await fill_report(emulator, LEADER, first, done="Провели энергоаудит & замеры")
    await emulator.tap(LEADER, preview, button(preview, "Отправить"))


def the_json(calls: list[Call]) -> tuple[Call, dict[str, Any]]:
    [document] = [c for c in sent(calls, "sendDocument") if c.files["document"].filename == "mydata.json"]
    return document, json.loads(document.files["document"].content)


async def person(settings: Settings, key: str) -> tuple[Person, Account | None]:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        row = await session.scalar(select(Person).where(Person.key == key))
        assert row is not None
        account = await session.scalar(select(Account).where(Account.person_id == row.id))
    await database.close()
    return row, account


async def test_mydata_sends_what_the_bot_holds_as_text_and_json(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await send_report(emulator)
    settings_message = sent(await emulator.ask(LEADER, "/settings"))[0]
    await emulator.tap(LEADER, settings_message, button(settings_message, "События"))

    calls = await emulator.ask(LEADER, "/mydata")
    text = "\n".join(c.text or "" for c in sent(calls))
    for part in (
        "Ваши данные в боте",
        f"id {LEADER.id}",
        "Роли: участник, лидер проекта",
        "Язык бота: не выбран; язык Telegram: ru",
        "Блинов Иван",
        "Телефоны: +7 812 670-10-85; +7 905 205-98-96",  # readable, as cards show them
        "«Эффективный свет» · есть риски · готовность: 50%",
        "Сделано: Провели энергоаудит & замеры",  # the emulator parsed the escaped HTML back
        "Выключенные объявления: 📅 События",
        "присоединился(-ась) по телефону",
    ):
        assert part in text, part
    document, data = the_json(calls)
    assert data["account"]["telegram_id"] == LEADER.id and data["account"]["roles"] == ["member", "leader"]
    assert data["card"]["phones"] == ["+78126701085", "+79052059896"] and data["card"]["key"] == "blinov-ivan"
    assert data["card"]["projects"] == [{"project": "Эффективный свет", "role": "leader"}]
    [report] = data["reports"]
    assert report["done"] == "Провели энергоаудит & замеры" and report["status"] == "at_risk"
    assert report["created_at"].startswith("2026-11-23T")
    assert data["mutes"] == ["events"] and [e["action"] for e in data["audit"]] == ["join.phone"]
    assert button(document, "Забыть меня")

    # a guest has an account and nothing else, and nothing to forget
    calls = await emulator.ask(GUEST, "/mydata")
    _, data = the_json(calls)
    assert data["card"] is None and data["reports"] == [] and data["account"]["roles"] == []
    assert "аккаунт к карточке не привязан" in sent(calls)[0].text
    assert not [b for c in sent(calls, "sendDocument") for b in c.buttons]
    assert "стирать нечего" in sent(await emulator.ask(GUEST, "/forgetme"))[0].text
    # the secretariat by ADMIN_IDS, with no card: its role is said, not «нет доступа»
    calls = await emulator.ask(ADMIN, "/mydata")
    assert "Роли: секретариат" in sent(calls)[0].text and the_json(calls)[1]["account"]["roles"] == ["secretariat"]
    guest_help = sent(await emulator.ask(GUEST, "/help"))[0].text
    member_help = sent(await emulator.ask(LEADER, "/help"))[0].text
    assert "/mydata" in guest_help and "/forgetme" not in guest_help
    assert "/mydata" in member_help and "/forgetme" in member_help


async def test_forget_me_after_a_confirmation_once(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings
) -> None:
    await leader(emulator, settings)
    await send_report(emulator)
    await join(emulator, settings, MEMBER, "zakharova-galina")
    old_phone = await directory_phone(settings, "blinov-ivan")

    # "no" changes nothing
    declined = sent(await emulator.ask(LEADER, "/forgetme"))[0]
    assert "Забыть вас?" in declined.text and "«Блинов Иван" in declined.text
    calls = await emulator.tap(LEADER, declined, button(declined, "Нет"))
    assert "остаётся как было" in shown(calls).text
    assert (await person(settings, "blinov-ivan"))[1] is not None

    # from the button under /mydata: confirm
    document, _ = the_json(await emulator.ask(LEADER, "/mydata"))
    confirmation = shown(await emulator.tap(LEADER, document, button(document, "Забыть меня")))
    calls = await emulator.tap(LEADER, confirmation, button(confirmation, "Да, забыть"))
    assert "Готово" in shown(calls).text and shown(calls).method == "editMessageText"
    guest_menu = [c for c in calls if c.method == "setMyCommands" and c.params["scope"].get("chat_id") == LEADER.id]
    assert guest_menu and "join" in str(guest_menu[-1].params["commands"])
    row, account = await person(settings, "blinov-ivan")
    assert account is None and row.phones == [] and row.emails == [] and row.forgotten_at is not None
    assert row.status == "active", "a person of the dataset stays listed, by name"

    # the secretariat is told, once, through the outbox
    await bot.app.sender.deliver_due()
    [notice] = [c for c in emulator.calls_of("sendMessage", ADMIN.id) if "забыть" in (c.text or "")]
    assert "Блинов Иван" in notice.text and button(notice, "Карточка")

    # a second tap, and the confirmation answered "no" before: done already, nothing more
    for message in (confirmation, declined):
        calls = await emulator.tap(LEADER, message, button(message, "Да, забыть"))
        assert "уже сделано" in alert(calls) and not sent(calls)
    await bot.app.sender.deliver_due()
    assert len([c for c in emulator.calls_of("sendMessage", ADMIN.id) if "забыть" in (c.text or "")]) == 1

    # no one finds his contacts any more; his report stays under his name
    card = sent(await emulator.ask(MEMBER, "Блинов"))[0]
    assert "Блинов" in card.text and "670-10-85" not in card.text and "Контакты не указаны" in card.text
    assert "ничего не нашлось" in sent(await emulator.ask(MEMBER, "670-10-85"))[0].text
    project = sent(await emulator.ask(MEMBER, "Эффективный свет"))[0]
    history = shown(await emulator.tap(MEMBER, project, button(project, "История")))
    assert "Провели энергоаудит" in history.text and "Блинов" in history.text
    # he is a guest now, his old number admits no one, and a new import brings nothing back
    assert "Людей и их контакты" in sent(await emulator.ask(LEADER, "Захарова"))[0].text
    await emulator.ask(LEADER, "/join")
    calls = await emulator.wait_handled(emulator.send_contact(LEADER, old_phone))
    assert "нет в справочнике" in sent(calls)[0].text
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        await import_dataset(session, load_dataset(BUNDLED_DATASET))
    await database.close()
    assert (await person(settings, "blinov-ivan"))[0].phones == []
    log = sent(await emulator.ask(ADMIN, "/audit"))[0].text
    assert "попросил(а) забыть себя: Блинов Иван" in log


async def test_a_stale_confirmation_changes_nothing(
    bot: RunningBot, emulator: BotAPIEmulator, settings: Settings, clock: FakeClock
) -> None:
    await join(emulator, settings, MEMBER, "zakharova-galina")
    confirmation = sent(await emulator.ask(MEMBER, "/forgetme"))[0]
    clock.advance(hours=2)  # what it said may no longer hold
    calls = await emulator.tap(MEMBER, confirmation, button(confirmation, "Да, забыть"))
    assert "устарела" in alert(calls) and not sent(calls)
    row, account = await person(settings, "zakharova-galina")
    assert account is not None and row.phones and row.forgotten_at is None
    # nor does one about a card the account is no longer linked to (the secretariat revoked it)
    confirmation = sent(await emulator.ask(MEMBER, "/forgetme"))[0]
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        await members.revoke_member(session, row.id, actor=ADMIN.id, now=clock())
    await database.close()
    calls = await emulator.tap(MEMBER, confirmation, button(confirmation, "Да, забыть"))
    assert "устарела" in alert(calls)
    assert (await person(settings, "zakharova-galina"))[0].phones == row.phones


async def test_a_long_story_comes_as_a_file(bot: RunningBot, emulator: BotAPIEmulator, settings: Settings) -> None:
    project_id = await leader(emulator, settings)
    row, _ = await person(settings, "blinov-ivan")
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        for n in range(30):
            session.add(
                Report(
                    token=f"long-{n}",
                    project_id=project_id,
                    person_id=row.id,
                    submitted_by=LEADER.id,
                    status="on_track",
                    done=f"Отчёт {n}: " + "замеры <и> работы " * 50,
                    created_at=bot.clock.now,
                    local_day=bot.clock.now.date(),
                )
            )
    await database.close()
    calls = await emulator.ask(LEADER, "/mydata")
    assert not sent(calls, "sendMessage"), "more than a few messages' worth: a file instead"
    [text] = [c for c in sent(calls, "sendDocument") if c.files["document"].filename == "mydata.txt"]
    content = text.files["document"].content.decode()
    assert "Отчёт 0: замеры <и> работы" in content and "Отчёт 29:" in content and "&lt;" not in content
    _, data = the_json(calls)
    assert len(data["reports"]) == 30
