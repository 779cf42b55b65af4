"""In-process Telegram Bot API emulator for tests.

Serves the Bot API over HTTP on 127.0.0.1, so the real aiogram Bot/Dispatcher poll it::

    async with BotAPIEmulator() as emu:
        bot = emu.make_bot()  # Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))
        polling = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, handle_signals=False))
        [reply] = await emu.ask(User(1, "Ann"), "/start")  # send as a user, wait until handled

Tests act as users (send_message, press, inline_query, ...); every request of the bot is recorded
as a :class:`Call`.  An update counts as handled once the bot calls getUpdates with an offset past
it; with ``handle_as_tasks=False`` the handler has finished by then.  getUpdates calls are kept in
``calls`` but left out of ``wait_for(method=None)``, ``wait_handled``, ``ask`` and ``tap``.

Once the bot calls setWebhook, updates are POSTed to its URL instead, as Telegram does: with the
``X-Telegram-Bot-Api-Secret-Token`` header, one update of a chat at a time, and again (after
``webhook_retry_seconds``) until the answer is 2xx; getUpdates then answers 409.  An update
counts as confirmed (``wait_handled``) at the 2xx; :attr:`deliveries` lists every attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import inspect
import itertools
import json
import mimetypes
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

Json = dict[str, Any]
Files = dict[str, "UploadedFile"]
TOKEN_RE = re.compile(r"\d+:[^/\s]+")
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT = 4096, 1024, 64
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
# Parameters kept as strings; other string values are JSON-decoded when they parse
# (aiogram sends numbers, booleans, objects and arrays as JSON text in multipart forms).
TEXT_FIELDS = frozenset(
    "text caption query data callback_query_id inline_query_id next_offset switch_pm_text "
    "switch_pm_parameter phone_number first_name last_name vcard url secret_token title "
    "description name short_description emoji file_id parse_mode action message_effect_id "
    "business_connection_id language_code ip_address photo document sticker video audio voice "
    "animation video_note thumbnail inline_message_id address question custom_emoji_id".split()
)
SEND_PREFIXES = ("send", "copy", "forward", "edit")  # methods refused by a blocked chat
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONTENT_KEYS = ("text", "entities", "caption", "caption_entities", "photo", "document", "contact", "sticker")
ADMIN_RIGHTS = (
    "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
    "can_promote_members can_change_info can_invite_users can_post_stories can_edit_stories "
    "can_delete_stories can_send_welcome_messages can_pin_messages"
).split()


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def payload(self) -> Json:
        data: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            data["parameters"] = {"retry_after": self.retry_after}
        return data


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# ---------------------------------------------------------------- Telegram HTML parse mode
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z][\w-]*"
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z][\w-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_TEXT_RE = re.compile(r"[^<&]+")
_HTML_ENTITY_RE = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}


def parse_html(source: str) -> tuple[str, list[Json]]:
    """Parse Telegram-flavoured HTML into (plain text, entities); ValueError if malformed."""
    out: list[str] = []
    entities: list[Json] = []
    stack: list[tuple[str, int, dict[str, str]]] = []  # open tags: (name, utf-16 offset, attrs)
    pos = i = 0
    while i < len(source):
        at = f"at byte offset {len(source[:i].encode())}"
        if source[i] == "&":
            if not (m := _HTML_ENTITY_RE.match(source, i)):
                raise ValueError(f'Character "&" must be escaped as "&amp;" {at}')
            piece, i = html.unescape(m.group()), m.end()
        elif source[i] == "<":
            if not (m := _TAG_RE.match(source, i)):
                raise ValueError(f'Unexpected "<" {at}: a literal "<" must be escaped as "&lt;"')
            closing, name, i = m.group(1) == "/", m.group(2).lower(), m.end()
            if name not in _TAGS:
                raise ValueError(f'Unsupported {"end" if closing else "start"} tag "{name}" {at}')
            if not closing:
                attrs = {a[1].lower(): html.unescape(a[2] or a[3] or a[4]) for a in _ATTR_RE.finditer(m.group(3))}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise ValueError(f'Tag "span" must have class "tg-spoiler" {at}')
                stack.append((name, pos, attrs))
            elif not stack or stack[-1][0] != name:
                expected = f'"</{stack[-1][0]}>"' if stack else "no end tag"
                raise ValueError(f'Unmatched end tag {at}, expected {expected}, found "</{name}>"')
            else:
                tag, start, attrs = stack.pop()
                if pos > start and (tag != "a" or attrs.get("href")):
                    entity = {"type": _TAGS[tag], "offset": start, "length": pos - start}
                    entities.append(entity | ({"url": attrs["href"]} if tag == "a" else {}))
            continue
        else:
            m = _TEXT_RE.match(source, i)
            assert m is not None  # source[i] is neither "&" nor "<"
            piece, i = m.group(), m.end()
        out.append(piece)
        pos += utf16_len(piece)
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


# ---------------------------------------------------------------- records
@dataclass
class UploadedFile:
    """A file uploaded in a request (aiogram InputFile), or stored by the emulator."""

    filename: str | None
    content: bytes
    content_type: str | None = None
    file_id: str = ""  # set once stored
    file_path: str = ""

    @property
    def file_unique_id(self) -> str:
        return f"AgAD{self.file_id[-8:]}"


@dataclass
class Call:
    """One Bot API request as the emulator saw and answered it."""

    seq: int
    method: str
    params: Json  # JSON-valued fields decoded
    files: Files = field(default_factory=dict)  # by parameter ("document")
    result: Any = None
    error: Json | None = None  # the error answer: {"ok": False, "error_code": ..., "description": ...}

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def chat(self) -> int:
        """chat_id as a number (the calls that name a chat by its id)."""
        return int(self.params["chat_id"])

    @property
    def returned_message(self) -> Json | None:
        """The Message the call returned (send*, edit*, forwardMessage), if any."""
        return self.result if isinstance(self.result, dict) and "chat" in self.result else None

    @property
    def message(self) -> Json:
        """The Message the call returned; AssertionError if it returned none."""
        if (message := self.returned_message) is None:
            raise AssertionError(f"call returned no message: {self}")
        return message

    @property
    def text(self) -> str:
        """Text or caption as the user sees it (HTML parsed); as sent if the call failed; "" if none."""
        source = self.returned_message or self.params
        return str(source.get("text", source.get("caption")) or "")

    @property
    def buttons(self) -> list[Json]:
        """Buttons of the inline or reply keyboard sent, flattened."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def __str__(self) -> str:
        keys = ("chat_id", "message_id", "text", "caption", "file_id")
        shown = {k: v for k, v in self.params.items() if k in keys}
        outcome = "ok" if self.error is None else f"ERROR {self.error['error_code']} {self.error['description']}"
        return f"#{self.seq} {self.method}({shown}) -> {outcome}"


@dataclass
class User:
    """A Telegram user the test acts as."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "ru"

    def to_dict(self) -> Json:
        optional = {k: getattr(self, k) for k in ("last_name", "username", "language_code")}
        return {"id": self.id, "is_bot": False, "first_name": self.first_name} | {
            k: v for k, v in optional.items() if v is not None
        }


def _chat_of(update: Json) -> int | None:
    """The chat (else the user) an update belongs to: Telegram delivers these one at a time."""
    event = next(v for k, v in update.items() if k != "update_id")
    for holder in (event, event.get("message") or {}):
        if isinstance(holder.get("chat"), dict):
            return int(holder["chat"]["id"])
    sender = event.get("from") or event.get("user")
    return int(sender["id"]) if isinstance(sender, dict) else None


@dataclass
class _Fault:
    method: str  # lower case, "*" = any
    error: ApiError
    times: int
    chat_id: int | str | None


_OWN: Any = object()  # default meaning "the user's own"


class _TelegramLimits:
    """Token buckets keyed by "all", a private chat or a group; a send takes one token from each."""

    def __init__(self, overall: float, per_chat: float, per_group_minute: float, chat_burst: float) -> None:
        self._rules = {
            "all": (overall, overall),
            "private": (per_chat, chat_burst),
            "group": (per_group_minute / 60, per_group_minute),
        }
        self._buckets: dict[Any, tuple[float, float]] = {}  # key -> (tokens, at)
        self.throttled = 0

    def take(self, chat: Json) -> None:
        now = time.monotonic()
        kind = "private" if chat["type"] == "private" else "group"
        keys = [("all", "all"), (kind, chat["id"])]
        levels = []
        for rule, key in keys:
            rate, burst = self._rules[rule]
            tokens, at = self._buckets.get(key, (burst, now))
            tokens = min(burst, tokens + (now - at) * rate)
            if tokens < 1:
                self.throttled += 1
                retry = max(1, int((1 - tokens) / rate + 0.999))
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
            levels.append((key, tokens))
        for key, tokens in levels:
            self._buckets[key] = (tokens - 1, now)


class BotAPIEmulator:
    """Fake Telegram Bot API server; see the module docstring."""

    def __init__(
        self, *, bot_id: int = 7000000001, username: str = "clusterbot_test_bot", first_name: str = "Clusterbot Test"
    ) -> None:
        self.bot_id, self.username, self.first_name = bot_id, username, first_name
        self.calls: list[Call] = []
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[Json]] = {}  # (scope JSON, language_code) -> commands
        self._seq = 0
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = False
        self._changed = asyncio.Event()  # replaced by a fresh one on every change
        self._users: dict[int, User] = {}
        self._chats: dict[int, Json] = {}
        self._gone: set[int] = set()
        self._blocked: set[int] = set()
        self._members: dict[tuple[int, int], str] = {}  # (chat id, user id) -> status
        self._messages: dict[tuple[int, int], Json] = {}  # (chat id, message id) -> current message
        self._last_message_id: dict[int, int] = {}
        self._files: Files = {}  # by file_id and by file_path
        self._queries: dict[str, bool] = {}  # callback/inline query id -> answered
        self._faults: list[_Fault] = []
        self._updates: list[Json] = []  # pending, not yet confirmed
        self._next_update_id = 10001
        self._update_seq: dict[int, int] = {}  # update_id -> last seq when it was created
        self._offset = 0  # highest getUpdates offset seen
        self._offset_log: list[tuple[int, int]] = []  # (offset, last seq) each time it grew
        self._dropped: set[int] = set()  # updates discarded unseen (allowed_updates, drop_pending)
        self._allowed: set[str] | None = None
        self._limits: _TelegramLimits | None = None  # see enforce_limits
        self.webhook_secret: str | None = None
        self.webhook_retry_seconds = 0.05
        self.deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status, 0: no answer) per attempt
        self._delivered: set[int] = set()  # confirmed by a webhook's 2xx
        self._delivering: asyncio.Task[None] | None = None

    # ---------------------------------------------------------------- server lifecycle
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        # Started again after stop(), it listens on the same port: to the bot, an outage ended.
        await web.TCPSite(self._runner, "127.0.0.1", self._port).start()
        self._port = self._runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        self._closing = True  # releases pending long polls
        self._notify()
        await self._stop_delivering()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def token(self) -> str:
        """A well-formed token for :attr:`bot_id` (any well-formed token is accepted)."""
        return f"{self.bot_id}:AAE-emulator-test-token-0123456789abcdef"

    @property
    def bot_user(self) -> Json:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def make_bot(self, **kwargs: Any) -> Bot:
        """An aiogram Bot talking to this emulator; kwargs go to Bot (e.g. ``default=``)."""
        return Bot(self.token, session=AiohttpSession(api=TelegramAPIServer.from_base(self.url)), **kwargs)

    # ---------------------------------------------------------------- HTTP layer
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._decode(request)
        try:
            result = await self._dispatch(request.match_info["token"], method, params, files)
        except ApiError as e:
            error = e
        except KeyError as e:  # a required parameter is missing
            error = _bad(f"{e.args[0]} is empty")
        except (TypeError, ValueError) as e:
            error = _bad(f"invalid parameter: {e}")
        else:
            self._record(method, params, files, result=result)
            return web.json_response({"ok": True, "result": result})
        self._record(method, params, files, error=error.payload())
        return web.json_response(error.payload(), status=error.code)

    async def _dispatch(self, token: str, method: str, params: Json, files: Files) -> Any:
        if not TOKEN_RE.fullmatch(token):
            raise ApiError(401, "Unauthorized")
        name = method.lower()
        for fault in self._faults:
            if fault.method != name and (fault.method != "*" or name == "getupdates"):
                continue
            if fault.chat_id is None or str(params.get("chat_id")) == str(fault.chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                raise fault.error
        handler = getattr(self, f"_api_{name}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        for key in ("chat_id", "from_chat_id"):
            if params.get(key) is not None:
                self._chat(params[key])  # may raise "chat not found"
        if params.get("chat_id") is not None and name.startswith(SEND_PREFIXES):
            chat = self._chat(params["chat_id"])
            if chat["id"] in self._blocked:
                raise ApiError(
                    403,
                    {
                        "private": "Forbidden: bot was blocked by the user",
                        "channel": "Forbidden: bot is not a member of the channel chat",
                    }.get(chat["type"], f"Forbidden: bot was kicked from the {chat['type']} chat"),
                )
        if (
            self._limits is not None
            and name.startswith(("send", "copy", "forward"))
            and params.get("chat_id") is not None
        ):
            self._limits.take(self._chat(params["chat_id"]))
        result = handler(params, files)
        return await result if inspect.isawaitable(result) else result

    async def _decode(self, request: web.Request) -> tuple[Json, Files]:
        """Request parameters (query, multipart, urlencoded or JSON) and uploads by parameter name."""
        raw: Json = dict(request.query)
        uploads: Files = {}
        if request.content_type == "application/json" and request.can_read_body:
            raw.update(await request.json())
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    uploads[key] = UploadedFile(value.filename, value.file.read(), value.content_type)
                else:
                    raw[key] = value
        params = {k: self._decode_value(k, v) for k, v in raw.items()}
        files = {
            k: uploads.pop(v[9:])
            for k, v in params.items()
            if isinstance(v, str) and v.startswith("attach://") and v[9:] in uploads
        }
        return params, files | uploads

    @staticmethod
    def _decode_value(key: str, value: Any) -> Any:
        if not isinstance(value, str) or key in TEXT_FIELDS:
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    async def _download(self, request: web.Request) -> web.Response:
        stored = self._files.get(request.match_info["path"])
        if stored is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=stored.content, content_type=stored.content_type or "application/octet-stream")

    def _record(self, method: str, params: Json, files: Files, result: Any = None, error: Json | None = None) -> None:
        self._seq += 1
        self.calls.append(Call(self._seq, method, params, files, copy.deepcopy(result), error))
        self._notify()

    # ---------------------------------------------------------------- synchronisation
    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], Any], timeout: float) -> Any:
        """Return the first truthy ``predicate()``; TimeoutError after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            if value := predicate():
                return value
            if (remaining := deadline - loop.time()) <= 0:
                raise TimeoutError
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    @staticmethod
    def _matches(call: Call, method: str | None, chat_id: int | str | None) -> bool:
        name = call.method.lower()
        if name == "getupdates" if method is None else name != method.lower():
            return False
        return chat_id is None or str(call.chat_id) == str(chat_id)

    def calls_of(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        return [c for c in self.calls if self._matches(c, method, chat_id)]

    async def wait_for(
        self,
        method: str | None = None,
        *,
        chat_id: int | str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        after: int | Call | None = None,
        timeout: float = 5.0,
    ) -> Call:
        """The first call matching method/chat_id/predicate with seq > after, recorded or to come."""
        after_seq = after.seq if isinstance(after, Call) else (after or 0)

        def find() -> Call | None:
            return next(
                (
                    c
                    for c in self.calls
                    if c.seq > after_seq and self._matches(c, method, chat_id) and (predicate is None or predicate(c))
                ),
                None,
            )

        try:
            return await self._wait_until(find, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no {method or 'call'} (chat_id={chat_id}, after={after_seq}) within {timeout}s\n{self.dump()}"
            ) from None

    async def wait_handled(self, update: int | Json, timeout: float = 5.0) -> list[Call]:
        """Wait until the bot confirmed ``update`` (a getUpdates offset past it).

        Returns the calls (getUpdates excluded) made between its creation and its confirmation.
        """
        update_id = update["update_id"] if isinstance(update, dict) else update
        try:
            await self._wait_until(
                lambda: self._offset > update_id or update_id in self._dropped or update_id in self._delivered, timeout
            )
        except TimeoutError:
            raise AssertionError(
                f"update {update_id} not handled within {timeout}s (polling not running? handler stuck?)\n{self.dump()}"
            ) from None
        start = self._update_seq.get(update_id, 0)
        end = next((seq for offset, seq in self._offset_log if offset > update_id), self._seq)
        return [c for c in self.calls if start < c.seq <= end and c.method.lower() != "getupdates"]

    async def ask(self, user: User, text: str, *, chat: int | None = None, timeout: float = 5.0) -> list[Call]:
        """Send ``text`` as ``user``; return the bot's calls made while handling it."""
        return await self.wait_handled(self.send_message(user, text, chat=chat), timeout)

    async def tap(self, user: User, message: Any, callback_data: str, *, timeout: float = 5.0) -> list[Call]:
        """Press an inline button as ``user`` (see :meth:`press`); return the bot's calls."""
        return await self.wait_handled(self.press(user, message, callback_data), timeout)

    def dump(self, last: int = 20) -> str:
        recent = [c for c in self.calls if c.method.lower() != "getupdates"][-last:]
        pending = [u["update_id"] for u in self._updates]
        return "\n".join(
            [
                f"last {len(recent)} calls:",
                *(f"  {c}" for c in recent),
                f"pending updates: {pending}, confirmed offset: {self._offset}",
            ]
        )

    # ---------------------------------------------------------------- test controls
    def fail(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        *,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*": any but getUpdates) fail."""
        if error_code == 429:
            retry_after = retry_after or 1
            description = description or f"Too Many Requests: retry after {retry_after}"
        error = ApiError(error_code, description or HTTPStatus(error_code).phrase, retry_after)
        self._faults.append(_Fault(method.lower(), error, times, chat_id))

    def enforce_limits(
        self, *, overall: float = 30, per_chat: float = 1, per_group_minute: float = 20, chat_burst: float = 3
    ) -> None:
        """Opt-in: answer 429 with retry_after, as Telegram does, when sends exceed its limits
        (token buckets: `overall` a second with a burst of as many, `per_chat` a second with a
        burst of `chat_burst`, `per_group_minute` a minute in groups and channels);
        :attr:`throttled` counts the 429s given."""
        self._limits = _TelegramLimits(overall, per_chat, per_group_minute, chat_burst)

    @property
    def throttled(self) -> int:
        return self._limits.throttled if self._limits else 0

    def redeliver(self, update: Json) -> None:
        """Hand a confirmed update over again, as Telegram does when the bot crashed before
        confirming it (it comes first, with its own update_id)."""
        self._updates.insert(0, copy.deepcopy(update))
        self._dropped.discard(update["update_id"])
        self._notify()

    def block(self, chat_id: int) -> None:
        """Sends and edits to ``chat_id`` answer 403 (blocked by the user / kicked)."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def remove_chat(self, chat_id: int) -> None:
        """Calls naming ``chat_id`` answer 400 "chat not found" (deleted account, left group)."""
        self._gone.add(chat_id)
        self._chats.pop(chat_id, None)

    def add_chat(
        self, chat_id: int, type: str = "supergroup", title: str = "Test group", username: str | None = None
    ) -> Json:
        """Register a group, supergroup or channel."""
        chat: Json = {"id": chat_id, "type": type, "title": title}
        if username:
            chat["username"] = username
        self._gone.discard(chat_id)
        self._chats[chat_id] = chat
        return chat

    def set_member(self, chat_id: int, user: User | int, status: str = "member") -> None:
        """getChatMember status: creator, administrator, member, left or kicked."""
        self._members[(chat_id, user if isinstance(user, int) else self._remember(user).id)] = status

    def message(self, chat_id: int, message_id: int) -> Json:
        """Current state of a message (after edits); AssertionError if deleted or unknown."""
        if (current := self._messages.get((chat_id, message_id))) is None:
            raise AssertionError(f"message {message_id} in chat {chat_id} does not exist (deleted?)")
        return copy.deepcopy(current)

    # ---------------------------------------------------------------- user side (return the Update)
    def send_message(
        self, user: User, text: str, *, chat: int | None = None, entities: list[Json] | None = None
    ) -> Json:
        """Message from ``user`` (in their private chat unless ``chat``); "/cmd" gets a bot_command."""
        if entities is None and (m := re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)):
            entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group())}]
        return self._user_message(user, chat, text=text, entities=entities or None)

    def send_contact(
        self,
        user: User,
        phone_number: str,
        *,
        user_id: int | None = _OWN,
        first_name: str = _OWN,
        last_name: str | None = None,
    ) -> Json:
        """Shared contact, by default the user's own (as a request_contact button sends)."""
        contact = {
            "phone_number": phone_number,
            "first_name": user.first_name if first_name is _OWN else first_name,
            "last_name": last_name,
            "user_id": user.id if user_id is _OWN else user_id,
        }
        return self._user_message(user, None, contact={k: v for k, v in contact.items() if v is not None})

    def send_sticker(self, user: User, emoji: str = "👍") -> Json:
        stored = self._store(UploadedFile("sticker.webp", b"RIFF-sticker", "image/webp"), "stickers")
        return self._user_message(
            user,
            None,
            sticker={
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
            },
        )

    def send_document(
        self, user: User, filename: str, content: bytes, caption: str | None = None, mime_type: str | None = None
    ) -> Json:
        stored = self._store(UploadedFile(filename, content, mime_type), "documents")
        return self._user_message(user, None, document=self._document(stored), caption=caption)

    def send_photo(self, user: User, caption: str | None = None, content: bytes = b"\xff\xd8jpeg\xff\xd9") -> Json:
        stored = self._store(UploadedFile(None, content, "image/jpeg"), "photos")
        return self._user_message(user, None, photo=self._photo(stored), caption=caption)

    def press(self, user: User, message: Any, callback_data: str) -> Json:
        """Press the inline button with ``callback_data`` under a bot message.

        ``message``: the Call that sent or edited it, a Message dict or an aiogram Message, as the
        user saw it: the button must be there, though it may be gone since (a stale double tap).
        The query carries the message's current state, as Telegram's does.
        """
        seen = self._as_dict(message)
        rows = (seen.get("reply_markup") or {}).get("inline_keyboard", [])
        if callback_data not in (data := [b.get("callback_data") for row in rows for b in row]):
            raise AssertionError(f"message {seen['message_id']} has no button {callback_data!r}; buttons: {data}")
        return self.press_forged(user, seen, callback_data)

    def press_forged(self, user: User, message: Any, callback_data: str) -> Json:
        """A callback query with any data, as a tampered client could send, under an existing message."""
        seen = self._as_dict(message)
        chat_id, message_id = seen["chat"]["id"], seen["message_id"]
        if (current := self._messages.get((chat_id, message_id))) is None:
            raise AssertionError(f"message {message_id} in chat {chat_id} does not exist (deleted?)")
        query_id = str(4_000_000_000_000 + next(self._ids))
        self._queries[query_id] = False
        return self._push(
            "callback_query",
            {
                "id": query_id,
                "from": self._remember(user).to_dict(),
                "message": copy.deepcopy(current),
                "chat_instance": str(abs(chat_id) * 7919 % 10**12),
                "data": callback_data,
            },
        )

    @staticmethod
    def _as_dict(message: Any) -> Json:
        """A Message as a dict, from a Call, a dict or an aiogram Message."""
        if isinstance(message, Call):
            return message.message
        if isinstance(message, dict):
            return message
        return message.model_dump(mode="json", by_alias=True, exclude_none=True)

    def inline_query(self, user: User, query: str, offset: str = "", chat_type: str = "sender") -> Json:
        query_id = str(5_000_000_000_000 + next(self._ids))
        self._queries[query_id] = False
        return self._push(
            "inline_query",
            {
                "id": query_id,
                "from": self._remember(user).to_dict(),
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            },
        )

    def my_chat_member(
        self, chat_id: int, by: User, *, status: str = "administrator", old_status: str = "left", can_post: bool = True
    ) -> Json:
        """The bot's status in ``chat_id`` changed (default: ``by`` added it as administrator; in a
        channel, an administrator's right to post is ``can_post``)."""
        chat = self._chats.get(chat_id) or self.add_chat(chat_id, "supergroup", f"Group {chat_id}")
        self._members[(chat_id, self.bot_id)] = status
        self._members.setdefault((chat_id, self._remember(by).id), "creator")
        new = self._member(self.bot_user, status)
        if status == "administrator" and chat["type"] == "channel":
            new |= {"can_post_messages": can_post, "can_edit_messages": can_post}
        return self._push(
            "my_chat_member",
            {
                "chat": dict(chat),
                "from": by.to_dict(),
                "date": int(time.time()),
                "old_chat_member": self._member(self.bot_user, old_status),
                "new_chat_member": new,
            },
        )

    def _remember(self, user: User) -> User:
        self._users[user.id] = user
        if user.id not in self._chats and user.id not in self._gone:
            self._chats[user.id] = {"id": user.id, "type": "private", "first_name": user.first_name} | {
                k: getattr(user, k) for k in ("last_name", "username") if getattr(user, k)
            }
        return user

    def _user_message(self, user: User, chat_id: int | None, **content: Any) -> Json:
        self._remember(user)
        cid = user.id if chat_id is None else chat_id
        chat = self._chats.get(cid) or (
            self.add_chat(cid) if cid < 0 else {"id": cid, "type": "private", "first_name": user.first_name}
        )
        if chat["type"] != "private":
            self._members.setdefault((cid, user.id), "member")
        message = self._new_message(chat, user.to_dict(), content)
        return self._push("channel_post" if chat["type"] == "channel" else "message", message)

    def _push(self, kind: str, payload: Json) -> Json:
        update: Json = {"update_id": self._next_update_id, kind: copy.deepcopy(payload)}
        self._next_update_id += 1
        self._update_seq[update["update_id"]] = self._seq
        self._updates.append(update)
        self._drop_disallowed()
        self._notify()
        return copy.deepcopy(update)

    def _drop_disallowed(self) -> None:
        """Discard pending updates of types the bot did not ask for (allowed_updates)."""
        for update in list(self._updates):
            kind = next(k for k in update if k != "update_id")
            if (kind not in self._allowed) if self._allowed else (kind in DEFAULT_EXCLUDED_UPDATES):
                self._updates.remove(update)
                self._dropped.add(update["update_id"])

    # ---------------------------------------------------------------- helpers of the API methods
    def _chat(self, chat_id: int | str) -> Json:
        """The chat for a chat_id parameter; unknown ids become private chats/groups on the fly."""
        if isinstance(chat_id, str) and not re.fullmatch(r"-?\d+", chat_id):
            name = chat_id.lstrip("@").lower()
            for chat in self._chats.values():
                if chat.get("username", "").lower() == name:
                    return chat
            raise _bad("chat not found")
        if (cid := int(chat_id)) in self._gone:
            raise _bad("chat not found")
        if cid not in self._chats and cid > 0:
            self._chats[cid] = {"id": cid, "type": "private", "first_name": f"User {cid}"}
        elif cid not in self._chats:
            self.add_chat(cid, "supergroup" if str(cid).startswith("-100") else "group", f"Chat {cid}")
        return self._chats[cid]

    def _new_message(self, chat: Json, sender: Json, content: Json, reply_to: Json | None = None) -> Json:
        message_id = self._last_message_id[chat["id"]] = self._last_message_id.get(chat["id"], 0) + 1
        message = {"message_id": message_id, "from": sender, "chat": dict(chat), "date": int(time.time())}
        if chat["type"] == "channel":
            message["sender_chat"] = dict(chat)
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        message |= {k: v for k, v in content.items() if v is not None}
        self._messages[(chat["id"], message_id)] = message
        return copy.deepcopy(message)

    @staticmethod
    def _format(params: Json, key: str, *, required: bool) -> tuple[str | None, list[Json] | None]:
        """Parse the ``text`` or ``caption`` parameter: (plain text, entities) with limits checked."""
        if params.get(key) in (None, ""):
            if required:
                raise _bad("message text is empty")
            return None, None
        text, entities = str(params[key]), params.get("entities" if key == "text" else "caption_entities")
        if str(params.get("parse_mode") or "").upper() == "HTML":
            try:
                text, entities = parse_html(text)
            except ValueError as e:
                raise _bad(f"can't parse entities: {e}") from None
        if required and not text.strip():
            raise _bad("message text is empty")
        if utf16_len(text) > (TEXT_LIMIT if key == "text" else CAPTION_LIMIT):
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return text, entities or None

    @staticmethod
    def _inline_markup(params: Json) -> Json | None:
        """Validate reply_markup; return it if it is a non-empty inline keyboard (what Telegram echoes)."""
        markup = params.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        for button in (b for row in markup["inline_keyboard"] for b in row):
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise _bad("BUTTON_DATA_INVALID")
            if not set(button) - {"text"}:
                raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        return markup if any(markup["inline_keyboard"]) else None

    def _send(self, params: Json, **content: Any) -> Json:
        """Create the bot's message in params["chat_id"] (reply and keyboard handled)."""
        chat = self._chat(params["chat_id"])
        reply = params.get("reply_parameters") or {}
        reply_to = None
        if reply_id := reply.get("message_id") or params.get("reply_to_message_id"):
            reply_to = self._messages.get((chat["id"], int(reply_id)))
            if reply_to is None and not reply.get("allow_sending_without_reply"):
                raise _bad("message to be replied not found")
        content["reply_markup"] = self._inline_markup(params)
        return self._new_message(chat, self.bot_user, content, reply_to)

    def _store(self, upload: UploadedFile, folder: str) -> UploadedFile:
        """Keep a file so that getFile and the /file/ route can serve it."""
        n = next(self._ids)
        ext = upload.filename.rpartition(".")[2] if upload.filename and "." in upload.filename else "jpg"
        mime = upload.content_type if upload.content_type != "application/octet-stream" else None
        mime = mime or (mimetypes.guess_type(upload.filename)[0] if upload.filename else None)
        stored = UploadedFile(
            upload.filename,
            upload.content,
            mime or "application/octet-stream",
            f"BQACAgIAAxkBAAI-emulated-{n:08d}",
            f"{folder}/file_{n}.{ext}",
        )
        self._files[stored.file_id] = self._files[stored.file_path] = stored
        return stored

    def _input_file(self, params: Json, files: Files, key: str, folder: str) -> UploadedFile:
        """The file of a sendPhoto/sendDocument parameter: an upload or a known file_id."""
        if key in files:
            if not files[key].content:
                raise _bad("file must be non-empty")
            return self._store(files[key], folder)
        if params.get(key) is None:
            raise _bad(f"there is no {key} in the request")
        if (known := self._files.get(str(params[key]))) is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        return known

    @staticmethod
    def _document(stored: UploadedFile) -> Json:
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.filename,
            "mime_type": stored.content_type,
            "file_size": len(stored.content),
        }
        return {k: v for k, v in document.items() if v is not None}

    @staticmethod
    def _photo(stored: UploadedFile) -> list[Json]:
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": len(stored.content),
            }
        ]

    @staticmethod
    def _member(user: Json, status: str) -> Json:
        member: Json = {"status": status, "user": user}
        if status == "administrator":
            member |= {"can_be_edited": False, "is_anonymous": False} | dict.fromkeys(ADMIN_RIGHTS, True)
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _target(self, params: Json, action: str) -> Json | None:
        """The stored message an edit/delete refers to; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        message = self._messages.get((self._chat(params["chat_id"])["id"], int(params["message_id"])))
        if message is None:
            raise _bad(f"message to {action} not found")
        if action == "edit" and message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        return message

    def _edit(self, params: Json, changes: Json, needs: str | None = None) -> Json | bool:
        """Apply an edit; "not modified" if nothing changes. ``needs``: "text" or "caption"."""
        message = self._target(params, "edit")
        if message is None:
            return True
        if needs == "text" and "text" not in message:
            raise _bad("there is no text in the message to edit")
        if needs == "caption" and not ("photo" in message or "document" in message):
            raise _bad("there is no caption in the message to edit")
        if all(message.get(k) == v for k, v in changes.items()):
            raise _bad(NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    # ---------------------------------------------------------------- Bot API methods (p: params, f: files)
    def _api_getme(self, p: Json, f: Files) -> Json:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_getupdates(self, p: Json, f: Files) -> list[Json]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, limit = int(p.get("offset") or 0), min(max(int(p.get("limit") or 100), 1), 100)
        if "allowed_updates" in p:
            self._allowed = set(p["allowed_updates"] or []) or None
        if offset < 0:  # keep the last -offset updates
            self._dropped.update(u["update_id"] for u in self._updates[:offset])
            self._updates = self._updates[offset:]
        elif offset > 0 and (offset > self._offset or any(u["update_id"] < offset for u in self._updates)):
            # confirms every update before offset (a redelivered one too)
            self._dropped.update(u["update_id"] for u in self._updates if u["update_id"] < offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if offset > self._offset:
                self._offset = offset
                self._offset_log.append((offset, self._seq))
            self._notify()
        self._drop_disallowed()
        try:  # long poll: return as soon as there is something
            await self._wait_until(lambda: self._updates or self._closing, float(p.get("timeout") or 0))
        except TimeoutError:
            return []
        return copy.deepcopy(self._updates[:limit])

    def _api_setwebhook(self, p: Json, f: Files) -> bool:
        self.webhook_url = str(p["url"])
        self.webhook_secret = p.get("secret_token")
        if "allowed_updates" in p:
            self._allowed = set(p["allowed_updates"] or []) or None
        if p.get("drop_pending_updates"):
            self._dropped.update(u["update_id"] for u in self._updates)
            self._updates.clear()
        if self._delivering is None:
            self._delivering = asyncio.create_task(self._deliver(int(p.get("max_connections") or 40)))
        return True

    async def _api_deletewebhook(self, p: Json, f: Files) -> bool:
        self.webhook_url = ""
        await self._stop_delivering()
        if p.get("drop_pending_updates"):
            self._dropped.update(u["update_id"] for u in self._updates)
            self._updates.clear()
        return True

    async def _stop_delivering(self) -> None:
        if self._delivering is not None:
            self._delivering.cancel()
            await asyncio.gather(self._delivering, return_exceptions=True)
            self._delivering = None

    async def _deliver(self, max_connections: int) -> None:
        """POST pending updates to the webhook: a chat's next update only once its previous one
        was taken (2xx), other chats' meanwhile, up to `max_connections` at once."""
        busy: dict[int, asyncio.Task[None]] = {}  # update_id -> its delivery
        async with aiohttp.ClientSession() as http:
            while True:
                changed = self._changed
                self._drop_disallowed()
                chats_busy = {_chat_of(u) for u in self._updates if u["update_id"] in busy}
                for update in list(self._updates):
                    if len(busy) >= max_connections:
                        break
                    chat = _chat_of(update)
                    if update["update_id"] in busy or chat in chats_busy:
                        continue
                    chats_busy.add(chat)
                    busy[update["update_id"]] = asyncio.create_task(self._post(http, update))
                waiting = [asyncio.ensure_future(changed.wait()), *busy.values()]
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                waiting[0].cancel()
                for update_id, task in list(busy.items()):
                    if task.done():
                        del busy[update_id]

    async def _post(self, http: aiohttp.ClientSession, update: Json) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
        try:
            async with http.post(
                self.webhook_url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.deliveries.append((update["update_id"], status))
        if 200 <= status < 300:
            if update in self._updates:
                self._updates.remove(update)
            self._delivered.add(update["update_id"])
            self._notify()
        else:
            await asyncio.sleep(self.webhook_retry_seconds)

    def _api_getwebhookinfo(self, p: Json, f: Files) -> Json:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    def _api_logout(self, p: Json, f: Files) -> bool:
        return True

    _api_close = _api_sendchataction = _api_setchatmenubutton = _api_logout  # recorded, nothing to do

    def _api_sendmessage(self, p: Json, f: Files) -> Json:
        text, entities = self._format(p, "text", required=True)
        return self._send(p, text=text, entities=entities)

    def _api_sendcontact(self, p: Json, f: Files) -> Json:
        if not p.get("phone_number") or not p.get("first_name"):
            raise _bad("phone_number and first_name must be non-empty")
        fields = ("phone_number", "first_name", "last_name", "vcard")
        return self._send(p, contact={k: p[k] for k in fields if p.get(k)})

    def _api_sendphoto(self, p: Json, f: Files) -> Json:
        caption, entities = self._format(p, "caption", required=False)
        photo = self._photo(self._input_file(p, f, "photo", "photos"))
        return self._send(p, photo=photo, caption=caption, caption_entities=entities)

    def _api_senddocument(self, p: Json, f: Files) -> Json:
        caption, entities = self._format(p, "caption", required=False)
        document = self._document(self._input_file(p, f, "document", "documents"))
        return self._send(p, document=document, caption=caption, caption_entities=entities)

    def _api_editmessagetext(self, p: Json, f: Files) -> Json | bool:
        text, entities = self._format(p, "text", required=True)
        changes = {"text": text, "entities": entities, "reply_markup": self._inline_markup(p)}
        return self._edit(p, changes, "text")

    def _api_editmessagecaption(self, p: Json, f: Files) -> Json | bool:
        caption, entities = self._format(p, "caption", required=False)
        changes = {"caption": caption, "caption_entities": entities, "reply_markup": self._inline_markup(p)}
        return self._edit(p, changes, "caption")

    def _api_editmessagereplymarkup(self, p: Json, f: Files) -> Json | bool:
        return self._edit(p, {"reply_markup": self._inline_markup(p)})

    def _api_deletemessage(self, p: Json, f: Files) -> bool:
        message = self._target(p, "delete")
        if message is None:  # an inline message
            raise _bad("message to delete not found")
        del self._messages[(message["chat"]["id"], message["message_id"])]
        return True

    def _answer_query(self, query_id: Any) -> None:
        if self._queries.get(str(query_id), True):  # unknown or answered already
            raise _bad(QUERY_INVALID)
        self._queries[str(query_id)] = True

    def _api_answercallbackquery(self, p: Json, f: Files) -> bool:
        if len(str(p.get("text") or "")) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._answer_query(p["callback_query_id"])
        return True

    def _api_answerinlinequery(self, p: Json, f: Files) -> bool:
        results = p["results"]
        if len(results) > 50:
            raise _bad("RESULTS_TOO_MUCH")
        if len({r.get("id") for r in results}) != len(results):
            raise _bad("RESULT_ID_DUPLICATE")
        for result in results:
            self._inline_markup(result)
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                self._format(
                    {"text": content["message_text"], "parse_mode": content.get("parse_mode")}, "text", required=True
                )
        self._answer_query(p["inline_query_id"])
        return True

    @staticmethod
    def _commands_key(p: Json) -> tuple[str, str]:
        return json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True), p.get("language_code") or ""

    def _api_setmycommands(self, p: Json, f: Files) -> bool:
        commands = p["commands"]
        if len(commands) > 100 or any(
            not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) or not 1 <= len(c.get("description", "")) <= 256
            for c in commands
        ):
            raise _bad("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(p)] = commands
        return True

    def _api_deletemycommands(self, p: Json, f: Files) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _api_getmycommands(self, p: Json, f: Files) -> list[Json]:
        return self.commands.get(self._commands_key(p), [])

    def _api_getchat(self, p: Json, f: Files) -> Json:
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False
        )
        return self._chat(p["chat_id"]) | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _api_getchatmember(self, p: Json, f: Files) -> Json:
        chat, user_id = self._chat(p["chat_id"]), int(p["user_id"])
        known = self._users[user_id].to_dict() if user_id in self._users else None
        user = (
            self.bot_user
            if user_id == self.bot_id
            else known or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        )
        default = "member" if chat["type"] == "private" and user_id in (chat["id"], self.bot_id) else "left"
        return self._member(user, self._members.get((chat["id"], user_id), default))

    def _api_getfile(self, p: Json, f: Files) -> Json:
        if (stored := self._files.get(str(p["file_id"]))) is None:
            raise _bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def _source(self, p: Json, action: str) -> Json:
        source = self._messages.get((self._chat(p["from_chat_id"])["id"], int(p["message_id"])))
        if source is None:
            raise _bad(f"message to {action} not found")
        return {k: copy.deepcopy(v) for k, v in source.items()}

    def _api_copymessage(self, p: Json, f: Files) -> Json:
        content = {k: v for k, v in self._source(p, "copy").items() if k in CONTENT_KEYS}
        if "caption" in p:
            content["caption"], content["caption_entities"] = self._format(p, "caption", required=False)
        return {"message_id": self._send(p, **content)["message_id"]}

    def _api_forwardmessage(self, p: Json, f: Files) -> Json:
        source = self._source(p, "forward")
        content = {k: v for k, v in source.items() if k in CONTENT_KEYS}
        if source["chat"]["type"] == "channel":
            origin = {"type": "channel", "chat": source["chat"], "message_id": source["message_id"]}
        else:
            origin = {"type": "user", "sender_user": source["from"]}
        content["forward_origin"] = origin | {"date": source["date"]}
        return self._send({k: v for k, v in p.items() if k != "reply_markup"}, **content)
