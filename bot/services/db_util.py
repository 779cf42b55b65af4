"""What SQLite and PostgreSQL are both given alike: INSERT … ON CONFLICT, and IN lists short
enough for SQLite's cap on bound parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
# Values bound in one statement at most (SQLite caps bound parameters; older builds at 999).
BOUND = 500


def insert_for(session: AsyncSession, model: type[Any]) -> Any:
    """The dialect's own insert(), which has on_conflict_do_update/do_nothing."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def chunked(values: Sequence[T], size: int = BOUND) -> list[Sequence[T]]:
    """`values` in slices short enough for one statement's IN list."""
    return [values[start : start + size] for start in range(0, len(values), size)]
