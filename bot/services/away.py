"""A person's "away until": up to and including that local day the bot leaves them alone —
no check-in prompts or nudges, no roadmap reminders, no announcement but an urgent one, no
digest. It is the report pause of old (`/pause`) extended to the whole bot: one row per person
(`CheckinPause`), set by `/away` and `/pause` alike."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import dates
from models import Account, CheckinPause

# One may be away for a year at most: a typo of the year is refused rather than taken.
LONGEST = timedelta(days=366)


async def set_until(session: AsyncSession, person_id: int, until: date | None) -> None:
    """Away up to and including `until`; None: back now."""
    row = await session.get(CheckinPause, person_id)
    if until is None:
        if row is not None:
            await session.delete(row)
    elif row is None:
        session.add(CheckinPause(person_id=person_id, until=until))
    else:
        row.until = until
    await session.flush()


def typed_until(text: str, today: date) -> date | None:
    """The day typed after /away or /pause («15.01», «15.01.2027»): None when it is no day, or
    not from today up to LONGEST ahead."""
    try:
        day = dates.parse_day(text, today)
    except dates.DateProblem:
        return None
    return day if today <= day <= today + LONGEST else None


async def until(session: AsyncSession, person_id: int | None, today: date) -> date | None:
    """The last day the person is away, when they are away `today`."""
    if person_id is None:
        return None
    row = await session.get(CheckinPause, person_id)
    return row.until if row and row.until >= today else None


async def people_away(session: AsyncSession, today: date) -> set[int]:
    """The ids of everyone away `today` (few at a time: a set to test recipients against)."""
    return set(await session.scalars(select(CheckinPause.person_id).where(CheckinPause.until >= today)))


def chats_away(today: date) -> Select[int]:
    """The Telegram ids of everyone away `today`, as a subquery for a recipients' filter."""
    return (
        select(Account.telegram_id)
        .join(CheckinPause, CheckinPause.person_id == Account.person_id)
        .where(CheckinPause.until >= today)
    )
