"""Durable bot state: dialog (FSM) records and small counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class FsmRecord(Base):
    __tablename__ = "fsm_records"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A dialog left alone past the dialog TTL is forgotten (None: written before the TTL existed).
    updated_at: Mapped[datetime | None]


class DialogMark(Base):
    """A private chat in the middle of a dialog, kept here whichever storage holds the dialog
    itself (the database or Redis): the sender holds back non-urgent messages to it for a while."""

    __tablename__ = "dialog_marks"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # When the dialog last moved to a step.
    updated_at: Mapped[datetime]


class Counter(Base):
    """Named monotonic counters; `directory` tells instances when to rebuild the search index."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
