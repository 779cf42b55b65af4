"""Who is told what about a roadmap item, as outbox messages for the caller to enqueue with what they
tell of: the people a new owner means, the people of owners the secretariat closed or cancelled an
item on or removed, the secretariat of an owner's answer, the one who asked for more time of the
decision, the one who said "not mine" of being kept.

Each function decides the recipients, the keys (each message is sent once however often the
button is tapped) and the kinds; the words come from the caller's `render` (services never import
aiogram)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, roadmap
from bot.services.notices import Render, in_languages, to_secretariat
from bot.services.outbox import Outgoing
from bot.services.roadmap import reminders
from bot.services.roadmap.reminders import Recipient

if TYPE_CHECKING:
    from bot.settings import Settings

# An owner as (organisation id, person id): one of the two is set.
Owner = tuple[int | None, int | None]


@dataclass(frozen=True)
class Evidence:
    """What an owner sent with "done": a note, a photo or a document (Telegram file ids), or nothing."""

    note: str | None = None
    photo: str | None = None
    document: str | None = None

    @property
    def file_id(self) -> str | None:
        return self.document or self.photo


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


async def closed(
    session: AsyncSession, settings: Settings, item_id: int, event_id: int, status: str, render: Render
) -> list[Outgoing]:
    """The owners' people learn that the secretariat closed the item as done or cancelled it (the
    history event `event_id`)."""
    owners = await roadmap.owners_of(session, item_id)
    return await _owners_told(session, settings, owners, f"rm:{status}:{event_id}", render)


async def removed(
    session: AsyncSession, settings: Settings, item_id: int, owner_id: int, owner: Owner, render: Render
) -> list[Outgoing]:
    """The people of the removed owner (row `owner_id`) learn it, but for those still responsible
    through another owner of the item."""
    staying = await roadmap.owners_of(session, item_id)
    return await _owners_told(session, settings, [owner], f"rm:removed:{owner_id}", render, keep=staying)


async def _owners_told(
    session: AsyncSession,
    settings: Settings,
    owners: list[Owner],
    name: str,
    render: Render,
    *,
    keep: list[Owner] | None = None,
) -> list[Outgoing]:
    staying = await _people_of(session, keep or [], settings.default_language)
    rendered = in_languages(render)
    return [
        Outgoing(
            key=f"{name}:p{person.person_id}",
            chat_id=person.chat_id,
            kind="notice",
            text=rendered(person.language)[0],
            reply_markup=rendered(person.language)[1],
        )
        for person in (await _people_of(session, owners, settings.default_language)).values()
        if person.person_id not in staying
    ]


async def done(
    session: AsyncSession, settings: Settings, item_id: int, evidence: Evidence, render: Render
) -> list[Outgoing]:
    """The secretariat learns that an owner closed the item, with the photo or document they sent."""
    return await to_secretariat(
        session,
        settings,
        lambda chat: f"rm:done:{item_id}:c{chat}",
        render,
        photo=evidence.photo,
        document=evidence.document,
    )


async def not_mine(session: AsyncSession, settings: Settings, event_id: int, render: Render) -> list[Outgoing]:
    """The secretariat is asked to reassign or keep the one who said "not mine" (the event `event_id`)."""
    return await to_secretariat(session, settings, lambda chat: f"rm:notmine:{event_id}:c{chat}", render)


async def extension_requested(
    session: AsyncSession, settings: Settings, event_id: int, render: Render
) -> list[Outgoing]:
    """The secretariat is asked to approve or decline the extension of the event `event_id`."""
    return await to_secretariat(session, settings, lambda chat: f"rm:ext:{event_id}:c{chat}", render)


async def extension_decided(
    session: AsyncSession, settings: Settings, event_id: int, requester: int | None, render: Render
) -> list[Outgoing]:
    """The one who asked for more time (a Telegram id, if known) learns the decision."""
    if requester is None:
        return []
    return await _to_accounts(session, settings, [requester], lambda chat: f"rm:ext:{event_id}:decided", render)


async def kept(
    session: AsyncSession, settings: Settings, event_id: int, chats: list[int], render: Render
) -> list[Outgoing]:
    """Those whose "not mine" (the event `event_id`) the secretariat turned down learn the item stays theirs."""
    return await _to_accounts(session, settings, chats, lambda chat: f"rm:kept:{event_id}:c{chat}", render)


async def _to_accounts(
    session: AsyncSession, settings: Settings, chats: list[int], key: Callable[[int], str], render: Render
) -> list[Outgoing]:
    rendered = in_languages(render)
    messages = []
    for chat in chats:
        text, markup = rendered(await access.account_language(session, chat, settings.default_language))
        messages.append(Outgoing(key=key(chat), chat_id=chat, kind="notice", text=text, reply_markup=markup))
    return messages
