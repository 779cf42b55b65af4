"""Start-up: wait for the Bot API before the bot starts serving."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import User

from bot.clock import Sleep
from bot.telegram_calls import TRANSIENT

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 30.0


async def wait_for_api(bot: Bot, stopping: asyncio.Event, *, sleep: Sleep = asyncio.sleep) -> User | None:
    """The bot's own account, once the Bot API answers: a network blip at boot, or a restart during
    a Telegram outage, must not end the service, so this waits (1 s, doubling up to 30 s, a log
    line each time) for as long as it takes, or until `stopping` is set (then None: SIGTERM must
    still stop a bot that never reached Telegram). A refused token (401) or any other answer of
    the API is raised at once: waiting cannot fix it."""
    delay = FIRST_DELAY
    attempt = 1
    while not stopping.is_set():
        try:
            return await bot.me()
        except TelegramRetryAfter as exc:
            wait = float(exc.retry_after)
            log.warning("the Bot API asks to wait %s s before starting (attempt %d)", exc.retry_after, attempt)
        except TRANSIENT as exc:
            wait = delay
            delay = min(delay * 2, MAX_DELAY)
            log.warning("the Bot API does not answer (attempt %d), trying again in %.0f s: %s", attempt, wait, exc)
        pause = asyncio.ensure_future(sleep(wait))
        stop = asyncio.ensure_future(stopping.wait())
        await asyncio.wait({pause, stop}, return_when=asyncio.FIRST_COMPLETED)
        if pause.done():
            pause.result()  # a sleep that fails fails the wait
        for waiting in (pause, stop):
            waiting.cancel()
        await asyncio.gather(pause, stop, return_exceptions=True)
        attempt += 1
    return None
