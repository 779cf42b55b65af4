"""Wiring: database, Bot, Dispatcher, middlewares, routers; start-up and polling."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, system_clock
from bot.fsm_storage import DialogMarks, SqlStorage
from bot.middlewares import DbSessionMiddleware, LeaveDialogOnCommand, OneUpdatePerChat, ViewerMiddleware
from bot.telegram_calls import CommitBeforeCalling, KeepResponseTypes
from bot.services.dataset import directory_is_empty, import_dataset, load_dataset
from bot.services.search import DirectorySearch
from bot.settings import Settings
from handlers import routers
from handlers.announcements_report import ProgressReporter
from handlers.errors import on_error
from handlers.notify import set_default_commands
from models.db import create_engine, migrate, session_factory
from scheduler.sender import Sender

log = logging.getLogger(__name__)


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    async def close(self) -> None:
        await self.engine.dispose()


async def open_database(settings: Settings, *, load_bundled: bool = True) -> Database:
    """Connect, migrate to the newest schema and, into an empty directory, load the bundled data."""
    engine = create_engine(settings.database_url)
    await migrate(engine)
    sessions = session_factory(engine)
    if load_bundled:
        async with sessions.begin() as session:
            if await directory_is_empty(session):
                report = await import_dataset(session, load_dataset(settings.dataset_path))
                log.info("loaded the bundled dataset: %s", dict(report.created))
    return Database(engine, sessions)


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url.rstrip("/")))
    session.middleware(KeepResponseTypes())
    session.middleware(CommitBeforeCalling())
    return Bot(
        settings.bot_token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_storage(settings: Settings, database: Database, clock: Clock) -> BaseStorage:
    ttl = timedelta(hours=settings.dialog_ttl_hours)
    storage: BaseStorage
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        storage = RedisStorage.from_url(settings.redis_url, state_ttl=ttl, data_ttl=ttl)
    else:
        storage = SqlStorage(database.sessions, clock, ttl)
    return DialogMarks(storage, database.sessions, clock)


@dataclass
class App:
    settings: Settings
    database: Database
    bot: Bot
    dispatcher: Dispatcher
    search: DirectorySearch
    sender: Sender
    clock: Clock
    # Names this process in the ticker lease, so that of several instances only one ticks.
    instance_id: str = field(default_factory=lambda: secrets.token_hex(8))


def create_dispatcher(
    settings: Settings, database: Database, search: DirectorySearch, clock: Clock, sender: Sender
) -> Dispatcher:
    # aiogram's FSM middleware is re-registered after ours, so that reading a chat's dialog state
    # happens in the update's session instead of opening a second one on every update.
    dp = Dispatcher(storage=create_storage(settings, database, clock), disable_fsm=True,
                    settings=settings, clock=clock, search=search, sender=sender)
    dp.update.outer_middleware(OneUpdatePerChat())
    dp.update.outer_middleware(DbSessionMiddleware(database.sessions))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(ViewerMiddleware(settings, clock))
    dp.update.outer_middleware(LeaveDialogOnCommand())
    dp.include_routers(*routers())
    dp.errors.register(on_error)
    return dp


async def create_app(settings: Settings, *, clock: Clock = system_clock) -> App:
    database = await open_database(settings)
    search = DirectorySearch()
    async with database.sessions() as session:
        await search.refresh(session)
    bot = create_bot(settings)
    sender = Sender.from_settings(bot, database.sessions, clock, settings)
    sender.observe(ProgressReporter(bot, database.sessions, settings, clock))
    dispatcher = create_dispatcher(settings, database, search, clock, sender)
    return App(settings, database, bot, dispatcher, search, sender, clock)


async def run_polling(
    app: App, *, handle_as_tasks: bool = True, polling_timeout: int = 10, handle_signals: bool = True,
    background: bool = True,
) -> None:
    """Poll until stopped; with `background`, the scheduler ticks and the sender delivers alongside
    (tests leave it off and drive `tick` and `Sender.deliver_due` with their own clock). Closes
    everything on the way out."""
    from scheduler import create_scheduler
    from scheduler.jobs import step_down

    scheduler = create_scheduler(app)
    sending: asyncio.Task[None] | None = None
    if background:
        scheduler.start()
        sending = asyncio.create_task(app.sender.run(app.instance_id), name="outbox-sender")
    try:
        await app.bot.delete_webhook(drop_pending_updates=False)
        await set_default_commands(app.bot)
        await app.dispatcher.start_polling(
            app.bot, handle_as_tasks=handle_as_tasks, polling_timeout=polling_timeout, handle_signals=handle_signals,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
    finally:
        if background:
            scheduler.shutdown(wait=False)
        if sending is not None:
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)
            await step_down(app)
        await app.dispatcher.storage.close()
        await app.bot.session.close()
        await app.database.close()
