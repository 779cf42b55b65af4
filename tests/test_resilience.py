"""When Telegram or the network fails: replies retried through a 5xx, a start that waits for the
Bot API, an apology in the user's language, logs without the token that an operator can use."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage
from aiogram.methods.base import Response, TelegramMethod
from aiogram.types import Message
from aiohttp import web
from sqlalchemy import text

from bot.app import create_bot
from bot.cli import COMMANDS, main
from bot.logs import REDACTED, prepare, update_context
from bot.settings import Settings
from bot.startup import wait_for_api
from bot.telegram_calls import RetryTransient
from tests.emulator import BotAPIEmulator, Call
from tests.harness import FakeClock, RunningBot
from tests.steps import GUEST, GUEST_EN


def replies(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.ok]


class Sleeps:
    """A sleep for the bot that returns at once and remembers how long it was asked to wait."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def running(settings: Settings, clock: FakeClock) -> AsyncIterator[tuple[RunningBot, Sleeps]]:
    sleeps = Sleeps()
    bot = RunningBot(settings, clock, sleep=sleeps)
    await bot.start()
    yield bot, sleeps
    await bot.stop()


@pytest.fixture
def logs(settings: Settings, caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every record at every level, as the CLI's handler writes it (JSON) and as caplog keeps it."""
    stream = io.StringIO()
    handler = prepare(
        logging.StreamHandler(stream),
        settings.model_copy(update={"log_format": "json", "instance_name": "test-instance"}),
    )
    prepare(caplog.handler, settings)
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    yield stream
    root.removeHandler(handler)


def assert_no_token(token: str, stream: io.StringIO, caplog: pytest.LogCaptureFixture) -> None:
    secret = token.partition(":")[2]
    written = stream.getvalue() + caplog.text
    assert secret not in written
    for record in caplog.records:
        assert secret not in record.getMessage() and secret not in (record.exc_text or "")


async def test_a_reply_arrives_through_the_start_of_an_outage(
    running: tuple[RunningBot, Sleeps], emulator: BotAPIEmulator, logs: io.StringIO
) -> None:
    _bot, sleeps = running
    emulator.fail("sendMessage", 500, "Internal Server Error", times=2, chat_id=GUEST.id)
    update = emulator.send_message(GUEST, "/projects")
    calls = await emulator.wait_handled(update)
    sends = [c for c in calls if c.method == "sendMessage"]
    assert [c.ok for c in sends] == [False, False, True], "tried again until the API recovered"
    assert "пошло не так" not in (sends[-1].text or ""), "the reply itself, not an apology"
    assert sleeps.asked == [0.5, 1.0]
    events = [json.loads(line) for line in logs.getvalue().splitlines()]
    retried = [e for e in events if e["logger"] == "bot.telegram_calls"]
    assert len(retried) == 2 and all(e["level"] == "WARNING" for e in retried)
    assert {e.get("update_id") for e in retried} == {update["update_id"]} and retried[0]["instance"] == "test-instance"
    assert not [e for e in events if e["level"] == "ERROR"]


async def test_a_reply_that_timed_out_is_not_tried_again() -> None:
    now = 0.0
    attempts: list[str] = []

    async def hung_api(bot: Bot, method: TelegramMethod[Message]) -> Response[Message]:
        nonlocal now
        attempts.append(method.__api_method__)
        now += 60  # the client's timeout
        raise TelegramNetworkError(method, "Request timeout error")

    retry = RetryTransient(Sleeps(), monotonic=lambda: now)
    with update_context(10001), pytest.raises(TelegramNetworkError):
        await retry(hung_api, Bot("42:never-used"), SendMessage(chat_id=GUEST.id, text="hello"))
    assert attempts == ["sendMessage"], "a user who waited a minute is not made to wait four"


async def test_a_bad_request_is_not_retried(running: tuple[RunningBot, Sleeps], emulator: BotAPIEmulator) -> None:
    _bot, sleeps = running
    emulator.fail("sendMessage", 400, "Bad Request: something unexpected", times=1, chat_id=GUEST.id)
    calls = await emulator.ask(GUEST, "/projects")
    sends = [c for c in calls if c.method == "sendMessage"]
    assert [c.ok for c in sends] == [False, True] and "пошло не так" in (sends[1].text or ""), (
        "refused once, apologised"
    )
    assert sleeps.asked == []


async def test_a_start_while_the_api_answers_502_waits_then_serves(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.fail("*", 502, "Bad Gateway", times=3)  # every method, as in an outage
    sleeps = Sleeps()
    bot = RunningBot(settings, clock, sleep=sleeps)
    with caplog.at_level(logging.INFO):
        await bot.start()
        try:
            assert replies(await emulator.ask(GUEST, "/start"))
        finally:
            await bot.stop()
    assert sleeps.asked == [1, 2, 4], "backing off, doubling"
    waits = [r for r in caplog.records if r.name == "bot.startup"]
    assert len(waits) == 3 and all("does not answer" in r.getMessage() for r in waits), "one line per attempt"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_start_while_the_api_is_unreachable_waits_then_serves(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator, logs: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    await emulator.stop()
    asked: list[float] = []

    async def outage_ends_after_the_second_wait(seconds: float) -> None:
        asked.append(seconds)
        if len(asked) == 2:
            await emulator.start()

    bot = RunningBot(settings, clock, sleep=outage_ends_after_the_second_wait)
    await bot.start()
    try:
        assert replies(await emulator.ask(GUEST, "/start"))
    finally:
        await bot.stop()
    assert asked == [1, 2]
    waits = [r.getMessage() for r in caplog.records if r.name == "bot.startup"]
    assert len(waits) == 2 and all("Cannot connect" in w for w in waits), waits
    assert_no_token(settings.bot_token, logs, caplog)


async def test_a_stop_while_waiting_for_the_api_ends_the_start(
    settings: Settings, clock: FakeClock, emulator: BotAPIEmulator
) -> None:
    await emulator.stop()
    waiting, forever = asyncio.Event(), asyncio.Event()

    async def long_wait(seconds: float) -> None:
        waiting.set()
        await forever.wait()  # a real wait of up to 30 s: a stop must not sit it out

    bot = RunningBot(settings, clock, sleep=long_wait)
    await bot.start()
    await asyncio.wait_for(waiting.wait(), 10)
    await bot.stop()  # as SIGTERM: within its 10 s, or it raises
    await emulator.start()


async def test_a_refused_token_ends_the_cli_with_one_line(
    emulator: BotAPIEmulator, settings: Settings, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    emulator.fail("getMe", 401, "Unauthorized", times=100)
    with caplog.at_level(logging.INFO):
        code = await COMMANDS["run"](settings, argparse.Namespace())
    assert code == 2
    assert capsys.readouterr().err == (
        "clusterbot: the Bot API refuses BOT_TOKEN (401 Unauthorized): revoked or mistyped? Check it with @BotFather\n"
    )
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "no traceback, no error logged"
    assert len(emulator.calls_of("getMe")) == 1, "no waiting for a token that was refused"


async def test_the_apology_speaks_the_users_language_when_the_database_fails(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    async with bot.app.database.engine.begin() as connection:  # who the user is can no longer be read
        await connection.execute(text("ALTER TABLE accounts RENAME TO accounts_gone"))
    english = replies(await emulator.ask(GUEST_EN, "/start"))
    assert english and "Something went wrong" in (english[0].text or "")
    russian = replies(await emulator.ask(GUEST, "/start"))
    assert russian and "пошло не так" in (russian[0].text or "")


@pytest.fixture
async def redirect_loop() -> AsyncIterator[str]:
    """A server on 127.0.0.1 answering every request with a redirect to itself."""

    async def again(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.url))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", again)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_no_log_record_contains_the_token(
    settings: Settings, redirect_loop: str, logs: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    retries = Sleeps()
    bot = create_bot(settings.model_copy(update={"telegram_api_url": redirect_loop}), sleep=retries)
    log = logging.getLogger("handlers.common.errors")

    class Enough(Exception):
        pass

    waits: list[float] = []

    async def give_up_after_two(seconds: float) -> None:
        if len(waits) == 2:
            raise Enough
        waits.append(seconds)

    try:
        with pytest.raises(Enough):
            await wait_for_api(bot, asyncio.Event(), sleep=give_up_after_two)
        with update_context(10008), pytest.raises(TelegramNetworkError) as failure:
            await bot.send_message(GUEST.id, "hello")  # a reply: tried again, then given up
        log.error("update 10008 failed", exc_info=failure.value)
        log.debug("as aiogram says it: %s", failure.value)
    finally:
        await bot.session.close()
    assert retries.asked == [0.5, 1.0, 2.0], "a network error is retried like a 5xx"
    assert "TooManyRedirects" in caplog.text and REDACTED in caplog.text, caplog.text
    assert_no_token(settings.bot_token, logs, caplog)


def test_an_api_url_without_a_scheme_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for url in ("127.0.0.1:8081", "ftp://api.example.org"):
        monkeypatch.setenv("TELEGRAM_API_URL", url)
        assert main(["migrate"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("clusterbot: configuration: TELEGRAM_API_URL:") and err.count("\n") == 1, err


def test_text_and_json_logs_are_one_event_a_line(settings: Settings) -> None:
    log = logging.getLogger("tests.one_line")
    log.propagate = False
    log.setLevel(logging.INFO)
    outputs = {}
    for kind in ("text", "json"):
        stream = io.StringIO()
        handler = prepare(
            logging.StreamHandler(stream), settings.model_copy(update={"log_format": kind, "instance_name": "bot-a"})
        )
        log.addHandler(handler)
        try:
            raise RuntimeError(f"at {settings.telegram_api_url}/bot{settings.bot_token}/getMe")
        except RuntimeError:
            with update_context(10042):
                log.exception("update failed")
        log.info("outside any update")
        log.removeHandler(handler)
        outputs[kind] = stream.getvalue()
    text_lines = outputs["text"].splitlines()
    assert " ERROR bot-a update=10042 tests.one_line: update failed" in text_lines[0]
    events = [line for line in text_lines if not line.startswith("    ")]
    assert len(events) == 2 and "update=" not in events[1], "a traceback continues its event, indented"
    failed, outside = (json.loads(line) for line in outputs["json"].splitlines())
    assert failed["update_id"] == 10042 and failed["instance"] == "bot-a" and failed["level"] == "ERROR"
    assert "RuntimeError" in failed["exception"] and REDACTED in failed["exception"]
    assert settings.bot_token.partition(":")[2] not in outputs["json"] + outputs["text"]
    assert "update_id" not in outside and {"time", "logger", "message"} <= outside.keys()
