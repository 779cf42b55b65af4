"""Wiring: database, Bot, Dispatcher, middlewares, routers; start-up and polling."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
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
from bot.fsm_storage import SqlStorage
from bot.http_server import HttpServer
from bot.middlewares import DbSessionMiddleware, LeaveDialogOnCommand, ViewerMiddleware
from bot.telegram_calls import CommitBeforeCalling, KeepResponseTypes
from bot.updates import UpdatePipeline, poll, webhook_endpoint
from bot.services.dataset import directory_is_empty, import_dataset, load_dataset
from bot.services.search import DirectorySearch
from bot.settings import Settings
from handlers import routers
from handlers.announcements_report import ProgressReporter
from handlers.errors import on_error
from handlers.notify import set_default_commands
from models.db import create_engine, migrate, session_factory, setting_up
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
    sessions = session_factory(engine)
    async with setting_up(engine):
        await migrate(engine)
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
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url, state_ttl=ttl, data_ttl=ttl)
    return SqlStorage(database.sessions, clock, ttl)


@dataclass
class App:
    settings: Settings
    database: Database
    bot: Bot
    dispatcher: Dispatcher
    search: DirectorySearch
    sender: Sender
    clock: Clock
    # Names this process in the ticker lease and its claims on updates, so that of several
    # instances only one ticks, and each update is handled by one.
    instance_id: str = field(default_factory=lambda: secrets.token_hex(8))
    # Set to stop `run_polling` (on SIGTERM/SIGINT, or by tests).
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


def create_dispatcher(
    settings: Settings, database: Database, search: DirectorySearch, clock: Clock, sender: Sender
) -> Dispatcher:
    # aiogram's FSM middleware is re-registered after ours, so that reading a chat's dialog state
    # happens in the update's session instead of opening a second one on every update.
    dp = Dispatcher(storage=create_storage(settings, database, clock), disable_fsm=True,
                    settings=settings, clock=clock, search=search, sender=sender)
    dp.update.outer_middleware(DbSessionMiddleware(database.sessions, clock))
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
    """Take updates until stopped: by long polling, or on the webhook when WEBHOOK_URL is set.
    Either way an update is stored before it is confirmed and handled from the inbox (see
    bot.updates); `handle_as_tasks=False` handles one at a time and confirms a batch only once it
    is handled (tests: "confirmed" then means "handled"). With `background`, the scheduler ticks
    and the sender delivers alongside (tests leave it off and drive `tick` and
    `Sender.deliver_due` with their own clock). On the way out the updates taken are finished
    (within STOP_TIMEOUT_SECONDS), then everything is closed; the webhook stays, for the others."""
    from scheduler import create_scheduler
    from scheduler.jobs import step_down

    settings = app.settings
    pipeline = UpdatePipeline(
        app.bot, app.dispatcher, app.database.sessions, app.clock, app.instance_id,
        workers=settings.update_workers if handle_as_tasks else 1,
        lease=timedelta(seconds=settings.update_lease_seconds))
    if handle_signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, app.stopping.set)
    scheduler = create_scheduler(app)
    sending: asyncio.Task[None] | None = None
    if background:
        scheduler.start()
        sending = asyncio.create_task(app.sender.run(app.instance_id), name="outbox-sender")
    handling = asyncio.create_task(pipeline.run(), name="update-workers")
    http: HttpServer | None = None
    try:
        await set_default_commands(app.bot)
        allowed_updates = app.dispatcher.resolve_used_update_types()
        if settings.webhook_url:
            http = HttpServer(settings.http_host, settings.http_port)
            http.web.router.add_post(settings.webhook_path, webhook_endpoint(pipeline, settings.webhook_secret))
            await http.start()
            await app.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                                      allowed_updates=allowed_updates, drop_pending_updates=False)
            log.info("taking updates on the webhook %s (port %s)", settings.webhook_url, http.port)
            await app.stopping.wait()
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            await poll(app.bot, pipeline, app.stopping, timeout=polling_timeout, allowed_updates=allowed_updates,
                       confirm_after_handling=not handle_as_tasks)
    finally:
        if http is not None:
            await http.stop()
        await pipeline.stop(settings.stop_timeout_seconds)
        await asyncio.gather(handling, return_exceptions=True)
        if background:
            scheduler.shutdown(wait=False)
        if sending is not None:
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)
            await step_down(app)
        await app.dispatcher.storage.close()
        await app.bot.session.close()
        await app.database.close()
