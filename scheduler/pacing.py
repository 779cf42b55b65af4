"""Telegram's sending limits as a schedule: each message is booked a start time that keeps the
overall rate, one chat's interval and a group's per-minute quota.

Time is injected: production waits on the monotonic clock with asyncio.sleep; tests use
`VirtualTimer`, whose waits pass at once while its clock moves on, so pacing is exercised
without sleeping on wall time."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Limits:
    rate: float = 25.0  # messages per second overall; 0: no limit
    chat_interval: float = 1.0  # seconds between two messages to one chat
    group_per_minute: int = 20  # messages per minute to one group or channel; 0: no limit


class Timer(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealTimer:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class VirtualTimer:
    """A clock that moves only when waited on: a wait of s seconds ends at once, at now + s."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class Pacer:
    """Books start times in the order asked; a message that must wait for its chat does not hold
    up the others (it takes a later overall slot and leaves the earlier ones free)."""

    def __init__(self, limits: Limits, timer: Timer) -> None:
        self.limits = limits
        self._timer = timer
        self._cursor = 0  # the lowest overall slot that may still be free
        self._taken: set[int] = set()  # booked overall slots at or after the cursor
        self._chat_next: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._paused_until = 0.0

    def book(self, chat_id: int) -> float:
        """The monotonic time at which a message to `chat_id` may start, booked."""
        now = self._timer.monotonic()
        start = max(now, self._paused_until, self._chat_next.get(chat_id, 0.0))
        if chat_id < 0 and self.limits.group_per_minute:
            window = self._group_sends.setdefault(chat_id, deque(maxlen=self.limits.group_per_minute))
            if len(window) == window.maxlen:
                start = max(start, window[0] + 60.0)
        start = self._overall_slot(start, now)
        if self.limits.chat_interval:
            self._chat_next[chat_id] = start + self.limits.chat_interval
        if chat_id < 0 and self.limits.group_per_minute:
            self._group_sends[chat_id].append(start)
        if len(self._chat_next) > 100_000:  # forget chats whose interval has long passed
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        return start

    def _overall_slot(self, earliest: float, now: float) -> float:
        rate = self.limits.rate
        if not rate:
            return earliest
        # Slots are 1/rate apart on the monotonic clock; past ones are gone (no burst after a pause).
        self._cursor = max(self._cursor, math.ceil(now * rate - 1e-9))
        self._taken = {slot for slot in self._taken if slot >= self._cursor}
        slot = max(self._cursor, math.ceil(earliest * rate - 1e-9))
        while slot in self._taken:
            slot += 1
        self._taken.add(slot)
        while self._cursor in self._taken:
            self._taken.discard(self._cursor)
            self._cursor += 1
        return slot / rate

    def pause(self, seconds: float) -> None:
        """Telegram answered 429: nothing starts until `seconds` have passed."""
        self._paused_until = max(self._paused_until, self._timer.monotonic() + seconds)

    async def wait_until(self, start: float) -> None:
        """Wait for a booked start, and for any pause that began meanwhile."""
        while (delay := max(start, self._paused_until) - self._timer.monotonic()) > 0:
            await self._timer.sleep(delay)
