"""Phones and e-mail addresses: parsed and checked by phonenumbers and email-validator, stored in
E.164, shown readable; the dataset normalised on import; joining by E.164; search by fragments."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from alembic import command
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main
from bot.i18n import catalog
from bot.services import contacts
from bot.services.access import joining
from bot.services.contacts import Phone, Rejected
from bot.services.directory import contact_phone
from bot.services.directory.dataset import import_dataset, read_dataset
from bot.services.directory.search_index import Doc, SearchIndex
from bot.settings import BUNDLED_DATASET
from models import Account, Person
from models.db import alembic_config
from tests.conftest import sqlite_url
from tests.harness import FakeClock

PHONES = [
    # (typed, stored form or the reason it is refused)
    ("+7 (812) 123-45-67", "+78121234567"),
    ("8 (812) 123-45-67", "+78121234567"),
    ("812 123-45-67", "+78121234567"),
    ("8-921-917-40-40", "+79219174040"),
    ("9219174040", "+79219174040"),
    ("  +7 921 917 40 40  ", "+79219174040"),
    ("8 10 358 40 123 4567", "+358401234567"),  # dialled from Russia: 8, 10, the country code
    ("+358 40 123 4567", "+358401234567"),  # Finland keeps its code
    ("+358 9 1234 567", "+35891234567"),
    ("+47 4000 8866", "+4740008866"),  # Norway
    ("+45 33 12 34 56", "+4533123456"),  # Denmark
    ("+81 3-1234-5678", "+81312345678"),  # Japan
    ("+81 90-8123-4567", "+819081234567"),
    ("+7 (812) 576-69-80 (факс)", "+78125766980 (факс)"),
    ("+47 400 15500 (fax)", "+4740015500 (fax)"),
    ("+7 812 123-45-67 доб. 123", "+78121234567 (доб. 123)"),
    ("", "empty"),
    ("   ", "empty"),
    ("+7 812 12a-45-67", "letter"),
    ("tel:+78121234567", "letter"),
    ("восемь девятьсот", "letter"),
    ("1" * 5000, "too_long"),
    ("+7 812 123-45-67 " + "x" * 100, "too_long"),
    ("<b>+7 812 123-45-67</b>", "symbol"),
    ("+7 812 123-45-67 (<i>факс</i>)", "symbol"),
    ("+7 812 123@45-67", "symbol"),
    ("8 (812) 123-45+67", "symbol"),
    ("123", "too_short"),
    ("+7 812 12", "too_short"),
    ("+7 812 123-45-67-89-00", "invalid"),  # Russian numbers have ten digits after +7
    ("+7 812 123 45 67 89 00 11 22 33", "too_long"),  # more than any country's
    ("+999 1234 5678", "country"),
    ("+7 000 000-00-00", "invalid"),  # the right length, but no such Russian number
    ("040 123 4567", "invalid"),  # a Finnish number without its code is read as Russian: none such
]


@pytest.mark.parametrize(("typed", "expected"), PHONES)
def test_phones_are_parsed_to_e164_or_refused_with_a_reason(typed: str, expected: str) -> None:
    parsed = contacts.parse_phone(typed)
    if expected in contacts.PHONE_REASONS:
        assert isinstance(parsed, Rejected) and parsed.reason == expected, parsed
        assert parsed.detail
    else:
        assert isinstance(parsed, Phone) and parsed.stored == expected, parsed
        assert contacts.parse_phone(parsed.stored) == parsed, "the stored form reads back as itself"


@pytest.mark.parametrize(
    ("stored", "readable"),
    [
        ("+78121234567", "+7 812 123-45-67"),
        ("+79219174040", "+7 921 917-40-40"),
        ("+358401234567", "+358 40 1234567"),
        ("+4740008866", "+47 40 00 88 66"),
        ("+4533123456", "+45 33 12 34 56"),
        ("+81312345678", "+81 3-1234-5678"),
        ("+78125766980 (факс)", "+7 812 576-69-80 (факс)"),
        ("+7 (812) 1 кв. 5", "+7 (812) 1 кв. 5"),  # kept as written by an import: shown so
    ],
)
def test_cards_show_numbers_readable(stored: str, readable: str) -> None:
    assert contacts.readable_phone(stored) == readable


def test_the_contact_to_save_is_a_mobile_and_never_a_fax() -> None:
    assert contact_phone(["+78125766980 (факс)", "+78125766182", "+79219407578"]) == "+7 921 940-75-78"
    assert contact_phone(["+4740015500 (факс)", "+4794820693"]) == "+47 94 82 06 93"
    assert contact_phone(["+78125766182", "+78125766980 (факс)"]) == "+7 812 576-61-82"
    assert contact_phone(["+78125766980 (факс)"]) is None
    assert contact_phone(["+78121234567 (доб. 123)"]) == "+7 812 123-45-67", "the note is not dialled"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("npgorod@mail.ru", "npgorod@mail.ru"),
        (" I.Blinov@Ingria-Park.RU ", "I.Blinov@ingria-park.ru"),  # the domain is case-blind, the rest may not be
        ("иван@почта.рф", "иван@почта.рф"),
        ("", "empty"),
        ("x" * 5000 + "@mail.ru", "too_long"),
        ("i.blinov.ingria-park.ru", "no_at"),
        ("a@@mail.ru", "invalid"),
        ("a b@mail.ru", "invalid"),
        ("user@localhost", "invalid"),
        ("<b>x</b>@mail.ru", "invalid"),
        ("a@mail.ru.", "invalid"),
    ],
)
def test_emails_are_checked_by_email_validator_without_dns(typed: str, expected: str) -> None:
    parsed = contacts.parse_email(typed)
    if expected in contacts.EMAIL_REASONS:
        assert isinstance(parsed, Rejected) and parsed.reason == expected, parsed
    else:
        assert parsed == expected


def test_every_reason_has_a_reply_in_both_languages() -> None:
    for language in ("ru", "en"):
        texts = catalog(language)
        for kind, reasons in (("phone", contacts.PHONE_REASONS), ("email", contacts.EMAIL_REASONS)):
            assert all(f"contacts.bad_{kind}.{reason}" in texts for reason in reasons), language


@pytest.mark.parametrize(
    ("shared", "e164"),
    [
        ("79219174040", "+79219174040"),  # as Telegram sends it: the code, no plus
        ("+79219174040", "+79219174040"),
        ("358401234567", "+358401234567"),
        ("89219174040", "+79219174040"),  # typed the Russian way
        ("8 (921) 917-40-40", "+79219174040"),
        ("12", None),
        ("", None),
    ],
)
def test_a_shared_contacts_number_is_read_in_e164(shared: str, e164: str | None) -> None:
    assert contacts.telegram_phone(shared) == e164


def _dataset_with(tmp_path: Path, phones: list[str], emails: list[str]) -> Path:
    data = yaml.safe_load(BUNDLED_DATASET.read_text(encoding="utf-8"))
    person = next(p for p in data["people"] if p["key"] == "blinov-ivan")
    person["phones"], person["emails"] = phones, emails
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_import_check_reports_what_it_would_keep_as_written(
    tmp_path: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _dataset_with(
        tmp_path, ["8 (812) 670-10-85", "+7 905 2O5-98-96", "8 812 670 10 85"], ["I.Blinov@Ingria-Park.ru", "i.blinov"]
    )
    loaded = read_dataset(path)
    blinov = next(p for p in loaded.data.people if p.key == "blinov-ivan")
    assert blinov.phones == ["+78126701085", "+7 905 2O5-98-96"], "normalised, the same number once"
    assert blinov.emails == ["I.Blinov@ingria-park.ru", "i.blinov"]

    database = tmp_path / "bot.db"
    database.write_bytes(template_db.read_bytes())
    monkeypatch.setenv("DATABASE_URL", sqlite_url(database))
    assert main(["import", str(path), "--check"]) == 0
    out, err = capsys.readouterr()
    assert "valid; 2 contact(s) to be kept as written" in out
    lines = err.splitlines()
    assert len(lines) == 2
    assert f"{path}:" in lines[0] and "people[" in lines[0] and ".phones[1])" in lines[0]
    assert "a letter in the number: 'O'" in lines[0] and "'+7 905 2O5-98-96'" in lines[0]
    assert ".emails[1])" in lines[1] and "@-sign" in lines[1]

    assert main(["import", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "updated 1 people" in out and len(err.splitlines()) == 2, "an import reports them too"
    with closing(sqlite3.connect(database)) as connection:
        [(phones,)] = connection.execute("SELECT phones FROM people WHERE key = 'blinov-ivan'").fetchall()
    assert json.loads(phones) == ["+78126701085", "+7 905 2O5-98-96"]


def test_the_migration_normalises_what_an_older_database_holds(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            sa.text(
                "INSERT INTO people (key, name, phones, emails, status) VALUES "
                "('a', 'A', :phones, :emails, 'active'), ('b', 'B', '[]', '[]', 'active')"
            ),
            {
                "phones": '["+7 (812) 576-61-82", "+7 (812) 576-69-80 (факс)", "8 812 576 61 82", "спросить"]',
                "emails": '["Zakharova@KVS.gov.spb.ru"]',
            },
        )
        command.upgrade(config, "heads")
        rows = connection.execute(sa.text("SELECT key, phones, emails FROM people ORDER BY key")).all()
    engine.dispose()
    assert [(r[0], json.loads(r[1]), json.loads(r[2])) for r in rows] == [
        ("a", ["+78125766182", "+78125766980 (факс)", "спросить"], ["Zakharova@kvs.gov.spb.ru"]),
        ("b", [], []),
    ]


NOW = FakeClock().now


async def _account(session: AsyncSession, telegram_id: int) -> None:
    session.add(Account(telegram_id=telegram_id, first_name="T", created_at=NOW))
    await session.flush()


async def test_joining_compares_e164_numbers(session: AsyncSession) -> None:
    session.add_all(
        [
            Person(key="virtanen", name="Matti Virtanen", phones=["+358401234567"], emails=[]),
            Person(key="tanaka", name="Tanaka Hiroshi", phones=["+819081234567"], emails=[]),
        ]
    )
    await _account(session, 301)
    outcome = await joining.link_by_phone(session, 301, "358401234567", NOW)
    virtanen = (await session.scalars(select(Person).where(Person.key == "virtanen"))).one()
    assert outcome.status == "linked" and outcome.person_id == virtanen.id, "a Finnish number, as Telegram gives it"
    # The old rule (the last ten digits) took a Russian mobile for this Japanese one: 9081234567.
    await _account(session, 302)
    assert (await joining.link_by_phone(session, 302, "79081234567", NOW)).status == "unknown"
    assert (await joining.link_by_phone(session, 302, "+81 90-8123-4567", NOW)).status == "linked"


async def test_a_fax_still_links_no_one_in_e164(session: AsyncSession) -> None:
    await _account(session, 303)
    assert (await joining.link_by_phone(session, 303, "78125766980", NOW)).status == "shared"  # Захарова's fax
    assert (await joining.link_by_phone(session, 303, "78125217765", NOW)).status == "shared"  # an office line


async def test_import_keeps_what_it_cannot_read_and_joining_ignores_it(session: AsyncSession, tmp_path: Path) -> None:
    loaded = read_dataset(_dataset_with(tmp_path, ["+7 905 205-98-96 доб 5", "905 2O5"], []))
    await import_dataset(session, loaded.data)
    blinov = (await session.scalars(select(Person).where(Person.key == "blinov-ivan"))).one()
    assert blinov.phones == ["+79052059896 (доб 5)", "905 2O5"]
    await _account(session, 304)
    assert (await joining.link_by_phone(session, 304, "79052059896", NOW)).status == "linked"


def test_search_finds_numbers_as_people_type_them() -> None:
    index = SearchIndex()
    for n, phones in enumerate((["+358401234567"], ["+78121234567", "+78125766980 (факс)"], ["+4533123456"])):
        index.add(Doc("person", n, f"Person {n}", public=False), [(f"Person {n}", 3.0)], phones=phones)
    index.finish()
    for query, expected in (
        ("+358 40 123 4567", 0),
        ("40 123 4567", 0),
        ("4012345", 0),
        ("812 123-45-67", 1),
        ("8 (812) 123-45-67", 1),
        ("+7 812 123 45 67", 1),
        ("576-69-80", 1),
        ("+45 33 12 34 56", 2),
        ("33 12 34 56", 2),
    ):
        assert [hit.doc.id for hit in index.search(query).hits] == [expected], query
