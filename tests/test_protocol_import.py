"""Decisions of a document made roadmap items, without Telegram: the draft's deadlines and the
owners found in the directory, and each decision made an item once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.dates import DateProblem
from bot.services.directory.search import DirectorySearch
from bot.services.roadmap import imports
from bot.services.roadmap.documents import read_document
from bot.services.roadmap.protocol import decisions
from bot.settings import Settings
from models import Organisation, Person, RoadmapImport, RoadmapItem
from tests.protocol_docs import NAME, decisions_docx
from tests.steps import ADMIN

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_read_deadline_is_the_end_of_its_day_and_never_past() -> None:
    assert imports.read_deadline("I квартал 2027", MSK, NOW) == datetime(2027, 3, 31, 20, 59, tzinfo=UTC)
    assert imports.read_deadline("15.12.2026 14:30", MSK, NOW) == datetime(2026, 12, 15, 11, 30, tzinfo=UTC)
    with pytest.raises(DateProblem) as problem:
        imports.read_deadline("в 2017-2020 годах", MSK, NOW)
    assert problem.value.reason == "past"


async def _id(session: AsyncSession, model: Any, key: str) -> int:
    found = await session.scalar(select(model.id).where(model.key == key))
    assert found is not None
    return int(found)


async def test_a_draft_reads_deadlines_and_finds_owners_in_the_directory(session: AsyncSession) -> None:
    text = read_document(NAME, decisions_docx())
    draft = await imports.make_draft(
        session, DirectorySearch(), NAME, imports.digest(text), decisions(text), tz=MSK, now=NOW
    )
    items = draft["items"]
    assert [item["deadline"] for item in items] == [
        "2027-03-01T20:59:00+00:00",
        "2027-03-31T20:59:00+00:00",
        "2026-12-31T20:59:00+00:00",
        "2027-12-31T20:59:00+00:00",
        "2027-12-31T20:59:00+00:00",
    ]
    owners = [[(owner["kind"], owner["id"]) for owner in item["owners"]] for item in items]
    homeowners = await _id(session, Organisation, "gorodskoe-obedinenie-domovladeltsev")
    assert owners == [
        [("o", homeowners), ("p", await _id(session, Person, "blinov-ivan"))],
        [("o", await _id(session, Organisation, "tekhnopark-spb"))],
        [("p", await _id(session, Person, "kuzmenko-svyatoslav"))],
        [("o", await _id(session, Organisation, "pravitelstvo-spb"))],
        [("p", await _id(session, Person, "pitirimov-nikolay")), ("o", homeowners)],
    ]
    assert [mention["text"] for item in items for mention in item["mentions"]] == ["Комитет по развитию туризма"]
    assert all(item["taken"] and item["imported"] is None for item in items)


async def test_items_are_made_once(session: AsyncSession) -> None:
    text = read_document(NAME, decisions_docx())
    digest = imports.digest(text)
    draft = await imports.make_draft(session, DirectorySearch(), NAME, digest, decisions(text), tz=MSK, now=NOW)
    draft["items"][2]["taken"] = False
    settings = Settings(_env_file=None)
    made: dict[str, Any] = {
        "actor": ADMIN.id,
        "actor_name": "Sekretar",
        "now": NOW,
        "source": lambda item: f"{NAME}, п. {item['number']}",
        "assigned": lambda card: lambda t: ("", None),
    }
    first = await imports.create(session, settings, draft, **made)
    second = await imports.create(session, settings, draft, **made)
    assert first.numbers == [9, 10, 11, 12] and second.numbers == [] and second.before == [9, 10, 11, 12]
    assert await session.scalar(select(func.count()).select_from(RoadmapItem)) == 12
    assert await session.scalar(select(func.count()).select_from(RoadmapImport)) == 4
    item = await session.scalar(select(RoadmapItem).where(RoadmapItem.number == 9))
    assert (
        item is not None
        and item.source == f"{NAME}, п. 2"
        and item.deadline == datetime(2027, 3, 1, 20, 59, tzinfo=UTC)
    )

    # The document sent again, saved anew: the decisions made before are marked and not taken.
    text = read_document(NAME, decisions_docx())
    again = await imports.make_draft(
        session, DirectorySearch(), NAME, imports.digest(text), decisions(text), tz=MSK, now=NOW
    )
    assert [(item["imported"], item["taken"]) for item in again["items"]] == [
        (9, False),
        (10, False),
        (None, True),
        (11, False),
        (12, False),
    ]


async def test_owners_named_clearly_or_shown_as_written(session: AsyncSession) -> None:
    search = DirectorySearch()
    chosen, mentions = await imports.match_owners(
        session, search, "Комитет по развитию туризма, Технопарк Санкт-Петербурга и Кузьменко С.В."
    )
    assert [owner["name"] for owner in chosen] == [
        "АО «Технопарк Санкт-Петербурга»",
        "Кузьменко Святослав Владимирович",
    ]
    assert [mention["text"] for mention in mentions] == ["Комитет по развитию туризма"]
    assert mentions[0]["candidates"] and all("комитет" in c["name"].lower() for c in mentions[0]["candidates"])
    # A list longer than is looked up keeps its tail, as written.
    many = "; ".join(["Технопарк", *(f"Отдел {n}" for n in range(1, 15))])
    chosen, mentions = await imports.match_owners(session, search, many)
    assert [owner["name"] for owner in chosen] == ["АО «Технопарк Санкт-Петербурга»"]
    assert mentions[-1] == {"text": "Отдел 12, Отдел 13, Отдел 14", "candidates": []}
