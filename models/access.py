"""Who is in: Telegram accounts, roles, invites, join requests, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Account(Base):
    """A Telegram user who has talked to the bot; linked to a directory person once admitted."""

    __tablename__ = "accounts"

    telegram_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str | None] = mapped_column(String(64))
    # language: chosen with /language; telegram_language: the client's, used until a choice is made.
    language: Mapped[str | None] = mapped_column(String(5))
    telegram_language: Mapped[str | None] = mapped_column(String(10))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), unique=True)
    blocked_bot: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class PersonRole(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_by: Mapped[int]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None]
    used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)


class JoinRequest(Base):
    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(index=True)
    full_name: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    # pending -> approved | rejected
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None]
    decided_at: Mapped[datetime | None]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Revocation(Base):
    """The secretariat closed a person's access. Until it lets them back (approving their request
    or an invite bound to them), their phone number or a generic invite does not re-admit them."""

    __tablename__ = "revocations"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    # The account linked then: it cannot come back under another directory entry either.
    telegram_id: Mapped[int | None] = mapped_column(index=True)
    revoked_by: Mapped[int]
    revoked_at: Mapped[datetime]


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # A card's changes are looked up by its target, newest first (the one its card can undo).
    __table_args__ = (Index("ix_audit_log_target", "target", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_telegram_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
