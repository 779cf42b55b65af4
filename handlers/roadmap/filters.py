"""Checks written once, as aiogram filters (the handler gets what they load): members only, the
open item a button names, the people who answer for it. When a check fails the update goes on to
the handler that says why: the last handlers of each router (the item is closed or gone, or the
viewer does not answer for it), or handlers/roadmap/denied.py (not a member, not the secretariat)."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import roadmap
from bot.services.access import Viewer
from handlers.roadmap.callbacks import RoadmapAnswer, RoadmapEdit, RoadmapOwnerPick

ItemButton = RoadmapEdit | RoadmapOwnerPick | RoadmapAnswer


class OpenItem(Filter):
    """The item the button names, while it is open: the handler gets it as `item` (an ItemCard
    without the history). Goes after the button's CallbackData filter, which gives `callback_data`."""

    async def __call__(
        self, event: TelegramObject, callback_data: ItemButton, session: AsyncSession
    ) -> dict[str, roadmap.ItemCard] | bool:
        card = await roadmap.item_card(session, callback_data.item, history=False)
        return {"item": card} if card is not None and card.status == roadmap.OPEN else False


class Responsible(Filter):
    """The viewer answers for the item: it is theirs or their organisation's, or they are the secretariat."""

    async def __call__(
        self, event: TelegramObject, callback_data: ItemButton, session: AsyncSession, viewer: Viewer | None = None
    ) -> bool:
        if viewer is None:
            return False
        return viewer.is_secretariat or await roadmap.may_answer(session, callback_data.item, viewer.person_id)


# Words typed in a dialog: a command is not an answer (it leaves the dialog, see bot/middlewares.py).
TYPED = F.text & ~F.text.startswith("/")
