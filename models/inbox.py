"""Updates Telegram handed over, stored before they are confirmed and handled from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# Rows that hold their chat: not done, or done and still being handled.
UNFINISHED = "done_at IS NULL OR claimed_until IS NOT NULL"


class InboxUpdate(Base):
    """One update, written (and committed) before polling moves its offset past it or the webhook
    answers 2xx, so that a crash cannot lose it; its `update_id` makes a redelivery a no-op. An
    instance claims it for a while (`claimed_until`, renewed while it is handled), and `done_at`
    is written in the same transaction as the handler's first writes, so it is applied once."""

    __tablename__ = "inbox"
    __table_args__ = (
        # Pending rows, oldest first (a claim's candidates), and unfinished ones by chat (the earlier
        # ones of a chat): partial, so that a day of done rows kept for redeliveries is never scanned.
        Index(
            "ix_inbox_queue",
            "update_id",
            postgresql_where=text("done_at IS NULL"),
            sqlite_where=text("done_at IS NULL"),
        ),
        Index(
            "ix_inbox_pending",
            "chat_key",
            "update_id",
            postgresql_where=text(UNFINISHED),
            sqlite_where=text(UNFINISHED),
        ),
        Index("ix_inbox_done_at", "done_at"),
    )

    update_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The chat (else the user) whose updates are handled one after another; None: in no order.
    chat_key: Mapped[int | None]
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]
    # One claim's token (instance and a serial): a claim taken over after expiry is told apart.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    # ok | error
    outcome: Mapped[str | None] = mapped_column(String(10))
