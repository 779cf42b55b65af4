"""Announcements end to end: compose, preview, send to each kind of audience, live report."""

from __future__ import annotations

import pytest

from tests.announce_helpers import alerts, button, choose, compose, received, seed, sent
from tests.conftest import ADMIN
from tests.emulator import User


async def test_compose_preview_send_and_report(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
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
    assert sorted(int(c.chat_id) for c in got) == sorted(cast.members), "each member once, sent twice pressed"
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
async def test_each_audience_kind(bot, emulator, clock, kind) -> None:  # type: ignore[no-untyped-def]
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


async def test_live_figures_every_few_seconds(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
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


async def test_who_blocked_the_bot_is_skipped(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
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


async def test_a_restart_mid_compose_loses_nothing(bot, emulator, clock) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(ADMIN, "/start")
    cast = await seed(bot.app, clock())
    await emulator.ask(ADMIN, "/announce")
    calls = await emulator.ask(ADMIN, "Пишу, а бот перезапускается")
    prompt = sent(calls)[-1]
    await bot.restart()
    calls = await emulator.tap(ADMIN, prompt, button(prompt, "Без вложения"))
    summary = await choose(emulator, calls, "Общее", ("Лидерам проектов",))
    await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    await bot.app.sender.deliver_due()
    assert received(emulator, "Пишу, а бот перезапускается") == [cast.leader]
