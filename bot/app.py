"""Wiring: database, Bot, Dispatcher, middlewares, routers; start-up and polling."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from sqlalchemy.exc import SQLAlchemyError

from bot import calendar_feed, health
from bot.clock import Clock, Sleep, system_clock
from bot.fsm_storage import DialogMarks, SqlStorage
from bot.health import Liveness
from bot.http_server import HttpServer
from bot.metrics import Metrics
from bot.middlewares import DbSessionMiddleware, LeaveDialogOnCommand, Measure, UpdateContext, ViewerMiddleware
from bot.runtime import Database, Runtime
from bot.services.directory.dataset import DatasetError, directory_is_empty, import_dataset, load_dataset
from bot.services.directory.dataset_schema import DatasetIn
from bot.services.directory.search import DirectorySearch
from bot.settings import Settings, StartupError
from bot.startup import wait_for_api
from bot.telegram_calls import CommitBeforeCalling, KeepResponseTypes, PollingHeartbeat, RetryTransient
from bot.updates import UpdatePipeline, poll, webhook_endpoint
from handlers import jobs, routers
from handlers.announcements.progress import ProgressReporter
from handlers.common.errors import on_error
from handlers.common.notify import set_default_commands
from models.db import create_engine, migrate, session_factory, setting_up
from scheduler.sender import Sender

log = logging.getLogger(__name__)
# How often a webhook instance asks Telegram about its webhook (within /healthz's two minutes).
WEBHOOK_LOOK_SECONDS = 30


async def open_database(settings: Settings, *, load_bundled: bool = True) -> Database:
    """Connect, migrate to the newest schema and, into an empty directory, load the bundled data.
    Raises StartupError when the database or the dataset cannot be used."""
    try:
        engine = create_engine(settings.database_url)
    except (SQLAlchemyError, ImportError) as exc:  # unparsable, unknown or synchronous driver
        raise StartupError(
            f"DATABASE_URL cannot be used ({_first_line(exc)}): expected e.g. "
            "sqlite+aiosqlite:///clusterbot.db or postgresql+asyncpg://user@host/db"
        ) from exc
    where = engine.url.render_as_string(hide_password=True)
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        # Checked before connecting: aiosqlite leaves the thread of a connection that failed to
        # open to die later with a traceback of its own.
        folder = Path(engine.url.database).parent
        if not folder.is_dir():
            await engine.dispose()
            raise StartupError(f"database {where}: the folder {folder} does not exist")
    try:
        sessions = session_factory(engine)
        async with setting_up(engine):
            await migrate(engine)
            if load_bundled:
                async with sessions.begin() as session:
                    if await directory_is_empty(session):
                        report = await import_dataset(session, _dataset(settings.dataset_path))
                        log.info("loaded the bundled dataset: %s", dict(report.created))
    except (SQLAlchemyError, OSError) as exc:  # OSError: a server that refuses or is out of reach
        await engine.dispose()
        raise StartupError(f"database {where}: {_first_line(exc)}") from exc
    except StartupError:
        await engine.dispose()
        raise
    return Database(engine, sessions)


def _dataset(path: Path) -> DatasetIn:
    try:
        return load_dataset(path)
    except DatasetError as exc:
        more = len(exc.problems) - 1
        hint = f" (and {more} more: `clusterbot import {path} --check` lists them)" if more else ""
        raise StartupError(f"dataset {exc.problems[0]}{hint}") from exc


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def create_bot(settings: Settings, *, sleep: Sleep = asyncio.sleep) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url.rstrip("/")))
    session.middleware(KeepResponseTypes())
    session.middleware(CommitBeforeCalling())
    session.middleware(RetryTransient(sleep))
    return Bot(
        settings.bot_token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


async def _check_redis(url: str) -> None:
    """Dialog state lives in Redis when REDIS_URL is set: one that does not answer is a one-line
    error at start, not an apology to every user who writes."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    parts = urlsplit(url)
    shown = parts._replace(netloc=f"{parts.hostname or ''}:{parts.port or 6379}").geturl()
    client = Redis.from_url(url, socket_connect_timeout=5)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        raise StartupError(f"REDIS_URL {shown}: {_first_line(exc)}") from exc
    finally:
        await client.aclose()


def create_storage(settings: Settings, database: Database, clock: Clock) -> BaseStorage:
    ttl = timedelta(hours=settings.dialog_ttl_hours)
    storage: BaseStorage
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        storage = RedisStorage.from_url(settings.redis_url, state_ttl=ttl, data_ttl=ttl)
    else:
        storage = SqlStorage(database.sessions, clock, ttl)
    return DialogMarks(storage, database.sessions, clock)


def _dependencies(dispatcher: Dispatcher) -> dict[str, Callable[[], Awaitable[object]]]:
    """Redis, when dialogs live there: without it no dialog step can be read or kept."""
    from aiogram.fsm.storage.redis import RedisStorage

    storage = dispatcher.storage
    inner = storage.storage if isinstance(storage, DialogMarks) else storage
    return {"redis": inner.redis.ping} if isinstance(inner, RedisStorage) else {}


@dataclass(kw_only=True)
class App(Runtime):
    dispatcher: Dispatcher
    # Serves /healthz, /metrics and the calendar feeds (None with HTTP_PORT=0); started and
    # stopped with the bot.
    http: HttpServer | None
    # How the Bot API client and the start-up wait between retries (tests pass one that returns at once).
    sleep: Sleep = asyncio.sleep
    # Set to stop `run_polling` (on SIGTERM/SIGINT, or by tests).
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


def create_dispatcher(
    settings: Settings,
    database: Database,
    search: DirectorySearch,
    clock: Clock,
    sender: Sender,
    metrics: Metrics,
    liveness: Liveness,
) -> Dispatcher:
    # aiogram's FSM middleware is re-registered after ours, so that reading a chat's dialog state
    # happens in the update's session instead of opening a second one on every update.
    dp = Dispatcher(
        storage=create_storage(settings, database, clock),
        disable_fsm=True,
        settings=settings,
        clock=clock,
        search=search,
        sender=sender,
    )
    dp.update.outer_middleware(UpdateContext())
    dp.update.outer_middleware(Measure(metrics, liveness, clock))
    dp.update.outer_middleware(DbSessionMiddleware(database.sessions, clock))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(ViewerMiddleware(settings, clock))
    dp.update.outer_middleware(LeaveDialogOnCommand())
    dp.include_routers(*routers())
    dp.errors.register(on_error)
    return dp


async def create_app(settings: Settings, *, clock: Clock = system_clock, sleep: Sleep = asyncio.sleep) -> App:
    if settings.redis_url:
        await _check_redis(settings.redis_url)
    database = await open_database(settings)
    search = DirectorySearch()
    async with database.sessions() as session:
        await search.refresh(session)
    metrics, liveness = Metrics(), Liveness()
    bot = create_bot(settings, sleep=sleep)
    bot.session.middleware(PollingHeartbeat(liveness, clock))
    sender = Sender.from_settings(bot, database.sessions, clock, settings, metrics)
    sender.observe(ProgressReporter(bot, database.sessions, settings, clock))
    dispatcher = create_dispatcher(settings, database, search, clock, sender, metrics, liveness)
    http = HttpServer(settings.http_host, settings.http_port) if settings.http_port else None
    app = App(
        settings=settings,
        database=database,
        bot=bot,
        search=search,
        sender=sender,
        clock=clock,
        metrics=metrics,
        liveness=liveness,
        jobs=jobs(),
        dependencies=_dependencies(dispatcher),
        dispatcher=dispatcher,
        http=http,
        sleep=sleep,
    )
    if http is not None:
        add_http_routes(http, app)
    return app


def add_http_routes(http: HttpServer, app: Runtime) -> None:
    """What the instance's HTTP server serves besides the webhook."""
    health.add_routes(http, app)
    calendar_feed.add_routes(http)


async def run_polling(
    app: App,
    *,
    handle_as_tasks: bool = True,
    polling_timeout: int = 10,
    handle_signals: bool = True,
    background: bool = True,
) -> None:
    """Wait for the Bot API, then take updates until stopped: by long polling, or on the webhook
    when WEBHOOK_URL is set. Either way an update is stored before it is confirmed and handled
    from the inbox (see bot.updates); `handle_as_tasks=False` handles one at a time and confirms a
    batch only once it is handled (tests: "confirmed" then means "handled"). With `background`,
    the scheduler ticks and the sender delivers alongside (tests leave it off and drive `tick` and
    `Sender.deliver_due` with their own clock). On the way out the updates taken are finished
    (within STOP_TIMEOUT_SECONDS), then everything is closed; the webhook stays, for the others."""
    from scheduler import create_scheduler
    from scheduler.jobs import step_down

    settings = app.settings
    pipeline = UpdatePipeline(
        app.bot,
        app.dispatcher,
        app.database.sessions,
        app.clock,
        app.instance_id,
        workers=settings.update_workers if handle_as_tasks else 1,
        lease=timedelta(seconds=settings.update_lease_seconds),
    )
    if app.http is not None:
        if settings.webhook_url:  # routes are added before the server starts
            app.http.web.router.add_post(settings.webhook_path, webhook_endpoint(pipeline, settings.webhook_secret))
        await _serve(app)
    if handle_signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, app.stopping.set)
    scheduler = create_scheduler(app)
    sending: asyncio.Task[None] | None = None
    handling: asyncio.Task[None] | None = None
    try:
        me = await wait_for_api(app.bot, app.stopping, sleep=app.sleep)
        if me is None:
            return
        if background:
            scheduler.start()
            sending = asyncio.create_task(app.sender.run(app.instance_id), name="outbox-sender")
        handling = asyncio.create_task(pipeline.run(), name="update-workers")
        await set_default_commands(app.bot)
        allowed_updates = app.dispatcher.resolve_used_update_types()
        if settings.webhook_url:
            await app.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=allowed_updates,
                drop_pending_updates=False,
            )
            log.info(
                "taking updates on the webhook %s (port %s)",
                settings.webhook_url,
                app.http.port if app.http is not None else None,
            )
            await _watch_webhook(app)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            log.info("taking updates by long polling as @%s", me.username)
            await poll(
                app.bot,
                pipeline,
                app.stopping,
                timeout=polling_timeout,
                allowed_updates=allowed_updates,
                confirm_after_handling=not handle_as_tasks,
            )
    finally:
        if app.http is not None:
            await app.http.stop()
        await pipeline.stop(settings.stop_timeout_seconds)
        if handling is not None:
            await asyncio.gather(handling, return_exceptions=True)
        await scheduler.stop(settings.stop_timeout_seconds)
        if sending is not None:
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)
            await step_down(app)
        await _close(app)


async def _watch_webhook(app: App) -> None:
    """Until stopped, asks Telegram about the webhook now and then: an answer shows /healthz that
    updates can flow (a quiet bot gets no requests for hours), and Telegram's last delivery error,
    when there is a new one, is logged."""
    reported: datetime | None = None
    while not app.stopping.is_set():
        try:
            info = await app.bot.get_webhook_info()
        except Exception as exc:  # noqa: BLE001 - /healthz shows it; the next look may succeed
            log.warning("getWebhookInfo failed: %s", exc)
        else:
            app.liveness.source_alive_at = app.clock()
            if info.last_error_date is not None and info.last_error_date != reported:
                reported = info.last_error_date
                log.warning("Telegram could not deliver to the webhook: %s", info.last_error_message)
        try:  # asyncio.timeout: on 3.11 wait_for may lose a cancel coming as the event is set
            async with asyncio.timeout(WEBHOOK_LOOK_SECONDS):
                await app.stopping.wait()
        except TimeoutError:
            pass


async def _close(app: App) -> None:
    await app.dispatcher.storage.close()
    await app.bot.session.close()
    await app.database.close()


async def _serve(app: App) -> None:
    """Bound before the Bot API is called and anything is started, so that a taken port ends the
    start with one line (the database is opened, and migrated, before)."""
    http = app.http
    assert http is not None
    try:
        await http.start()
    except OSError as exc:  # the port is taken, or the host is not this machine's
        await _close(app)
        raise StartupError(
            f"HTTP server on {http.host}:{http.port}: {exc.strerror or exc} "
            "(set HTTP_HOST/HTTP_PORT, or HTTP_PORT=0 for none)"
        ) from exc
