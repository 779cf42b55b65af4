"""Messages to send later, and who may tick the scheduler now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class OutboxMessage(Base):
    """One message to one chat. Written before anything is sent, so a crash loses nothing; `key`
    is unique, so whatever decides to send it (a tick, a restart, a second instance) adds it once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    chat_id: Mapped[int] = mapped_column(index=True)
    # What sent it: checkin, nudge, digest, reminder, announcement, notice …
    kind: Mapped[str] = mapped_column(String(40))
    # The announcement (or other batch) it belongs to, for progress and cancelling.
    batch_id: Mapped[int | None] = mapped_column(index=True)
    # {"text": html, "reply_markup": {...} | None, "photo": file_id?, "document": file_id?,
    #  "filename": for `attachment`}
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    # pending -> sending -> sent | failed | unreachable; held (a scheduled batch) -> pending;
    # held | pending -> cancelled
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # Urgent rows go out at once; others wait while their chat is in the middle of a dialog.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)


class Lease(Base):
    """A named lease held by one instance until it expires: only the holder ticks the scheduler."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
