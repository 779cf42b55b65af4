"""The bot as an operator runs it: `python -m bot run` processes against the emulator, to be
killed with SIGKILL mid-burst and restarted; and a burst of guests filing join requests whose
outcome in the database shows any update lost or applied twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from models import InboxUpdate, JoinRequest
from tests.emulator import BotAPIEmulator, User
from tests.harness import free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET = "kill-test-secret"


@dataclass
class BotProcess:
    """One instance: a child process with its own environment (polling, or webhook on a port)."""

    emulator: BotAPIEmulator
    database_url: str
    folder: Path
    name: str
    webhook_url: str = ""  # the public URL (e.g. the proxy's); the instance serves on `port`
    admin_id: int = 1001
    extra: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None
    cpu_seconds: float = 0.0

    @property
    def backend(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "PYTHONPATH")}
        return (
            keep
            | {
                "BOT_TOKEN": self.emulator.token,
                "TELEGRAM_API_URL": self.emulator.url,
                "DATABASE_URL": self.database_url,
                "ADMIN_IDS": str(self.admin_id),
                "REDIS_URL": "",
                "WEBHOOK_URL": self.webhook_url,
                "WEBHOOK_SECRET": SECRET if self.webhook_url else "",
                "HTTP_HOST": "127.0.0.1",
                "HTTP_PORT": str(self.port),
                # A killed instance's claims lapse soon, so that the test need not wait long.
                "UPDATE_LEASE_SECONDS": "2",
                "PYTHONPATH": str(ROOT),
            }
            | self.extra
        )

    async def start(self, timeout: float = 120) -> None:
        """Start and wait until it takes updates: its webhook server answers, or (polling) it
        deleted the webhook. Importing aiogram alone takes seconds."""
        deleted = len(self.emulator.calls_of("deleteWebhook"))
        log = (self.folder / f"{self.name}.log").open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=self.folder, env=self.environment(), stdout=log, stderr=log
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not await self._ready(deleted):
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"{self.name} did not start:\n{self.log_tail()}")
            await asyncio.sleep(0.2)

    async def _ready(self, deleted: int) -> bool:
        if not self.webhook_url:
            return len(self.emulator.calls_of("deleteWebhook")) > deleted
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        writer.close()
        return True

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def terminate(self) -> int:
        """SIGTERM and wait; returns the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 30)
        self.cpu_seconds += _children_cpu()
        return code

    async def reap(self) -> None:
        assert self.process is not None
        await self.process.wait()
        self.cpu_seconds += _children_cpu()

    def log_tail(self, lines: int = 30) -> str:
        path = self.folder / f"{self.name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


_seen_cpu = 0.0


def _children_cpu() -> float:
    """CPU time of the children reaped since the last call."""
    global _seen_cpu
    usage = os.times()
    total = usage.children_user + usage.children_system
    spent, _seen_cpu = total - _seen_cpu, total
    return spent


def guests(count: int, first_id: int = 500_000) -> list[User]:
    return [User(first_id + n, f"Гость{n}", language_code="ru") for n in range(count)]


def join_burst(emulator: BotAPIEmulator, people: list[User]) -> list[dict[str, Any]]:
    """Each guest files a join request: four updates, each writing the dialog's state or the
    request. Sent all at once (the chat's order kept, as Telegram numbers them)."""
    updates = []
    for step in ("/join", "✍️ Ввести имя и организацию", "{name}", "{org}"):
        for user in people:
            updates.append(emulator.send_message(user, step.format(name=f"Имя {user.id}", org=f"Орг {user.id}")))
    return updates


@dataclass
class Outcome:
    lost: int  # updates handed over and never handled
    applied_twice: int  # guests whose request shows a step applied again (or twice filed)
    wrong: int  # guests with no request, or one that does not read what they typed
    pending: int


async def outcome(database_url: str, people: list[User], updates: list[dict[str, Any]]) -> Outcome:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            done = set(
                (await connection.scalars(select(InboxUpdate.update_id).where(InboxUpdate.done_at.is_not(None)))).all()
            )
            pending = int(
                await connection.scalar(
                    select(func.count()).select_from(InboxUpdate).where(InboxUpdate.done_at.is_(None))
                )
                or 0
            )
            requests = (
                await connection.execute(
                    select(JoinRequest.telegram_id, JoinRequest.full_name, JoinRequest.organisation)
                )
            ).all()
    finally:
        await engine.dispose()
    by_guest: dict[int, list[tuple[str, str]]] = {}
    for telegram_id, name, org in requests:
        by_guest.setdefault(telegram_id, []).append((name, org))
    expected = {u.id: [(f"Имя {u.id}", f"Орг {u.id}")] for u in people}
    # A step applied again shows: a second request, or the name taken again for the organisation.
    twice = {
        u.id
        for u in people
        if len(by_guest.get(u.id, [])) > 1 or any(name == org for name, org in by_guest.get(u.id, []))
    }
    wrong = sum(1 for u in people if u.id not in twice and by_guest.get(u.id) != expected[u.id])
    return Outcome(
        lost=sum(1 for u in updates if u["update_id"] not in done),
        applied_twice=len(twice),
        wrong=wrong,
        pending=pending,
    )


def replies(emulator: BotAPIEmulator, people: list[User], per_guest: int = 4) -> tuple[int, int]:
    """(missing, repeated): replies each guest lacks, or got beyond one per update sent."""
    missing = repeated = 0
    for user in people:
        got = len([c for c in emulator.calls_of("sendMessage", user.id) if c.ok])
        missing += max(0, per_guest - got)
        repeated += max(0, got - per_guest)
    return missing, repeated


async def until_drained(database_url: str, updates: list[dict[str, Any]], timeout: float) -> None:
    """Until every update was handed over and is done (or `timeout` seconds passed)."""
    engine = create_async_engine(database_url)
    wanted = {u["update_id"] for u in updates}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            async with engine.connect() as connection:
                done = set(
                    (
                        await connection.scalars(
                            select(InboxUpdate.update_id).where(
                                InboxUpdate.done_at.is_not(None), InboxUpdate.update_id.in_(wanted)
                            )
                        )
                    ).all()
                )
            if done == wanted:
                return
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
