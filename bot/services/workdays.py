"""Working days by country: public holidays from the `holidays` library, plus the weekend days a
government moved a working day to, which the library does not model for Russia.

A calendar is an ISO country code the library supports ("RU", "FI", "NO", "DK", "JP" …). A person
works by their organisation's country when the library knows it, else by the cluster's
`WORK_CALENDAR`; the secretariat (no organisation, or an international one: "ZZ") by the latter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.db_util import chunked
from models import Organisation, Person

# Saturdays and Sundays made working days by a transfer. `holidays` (0.109) has the day off each
# transfer gives (e.g. 22.02.2027, "substituted from 20.02.2027") but not the weekend day that
# becomes a working day in exchange (its "workday" category is not offered for RU). Those are
# here, from the government decrees on the transfer of days off for each year (a transfer whose
# weekend day falls within the New Year holidays makes no working day: 2026 has none).
WORKING_WEEKENDS: dict[str, frozenset[date]] = {
    "RU": frozenset(
        {
            date(2024, 4, 27),
            date(2024, 11, 2),
            date(2024, 12, 28),
            date(2025, 11, 1),
            date(2027, 2, 20),
        }
    ),
}

# A search for a working day gives up after this many days (no calendar has a longer break).
_HORIZON = 60


@cache
def supported(calendar: str) -> bool:
    return calendar.upper() in holidays.list_supported_countries()


@cache
def _holidays(calendar: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(calendar, years=year)


def is_working(day: date, calendar: str) -> bool:
    if day in WORKING_WEEKENDS.get(calendar, ()):
        return True
    found = _holidays(calendar, day.year)
    return day.weekday() not in found.weekend and day not in found


@cache
def _named(calendar: str, year: int, language: str) -> holidays.HolidayBase:
    """The holidays with their names in `language` (ru, en) where the library has it, else English."""
    offered = holidays.country_holidays(calendar).supported_languages
    wanted = next((code for code in (language, f"{language}_US", "en_US") if code in offered), None)
    return holidays.country_holidays(calendar, years=year, language=wanted)


def holiday_name(day: date, calendar: str, language: str = "en") -> str | None:
    """The holiday's name when `day` is one, else None (a weekend is not named)."""
    if day in WORKING_WEEKENDS.get(calendar, ()):
        return None
    name = _named(calendar, day.year, language).get(day)
    return str(name) if name else None


def next_working(day: date, calendar: str) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    return _nearest_working(day, calendar, timedelta(days=1))


def previous_working(day: date, calendar: str) -> date:
    """`day` itself when it is a working day, else the last working day before it."""
    return _nearest_working(day, calendar, timedelta(days=-1))


def _nearest_working(day: date, calendar: str, step: timedelta) -> date:
    """The first working day from `day` on in the direction of `step` (`day` when none is near)."""
    for shift in range(_HORIZON):
        if is_working(candidate := day + shift * step, calendar):
            return candidate
    return day


def moved_forward(moment: datetime, calendar: str, tz: ZoneInfo) -> datetime:
    """The same local time on the next working day, when `moment` falls on a day off."""
    return _moved(moment, calendar, tz, next_working)


def moved_back(moment: datetime, calendar: str, tz: ZoneInfo) -> datetime:
    """The same local time on the working day before, when `moment` falls on a day off."""
    return _moved(moment, calendar, tz, previous_working)


def _moved(moment: datetime, calendar: str, tz: ZoneInfo, working: Callable[[date, str], date]) -> datetime:
    local = moment.astimezone(tz)
    day = working(local.date(), calendar)
    return moment if day == local.date() else datetime.combine(day, local.timetz()).astimezone(moment.tzinfo)


def calendar_for(country: str | None, default: str) -> str:
    """An organisation's calendar: its country's when the library knows it, else `default`."""
    return country.upper() if country and supported(country) else default


async def people_calendars(session: AsyncSession, person_ids: Iterable[int], default: str) -> dict[int, str]:
    """Each person's calendar (by their organisation's country); those not found get `default`."""
    wanted = sorted(set(person_ids))
    found: dict[int, str] = {}
    for chunk in chunked(wanted):
        rows = await session.execute(
            select(Person.id, Organisation.country)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_(chunk))
        )
        found.update({person_id: calendar_for(country, default) for person_id, country in rows})
    return {person_id: found.get(person_id, default) for person_id in wanted}
