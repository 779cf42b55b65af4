"""The search table: queries a member would type, with the card they expect on top."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import open_database
from bot.services.directory.facts import FIELDS
from bot.services.directory.search import DirectorySearch, ask, build_index, find
from bot.services.directory.search_index import Doc, SearchIndex
from bot.settings import Settings
from models import Organisation, Person, Project
from tests.steps import sqlite_url

CASES = yaml.safe_load((Path(__file__).parent / "data" / "search_cases.yaml").read_text(encoding="utf-8"))
MODELS: dict[str, type[Project] | type[Organisation] | type[Person]] = {
    "project": Project,
    "organisation": Organisation,
    "person": Person,
}


@pytest.fixture(scope="module")
def indexed(template_db: Path) -> tuple[SearchIndex, dict[tuple[str, int], str]]:
    """The index of the bundled dataset, and kind:key for each document id."""

    async def build() -> tuple[SearchIndex, dict[tuple[str, int], str]]:
        database = await open_database(Settings(database_url=sqlite_url(template_db), _env_file=None))
        async with database.sessions() as session:
            index = await build_index(session)
            keys = {
                (kind, row_id): f"{kind}:{key}"
                for kind, model in MODELS.items()
                for row_id, key in await session.execute(select(model.id, model.key))
            }
        await database.close()
        return index, keys

    return asyncio.run(build())


def test_table_is_broad() -> None:
    whys = " ".join(case["why"] for case in CASES)
    assert len(CASES) >= 40
    for category in ("word form", "ё", "latin", "cyrillic", "typo", "phone", "e-mail", "question", "english"):
        assert category in whys.lower(), f"no {category} case"


def test_table_asks_every_field_in_both_languages() -> None:
    """A question for each field the bot answers with the fact, typed in Russian and in English."""
    asked = {
        (case["field"], bool(re.search("[а-яё]", case["query"], re.IGNORECASE))) for case in CASES if "field" in case
    }
    assert {(field.name, russian) for field in FIELDS for russian in (True, False)} <= asked


@pytest.mark.parametrize("case", CASES, ids=[c["query"] for c in CASES])
def test_top_result(case: dict[str, str], indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    """The card a query opens first: a question about one of its fields answers with that field
    (`field` in the table); any other query asks none and is searched."""
    index, keys = indexed
    fact = ask(index, case["query"], members=True)
    if "field" in case:
        assert fact is not None, f"{case['query']!r} ({case['why']}): no fact"
        got = (keys[(fact.hit.doc.kind, fact.hit.doc.id)], fact.field)
        assert got == (case["expect"], case["field"]), f"{case['query']!r} ({case['why']}): got {got}"
        return
    assert fact is None, f"{case['query']!r} ({case['why']}) read as a question for {fact}"
    result = find(index, case["query"], members=True)
    found = [keys[(h.doc.kind, h.doc.id)] for h in result.hits[:5]]
    assert found and found[0] == case["expect"], f"{case['query']!r} ({case['why']}): got {found}"


def test_guests_never_find_people(indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, _ = indexed
    for case in CASES:
        result = find(index, case["query"], members=False)
        assert all(h.doc.kind != "person" for h in result.hits), case["query"]
        fact = ask(index, case["query"], members=False)
        assert fact is None or fact.hit.doc.kind != "person", case["query"]


def test_an_email_local_part_finds_its_owners(indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, keys = indexed
    found = [keys[(h.doc.kind, h.doc.id)] for h in find(index, "npgorod", members=True).hits[:2]]
    assert sorted(found) == ["person:kuzmenko-svyatoslav", "person:pitirimov-nikolay"]


NONSENSE = [
    "",
    "   ",
    "???",
    "…",
    "😀",
    "и в на",
    "zzzzqqqq",
    "<b>x</b>" * 20,
    "asdfgh",
    "ывапролдж",
    "ыыы",  # folds to the key "i", the tail of "137-й серии"
    "кот",
    "бла бла",  # prefixes of words in descriptions only (который, благодарность)
    # dates, times and numbers that are no name's word, though descriptions are full of them
    "15.12.2026",
    "2026",
    "10.02.2017",
    "2017",
    "12:30",
    "1",
    "0",
    "0,4",
    "1%",
    "№1",
    "44",  # a number matches whole numbers only: not Жилищный кооператив №4
]


@pytest.mark.parametrize("members", [True, False])
@pytest.mark.parametrize("query", NONSENSE)
def test_nonsense_finds_nothing(
    query: str, members: bool, indexed: tuple[SearchIndex, dict[tuple[str, int], str]]
) -> None:
    index, keys = indexed
    result = find(index, query, members=members)
    assert result.hits == [], [keys[(h.doc.kind, h.doc.id)] for h in result.hits]
    assert not result.clear


@pytest.mark.parametrize("query", ["+7 (921) 917-40-40", "521-77", "i.blinov", "p.rumiantseva@"])
def test_guests_get_nothing_for_contacts(query: str, indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    """Contacts are not searched for guests, and their digits or e-mail words must not find
    something else instead."""
    index, _ = indexed
    assert find(index, query, members=False).hits == []


@pytest.mark.parametrize("query", ["someone@gmail.com", "ivanov@mail.ru", "nobody@"])
@pytest.mark.parametrize("members", [True, False])
def test_an_address_nobody_has_finds_nothing(
    query: str, members: bool, indexed: tuple[SearchIndex, dict[tuple[str, int], str]]
) -> None:
    """Not the organisations whose texts happen to say "mail" or "ru"."""
    index, _ = indexed
    assert find(index, query, members=members).hits == []


@pytest.mark.parametrize("query", ["mail.ru", "gmail.com", "kvs.gov.spb.ru", "ingria-park.ru"])
def test_a_domain_finds_no_chance_cards_for_guests(query: str, indexed: Indexed) -> None:
    """Its parts are not matched by typo or prefix ("mail" is not «малого»)."""
    assert _keys_of(indexed, query, members=False) == []


def test_a_domain_matches_its_words_as_typed_and_all_of_them() -> None:
    index = SearchIndex()
    for n, (name, text) in enumerate(
        (
            ("Ассоциация малого предпринимательства", "поддержка"),
            ("Почтовый сервис", "сайт mail.ru и почта"),
            ("Сервис", "mail"),
        )
    ):
        index.add(Doc("organisation", n, name), [(name, 3.0), (text, 0.3)])
    index.finish()
    result = find(index, "mail.ru", members=False)
    assert [hit.doc.id for hit in result.hits] == [1] and result.clear


@pytest.mark.parametrize(
    ("query", "expect"),
    [("040 123 4567", [0]), ("+358 40 123 4567", [0]), ("03-1234-5678", [1]), ("09 999 9999", [])],
)
def test_a_number_as_dialled_at_home_finds_its_international_form(query: str, expect: list[int]) -> None:
    index = SearchIndex()
    index.add(Doc("person", 0, "Virtanen Aino"), [("Virtanen Aino", 3.0)], phones=["+358 40 123 4567"])
    index.add(Doc("person", 1, "Sato Hiro"), [("Sato Hiro", 3.0)], phones=["+81 3 1234 5678"])
    index.add(Doc("person", 2, "Блинов Иван"), [("Блинов Иван", 3.0)], phones=["+7 (812) 670-10-85"])
    index.finish()
    assert [hit.doc.id for hit in find(index, query, members=True).hits] == expect


def test_a_guest_does_not_find_an_organisation_by_a_persons_address(
    indexed: tuple[SearchIndex, dict[tuple[str, int], str]],
) -> None:
    index, keys = indexed
    assert [keys[(h.doc.kind, h.doc.id)] for h in find(index, "npgorod@mail.ru", members=True).hits] == [
        "person:kuzmenko-svyatoslav",
        "person:pitirimov-nikolay",
    ]
    assert find(index, "npgorod@mail.ru", members=False).hits == []


def test_a_shared_phone_fragment_lists_its_owners(indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, keys = indexed
    result = find(index, "521-77", members=True)
    assert sorted(keys[(h.doc.kind, h.doc.id)] for h in result.hits) == [
        "person:kuzmenko-svyatoslav",
        "person:pitirimov-nikolay",
    ]
    assert not result.clear


def test_a_typo_guess_is_offered_not_opened(indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, keys = indexed
    guess = find(index, "Захорова", members=True)
    assert keys[(guess.hits[0].doc.kind, guess.hits[0].doc.id)] == "person:zakharova-galina"
    assert guess.hits[0].guessed and not guess.clear
    for query in ("Захарова", "Захаров", "Питиримв", "Эффективный свте"):  # as typed, a prefix, or one word right
        result = find(index, query, members=True)
        assert result.clear and not result.hits[0].guessed, query


def test_a_number_in_a_name_opens_it(indexed: tuple[SearchIndex, dict[tuple[str, int], str]]) -> None:
    index, keys = indexed
    for query, expected in (("21", "project:area-21"), ("2030", "project:klaster-ustoychivogo-razvitiya-2030")):
        result = find(index, query, members=False)
        assert result.clear and keys[(result.hits[0].doc.kind, result.hits[0].doc.id)] == expected
    assert find(index, "21.12.2030", members=True).hits == [], "a date is no name, though two names hold its numbers"


Indexed = tuple[SearchIndex, dict[tuple[str, int], str]]


def _keys_of(indexed: Indexed, query: str, *, members: bool = True) -> list[str]:
    index, keys = indexed
    return [keys[(h.doc.kind, h.doc.id)] for h in find(index, query, members=members, limit=100).hits]


# Words that occur in many documents, or name a kind or a country of them: they ask for a list.
GENERAL = [
    "организации",
    "организация",
    "проект",
    "проекты",
    "project",
    "кластер",
    "компании",
    "company",
    "government",
    "Правительство",
    "Norway",
    "Норвегия",
    "норвежские",
    "Finland",
    "Финляндия",
]


@pytest.mark.parametrize("members", [True, False])
@pytest.mark.parametrize("query", GENERAL)
def test_a_general_word_gives_a_list(query: str, members: bool, indexed: Indexed) -> None:
    index, keys = indexed
    result = find(index, query, members=members)
    assert result.hits and not result.clear, [keys[(h.doc.kind, h.doc.id)] for h in result.hits]


@pytest.mark.parametrize(
    "query",
    [
        "проект «Эффективный свет»",
        "статус проекта Эффективный свет",
        "кто партнеры проекта Эффективный свет",
        "партнеры ЭКОЛЕНД",
        "проекты Технопарка",
        "как связаться с Питиримовым",
        "Effective Light project status",
    ],
)
def test_about_words_beside_a_name_leave_the_name_to_decide(query: str, indexed: Indexed) -> None:
    """Not every project or company that mentions «проект» or «партнер»: the card named."""
    index, _ = indexed
    assert find(index, query, members=True).clear, _keys_of(indexed, query)


@pytest.mark.parametrize("query", ["проекты", "партнеры", "контакты", "projects"])
def test_about_words_alone_are_still_searched(query: str, indexed: Indexed) -> None:
    assert _keys_of(indexed, query), query


def test_an_address_keeps_its_about_words() -> None:
    index = SearchIndex()
    index.add(Doc("person", 1, "Иванов", public=False), [("Иванов", 3.0)], emails=["info@company.ru"])
    index.finish()
    assert [hit.doc.id for hit in find(index, "info@company.ru", members=True).hits] == [1]


@pytest.mark.parametrize("query", ["Japan", "Япония", "куратор"])
def test_the_only_document_found_opens(query: str, indexed: Indexed) -> None:
    """However it was found (a country, a position): it is the only answer."""
    index, _ = indexed
    result = find(index, query, members=True)
    assert result.total == 1 and result.clear


def test_the_only_guess_is_still_offered() -> None:
    index = SearchIndex()
    index.add(Doc("person", 1, "Захарова", public=False), [("Захарова", 3.0)])
    index.finish()
    result = find(index, "Захорова", members=True)
    assert result.total == 1 and result.hits[0].guessed and not result.clear


def test_only_a_name_opens_a_card(indexed: Indexed) -> None:
    """A word many documents hold is listed, not opened; a name with the word as typed opens
    before names with longer words that begin with it."""
    index, _ = indexed
    assert not find(index, "Правительство", members=True).clear
    for query in ("энергосервис", "akeo", "Технопарк", "Technopark", "комитета по энергетике"):
        assert find(index, query, members=True).clear, query


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Helsinki", "Хельсинки"),
        ("Technopark", "Технопарк"),
        ("Kuzmenko", "Кузьменко"),
        ("Chistye tekhnologii", "Чистые технологии"),
    ],
)
def test_latin_spelling_finds_what_cyrillic_does(latin: str, cyrillic: str, indexed: Indexed) -> None:
    index, _ = indexed
    assert sorted(_keys_of(indexed, latin)) == sorted(_keys_of(indexed, cyrillic))
    assert find(index, latin, members=True).clear == find(index, cyrillic, members=True).clear


@pytest.mark.parametrize("query", ["Norway", "Норвегия", "норвежские", "Norwegian"])
def test_a_country_finds_its_organisations(query: str, indexed: Indexed) -> None:
    cases = yaml.safe_load((Path(__file__).parents[1] / "data" / "cluster.yaml").read_text(encoding="utf-8"))
    norwegian = {f"organisation:{org['key']}" for org in cases["organisations"] if org.get("country") == "NO"}
    assert norwegian and norwegian <= set(_keys_of(indexed, query, members=False))


@pytest.mark.parametrize(
    ("english", "russian"), [("Norway", "Норвегия"), ("Finland", "Финляндия"), ("Norwegian", "норвежские")]
)
def test_a_country_finds_the_same_in_both_languages(english: str, russian: str, indexed: Indexed) -> None:
    assert sorted(_keys_of(indexed, english)) == sorted(_keys_of(indexed, russian))


def test_a_country_in_english_finds_what_its_russian_name_does_in_texts() -> None:
    """A text that says «Дания» is found by "Denmark"; a two-word category name lends no synonyms."""
    index = SearchIndex()
    index.add(
        Doc("project", 1, "Тёплый город"),
        [("Тёплый город", 3.0), ("опыт Дании", 0.3)],
        categories=["International projects, Международные проекты"],
    )
    index.add(Doc("organisation", 2, "Данфосс"), [("Данфосс", 3.0)], categories=["Denmark, Danish, Дания, датский"])
    index.add(Doc("project", 3, "Свет"), [("Свет", 3.0), ("международный опыт", 0.3)])
    index.finish()
    assert sorted(hit.doc.id for hit in find(index, "Denmark", members=True).hits) == [1, 2]
    assert [hit.doc.id for hit in find(index, "projects", members=True).hits] == [1]


def test_a_list_counts_all_it_found_and_shows_names_first(indexed: Indexed) -> None:
    """More than ten names hold «кластер»: those are the ten shown, not the Технопарк, whose
    alias only begins with it (кластерного), nor descriptions."""
    index, keys = indexed
    result = find(index, "кластер", members=True)
    assert len(result.hits) == 10 and result.total > 20
    assert "organisation:tekhnopark-spb" not in [keys[(h.doc.kind, h.doc.id)] for h in result.hits]
    assert result.hits[-1].score > result.hits[0].score * 0.9, "all ten match a name as typed"


def test_initials_that_are_stop_words_still_make_a_whole_name() -> None:
    """ "Кузьменко А.И." is not the whole name "Кузьменко": А and И are initials there, not
    conjunctions, so a surname shared by several people lists them all."""
    index = SearchIndex()
    for n, name in enumerate(("Кузьменко А.И.", "Кузьменко Елена", "Роман Кузьменко")):
        index.add(Doc("person", n, name, public=False), [(name, 3.0)])
    index.finish()
    assert not find(index, "Кузьменко", members=True).clear
    assert find(index, "Кузьменко А.И.", members=True).hits[0].doc.id == 0
    assert find(index, "Кузьменко А.И.", members=True).clear


async def test_index_follows_directory_changes(session: AsyncSession) -> None:
    """Runs on SQLite and on PostgreSQL: a renamed project is found under its new name."""
    search = DirectorySearch()
    assert (await search.search(session, "Эффективный свет", members=True)).clear
    project = await session.scalar(select(Project).where(Project.key == "effektivny-svet"))
    assert project is not None
    project.title = "Светлый двор"
    from bot.services.revision import bump_directory_revision

    await bump_directory_revision(session)
    await session.commit()
    result = await search.search(session, "светлый двор", members=True)
    assert result.clear and result.hits[0].doc.id == project.id


@pytest.mark.parametrize("query", ["Петров", "Пётр", "Пётр Петров"])
def test_a_russian_stem_begins_no_english_word(query: str, indexed: Indexed) -> None:
    """«Петров» and «Пётр» stem to «петр», spelt "petr" like every key: it begins "Petroleum" of
    the Norwegian ministry's English name, which a prefix across alphabets would find."""
    index, _ = indexed
    for members in (True, False):
        assert not find(index, query, members=members).hits
    assert find(index, "Petroleum", members=False).clear


@pytest.mark.parametrize("query", ["Пётр Петров", "Иван Иванов", "Peter Petrov"])
def test_a_name_nobody_has_opens_nothing(query: str, indexed: Indexed) -> None:
    index, _ = indexed
    for members in (True, False):
        result = find(index, query, members=members)
        assert result.unknown_name and not result.clear, (query, members)


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ("Галина Захарова", "person:zakharova-galina"),
        ("Захорова Галина", "person:zakharova-galina"),
        ("Nikolay Pitirimov", "person:pitirimov-nikolay"),
        ("Бондаренко Н.Л.", "person:bondarenko-nl"),
        ("Эффективный Свет", "project:effektivny-svet"),
        ("Effective Light", "project:effektivny-svet"),
        ("Грин Нет Финланд", "organisation:green-net-finland"),
        ("Нордик Коммодитиз", "organisation:nordic-commodities"),
        ("Первая Зелёная Энергия", "project:green-energy-one-geo"),
    ],
)
def test_a_name_typed_like_a_persons_still_finds_its_owner(query: str, expect: str, indexed: Indexed) -> None:
    index, keys = indexed
    result = find(index, query, members=True)
    assert not result.unknown_name and result.clear and keys[(result.hits[0].doc.kind, result.hits[0].doc.id)] == expect


def test_a_guest_typing_a_members_name_gets_no_chance_card(indexed: Indexed) -> None:
    """Guests find no people: the committee whose description mentions Бондаренко is not who they asked for."""
    index, _ = indexed
    result = find(index, "Бондаренко Н.Л.", members=False)
    assert result.unknown_name and not result.clear
