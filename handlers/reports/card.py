"""What progress reports add to a project card: the latest status and its date for members,
History, Report for the project's leaders, Leaders and Check-ins for the secretariat; and its
open help requests (handlers/help_requests/card.py)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import reports
from bot.services.access import Viewer
from handlers.help_requests import card as help_card
from handlers.reports import ui as render


async def extend_card(
    session: AsyncSession, viewer: Viewer, t: Translator, project_id: int, text: str, markup: InlineKeyboardMarkup
) -> tuple[str, InlineKeyboardMarkup]:
    if not viewer.is_member:
        return text, markup
    latest = await reports.latest(session, project_id)
    leads = viewer.is_leader and any(p.id == project_id for p in await reports.led_projects(session, viewer.person_id))
    rows = render.card_buttons(
        t,
        project_id,
        history=latest is not None,
        report=leads or viewer.is_secretariat,
        secretariat=viewer.is_secretariat,
    )
    keyboard = InlineKeyboardMarkup(inline_keyboard=[*rows, *markup.inline_keyboard])
    return await help_card.extend_card(
        session, viewer, t, project_id, f"{text}\n{render.card_line(t, latest)}", keyboard
    )
