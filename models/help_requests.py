"""Help requests: what a project's report asked for help with, whom the secretariat forwarded it
to, and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class HelpRequest(Base):
    """The "help needed" of one report, open until a leader or the secretariat marks it resolved."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Who could answer, as found when it was opened, best first: [{"kind": "o" | "h", "id": 12}].
    # A forward button naming anyone else is forged.
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None]  # Telegram id


class HelpForward(Base):
    """The request sent to an organisation ("o": its people in the bot) or a person ("h"), once."""

    __tablename__ = "help_forwards"
    __table_args__ = (UniqueConstraint("request_id", "kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(1))
    target_id: Mapped[int]
    forwarded_by: Mapped[int]  # Telegram id
    forwarded_at: Mapped[datetime]


class HelpRecipient(Base):
    """Someone the request reached, and their one answer: can (help) | wrong (not the right
    address), None until they answer."""

    __tablename__ = "help_recipients"

    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    forward_id: Mapped[int] = mapped_column(ForeignKey("help_forwards.id", ondelete="CASCADE"))
    answer: Mapped[str | None] = mapped_column(String(8))
    answered_at: Mapped[datetime | None]
