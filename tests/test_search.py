"""The search table: queries a member would type, with the card they expect on top."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.app import open_database
from bot.services.search import DirectorySearch, build_index, find
from bot.services.search_index import SearchIndex
from bot.settings import Settings
from models import Organisation, Person, Project
from tests.conftest import sqlite_url

CASES = yaml.safe_load((Path(__file__).parent / "data" / "search_cases.yaml").read_text(encoding="utf-8"))
MODELS = {"project": Project, "organisation": Organisation, "person": Person}


@pytest.fixture(scope="module")
def indexed(template_db: Path) -> tuple[SearchIndex, dict[tuple[str, int], str]]:
    """The index of the bundled dataset, and kind:key for each document id."""

    async def build() -> tuple[SearchIndex, dict[tuple[str, int], str]]:
        database = await open_database(Settings(database_url=sqlite_url(template_db), _env_file=None))
        async with database.sessions() as session:
            index = await build_index(session)
            keys = {(kind, row.id): f"{kind}:{row.key}" for kind, model in MODELS.items()
                    for row in await session.scalars(select(model))}
        await database.close()
        return index, keys

    return asyncio.run(build())


def test_table_is_broad() -> None:
    whys = " ".join(case["why"] for case in CASES)
    assert len(CASES) >= 40
    for category in ("word form", "ё", "latin", "cyrillic", "typo", "phone", "e-mail", "question", "english"):
        assert category in whys.lower(), f"no {category} case"


@pytest.mark.parametrize("case", CASES, ids=[c["query"] for c in CASES])
def test_top_result(case: dict[str, str], indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, keys = indexed
    result = find(index, case["query"], members=True)
    found = [keys[(h.doc.kind, h.doc.id)] for h in result.hits[:5]]
    assert found and found[0] == case["expect"], f"{case['query']!r} ({case['why']}): got {found}"


def test_guests_never_find_people(indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, _ = indexed
    for case in CASES:
        result = find(index, case["query"], members=False)
        assert all(h.doc.kind != "person" for h in result.hits), case["query"]


def test_an_email_local_part_finds_its_owners(indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, keys = indexed
    found = [keys[(h.doc.kind, h.doc.id)] for h in find(index, "npgorod", members=True).hits[:2]]
    assert sorted(found) == ["person:kuzmenko-svyatoslav", "person:pitirimov-nikolay"]


@pytest.mark.parametrize("query", ["", "   ", "???", "и в на", "zzzzqqqq", "<b>x</b>" * 20])
def test_nothing_to_find(query: str, indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, _ = indexed
    result = find(index, query, members=True)
    assert not result.clear or result.hits[0].score > 0


async def test_index_follows_directory_changes(session) -> None:  # type: ignore[no-untyped-def]
    """Runs on SQLite and on PostgreSQL: a renamed project is found under its new name."""
    search = DirectorySearch()
    assert (await search.search(session, "Эффективный свет", members=True)).clear
    project = await session.scalar(select(Project).where(Project.key == "effektivny-svet"))
    project.title = "Светлый двор"
    from bot.services.revision import bump_directory_revision

    await bump_directory_revision(session)
    await session.commit()
    result = await search.search(session, "светлый двор", members=True)
    assert result.clear and result.hits[0].doc.id == project.id
