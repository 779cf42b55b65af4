"""The card edit service: the field table, reading typed values, saving one field without ever
writing over a change made meanwhile (also by two writers at once), and undo."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Database
from bot.services.directory import edits, values
from bot.services.directory.edits import Result
from bot.services.directory.fields import FIELDS, CardKind, Editor, Kind, field_of
from bot.services.directory.search import DirectorySearch
from bot.services.revision import directory_revision
from models import Person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POSITION = field_of(CardKind.PERSON, "position")
PHONES = field_of(CardKind.PERSON, "phones")


def test_every_field_is_stored_somewhere() -> None:
    assert {f.name for f in FIELDS if f.column is None} <= edits.RELATIONS.keys()
    for field in FIELDS:
        model = edits.MODELS[field.card]
        assert field.column is None or hasattr(model, field.column), field
        assert (field.kind is Kind.CHOICE) == bool(field.choices), field
        assert (field.kind is Kind.LINES) <= (field.item is not None), field


def test_who_may_edit_what() -> None:
    own = edits.Target(CardKind.PERSON, 1, Editor.SELF, "Иванов", has_account=True)
    assert [f.name for f in own.fields()] == ["position", "organisation", "phones", "emails", "helps_with", "language"]
    assert "language" not in [f.name for f in edits.Target(CardKind.PERSON, 1, Editor.SECRETARIAT, "x").fields()]
    led = edits.Target(CardKind.PROJECT, 1, Editor.LEADER, "x")
    assert {f.name for f in led.fields()} == {"goal", "tasks", "results", "prospects", "status", "partners", "contacts"}
    everything = edits.Target(CardKind.ORGANISATION, 1, Editor.SECRETARIAT, "x").fields()
    assert len(everything) == len([f for f in FIELDS if f.card is CardKind.ORGANISATION])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+7 921 555-12-34", ["+79215551234"]),
        ("+7 (812) 576-69-80 (факс), 8 921 000 00 00", ["+78125766980 (факс)", "+79210000000"]),
        ("+47 400 15500\n+47 400 15500;", ["+4740015500"]),
        ("+7 812 123-45-67 доб. 123", ["+78121234567 (доб. 123)"]),
    ],
)
def test_phones_are_read(typed: str, expected: list[str]) -> None:
    assert PHONES is not None and PHONES.read(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("+7 921 55O-12-34", "phone"),
        ("12-34", "phone"),
        ("<b>+7 921 555-12-34</b>", "phone"),
        ("1" * 5000, "too_long"),
        (" , ;\n", "empty"),
        (", ".join(f"+7 921 000-00-{n:02}" for n in range(11)), "too_many"),
    ],
)
def test_bad_phones_are_named(typed: str, reason: str) -> None:
    assert PHONES is not None
    with pytest.raises(values.Invalid) as refused:
        PHONES.read(typed)
    assert refused.value.reason == reason


def test_other_values_are_read() -> None:
    assert values.email(" Ivan.Petrov@Example.RU ") == "Ivan.Petrov@example.ru"
    assert values.email("почта@пример.рф") == "почта@пример.рф"
    for bad in ("ivan", "ivan@", "ivan@example", "a b@example.ru"):
        with pytest.raises(values.Invalid):
            values.email(bad)
    assert values.website("danfoss.ru/ru") == "https://danfoss.ru/ru"
    assert values.country(" fi ") == "FI"
    with pytest.raises(values.Invalid):
        values.country("Finland")
    helps = field_of(CardKind.PERSON, "helps_with")
    assert helps is not None
    assert helps.read("  Энергоаудит\u200b \n\n\n\n<b>и</b>   свет ") == "Энергоаудит\n\n<b>и</b> свет"
    assert POSITION is not None and POSITION.read("Директор\nпо развитию") == "Директор по развитию"
    with pytest.raises(values.Invalid) as refused:
        helps.read("я" * 301)
    assert refused.value.details == {"length": 301, "limit": 300}


async def _person(session: AsyncSession, key: str = "blinov-ivan") -> edits.Target:
    person_id = await session.scalar(select(Person.id).where(Person.key == key))
    assert person_id is not None
    target = await edits.target(session, CardKind.PERSON, person_id, person_id=person_id, secretariat=False)
    assert target is not None and target.editor is Editor.SELF
    return target


async def test_a_save_moves_the_revision_and_is_audited(session: AsyncSession) -> None:
    assert POSITION is not None
    target = await _person(session)
    seen = await edits.current(session, target, POSITION)
    revision = await directory_revision(session)
    outcome = await edits.save(session, target, POSITION, seen=seen, new="Директор", actor=1, now=NOW)
    assert outcome.result is Result.SAVED and await directory_revision(session) == revision + 1
    change = await edits.last_change(session, target)
    assert change is not None and (change.old, change.new, change.actor) == (seen, "Директор", 1)
    again = await edits.save(session, target, POSITION, seen="Директор", new="Директор", actor=1, now=NOW)
    assert again.result is Result.UNCHANGED
    stale = await edits.save(session, target, POSITION, seen=seen, new="Инженер", actor=2, now=NOW)
    assert stale == edits.Outcome(Result.CHANGED, "Директор")
    assert await edits.undo(session, target, change, actor=1, now=NOW) == edits.Outcome(Result.SAVED, seen)
    assert await edits.current(session, target, POSITION) == seen
    assert (await edits.undo(session, target, change, actor=1, now=NOW)).result is Result.STALE


async def test_nobody_else_may_edit_a_card(session: AsyncSession) -> None:
    target = await _person(session)
    other = await _person(session, "zakharova-galina")
    assert await edits.target(session, CardKind.PERSON, other.id, person_id=target.id, secretariat=False) is None
    assert await edits.target(session, CardKind.ORGANISATION, 1, person_id=target.id, secretariat=False) is None
    assert await edits.target(session, CardKind.PROJECT, 1, person_id=target.id, secretariat=False) is None
    assert await edits.target(session, CardKind.PROJECT, 1, person_id=None, secretariat=True) is not None
    assert await edits.target(session, CardKind.PROJECT, 10**9, person_id=None, secretariat=True) is None


async def test_two_saves_at_once_one_wins_and_the_other_is_told(database: Database) -> None:
    """Two editors who saw the same value save at the same moment, each in its own transaction:
    one is saved, the other finds the first one's value and saves nothing (SQLite and PostgreSQL)."""
    assert PHONES is not None
    async with database.sessions() as session:
        target = await _person(session)
        seen = await edits.current(session, target, PHONES)

    async def save(phone: str) -> edits.Outcome:
        async with database.sessions() as session:
            outcome = await edits.save(session, target, PHONES, seen=seen, new=[phone], actor=1, now=NOW)
            await asyncio.sleep(0.05)  # the transaction stays open while the other one tries
            await session.commit()
            return outcome

    first, second = await asyncio.gather(save("+7 921 111-11-11"), save("+7 921 222-22-22"))
    results = sorted([first.result, second.result])
    assert results == [Result.CHANGED, Result.SAVED], (first, second)
    winner = first if first.result is Result.SAVED else second
    loser = second if winner is first else first
    assert loser.current == winner.current
    async with database.sessions() as session:
        assert await edits.current(session, target, PHONES) == winner.current


async def test_every_instance_finds_a_change_at_once(database: Database) -> None:
    """Two instances, each with its index built before the change: the next search of either
    finds the new number (the revision moved), none finds the old one."""
    assert PHONES is not None
    instances = [DirectorySearch(), DirectorySearch()]
    async with database.sessions() as session:
        for search in instances:
            assert (await search.search(session, "205-98-96", members=True)).hits
        target = await _person(session)
        seen = await edits.current(session, target, PHONES)
        await edits.save(session, target, PHONES, seen=seen, new=["+7 921 555-12-34"], actor=1, now=NOW)
        await session.commit()
    async with database.sessions() as session:
        for search in instances:
            assert [hit.doc.id for hit in (await search.search(session, "555-12-34", members=True)).hits] == [target.id]
            assert not (await search.search(session, "205-98-96", members=True)).hits
