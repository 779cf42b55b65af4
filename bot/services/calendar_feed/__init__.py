"""Personal calendar feeds: a secret URL per member that calendar apps subscribe to, giving the
roadmap items they answer for (themselves or through their organisation) and the events they are
invited to with their answer — or all the cluster's events, when they ask for them.

Only the SHA-256 of a token is stored: the database holds no URL that works. A token is looked
up by its hash whatever it looks like, so that a wrong, malformed or revoked one takes the same
path and meets the same 404."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import events, ical, roadmap
from bot.services.access import pick_language, roles_of
from bot.services.db_util import insert_for
from bot.services.events import calendar as events_calendar
from bot.services.roadmap import calendar as roadmap_calendar
from models import Account, CalendarFeed

# Where the instance's HTTP server serves the feeds: PREFIX + token + SUFFIX (apps like the .ics).
PREFIX, SUFFIX = "/calendar/", ".ics"
# 32 random bytes: 43 URL-safe characters, not to be guessed.
TOKEN_BYTES = 32
# Past events stay in the calendar this long.
EVENTS_KEPT = timedelta(days=365)


def url(base: str, token: str) -> str:
    return f"{base}{PREFIX}{token}{SUFFIX}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Feed:
    active: bool
    all_events: bool
    # The buttons of a message act only while the feed is at the generation they were made at.
    generation: int
    issued_at: datetime | None


def _feed(row: CalendarFeed) -> Feed:
    return Feed(row.token_hash is not None, row.all_events, row.generation, row.issued_at)


async def state(session: AsyncSession, telegram_id: int) -> Feed | None:
    row = await session.get(CalendarFeed, telegram_id, populate_existing=True)
    return None if row is None else _feed(row)


async def issue(
    session: AsyncSession, telegram_id: int, now: datetime, *, generation: int | None = None
) -> tuple[str, Feed] | None:
    """A new token; the one before, if any, stops working at once. With `generation` (a button's),
    only while the feed is still at it: None when it moved on (an older message, a second tap)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await session.execute(
        insert_for(session, CalendarFeed)
        .values(telegram_id=telegram_id, token_hash=None, all_events=False, generation=0, issued_at=None)
        .on_conflict_do_nothing(index_elements=["telegram_id"])
    )
    where = [CalendarFeed.telegram_id == telegram_id]
    if generation is not None:
        where.append(CalendarFeed.generation == generation)
    changed = await session.execute(
        update(CalendarFeed)
        .where(*where)
        .values(token_hash=_digest(token), generation=CalendarFeed.generation + 1, issued_at=now)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        return None
    feed = await state(session, telegram_id)
    assert feed is not None
    return token, feed


async def revoke(session: AsyncSession, telegram_id: int, generation: int) -> Feed | None:
    """The URL stops working (the choice of events is kept); None when the button is stale."""
    changed = await session.execute(
        update(CalendarFeed)
        .where(
            CalendarFeed.telegram_id == telegram_id,
            CalendarFeed.generation == generation,
            CalendarFeed.token_hash.is_not(None),
        )
        .values(token_hash=None, generation=CalendarFeed.generation + 1, issued_at=None)
    )
    return await state(session, telegram_id) if changed.rowcount else None  # type: ignore[attr-defined]


async def show_all_events(session: AsyncSession, telegram_id: int, generation: int, on: bool) -> Feed | None:
    """All the cluster's events in the feed, or only those one is invited to; None when the button
    is stale or asks for what is so already."""
    changed = await session.execute(
        update(CalendarFeed)
        .where(
            CalendarFeed.telegram_id == telegram_id,
            CalendarFeed.generation == generation,
            CalendarFeed.all_events != on,
        )
        .values(all_events=on)
    )
    return await state(session, telegram_id) if changed.rowcount else None  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Owner:
    telegram_id: int
    person_id: int | None
    language: str
    all_events: bool
    secretariat: bool


async def owner(session: AsyncSession, token: str, *, admin_ids: frozenset[int], default_language: str) -> Owner | None:
    """Whose feed the token opens: None when no feed has it, or its owner is no member any more
    (access revoked, card archived or forgotten)."""
    digest = _digest(token)
    found = (
        await session.execute(
            select(CalendarFeed, Account)
            .join(Account, Account.telegram_id == CalendarFeed.telegram_id)
            .where(CalendarFeed.token_hash == digest)
        )
    ).first()
    if found is None:
        return None
    feed, account = found
    # The index found it by equality; compared again in constant time, as secrets should be.
    if feed.token_hash is None or not hmac.compare_digest(feed.token_hash, digest):
        return None
    roles = await roles_of(session, account.person_id)
    if account.telegram_id not in admin_ids and not roles:
        return None
    language = pick_language(account.language, account.telegram_language, default_language)
    secretariat = account.telegram_id in admin_ids or "secretariat" in roles
    return Owner(account.telegram_id, account.person_id, language, feed.all_events, secretariat)


async def entries(session: AsyncSession, whose: Owner, *, now: datetime, tz: ZoneInfo) -> list[ical.Entry]:
    """The items they answer for, with a deadline, and the events (all of them, or those they are
    invited to, with their answer). What is cancelled is left out rather than marked: a
    subscribed calendar is replaced by each fetch, and apps show a CANCELLED entry unlike one
    another (some as if it were on)."""
    items = [
        card
        for card in (
            await roadmap.items_for_calendar(session, person_id=whose.person_id) if whose.person_id is not None else []
        )
        if card.status != "cancelled"
    ]
    changes = await roadmap.revisions(session, [card.id for card in items])
    found: list[ical.Entry] = []
    for card in items:
        sequence, modified = changes.get(card.id, (0, None))
        if made := roadmap_calendar.entry(card, tz, sequence=sequence, modified=modified):
            found.append(made)
    for one in await events.listed(session, whose.telegram_id, now - EVENTS_KEPT, everything=whose.all_events):
        # «All the cluster's events» are those for all members: one meant for a project's people,
        # the leaders or one country is not shown to others who are not invited (the secretariat sees all).
        if one.invited or whose.secretariat or one.event.audience.kind == "members":
            found.append(events_calendar.entry(one.event, tz, invited=one.invited, answer=one.answer))
    return found
