"""Events the secretariat invites to, and each invitee's answer (RSVP)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Event(Base):
    """One meeting. Its invitations are outbox rows of kind "event" with batch_id = id, written in
    the same transaction as this row and its invitees: the audience is fixed at publication."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The draft's random token: publishing the same draft twice creates one event.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    author_id: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(index=True)  # an all-day event: local midnight of its day
    all_day: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str] = mapped_column(Text, default="")  # an address or an online link
    description: Mapped[str] = mapped_column(Text, default="")
    # As announcements have it: {"kind": "members" | "leaders" | "projects" | …, "values": [...]}
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Answers are taken until then (and never after the start).
    rsvp_deadline: Mapped[datetime | None]
    # published -> cancelled
    status: Mapped[str] = mapped_column(String(20), index=True)
    # Grows with each change of time or place: names the change notices' outbox keys.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    # The secretariat's message with the live counts; edited at most every few seconds.
    report_chat_id: Mapped[int | None]
    report_message_id: Mapped[int | None]
    reported_at: Mapped[datetime | None]
    # An answer came that the report does not show yet (its edit was held back): the tick edits it.
    report_behind: Mapped[bool] = mapped_column(default=False)


class EventInvite(Base):
    """Someone invited to an event, and their answer: yes | no | maybe, None until they answer."""

    __tablename__ = "event_invites"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))  # what the invitation was written in
    answer: Mapped[str | None] = mapped_column(String(8))
    answered_at: Mapped[datetime | None]
