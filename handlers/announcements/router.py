"""/announce (compose → category → audience → preview → send or schedule), /announcements (past
ones, their figures, unreached recipients, cancelling), and the chats the bot is an admin in."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from aiogram import F
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import LANGUAGES, Translator
from bot.services import access, announcements, dates, directory
from bot.services.access import Viewer
from bot.services.announcements import CATEGORIES, Draft
from bot.services.announcements import audiences as announcement_audiences
from bot.services.announcements.audiences import APPROVED, KINDS, PENDING, WITH_VALUES, Audience, ChatView
from bot.settings import Settings
from handlers.admin.router import SecretariatOnly
from handlers.announcements import ui as render
from handlers.announcements.callbacks import AnnouncementAct, AnnounceStep, ChatAction, ChatApproval
from handlers.common.callbacks import Menu
from handlers.common.messages import edit_text, show
from handlers.common.notify import tell_secretariat
from handlers.common.routes import Routes, command

router = Routes("announcements")
router.filter("message", SecretariatOnly())
router.filter("callback_query", SecretariatOnly())
denied = Routes("announcements_denied")
COMMANDS = ("announce", "announcements")


class Compose(StatesGroup):
    text = State()
    attachment = State()
    options = State()
    when = State()
    edit_text = State()
    edit_time = State()


def utf16_len(text: str) -> int:
    """Telegram counts its 4,096 / 1,024 limits in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@router.message(command("announce"))
async def begin(message: Message, state: FSMContext, t: Translator) -> None:
    dropped = (await state.get_data()).get("dropped") or []
    await state.set_state(Compose.text)
    await state.set_data({"token": announcements.new_token(), "dropped": dropped})
    await message.answer(t("announcements.ask_text"))


@router.message(StateFilter(Compose.text, Compose.attachment), F.photo | F.document)
async def got_file(message: Message, state: FSMContext, t: Translator) -> None:
    data = await state.get_data()
    photo = message.photo[-1].file_id if message.photo else None
    document = message.document.file_id if message.document else None
    caption = bool(message.caption and message.caption.strip())
    typed = await state.get_state() == Compose.attachment.state and bool(data.get("text"))
    if caption and not typed:
        data |= {"text": message.html_text, "length": utf16_len(message.caption or "")}
    data |= {"photo": photo, "document": document}
    await state.set_data(data)
    if not data.get("text"):
        await message.answer(t("announcements.ask_caption"))
        return
    if caption and typed:  # the text typed before wins; never drop either silently
        await message.answer(t("announcements.caption_ignored"))
    if data["length"] > announcements.CAPTION_LIMIT:
        # the file is kept: a shorter text sent now becomes its caption
        await state.set_state(Compose.attachment)
        await message.answer(
            t("announcements.caption_too_long", length=data["length"], limit=announcements.CAPTION_LIMIT),
            reply_markup=render.skip_attachment(t, str(data["token"])),
        )
        return
    await _to_category(message, state, t, data)


@router.message(StateFilter(Compose.text, Compose.attachment, Compose.edit_text), F.text, ~F.text.startswith("/"))
async def got_text(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, settings: Settings
) -> None:
    text, length = message.html_text, utf16_len(message.text or "")
    if not (message.text or "").strip():
        await message.answer(t("announcements.empty"))
        return
    data = await state.get_data()
    if await state.get_state() == Compose.edit_text.state:
        outcome = await announcements.edit_scheduled(session, data["edit"], text=text, length=length)
        if outcome == "too_long":  # still in the dialog: a shorter text may follow
            view = await announcements.get(session, data["edit"])
            limit = announcements.CAPTION_LIMIT if view and (view.photo or view.document) else announcements.TEXT_LIMIT
            await message.answer(t("announcements.edit.too_long", limit=limit, length=length))
            return
        await state.clear()
        await _answer_edit(message, session, t, settings, data["edit"], outcome, text_changed=True)
        return
    if length > announcements.TEXT_LIMIT:
        await message.answer(t("announcements.text_too_long", length=length, limit=announcements.TEXT_LIMIT))
        return
    data |= {"text": text, "length": length}
    if data.get("photo") or data.get("document"):
        if length > announcements.CAPTION_LIMIT:
            await message.answer(t("announcements.caption_too_long", length=length, limit=announcements.CAPTION_LIMIT))
            return
        await _to_category(message, state, t, data)
        return
    await state.set_data(data)
    await state.set_state(Compose.attachment)
    await message.answer(t("announcements.ask_attachment"), reply_markup=render.skip_attachment(t, data["token"]))


@router.message(StateFilter(Compose.text, Compose.attachment, Compose.edit_text), ~F.text)
async def unsupported(message: Message, t: Translator) -> None:
    await message.answer(t("announcements.unsupported"))


async def _to_category(message: Message, state: FSMContext, t: Translator, data: dict[str, object]) -> None:
    await state.set_data(data)
    await state.set_state(Compose.options)
    await message.answer(t("announcements.ask_category"), reply_markup=render.categories(t, str(data["token"])))


@router.callback_query(AnnounceStep.filter())
async def step(
    query: CallbackQuery,
    callback_data: AnnounceStep,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    data = await state.get_data()
    if data.get("token") != callback_data.token or not data.get("text"):
        await query.answer(await _stale(session, t, settings, callback_data.token, data), show_alert=True)
        return
    action, value, message = callback_data.action, callback_data.value, query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    if action == "drop":
        await state.set_state(None)  # out of the dialog; its token is remembered for its old buttons
        await state.set_data({"dropped": [*(data.get("dropped") or [])[-9:], callback_data.token]})
        await message.edit_text(t("announcements.dropped"))
    elif action == "skip":
        if data.get("length", 0) > announcements.TEXT_LIMIT:  # type: ignore[operator]
            await query.answer(
                t("announcements.text_too_long", length=data["length"], limit=announcements.TEXT_LIMIT), show_alert=True
            )
            return
        await message.edit_text(t("announcements.no_attachment_chosen"))
        await _to_category(message, state, t, data | {"photo": None, "document": None})
    elif action == "cat" and value in CATEGORIES:
        await state.update_data(category=value)
        await _ask_audience(message, session, t, callback_data.token)
    elif action == "audiences":
        await _ask_audience(message, session, t, callback_data.token)
    elif action in ("aud", "proj", "done", "country", "lang", "review") and data.get("category"):
        if not await _audience_step(query, message, state, session, viewer, t, clock, settings, data, action, value):
            await query.answer(t("button.stale"), show_alert=True)
        return
    elif action in ("send", "schedule") and not (
        data.get("category") and Audience.from_dict(data.get("audience") or {}).complete
    ):  # type: ignore[arg-type]
        await query.answer(t("button.stale"), show_alert=True)
        return
    elif action == "send":
        await _confirm(query, message, state, session, viewer, t, clock, settings, data, None)
        return
    elif action == "schedule":
        await state.set_state(Compose.when)
        await message.answer(
            t("announcements.ask_when", tz=settings.timezone, example=render.when(clock(), settings.tz))
        )
    else:
        await query.answer(t("button.stale"), show_alert=True)
        return
    await query.answer()


async def _stale(session: AsyncSession, t: Translator, settings: Settings, token: str, data: dict[str, object]) -> str:
    """What an old button of a draft says: sent, scheduled for when, cancelled, or just out of date."""
    done = await announcements.by_token(session, token)
    view = await announcements.get(session, done) if done else None
    if view is not None and view.status == "scheduled":
        return t.plain("announcements.already_scheduled", id=view.id, when=render.when(view.scheduled_at, settings.tz))
    if view is not None and view.status == "cancelled":
        return t.plain("announcements.was_cancelled", id=view.id)
    if view is not None:
        return t.plain("announcements.already_sent", id=view.id)
    if token in (data.get("dropped") or []):  # type: ignore[operator]
        return t.plain("announcements.draft_dropped")
    return t.plain("button.stale")


async def _ask_audience(message: Message, session: AsyncSession, t: Translator, token: str) -> None:
    text, markup = render.audiences(t, token, await announcement_audiences.chats(session))
    await message.edit_text(text, reply_markup=markup)


async def _audience_step(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    data: dict[str, object],
    action: str,
    value: str,
) -> bool:
    """One step of choosing the audience; False when the button makes no sense (forged or stale)."""
    token = str(data["token"])
    args = (message, state, session, viewer, t, clock, settings)
    if action == "aud" and value == "projects":
        await state.update_data(audience={"kind": "projects", "values": []})
        rows = (await directory.projects_page(session, offset=0, limit=100)).items
        await message.edit_text(t("announcements.ask_projects"), reply_markup=render.projects(t, token, rows, set()))
    elif action == "aud" and value == "country":
        facets = await directory.organisation_facets(session)
        await message.edit_text(t("announcements.ask_country"), reply_markup=render.countries(t, token, facets))
    elif action == "aud" and value == "language":
        await message.edit_text(t("announcements.ask_language"), reply_markup=render.languages(t, token))
    elif action == "aud" and value == "groups":
        # The chats approved now are named in the preview, and only they get it.
        chats = [str(c.chat_id) for c in await announcement_audiences.chats(session) if c.approval == APPROVED]
        await _preview(*args, data | {"audience": {"kind": "groups", "values": chats}})
    elif action == "aud" and value in KINDS and value not in WITH_VALUES:
        await _preview(*args, data | {"audience": {"kind": value, "values": []}})
    elif action == "review":
        pending = [c for c in await announcement_audiences.chats(session) if c.approval == PENDING]
        if not pending:
            await query.answer(t("announcements.review_none"), show_alert=True)
            return True
        for chat in pending[: render.REVIEW_CARDS]:
            text, markup = render.chat_request(t, chat)
            await message.answer(text, reply_markup=markup)
        if len(pending) > render.REVIEW_CARDS:
            await message.answer(t("announcements.review_more", shown=render.REVIEW_CARDS, total=len(pending)))
    elif action == "proj" and value.isdigit():
        audience = Audience.from_dict(data.get("audience") or {})  # type: ignore[arg-type]
        chosen = set(audience.values) ^ {value}
        await state.update_data(audience={"kind": "projects", "values": sorted(chosen)})
        rows = (await directory.projects_page(session, offset=0, limit=100)).items
        await message.edit_reply_markup(reply_markup=render.projects(t, token, rows, chosen))
    elif action == "done":
        if not Audience.from_dict(data.get("audience") or {}).complete:  # type: ignore[arg-type]
            await query.answer(t("announcements.choose_projects"), show_alert=True)
            return True
        await _preview(*args, data)
    elif (action == "country" and len(value) == 2) or (action == "lang" and value in LANGUAGES):
        kind = "country" if action == "country" else "language"
        await _preview(*args, data | {"audience": {"kind": kind, "values": [value]}})
    else:
        return False
    await query.answer()
    return True


def _draft(data: dict[str, object]) -> Draft:
    return Draft(
        token=str(data["token"]),
        text=str(data["text"]),
        length=int(data["length"]),  # type: ignore[call-overload]
        category=str(data["category"]),
        audience=Audience.from_dict(data["audience"]),  # type: ignore[arg-type]
        photo=data.get("photo"),  # type: ignore[arg-type]
        document=data.get("document"),  # type: ignore[arg-type]
    )


async def _audience_label(session: AsyncSession, t: Translator, audience: Audience) -> str:
    names: dict[str, str] = {}
    if audience.kind == "projects":
        rows = (await directory.projects_page(session, offset=0, limit=100)).items
        names = {str(r.id): render.localized(t, r.title, r.title_en) for r in rows}
    elif audience.kind == "groups":
        names = {str(c.chat_id): c.title for c in await announcement_audiences.chats(session)}
    return render.audience_label(t, audience, names)


async def _preview(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    data: dict[str, object],
) -> None:
    """The announcement exactly as recipients will see it, then what goes to whom."""
    await state.set_data(data)
    draft = _draft(data)
    chats = await announcements.recipients(
        session,
        draft,
        admin_ids=settings.admin_ids,
        default_language=settings.default_language,
        away_on=clock().astimezone(settings.tz).date(),
    )
    label = await _audience_label(session, t, draft.audience)
    await message.edit_text(t("announcements.preview_below", audience=label))
    await send_as_recipients_see(message, draft.text, draft.photo, draft.document)
    text, markup = render.summary(t, draft, label, len(chats), including_you=viewer.telegram_id in chats)
    await message.answer(text, reply_markup=markup)


async def send_as_recipients_see(message: Message, text: str, photo: str | None, document: str | None) -> None:
    if photo:
        await message.answer_photo(photo, caption=text)
    elif document:
        await message.answer_document(document, caption=text)
    else:
        await message.answer(text)


async def _confirm(
    query: CallbackQuery | None,
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    data: dict[str, object],
    scheduled_at: datetime | None,
) -> None:
    """Write the announcement and a delivery row per recipient (one transaction: the update's)."""
    created = await announcements.create(
        session,
        _draft(data),
        author_id=viewer.telegram_id,
        now=clock(),
        scheduled_at=scheduled_at,
        report_chat_id=message.chat.id,
        report_message_id=message.message_id if query else None,
        admin_ids=settings.admin_ids,
        default_language=settings.default_language,
        away_on=clock().astimezone(settings.tz).date(),
    )
    await state.clear()
    if created is None:
        if query:
            await query.answer(await _stale(session, t, settings, str(data["token"]), {}), show_alert=True)
        return
    text, markup = render.report(t, created, settings.tz)
    if query:
        await query.answer(render.confirmed(t, created.total))
        await message.edit_text(text, reply_markup=markup)
    else:
        sent = await message.answer(text, reply_markup=markup)
        await announcements.set_report_message(session, created.id, sent.chat.id, sent.message_id)


@router.message(Compose.when, F.text, ~F.text.startswith("/"))
async def got_when(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    moment = parse_when(message.text or "", settings, clock())
    if moment is None or moment <= clock():
        await message.answer(t("announcements.bad_when", example=render.when(clock(), settings.tz)))
        return
    await _confirm(None, message, state, session, viewer, t, clock, settings, await state.get_data(), moment)


def parse_when(text: str, settings: Settings, now: datetime) -> datetime | None:
    try:
        return dates.parse_moment(text, settings.tz, now, default_time=None)
    except dates.DateProblem:
        return None


@router.message(Compose.edit_time, F.text, ~F.text.startswith("/"))
async def got_new_time(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    moment = parse_when(message.text or "", settings, clock())
    if moment is None or moment <= clock():
        await message.answer(t("announcements.bad_when", example=render.when(clock(), settings.tz)))
        return
    announcement_id = (await state.get_data())["edit"]
    await state.clear()
    outcome = await announcements.edit_scheduled(session, announcement_id, when=moment)
    await _answer_edit(message, session, t, settings, announcement_id, outcome)


async def _answer_edit(
    message: Message,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    announcement_id: int,
    outcome: str,
    *,
    text_changed: bool = False,
) -> None:
    if outcome != "ok":
        await message.answer(t("announcements.edit." + outcome))
        return
    view = await announcements.get(session, announcement_id)
    assert view is not None
    if text_changed:  # the new text as recipients will see it
        await message.answer(t("announcements.text_updated", id=view.id))
        await send_as_recipients_see(message, view.text, view.photo, view.document)
    text, markup = render.report(t, view, settings.tz)
    sent = await message.answer(text, reply_markup=markup)
    await announcements.set_report_message(session, view.id, sent.chat.id, sent.message_id)


# --- past announcements ----------------------------------------------------------------------


@router.message(command("announcements"))
@router.callback_query(Menu.filter(F.name == "announcements"))
async def listing(event: Message | CallbackQuery, session: AsyncSession, t: Translator, settings: Settings) -> None:
    text, markup = render.listing(t, await announcements.recent(session), settings.tz)
    await show(event, text, markup, edit=False)


@router.callback_query(AnnouncementAct.filter())
async def act(
    query: CallbackQuery,
    callback_data: AnnouncementAct,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    view = await announcements.get(session, callback_data.id)
    message = query.message
    if view is None or not isinstance(message, Message):
        await query.answer(t("button.gone"), show_alert=True)
        return
    action = callback_data.action
    if action == "cancel" and view.open:
        view = await announcements.cancel(session, view.id, clock()) or view
        await query.answer(t("announcements.cancelled_alert"))
    elif action in ("edit", "time") and view.status == "scheduled":
        await state.set_state(Compose.edit_text if action == "edit" else Compose.edit_time)
        await state.set_data({"edit": view.id})
        await query.answer()
        await message.answer(
            t(
                "announcements.ask_new_text" if action == "edit" else "announcements.ask_when",
                tz=settings.timezone,
                example=render.when(clock(), settings.tz),
            )
        )
        return
    elif action == "csv":
        await query.answer()
        await message.answer_document(
            BufferedInputFile(
                unreached_csv(await announcements.unreached(session, view.id)),
                filename=f"announcement-{view.id}-unreached.csv",
            ),
            caption=t("announcements.csv_caption", id=view.id),
        )
        return
    elif action != "show":
        await query.answer(t("announcements.not_open"), show_alert=True)
        return
    else:
        await query.answer()
    text, markup = render.report(t, view, settings.tz)
    if action == "show":
        await message.answer(text, reply_markup=markup)
    else:
        await message.edit_text(text, reply_markup=markup)


def unreached_csv(rows: list[announcements.Unreached]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["chat_id", "name", "status", "error"])
    writer.writerows([r.chat_id, r.name, r.status, r.error] for r in rows)
    return buffer.getvalue().encode("utf-8-sig")  # with a BOM, so spreadsheet programs read UTF-8


# --- what others meet --------------------------------------------------------------------------


@denied.message(command(*COMMANDS))
async def secretariat_only(message: Message, t: Translator) -> None:
    await message.answer(t("access.secretariat_only"))


@denied.callback_query(AnnounceStep.filter())
@denied.callback_query(AnnouncementAct.filter())
@denied.callback_query(ChatApproval.filter())
async def secretariat_only_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("access.secretariat_only"), show_alert=True)


chats = Routes("bot_chats")


@chats.my_chat_member(F.chat.type != ChatType.PRIVATE)
async def bot_status_changed(
    event: ChatMemberUpdated, session: AsyncSession, viewer: Viewer | None, clock: Clock, settings: Settings
) -> None:
    """Remember the groups and channels the bot is in and whether it may post there; anyone can add
    the bot to their chat, so the secretariat is asked before it becomes an audience."""
    member = event.new_chat_member
    change = await announcement_audiences.record_chat(
        session,
        chat_id=event.chat.id,
        title=event.chat.title or "",
        type_=event.chat.type,
        status=member.status,
        can_post_messages=getattr(member, "can_post_messages", None),
        by=event.from_user.id,
        by_secretariat=bool(viewer and viewer.is_secretariat),
        now=clock(),
    )
    if change.ask:
        await _ask_secretariat(session, settings, change.chat, clock())


async def _ask_secretariat(session: AsyncSession, settings: Settings, chat: ChatView, now: datetime) -> None:
    await tell_secretariat(
        session,
        settings,
        now,
        lambda secretary: f"chat-request:{chat.chat_id}:{chat.round}:{secretary}",
        lambda t: render.chat_request(t, chat),
    )


@router.callback_query(ChatApproval.filter())
async def decide_chat(
    query: CallbackQuery,
    callback_data: ChatApproval,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
) -> None:
    decision = await announcement_audiences.decide_chat(
        session,
        callback_data.chat,
        callback_data.round,
        approve=callback_data.action == ChatAction.APPROVE,
        actor=viewer.telegram_id,
        now=clock(),
    )
    if decision.chat is None:
        await query.answer(t("announcements.chat_stale"), show_alert=True)
        return
    chat, who = decision.chat, decision.decided_by or "—"
    if decision.status == "decided":
        await query.answer(t.plain("announcements.chat_verdict." + chat.approval, who=who))
    else:  # another secretary, or a second tap, decided first
        await query.answer(
            t.plain(
                "announcements.chat_already", verdict=t.plain("announcements.chat_status." + chat.approval), who=who
            ),
            show_alert=True,
        )
    if isinstance(query.message, Message):
        text, _ = render.chat_request(t, chat, buttons=False)
        await edit_text(query.message, text + "\n\n" + t("announcements.chat_verdict." + chat.approval, who=who))


@chats.my_chat_member(F.chat.type == ChatType.PRIVATE, F.new_chat_member.status == "kicked")
async def user_blocked_the_bot(event: ChatMemberUpdated, session: AsyncSession) -> None:
    """Skipped by announcements from now on, until they write to the bot again."""
    await access.mark_blocked(session, event.chat.id)
