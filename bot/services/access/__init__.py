"""Access: who the current user is (account, roles, language), and the link between a Telegram
account and a directory person that joining, invites and the secretariat make or break."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services import audit, away
from bot.services.db_util import chunked, insert_for
from models import Account, Person, PersonRole, Project, ProjectPerson, Revocation

ROLES = ("member", "leader", "secretariat")
LANGUAGES = ("ru", "en")
# Directory keys of people added by joining rather than by the dataset.
JOINED_KEY_PREFIX = "tg-"


@dataclass(frozen=True)
class Viewer:
    """The person behind an update, as every handler sees them."""

    telegram_id: int
    first_name: str
    language: str
    person_id: int | None
    roles: frozenset[str]

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def is_leader(self) -> bool:
        return "leader" in self.roles

    @property
    def is_secretariat(self) -> bool:
        return "secretariat" in self.roles


def pick_language(stored: str | None, telegram_code: str | None, default: str) -> str:
    if stored in LANGUAGES:
        return stored
    code = (telegram_code or "").split("-")[0].lower()
    return code if code in LANGUAGES else default


async def identify(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    username: str | None,
    language_code: str | None,
    admin_ids: frozenset[int],
    default_language: str,
    now: datetime,
) -> Viewer:
    """Record the account on first contact and work out its roles."""
    account = await session.get(Account, telegram_id)
    if account is None:
        # Two first updates of one user may race here: the loser's insert does nothing.
        await session.execute(
            insert_for(session, Account)
            .values(telegram_id=telegram_id, first_name=first_name[:200], username=username, created_at=now)
            .on_conflict_do_nothing(index_elements=["telegram_id"])
        )
        account = await session.get(Account, telegram_id)
        assert account is not None
    seen = (False, first_name[:200], username, language_code)
    if (account.blocked_bot, account.first_name, account.username, account.telegram_language) != seen:
        account.blocked_bot, account.first_name, account.username, account.telegram_language = seen
    roles = await roles_of(session, account.person_id)
    if telegram_id in admin_ids:
        roles |= {"secretariat", "member"}
    language = pick_language(account.language, language_code, default_language)
    return Viewer(telegram_id, first_name, language, account.person_id, frozenset(roles))


async def roles_of(session: AsyncSession, person_id: int | None) -> set[str]:
    """The roles of an active person in one query: granted ones, plus leader if they lead a project."""
    if person_id is None:
        return set()
    leads = exists().where(
        ProjectPerson.person_id == person_id,
        ProjectPerson.role == "leader",
        ProjectPerson.project_id.in_(select(Project.id).where(Project.archived_at.is_(None))),
    )
    rows = (
        await session.execute(
            select(PersonRole.role, leads)
            .join(Person, Person.id == PersonRole.person_id)
            .where(PersonRole.person_id == person_id, Person.status == "active")
        )
    ).all()
    if not rows:
        return set()
    return {role for role, _ in rows} | {"member"} | ({"leader"} if rows[0][1] else set())


async def set_language(session: AsyncSession, telegram_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(language)
    await session.execute(update(Account).where(Account.telegram_id == telegram_id).values(language=language))


async def mark_blocked(session: AsyncSession, telegram_id: int) -> None:
    await session.execute(update(Account).where(Account.telegram_id == telegram_id).values(blocked_bot=True))


async def account_language(session: AsyncSession, telegram_id: int, default: str) -> str:
    """The language to write to someone in when they did not just write to us."""
    account = await session.get(Account, telegram_id)
    if account is None:
        return default
    return pick_language(account.language, account.telegram_language, default)


async def languages(session: AsyncSession, chats: Sequence[int], default: str) -> dict[int, str]:
    """The language to write to each of these accounts in (`default` for a chat with no account)."""
    found: dict[int, str] = {}
    for chunk in chunked(chats):
        for telegram_id, language, telegram_language in await session.execute(
            select(Account.telegram_id, Account.language, Account.telegram_language).where(
                Account.telegram_id.in_(chunk)
            )
        ):
            found[telegram_id] = pick_language(language, telegram_language, default)
    return {chat: found.get(chat, default) for chat in chats}


async def secretariat_ids(session: AsyncSession, admin_ids: frozenset[int]) -> set[int]:
    """The Telegram ids of everyone who acts for the secretariat: ADMIN_IDS, and members granted
    the role who have not blocked the bot."""
    rows = await session.execute(
        select(Account.telegram_id)
        .join(PersonRole, PersonRole.person_id == Account.person_id)
        .join(Person, Person.id == Account.person_id)
        .where(PersonRole.role == "secretariat", Person.status == "active", Account.blocked_bot.is_(False))
    )
    return {row.telegram_id for row in rows} | set(admin_ids)


async def secretariat_chats(
    session: AsyncSession, admin_ids: frozenset[int], default_language: str, *, away_on: date | None = None
) -> list[tuple[int, str]]:
    """(chat id, language) of everyone who acts for the secretariat; with `away_on`, not of those
    away that day (what can wait for their return: the digest)."""
    chats = await secretariat_ids(session, admin_ids)
    if away_on is not None:
        chats -= set(await session.scalars(away.chats_away(away_on)))
    stored = {
        row.telegram_id: pick_language(row.language, row.telegram_language, default_language)
        for row in await session.execute(
            select(Account.telegram_id, Account.language, Account.telegram_language).where(
                Account.telegram_id.in_(chats)
            )
        )
    }
    return [(chat, stored.get(chat, default_language)) for chat in sorted(chats)]


# --- linking an account to a directory person ---------------------------------------------


@dataclass(frozen=True)
class JoinOutcome:
    """status: linked | already | taken | unknown | shared | revoked | closed | member | requested |
    pending | invalid | expired | used | not_yours | not_needed | duplicate"""

    status: str
    person_id: int | None = None
    person_name: str | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class Holder:
    """A member and the Telegram account they are in the cluster with."""

    person_id: int
    name: str
    telegram_id: int
    telegram_name: str | None
    username: str | None

    @property
    def handle(self) -> str:
        """How the account is known in Telegram: @username, else its own name, else its id."""
        return "@" + self.username if self.username else self.telegram_name or str(self.telegram_id)


async def holder_of(session: AsyncSession, person_id: int) -> Holder | None:
    """The account a directory person is in the cluster with, if any."""
    row = (
        await session.execute(
            select(Person.id, Person.name, Account.telegram_id, Account.first_name, Account.username)
            .join(Account, Account.person_id == Person.id)
            .where(Person.id == person_id)
        )
    ).first()
    return Holder(row.id, row.name, row.telegram_id, row.first_name or None, row.username) if row else None


async def link_account(
    session: AsyncSession, telegram_id: int, person_id: int, role: str, now: datetime, *, via: str
) -> JoinOutcome:
    person = await session.get(Person, person_id)
    assert person is not None
    account = await session.get(Account, telegram_id)
    assert account is not None
    if account.person_id not in (None, person_id):
        return JoinOutcome("already", account.person_id)
    if not await claim_person(session, telegram_id, person_id):
        return JoinOutcome("taken", person_id, person.name)
    person.status, person.archived_at = "active", None  # an archived card let in again is back
    await grant_roles(session, person_id, {"member", role})
    await lift_revocations(session, telegram_id=telegram_id, person_id=person_id)
    audit.record(session, at=now, actor=telegram_id, action=f"join.{via}", target=f"person:{person_id}")
    return JoinOutcome("linked", person_id, person.name)


async def claim_person(session: AsyncSession, telegram_id: int, person_id: int) -> bool:
    """Link the account to the person unless another account holds them.

    The check is inside the UPDATE: SQLite runs writers one at a time, so a rival's link committed
    meanwhile is seen. PostgreSQL runs both; the unique accounts.person_id then fails the later one,
    which a savepoint turns into a plain "no" instead of a failed update."""
    rival = aliased(Account)
    claim = (
        update(Account)
        .where(
            Account.telegram_id == telegram_id,
            ~exists().where(rival.person_id == person_id, rival.telegram_id != telegram_id),
        )
        .values(person_id=person_id)
        .execution_options(synchronize_session="fetch")
    )
    if session.get_bind().dialect.name != "postgresql":
        return bool((await session.execute(claim)).rowcount)  # type: ignore[attr-defined]
    try:
        async with session.begin_nested():
            return bool((await session.execute(claim)).rowcount)  # type: ignore[attr-defined]
    except IntegrityError:
        return False


async def revocation_of(session: AsyncSession, *, telegram_id: int, person_id: int | None = None) -> Revocation | None:
    """The closed access that keeps this account (or this directory person) out, if any."""
    return await session.scalar(
        select(Revocation).where(or_(Revocation.telegram_id == telegram_id, Revocation.person_id == person_id)).limit(1)
    )


async def lift_revocations(session: AsyncSession, *, telegram_id: int, person_id: int) -> None:
    await session.execute(
        delete(Revocation).where(or_(Revocation.telegram_id == telegram_id, Revocation.person_id == person_id))
    )


async def grant_roles(session: AsyncSession, person_id: int, roles: set[str]) -> None:
    for role in roles:
        await session.execute(
            insert_for(session, PersonRole)
            .values(person_id=person_id, role=role)
            .on_conflict_do_nothing(index_elements=["person_id", "role"])
        )
