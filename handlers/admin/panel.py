"""/admin, the secretariat's panel (and the cards of the join requests waiting), and /audit, the
audit log."""

from __future__ import annotations

from aiogram import F
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import audit
from bot.services.access import joining
from bot.settings import Settings
from handlers.admin import ui
from handlers.admin.callbacks import AuditPage
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import show
from handlers.common.routes import Routes, command
from handlers.joining import ui as joining_ui

router = restricted(Routes("admin"), SecretariatOnly())
REQUEST_CARDS = 10


@router.message(command("admin"))
@router.callback_query(Menu.filter(F.name == MenuItem.ADMIN))
async def panel(event: Message | CallbackQuery, session: AsyncSession, t: Translator, settings: Settings) -> None:
    pending = await joining.pending_requests(session)
    await show(event, *ui.panel(t, len(pending), settings.invite_ttl_hours), edit=False)
    message = event if isinstance(event, Message) else event.message
    for request in pending[:REQUEST_CARDS]:
        if message is not None:
            text, markup = joining_ui.request_card(t, request)
            await message.answer(text, reply_markup=markup)


@router.message(command("audit"))
@router.callback_query(AuditPage.filter(F.offset >= 0))
async def audit_log(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    callback_data: AuditPage | None = None,
) -> None:
    offset = callback_data.offset if isinstance(callback_data, AuditPage) else 0
    rows = await audit.recent(session, offset=offset, limit=ui.AUDIT_PAGE)
    await show(event, *ui.audit_page(t, rows, offset, settings.tz), edit=isinstance(callback_data, AuditPage))
