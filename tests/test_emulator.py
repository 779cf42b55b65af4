"""Tests of the Bot API emulator, driven by a real aiogram Bot + Dispatcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
)

from tests.emulator import BotAPIEmulator, User, parse_html

pytestmark = pytest.mark.asyncio

ANN = User(101, "Ann", "Lee", username="ann")
BOB = User(102, "Bob")


def keyboard(callback_data: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text="Ping", callback_data=callback_data)
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def make_router(errors: list[Exception]) -> Router:
    """A tiny echo bot."""
    router = Router()

    @router.errors()
    async def on_error(event: ErrorEvent) -> None:
        errors.append(event.exception)

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        assert message.from_user is not None
        name = html.quote(message.from_user.first_name)
        await message.answer(f"Hello, {html.bold(name)}!", reply_markup=keyboard("ping"))

    @router.callback_query(F.data == "ping")
    async def ping(callback: CallbackQuery) -> None:
        await callback.answer("pong")
        assert isinstance(callback.message, Message)
        await callback.message.edit_text("Pong!")

    @router.message(Command("unsafe"))
    async def unsafe(message: Message, command: CommandObject) -> None:
        await message.answer(f"<b>{command.args}</b>")  # bug on purpose: user text not escaped

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        data = await bot.download(message.document.file_id)
        assert data is not None
        await message.answer_document(BufferedInputFile(data.read().upper(), "echo.txt"), caption="echo")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None
        await message.answer(html.quote(message.text))

    @router.inline_query()
    async def inline(query: InlineQuery) -> None:
        content = InputTextMessageContent(message_text=html.quote(query.query))
        await query.answer(
            [InlineQueryResultArticle(id="1", title=f"Search {query.query}", input_message_content=content)],
            cache_time=1,
        )

    @router.my_chat_member()
    async def added(event: ChatMemberUpdated) -> None:
        await event.answer("Thanks for adding me")

    return router


@dataclass
class Env:
    emu: BotAPIEmulator
    bot: Bot
    dp: Dispatcher
    errors: list[Exception] = field(default_factory=list)  # exceptions raised in handlers


@pytest_asyncio.fixture
async def env() -> AsyncIterator[Env]:
    async with BotAPIEmulator() as emu:
        session = AiohttpSession(api=TelegramAPIServer.from_base(emu.url))
        bot = Bot(emu.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        env = Env(emu, bot, Dispatcher())
        env.dp.include_router(make_router(env.errors))
        polling = asyncio.create_task(
            env.dp.start_polling(bot, handle_as_tasks=False, polling_timeout=1, handle_signals=False)
        )
        await emu.wait_for("getMe")  # polling has started
        yield env
        await env.dp.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_echo_round_trip(env: Env) -> None:
    [reply] = await env.emu.ask(ANN, "a < b & c")
    assert reply.method == "sendMessage"
    assert reply.ok
    assert reply.chat_id == ANN.id
    assert reply.params["text"] == "a &lt; b &amp; c"  # as sent
    assert reply.text == "a < b & c"  # as shown
    message = reply.message
    assert message["from"]["username"] == "clusterbot_test_bot"
    assert message["chat"] == {"id": 101, "type": "private", "first_name": "Ann", "last_name": "Lee", "username": "ann"}
    [again] = await env.emu.ask(ANN, "again")
    assert again.message["message_id"] == message["message_id"] + 2  # the user's message in between
    assert env.errors == []


async def test_callback_button_press(env: Env) -> None:
    [hello] = await env.emu.ask(ANN, "/start")
    assert hello.text == "Hello, Ann!"
    assert hello.callback_data == ["ping"]
    assert hello.message["entities"] == [{"type": "bold", "offset": 7, "length": 3}]
    answer, edit = await env.emu.tap(ANN, hello, "ping")
    assert (answer.method, answer.ok, answer.params["text"]) == ("answerCallbackQuery", True, "pong")
    assert (edit.method, edit.ok, edit.text) == ("editMessageText", True, "Pong!")
    current = env.emu.message(ANN.id, hello.message["message_id"])
    assert "reply_markup" not in current  # the edit took the keyboard away
    with pytest.raises(AssertionError, match="no button"):
        env.emu.press(ANN, current, "ping")
    # a stale double tap on the message as first seen still reaches the bot
    late_answer, late_edit = await env.emu.tap(ANN, hello, "ping")
    assert late_answer.ok
    assert late_edit.error is not None and "message is not modified" in late_edit.error["description"]


async def test_retry_after_surfaces(env: Env) -> None:
    env.emu.fail("sendMessage", 429, retry_after=7)
    [failed] = await env.emu.ask(ANN, "hi")
    assert failed.error == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    [error] = env.errors
    assert isinstance(error, TelegramRetryAfter)
    assert error.retry_after == 7
    [retried] = await env.emu.ask(ANN, "hi")
    assert retried.ok  # only one failure was injected


async def test_blocked_and_gone_chats(env: Env) -> None:
    env.emu.block(BOB.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await env.bot.send_message(BOB.id, "news")
    call = await env.emu.wait_for("sendMessage", chat_id=BOB.id)
    assert call.error is not None and call.error["error_code"] == 403
    env.emu.remove_chat(BOB.id)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await env.bot.send_message(BOB.id, "news")


async def test_unescaped_html_is_rejected(env: Env) -> None:
    [call] = await env.emu.ask(ANN, "/unsafe 1 < 2")
    assert call.error is not None
    assert call.error["description"].startswith("Bad Request: can't parse entities")
    assert isinstance(env.errors[0], TelegramBadRequest)
    [fine] = await env.emu.ask(ANN, "/unsafe <i>fine</i>")
    assert fine.text == "fine"


async def test_limits_and_not_modified(env: Env) -> None:
    bot = env.bot
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ANN.id, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ANN.id, "hi", reply_markup=keyboard("d" * 65))
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(ANN.id, BufferedInputFile(b"jpg", "p.jpg"), caption="c" * 1025)
    message = await bot.send_message(ANN.id, "same")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("same", chat_id=ANN.id, message_id=message.message_id)
    assert await bot.delete_message(ANN.id, message.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ANN.id, message.message_id)


async def test_documents_round_trip(env: Env) -> None:
    get_file, sent = await env.emu.wait_handled(env.emu.send_document(ANN, "notes.txt", b"hello"))
    assert get_file.method == "getFile"
    assert sent.method == "sendDocument"
    assert sent.files["document"].filename == "echo.txt"
    assert sent.files["document"].content == b"HELLO"
    assert sent.message["document"]["file_name"] == "echo.txt"
    assert sent.text == "echo"


async def test_inline_query_answered(env: Env) -> None:
    [answer] = await env.emu.wait_handled(env.emu.inline_query(ANN, "solar"))
    assert answer.method == "answerInlineQuery"
    assert answer.ok
    assert answer.params["results"][0]["title"] == "Search solar"
    assert answer.params["cache_time"] == 1


async def test_added_to_group(env: Env) -> None:
    env.emu.add_chat(-1001, "supergroup", "Cleantech")
    [thanks] = await env.emu.wait_handled(env.emu.my_chat_member(-1001, ANN))
    assert thanks.message["chat"] == {"id": -1001, "type": "supergroup", "title": "Cleantech"}
    assert (await env.bot.get_chat_member(-1001, env.bot.id)).status == "administrator"
    assert (await env.bot.get_chat_member(-1001, BOB.id)).status == "left"


async def test_commands_and_wait_for_timeout(env: Env) -> None:
    await env.bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert [c.command for c in await env.bot.get_my_commands()] == ["start"]
    with pytest.raises(AssertionError, match="no sendPhoto"):
        await env.emu.wait_for("sendPhoto", timeout=0.05)


async def test_raw_protocol() -> None:
    """Unknown methods, JSON bodies and long polling, without aiogram."""
    async with BotAPIEmulator() as emu, aiohttp.ClientSession() as http:
        base = f"{emu.url}/bot{emu.token}"
        async with http.post(f"{base}/fooBar") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        async with http.post(f"{base}/sendMessage", json={"chat_id": 5, "text": "hi"}) as resp:
            chat = (await resp.json())["result"]["chat"]
            assert chat == {"id": 5, "type": "private", "first_name": "User 5"}
        first = emu.send_message(ANN, "/start")
        async with http.get(f"{base}/getUpdates", params={"timeout": "30"}) as resp:  # answers at once
            updates = (await resp.json())["result"]
        assert [u["update_id"] for u in updates] == [first["update_id"]]
        assert updates[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
        poll = asyncio.create_task(
            http.get(f"{base}/getUpdates", params={"offset": str(first["update_id"] + 1), "timeout": "30"})
        )
        await emu.wait_handled(first)  # confirmed by the offset while the poll waits
        second = emu.send_message(BOB, "hello")
        async with await asyncio.wait_for(poll, 5) as resp:
            assert [u["update_id"] for u in (await resp.json())["result"]] == [second["update_id"]]


async def test_parse_html() -> None:
    assert parse_html('<b>a</b> &amp; <a href="https://e.org">e</a>') == (
        "a & e",
        [
            {"type": "bold", "offset": 0, "length": 1},
            {"type": "text_link", "offset": 4, "length": 1, "url": "https://e.org"},
        ],
    )
    for bad in ("a < b", "a & b", "<b>x", "<b>x</i>", "<br>", "<span>x</span>"):
        with pytest.raises(ValueError, match=r"at byte offset|end tag"):
            parse_html(bad)
