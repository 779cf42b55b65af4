"""The roadmap's buttons: those already sent still parse to the same actions, and each one pressed by
someone it is not for, or on an item closed since, is refused politely, saying why."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import delete

from handlers.roadmap.callbacks import (
    AnswerAction,
    EditAction,
    FileKind,
    OwnerKind,
    RoadmapAnswer,
    RoadmapEdit,
    RoadmapExtension,
    RoadmapFile,
    RoadmapOwnerPick,
)
from models import PersonRole
from tests.emulator import BotAPIEmulator, Call
from tests.harness import RunningBot
from tests.steps import ADMIN, GUEST, ORG_A, button, item, item_with_owners, last_text, link_people, sent


def test_buttons_sent_before_the_actions_were_typed_still_parse() -> None:
    assert RoadmapEdit.unpack("rme:3:close_ok") == RoadmapEdit(item=3, action=EditAction.CLOSE_OK)
    assert RoadmapEdit.unpack("rme:0:attention").action == EditAction.ATTENTION
    assert RoadmapOwnerPick.unpack("rmo:3:k:7") == RoadmapOwnerPick(item=3, kind=OwnerKind.KEEP, ref=7)
    assert RoadmapAnswer.unpack("rma:3:nmskip").action == AnswerAction.NOT_MINE_SKIP
    assert RoadmapFile.unpack("rmf:ics:1") == RoadmapFile(kind=FileKind.ICS, mine=True)
    assert RoadmapAnswer(item=3, action=AnswerAction.NOT_MINE).pack() == "rma:3:notmine"
    with pytest.raises(ValidationError):  # no such action: the "out of date" answer
        RoadmapEdit.unpack("rme:3:delete")


def alert(calls: list[Call]) -> str:
    return next(c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery")


async def test_each_button_refuses_whom_it_is_not_for(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    item = await item_with_owners(bot.app)
    refused = sent(await emulator.ask(GUEST, "/roadmap"))[-1]
    assert "участникам" in refused.text
    for data in (RoadmapFile(kind=FileKind.PNG, mine=False).pack(), "rmc:1", "rml:0:0"):
        calls = await emulator.wait_handled(emulator.press_forged(GUEST, refused, data))
        assert "участникам" in alert(calls) and not sent(calls), data

    listing = sent(await emulator.ask(ORG_A, "/roadmap"))[-1]
    for forged in (
        RoadmapEdit(item=item, action=EditAction.DEADLINE),
        RoadmapEdit(item=0, action=EditAction.NEW),
        RoadmapOwnerPick(item=item, kind=OwnerKind.REMOVE, ref=1),
        RoadmapOwnerPick(item=item, kind=OwnerKind.KEEP, ref=1),
        RoadmapExtension(event=1, approve=True),
    ):
        calls = await emulator.wait_handled(emulator.press_forged(ORG_A, listing, forged.pack()))
        assert "только секретариату" in alert(calls) and not sent(calls), forged


async def test_the_secretariats_buttons_on_an_item_closed_since_say_so(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    item = await item_with_owners(bot.app)
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "1. Пакет")))[-1]
    editor = sent(await emulator.tap(ADMIN, card, button(card, "Ответственные")))[-1]
    confirm = next(c for c in await emulator.tap(ADMIN, card, button(card, "Закрыть")) if c.method == "editMessageText")
    await emulator.tap(ADMIN, confirm, button(confirm, "Да, закрыть"))
    for message, data in (
        (card, button(card, "Срок")),
        (card, button(card, "Ответственные")),
        (card, button(card, "Отменить пункт")),
        (editor, button(editor, "❌ Блинов")),
        (card, RoadmapOwnerPick(item=item, kind=OwnerKind.ORGANISATION, ref=1).pack()),
    ):
        calls = await emulator.wait_handled(emulator.press_forged(ADMIN, message, data))
        assert "уже закрыт" in alert(calls) and not sent(calls), data
    # nothing changed on the closed item: its owners stay, and its history says only that it was closed
    card = sent(await emulator.tap(ADMIN, listing, button(listing, "1. Пакет")))[-1]
    assert "снят ответственный" not in card.text and card.text.count("👤 Блинов") == 1


async def test_one_no_longer_of_the_secretariat_mid_dialog_is_told_and_the_dialog_ends(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    people = await link_people(bot.app)
    async with bot.app.database.sessions.begin() as session:
        session.add(PersonRole(person_id=people[ORG_A.id], role="secretariat"))
    listing = sent(await emulator.ask(ORG_A, "/roadmap"))[-1]
    card = sent(await emulator.tap(ORG_A, listing, button(listing, "1. Пакет")))[-1]
    assert "15.12.2026" in last_text(await emulator.tap(ORG_A, card, button(card, "Срок")))
    async with bot.app.database.sessions.begin() as session:
        await session.execute(delete(PersonRole).where(PersonRole.role == "secretariat"))
    assert "только секретариату" in last_text(await emulator.ask(ORG_A, "15.12.2027"))
    assert (await item(bot, 1)).deadline is None
    # the dialog is over: the next words are a search again
    assert "Технопарк" in last_text(await emulator.ask(ORG_A, "Технопарк"))
