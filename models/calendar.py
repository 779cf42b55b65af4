"""Personal calendar feeds: a secret URL per member that calendar apps subscribe to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class CalendarFeed(Base):
    """One member's feed. Only the SHA-256 of the URL's token is kept, so that the database (a
    backup, a leaked dump) holds no URL that works; revoking clears it and keeps the choice."""

    __tablename__ = "calendar_feeds"

    telegram_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.telegram_id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # All the cluster's events, not only those one is invited to.
    all_events: Mapped[bool] = mapped_column(default=False)
    # Grows with each new token and each revocation: buttons of an older message then do nothing.
    generation: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime | None]
