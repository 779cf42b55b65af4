"""The composing dialog of /announce: its states, its data (typed), which draft a button belongs to,
and what a button of a draft no longer being composed says."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any, TypedDict, cast

from aiogram import F
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from magic_filter import MagicFilter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import announcements, dates
from bot.services.announcements import Draft
from bot.services.announcements.audiences import Audience
from bot.settings import Settings
from handlers.announcements import ui as render
from handlers.announcements.callbacks import AnnounceStep, Step
from handlers.common.filters import ButtonMessage, SecretariatOnly, restricted
from handlers.common.routes import Routes


class Compose(StatesGroup):
    text = State()
    attachment = State()
    options = State()  # category and audience, by buttons
    when = State()
    edit_text = State()  # of a scheduled announcement
    edit_time = State()


class AudienceData(TypedDict):
    kind: str
    values: list[str]


class ComposeData(TypedDict, total=False):
    """The draft, filled in step by step."""

    token: str  # the draft's: its buttons carry it
    dropped: list[str]  # the last drafts dropped, so that their buttons say so
    text: str  # HTML
    length: int  # as Telegram counts it, for its limits
    photo: str | None  # Telegram file ids
    document: str | None
    category: str
    audience: AudienceData
    ack: bool  # ask recipients to confirm reading


class EditData(TypedDict):
    """Editing a scheduled announcement: which one."""

    edit: int


async def compose_data(state: FSMContext) -> ComposeData:
    return cast(ComposeData, await state.get_data())


async def edit_data(state: FSMContext) -> EditData:
    return cast(EditData, await state.get_data())


def audience_of(data: ComposeData) -> Audience:
    return Audience.from_dict(data.get("audience") or {})


def draft_of(data: ComposeData) -> Draft:
    """The draft of a dialog that has come as far as the preview."""
    return Draft(
        token=data["token"],
        text=data["text"],
        length=data["length"],
        category=data["category"],
        audience=audience_of(data),
        photo=data.get("photo"),
        document=data.get("document"),
        ack=data.get("ack", False),
    )


def utf16_len(text: str) -> int:
    """Telegram counts its 4,096 / 1,024 limits in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def parse_when(text: str, settings: Settings, now: datetime) -> datetime | None:
    try:
        return dates.parse_moment(text, settings.tz, now, default_time=None)
    except dates.DateProblem:
        return None


def ask_when(t: Translator, settings: Settings, now: datetime) -> str:
    return t("announcements.ask_when", tz=settings.timezone, example=render.when(now, settings.tz))


class Stage(IntEnum):
    """How far a draft has come: each step's buttons need the one before done."""

    TEXT = 1
    CATEGORY = 2
    AUDIENCE = 3  # chosen completely


def stage_of(data: ComposeData) -> int:
    if not data.get("text"):
        return 0
    if not data.get("category"):
        return Stage.TEXT
    return Stage.AUDIENCE if audience_of(data).complete else Stage.CATEGORY


class Composing:
    """The draft being composed, as a step's filter found it, and the dialog state keeping it."""

    def __init__(self, state: FSMContext, data: ComposeData) -> None:
        self.state, self.data = state, data

    @property
    def token(self) -> str:
        return self.data["token"]

    async def save(self, changes: ComposeData) -> None:
        self.data = self.data | changes
        await self.state.set_data(self.data)


class Drafting(Filter):
    """A button of the draft being composed (it carries the dialog's token), the draft having come
    as far as the step needs: hands the handler `draft` (Composing). The rest go to `stale_step`."""

    def __init__(self, stage: Stage = Stage.TEXT) -> None:
        self.stage = stage

    async def __call__(
        self, query: CallbackQuery, callback_data: AnnounceStep, state: FSMContext
    ) -> bool | dict[str, Any]:
        data = await compose_data(state)
        if data.get("token") != callback_data.token or stage_of(data) < self.stage:
            return False
        return {"draft": Composing(state, data)}


def on_step(action: Step, value: MagicFilter | None = None, stage: Stage = Stage.TEXT) -> tuple[Filter, ...]:
    """The filters of a step's handler: its button (`value` passing the rule, if given) of the
    draft being composed, come as far as `stage`, under a message Telegram still shows us."""
    rule = F.action == action
    return AnnounceStep.filter(rule & value if value is not None else rule), Drafting(stage), ButtonMessage()


# After every step's handlers: what the buttons they did not take say.
stale = restricted(Routes("announce_stale"), SecretariatOnly())


@stale.callback_query(AnnounceStep.filter())
async def stale_step(
    query: CallbackQuery,
    callback_data: AnnounceStep,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
) -> None:
    data = await compose_data(state)
    if data.get("token") == callback_data.token and data.get("text") and not isinstance(query.message, Message):
        await query.answer()  # too old for Telegram to show it to us: nothing to edit
        return
    await query.answer(await stale_text(session, t, settings, callback_data.token, data), show_alert=True)


async def stale_text(session: AsyncSession, t: Translator, settings: Settings, token: str, data: ComposeData) -> str:
    """What an old button of a draft says: sent, scheduled for when, cancelled, dropped, or just out of date."""
    done = await announcements.by_token(session, token)
    view = await announcements.get(session, done) if done else None
    if view is not None and view.status == "scheduled":
        return t.plain("announcements.already_scheduled", id=view.id, when=render.when(view.scheduled_at, settings.tz))
    if view is not None and view.status == "cancelled":
        return t.plain("announcements.was_cancelled", id=view.id)
    if view is not None:
        return t.plain("announcements.already_sent", id=view.id)
    if token in data.get("dropped", []):
        return t.plain("announcements.draft_dropped")
    return t.plain("button.stale")
