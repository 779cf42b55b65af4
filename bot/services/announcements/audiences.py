"""Who an announcement reaches: the audience kinds, resolved to chat ids when it is confirmed, and
the groups and channels the secretariat approved as audiences (asked about when the bot may post
in one)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.i18n import Translator
from bot.services import audit, away, notices
from bot.services.access import pick_language
from bot.services.db_util import insert_for
from bot.services.notices import Rendered
from bot.services.outbox import Outgoing
from bot.settings import Settings
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
# Kinds that need values: the projects chosen, a country code, a language, the chats named in the
# preview (a chat approved after it is not sent to unseen).
WITH_VALUES = ("projects", "country", "language", "groups")
ADMIN_STATUSES = ("administrator", "creator")
IN_CHAT = ("creator", "administrator", "member", "restricted")
# A chat's approval: new (not asked about since the bot came) -> pending (asked) -> approved | ignored.
NEW, PENDING, APPROVED, IGNORED = "new", "pending", "approved", "ignored"


@dataclass(frozen=True)
class Audience:
    kind: str
    values: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "values": list(self.values)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Audience:
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
        .where(
            Person.status == "active",
            Account.blocked_bot.is_(False),
            Account.person_id.in_(select(PersonRole.person_id)),
        )
    )


def admitted(chat: ColumnElement[int] | InstrumentedAttribute[int], admin_ids: frozenset[int]) -> ColumnElement[bool]:
    """Whether `chat` (an outbox row's, an invitee's) is still one of the people announcements and
    events are for: a member not revoked nor forgotten since, or the secretariat by ADMIN_IDS."""
    members = _member_accounts().with_only_columns(Account.telegram_id)
    return or_(chat.in_(members), chat.in_(admin_ids))


async def resolve(
    session: AsyncSession,
    audience: Audience,
    category: str,
    *,
    urgent: bool,
    admin_ids: frozenset[int],
    default_language: str,
    away_on: date | None = None,
) -> list[int]:
    """The chat ids, sorted, without those who muted `category` and, given `away_on` (today),
    those away then (neither unless it is urgent)."""
    if not audience.complete:
        return []
    if audience.kind == "groups":
        chosen = [int(v) for v in audience.values if v.lstrip("-").isdigit()]
        return sorted(await session.scalars(select(BotChat.chat_id).where(is_audience(), BotChat.chat_id.in_(chosen))))
    query = _member_accounts()
    if audience.kind == "leaders":
        leads = (
            select(ProjectPerson.person_id)
            .join(Project, Project.id == ProjectPerson.project_id)
            .where(ProjectPerson.role == "leader", Project.archived_at.is_(None))
        )
        granted = select(PersonRole.person_id).where(PersonRole.role == "leader")
        query = query.where(or_(Account.person_id.in_(leads), Account.person_id.in_(granted)))
    elif audience.kind == "projects":
        # A project archived since the announcement was composed has no audience any more.
        chosen = [int(v) for v in audience.values if v.isdigit()]
        projects = select(Project.id).where(Project.id.in_(chosen), Project.archived_at.is_(None))
        organisations = (
            select(Project.leader_id)
            .where(Project.id.in_(projects))
            .union(select(ProjectPartner.organisation_id).where(ProjectPartner.project_id.in_(projects)))
        )
        query = query.where(
            or_(
                Account.person_id.in_(select(ProjectPerson.person_id).where(ProjectPerson.project_id.in_(projects))),
                Person.organisation_id.in_(organisations),
            )
        )
    elif audience.kind == "country":
        query = query.join(Organisation, Organisation.id == Person.organisation_id).where(
            Organisation.country.in_(audience.values)
        )
    rows = list(await session.execute(query))
    if audience.kind in ("members", "language"):
        # The secretariat by ADMIN_IDS counts as members even without a directory entry.
        rows += await session.execute(
            select(Account.telegram_id, Account.person_id, Account.language, Account.telegram_language).where(
                Account.telegram_id.in_(admin_ids), Account.blocked_bot.is_(False)
            )
        )
    if audience.kind == "language":
        rows = [r for r in rows if pick_language(r.language, r.telegram_language, default_language) in audience.values]
    chats = {r.telegram_id for r in rows}
    if not urgent and chats:
        chats -= set(await session.scalars(select(CategoryMute.telegram_id).where(CategoryMute.category == category)))
        if away_on is not None:
            chats -= set(await session.scalars(away.chats_away(away_on)))
    return sorted(chats)


# --- the groups and channels the bot is in ----------------------------------------------------


def is_audience() -> ColumnElement[bool]:
    """The bot may post there, and the secretariat approved the chat."""
    return and_(_postable(), BotChat.approval == APPROVED)


def _postable() -> ColumnElement[bool]:
    # The status is checked as well: a send that found the bot removed marks the chat "gone" alone.
    return and_(BotChat.status.in_(ADMIN_STATUSES), BotChat.can_post.is_(True))


@dataclass(frozen=True)
class ChatView:
    chat_id: int
    title: str
    type: str
    approval: str
    round: int
    # Who added the bot (as Telegram names them), unknown for chats recorded before approvals.
    added_by: int | None = None
    added_by_name: str | None = None
    added_by_username: str | None = None


@dataclass(frozen=True)
class ChatChange:
    """The chat as recorded, and whether to `ask` the secretariat to approve it."""

    chat: ChatView
    ask: bool = False


async def record_chat(
    session: AsyncSession,
    *,
    chat_id: int,
    title: str,
    type_: str,
    status: str,
    can_post_messages: bool | None,
    by: int,
    by_secretariat: bool,
    now: datetime,
) -> ChatChange:
    """The bot's status in a group or channel changed (`by` changed it).

    The first time in a stay that the bot may post there, the secretariat is asked (approved at
    once when a secretary added it). Demoted and promoted again, the chat keeps its decision; added
    back after leaving, it is asked about anew, and leaving makes an open request's buttons stale."""
    await session.execute(
        insert_for(session, BotChat)
        .values(
            chat_id=chat_id, title="", type=type_, status="left", can_post=False, approval=NEW, round=0, updated_at=now
        )
        .on_conflict_do_nothing(index_elements=["chat_id"])
    )
    row = await session.get(BotChat, chat_id, with_for_update=True, populate_existing=True)
    assert row is not None
    # Leaving ends a stay, and so does coming back to a chat where a send found the bot removed.
    if (row.status not in IN_CHAT or status not in IN_CHAT) and row.approval != NEW:
        row.approval, row.round = NEW, row.round + 1
    postable = status == "creator" or (status == "administrator" and (type_ != "channel" or bool(can_post_messages)))
    row.title, row.type, row.status, row.can_post, row.updated_at = title[:200], type_, status, postable, now
    ask = postable and row.approval == NEW and not by_secretariat
    if postable and row.approval == NEW:
        row.round, row.added_by = row.round + 1, by
        row.approval, row.decided_by = (APPROVED, by) if by_secretariat else (PENDING, None)
        if by_secretariat:
            audit.record(session, at=now, actor=by, action="chat.approve", target=f"chat:{chat_id}", name=row.title)
    await session.flush()
    return ChatChange(await _view(session, row), ask=ask)


async def approval_requests(
    session: AsyncSession, settings: Settings, change: ChatChange, card: Callable[[Translator, ChatView], Rendered]
) -> list[Outgoing]:
    """When a change asks for it, every secretary gets the chat's card to approve or ignore it
    (once a request: its round names it)."""
    if not change.ask:
        return []
    chat = change.chat
    return await notices.to_secretariat(
        session,
        settings,
        lambda secretary: f"chat-request:{chat.chat_id}:{chat.round}:{secretary}",
        lambda t: card(t, chat),
    )


async def _view(session: AsyncSession, row: BotChat) -> ChatView:
    account = await session.get(Account, row.added_by) if row.added_by is not None else None
    return ChatView(
        row.chat_id,
        row.title,
        row.type,
        row.approval,
        row.round,
        row.added_by,
        account.first_name if account else None,
        account.username if account else None,
    )


async def chats(session: AsyncSession) -> list[ChatView]:
    """The chats the bot may post in, approved or waiting for the secretariat, by title."""
    rows = await session.execute(
        select(BotChat, Account.first_name, Account.username)
        .outerjoin(Account, Account.telegram_id == BotChat.added_by)
        .where(_postable(), BotChat.approval.in_((APPROVED, PENDING)))
        .order_by(BotChat.title, BotChat.chat_id)
    )
    return [
        ChatView(c.chat_id, c.title, c.type, c.approval, c.round, c.added_by, name, username)
        for c, name, username in rows
    ]


@dataclass(frozen=True)
class ChatDecision:
    """status: decided (by this tap), already (decided before: `chat.approval` by `decided_by`),
    stale (no such request open: forged, or the bot left or was added again since)."""

    status: str
    chat: ChatView | None = None
    decided_by: str | None = None


async def decide_chat(
    session: AsyncSession, chat_id: int, round_: int, *, approve: bool, actor: int, now: datetime
) -> ChatDecision:
    row = await session.get(BotChat, chat_id)
    if row is None or row.round != round_ or row.approval == NEW:
        return ChatDecision("stale")
    approval = APPROVED if approve else IGNORED
    # One decision per request, whichever secretary taps first.
    changed = await session.execute(
        update(BotChat)
        .where(BotChat.chat_id == chat_id, BotChat.round == round_, BotChat.approval == PENDING)
        .values(approval=approval, decided_by=actor)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(row)
    decided_by = await session.scalar(
        select(Person.name).join(Account, Account.person_id == Person.id).where(Account.telegram_id == row.decided_by)
    ) or await session.scalar(select(Account.first_name).where(Account.telegram_id == row.decided_by))
    if not changed.rowcount:  # type: ignore[attr-defined]
        return ChatDecision("already", await _view(session, row), decided_by)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="chat." + ("approve" if approve else "ignore"),
        target=f"chat:{chat_id}",
        name=row.title,
    )
    return ChatDecision("decided", await _view(session, row), decided_by)
