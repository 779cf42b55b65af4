"""The sender: delivers due outbox rows through the Bot API at Telegram's limits and records what
became of each.

Rows are claimed a batch at a time (status "sending") and sent concurrently within the limits;
each outcome is committed as soon as it is known, with whatever others came meanwhile in the same
commit. A request holds its concurrency slot until its outcome is committed, so at any moment at
most `concurrency` rows are with Telegram but not yet recorded "sent": a crash can re-send only
those (rows still "sending" are released when the lease is next taken). Of several instances only
the holder of the sender lease delivers, so Telegram's limits hold overall."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from types import TracebackType

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message, ReplyParameters
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, system_clock
from bot.metrics import Metrics
from bot.services import lease, outbox
from bot.settings import Settings
from scheduler.pacing import Limits, Pacer, RealTimer, Timer, VirtualTimer

log = logging.getLogger(__name__)

# "Bad Request: chat not found" and kin: the chat is gone for good, like a block.
GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid", "group chat was upgraded")

# Told after each recorded batch which batches (outbox batch_id) moved, e.g. to report progress.
BatchObserver = Callable[[set[int]], Awaitable[None]]

SENDER_LEASE = "sender"
# Renewed before every batch; a crashed holder's lease lapses after this and another takes over.
LEASE_TTL = timedelta(seconds=30)
# A commit of outcomes that failed (the database away) is tried again after this many seconds;
# sending waits meanwhile, as every slot stays held by a delivery not yet recorded.
RECORD_RETRY_SECONDS = 1.0


class Sender:
    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        limits: Limits = Limits(),
        batch: int = 100,
        concurrency: int = 16,
        idle_seconds: float = 1.0,
        timer: Timer | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._clock = clock
        self.batch = batch
        self._concurrency = asyncio.Semaphore(concurrency)
        self._idle_seconds = idle_seconds
        # An injected clock means time is not the wall's: pacing waits pass in virtual time too.
        self._timer = timer or (RealTimer() if clock is system_clock else VirtualTimer())
        self.pacer = Pacer(limits, self._timer)
        self._wake = asyncio.Event()
        self._holding = False
        self._observers: list[BatchObserver] = []
        self.metrics = metrics or Metrics()

    @classmethod
    def from_settings(
        cls,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        metrics: Metrics | None = None,
    ) -> Sender:
        limits = Limits(
            settings.send_rate_per_second, settings.send_chat_interval_seconds, settings.send_group_per_minute
        )
        return cls(
            bot,
            sessions,
            clock,
            limits=limits,
            batch=settings.send_batch,
            concurrency=settings.send_concurrency,
            metrics=metrics,
        )

    def wake(self) -> None:
        """Something was enqueued: look now rather than at the next idle poll."""
        self._wake.set()

    def observe(self, observer: BatchObserver) -> None:
        self._observers.append(observer)

    async def resume(self) -> int:
        """On start: what a crashed process was sending is due again."""
        async with self._sessions.begin() as session:
            return await outbox.release_in_flight(session)

    async def take_turn(self, holder: str) -> int:
        """Deliver what is due if this instance holds (or can take) the sender lease; returns how
        many rows were handled. On taking the lease over, the previous holder's rows in flight are
        due again: it is gone (it gave the lease up, or let it lapse)."""
        if not await self._hold(holder):
            self._holding = False
            return 0
        if not self._holding:
            await self.resume()
            self._holding = True
        return await self.deliver_due(holder)

    async def release(self, holder: str) -> None:
        async with self._sessions.begin() as session:
            await lease.release(session, SENDER_LEASE, holder)
        self._holding = False

    async def _hold(self, holder: str) -> bool:
        async with self._sessions.begin() as session:
            return await lease.hold(session, SENDER_LEASE, holder, self._clock(), LEASE_TTL)

    async def deliver_due(self, holder: str | None = None) -> int:
        """Send everything due now (while `holder`, if given, keeps the lease); returns how many
        rows were handled."""
        handled = 0
        async with _Recorder(self._sessions, self._timer) as recorder:
            while True:
                if holder is not None and handled and not await self._hold(holder):
                    return handled
                async with self._sessions.begin() as session:
                    rows = await outbox.claim_due(session, self._clock(), self.batch)
                if not rows:
                    return handled
                starts = [self.pacer.book(row.chat_id) for row in rows]
                await asyncio.gather(
                    *(self._deliver(row, start, recorder) for row, start in zip(rows, starts, strict=True))
                )
                handled += len(rows)
                await self._notify({row.batch_id for row in rows if row.batch_id is not None})

    async def run(self, holder: str) -> None:
        """Deliver until cancelled, waking when told to or after an idle pause."""
        while True:
            self._wake.clear()  # before delivering: a wake during delivery means look again at once
            try:
                await self.take_turn(holder)
            except Exception:  # noqa: BLE001 - a database hiccup must not stop delivery for good
                log.exception("outbox delivery failed; trying again")
            try:  # asyncio.timeout: on 3.11 wait_for may lose a cancel coming as the event is set
                async with asyncio.timeout(self._idle_seconds):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _notify(self, batches: set[int]) -> None:
        if not batches:
            return
        for observer in self._observers:
            try:
                await observer(batches)
            except Exception:  # noqa: BLE001 - a progress report must never stop delivery
                log.exception("batch observer failed")

    async def _deliver(self, row: outbox.Claimed, start: float, recorder: _Recorder) -> None:
        await self.pacer.wait_until(start)
        async with self._concurrency:  # held until recorded: see the module's docstring
            outcome = await self._attempt(row)
            self.metrics.delivered((outcome,))
            await recorder.record(outcome)

    async def _attempt(self, row: outbox.Claimed) -> outbox.Outcome:
        try:
            message = await self._send(row)
        except TelegramRetryAfter as exc:
            self.metrics.outbox_retry_after.inc()
            self.pacer.pause(exc.retry_after)
            return outbox.retry(row, self._clock() + timedelta(seconds=exc.retry_after), exc.message, counts=False)
        except TelegramForbiddenError as exc:
            return outbox.unreachable(row, exc.message)
        except TelegramBadRequest as exc:
            if any(sign in exc.message.lower() for sign in GONE):
                return outbox.unreachable(row, exc.message)
            log.warning("outbox %s to %s refused: %s", row.key, row.chat_id, exc.message)
            return outbox.refused(row, exc.message)
        except (TelegramNetworkError, TelegramAPIError) as exc:
            return outbox.retry(row, self._clock() + outbox.backoff(row.attempts), str(exc))
        except Exception as exc:  # noqa: BLE001 - one odd row must not leave its whole batch unrecorded
            log.exception("outbox %s to %s failed", row.key, row.chat_id)
            return outbox.retry(row, self._clock() + outbox.backoff(row.attempts), repr(exc))
        return outbox.sent(row, message.message_id if message else None, self._clock())

    async def _send(self, row: outbox.Claimed) -> Message | None:
        payload = row.payload
        markup = InlineKeyboardMarkup.model_validate(payload["reply_markup"]) if payload.get("reply_markup") else None
        reply = (
            ReplyParameters(message_id=payload["reply_to"], allow_sending_without_reply=True)
            if payload.get("reply_to")
            else None
        )
        caption = payload["text"] or None
        if row.attachment is not None:
            upload = BufferedInputFile(row.attachment, filename=payload.get("filename") or "file")
            if (payload.get("filename") or "").lower().endswith(".png"):
                return await self._bot.send_photo(
                    row.chat_id, upload, caption=caption, reply_markup=markup, reply_parameters=reply
                )
            return await self._bot.send_document(
                row.chat_id, upload, caption=caption, reply_markup=markup, reply_parameters=reply
            )
        if payload.get("photo"):
            return await self._bot.send_photo(
                row.chat_id, payload["photo"], caption=caption, reply_markup=markup, reply_parameters=reply
            )
        if payload.get("document"):
            return await self._bot.send_document(
                row.chat_id, payload["document"], caption=caption, reply_markup=markup, reply_parameters=reply
            )
        return await self._bot.send_message(row.chat_id, payload["text"], reply_markup=markup, reply_parameters=reply)


class _Recorder:
    """Commits outcomes as they come: those that arrive while a commit is under way go together
    in the next one, so a commit costs no more than the rate of deliveries allows, and a delivery
    is recorded about one commit after Telegram took it rather than when its whole batch is done."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], timer: Timer) -> None:
        self._sessions = sessions
        self._timer = timer
        self._waiting: list[tuple[outbox.Outcome, asyncio.Future[None]]] = []
        self._arrived = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _Recorder:
        self._task = asyncio.create_task(self._run(), name="outbox-recorder")
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """What was delivered is recorded before leaving, also when the sender is stopped."""
        assert self._task is not None
        self._closing = True
        self._arrived.set()
        await self._task

    async def record(self, outcome: outbox.Outcome) -> None:
        """Returns once the outcome is committed."""
        committed = asyncio.get_running_loop().create_future()
        self._waiting.append((outcome, committed))
        self._arrived.set()
        await committed

    async def _run(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            taken, self._waiting = self._waiting, []
            if taken and await self._commit([outcome for outcome, _ in taken]):
                for _, committed in taken:
                    if not committed.done():  # its delivery may have been cancelled meanwhile
                        committed.set_result(None)
            if self._closing and not self._waiting:
                return

    async def _commit(self, outcomes: list[outbox.Outcome]) -> bool:
        while True:
            try:
                async with self._sessions.begin() as session:
                    await outbox.record(session, outcomes)
                return True
            except Exception:  # noqa: BLE001 - a database hiccup: the deliveries wait, nothing is lost
                log.exception("recording %d outbox outcomes failed", len(outcomes))
                if self._closing:  # stopping: these rows stay "sending" and go out again on start
                    return False
                await self._timer.sleep(RECORD_RETRY_SECONDS)
