"""Shared fixtures: temporary databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
the Bot API emulator, and the running bot."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import open_database
from bot.runtime import Database
from bot.settings import Settings
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import ADMIN, sqlite_url


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated and loaded with the bundled dataset once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "cluster.db"

    async def build() -> None:
        database = await open_database(Settings(database_url=sqlite_url(path), _env_file=None))
        await database.close()

    asyncio.run(build())
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, template_db: Path) -> str:
    return fresh_database_url(request.param, tmp_path, template_db)


def fresh_database_url(kind: str, tmp_path: Path, template_db: Path) -> str:
    """A copy of the SQLite template, or the PostgreSQL test database emptied (skips without one)."""
    if kind == "sqlite":
        shutil.copy(template_db, tmp_path / "bot.db")
        return sqlite_url(tmp_path / "bot.db")
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL not set")
    asyncio.run(_reset_postgres(url))
    return url


async def _reset_postgres(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database holding the bundled dataset."""
    db = await open_database(Settings(database_url=database_url, _env_file=None))
    yield db
    await db.close()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with database.sessions() as s:
        yield s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emu:
        yield emu


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """End-to-end tests run on SQLite; those marked `postgresql_too` on PostgreSQL as well (when
    TEST_DATABASE_URL is given): the paths where the two differ (concurrent writers, constraint
    errors inside a transaction) are the access and joining ones."""
    if "bot_database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker("postgresql_too"):
        metafunc.parametrize("bot_database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def bot_database_url(request: pytest.FixtureRequest, tmp_path: Path, template_db: Path) -> str:
    return fresh_database_url(getattr(request, "param", "sqlite"), tmp_path, template_db)


@pytest.fixture
def settings(bot_database_url: str, emulator: BotAPIEmulator) -> Settings:
    return Settings(
        bot_token=emulator.token,
        database_url=bot_database_url,
        telegram_api_url=emulator.url,
        admin_ids=frozenset({ADMIN.id}),
        http_port=0,  # several bots at once must not fight for 8080: RunningBot(http=True) takes a free port
        _env_file=None,
    )


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[RunningBot]:
    running = RunningBot(settings, clock)
    await running.start()
    yield running
    await running.stop()
