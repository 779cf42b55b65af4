"""The jobs the scheduler ticks."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


async def refresh_search_index(app: App) -> None:
    """Pick up directory changes made by another instance before a user's search has to."""
    async with app.database.sessions() as session:
        if await app.search.refresh(session):
            log.info("search index rebuilt")
