"""/roadmap: the list and item cards for members, management for the secretariat, answers from reminders."""

from __future__ import annotations

from datetime import datetime

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import access, roadmap
from bot.services.access import Viewer
from bot.services.directory.search import DirectorySearch
from bot.services.outbox import Outgoing, enqueue
from bot.services.roadmap import calendar as roadmap_calendar
from bot.services.roadmap import chart as roadmap_chart
from bot.services.roadmap import notices, reminders
from bot.settings import Settings
from handlers.common.callbacks import Menu
from handlers.common.messages import show
from handlers.common.notify import tell_secretariat
from handlers.common.routes import Routes, command
from handlers.roadmap import ui as view
from handlers.roadmap.callbacks import (
    RoadmapAnswer,
    RoadmapCard,
    RoadmapEdit,
    RoadmapExtension,
    RoadmapFile,
    RoadmapList,
    RoadmapOwnerPick,
)

router = Routes("roadmap")
TITLE_LIMIT = 300
TEXT_LIMIT = 3000
REASON_LIMIT = 1000
SKIP = "-"


class NewItem(StatesGroup):
    title = State()
    description = State()
    source = State()


class EditItem(StatesGroup):
    deadline = State()
    owner = State()
    policy = State()


class Answer(StatesGroup):
    done = State()
    date = State()
    reason = State()
    not_mine = State()


# --- viewing ---------------------------------------------------------------------------------


@router.message(command("roadmap"))
@router.callback_query(Menu.filter(F.name == "roadmap"))
@router.callback_query(RoadmapList.filter(F.offset >= 0))
async def items(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    callback_data: RoadmapList | Menu | None = None,
) -> None:
    if not viewer.is_member:
        await _deny(event, t("roadmap.members_only"))
        return
    paging = isinstance(callback_data, RoadmapList)
    mine = isinstance(callback_data, RoadmapList) and callback_data.mine
    offset = callback_data.offset if isinstance(callback_data, RoadmapList) else 0
    page = await roadmap.list_items(
        session, person_id=(viewer.person_id or -1) if mine else None, offset=offset, limit=view.PAGE_SIZE
    )
    await show(
        event,
        *view.item_list(t, page, mine=mine, secretariat=viewer.is_secretariat, now=clock(), tz=settings.tz),
        edit=paging,
    )


@router.callback_query(RoadmapCard.filter())
async def card(
    query: CallbackQuery,
    callback_data: RoadmapCard,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    if not viewer.is_member:
        await query.answer(t("roadmap.members_only"), show_alert=True)
        return
    await state.clear()
    await _show_card(query, session, viewer, t, clock, settings, callback_data.item, edit=False)


async def _show_card(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    item_id: int,
    *,
    edit: bool,
) -> None:
    found = await roadmap.item_card(session, item_id)
    if found is None:
        await _deny(event, t("button.gone"))
        return
    answerable = await roadmap.may_answer(session, item_id, viewer.person_id)
    await show(
        event,
        *view.item_card(
            t, found, now=clock(), tz=settings.tz, secretariat=viewer.is_secretariat, answerable=answerable
        ),
        edit=edit,
    )


@router.callback_query(RoadmapFile.filter(F.kind.in_({"ics", "png"})))
async def calendar_file(
    query: CallbackQuery,
    callback_data: RoadmapFile,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if not viewer.is_member or query.message is None:
        await query.answer(t("roadmap.members_only"), show_alert=True)
        return
    cards = await roadmap.items_for_calendar(
        session, person_id=(viewer.person_id or -1) if callback_data.mine else None
    )
    await query.answer()
    if not cards:
        await query.message.answer(t("roadmap.nothing_dated"))
        return
    if callback_data.kind == "ics":
        data = roadmap_calendar.build(cards, now=clock(), tz=settings.tz, name=t.plain("roadmap.calendar_name"))
        await query.message.answer_document(
            BufferedInputFile(data, filename="roadmap.ics"), caption=t("roadmap.ics_caption", n=len(cards))
        )
    else:
        png = roadmap_chart.timeline(
            cards,
            now=clock(),
            tz=settings.tz,
            today_label=t.plain("roadmap.chart_today"),
            title=t.plain("roadmap.chart_title_mine" if callback_data.mine else "roadmap.chart_title"),
        )
        shown = min(len(cards), roadmap_chart.MAX_BARS)
        await query.message.answer_photo(
            BufferedInputFile(png, filename="roadmap.png"),
            caption=t("roadmap.png_caption", items=t.plural("roadmap.items", shown, n=shown)),
        )


async def _deny(event: Message | CallbackQuery, text: str) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)


# --- the secretariat: adding and editing items ---------------------------------------------------


@router.callback_query(RoadmapEdit.filter())
async def edit(
    query: CallbackQuery,
    callback_data: RoadmapEdit,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    if not viewer.is_secretariat or query.message is None:
        await query.answer(t("access.secretariat_only"), show_alert=True)
        return
    item_id, action = callback_data.item, callback_data.action
    if action == "new":
        await state.set_state(NewItem.title)
        await show(query, t("roadmap.ask_title"), InlineKeyboardBuilder().as_markup(), edit=False)
        return
    if action == "attention":
        text, markup = view.nudge(t, await roadmap.needing_attention(session))
        await show(query, text, markup, edit=False)
        return
    found = await roadmap.item_card(session, item_id, history=False)
    if action == "reopen":
        if found is None or not await roadmap.reopen_item(
            session, item_id, actor=viewer.telegram_id, actor_name=viewer.first_name, now=clock()
        ):
            await query.answer(t("button.stale"), show_alert=True)
            return
        await _show_card(query, session, viewer, t, clock, settings, item_id, edit=True)
        return
    if found is None or found.status != roadmap.OPEN:
        await query.answer(t("roadmap.closed_already"), show_alert=True)
        return
    if action in ("close", "cancel"):
        await show(query, *view.confirm_close(t, found, action), edit=True)
        return
    if action in ("close_ok", "cancel_ok"):
        status = "done" if action == "close_ok" else "cancelled"
        event_id = await roadmap.close_item(
            session, item_id, status, actor=viewer.telegram_id, actor_name=viewer.first_name, now=clock()
        )
        if event_id is not None:
            await _tell_owners(
                session,
                settings,
                clock(),
                found,
                await roadmap.owners_of(session, item_id),
                f"roadmap.owner_{status}_notice",
                f"rm:{status}:{event_id}",
            )
        await _show_card(query, session, viewer, t, clock, settings, item_id, edit=True)
        return
    prompts = {
        "deadline": (EditItem.deadline, "roadmap.ask_deadline"),
        "owners": (EditItem.owner, None),
        "policy": (EditItem.policy, "roadmap.ask_policy"),
    }
    if action not in prompts:
        await query.answer(t("button.stale"), show_alert=True)
        return
    form, prompt = prompts[action]
    await state.set_state(form)
    await state.update_data(item=item_id)
    if prompt is None:
        await show(query, *view.owners_editor(t, found), edit=False)
    else:
        await show(
            query,
            t(
                prompt,
                days=",".join(map(str, settings.reminder_days)),
                every=view.overdue_every(t, settings.reminder_overdue_every_days),
            ),
            InlineKeyboardBuilder().as_markup(),
            edit=False,
        )


@router.message(StateFilter(NewItem), F.text, ~F.text.startswith("/"))
async def new_item_step(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    text = (message.text or "").strip()
    if not viewer.is_secretariat:
        await state.clear()
        return
    current = await state.get_state()
    if current == NewItem.title.state:
        if len(text) > TITLE_LIMIT:
            await message.answer(t("roadmap.too_long", limit=TITLE_LIMIT))
            return
        await state.update_data(title=text)
        await state.set_state(NewItem.description)
        await message.answer(t("roadmap.ask_description"))
    elif current == NewItem.description.state:
        await state.update_data(description=text[:TEXT_LIMIT])
        await state.set_state(NewItem.source)
        await message.answer(t("roadmap.ask_source", skip=SKIP))
    else:
        data = await state.get_data()
        await state.clear()
        item_id = await roadmap.create_item(
            session,
            title=data["title"],
            description=data["description"],
            source=None if text == SKIP else text[:TEXT_LIMIT],
            actor=viewer.telegram_id,
            actor_name=viewer.first_name,
            now=clock(),
        )
        await message.answer(t("roadmap.created"))
        await _show_card(message, session, viewer, t, clock, settings, item_id, edit=False)


@router.message(StateFilter(EditItem.deadline), F.text, ~F.text.startswith("/"))
async def deadline_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    try:
        deadline = roadmap.parse_deadline(message.text or "", settings.tz, clock())
    except roadmap.DateProblem as problem:
        await message.answer(t(f"roadmap.date_{problem.reason}"))
        return
    item_id = (await state.get_data())["item"]
    await state.clear()
    if not viewer.is_secretariat or not await roadmap.set_deadline(
        session, item_id, deadline, actor=viewer.telegram_id, actor_name=viewer.first_name, now=clock()
    ):
        await message.answer(t("roadmap.closed_already"))
        return
    await _show_card(message, session, viewer, t, clock, settings, item_id, edit=False)


@router.message(StateFilter(EditItem.policy), F.text, ~F.text.startswith("/"))
async def policy_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    parsed = roadmap.parse_policy(message.text or "")
    if parsed is None:
        await message.answer(t("roadmap.policy_bad"))
        return
    item_id = (await state.get_data())["item"]
    await state.clear()
    days, every = parsed
    if not viewer.is_secretariat or not await roadmap.set_policy(
        session, item_id, days, every, actor=viewer.telegram_id, actor_name=viewer.first_name, now=clock()
    ):
        await message.answer(t("roadmap.closed_already"))
        return
    await _show_card(message, session, viewer, t, clock, settings, item_id, edit=False)


@router.message(StateFilter(EditItem.owner), F.text, ~F.text.startswith("/"))
async def owner_search(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, search: DirectorySearch
) -> None:
    item_id = (await state.get_data())["item"]
    result = await search.search(session, (message.text or "")[:200], members=True, limit=10)
    hits = [
        ("o" if h.doc.kind == "organisation" else "p", h.doc.id, h.doc.title)
        for h in result.hits
        if h.doc.kind in ("organisation", "person")
    ]
    text, markup = view.owner_choices(t, item_id, hits)
    await message.answer(text, reply_markup=markup)


@router.callback_query(RoadmapOwnerPick.filter(F.kind.in_({"o", "p", "x"})))
async def owner_pick(
    query: CallbackQuery,
    callback_data: RoadmapOwnerPick,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if not viewer.is_secretariat:
        await query.answer(t("access.secretariat_only"), show_alert=True)
        return
    item_id, kind, ref = callback_data.item, callback_data.kind, callback_data.ref
    actor, name, now = viewer.telegram_id, viewer.first_name, clock()
    organisation_id, person_id = (ref, None) if kind == "o" else (None, ref)
    owner_id: int | None = None
    removed: tuple[int | None, int | None] | None = None
    if kind == "x":
        removed = await roadmap.remove_owner(session, item_id, ref, actor=actor, actor_name=name, now=now)
        changed = removed is not None
    else:
        owner_id = await roadmap.add_owner(
            session,
            item_id,
            organisation_id=organisation_id,
            person_id=person_id,
            actor=actor,
            actor_name=name,
            now=now,
        )
        changed = owner_id is not None
    found = await roadmap.item_card(session, item_id, history=False)
    if found is None or found.status != roadmap.OPEN:
        await query.answer(t("roadmap.closed_already"), show_alert=True)
        return
    if owner_id is not None:
        messages = await notices.assigned(
            session,
            settings,
            now,
            found,
            (owner_id, (organisation_id, person_id)),
            lambda told: view.assigned(told, found, now=now, tz=settings.tz),
        )
        await enqueue(session, messages, now)
    if removed is not None:
        # People still responsible through another owner row are not told they were removed.
        await _tell_owners(
            session,
            settings,
            now,
            found,
            [removed],
            "roadmap.owner_removed_notice",
            f"rm:removed:{ref}",
            keep=await roadmap.owners_of(session, item_id),
        )
    if not changed:
        await query.answer(t("roadmap.owner_unchanged"))
    await show(query, *view.owners_editor(t, found), edit=kind == "x")


# --- answers from a reminder ---------------------------------------------------------------------


@router.callback_query(RoadmapAnswer.filter(F.action.in_({"done", "more", "notmine", "skip", "nmskip"})))
async def answer(
    query: CallbackQuery,
    callback_data: RoadmapAnswer,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    item_id, action = callback_data.item, callback_data.action
    if not await roadmap.is_open(session, item_id):
        await state.clear()
        await query.answer(t("roadmap.closed_already"), show_alert=True)
        return
    if not viewer.is_secretariat and not await roadmap.may_answer(session, item_id, viewer.person_id):
        await query.answer(t("roadmap.not_responsible"), show_alert=True)
        return
    current, data = await state.get_state(), await state.get_data()
    asked = {"done": Answer.done.state, "more": Answer.date.state, "notmine": Answer.not_mine.state}
    if action in asked and current == asked[action] and data.get("item") == item_id:
        await query.answer()  # a second tap: the question is already there
        return
    who = await roadmap.person_label(session, viewer.person_id, viewer.first_name)
    if action == "done":
        await state.set_state(Answer.done)
        await state.update_data(item=item_id)
        kb = InlineKeyboardBuilder()
        kb.button(text=t("roadmap.done_without_note"), callback_data=RoadmapAnswer(item=item_id, action="skip"))
        await show(query, t("roadmap.ask_done_note"), kb.as_markup(), edit=False)
    elif action == "skip":
        await state.clear()
        await _close_done(query, session, viewer, t, clock, settings, item_id, None, {})
    elif action == "more":
        await state.set_state(Answer.date)
        await state.update_data(item=item_id)
        await show(query, t("roadmap.ask_new_date"), InlineKeyboardBuilder().as_markup(), edit=False)
    elif action == "notmine":
        await state.set_state(Answer.not_mine)
        await state.update_data(item=item_id)
        kb = InlineKeyboardBuilder()
        kb.button(text=t("roadmap.not_mine_skip"), callback_data=RoadmapAnswer(item=item_id, action="nmskip"))
        await show(query, t("roadmap.ask_not_mine_reason", limit=REASON_LIMIT), kb.as_markup(), edit=False)
    else:  # "not mine" without a reason: only while the question is open (a second tap sends nothing)
        if current != Answer.not_mine.state or data.get("item") != item_id:
            await query.answer()
            return
        await state.clear()
        await _not_mine(query, session, viewer, t, clock, settings, item_id, None, who)


@router.message(StateFilter(Answer.not_mine), F.text, ~F.text.startswith("/"))
async def not_mine_reason(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    reason = (message.text or "").strip()
    if len(reason) > REASON_LIMIT:
        await message.answer(t("roadmap.text_too_long", limit=REASON_LIMIT, n=len(reason)))
        return
    item_id = (await state.get_data())["item"]
    await state.clear()
    if not await roadmap.is_open(session, item_id):
        await message.answer(t("roadmap.closed_already"))
        return
    who = await roadmap.person_label(session, viewer.person_id, viewer.first_name)
    await _not_mine(message, session, viewer, t, clock, settings, item_id, reason or None, who)


async def _not_mine(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    item_id: int,
    reason: str | None,
    who: str,
) -> None:
    """The secretariat is asked to reassign or keep; the person gets no reminders of it meanwhile."""
    event_id = await roadmap.not_mine(
        session, item_id, actor=viewer.telegram_id, actor_name=who, now=clock(), note=reason
    )
    await _tell_secretariat(
        session,
        settings,
        clock,
        item_id,
        "roadmap.told_not_mine",
        who,
        reason,
        f"notmine:{event_id}",
        not_mine=event_id,
    )
    await show(event, t("roadmap.not_mine_sent"), InlineKeyboardBuilder().as_markup(), edit=False)


@router.callback_query(RoadmapOwnerPick.filter(F.kind == "k"))
async def keep_owner(
    query: CallbackQuery,
    callback_data: RoadmapOwnerPick,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    """The secretariat keeps the person who said "not mine": their reminders resume, they are told."""
    if not viewer.is_secretariat:
        await query.answer(t("access.secretariat_only"), show_alert=True)
        return
    actors = await roadmap.resolve_not_mine(session, callback_data.item, "kept", event_id=callback_data.ref)
    found = await roadmap.item_card(session, callback_data.item, history=False)
    if not actors or found is None:
        await query.answer(t("roadmap.kept_already"), show_alert=True)
        return
    messages = []
    for chat in actors:
        told = Translator(await access.account_language(session, chat, settings.default_language))
        messages.append(
            Outgoing(
                key=f"rm:kept:{callback_data.ref}:c{chat}",
                chat_id=chat,
                kind="notice",
                text=told("roadmap.kept_notice", head=view.head(told, found)),
                reply_markup=view.to_card(told, found.id),
            )
        )
    await enqueue(session, messages, clock())
    await query.answer(t("roadmap.kept_done"), show_alert=True)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(
            reply_markup=InlineKeyboardBuilder()
            .button(text=t("roadmap.open_card"), callback_data=RoadmapCard(item=found.id))
            .as_markup()
        )


@router.message(StateFilter(Answer.done), (F.text & ~F.text.startswith("/")) | F.document | F.photo)
async def done_evidence(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    note = (message.text or message.caption or "").strip() or None
    if note is not None and len(note) > TEXT_LIMIT:  # said, not silently cut
        await message.answer(t("roadmap.text_too_long", limit=TEXT_LIMIT, n=len(note)))
        return
    item_id = (await state.get_data())["item"]
    await state.clear()
    evidence = (
        {"document": message.document.file_id}
        if message.document
        else {"photo": message.photo[-1].file_id}
        if message.photo
        else {}
    )
    await _close_done(message, session, viewer, t, clock, settings, item_id, note, evidence)


async def _close_done(
    event: Message | CallbackQuery,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    item_id: int,
    note: str | None,
    evidence: dict[str, str],
) -> None:
    """`evidence`: {"photo": file_id} or {"document": file_id}, or nothing."""
    file_id = next(iter(evidence.values()), None)
    who = await roadmap.person_label(session, viewer.person_id, viewer.first_name)
    if not await roadmap.close_item(
        session, item_id, "done", actor=viewer.telegram_id, actor_name=who, now=clock(), note=note, file_id=file_id
    ):
        await _deny(event, t("roadmap.closed_already"))
        return
    await _tell_secretariat(
        session, settings, clock, item_id, "roadmap.told_done", who, note, f"done:{item_id}", evidence
    )
    await show(event, t("roadmap.done_thanks"), InlineKeyboardBuilder().as_markup(), edit=False)


@router.message(StateFilter(Answer.date), F.text, ~F.text.startswith("/"))
async def new_date_typed(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, clock: Clock, settings: Settings
) -> None:
    try:
        deadline = roadmap.parse_deadline(message.text or "", settings.tz, clock())
    except roadmap.DateProblem as problem:
        await message.answer(t(f"roadmap.date_{problem.reason}"))
        return
    current = await roadmap.current_deadline(session, (await state.get_data())["item"])
    if current is not None and deadline <= current:
        await message.answer(t("roadmap.date_not_later", date=view.when(current, settings.tz)))
        return
    await state.update_data(deadline=deadline.isoformat())
    await state.set_state(Answer.reason)
    await message.answer(t("roadmap.ask_reason", limit=REASON_LIMIT))


@router.message(StateFilter(Answer.reason), F.text, ~F.text.startswith("/"))
async def reason_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    reason = (message.text or "").strip()
    if len(reason) > REASON_LIMIT:
        await message.answer(t("roadmap.text_too_long", limit=REASON_LIMIT, n=len(reason)))
        return
    data = await state.get_data()
    await state.clear()
    deadline = datetime.fromisoformat(data["deadline"])
    who = await roadmap.person_label(session, viewer.person_id, viewer.first_name)
    event_id = await roadmap.request_extension(
        session, data["item"], deadline, reason, actor=viewer.telegram_id, actor_name=who, now=clock()
    )
    found = await roadmap.item_card(session, data["item"], history=False)
    if event_id is None or found is None:
        await message.answer(t("roadmap.closed_already"))
        return
    await tell_secretariat(
        session,
        settings,
        clock(),
        lambda chat: f"rm:ext:{event_id}:c{chat}",
        lambda t: view.extension_request(t, found, event_id, who, deadline, reason, settings.tz),
    )
    await message.answer(t("roadmap.extension_sent", date=view.when(deadline, settings.tz)))


@router.callback_query(RoadmapExtension.filter())
async def decide(
    query: CallbackQuery,
    callback_data: RoadmapExtension,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if not viewer.is_secretariat:
        await query.answer(t("access.secretariat_only"), show_alert=True)
        return
    outcome = await roadmap.decide_extension(
        session,
        callback_data.event,
        callback_data.approve,
        actor=viewer.telegram_id,
        actor_name=viewer.first_name,
        now=clock(),
    )
    if outcome.status not in ("approved", "declined", "closed"):
        await query.answer(t(f"roadmap.extension_{outcome.status}"), show_alert=True)
        return
    date = view.when(outcome.deadline, settings.tz) if outcome.deadline else "—"
    found = await roadmap.item_card(session, outcome.item_id, history=False)
    if found is None:
        await query.answer(t("roadmap.extension_gone"), show_alert=True)
        return
    if outcome.requester is not None:
        told = Translator(await access.account_language(session, outcome.requester, settings.default_language))
        await enqueue(
            session,
            [
                Outgoing(
                    key=f"rm:ext:{callback_data.event}:decided",
                    chat_id=outcome.requester,
                    kind="notice",
                    text=told(
                        f"roadmap.extension_{outcome.status}_notice", date=date, number=found.number, title=found.title
                    ),
                )
            ],
            clock(),
        )
    kb = InlineKeyboardBuilder()
    kb.button(text=t("roadmap.open_card"), callback_data=RoadmapCard(item=found.id))
    await show(
        query,
        t(f"roadmap.extension_{outcome.status}_done", date=date, head=view.head(t, found), who=outcome.who or "—"),
        kb.as_markup(),
        edit=True,
    )


async def _people_of(
    session: AsyncSession, settings: Settings, owners: list[tuple[int | None, int | None]]
) -> dict[int, reminders.Recipient]:
    """The people in Telegram whom these owners (organisation id, person id) mean, by person id."""
    people: dict[int, reminders.Recipient] = {}
    for organisation_id, person_id in owners:
        for person in await reminders.recipients_of(
            session, organisation_id=organisation_id, person_id=person_id, default_language=settings.default_language
        ):
            people.setdefault(person.person_id, person)
    return people


async def _tell_secretariat(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    item_id: int,
    key: str,
    who: str,
    note: str | None,
    name: str,
    evidence: dict[str, str] | None = None,
    *,
    not_mine: int | None = None,
) -> None:
    found = await roadmap.item_card(session, item_id, history=False)
    if found is None:
        return
    messages = [
        Outgoing(
            key=f"rm:{name}:c{chat}",
            chat_id=chat,
            kind="notice",
            photo=(evidence or {}).get("photo"),
            document=(evidence or {}).get("document"),
            text=view.answer_notice(Translator(language), key, found, who, note),
            reply_markup=view.to_card(Translator(language), item_id)
            if not_mine is None
            else view.not_mine_keyboard(Translator(language), item_id, not_mine),
        )
        for chat, language in await access.secretariat_chats(session, settings.admin_ids, settings.default_language)
    ]
    await enqueue(session, messages, clock())


async def _tell_owners(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    card: roadmap.ItemCard,
    owners: list[tuple[int | None, int | None]],
    key: str,
    name: str,
    *,
    keep: list[tuple[int | None, int | None]] | None = None,
) -> None:
    """The people the given owners mean learn what the secretariat did to the item (closed,
    cancelled, removed them); those still responsible through an owner in `keep` are left out."""
    staying = await _people_of(session, settings, keep or [])
    messages = []
    for person in (await _people_of(session, settings, owners)).values():
        if person.person_id in staying:
            continue
        told = Translator(person.language)
        messages.append(
            Outgoing(
                key=f"{name}:p{person.person_id}",
                chat_id=person.chat_id,
                kind="notice",
                text=told(key, head=view.head(told, card)),
                reply_markup=view.to_card(told, card.id),
            )
        )
    if messages:
        await enqueue(session, messages, now)
