"""Decisions of a meeting's document made roadmap items: a draft the secretariat checks (each
decision's deadline read from its «Срок» by dates.read_term, its owners found in the directory by
the search index), then the items, each made once.

The draft is plain JSON (TypedDicts), so that the dialog keeps it in its state. An item made from a
document is recorded with the SHA-256 of the document's text and the decision's place in it
(RoadmapImport, unique): a second «Create», or the same document sent again, makes nothing twice."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import roadmap
from bot.services.dates import DateProblem, read_term
from bot.services.directory.search import DirectorySearch
from bot.services.notices import Render
from bot.services.outbox import Outgoing
from bot.services.roadmap import notices
from bot.services.roadmap.protocol import Decision
from models import RoadmapImport, RoadmapItem

if TYPE_CHECKING:
    from bot.settings import Settings

ORGANISATION, PERSON = "o", "p"
KINDS = {"organisation": ORGANISATION, "person": PERSON}
# A document's decisions taken at once: the draft lives in the dialog's state.
MAX_DECISIONS = 100
DESCRIPTION_LIMIT = 4000
# What «Ответственные» lists is split here; a name with a comma in it is tried whole first, in
# spans of up to MAX_SPAN pieces. At most MAX_PIECES pieces are looked up (each a search).
_SEPARATORS = re.compile(r"\s*(?:[;,\n()]|\s+и\s+)\s*")
MAX_PIECES = 12
_WORD = re.compile(r"[^\W\d_]{3,}")
# Written beside names, not in them: legal forms and the city's abbreviation.
_ABBREVIATIONS = {"ооо", "оао", "зао", "пао", "ано", "гуп", "фгуп", "гку", "гбу", "спб"}
MAX_SPAN = 3
CANDIDATES = 5


class Choice(TypedDict):
    """An organisation ("o") or a person ("p") of the directory."""

    kind: str
    id: int
    name: str


class Mention(TypedDict):
    """Words of «Ответственные» that name no one clearly, and whom they may mean."""

    text: str
    candidates: list[Choice]


class DraftItem(TypedDict):
    position: int  # the decision's place among the document's decisions, from 1
    number: str  # as the document numbers it
    title: str
    description: str
    term: str  # what «Срок» says, as written
    deadline: str | None  # the UTC instant it was read as (or typed), ISO; None: no deadline
    owners: list[Choice]
    mentions: list[Mention]
    taken: bool
    imported: int | None  # the roadmap item's number when this decision was made one before


class Draft(TypedDict):
    name: str  # the document's file name
    digest: str  # the SHA-256 of its text
    items: list[DraftItem]


def digest(text: str) -> str:
    """What makes two documents one: their text (a file saved again has other bytes, the same text)."""
    return hashlib.sha256(text.encode()).hexdigest()


def read_deadline(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """A deadline as a document writes it («до 01.03.2027», «I квартал 2027», «ежегодно» …, see
    dates.read_term) or as typed, as a UTC instant: the end of its last day without a time.
    DateProblem: format, invalid, or past."""
    day, at = read_term(text, now.astimezone(tz).date())
    moment = datetime.combine(day, at or roadmap.END_OF_DAY, tzinfo=tz).astimezone(UTC)
    if moment <= now:
        raise DateProblem("past")
    return moment


async def make_draft(
    session: AsyncSession,
    search: DirectorySearch,
    name: str,
    document: str,
    decisions: list[Decision],
    *,
    tz: ZoneInfo,
    now: datetime,
) -> Draft:
    """The draft of the `decisions` of the document `name` (`document`: digest() of its text): every
    decision taken, but for those made items from this document before."""
    before = await imported(session, document)
    items: list[DraftItem] = []
    for position, decision in enumerate(decisions, start=1):
        owners, mentions = await match_owners(session, search, decision.owners)
        try:
            deadline: str | None = read_deadline(decision.term, tz, now).isoformat() if decision.term else None
        except DateProblem:
            deadline = None  # the draft shows what «Срок» says, to be typed as a date
        items.append(
            DraftItem(
                position=position,
                number=decision.number,
                title=decision.title,
                description=_cut(decision.description, DESCRIPTION_LIMIT),
                term=decision.term,
                deadline=deadline,
                owners=owners,
                mentions=mentions,
                taken=position not in before,
                imported=before.get(position),
            )
        )
    return Draft(name=name, digest=document, items=items)


async def imported(session: AsyncSession, document: str) -> dict[int, int]:
    """The decisions of the document made items before: place → the item's number."""
    rows = await session.execute(
        select(RoadmapImport.position, RoadmapItem.number)
        .join(RoadmapItem, RoadmapItem.id == RoadmapImport.item_id)
        .where(RoadmapImport.document == document)
    )
    return {row.position: row.number for row in rows}


async def match_owners(session: AsyncSession, search: DirectorySearch, text: str) -> tuple[list[Choice], list[Mention]]:
    """The organisations and people «Ответственные» names clearly (the search opens one card for
    its words), and the words that name none clearly, with whom they may mean."""
    pieces = [piece for piece in _SEPARATORS.split(text) if piece.strip(" «»\"'.-")]
    pieces, rest = pieces[:MAX_PIECES], pieces[MAX_PIECES:]
    chosen: list[Choice] = []
    mentions: list[Mention] = []
    loose: list[str] = []
    known: dict[str, bool] = {}
    start = 0
    while start < len(pieces):
        for end in range(min(len(pieces), start + MAX_SPAN), start, -1):
            if (named := await _named(session, search, " ".join(pieces[start:end]), known)) is not None:
                if loose:
                    mentions.append(await _mention(session, search, loose))
                    loose = []
                if named not in chosen:
                    chosen.append(named)
                start = end
                break
        else:
            loose.append(pieces[start])
            start += 1
    if loose:
        mentions.append(await _mention(session, search, loose))
    if rest:  # shown as written, for the secretariat to look up
        mentions.append(Mention(text=", ".join(rest), candidates=[]))
    return chosen, mentions


async def _named(session: AsyncSession, search: DirectorySearch, words: str, known: dict[str, bool]) -> Choice | None:
    """The one organisation or person the words name. The search passes over a word it cannot place
    (a typo nobody has), and «Отдел 4» would be the one name holding «4»: here each word must be
    known to the directory (`known` remembers, for the call), but for legal forms and initials."""
    found = await search.search(session, words, members=True, limit=CANDIDATES)
    if not found.clear or found.hits[0].doc.kind not in KINDS:
        return None
    for word in _WORD.findall(words):
        if word.lower() in _ABBREVIATIONS:
            continue
        if word not in known:
            known[word] = (await search.search(session, word, members=True, limit=1)).total > 0
        if not known[word]:
            return None
    return _choice(found.hits[0].doc.kind, found.hits[0].doc.id, found.hits[0].doc.title)


async def _mention(session: AsyncSession, search: DirectorySearch, pieces: list[str]) -> Mention:
    """Words that named no one clearly: whom all of them may mean, or else each of them."""
    candidates: list[Choice] = []
    for words in [" ".join(pieces), *(pieces if len(pieces) > 1 else [])]:
        found = await search.search(session, words, members=True, limit=CANDIDATES)
        for hit in found.hits:
            choice = _choice(hit.doc.kind, hit.doc.id, hit.doc.title) if hit.doc.kind in KINDS else None
            if choice is not None and choice not in candidates and len(candidates) < CANDIDATES:
                candidates.append(choice)
        if candidates:
            break
    return Mention(text=", ".join(pieces), candidates=candidates)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _choice(kind: str, id_: int, name: str) -> Choice:
    return Choice(kind=KINDS[kind], id=id_, name=name)


@dataclass(frozen=True)
class Created:
    numbers: list[int]  # of the items made now
    before: list[int]  # of the items the taken decisions were made before (a second tap, the document again)
    messages: list[Outgoing]  # the owners' notices, for the caller to enqueue


async def create(
    session: AsyncSession,
    settings: Settings,
    draft: Draft,
    *,
    actor: int,
    actor_name: str,
    now: datetime,
    source: Callable[[DraftItem], str],
    assigned: Callable[[roadmap.ItemCard], Render],
) -> Created:
    """An item for each decision taken, with its deadline and owners, unless made before; the people
    each owner means are told the item is theirs (`assigned`: the words, as the owners editor's),
    each owner in turn, so that nobody hears it twice through two owners."""
    before = await imported(session, draft["digest"])
    numbers: list[int] = []
    again: list[int] = []
    messages: list[Outgoing] = []
    for item in draft["items"]:
        if not item["taken"]:
            continue
        if item["position"] in before:
            again.append(before[item["position"]])
            continue
        item_id = await roadmap.create_item(
            session,
            title=item["title"],
            description=item["description"],
            source=source(item),
            actor=actor,
            actor_name=actor_name,
            now=now,
        )
        session.add(RoadmapImport(document=draft["digest"], position=item["position"], item_id=item_id, created_at=now))
        if item["deadline"] is not None:
            deadline = datetime.fromisoformat(item["deadline"])
            await roadmap.set_deadline(session, item_id, deadline, actor=actor, actor_name=actor_name, now=now)
        card = await roadmap.item_card(session, item_id, history=False)
        assert card is not None  # made just now
        for owner in item["owners"]:
            pair = (owner["id"], None) if owner["kind"] == ORGANISATION else (None, owner["id"])
            owner_id = await roadmap.add_owner(
                session,
                item_id,
                organisation_id=pair[0],
                person_id=pair[1],
                actor=actor,
                actor_name=actor_name,
                now=now,
            )
            if owner_id is not None:
                messages += await notices.assigned(session, settings, now, card, (owner_id, pair), assigned(card))
        numbers.append(card.number)
    await session.flush()
    return Created(numbers, again, messages)
