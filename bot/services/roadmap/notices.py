"""Who is told what about a roadmap item, as outbox messages for the caller to enqueue with what they
tell of: here, the people a new owner means, that the item is theirs.

Each function decides the recipients, the keys (each message is sent once however often the
button is tapped) and the kinds; the words come from the caller's `render` (services never import
aiogram)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import roadmap
from bot.services.notices import Render, in_languages
from bot.services.outbox import Outgoing
from bot.services.roadmap import reminders
from bot.services.roadmap.reminders import Recipient

if TYPE_CHECKING:
    from bot.settings import Settings

# An owner as (organisation id, person id): one of the two is set.
Owner = tuple[int | None, int | None]


async def _people_of(session: AsyncSession, owners: list[Owner], default_language: str) -> dict[int, Recipient]:
    """The people in Telegram whom these owners mean, by person id."""
    people: dict[int, Recipient] = {}
    for organisation_id, person_id in owners:
        for person in await reminders.recipients_of(
            session, organisation_id=organisation_id, person_id=person_id, default_language=default_language
        ):
            people.setdefault(person.person_id, person)
    return people


async def assigned(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    card: roadmap.ItemCard,
    added: tuple[int, Owner],
    render: Render,
) -> list[Outgoing]:
    """The people a new owner (`added`: its row id and who it is) means learn that the item is theirs
    (`render`: with the answer buttons of a reminder); when their next reminder is due within a day,
    this message is it (one, not two). Those already responsible through another owner (a person,
    then their organisation) are not told twice."""
    owner_id, owner = added
    others = [other for other in await roadmap.owners_of(session, card.id) if other != owner]
    already = await _people_of(session, others, settings.default_language)
    policy = reminders.policy_of(settings).for_item(card.reminder_days, card.overdue_every)
    covered = reminders.covered_by_assignment(card.deadline, policy, now) if card.deadline else None
    rendered = in_languages(render)
    return [
        Outgoing(
            key=reminders.reminder_key(card.id, covered, person.person_id)
            if covered
            else f"rm:assigned:{owner_id}:p{person.person_id}",
            chat_id=person.chat_id,
            kind="notice",
            text=rendered(person.language)[0],
            reply_markup=rendered(person.language)[1],
        )
        for person in (await _people_of(session, [owner], settings.default_language)).values()
        if person.person_id not in already
    ]
