"""A question about one field of one card («какой бюджет у SmartUp Accelerator», «телефон
Захаровой»): the fact in the first reply, the whole card a tap away."""

from __future__ import annotations

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import directory
from bot.services.access import Viewer
from bot.services.directory import PersonCard, Ref
from bot.services.directory.facts import CONTACT_FIELDS
from bot.services.directory.search import Fact
from handlers.directory import facts_ui
from handlers.directory.browse import send_contact

# People of a project or an organisation whose contacts one answer spells out; the card has the rest.
FACT_PEOPLE = 5


async def answer_fact(message: Message, fact: Fact, session: AsyncSession, viewer: Viewer, t: Translator) -> bool:
    """Send the fact; False when there is none to send (a field this kind of card lacks, a card
    gone meanwhile, a person asked by a guest): the caller then opens the card as any search does."""
    doc, field = fact.hit.doc, fact.field
    if field is None:
        return False
    if doc.kind == "person":
        person = await _person(session, viewer, doc.id)
        if person is None:
            return False
        text, markup = facts_ui.person_fact(t, doc, person, field)
        await message.answer(text, reply_markup=markup)
        if field != "email":  # as a person card does: one tap saves the number
            await send_contact(message, person)
        return True
    if doc.kind == "project" and (project := await directory.project_card(session, doc.id)):
        people = await _people(session, viewer, field, facts_ui.project_people(project))
        text, markup = facts_ui.project_fact(t, doc, project, field, people, member=viewer.is_member)
    elif doc.kind == "organisation" and (org := await directory.organisation_card(session, doc.id)):
        people = await _people(session, viewer, field, org.people)
        text, markup = facts_ui.organisation_fact(t, doc, org, field, people, member=viewer.is_member)
    else:
        return False
    await message.answer(text, reply_markup=markup)
    return True


async def _people(session: AsyncSession, viewer: Viewer, field: str, refs: list[Ref]) -> list[PersonCard]:
    """The cards of the first people, for a contact question only."""
    if field not in CONTACT_FIELDS:
        return []
    cards = [await _person(session, viewer, ref.id) for ref in refs[:FACT_PEOPLE]]
    return [card for card in cards if card is not None]


async def _person(session: AsyncSession, viewer: Viewer, person_id: int) -> PersonCard | None:
    """A person's card as the viewer may see it (the very data a person card shows): none for guests."""
    return await directory.person_card(session, person_id, viewer) if viewer.is_member else None
