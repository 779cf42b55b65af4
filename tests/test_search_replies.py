"""A person's name typed into the search: whom it names, or that it names no one."""

from __future__ import annotations

from tests.conftest import ADMIN, GUEST, GUEST_EN
from tests.test_e2e_directory import MEMBER, join_member
from tests.test_e2e_join import last_text, sent


async def test_a_guest_typing_a_name_nobody_has_is_told_how_to_join(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    await emulator.ask(GUEST, "Отмена")
    calls = await emulator.ask(GUEST, "Пётр Петров")
    reply = sent(calls)[-1]
    # «Петров» and «Пётр» stem to «петр», which begins "Petroleum" of the Norwegian ministry's English name
    assert "Министерство" not in reply.text and "Petroleum" not in reply.text
    assert "имя человека" in reply.text and "/join" in reply.text and not reply.buttons
    reply = last_text(await emulator.ask(GUEST_EN, "Peter Petrov"))
    assert "person's name" in reply and "/join" in reply


async def test_a_member_typing_a_name_nobody_has_is_told_so(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await join_member(emulator, settings)
    reply = last_text(await emulator.ask(MEMBER, "Пётр Петров"))
    assert "нет человека по имени «Пётр Петров»" in reply
    # one word alike is not the name: Иван Блинов is offered, not opened, for «Иван Иванов»
    calls = await emulator.ask(MEMBER, "Иван Иванов")
    reply = sent(calls)[-1]
    assert "нет человека по имени «Иван Иванов»" in reply.text and not sent(calls, "sendContact")
    assert any("Блинов" in b["text"] for b in reply.buttons)


async def test_a_name_still_finds_its_owner(bot, emulator, settings) -> None:  # type: ignore[no-untyped-def]
    await join_member(emulator, settings)
    calls = await emulator.ask(MEMBER, "Галина Захарова")
    assert "576-61-82" in sent(calls)[0].text and sent(calls, "sendContact")
    assert "Бондаренко" in sent(await emulator.ask(MEMBER, "Бондаренко Н.Л."))[0].text
    # a project's or an organisation's name typed like a person's still opens it
    assert "ИННОКОР" in sent(await emulator.ask(GUEST, "Эффективный Свет"))[0].text
    assert "Green Net Finland" in sent(await emulator.ask(GUEST, "Грин Нет Финланд"))[0].text


async def test_a_name_typed_under_the_joining_buttons_is_the_guests_own(bot, emulator) -> None:  # type: ignore[no-untyped-def]
    await emulator.ask(GUEST, "/join")
    assert "Эффективный свет" in last_text(await emulator.ask(GUEST, "Эффективный свет")), "a search is still a search"
    reply = sent(await emulator.ask(GUEST, "Пётр Петров"))[-1]
    assert "организацию" in reply.text and reply.params["reply_markup"].get("remove_keyboard")
    calls = await emulator.ask(GUEST, "ООО Ромашка")
    assert any("Заявка отправлена" in c.text for c in sent(calls) if c.chat_id == GUEST.id)
    assert "на рассмотрении: 1" in sent(await emulator.ask(ADMIN, "/admin"))[0].text
