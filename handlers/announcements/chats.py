"""The chats the bot is in: groups and channels it is added to, promoted in or removed from (the
secretariat is asked before one becomes an audience, and decides here), and people who blocked it."""

from __future__ import annotations

from aiogram import F
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import access
from bot.services.access import Viewer
from bot.services.announcements import audiences
from bot.services.outbox import enqueue
from bot.settings import Settings
from handlers.announcements import ui as render
from handlers.announcements.callbacks import ChatAction, ChatApproval
from handlers.common.filters import SecretariatOnly
from handlers.common.messages import edit_text
from handlers.common.notify import as_notice
from handlers.common.routes import Routes

router = Routes("bot_chats")
router.filter("callback_query", SecretariatOnly())


@router.my_chat_member(F.chat.type != ChatType.PRIVATE)
async def bot_status_changed(
    event: ChatMemberUpdated, session: AsyncSession, viewer: Viewer | None, clock: Clock, settings: Settings
) -> None:
    """Remember the groups and channels the bot is in and whether it may post there; anyone can add
    the bot to their chat, so the secretariat is asked before it becomes an audience."""
    member = event.new_chat_member
    change = await audiences.record_chat(
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
    await enqueue(
        session, await audiences.approval_requests(session, settings, change, as_notice(render.chat_request)), clock()
    )


@router.my_chat_member(F.chat.type == ChatType.PRIVATE, F.new_chat_member.status == "kicked")
async def user_blocked_the_bot(event: ChatMemberUpdated, session: AsyncSession) -> None:
    """Skipped by announcements from now on, until they write to the bot again."""
    await access.mark_blocked(session, event.chat.id)


@router.callback_query(ChatApproval.filter())
async def decide_chat(
    query: CallbackQuery,
    callback_data: ChatApproval,
    session: AsyncSession,
    viewer: Viewer,
    t: Translator,
    clock: Clock,
) -> None:
    decision = await audiences.decide_chat(
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
    verdict = t("announcements.chat_verdict." + chat.approval, who=who)
    if decision.status == "decided":
        await query.answer(t.plain("announcements.chat_verdict." + chat.approval, who=who))
    else:  # another secretary, or a second tap, decided first
        status = t.plain("announcements.chat_status." + chat.approval)
        await query.answer(t.plain("announcements.chat_already", verdict=status, who=who), show_alert=True)
    if isinstance(query.message, Message):
        text, _ = render.chat_request(t, chat, buttons=False)
        await edit_text(query.message, text + "\n\n" + verdict)
