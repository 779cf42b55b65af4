"""Reading what a query asks to know: the field and the words left to find the card by (the
table of questions and their cards is in tests/data/search_cases.yaml)."""

from __future__ import annotations

import pytest

from bot.services.directory.facts import question
from bot.services.directory.search import ask, find
from bot.services.directory.search_index import Doc, SearchIndex
from tests.test_search import Indexed, indexed  # noqa: F401  (the fixture, shared)


@pytest.mark.parametrize(
    ("query", "field", "subject"),
    [
        ("какой бюджет у SmartUp Accelerator?", "budget", "какой у SmartUp Accelerator?"),
        ("сколько стоит проект Энергосервис", "budget", "проект Энергосервис"),
        ("ПАРТНЁРЫ проекта ЭКОЛЕНД", "partners", "проекта ЭКОЛЕНД"),
        ("номер телефона Бондаренко Н.Л.", "phone", "Бондаренко Н.Л."),  # initials keep their dots
        ("телефон Галины Захаровой", "phone", "Галины Захаровой"),  # a name keeps its capitals
        ("when did Effective Light start", "period", "Effective Light"),
        ("how much does AREA 21 cost", "budget", "does AREA 21"),
        ("телефон и почта Блинова", "contacts", "и Блинова"),
        ("почта и сроки проекта X", "email", "и проекта X"),  # the first field asked
    ],
)
def test_a_question_gives_its_field_and_the_rest(query: str, field: str, subject: str) -> None:
    asked = question(query)
    assert asked is not None and (asked.field, asked.subject) == (field, subject)


@pytest.mark.parametrize(
    "query",
    [
        "бюджет",  # a field alone is searched as a word
        "телефон и почта",
        "Эффективный свет",
        "Finnish Cleantech Cluster",  # Finnish is not "finish"
        "Комитет по внешним связям",  # связям is not «связь», the contacts
        "Стартап",  # not "start"
        "начальник отдела",  # not «начало»
        "",
    ],
)
def test_no_field_no_question(query: str) -> None:
    assert question(query) is None


def test_a_title_holding_a_field_word_is_a_title() -> None:
    index = SearchIndex()
    index.add(Doc("project", 1, "Бюджет участия"), [("Бюджет участия", 3.0)])
    index.add(Doc("project", 2, "Участие"), [("Участие", 3.0)], categories=[])
    index.finish()
    assert ask(index, "Бюджет участия", members=False) is None
    assert find(index, "Бюджет участия", members=False).hits[0].doc.id == 1


def test_a_question_naming_several_cards_is_a_search(indexed: Indexed) -> None:  # noqa: F811
    """Two projects are «Чистые технологии …»: the list, as for any query naming several."""
    index, _ = indexed
    assert ask(index, "бюджет проекта Чистые технологии", members=True) is None
    assert not find(index, "бюджет проекта Чистые технологии", members=True).clear


def test_find_still_puts_a_projects_leader_first(indexed: Indexed) -> None:  # noqa: F811
    """What a leader question that does not reach the fact lists (search on its own, inline mode)."""
    index, keys = indexed
    hits = find(index, "кто лидер проекта Эффективный свет", members=True).hits
    assert keys[(hits[0].doc.kind, hits[0].doc.id)] == "organisation:innokor"
