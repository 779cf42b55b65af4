"""/announce, its first steps: the text (formatting kept) and optionally a photo or document, then
the category; dropping the draft at any step."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import announcements
from bot.services.announcements import CAPTION_LIMIT, CATEGORIES, TEXT_LIMIT
from handlers.announcements import ui as render
from handlers.announcements.audience import ask_audience
from handlers.announcements.callbacks import AnnounceStep, Step
from handlers.announcements.dialog import Compose, ComposeData, Composing, compose_data, on_step, utf16_len
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.routes import Routes, command

router = restricted(Routes("announce_compose"), SecretariatOnly())


@router.message(command("announce"))
async def begin(message: Message, state: FSMContext, t: Translator) -> None:
    dropped = (await compose_data(state)).get("dropped", [])
    await state.set_state(Compose.text)
    await state.set_data(ComposeData(token=announcements.new_token(), dropped=dropped))
    await message.answer(t("announcements.ask_text"))


@router.message(StateFilter(Compose.text, Compose.attachment), F.photo | F.document)
async def got_file(message: Message, state: FSMContext, t: Translator) -> None:
    data = await compose_data(state)
    caption = bool(message.caption and message.caption.strip())
    typed = await state.get_state() == Compose.attachment.state and bool(data.get("text"))
    if caption and not typed:
        data |= {"text": message.html_text, "length": utf16_len(message.caption or "")}
    data |= {
        "photo": message.photo[-1].file_id if message.photo else None,
        "document": message.document.file_id if message.document else None,
    }
    await state.set_data(data)
    if not data.get("text"):
        await message.answer(t("announcements.ask_caption"))
        return
    if caption and typed:  # the text typed before wins; never drop either silently
        await message.answer(t("announcements.caption_ignored"))
    if data["length"] > CAPTION_LIMIT:
        # the file is kept: a shorter text sent now becomes its caption
        await state.set_state(Compose.attachment)
        await message.answer(
            t("announcements.caption_too_long", length=data["length"], limit=CAPTION_LIMIT),
            reply_markup=render.skip_attachment(t, data["token"]),
        )
        return
    await _to_category(message, state, t, data)


@router.message(StateFilter(Compose.text, Compose.attachment), F.text, ~F.text.startswith("/"))
async def got_text(message: Message, state: FSMContext, t: Translator) -> None:
    text, length = message.html_text, utf16_len(message.text or "")
    if not (message.text or "").strip():
        await message.answer(t("announcements.empty"))
        return
    if length > TEXT_LIMIT:
        await message.answer(t("announcements.text_too_long", length=length, limit=TEXT_LIMIT))
        return
    data = await compose_data(state) | {"text": text, "length": length}
    if data.get("photo") or data.get("document"):
        if length > CAPTION_LIMIT:
            await message.answer(t("announcements.caption_too_long", length=length, limit=CAPTION_LIMIT))
            return
        await _to_category(message, state, t, data)
        return
    await state.set_data(data)
    await state.set_state(Compose.attachment)
    await message.answer(t("announcements.ask_attachment"), reply_markup=render.skip_attachment(t, data["token"]))


# The edit of a scheduled announcement's text (editing.py) takes text only, too.
@router.message(StateFilter(Compose.text, Compose.attachment, Compose.edit_text), ~F.text)
async def unsupported(message: Message, t: Translator) -> None:
    await message.answer(t("announcements.unsupported"))


async def _to_category(message: Message, state: FSMContext, t: Translator, data: ComposeData) -> None:
    await state.set_data(data)
    await state.set_state(Compose.options)
    await message.answer(t("announcements.ask_category"), reply_markup=render.categories(t, data["token"]))


@router.callback_query(*on_step(Step.SKIP))
async def no_attachment(query: CallbackQuery, message: Message, draft: Composing, t: Translator) -> None:
    length = draft.data["length"]
    if length > TEXT_LIMIT:
        await query.answer(t("announcements.text_too_long", length=length, limit=TEXT_LIMIT), show_alert=True)
        return
    await message.edit_text(t("announcements.no_attachment_chosen"))
    await _to_category(message, draft.state, t, draft.data | {"photo": None, "document": None})
    await query.answer()


@router.callback_query(*on_step(Step.CATEGORY, F.value.in_(CATEGORIES)))
async def category(
    query: CallbackQuery,
    callback_data: AnnounceStep,
    message: Message,
    draft: Composing,
    session: AsyncSession,
    t: Translator,
) -> None:
    await draft.save({"category": callback_data.value})
    await ask_audience(message, session, t, draft.token)
    await query.answer()


@router.callback_query(*on_step(Step.DROP))
async def drop(query: CallbackQuery, message: Message, draft: Composing, t: Translator) -> None:
    await draft.state.set_state(None)  # out of the dialog; its token is remembered for its old buttons
    await draft.state.set_data(ComposeData(dropped=[*draft.data.get("dropped", [])[-9:], draft.token]))
    await message.edit_text(t("announcements.dropped"))
    await query.answer()
