"""Whom and as what an invite is for, read from the secretary's words: "/invite лидер Захарова"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.search import DirectorySearch
from bot.services.search_index import Hit
from bot.services.text_norm import fold_case, words

# The beginnings of role words in any form: «участника», «лидера», «секретарь», «secretary», «admin».
ROLE_STEMS = (
    ("участник", "member"), ("member", "member"),
    ("лидер", "leader"), ("leader", "leader"),
    ("секретар", "secretariat"), ("secretar", "secretariat"), ("админ", "secretariat"), ("admin", "secretariat"),
)
# The longest ending a form may add to a stem («секретар|иата», «администратор» is «админ|истратор»).
ENDING = 8
CANDIDATES = 8


def role_of(word: str) -> str | None:
    word = fold_case(word)
    return next((role for stem, role in ROLE_STEMS
                 if word.startswith(stem) and len(word) - len(stem) <= ENDING), None)


@dataclass(frozen=True)
class Invitee:
    """person_id: the one person the words clearly name; otherwise candidates to choose from."""

    person_id: int | None
    candidates: list[Hit]


async def find_invitee(session: AsyncSession, search: DirectorySearch, name: str) -> Invitee:
    result = await search.search(session, name, members=True)
    people = [hit for hit in result.hits if hit.doc.kind == "person"]
    named = [hit for hit in people if _names(hit.doc.title, name)]
    # An invite gives one person access: bound only when the words as typed fit one person's
    # name, not a stemmed or fuzzy likeness («Иванов» is not «Иван»); else the secretary chooses.
    if len(named) == 1:
        return Invitee(named[0].doc.id, [])
    return Invitee(None, people[:CANDIDATES])


def _names(title: str, query: str) -> bool:
    """Every word of the query begins a word of the name."""
    own, typed_words = words(title), words(query)
    return bool(typed_words) and all(any(word.startswith(typed) for word in own) for typed in typed_words)
