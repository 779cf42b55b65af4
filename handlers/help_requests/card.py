"""What help requests add to a project card: its open requests for members, and «Resolved» for
its leaders and the secretariat."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import help_requests
from bot.services.access import Viewer
from handlers.help_requests import ui


async def extend_card(
    session: AsyncSession, viewer: Viewer, t: Translator, project_id: int, text: str, markup: InlineKeyboardMarkup
) -> tuple[str, InlineKeyboardMarkup]:
    if not viewer.is_member or not (requests := await help_requests.open_requests(session, project_id)):
        return text, markup
    text = f"{text}\n\n{ui.card_lines(t, requests)}"
    if not await help_requests.may_resolve(session, project_id, viewer.person_id, secretariat=viewer.is_secretariat):
        return text, markup
    return text, InlineKeyboardMarkup(inline_keyboard=[*ui.card_buttons(t, requests), *markup.inline_keyboard])
