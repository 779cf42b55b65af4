"""The secretariat's decision on a join request, from the request's card: the guest is told
through the outbox, and an approved one gets the members' command menu."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.access import joining
from bot.services.outbox import enqueue
from bot.settings import Settings
from handlers.common.filters import SecretariatOnly, refuse
from handlers.common.messages import edit_text
from handlers.common.notify import set_account_commands
from handlers.common.routes import Routes
from handlers.joining.callbacks import Decide

router = Routes("join_decision")
ALERT_LIMIT = 200


@router.callback_query(Decide.filter(), SecretariatOnly())
async def decide(
    query: CallbackQuery,
    callback_data: Decide,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    request, first = await joining.decide_join_request(
        session, callback_data.request, approve=callback_data.approve, actor=query.from_user.id, now=clock()
    )
    if request is None:
        await query.answer(t("button.stale"), show_alert=True)
        return
    if request.duplicate_of is not None:
        # Approving would make a second copy of a member who is in with another account.
        holder = request.duplicate_of
        await query.answer(
            t.plain("join.duplicate", member=holder.name, who=holder.handle)[:ALERT_LIMIT], show_alert=True
        )
        return
    verdict = {
        "name": request.full_name,
        "organisation": request.organisation,
        "who": request.decided_by_name or str(request.decided_by),
    }
    if first:
        # Enqueued before anything is said to the secretary, so it commits with the decision.
        await enqueue(session, [await joining.decision_notice(session, settings, request)], clock())
        await query.answer(t.plain("join.verdict." + request.status, **verdict))
    else:
        # Another secretary (or a double tap) decided first: say who and how, and retire these buttons.
        status = t.plain("join.status." + request.status)
        await query.answer(t.plain("join.already_decided", status=status, **verdict), show_alert=True)
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        verdict_text = t("join.verdict." + request.status, **verdict)
        await edit_text(query.message, verdict_text + "\n" + t("join.decided_by", who=verdict["who"]))
    if first and request.status == "approved":
        await set_account_commands(bot, session, settings, request.telegram_id, frozenset({"member"}))


refuse(router, "access.secretariat_only", buttons=(Decide.filter(),))
