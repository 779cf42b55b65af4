"""Who an announcement reaches: the audience kinds, resolved to chat ids when it is confirmed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import pick_language
from models import (
    Account,
    BotChat,
    CategoryMute,
    Organisation,
    Person,
    PersonRole,
    Project,
    ProjectPartner,
    ProjectPerson,
)

KINDS = ("members", "leaders", "projects", "country", "language", "groups")
# Kinds that need values: the projects chosen, a country code, a language.
WITH_VALUES = ("projects", "country", "language")
ADMIN_STATUSES = ("administrator", "creator")


@dataclass(frozen=True)
class Audience:
    kind: str
    values: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "values": list(self.values)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Audience:
        values = data.get("values") or []
        return cls(str(data.get("kind", "")), tuple(str(v) for v in values) if isinstance(values, list) else ())

    @property
    def complete(self) -> bool:
        return self.kind in KINDS and (bool(self.values) or self.kind not in WITH_VALUES)


def _member_accounts() -> Select[int, int | None, str | None, str | None]:
    """Accounts of admitted, active people who have not blocked the bot."""
    return (
        select(Account.telegram_id, Account.person_id, Account.language, Account.telegram_language)
        .join(Person, Person.id == Account.person_id)
        .where(Person.status == "active", Account.blocked_bot.is_(False),
               Account.person_id.in_(select(PersonRole.person_id)))
    )


async def resolve(session: AsyncSession, audience: Audience, category: str, *, urgent: bool,
                  admin_ids: frozenset[int], default_language: str) -> list[int]:
    """The chat ids, sorted, without those who muted `category` (unless it is urgent)."""
    if not audience.complete:
        return []
    if audience.kind == "groups":
        return sorted(await session.scalars(select(BotChat.chat_id).where(BotChat.status.in_(ADMIN_STATUSES))))
    query = _member_accounts()
    if audience.kind == "leaders":
        leads = select(ProjectPerson.person_id).where(ProjectPerson.role == "leader")
        granted = select(PersonRole.person_id).where(PersonRole.role == "leader")
        query = query.where(or_(Account.person_id.in_(leads), Account.person_id.in_(granted)))
    elif audience.kind == "projects":
        projects = [int(v) for v in audience.values if v.isdigit()]
        organisations = select(Project.leader_id).where(Project.id.in_(projects)).union(
            select(ProjectPartner.organisation_id).where(ProjectPartner.project_id.in_(projects)))
        query = query.where(or_(
            Account.person_id.in_(select(ProjectPerson.person_id).where(ProjectPerson.project_id.in_(projects))),
            Person.organisation_id.in_(organisations)))
    elif audience.kind == "country":
        query = query.join(Organisation, Organisation.id == Person.organisation_id).where(
            Organisation.country.in_(audience.values))
    rows = list(await session.execute(query))
    if audience.kind in ("members", "language"):
        # The secretariat by ADMIN_IDS counts as members even without a directory entry.
        rows += await session.execute(
            select(Account.telegram_id, Account.person_id, Account.language, Account.telegram_language)
            .where(Account.telegram_id.in_(admin_ids), Account.blocked_bot.is_(False)))
    if audience.kind == "language":
        rows = [r for r in rows if pick_language(r.language, r.telegram_language, default_language) in audience.values]
    chats = {r.telegram_id for r in rows}
    if not urgent and chats:
        chats -= set(await session.scalars(select(CategoryMute.telegram_id).where(CategoryMute.category == category)))
    return sorted(chats)
