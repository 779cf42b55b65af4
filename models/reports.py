"""Progress reports of project leaders, each project's check-in cadence, and leaders' pauses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ProjectCadence(Base):
    """When a project's leaders are asked for a report; a project without a row has the default
    (settings: weekly, Monday 10:00 in the cluster's time zone)."""

    __tablename__ = "report_cadences"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # weekly | biweekly | monthly | off
    frequency: Mapped[str] = mapped_column(String(10))
    # weekday 0 (Monday) … 6 for weekly and biweekly; day of the month 1 … 28 for monthly
    day: Mapped[int]
    hour: Mapped[int]


class Report(Base):
    """One progress report. `token` names the dialog that made it, so a double tap or a
    redelivered update inserts it once."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_project_created", "project_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # The person who sent it (None: a secretary from ADMIN_IDS not in the directory).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    submitted_by: Mapped[int]  # Telegram id
    # True when the secretariat reported for the project's leaders.
    on_behalf: Mapped[bool] = mapped_column(default=False)
    # on_track | at_risk | blocked
    status: Mapped[str] = mapped_column(String(10))
    percent: Mapped[int | None]
    done: Mapped[str] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    help_needed: Mapped[str | None] = mapped_column(Text)
    # [{"kind": "photo" | "document", "file_id": "...", "name": "..."}]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    # The day it was sent in the cluster's time zone, as cards and lists show it.
    local_day: Mapped[date]
    edited_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]


class CheckinPause(Base):
    """A person away (on vacation): the bot leaves them alone up to and including `until` (local
    date) but for urgent announcements (bot/services/away.py). Named for the report pause it began as."""

    __tablename__ = "report_pauses"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    until: Mapped[date]
