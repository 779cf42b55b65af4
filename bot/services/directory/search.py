"""Directory search: builds the index from the database, keeps it fresh, and reads simple
questions ("кто лидер проекта …", "телефон …") as searches with an intent, or as a question
about one field of one card (see facts)."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGES, catalog
from bot.services.directory import facts
from bot.services.directory.privacy import ANY_MEMBER, Audience, Looker, audience
from bot.services.directory.search_index import EMAIL_QUERY, Doc, Hit, SearchIndex
from bot.services.revision import directory_revision
from bot.services.text_norm import keys, name_key
from models import Organisation, Person, Project

QUESTION_WORDS = re.compile(
    r"\b(кто|что|где|как|какой|какая|какие|каков\w*|подскажите|скажите|покажи\w*|найди\w*|"
    r"who|what|where|how|which|show|find|me|is|are|the|of|does)\b|\?",
    re.IGNORECASE,
)
_LEADER = r"лидер\w*|руковод\w*|возглавля\w*|вед[её]т|координатор\w*|lead\w*|runs|head\w*|coordinat\w*"
LEADER_WORDS = re.compile(rf"\b({_LEADER})\b", re.IGNORECASE)
# Words that say what the user wants to know about a thing (its leader, contacts, status,
# partners), or what kind of thing it is, rather than which one: beside a name they would only
# find every project or company that mentions them, so the other words decide.
ABOUT_WORDS = re.compile(
    rf"\b({_LEADER}|телефон\w*|контакт\w*|почт\w*|e-?mail\w*|емейл\w*|phone\w*|contacts?|"
    r"связать\w*|свяж\w*|связь|написать|напиш\w*|позвон\w*|звонить|reach|"
    r"проект\w*|project\w*|статус\w*|status|партн[её]р\w*|partner\w*|участник\w*|participant\w*|members?|"
    r"организаци\w*|organi[sz]ation\w*|компани\w*|compan(?:y|ies))\b",
    re.IGNORECASE,
)

# How a person's name is typed: two or three capitalised words («Пётр Петров», "Anna Berg",
# «Римский-Корсаков Николай Андреевич»), or one or two with initials («Бондаренко Н.Л.», "N. Pitirimov").
_NAME_WORD = r"[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?"
_INITIALS = r"(?:[A-ZА-ЯЁ]\.\s*){1,2}"
PERSON_NAME = re.compile(
    rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}"
    rf"|{_NAME_WORD}(?:\s+{_NAME_WORD})?\s+{_INITIALS}"
    rf"|{_INITIALS}\s*{_NAME_WORD}(?:\s+{_NAME_WORD})?"
)

SECRETARIAT = re.compile(r"\b(секретариат\w*|secretariat\w*)\b", re.IGNORECASE)
# Words beside «секретариат» that still mean the cluster's own (a question's and about-words aside).
_OURS = re.compile(r"\b(кластер\w*|cluster|наш\w*|our|во?|со?|у)\b", re.IGNORECASE)


# How many best hits of every kind a picker looks through for those of its kind.
PICK_SCAN = 100


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    clear: bool  # the query names hits[0] alone: open it without asking
    total: int = 0  # documents found, of which hits are the best
    # the query reads as a person's name and names nobody (nor anything else): say so, open nothing
    unknown_name: bool = False


@dataclass(frozen=True)
class Fact:
    """A query asking for one field of one card («бюджет проекта CO2MMUNITY»)."""

    hit: Hit
    # the field asked (see facts.FIELDS); None when this kind of card has no such field
    # («кто руководит Технопарком»): then the card itself is the answer
    field: str | None


class DirectorySearch:
    """One index per process, rebuilt when the directory revision in the database moves."""

    def __init__(self) -> None:
        self._index = SearchIndex().finish()
        self._revision = -1
        self._lock = asyncio.Lock()

    async def refresh(self, session: AsyncSession) -> bool:
        revision = await directory_revision(session)
        if revision == self._revision:
            return False
        async with self._lock:
            if revision != self._revision:
                self._index = await build_index(session)
                self._revision = revision
        return True

    async def search(
        self, session: AsyncSession, query: str, *, members: bool, limit: int = 10, looker: Looker = ANY_MEMBER
    ) -> SearchResult:
        await self.refresh(session)
        return find(self._index, query, members=members, limit=limit, looker=looker)

    async def ask(self, session: AsyncSession, query: str, *, members: bool) -> Fact | None:
        if facts.question(query) is None:  # most queries name no field: no need to look at the index
            return None
        await self.refresh(session)
        return ask(self._index, query, members=members)

    async def pick(self, session: AsyncSession, query: str, kind: str, *, limit: int) -> list[Doc]:
        """Cards of one kind the words of `query` find (a picker's typed part of a name), best first."""
        await self.refresh(session)
        return [hit.doc for hit in self._index.search(query, limit=PICK_SCAN).hits if hit.doc.kind == kind][:limit]

    async def related(self, session: AsyncSession, text: str, *, kinds: frozenset[str], limit: int) -> list[Hit]:
        """Cards of these kinds that a free text's telling words find (see SearchIndex.related)."""
        await self.refresh(session)
        return self._index.related(text, kinds=kinds, limit=limit)


def find(
    index: SearchIndex, query: str, *, members: bool, limit: int = 10, looker: Looker = ANY_MEMBER
) -> SearchResult:
    """`looker`: whose eyes a phone or an e-mail must be for, to be found by its digits or letters
    (by default any member's: a contact its owner keeps to the secretariat or to themselves is not)."""
    wants_leader = bool(LEADER_WORDS.search(query))
    text = _subject(index, query)
    if not keys(text):
        return SearchResult(hits=[], clear=False)
    found = index.search(text, limit=limit, public_only=not members, looker=looker)
    hits = found.hits
    if looks_like_a_name(text) and not any(index.names(hit.doc, text) for hit in hits):
        # What the words of a name found elsewhere (a description, one word of another name) is
        # not who was asked for: offered at most, never opened. A name that is a project's or an
        # organisation's still finds it («Эффективный Свет», "Effective Light").
        return SearchResult(hits=hits, clear=False, total=found.total, unknown_name=True)
    if hits and wants_leader and hits[0].doc.kind == "project":
        hits = _leader_first(index, hits)
    return SearchResult(hits=hits, clear=found.clear, total=found.total)


def ask(index: SearchIndex, query: str, *, members: bool) -> Fact | None:
    """The fact a query asks for, when it names one field and, with the rest of its words, one
    card; None otherwise (several cards, or none, or a whole name that holds a field's word):
    that is a search like any other."""
    asked = facts.question(query)
    if asked is None or name_key(query) in index.titles:
        return None
    found = find(index, asked.subject, members=members)
    if not found.clear:
        return None
    hit = found.hits[0]
    return Fact(hit, asked.field if hit.doc.kind in facts.KINDS[asked.field] else None)


def looks_like_a_name(text: str) -> bool:
    return bool(PERSON_NAME.fullmatch(" ".join(text.split())))


def asks_for_secretariat(query: str) -> bool:
    """«секретариат», «контакты секретариата», «cluster secretariat», «кто в секретариате?»: the
    cluster's secretariat itself, not an organisation with the word in its name (the Norwegian
    Barents Secretariat)."""
    rest = ABOUT_WORDS.sub(" ", QUESTION_WORDS.sub(" ", query))
    return bool(SECRETARIAT.search(rest)) and not re.findall(r"\w+", _OURS.sub(" ", SECRETARIAT.sub(" ", rest)))


def field_alone(query: str) -> bool:
    """Whether a query asks for a field of nobody named («бюджет», «бюджет проекта», "phone"):
    whose it is, is for the asker to say, not for whatever card holds the word."""
    question = facts.asked(query)
    return question is not None and not keys(ABOUT_WORDS.sub(" ", QUESTION_WORDS.sub(" ", question.subject)))


def _subject(index: SearchIndex, query: str) -> str:
    """The words that say which thing the query is about: without the asking words, and without
    the about-words unless they are all there is ("проекты" alone asks for the projects) or the
    query is a whole name that holds them ("Clean Shipping Project Platform")."""
    if name_key(query) in index.titles or EMAIL_QUERY.match(query.strip()):  # info@company.ru keeps its words
        return query
    asked = QUESTION_WORDS.sub(" ", query)
    subject = ABOUT_WORDS.sub(" ", asked)
    return subject if keys(subject) else asked


def _leader_first(index: SearchIndex, hits: list[Hit]) -> list[Hit]:
    project = hits[0]
    leader_id = index.project_leaders.get(project.doc.id)
    leader = index.doc_of("organisation", leader_id) if leader_id is not None else None
    if leader is None:
        return hits
    rest = [h for h in hits if h.doc != leader]
    return [Hit(leader, project.score), *rest]


async def build_index(session: AsyncSession) -> SearchIndex:
    with _collector_paused():
        orgs = (
            await session.execute(
                select(
                    Organisation.id,
                    Organisation.name,
                    Organisation.name_en,
                    Organisation.aliases,
                    Organisation.legal_form,
                    Organisation.description,
                    Organisation.kind,
                    Organisation.country,
                ).where(Organisation.archived_at.is_(None))
            )
        ).all()
        projects = (
            await session.execute(
                select(
                    Project.id,
                    Project.title,
                    Project.title_en,
                    Project.programme,
                    Project.leader_id,
                    Project.goal,
                    Project.summary,
                    Project.kind,
                ).where(Project.archived_at.is_(None))
            )
        ).all()
        people = await session.execute(
            select(
                Person.id,
                Person.name,
                Person.name_en,
                Person.position,
                Person.organisation_id,
                Person.phones,
                Person.emails,
                Person.phones_visibility,
                Person.emails_visibility,
                Person.helps_with,
            ).where(Person.status == "active")
        )
        return _fill(SearchIndex(), orgs, projects, people)


def _fill(index: SearchIndex, orgs: Any, projects: Any, people: Any) -> SearchIndex:
    org_names: dict[int, tuple[str, str]] = {}
    for org in orgs:
        org_names[org.id] = (org.name, org.name_en or "")
        title = _with_form(org.legal_form, org.name)
        names = [(org.name, 3.0), (org.name_en, 3.0), *((alias, 3.0) for alias in org.aliases or ())]
        index.add(
            Doc(
                "organisation",
                org.id,
                title,
                (org.name_en or org.description or "")[:100],
                title_en=org.name_en or "",
                subtitle_en=title,
            ),
            [*names, (org.description, 0.3)],
            categories=[_labels(f"orgkind.{org.kind}"), _labels(f"search.country.{org.country}")],
        )
    for project in projects:
        leader = org_names[project.leader_id][0] if project.leader_id in org_names else None
        index.project_leaders[project.id] = project.leader_id
        index.add(
            Doc(
                "project",
                project.id,
                project.title,
                project.title_en or "",
                title_en=project.title_en or "",
                subtitle_en=project.title,
            ),
            [
                (project.title, 3.0),
                (project.title_en, 3.0),
                (project.programme, 0.5),
                (leader, 0.5),
                (project.goal, 0.3),
                (project.summary, 0.3),
            ],
            categories=[_labels(f"kind.{project.kind}")],
        )
    for person in people:
        employer, employer_en = org_names.get(person.organisation_id, ("", ""))
        emails_visibility = audience(person.emails_visibility)
        # An address's local part is indexed as words too ("npgorod"), which find it for anyone:
        # a hidden address is found only by the index's contact search, which asks who may see
        # it (the address or a part of it typed with "@" or a dot).
        open_emails = (person.emails or []) if emails_visibility == Audience.MEMBERS else []
        index.add(
            Doc(
                "person",
                person.id,
                person.name,
                employer,
                public=False,
                title_en=person.name_en or "",
                subtitle_en=employer_en,
            ),
            [
                (person.name, 3.0),
                (person.name_en, 3.0),
                (person.position, 0.5),
                (employer, 0.5),
                (person.helps_with, 0.3),
                *((email.partition("@")[0], 1.0) for email in open_emails),
            ],
            phones=person.phones or [],
            emails=person.emails or [],
            phones_visibility=audience(person.phones_visibility),
            emails_visibility=emails_visibility,
        )
    return index.finish()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the index is built: nearly everything allocated then is
    rows and index that live on, and with ~100k people the collector's repeated passes over the
    growing heap took a third of the build. Other tasks may run during the database awaits; they
    only find the collector paused for those few seconds (memory is still freed by refcounting)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _labels(key: str) -> str:
    """A category's names in every language the bot speaks, comma-separated: English speakers
    search too, and each name finds what the others do."""
    return ", ".join(label for language in LANGUAGES if (label := catalog(language).get(key)))


def _with_form(legal_form: str | None, name: str) -> str:
    return f"{legal_form} «{name}»" if legal_form else name
