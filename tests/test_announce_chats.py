"""Groups and channels as audiences: anyone may add the bot to their chat, but announcements go
there only once the secretariat approved it, while the bot may post there; the preview names them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from models import AuditEntry, BotChat
from models.db import alembic_config
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import FakeClock, RunningBot
from tests.steps import ADMIN, alerts, button, compose, received, seed, sent

STRANGER = User(id=5550001, first_name="Незнакомец", username="stranger", language_code="ru")
GROUPS = ("Группам и каналам",)


def requests(emulator: BotAPIEmulator, title: str) -> list[Call]:
    """The secretariat's cards about the bot added to a chat."""
    return [c for c in sent(emulator.calls) if "Бота добавили" in (c.text or "") and title in (c.text or "")]


async def test_a_strangers_group_is_no_audience_until_the_secretariat_approves_it(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    emulator.add_chat(-100900, "supergroup", "Клуб <b>чужих</b>")
    await emulator.wait_handled(emulator.my_chat_member(-100900, STRANGER))
    await bot.app.sender.deliver_due()
    [card] = requests(emulator, "Клуб <b>чужих</b>")
    assert card.chat_id == ADMIN.id, "through the outbox, to the secretariat"
    assert "&lt;b&gt;чужих&lt;/b&gt;" in card.params["text"], "the title is escaped"
    assert "tg://user?id=5550001" in card.params["text"] and "@stranger" in card.text, "who added it"

    summary = await compose(emulator, "Внутреннее объявление", audience=GROUPS)
    assert "Получателей: 0" in summary.text and "Отправить сейчас" not in str(summary.buttons)
    picker = next(
        c for c in reversed(emulator.calls) if c.method == "editMessageText" and "Кому отправить" in (c.text or "")
    )
    assert "Ждут вашего решения" in picker.text and "«Клуб <b>чужих</b>»" in picker.text, "the picker names it"

    calls = await emulator.tap(ADMIN, card, button(card, "Одобрить"))
    assert "Одобрено" in alerts(calls)[0]
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Одобрено (Sekretar Clustera)" in edited.text and not edited.buttons
    again = await emulator.tap(ADMIN, card, button(card, "Игнорировать"))
    assert "уже решено: одобрено" in alerts(again)[0]

    summary = await compose(emulator, "Внутреннее объявление", audience=GROUPS)
    assert "Кому: 💬 Группам и каналам: «Клуб <b>чужих</b>»" in summary.text and "Получателей: 1" in summary.text
    assert "прочтение" not in str(summary.buttons), "chats cannot confirm reading: not offered"
    preview = next(
        c for c in reversed(emulator.calls) if c.method == "editMessageText" and "Так они увидят" in (c.text or "")
    )
    assert "«Клуб <b>чужих</b>»" in preview.text
    await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    await bot.app.sender.deliver_due()
    assert received(emulator, "Внутреннее объявление") == [-100900]
    async with bot.app.database.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "chat.approve"))
    assert entry is not None and entry.actor_telegram_id == ADMIN.id and entry.target == "chat:-100900"


async def test_an_ignored_chat_gets_nothing(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    await emulator.wait_handled(emulator.my_chat_member(-100901, STRANGER))
    await bot.app.sender.deliver_due()
    [card] = requests(emulator, "Group -100901")
    calls = await emulator.tap(ADMIN, card, button(card, "Игнорировать"))
    assert "Проигнорировано" in alerts(calls)[0]
    summary = await compose(emulator, "Никому из чужих", audience=GROUPS)
    assert "Получателей: 0" in summary.text
    picker = next(
        c for c in reversed(emulator.calls) if c.method == "editMessageText" and "Кому отправить" in (c.text or "")
    )
    assert "Group -100901" not in picker.text


async def test_leaving_or_demotion_drops_a_chat_at_once(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    emulator.add_chat(-100902, "channel", "Новости кластера")
    await emulator.wait_handled(emulator.my_chat_member(-100902, ADMIN))  # a secretary's own: approved at once
    await bot.app.sender.deliver_due()
    assert not requests(emulator, "Новости кластера")
    assert "Получателей: 1" in (await compose(emulator, "Первая", audience=GROUPS)).text

    await emulator.wait_handled(emulator.my_chat_member(-100902, ADMIN, can_post=False, old_status="administrator"))
    assert "Получателей: 0" in (await compose(emulator, "Вторая", audience=GROUPS)).text, "may no longer post"
    await emulator.wait_handled(emulator.my_chat_member(-100902, ADMIN, old_status="administrator"))
    assert "Получателей: 1" in (await compose(emulator, "Третья", audience=GROUPS)).text, (
        "promoted back: still approved"
    )

    await emulator.wait_handled(emulator.my_chat_member(-100902, ADMIN, status="left", old_status="administrator"))
    summary = await compose(emulator, "Четвёртая", audience=GROUPS)
    assert "Получателей: 0" in summary.text and "Новости кластера" not in summary.text
    await emulator.ask(ADMIN, "/cancel")  # the card would wait for the composing dialog to end
    # added back by someone else: asked about again
    await emulator.wait_handled(emulator.my_chat_member(-100902, STRANGER))
    await bot.app.sender.deliver_due()
    [card] = requests(emulator, "Новости кластера")
    assert "Получателей: 0" in (await compose(emulator, "Пятая", audience=GROUPS)).text
    await emulator.wait_handled(emulator.my_chat_member(-100902, STRANGER, status="kicked", old_status="administrator"))
    calls = await emulator.tap(ADMIN, card, button(card, "Одобрить"))
    assert "устарела" in alerts(calls)[0], "the bot left since the request"


async def test_only_the_secretariat_decides_and_forged_buttons_are_refused(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    member = User(id=cast.plain[0], first_name="Member")
    await emulator.wait_handled(emulator.my_chat_member(-100903, STRANGER))
    await bot.app.sender.deliver_due()
    [card] = requests(emulator, "Group -100903")
    approve = button(card, "Одобрить")
    member_msg = sent(await emulator.ask(member, "/start"))[-1]
    calls = await emulator.wait_handled(emulator.press_forged(member, member_msg, approve))
    assert "секретариат" in alerts(calls)[0].lower()
    for forged in (approve.replace(":approve", ":delete"), approve.replace(":1:", ":7:"), "cha:-100999:1:approve"):
        calls = await emulator.wait_handled(emulator.press_forged(ADMIN, card, forged))
        assert alerts(calls) and "Одобрено" not in alerts(calls)[0], forged
    assert "Получателей: 0" in (await compose(emulator, "Нет", audience=GROUPS)).text


async def test_all_members_says_the_count_includes_the_secretary(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=0)  # three members, and the secretary
    summary = await compose(emulator, "Всем")
    assert "Получателей: 4 (включая вас)" in summary.text and len(cast.members) == 4
    summary = await compose(emulator, "Лидерам", audience=("Лидерам проектов",))
    assert "Получателей: 1" in summary.text and "включая вас" not in summary.text


async def test_chats_recorded_before_approvals_wait_in_the_picker(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    emulator.add_chat(-100950, "supergroup", "Старый чат")
    async with bot.app.database.sessions.begin() as session:  # as migration 0010 leaves such a chat
        session.add(
            BotChat(
                chat_id=-100950,
                title="Старый чат",
                type="supergroup",
                status="administrator",
                can_post=True,
                approval="pending",
                round=1,
                updated_at=clock(),
            )
        )
    summary = await compose(emulator, "Старым", audience=GROUPS)
    assert "Получателей: 0" in summary.text
    calls = await emulator.tap(ADMIN, summary, button(summary, "Другие получатели"))
    picker = next(c for c in calls if c.method == "editMessageText")
    assert "Ждут вашего решения" in picker.text and "«Старый чат»" in picker.text
    calls = await emulator.tap(ADMIN, picker, button(picker, "Решить по чатам (1)"))
    [card] = sent(calls)
    assert "Старый чат" in card.text and "до того, как секретариат стал их одобрять" in card.text
    await emulator.tap(ADMIN, card, button(card, "Одобрить"))
    assert "Получателей: 1" in (await compose(emulator, "Старым", audience=GROUPS)).text


def test_the_migration_makes_recorded_chats_pending(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(
            sa.text(
                "INSERT INTO bot_chats (chat_id, title, type, status, updated_at) VALUES "
                "(-1, 'Admin there', 'supergroup', 'administrator', '2026-12-01 10:00:00'), "
                "(-2, 'Member there', 'group', 'member', '2026-12-01 10:00:00')"
            )
        )
        command.upgrade(config, "heads")
        rows = connection.execute(sa.text("SELECT chat_id, approval, can_post FROM bot_chats ORDER BY chat_id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(-2, "new", 0), (-1, "pending", 1)]


async def test_a_scheduled_announcement_skips_a_chat_that_dropped_out(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    for chat in (-100960, -100961):
        await emulator.wait_handled(emulator.my_chat_member(chat, ADMIN))
    summary = await compose(emulator, "Завтра в группы", audience=GROUPS)
    assert "Получателей: 2" in summary.text
    await emulator.tap(ADMIN, summary, button(summary, "Запланировать"))
    await emulator.ask(ADMIN, "24.11.2026 12:00")
    await emulator.wait_handled(emulator.my_chat_member(-100961, ADMIN, status="member", old_status="administrator"))
    clock.advance(days=1)
    await bot.tick()
    assert received(emulator, "Завтра в группы") == [-100960]
