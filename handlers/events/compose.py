"""/event (secretariat): title → date and time (or a day: all-day) → place or link → description →
audience (the announcements' kinds, people only) → RSVP deadline → preview → publish."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict, cast

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import LANGUAGES, Translator
from bot.services import dates, directory, events, outbox
from bot.services.access import Viewer
from bot.services.announcements.audiences import Audience
from bot.services.directory import ProjectRow
from bot.services.outbox import Outgoing
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly
from handlers.common.render import localized
from handlers.common.routes import Routes, command
from handlers.events import ui
from handlers.events.callbacks import EventAct, EventStep, Step

router = Routes("events_compose")
router.filter("message", SecretariatOnly())
router.filter("callback_query", SecretariatOnly())
denied = Routes("events_denied")
TITLE_LIMIT, TEXT_LIMIT = 200, 2000  # the invitation, with its labels, stays within one message


class EventCompose(StatesGroup):
    title = State()
    when = State()
    place = State()
    description = State()
    audience = State()
    deadline = State()
    preview = State()


class EventDialog(TypedDict, total=False):
    """The draft as the dialog keeps it (JSON: times as ISO strings, UTC)."""

    token: str
    title: str
    starts_at: str
    all_day: bool
    place: str
    description: str
    audience: dict[str, object]
    deadline: str | None


async def dialog(state: FSMContext) -> EventDialog:
    return cast(EventDialog, await state.get_data())


def example(settings: Settings, now: datetime) -> str:
    return ui.moment(now, settings.tz)


@router.message(command("event"))
async def begin(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(EventCompose.title)
    await state.set_data(EventDialog(token=events.new_token()))
    await message.answer(t("events.ask_title"))


@router.message(StateFilter(*EventCompose.__states__), ~F.text)
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("events.text_please"))


@router.message(StateFilter(EventCompose.audience, EventCompose.preview), F.text, ~F.text.startswith("/"))
async def use_buttons(message: Message, t: Translator) -> None:
    await message.answer(t("events.use_buttons"))


@router.message(EventCompose.title, F.text, ~F.text.startswith("/"))
async def got_title(message: Message, state: FSMContext, t: Translator, clock: Clock, settings: Settings) -> None:
    title = " ".join((message.text or "").split())
    if not title or len(title) > TITLE_LIMIT:
        await message.answer(t("events.bad_title", limit=TITLE_LIMIT))
        return
    await state.update_data(title=title)
    await state.set_state(EventCompose.when)
    await message.answer(t("events.ask_when", tz=settings.timezone, example=example(settings, clock())))


@router.message(EventCompose.when, F.text, ~F.text.startswith("/"))
async def got_when(message: Message, state: FSMContext, t: Translator, clock: Clock, settings: Settings) -> None:
    try:
        starts_at, all_day = events.read_start(message.text or "", settings.tz, clock())
    except dates.DateProblem as problem:
        await message.answer(t("events.date." + problem.reason, example=example(settings, clock())))
        return
    await state.update_data(starts_at=starts_at.isoformat(), all_day=all_day)
    await state.set_state(EventCompose.place)
    await message.answer(t("events.ask_place"), reply_markup=ui.skip(t, (await dialog(state))["token"]))


@router.message(EventCompose.place, F.text, ~F.text.startswith("/"))
async def got_place(message: Message, state: FSMContext, t: Translator) -> None:
    if (place := await _within(message, t, TITLE_LIMIT)) is not None:
        await state.update_data(place=place)
        await _ask_description(message, state, t)


async def _within(message: Message, t: Translator, limit: int) -> str | None:
    """The text typed, trimmed; None (and they are told) when it is longer than `limit`."""
    text = (message.text or "").strip()
    if len(text) > limit:
        await message.answer(t("events.too_long", limit=limit))
        return None
    return text


async def _ask_description(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(EventCompose.description)
    await message.answer(t("events.ask_description"), reply_markup=ui.skip(t, (await dialog(state))["token"]))


@router.message(EventCompose.description, F.text, ~F.text.startswith("/"))
async def got_description(message: Message, state: FSMContext, t: Translator) -> None:
    if (text := await _within(message, t, TEXT_LIMIT)) is not None:
        await state.update_data(description=text)
        await _ask_audience(message, state, t, edit=False)


async def _ask_audience(message: Message, state: FSMContext, t: Translator, *, edit: bool) -> None:
    await state.set_state(EventCompose.audience)
    markup = ui.audiences(t, (await dialog(state))["token"])
    if edit:
        await message.edit_text(t("events.ask_audience"), reply_markup=markup)
    else:
        await message.answer(t("events.ask_audience"), reply_markup=markup)


@router.message(EventCompose.deadline, F.text, ~F.text.startswith("/"))
async def got_deadline(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    data = await dialog(state)
    try:
        deadline = events.read_deadline(
            message.text or "", settings.tz, clock(), datetime.fromisoformat(data["starts_at"])
        )
    except dates.DateProblem as problem:
        await message.answer(t("events.date." + problem.reason, example=example(settings, clock())))
        return
    await state.update_data(deadline=deadline.isoformat())
    await _preview(message, state, session, viewer, t, settings)


@router.callback_query(EventStep.filter())
async def step(
    query: CallbackQuery,
    callback_data: EventStep,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    data, current = await dialog(state), await state.get_state()
    message, action, value = query.message, callback_data.action, callback_data.value
    if data.get("token") != callback_data.token or not isinstance(message, Message):
        published = await events.by_token(session, callback_data.token)
        key = "events.already_published" if published else "button.stale"
        await query.answer(t.plain(key, id=published or 0), show_alert=True)
        return
    if action == Step.DROP:
        await state.clear()
        await message.edit_text(t("events.dropped"))
    elif action == Step.SKIP and current == EventCompose.place.state:
        await state.update_data(place="")
        await message.edit_reply_markup(reply_markup=None)
        await _ask_description(message, state, t)
    elif action == Step.SKIP and current == EventCompose.description.state:
        await state.update_data(description="")
        await message.edit_reply_markup(reply_markup=None)
        await _ask_audience(message, state, t, edit=False)
    elif current == EventCompose.audience.state or (current == EventCompose.preview.state and action == Step.AUDIENCES):
        if not await _audience_step(message, state, session, t, data, action, value):
            await query.answer(t("events.choose_projects" if action == Step.DONE else "button.stale"), show_alert=True)
            return
    elif action == Step.NO_DEADLINE and current == EventCompose.deadline.state:
        await state.update_data(deadline=None)
        await message.edit_reply_markup(reply_markup=None)
        await _preview(message, state, session, viewer, t, settings)
    elif action == Step.PUBLISH and current == EventCompose.preview.state:
        await _publish(query, message, state, session, viewer, t, clock, settings, data)
        return
    else:
        await query.answer(t("button.stale"), show_alert=True)
        return
    await query.answer()


async def _audience_step(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    data: EventDialog,
    action: Step,
    value: str,
) -> bool:
    """One step of choosing who is invited; False when the button makes no sense here."""
    token = data["token"]
    chosen = set(Audience.from_dict(data.get("audience") or {}).values)
    if action == Step.AUDIENCES:
        await _ask_audience(message, state, t, edit=True)
    elif action == Step.AUDIENCE and value == "projects":
        await state.update_data(audience={"kind": "projects", "values": []})
        await message.edit_text(
            t("announcements.ask_projects"), reply_markup=ui.projects(t, token, await _projects(session), set())
        )
    elif action == Step.AUDIENCE and value == "country":
        facets = await directory.organisation_facets(session)
        await message.edit_text(t("announcements.ask_country"), reply_markup=ui.countries(t, token, facets))
    elif action == Step.AUDIENCE and value == "language":
        await message.edit_text(t("announcements.ask_language"), reply_markup=ui.languages(t, token))
    elif action == Step.AUDIENCE and value in ("members", "leaders"):
        await _chosen(message, state, t, {"kind": value, "values": []})
    elif action == Step.PROJECT and value.isdigit():
        chosen ^= {value}
        await state.update_data(audience={"kind": "projects", "values": sorted(chosen)})
        await message.edit_reply_markup(reply_markup=ui.projects(t, token, await _projects(session), chosen))
    elif action == Step.DONE and chosen:
        await _chosen(message, state, t, {"kind": "projects", "values": sorted(chosen)})
    elif action == Step.COUNTRY and len(value) == 2:
        await _chosen(message, state, t, {"kind": "country", "values": [value]})
    elif action == Step.LANGUAGE and value in LANGUAGES:
        await _chosen(message, state, t, {"kind": "language", "values": [value]})
    else:
        return False
    return True


async def _projects(session: AsyncSession) -> list[ProjectRow]:
    """The projects to choose from (and to name in the summary), as /announce offers them."""
    return (await directory.projects_page(session, offset=0, limit=100)).items


async def _chosen(message: Message, state: FSMContext, t: Translator, audience: dict[str, object]) -> None:
    await state.update_data(audience=audience)
    await state.set_state(EventCompose.deadline)
    await message.edit_text(t("events.ask_deadline"), reply_markup=ui.no_deadline(t, (await dialog(state))["token"]))


def draft_of(data: EventDialog) -> events.Draft:
    deadline = data.get("deadline")
    return events.Draft(
        token=data["token"],
        title=data["title"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        all_day=data["all_day"],
        place=data.get("place", ""),
        description=data.get("description", ""),
        audience=Audience.from_dict(data.get("audience") or {}),
        rsvp_deadline=datetime.fromisoformat(deadline) if deadline else None,
    )


def preview_view(draft: events.Draft, author_id: int, now: datetime) -> events.EventView:
    """The draft as an event, for rendering the invitation before it exists."""
    return events.EventView(
        0, draft.token, author_id, draft.title, draft.starts_at, draft.all_day, draft.place, draft.description,
        draft.audience, draft.rsvp_deadline, "published", 0, now, None, None, events.Counts(),
    )  # fmt: skip


async def _preview(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: Translator, settings: Settings
) -> None:
    """The invitation as recipients will see it (they also get ✅ / ❌ / 🤔 and .ics), then to whom."""
    await state.set_state(EventCompose.preview)
    data = await dialog(state)
    draft = draft_of(data)
    invitees = await events.recipients(
        session, draft.audience, admin_ids=settings.admin_ids, default_language=settings.default_language
    )
    names: dict[str, str] = {}
    if draft.audience.kind == "projects":
        names = {str(r.id): localized(t, r.title, r.title_en) for r in await _projects(session)}
    text, _ = ui.invitation(t, preview_view(draft, viewer.telegram_id, draft.starts_at), settings.tz)
    await message.answer(t("events.preview_below"))
    await message.answer(text)
    summary, markup = ui.summary(
        t,
        draft.token,
        ui.audience_label(t, draft.audience, names),
        len(invitees),
        including_you=any(i.chat_id == viewer.telegram_id for i in invitees),
    )
    await message.answer(summary, reply_markup=markup)


def invitations(event: events.EventView, settings: Settings) -> dict[str, Outgoing]:
    """The invitation in each language, as the outbox carries it (key and chat filled in later)."""
    rendered = {}
    for language in LANGUAGES:
        text, markup = ui.invitation(Translator(language), event, settings.tz)
        rendered[language] = Outgoing("", 0, events.KIND, text, markup.model_dump(exclude_none=True))
    return rendered


async def _publish(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    data: EventDialog,
) -> None:
    """The event, its invitees and their invitations: one transaction (the update's)."""
    now = clock()
    created = await events.create(
        session,
        draft_of(data),
        author_id=viewer.telegram_id,
        now=now,
        report_chat_id=message.chat.id,
        report_message_id=message.message_id,
        admin_ids=settings.admin_ids,
        default_language=settings.default_language,
    )
    await state.clear()
    if created is None:
        await query.answer(t.plain("events.already_published", id=await events.by_token(session, data["token"])))
        return
    event, invitees = created
    rendered = invitations(event, settings)
    await outbox.enqueue(
        session,
        [
            Outgoing(
                key=f"ev:{event.id}:invite:{i.chat_id}",
                chat_id=i.chat_id,
                kind=events.KIND,
                batch_id=event.id,
                text=rendered[i.language].text,
                reply_markup=rendered[i.language].reply_markup,
            )
            for i in invitees
        ],
        now,
    )
    await query.answer(t.plain("events.published", count=len(invitees)))
    text, markup = ui.report(t, event, settings.tz, now)
    await message.edit_text(text, reply_markup=markup)


# --- what others meet --------------------------------------------------------------------------


@denied.message(command("event"))
async def secretariat_only(message: Message, t: Translator) -> None:
    await message.answer(t("access.secretariat_only"))


@denied.callback_query(EventStep.filter())
@denied.callback_query(EventAct.filter())
async def secretariat_only_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("access.secretariat_only"), show_alert=True)
