"""A message the bot sends on its own does not land between two questions of a dialog: it waits
for the dialog's end, or DIALOG_WAIT at most; urgent ones do not wait."""

from __future__ import annotations

from sqlalchemy import select

from bot.services import outbox
from bot.services.outbox import DIALOG_WAIT, Outgoing
from models import DialogMark
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    D14,
    ORG_A,
    ORG_B,
    button,
    compose,
    item_with_owners,
    last_text,
    reminded,
    send_now,
    sent,
    texts,
)

PROMPT = "Как продвигается проект «Эффективный свет»?"
ALARM = "Срочно: собрание переносится"


async def enqueue(bot: RunningBot, clock: FakeClock, *messages: Outgoing) -> None:
    async with bot.app.database.sessions.begin() as session:
        await outbox.enqueue(session, messages, clock())


async def need_more_time(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await item_with_owners(bot.app)
    await reminded(bot, clock, D14)
    reminder = sent(emulator.calls_of("sendMessage", ORG_A.id))[-1]
    calls = await emulator.tap(ORG_A, reminder, button(reminder, "Нужно больше времени"))
    assert "До какого срока" in last_text(calls)


async def test_a_prompt_waits_until_the_dialog_ends_and_urgent_news_does_not(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await need_more_time(bot, emulator, clock)
    await enqueue(
        bot,
        clock,
        Outgoing(key="prompt", chat_id=ORG_A.id, kind="checkin", text=PROMPT),
        Outgoing(key="alarm", chat_id=ORG_A.id, kind="announcement", text=ALARM, urgent=True),
        Outgoing(key="other", chat_id=ORG_B.id, kind="checkin", text=PROMPT),
    )
    assert await bot.app.sender.deliver_due() == 2, "the urgent one and the one to a chat in no dialog"
    assert ALARM in texts(emulator, ORG_A.id) and PROMPT in texts(emulator, ORG_B.id)
    clock.advance(minutes=2)
    assert "причину" in last_text(await emulator.ask(ORG_A, "20.01.2027"))
    assert await bot.app.sender.deliver_due() == 0, "not between «До какого срока…» and «И причину…»"
    clock.advance(minutes=1)
    assert "отправлен секретариату" in last_text(await emulator.ask(ORG_A, "Ждём данные комитета"))
    await bot.app.sender.deliver_due()
    told = texts(emulator, ORG_A.id)
    assert told[-1] == PROMPT and told.count(PROMPT) == 1, "the dialog is over: the prompt follows it"


async def test_a_message_waits_a_few_minutes_at_most(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await need_more_time(bot, emulator, clock)
    await enqueue(bot, clock, Outgoing(key="prompt", chat_id=ORG_A.id, kind="checkin", text=PROMPT))
    clock.now += DIALOG_WAIT / 2
    await emulator.ask(ORG_A, "31.02")  # the dialog goes on: asked again
    clock.now += DIALOG_WAIT / 2 - DIALOG_WAIT / 100
    assert await bot.app.sender.deliver_due() == 0
    clock.now += DIALOG_WAIT / 50
    assert await bot.app.sender.deliver_due() == 1, "due DIALOG_WAIT ago: it goes, dialog or not"
    assert texts(emulator, ORG_A.id)[-1] == PROMPT


async def test_a_dialog_left_alone_holds_nothing_back(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await need_more_time(bot, emulator, clock)
    assert await marks(bot) == [ORG_A.id]
    clock.now += DIALOG_WAIT * 1.1  # the person went away in the middle of the dialog
    await enqueue(bot, clock, Outgoing(key="prompt", chat_id=ORG_A.id, kind="checkin", text=PROMPT))
    assert await bot.app.sender.deliver_due() == 1
    assert texts(emulator, ORG_A.id)[-1] == PROMPT
    await bot.tick()
    assert await marks(bot) == [], "the abandoned dialog's mark is pruned"
    assert "причину" in last_text(await emulator.ask(ORG_A, "20.01.2027")), "the dialog itself goes on"
    assert await marks(bot) == [ORG_A.id]


async def marks(bot: RunningBot) -> list[int]:
    async with bot.app.database.sessions() as session:
        return list(await session.scalars(select(DialogMark.chat_id)))


async def test_an_urgent_announcement_reaches_a_dialog_and_a_general_one_waits(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await need_more_time(bot, emulator, clock)
    await emulator.ask(ADMIN, "/start")
    for text, category in (("Собрание в пятницу", "Общее"), (ALARM, "Срочное")):
        await send_now(emulator, await compose(emulator, text, category=category))
    await bot.app.sender.deliver_due()
    assert ALARM in texts(emulator, ORG_A.id) and "Собрание в пятницу" not in texts(emulator, ORG_A.id)
    assert "Собрание в пятницу" in texts(emulator, ORG_B.id)
