"""Texts and keyboards of joining: the join request card the secretariat decides on."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, Translator
from bot.services.access.joining import JoinRequestView
from handlers.common.render import telegram_account
from handlers.joining.callbacks import Decide


def request_card(t: Translator, request: JoinRequestView) -> tuple[str, InlineKeyboardMarkup]:
    """A join request as the secretariat sees it: who, from where, and Approve / Reject.
    "Telegram:" names the account as Telegram does (its own name, @username), never the name
    claimed in the request, so that someone posing as another shows."""
    who = Html(
        telegram_account(request.telegram_id, request.telegram_name or str(request.telegram_id), request.username)
    )
    kb = InlineKeyboardBuilder()
    kb.button(text=t("join.approve"), callback_data=Decide(request=request.id, approve=True))
    kb.button(text=t("join.reject"), callback_data=Decide(request=request.id, approve=False))
    text = t("join.request_card", name=request.full_name, organisation=request.organisation, who=who)
    return (text + "\n" + t("join.request_readmission") if request.readmission else text), kb.as_markup()
