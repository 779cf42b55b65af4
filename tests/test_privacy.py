"""Who sees a person's contacts: the rule, the cards and the search that follow it, the choice
kept in the audit log and through export and import."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.directory import person_card, privacy
from bot.services.directory.dataset import dump_yaml, export_dataset, import_dataset, load_dataset
from bot.services.directory.privacy import ANY_MEMBER, Audience, ContactField, Onlooker, may_see, visible_contacts
from bot.services.directory.search import build_index, find
from bot.services.revision import directory_revision
from bot.settings import BUNDLED_DATASET
from models import AuditEntry, Person

OWNER = 7
GUEST = Onlooker(person_id=None, is_member=False)
MEMBER = Onlooker(person_id=8)
SECRETARY = Onlooker(person_id=9, is_secretariat=True)
SECRETARY_WITHOUT_CARD = Onlooker(person_id=None, is_secretariat=True)  # ADMIN_IDS, no directory person
HIMSELF = Onlooker(person_id=OWNER)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("choice", "seen_by"),
    [
        ("members", {"member", "secretary", "secretary without card", "himself"}),
        ("secretariat", {"secretary", "secretary without card", "himself"}),
        ("nobody", {"himself"}),
        ("everyone", {"himself"}),  # a value nobody wrote: read as the strictest
    ],
)
def test_who_sees_a_contact(choice: str, seen_by: set[str]) -> None:
    lookers = {
        "guest": GUEST,
        "member": MEMBER,
        "secretary": SECRETARY,
        "secretary without card": SECRETARY_WITHOUT_CARD,
        "himself": HIMSELF,
    }
    assert {name for name, looker in lookers.items() if may_see(choice, OWNER, looker)} == seen_by


def test_each_kind_of_contact_is_decided_by_its_own_choice() -> None:
    phones, emails = ["+7 921 000-00-01"], ["a@b.ru"]
    assert visible_contacts(OWNER, phones, emails, "members", "nobody", MEMBER) == privacy.Contacts(phones, [])
    assert visible_contacts(OWNER, phones, emails, "secretariat", "members", MEMBER) == privacy.Contacts([], emails)
    assert visible_contacts(OWNER, phones, emails, "secretariat", "nobody", SECRETARY) == privacy.Contacts(phones, [])
    assert visible_contacts(OWNER, phones, emails, "nobody", "nobody", HIMSELF) == privacy.Contacts(phones, emails)
    assert visible_contacts(OWNER, phones, emails, "members", "members", GUEST) == privacy.Contacts([], [])


async def _person(session: AsyncSession, key: str) -> Person:
    person = await session.scalar(select(Person).where(Person.key == key))
    assert person is not None
    return person


async def test_a_choice_is_recorded_and_moves_the_directory_revision(session: AsyncSession) -> None:
    blinov = await _person(session, "blinov-ivan")
    revision = await directory_revision(session)
    assert (
        await privacy.choose(session, blinov.id, ContactField.EMAILS, Audience.NOBODY, actor=5005, now=NOW)
        == Audience.MEMBERS
    )
    assert await directory_revision(session) == revision + 1
    entry = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.set"))).one()
    assert entry.target == f"person:{blinov.id}" and entry.details == {
        "field": "emails",
        "old": "members",
        "new": "nobody",
    }
    assert await privacy.choices(session, blinov.id) == privacy.Choices(Audience.MEMBERS, Audience.NOBODY)
    # choosing what is chosen already changes nothing
    assert (
        await privacy.choose(session, blinov.id, ContactField.EMAILS, Audience.NOBODY, actor=5005, now=NOW)
        == Audience.NOBODY
    )
    assert await directory_revision(session) == revision + 1
    assert await privacy.choose(session, 10**9, ContactField.PHONES, Audience.NOBODY, actor=1, now=NOW) is None


async def test_cards_show_what_the_reader_may_see(session: AsyncSession) -> None:
    blinov = await _person(session, "blinov-ivan")
    await privacy.choose(session, blinov.id, ContactField.EMAILS, Audience.SECRETARIAT, actor=5005, now=NOW)
    await privacy.choose(session, blinov.id, ContactField.PHONES, Audience.NOBODY, actor=5005, now=NOW)
    as_member = await person_card(session, blinov.id, ANY_MEMBER)
    assert as_member and as_member.phones == [] and as_member.emails == [] and not as_member.own
    as_secretary = await person_card(session, blinov.id, SECRETARY)
    assert as_secretary and as_secretary.phones == [] and as_secretary.emails == ["i.blinov@ingria-park.ru"]
    own = await person_card(session, blinov.id, Onlooker(person_id=blinov.id))
    assert own and own.own and own.phones == blinov.phones and own.emails == blinov.emails
    assert (own.phones_visibility, own.emails_visibility) == (Audience.NOBODY, Audience.SECRETARIAT)


async def test_search_finds_a_contact_only_for_those_who_may_see_it(session: AsyncSession) -> None:
    kuzmenko = await _person(session, "kuzmenko-svyatoslav")
    pitirimov = await _person(session, "pitirimov-nikolay")
    blinov = await _person(session, "blinov-ivan")
    await privacy.choose(session, kuzmenko.id, ContactField.PHONES, Audience.SECRETARIAT, actor=1, now=NOW)
    await privacy.choose(session, kuzmenko.id, ContactField.EMAILS, Audience.NOBODY, actor=1, now=NOW)
    await privacy.choose(session, blinov.id, ContactField.EMAILS, Audience.SECRETARIAT, actor=1, now=NOW)
    index = await build_index(session)

    def people(query: str, looker: privacy.Looker) -> set[int]:
        return {hit.doc.id for hit in find(index, query, members=True, looker=looker).hits if hit.doc.kind == "person"}

    assert kuzmenko.id not in people("917-40-40", MEMBER), "his mobile, hidden from members"
    assert people("917-40-40", SECRETARY) == {kuzmenko.id}
    # the office line and the addresses he shares with Pitirimov still find Pitirimov, who shows them
    assert people("521-77-65", MEMBER) == {pitirimov.id}
    assert people("521-77-65", SECRETARY) == {pitirimov.id, kuzmenko.id}
    assert people("npgorod@mail.ru", SECRETARY) == {pitirimov.id}, "nobody but him: the secretariat neither"
    assert people("npgorod@mail.ru", Onlooker(person_id=kuzmenko.id)) == {pitirimov.id, kuzmenko.id}
    # a hidden address is found neither whole, nor by a part, nor by the words of its local part
    for query in ("i.blinov@ingria-park.ru", "ingria-park.ru", "i.blinov@", "@ingria-park"):
        assert blinov.id not in people(query, MEMBER), query
        assert blinov.id in people(query, SECRETARY), query
    assert not find(index, "i.blinov@ingria-park.ru", members=True).hits, "the default looker is any member"
    assert not find(index, "917-40-40", members=False, looker=HIMSELF).hits, "a guest's search finds no people"


async def test_the_choice_round_trips_through_export_and_import(session: AsyncSession, tmp_path: Path) -> None:
    blinov = await _person(session, "blinov-ivan")
    await privacy.choose(session, blinov.id, ContactField.EMAILS, Audience.NOBODY, actor=1, now=NOW)
    exported = await export_dataset(session)
    entry = next(p for p in exported["people"] if p["key"] == "blinov-ivan")
    assert entry["emails"] == ["i.blinov@ingria-park.ru"] and entry["emails_visibility"] == "nobody"
    assert "phones_visibility" not in entry, "a default stays out of the file"
    path = tmp_path / "export.yaml"
    path.write_text(dump_yaml(exported), encoding="utf-8")
    assert not (await import_dataset(session, load_dataset(path))).changed
    # the bundled file says nothing of the choice: importing it again keeps the person's
    assert not (await import_dataset(session, load_dataset(BUNDLED_DATASET))).changed
    assert (await privacy.choices(session, blinov.id)) == privacy.Choices(Audience.MEMBERS, Audience.NOBODY)
    # a file that says otherwise is obeyed
    path.write_text(path.read_text(encoding="utf-8").replace("emails_visibility: nobody", "emails_visibility: members"))
    assert (await import_dataset(session, load_dataset(path))).updated == {"people": 1}
    assert (await privacy.choices(session, blinov.id)) == privacy.Choices(Audience.MEMBERS, Audience.MEMBERS)
