"""The clock is injected everywhere time matters, so tests move time without sleeping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
# Waits between retries: asyncio.sleep, or in tests one that returns at once.
Sleep = Callable[[float], Awaitable[None]]


def system_clock() -> datetime:
    return datetime.now(UTC)
