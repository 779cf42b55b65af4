"""Configuration read from the environment or a `.env` file."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Shipped in the package `data` (a checkout's data/ folder): found from any working directory.
BUNDLED_DATASET = Path(str(files("data") / "cluster.yaml"))
TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str = ""
    database_url: str = "sqlite+aiosqlite:///clusterbot.db"
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Europe/Moscow"
    # The cluster's working-day calendar (a country code the `holidays` library knows): the
    # secretariat's, and anyone's whose organisation's country the library does not know.
    work_calendar: str = "RU"
    default_language: str = "ru"
    redis_url: str = ""
    dataset_path: Path = BUNDLED_DATASET
    invite_ttl_hours: int = Field(default=72, ge=1)
    search_refresh_seconds: int = Field(default=60, ge=1)
    tick_seconds: int = Field(default=30, ge=1)
    # The outbox sender at Telegram's limits (rate 0: unlimited, e.g. with paid broadcasts).
    send_rate_per_second: float = Field(default=25.0, ge=0)
    send_chat_interval_seconds: float = Field(default=1.0, ge=0)
    send_group_per_minute: int = Field(default=20, ge=0)
    send_batch: int = Field(default=100, ge=1, le=1000)
    send_concurrency: int = Field(default=16, ge=1)
    # Announcements: how often the secretariat's confirmation shows live figures; how long after
    # one asking for reading starts those who have not confirmed are reminded (once).
    announce_progress_seconds: int = Field(default=5, ge=1)
    ack_remind_hours: int = Field(default=24, ge=1)
    # Progress reports: the default check-in (weekday 0 = Monday, hour in the cluster's time zone),
    # the nudge to a silent leader, the weekly digest to the secretariat, the edit/withdraw window.
    report_checkin_day: int = Field(default=0, ge=0, le=6)
    report_checkin_hour: int = Field(default=10, ge=0, le=23)
    report_nudge_hours: int = Field(default=24, ge=1)
    report_digest_day: int = Field(default=1, ge=0, le=6)
    report_digest_hour: int = Field(default=10, ge=0, le=23)
    report_edit_hours: int = Field(default=24, ge=0)
    # A project unreported, blocked by the same thing, or at the same percent this many check-in
    # periods needs attention (/status, the digest).
    stale_periods: int = Field(default=2, ge=1)
    # Roadmap reminders: days before a deadline (0 = on the day), sent at this local hour; then
    # every few days while overdue, and the secretariat is told once an item is this late.
    reminder_days: Annotated[tuple[int, ...], NoDecode] = (14, 7, 3, 1, 0)
    reminder_hour: int = Field(default=10, ge=0, le=23)
    reminder_overdue_every_days: int = Field(default=3, ge=1)
    reminder_escalate_after_days: int = Field(default=7, ge=1)
    reminder_late_minutes: int = Field(default=60, ge=1)
    roadmap_nudge_weekday: int = Field(default=0, ge=0, le=6)
    # Items one tick takes on at most; the rest of a burst waits for the next ticks (the sender's
    # rate is slower anyway), so that a tick stays short and within its lease.
    reminder_tick_items: int = Field(default=500, ge=1)
    dialog_ttl_hours: int = Field(default=48, ge=1)
    # Logs: "text" for people, "json" (one object a line) for log shippers; the instance's name in
    # every record (empty: host name and process id).
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    instance_name: str = ""
    # Webhook mode when WEBHOOK_URL is set (else long polling). The instance's HTTP server serves
    # it, /healthz and /metrics; port 0 turns the server off (polling only).
    webhook_url: str = ""
    webhook_secret: str = ""
    # Where people reach this HTTP server from outside (the personal calendar feeds' links); empty:
    # WEBHOOK_URL's scheme and host.
    public_url: str = ""
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # Updates one instance handles at once; how long an instance's claim on an update lasts
    # unrenewed (after a crash, another instance takes the update over then); how long a
    # stopping instance lets the updates it took finish.
    update_workers: int = Field(default=8, ge=1)
    update_lease_seconds: int = Field(default=30, ge=2)
    stop_timeout_seconds: float = Field(default=10.0, ge=0)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value) if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("ADMIN_IDS must be comma-separated numeric Telegram user ids")
            return frozenset(int(p) for p in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value) if p]
            if not parts or not all(p.isdigit() and int(p) <= 365 for p in parts):
                raise ValueError("REMINDER_DAYS must be comma-separated days before a deadline, e.g. 14,7,3,1,0")
            return tuple(sorted({int(p) for p in parts}, reverse=True))
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        # Without a scheme aiohttp refuses every call with an error quoting the URL, token and all.
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("TELEGRAM_API_URL must be an http:// or https:// URL, e.g. https://api.telegram.org")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("work_calendar")
    @classmethod
    def _known_calendar(cls, value: str) -> str:
        if value.upper() not in holidays.list_supported_countries():
            raise ValueError(
                f"WORK_CALENDAR must be a country code the holidays library knows (RU, FI …), not {value!r}"
            )
        return value.upper()

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in ("ru", "en"):
            raise ValueError("DEFAULT_LANGUAGE must be ru or en")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", value):
            raise ValueError("WEBHOOK_URL must be the public URL Telegram calls, e.g. https://bot.example.org/telegram")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", value):
            raise ValueError("PUBLIC_URL must be where the bot's HTTP server is reached, e.g. https://bot.example.org")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET must be set with WEBHOOK_URL (Telegram sends it back with each update)")
        if self.webhook_url and not self.http_port:
            raise ValueError("HTTP_PORT must not be 0 with WEBHOOK_URL (the webhook is served on it)")
        return self

    @property
    def webhook_path(self) -> str:
        """The path the webhook is served at: the public URL's (a reverse proxy passes it on)."""
        return urlsplit(self.webhook_url).path or "/"

    @property
    def public_base(self) -> str | None:
        """The HTTP server's address for links given to people: None when it is off (HTTP_PORT=0)
        or nobody said where it is reached."""
        if not self.http_port:
            return None
        if self.public_url:
            return self.public_url
        if self.webhook_url:
            parts = urlsplit(self.webhook_url)
            return f"{parts.scheme}://{parts.netloc}"
        return None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def token_problem(self) -> str | None:
        """Why the token cannot be used, or None when it looks valid."""
        if not self.bot_token:
            return "BOT_TOKEN is not set (get one from @BotFather and put it in the environment or .env)"
        if not TOKEN_PATTERN.match(self.bot_token):
            return "BOT_TOKEN is malformed: expected <digits>:<35 characters> as given by @BotFather"
        return None


class StartupError(Exception):
    """What a setting points to cannot be used — a bad DATABASE_URL or a database that does not
    answer, a missing or broken dataset: the command says so in one line and exits, no traceback."""
