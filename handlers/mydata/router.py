"""/mydata: everything the bot holds about the person, as text and as a JSON document; /forgetme
(or the button under /mydata): after a confirmation, the account is unlinked and the card's
contacts erased, and the secretariat is told."""

from __future__ import annotations

from functools import partial

from aiogram import Bot, F
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import mydata
from bot.services.access import Viewer
from bot.services.access.members import CONFIGURED_ROLES
from bot.services.mydata import forget
from bot.settings import Settings
from handlers.common.messages import edit_text
from handlers.common.notify import set_commands_for, tell_secretariat
from handlers.common.routes import Routes, command
from handlers.mydata import ui
from handlers.mydata.callbacks import ForgetAct, ForgetMe

router = Routes("mydata")

# More messages than this in one go would meet Telegram's limits for one chat: a longer text
# comes as a file instead.
MAX_MESSAGES = 4


@router.message(command("mydata"))
async def my_data(
    message: Message, session: AsyncSession, viewer: Viewer, t: Translator, settings: Settings, clock: Clock
) -> None:
    data = await mydata.gather(session, viewer.telegram_id, admin_ids=settings.admin_ids)
    texts = ui.pieces(ui.blocks(t, data, settings.tz, clock()))
    if len(texts) <= MAX_MESSAGES:
        for text in texts:
            await message.answer(text)
    else:
        readable = "\n\n".join(ui.plain(text) for text in texts).encode()
        await message.answer_document(BufferedInputFile(readable, "mydata.txt"), caption=t("mydata.txt_caption"))
    await message.answer_document(
        BufferedInputFile(data.to_json().encode(), "mydata.json"),
        caption=t("mydata.json_caption"),
        reply_markup=ui.forget_button(t, viewer.person_id) if data.card and viewer.person_id else None,
    )


@router.message(command("forgetme"))
async def forget_me(message: Message, session: AsyncSession, viewer: Viewer, t: Translator, clock: Clock) -> None:
    subject = await forget.subject(session, viewer.telegram_id)
    if subject is None:
        await message.answer(t("mydata.forget_nothing"))
        return
    text, markup = ui.confirmation(t, subject, int(clock().timestamp()))
    await message.answer(text, reply_markup=markup)


@router.callback_query(ForgetMe.filter(F.action == ForgetAct.ASK))
async def ask(
    query: CallbackQuery, callback_data: ForgetMe, session: AsyncSession, viewer: Viewer, t: Translator, clock: Clock
) -> None:
    subject = await forget.subject(session, viewer.telegram_id)
    if subject is None or subject.person_id != callback_data.person:
        await query.answer(t.plain("button.stale"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = ui.confirmation(t, subject, int(clock().timestamp()))
        await query.message.answer(text, reply_markup=markup)


@router.callback_query(ForgetMe.filter(F.action == ForgetAct.NO))
async def keep(query: CallbackQuery, callback_data: ForgetMe, session: AsyncSession, t: Translator) -> None:
    if await forget.carried_out(session, callback_data.person, forget.confirmation_time(callback_data.at)):
        await query.answer(t.plain("mydata.forget_already"), show_alert=True)  # "yes" was tapped first
        return
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, t("mydata.forget_kept"))


@router.callback_query(ForgetMe.filter(F.action == ForgetAct.YES))
async def confirmed(
    query: CallbackQuery,
    callback_data: ForgetMe,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    now = clock()
    outcome = await forget.forget(
        session,
        viewer.telegram_id,
        callback_data.person,
        confirmation_at=forget.confirmation_time(callback_data.at),
        now=now,
        admin_ids=settings.admin_ids,
    )
    if outcome.status != "done" or outcome.subject is None:
        key = {"already": "mydata.forget_already", "last_secretary": "mydata.forget_last_secretary"}
        await query.answer(t.plain(key.get(outcome.status, "button.stale")), show_alert=True)
        return
    subject = outcome.subject
    await tell_secretariat(
        session,
        settings,
        now,
        partial("forget:{}:{}:c{}".format, subject.person_id, callback_data.at),
        partial(ui.secretariat_notice, subject=subject, listed=outcome.listed),
    )
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, t("mydata.forget_done", name=subject.name))
    roles = CONFIGURED_ROLES if viewer.telegram_id in settings.admin_ids else frozenset()
    await set_commands_for(bot, viewer.telegram_id, language=viewer.language, roles=roles)
