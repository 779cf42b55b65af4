"""/announce, choosing the audience: all members, project leaders, the participants of chosen
projects, the organisations of a country, a language, or the approved groups and channels (and
the cards of the chats waiting for approval); then the preview, exactly as recipients will see it,
and the summary, where recipients can be asked to confirm reading it."""

from __future__ import annotations

from aiogram import F
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import LANGUAGES, Translator
from bot.services import announcements, directory
from bot.services.announcements import Draft, audiences
from bot.services.announcements.audiences import APPROVED, KINDS, PENDING, WITH_VALUES, Audience
from bot.services.directory import ProjectRow
from bot.settings import Settings
from handlers.announcements import ui as render
from handlers.announcements.callbacks import AnnounceStep, Step
from handlers.announcements.dialog import AudienceData, Composing, Stage, audience_of, draft_of, on_step
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.routes import Routes

router = restricted(Routes("announce_audience"), SecretariatOnly())
# The kinds chosen by their button alone: all members, all leaders.
WHOLE = tuple(kind for kind in KINDS if kind not in WITH_VALUES)


async def ask_audience(message: Message, session: AsyncSession, t: Translator, token: str) -> None:
    text, markup = render.audiences(t, token, await audiences.chats(session))
    await message.edit_text(text, reply_markup=markup)


@router.callback_query(*on_step(Step.AUDIENCES))
async def back_to_audiences(
    query: CallbackQuery, message: Message, draft: Composing, session: AsyncSession, t: Translator
) -> None:
    await ask_audience(message, session, t, draft.token)
    await query.answer()


async def _projects(session: AsyncSession) -> list[ProjectRow]:
    return (await directory.projects_page(session, offset=0, limit=100)).items


@router.callback_query(*on_step(Step.AUDIENCE, F.value == "projects", Stage.CATEGORY))
async def choose_projects(
    query: CallbackQuery, message: Message, draft: Composing, session: AsyncSession, t: Translator
) -> None:
    await draft.save({"audience": {"kind": "projects", "values": []}})
    markup = render.projects(t, draft.token, await _projects(session), set())
    await message.edit_text(t("announcements.ask_projects"), reply_markup=markup)
    await query.answer()


@router.callback_query(*on_step(Step.PROJECT, F.value.func(str.isdigit), Stage.CATEGORY))
async def toggle_project(
    query: CallbackQuery,
    callback_data: AnnounceStep,
    message: Message,
    draft: Composing,
    session: AsyncSession,
    t: Translator,
) -> None:
    chosen = set(audience_of(draft.data).values) ^ {callback_data.value}
    await draft.save({"audience": {"kind": "projects", "values": sorted(chosen)}})
    await message.edit_reply_markup(reply_markup=render.projects(t, draft.token, await _projects(session), chosen))
    await query.answer()


@router.callback_query(*on_step(Step.AUDIENCE, F.value == "country", Stage.CATEGORY))
async def choose_country(
    query: CallbackQuery, message: Message, draft: Composing, session: AsyncSession, t: Translator
) -> None:
    markup = render.countries(t, draft.token, await directory.organisation_facets(session))
    await message.edit_text(t("announcements.ask_country"), reply_markup=markup)
    await query.answer()


@router.callback_query(*on_step(Step.AUDIENCE, F.value == "language", Stage.CATEGORY))
async def choose_language(query: CallbackQuery, message: Message, draft: Composing, t: Translator) -> None:
    await message.edit_text(t("announcements.ask_language"), reply_markup=render.languages(t, draft.token))
    await query.answer()


@router.callback_query(*on_step(Step.REVIEW, stage=Stage.CATEGORY))
async def review_chats(query: CallbackQuery, message: Message, session: AsyncSession, t: Translator) -> None:
    """The cards of the chats waiting for approval, to decide on them here."""
    pending = [c for c in await audiences.chats(session) if c.approval == PENDING]
    if not pending:
        await query.answer(t("announcements.review_none"), show_alert=True)
        return
    for chat in pending[: render.REVIEW_CARDS]:
        text, markup = render.chat_request(t, chat)
        await message.answer(text, reply_markup=markup)
    if len(pending) > render.REVIEW_CARDS:
        await message.answer(t("announcements.review_more", shown=render.REVIEW_CARDS, total=len(pending)))
    await query.answer()


@router.callback_query(*on_step(Step.DONE, stage=Stage.CATEGORY))
async def projects_chosen(
    query: CallbackQuery,
    message: Message,
    draft: Composing,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if not audience_of(draft.data).complete:
        await query.answer(t("announcements.choose_projects"), show_alert=True)
        return
    await preview(message, draft, session, t, clock, settings)
    await query.answer()


@router.callback_query(*on_step(Step.AUDIENCE, F.value.in_((*WHOLE, "groups")), Stage.CATEGORY))
@router.callback_query(*on_step(Step.COUNTRY, F.value.len() == 2, Stage.CATEGORY))
@router.callback_query(*on_step(Step.LANGUAGE, F.value.in_(LANGUAGES), Stage.CATEGORY))
async def audience_chosen(
    query: CallbackQuery,
    callback_data: AnnounceStep,
    message: Message,
    draft: Composing,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    await draft.save({"audience": await _chosen(session, callback_data.action, callback_data.value)})
    await preview(message, draft, session, t, clock, settings)
    await query.answer()


async def _chosen(session: AsyncSession, step: Step, value: str) -> AudienceData:
    """The audience a button chooses at once."""
    if step == Step.COUNTRY:
        return {"kind": "country", "values": [value]}
    if step == Step.LANGUAGE:
        return {"kind": "language", "values": [value]}
    if value == "groups":  # the chats approved now are named in the preview, and only they get it
        approved = [str(c.chat_id) for c in await audiences.chats(session) if c.approval == APPROVED]
        return {"kind": "groups", "values": approved}
    return {"kind": value, "values": []}


async def preview(
    message: Message, draft: Composing, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    """The announcement exactly as recipients will see it, then what goes to whom."""
    composed = draft_of(draft.data)
    label = await _audience_label(session, t, composed.audience)
    await message.edit_text(t("announcements.preview_below", audience=label))
    await send_as_recipients_see(message, composed.text, composed.photo, composed.document)
    text, markup = await _summary(message, composed, label, session, t, clock, settings)
    await message.answer(text, reply_markup=markup)


@router.callback_query(*on_step(Step.ACK, stage=Stage.AUDIENCE))
async def toggle_ack(
    query: CallbackQuery,
    callback_data: AnnounceStep,
    message: Message,
    draft: Composing,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """Ask recipients to confirm reading it, or not: the summary says which."""
    wanted = callback_data.value == "1"
    if wanted == draft.data.get("ack", False):
        await query.answer(t.plain("announcements.ack_already." + ("on" if wanted else "off")), show_alert=True)
        return
    await draft.save({"ack": wanted})
    composed = draft_of(draft.data)
    label = await _audience_label(session, t, composed.audience)
    text, markup = await _summary(message, composed, label, session, t, clock, settings)
    await message.edit_text(text, reply_markup=markup)
    await query.answer()


async def _summary(
    message: Message,
    composed: Draft,
    label: str,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> tuple[str, InlineKeyboardMarkup]:
    """What goes to whom (the secretary is among them when this chat, theirs, is)."""
    chats = await announcements.recipients(
        session,
        composed,
        admin_ids=settings.admin_ids,
        default_language=settings.default_language,
        away_on=clock().astimezone(settings.tz).date(),
    )
    return render.summary(
        t,
        composed,
        label,
        len(chats),
        including_you=message.chat.id in chats,
        remind_hours=settings.ack_remind_hours,
    )


async def _audience_label(session: AsyncSession, t: Translator, audience: Audience) -> str:
    names: dict[str, str] = {}
    if audience.kind == "projects":
        names = {str(r.id): render.localized(t, r.title, r.title_en) for r in await _projects(session)}
    elif audience.kind == "groups":
        names = {str(c.chat_id): c.title for c in await audiences.chats(session)}
    return render.audience_label(t, audience, names)


async def send_as_recipients_see(message: Message, text: str, photo: str | None, document: str | None) -> None:
    if photo:
        await message.answer_photo(photo, caption=text)
    elif document:
        await message.answer_document(document, caption=text)
    else:
        await message.answer(text)
