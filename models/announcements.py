"""Announcements of the secretariat, the categories members mute, and the group chats the bot is in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Announcement(Base):
    """One broadcast. Its deliveries are outbox rows with kind "announcement" and batch_id = id,
    written in the same transaction as this row: the audience is fixed at confirmation."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The draft's random token: confirming the same draft twice creates one announcement.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    author_id: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # HTML, as recipients see it
    photo: Mapped[str | None] = mapped_column(Text)  # Telegram file_id
    document: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    # {"kind": "members" | "leaders" | "projects" | "country" | "language" | "groups", "values": [...]}
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # scheduled -> sending -> done; scheduled | sending -> cancelled
    status: Mapped[str] = mapped_column(String(20), index=True)
    total: Mapped[int] = mapped_column(default=0)
    scheduled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The secretariat's confirmation message, edited with the live delivery figures.
    report_chat_id: Mapped[int | None]
    report_message_id: Mapped[int | None]
    reported_at: Mapped[datetime | None]
    # Recipients are asked to confirm reading it (a button under it; people only, not chats).
    ack: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A confirmation came that the report does not show yet (its edit was held back): the tick edits it.
    report_behind: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When those who had not confirmed were reminded: once, so a reminded announcement is done with.
    ack_reminded_at: Mapped[datetime | None]


class AnnouncementRead(Base):
    """A recipient confirmed reading an announcement that asked for it."""

    __tablename__ = "announcement_reads"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    read_at: Mapped[datetime]


class CategoryMute(Base):
    """A member does not want announcements of this category (urgent ones still arrive)."""

    __tablename__ = "announcement_mutes"

    telegram_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)


class BotChat(Base):
    """A group, supergroup or channel the bot was added to, from `my_chat_member` updates. Anyone
    can add the bot to their chat: it is an audience only while the bot may post there and the
    secretariat has approved it."""

    __tablename__ = "bot_chats"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(20))
    # The bot's status there: creator, administrator, member, restricted, left, kicked; gone when a
    # send found it removed.
    status: Mapped[str] = mapped_column(String(20))
    # An admin of a channel posts only with this right; in groups every admin does.
    can_post: Mapped[bool] = mapped_column(default=False)
    # new (not asked about since the bot came) -> pending (the secretariat was asked) -> approved |
    # ignored; back to new when the bot leaves, so that coming back is asked about again.
    approval: Mapped[str] = mapped_column(String(20), default="new")
    # Grows with each request and each leaving: a button of an earlier request is stale.
    round: Mapped[int] = mapped_column(default=0)
    added_by: Mapped[int | None]
    decided_by: Mapped[int | None]
    updated_at: Mapped[datetime]
