"""Announcements reach their audience, end to end: compose, preview and send to each kind of
audience with a live report; who blocked the bot or muted a category (before or after it was
scheduled) is skipped, urgent news excepted."""

from __future__ import annotations

import pytest

from tests.emulator import BotAPIEmulator, User
from tests.harness import FakeClock, RunningBot
from tests.steps import (
    ADMIN,
    GUEST,
    alerts,
    button,
    compose,
    received,
    schedule,
    seed,
    send_now,
    sent,
)


async def test_compose_preview_send_and_report(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    bold = [{"type": "bold", "offset": 0, "length": 7}]
    summary = await compose(emulator, "Встреча в пятницу в 15:00", entities=bold)
    preview = sent(emulator.calls)[-2]
    assert preview.text == "Встреча в пятницу в 15:00" and preview.message["entities"][0]["type"] == "bold"
    assert f"Получателей: {len(cast.members)}" in summary.text
    calls = await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    report = next(c for c in calls if c.method == "editMessageText")
    assert "отправляется" in report.text and f"осталось: {len(cast.members)}" in report.text
    again = await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    assert "уже отправлено" in alerts(again)[0]

    assert await bot.app.sender.deliver_due() == len(cast.members)
    got = [c for c in sent(emulator.calls) if c.text == preview.text and c is not preview]
    assert sorted(c.chat for c in got) == sorted(cast.members), "each member once, sent twice pressed"
    assert all(c.message["entities"] == preview.message["entities"] for c in got), "formatting kept"
    final = emulator.message(ADMIN.id, report.message["message_id"])
    assert "разослано" in final["text"] and f"Доставлено: {len(cast.members)}" in final["text"]

    calls = await emulator.ask(ADMIN, "/admin")
    panel = sent(calls)[0]
    calls = await emulator.tap(ADMIN, panel, button(panel, "Объявления"))
    assert "Встреча в пятницу" in sent(calls)[0].text and "разослано" in sent(calls)[0].text
    listing = sent(calls)[0]
    calls = await emulator.tap(ADMIN, listing, listing.callback_data[0])
    assert f"Доставлено: {len(cast.members)}" in sent(calls)[0].text


AUDIENCES = {
    "leaders": ("Лидерам проектов",),
    "projects": ("Участникам проектов", "{project}", "Готово"),
    "country": ("Организациям страны", "Финляндия"),
    "language": ("По языку", "English"),
}


@pytest.mark.parametrize("kind", [*AUDIENCES, "groups"])
async def test_each_audience_kind(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock, kind: str) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    if kind == "groups":
        emulator.add_chat(-100777, "supergroup", "Cluster chat")
        emulator.add_chat(-100778, "channel", "Cluster news")
        emulator.add_chat(-100779, "supergroup", "Just a member there")
        for chat, status in ((-100777, "administrator"), (-100778, "administrator"), (-100779, "member")):
            await emulator.wait_handled(emulator.my_chat_member(chat, ADMIN, status=status))
        labels: tuple[str, ...] = ("Группам и каналам",)
    else:
        labels = tuple(label.format(project=cast.project_title[:20]) for label in AUDIENCES[kind])
    expected = {
        "leaders": [cast.leader],
        "projects": sorted([cast.leader, cast.partner]),
        "country": [cast.finn],
        "language": [cast.finn],
        "groups": [-100778, -100777],
    }[kind]
    summary = await compose(emulator, f"Новость для {kind}", audience=labels)
    assert f"Получателей: {len(expected)}" in summary.text
    await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    if kind == "groups":
        emulator.block(-100778)  # the bot was removed from the channel meanwhile
    await bot.app.sender.deliver_due()
    if kind == "groups":
        expected = [-100777]
        summary = await compose(emulator, "Вторая новость", audience=labels)
        assert "Получателей: 1" in summary.text, "a chat that is gone is skipped from now on"
    assert received(emulator, f"Новость для {kind}") == sorted(expected)


async def test_live_figures_every_few_seconds(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock(), extra=44)  # 48 members with the secretariat: five batches of ten
    summary = await compose(emulator, "Живой отчёт")
    calls = await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    report = next(c for c in calls if c.method == "editMessageText")
    sender = bot.app.sender
    sender.batch = 10

    async def seconds_pass(batches: set[int]) -> None:
        clock.advance(seconds=2)

    sender.observe(seconds_pass)
    await sender.deliver_due()
    edits = [
        c.params["text"]
        for c in emulator.calls
        if c.method == "editMessageText" and c.params.get("message_id") == report.message["message_id"]
    ][1:]
    # batches end 2 s apart: figures after the first, again once 5 s have passed, and at the end
    assert [e.split("осталось: ")[1].split(" ")[0] for e in edits] == ["38", "8", "0"]
    assert "разослано" in edits[-1] and f"Доставлено: {len(cast.members)}" in edits[-1]


async def test_who_blocked_the_bot_is_skipped(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    member = User(id=cast.plain[0], first_name="Member")
    await emulator.ask(member, "/start")
    await emulator.wait_handled(emulator.my_chat_member(member.id, member, status="kicked", old_status="member"))
    summary = await compose(emulator, "Кто на связи")
    assert f"Получателей: {len(cast.members) - 1}" in summary.text
    await emulator.ask(member, "/start")  # back again
    summary = await compose(emulator, "Кто на связи")
    assert f"Получателей: {len(cast.members)}" in summary.text


async def test_members_mute_categories_but_not_urgent(
    bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    member = User(id=cast.plain[0], first_name="Member")
    calls = await emulator.ask(member, "/settings")
    panel = sent(calls)[-1]
    assert "Срочные приходят всегда" in panel.text and not any("Срочное" in b["text"] for b in panel.buttons)
    calls = await emulator.tap(member, panel, button(panel, "События"))
    assert "отключено" in alerts(calls)[0]
    calls = await emulator.ask(GUEST, "/settings")
    assert "для участников" in sent(calls)[-1].text

    summary = await compose(emulator, "Про событие", category="События")
    await send_now(emulator, summary)
    summary = await compose(emulator, "Срочно всем", category="Срочное")
    await send_now(emulator, summary)
    await bot.app.sender.deliver_due()
    assert member.id not in received(emulator, "Про событие")
    assert member.id in received(emulator, "Срочно всем")
    assert len(received(emulator, "Про событие")) == len(cast.members) - 2


async def test_muting_after_scheduling_is_honoured(bot: RunningBot, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    muter, blocker = User(id=cast.plain[0], first_name="Muter"), User(id=cast.plain[1], first_name="Blocker")
    await emulator.ask(blocker, "/start")
    events = await schedule(emulator, await compose(emulator, "Про событие завтра", category="События"))
    urgent = await schedule(emulator, await compose(emulator, "Срочно завтра", category="Срочное"))
    panel = sent(await emulator.ask(muter, "/settings"))[-1]
    await emulator.tap(muter, panel, button(panel, "События"))
    await emulator.wait_handled(emulator.my_chat_member(blocker.id, blocker, status="kicked", old_status="member"))
    clock.advance(days=1)
    await bot.tick()
    assert received(emulator, "Про событие завтра") == sorted(cast.members - {ADMIN.id, muter.id, blocker.id})
    assert received(emulator, "Срочно завтра") == sorted(cast.members - {ADMIN.id, blocker.id}), "urgent ignores mutes"
    report = emulator.message(ADMIN.id, events.message["message_id"])["text"]
    assert f"Доставлено: {len(cast.members) - 2}" in report and f"(всего {len(cast.members) - 2})" in report
    assert "разослано" in emulator.message(ADMIN.id, urgent.message["message_id"])["text"]
