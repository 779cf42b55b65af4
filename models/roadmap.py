"""Roadmap items of the cluster's decisions, their owners, and the history of what happened to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RoadmapItem(Base):
    __tablename__ = "roadmap_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    # A UTC instant; typed without a time it is the end of that day in the cluster's time zone.
    deadline: Mapped[datetime | None]
    # open -> done | cancelled
    status: Mapped[str] = mapped_column(String(20), default="open")
    # The item's own reminder policy; None means the global one (settings).
    reminder_days: Mapped[list[int] | None] = mapped_column(JSON)
    overdue_every_days: Mapped[int | None]
    # When the deadline or policy was last set: reminders due before it are not owed to anyone.
    schedule_from: Mapped[datetime | None]
    # The earliest moment a reminder may be due (a tick looks only at items past it).
    next_reminder_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class RoadmapOwner(Base):
    __tablename__ = "roadmap_owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_items.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # An owner added later is owed reminders from then on, not the ones already past.
    added_at: Mapped[datetime | None]


class RoadmapEvent(Base):
    """The item's history: edits by the secretariat and answers of the responsible people."""

    __tablename__ = "roadmap_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    # created, deadline, owners, policy, done, cancelled, reopened, extension, not_mine
    kind: Mapped[str] = mapped_column(String(20))
    actor_telegram_id: Mapped[int | None]
    actor_name: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # Evidence sent with "done": a Telegram file_id.
    file_id: Mapped[str | None] = mapped_column(String(200))
    # For an extension request: the date asked for, and pending -> approved | declined.
    proposed_deadline: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(20))


class RoadmapImport(Base):
    """An item made from a decision of a document the secretariat sent (see
    bot/services/roadmap/imports.py): the SHA-256 of the document's text and the decision's place in
    it make the item once, however often «Create» is tapped or the document sent again."""

    __tablename__ = "roadmap_imports"
    __table_args__ = (UniqueConstraint("document", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]  # the decision's place among the document's decisions, from 1
    item_id: Mapped[int] = mapped_column(ForeignKey("roadmap_items.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
