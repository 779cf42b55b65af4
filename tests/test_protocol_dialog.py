"""The protocol import as the secretariat meets it: a decisions document in, a draft checked and
corrected with buttons, the roadmap items created once, their owners told; anyone else sending a
document creates nothing, and a document that cannot be used gets one polite line."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.services.roadmap import documents
from models import RoadmapImport, RoadmapItem
from tests.emulator import BotAPIEmulator
from tests.harness import RunningBot
from tests.protocol_docs import NAME, decisions_docx, seed_text
from tests.steps import ADMIN, GUEST, ORG_A, ORG_B, SOLO, alert, button, last_text, link_people, sent, shown


async def items(bot: RunningBot) -> list[RoadmapItem]:
    async with bot.app.database.sessions() as session:
        return list(await session.scalars(select(RoadmapItem).order_by(RoadmapItem.number)))


async def imports_made(bot: RunningBot) -> int:
    async with bot.app.database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(RoadmapImport)) or 0


async def test_the_secretariat_imports_a_docx_corrects_it_and_creates_the_items_once(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    await link_people(bot.app)
    assert "Пришлите документ" in last_text(await emulator.ask(ADMIN, "/protocol"))
    draft = sent(await emulator.wait_handled(emulator.send_document(ADMIN, NAME, decisions_docx())))[-1]
    assert "Решений: 5, отмечено: 5" in draft.text
    assert "01.03.2027 · 👥 НП «Городское объединение домовладельцев»; Блинов Иван Александрович" in draft.text
    assert "31.03.2027 · 👥 АО «Технопарк Санкт-Петербурга»" in draft.text
    assert "31.12.2027 · 👥 Правительство Санкт-Петербурга; ❓Комитет по развитию туризма" in draft.text
    assert "Принять к сведению" not in draft.text  # no «Срок», no decision

    # Decision 4 is dropped.
    draft = shown(await emulator.tap(ADMIN, draft, button(draft, "✅ 4")))
    assert "отмечено: 4" in draft.text and "⬜ 4" in [b["text"] for b in draft.buttons]

    # Decision 3's deadline corrected: a date that is none is refused, a quarter is read.
    editor = shown(await emulator.tap(ADMIN, draft, button(draft, "✏️ 3")))
    assert "Решение 3" in editor.text and "I квартал 2027" in editor.text
    await emulator.tap(ADMIN, editor, button(editor, "Срок"))
    assert "не похоже на срок" in last_text(await emulator.ask(ADMIN, "после дождичка в четверг"))
    assert "уже прошла" in last_text(await emulator.ask(ADMIN, "01.01.2020"))
    editor = sent(await emulator.ask(ADMIN, "II квартал 2027"))[-1]
    assert "Срок: 30.06.2027" in editor.text

    # Decision 5: the committee is not in the directory; Технопарк is added by a search instead.
    draft = shown(await emulator.tap(ADMIN, editor, button(editor, "К списку")))
    editor = shown(await emulator.tap(ADMIN, draft, button(draft, "✏️ 5")))
    owners = shown(await emulator.tap(ADMIN, editor, button(editor, "Ответственные")))
    assert "Правительство Санкт-Петербурга" in owners.text and "Комитет по развитию туризма" in owners.text
    assert "не нашлось" in last_text(await emulator.ask(ADMIN, "Рогакопытовщина"))
    found = sent(await emulator.ask(ADMIN, "Технопарк"))[-1]
    owners = shown(await emulator.tap(ADMIN, found, button(found, "🏢 АО «Технопарк")))
    assert "• АО «Технопарк Санкт-Петербурга»" in owners.text
    editor = shown(await emulator.tap(ADMIN, owners, button(owners, "Готово")))
    draft = shown(await emulator.tap(ADMIN, editor, button(editor, "К списку")))
    assert "Правительство Санкт-Петербурга; АО «Технопарк Санкт-Петербурга»; ❓Комитет" in draft.text

    done = shown(await emulator.tap(ADMIN, draft, button(draft, "Создать")))
    assert "Создано 4 пункта дорожной карты: № 9, 10, 11, 12" in done.text
    # «Создать» again, on the list as it was: nothing twice.
    again = await emulator.tap(ADMIN, draft, button(draft, "Создать"))
    assert "черновик уже закрыт" in alert(again)
    made = (await items(bot))[8:]
    assert [(i.number, i.source) for i in made] == [
        (9, f"{NAME}, п. 2"),
        (10, f"{NAME}, п. 3"),
        (11, f"{NAME}, п. 5"),
        (12, f"{NAME}, п. 6"),
    ]
    assert [i.deadline for i in made] == [
        datetime(2027, 3, 1, 20, 59, tzinfo=UTC),
        datetime(2027, 6, 30, 20, 59, tzinfo=UTC),
        datetime(2027, 12, 31, 20, 59, tzinfo=UTC),
        datetime(2027, 12, 31, 20, 59, tzinfo=UTC),
    ]
    assert made[0].title.startswith("Подготовить перечень инновационной продукции")
    assert await imports_made(bot) == 4

    # The owners' people are told, each of an item once however many of its owners mean them
    # (Питиримов owns item 12 himself and through his organisation); nobody of item 4, dropped.
    await bot.app.sender.deliver_due()
    told = {user.id: [c.text for c in sent(emulator.calls_of("sendMessage", user.id))] for user in (ORG_A, ORG_B, SOLO)}
    heads = {user: sorted(int(text.split("\n")[1].split(".")[0]) for text in texts) for user, texts in told.items()}
    assert heads == {ORG_A.id: [9, 12], ORG_B.id: [9, 12], SOLO.id: [9, 10, 11]}
    assert any("9. Подготовить перечень инновационной продукции членов Кластера" in text for text in told[ORG_A.id])
    assert all("назначил вас ответственным" in text for text in told[ORG_A.id])
    assert all("made you responsible" in text for text in told[SOLO.id])  # in his language

    # The same document once more (saved again: the same text in other bytes): what was made is
    # marked, and nothing is made twice.
    draft = sent(
        await emulator.wait_handled(emulator.send_document(ADMIN, NAME, decisions_docx(), caption="/protocol"))
    )[-1]
    assert draft.text.count("уже в дорожной карте") == 4 and "отмечено: 1" in draft.text
    refused = await emulator.tap(ADMIN, draft, button(draft, "⬜ 2"))
    assert "уже в дорожной карте: пункт 9" in alert(refused)
    done = shown(await emulator.tap(ADMIN, draft, button(draft, "Создать")))
    assert "Создан 1 пункт дорожной карты: № 13" in done.text
    assert len(await items(bot)) == 13


async def test_the_seed_gives_the_eight_items_of_the_dataset(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    calls = await emulator.wait_handled(
        emulator.send_document(ADMIN, "decisions.txt", seed_text(), caption="/protocol")
    )
    draft = sent(calls)[-1]
    assert "Решений: 8, отмечено: 8" in draft.text
    assert draft.text.count("срок не указан · 👥 ответственные не указаны") == 5  # a page of five
    assert "1/2" in [b["text"] for b in draft.buttons]
    second = shown(await emulator.tap(ADMIN, draft, button(draft, "▶️")))
    assert "8. Провести в 2017-2020 годах серию" in second.text
    assert second.text.count("срок не указан") == 3
    done = shown(await emulator.tap(ADMIN, second, button(second, "Создать")))
    assert "Создано 8 пунктов" in done.text and "получат" not in done.text  # no owners, nobody told
    dataset, made = (await items(bot))[:8], (await items(bot))[8:]
    assert [i.description for i in made] == [i.description for i in dataset]
    assert all(i.deadline is None for i in made)
    assert [i.source for i in made] == [f"decisions.txt, п. {n}" for n in range(1, 9)]


async def test_others_sending_a_document_create_nothing(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await link_people(bot.app)
    for user in (GUEST, ORG_A):
        calls = await emulator.wait_handled(emulator.send_document(user, NAME, decisions_docx(), caption="/protocol"))
        assert "только секретариату" in last_text(calls)
        assert "только секретариату" in last_text(await emulator.ask(user, "/protocol"))
        calls = await emulator.wait_handled(emulator.send_document(user, NAME, decisions_docx()))
        assert "Решений" not in last_text(calls)
    assert len(await items(bot)) == 8 and await imports_made(bot) == 0


async def test_documents_that_cannot_be_used_get_one_polite_line(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    await emulator.ask(ADMIN, "/protocol")
    assert "файлом" in last_text(await emulator.ask(ADMIN, "вот решения"))
    cases = [
        ("scan.pdf", b"%PDF-1.4 scan", "другого формата"),
        ("decisions.docx", b"PK\x03\x04 damaged", "повреждён"),
        ("huge.txt", b"1. x\n" * (documents.MAX_BYTES // 5 + 1), "слишком большой"),
        ("agenda.txt", "Повестка\n1. О работе Кластера\n2. Разное".encode(), "не нашлось пронумерованных решений"),
    ]
    for name, content, expected in cases:
        reply = sent(await emulator.wait_handled(emulator.send_document(ADMIN, name, content)))
        assert len(reply) == 1 and expected in reply[0].text and "\n" not in reply[0].text, name
    assert len(await items(bot)) == 8 and await imports_made(bot) == 0
    # Still waiting for the document: the right one is taken.
    draft = sent(await emulator.wait_handled(emulator.send_document(ADMIN, NAME, decisions_docx())))[-1]
    assert "Решений: 5" in draft.text
    cancelled = shown(await emulator.tap(ADMIN, draft, button(draft, "Отмена")))
    assert "ничего не создано" in cancelled.text
    assert "черновик уже закрыт" in alert(await emulator.tap(ADMIN, draft, button(draft, "Создать")))
    assert len(await items(bot)) == 8
