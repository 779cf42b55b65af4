"""Logs an operator can use: one event a line, as text or as JSON for log shippers (LOG_FORMAT),
each naming the instance and, while an update is handled, its id; and never a secret.

Secrets are redacted by a filter on the handlers, not on loggers: a handler sees every record,
aiogram's and aiohttp's included, whose network errors quote the request URL and with it the
bot token (`…/bot<TOKEN>/getUpdates`)."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import urlsplit

from bot.settings import Settings

REDACTED = "[redacted]"
_PLAIN = logging.Formatter()

# The update being handled in this context: set by bot.middlewares.UpdateContext, and around the
# apology in handlers.common.errors (aiogram calls error handlers outside the update's middlewares).
# None outside updates: polling, the scheduler, the outbox sender.
handling_update: ContextVar[int | None] = ContextVar("handling_update", default=None)


@contextmanager
def update_context(update_id: int) -> Iterator[None]:
    token = handling_update.set(update_id)
    try:
        yield
    finally:
        handling_update.reset(token)


def secrets_of(settings: Settings) -> list[str]:
    """What must never reach a log: the token (also its secret half alone, the bot id being
    public), the webhook's secret and the passwords of the database and Redis URLs."""
    found = [settings.bot_token, settings.bot_token.partition(":")[2], settings.webhook_secret]
    found += [urlsplit(url).password or "" for url in (settings.database_url, settings.redis_url)]
    return found


def instance_name(settings: Settings) -> str:
    return settings.instance_name or f"{socket.gethostname()}-{os.getpid()}"


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's message, exception text and stack by `[redacted]`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Short strings are left alone: they would cut up ordinary words, and guessing them is easy anyway.
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the handler's to report, not ours
            return True
        if (clean := self.redact(message)) != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set, so the traceback is redacted once, here.
            record.exc_text = _PLAIN.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class AddContext(logging.Filter):
    """Stamps `instance` and `update_id` (None outside an update) on every record."""

    def __init__(self, instance: str) -> None:
        super().__init__()
        self._instance = instance

    def filter(self, record: logging.LogRecord) -> bool:
        record.instance = self._instance
        record.update_id = handling_update.get()
        return True


class TextFormatter(logging.Formatter):
    """`time level instance [update N] logger: message`; a traceback's lines follow indented, so
    that each event starts a line and its continuation is told apart."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(instance)s%(update)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        update_id = getattr(record, "update_id", None)
        record.update = f" update={update_id}" if update_id is not None else ""
        return super().format(record).replace("\n", "\n    ")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, instance, update_id
    when handling an update, exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "instance": getattr(record, "instance", None),
        }
        if (update_id := getattr(record, "update_id", None)) is not None:
            entry["update_id"] = update_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def prepare(handler: logging.Handler, settings: Settings) -> logging.Handler:
    """Make `handler` redact secrets, add the context and write in the configured format."""
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    handler.addFilter(AddContext(instance_name(settings)))
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    return handler


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """The process's logging: one handler on the root logger (so every library's records pass
    through the redaction), at LOG_LEVEL."""
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(prepare(logging.StreamHandler(stream or sys.stderr), settings))
    root.setLevel(settings.log_level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler says "Running job …" and "… executed successfully" at every tick; its errors stay.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
