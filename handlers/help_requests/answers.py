"""The buttons of help requests: the secretariat forwards a request, its recipients answer, a
leader or the secretariat marks it resolved. A second tap, a stale or a forged button is answered
politely and changes nothing."""

from __future__ import annotations

from aiogram import F
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import help_requests
from bot.services.access import Viewer
from bot.services.help_requests import Answer, notices
from bot.services.outbox import enqueue
from bot.settings import Settings
from handlers.common.messages import edit_text
from handlers.common.render import localized
from handlers.common.routes import Routes
from handlers.directory.browse import card_reply
from handlers.help_requests import ui
from handlers.help_requests.callbacks import HelpAction, HelpButton

router = Routes("help_requests")

ANSWERS = {HelpAction.CAN: Answer.CAN, HelpAction.WRONG: Answer.WRONG}


@router.callback_query(HelpButton.filter(F.action == HelpAction.FORWARD))
async def forward(
    query: CallbackQuery,
    callback_data: HelpButton,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    if not viewer.is_secretariat or callback_data.kind is None:
        await query.answer(t("button.stale"), show_alert=True)
        return
    now = clock()
    sent = await help_requests.forward(
        session,
        callback_data.request,
        callback_data.kind,
        callback_data.target,
        by=viewer.telegram_id,
        now=now,
        today=now.astimezone(settings.tz).date(),
    )
    name = localized(t, sent.target.name, sent.target.name_en) if sent.target else ""
    if sent.outcome == "unknown":
        await query.answer(t("button.stale"), show_alert=True)
        return
    if sent.outcome != "sent":
        await query.answer(t.plain(f"helpreq.forward.{sent.outcome}", name=name), show_alert=True)
        return
    request = await help_requests.request(session, callback_data.request)
    assert request is not None
    await enqueue(session, await notices.forwarded(session, settings, request, sent, ui.NOTICES), now)
    await query.answer(t.plain("helpreq.forward.sent", name=name, count=len(sent.recipients)), show_alert=True)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=ui.alert_keyboard(t, request))


@router.callback_query(HelpButton.filter(F.action.in_(set(ANSWERS))))
async def answer(
    query: CallbackQuery,
    callback_data: HelpButton,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    now, choice = clock(), ANSWERS[callback_data.action]
    done = await help_requests.answer(session, callback_data.request, viewer.telegram_id, choice, now)
    if done.outcome == "unknown":
        await query.answer(t("button.stale"), show_alert=True)
        return
    if done.outcome != "recorded":
        given = t.plain("helpreq.can" if done.answer == Answer.CAN else "helpreq.wrong")
        await query.answer(t.plain(f"helpreq.answer.{done.outcome}", answer=given), show_alert=True)
        return
    request = await help_requests.request(session, callback_data.request)
    assert request is not None
    if done.person_id is not None:  # None: their card is gone from the directory, nobody to name
        helper = done.person_id
        told = await notices.answered(session, settings, request, helper, viewer.telegram_id, choice, ui.NOTICES)
        await enqueue(session, told, now)
    await query.answer(t.plain("helpreq.answer.recorded"))
    if isinstance(query.message, Message) and query.message.text:
        answered = ui.answered_text(t, query.message.html_text, choice)
        await edit_text(query.message, answered, InlineKeyboardMarkup(inline_keyboard=[]))


@router.callback_query(HelpButton.filter(F.action.in_({HelpAction.RESOLVE, HelpAction.RESOLVE_ON_CARD})))
async def resolve(
    query: CallbackQuery,
    callback_data: HelpButton,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
) -> None:
    request = await help_requests.request(session, callback_data.request)
    if request is None:
        await query.answer(t("button.stale"), show_alert=True)
        return
    if not await help_requests.may_resolve(
        session, request.project.id, viewer.person_id, secretariat=viewer.is_secretariat
    ):
        await query.answer(t.plain("helpreq.resolve_denied"), show_alert=True)
        return
    outcome = await help_requests.resolve(session, request.id, by=viewer.telegram_id, now=clock())
    await query.answer(t.plain(f"helpreq.resolve.{outcome}"), show_alert=outcome != "resolved")
    if not isinstance(query.message, Message):
        return
    if callback_data.action == HelpAction.RESOLVE_ON_CARD:
        if (card := await card_reply("p", request.project.id, session, viewer, t)) is not None:
            await edit_text(query.message, *card)
    elif outcome == "resolved":
        await query.message.edit_reply_markup(reply_markup=InlineKeyboardMarkup(inline_keyboard=[]))
