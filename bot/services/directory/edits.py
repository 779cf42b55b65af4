"""Editing directory cards one field at a time (the fields are in bot.services.directory.fields):
who may edit a card, a field's value now, saving a new one — never over a change made since the
editor looked —, a card's last change and its undo.

Every change goes into the audit log with its old and new value and moves the directory
revision, so that search, cards and inline results show it at once on every instance."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.directory import Ref, refs
from bot.services.directory.fields import CardKind, Editor, Field, Kind, Value, field_of, fields_of
from bot.services.revision import bump_directory_revision
from models import Account, AuditEntry, Organisation, Person, Project, ProjectPartner, ProjectPerson

MODELS: dict[CardKind, type[Person] | type[Organisation] | type[Project]] = {
    CardKind.PERSON: Person,
    CardKind.ORGANISATION: Organisation,
    CardKind.PROJECT: Project,
}
# Notes kept with a relation that its ids alone do not carry (a partner's role), by id, so that an
# undo brings a removed partner back as it was.
Notes = dict[str, str | None]
# How far back an undo looks for the change to undo.
HISTORY = 200


class Result(StrEnum):
    SAVED = "saved"
    CHANGED = "changed"  # the value is not the one the editor saw: someone changed it meanwhile
    UNCHANGED = "unchanged"  # the new value is the one it has already
    GONE = "gone"  # the card is no longer there
    STALE = "stale"  # (undo) no longer the card's last change


@dataclass(frozen=True)
class Outcome:
    result: Result
    # the value now: after SAVED the new one, after CHANGED the one found instead of what was seen
    current: Value = None


@dataclass(frozen=True)
class Target:
    """A card someone may edit, and as whom."""

    card: CardKind
    id: int
    editor: Editor
    name: str
    name_en: str | None = None
    # a person with a Telegram account: only then is there a language to set
    has_account: bool = False

    def may(self, field: Field) -> bool:
        if field.card != self.card or (field.name == "language" and not self.has_account):
            return False
        return self.editor is Editor.SECRETARIAT or self.editor in field.editors

    def fields(self) -> list[Field]:
        return [field for field in fields_of(self.card) if self.may(field)]


@dataclass(frozen=True)
class Change:
    """A change of one field of a card, from the audit log."""

    id: int
    field: Field
    old: Value
    new: Value
    at: datetime
    actor: int | None
    notes: Notes


async def target(
    session: AsyncSession, card: CardKind, card_id: int, *, person_id: int | None, secretariat: bool
) -> Target | None:
    """The card as `person_id` (a member's directory person, or None) may edit it: their own
    person card, a project they lead, or — for the secretariat — any card. None: not theirs, or gone."""
    if card is CardKind.PERSON:
        account = exists().where(Account.person_id == Person.id)
        row = (
            await session.execute(
                select(Person.name, Person.name_en, account).where(Person.id == card_id, Person.status == "active")
            )
        ).first()
        editor = Editor.SECRETARIAT if secretariat else Editor.SELF if person_id == card_id else None
        return Target(card, card_id, editor, row[0], row[1], bool(row[2])) if row and editor else None
    if card is CardKind.PROJECT:
        found = (await session.execute(select(Project.title, Project.title_en).where(Project.id == card_id))).first()
        if found is None:
            return None
        leads = person_id is not None and bool(
            await session.scalar(
                select(
                    exists().where(
                        ProjectPerson.project_id == card_id,
                        ProjectPerson.person_id == person_id,
                        ProjectPerson.role == "leader",
                    )
                )
            )
        )
        editor = Editor.SECRETARIAT if secretariat else Editor.LEADER if leads else None
        return Target(card, card_id, editor, found[0], found[1]) if editor else None
    org = (
        await session.execute(select(Organisation.name, Organisation.name_en).where(Organisation.id == card_id))
    ).first()
    return Target(card, card_id, Editor.SECRETARIAT, org[0], org[1]) if org and secretariat else None


async def current(session: AsyncSession, target: Target, field: Field) -> Value:
    if field.column is None:
        return await RELATIONS[field.name][0](session, target.id)
    model = MODELS[target.card]
    value = await session.scalar(select(getattr(model, field.column)).where(model.id == target.id))
    return list(value or []) if field.kind is Kind.LINES else value


async def save(
    session: AsyncSession, target: Target, field: Field, *, seen: Value, new: Value, actor: int, now: datetime
) -> Outcome:
    """Set the field to `new` if it still has the value `seen` when the editor looked."""
    if not await _lock(session, target):
        return Outcome(Result.GONE)
    value = await current(session, target, field)
    if value != seen:
        return Outcome(Result.CHANGED, value)
    if value == new:
        return Outcome(Result.UNCHANGED, value)
    notes = await _write(session, target, field, new, {})
    await _record(session, target, field, "edit", old=value, new=new, actor=actor, now=now, notes=notes)
    return Outcome(Result.SAVED, new)


async def last_change(session: AsyncSession, target: Target) -> Change | None:
    """The change an undo would take back: the newest edit of the card not undone yet."""
    entries = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target == _target_key(target), AuditEntry.action.in_(_actions(target)))
        .order_by(AuditEntry.id.desc())
        .limit(HISTORY)
    )
    undone: set[Any] = set()
    for entry in entries:
        if entry.action.startswith("undo."):
            undone.add(entry.details.get("undoes"))
        elif entry.id not in undone and (change := _change(target, entry)) is not None:
            return change
    return None


async def change_of(session: AsyncSession, target: Target, change_id: int) -> Change | None:
    """An edit of this card, by its audit log id."""
    entry = await session.get(AuditEntry, change_id)
    if entry is None or entry.target != _target_key(target) or entry.action != _actions(target)[0]:
        return None
    return _change(target, entry)


async def undo(session: AsyncSession, target: Target, change: Change, *, actor: int, now: datetime) -> Outcome:
    """Put back the value the change replaced, if it is still the card's last change and its
    value is still the one it set."""
    if not await _lock(session, target):
        return Outcome(Result.GONE)
    last = await last_change(session, target)
    if last is None or last.id != change.id:
        return Outcome(Result.STALE)
    value = await current(session, target, change.field)
    if value != change.new:
        return Outcome(Result.CHANGED, value)
    notes = await _write(session, target, change.field, change.old, change.notes)
    await _record(
        session,
        target,
        change.field,
        "undo",
        old=value,
        new=change.old,
        actor=actor,
        now=now,
        notes=notes,
        undoes=change.id,
    )
    return Outcome(Result.SAVED, change.old)


async def labels(session: AsyncSession, field: Field, value: Value) -> list[Ref]:
    """A value as items to show: the cards it names (in its order, with English names), the
    lines of a list, or the text; empty when it is empty."""
    if field.refs:
        named = ids(value)
        model: type[Organisation] | type[Person] = Person if field.kind is Kind.PEOPLE else Organisation
        found = await refs(session, model, named)
        return [found[i] for i in named if i in found]
    if isinstance(value, list):
        return [Ref(0, str(item)) for item in value]
    return [Ref(0, str(value))] if value not in (None, "") else []


def ids(value: Value) -> list[int]:
    """The ids of the cards a value names."""
    if isinstance(value, int):
        return [value]
    return [item for item in value if isinstance(item, int)] if isinstance(value, list) else []


def _target_key(target: Target) -> str:
    return f"{target.card.noun}:{target.id}"


def _actions(target: Target) -> tuple[str, str]:
    return f"edit.{target.card.noun}", f"undo.{target.card.noun}"


def _change(target: Target, entry: AuditEntry) -> Change | None:
    field = field_of(target.card, str(entry.details.get("field")))
    if field is None:  # a field no longer edited in the bot
        return None
    notes = entry.details.get("notes")
    return Change(
        entry.id,
        field,
        entry.details.get("old"),
        entry.details.get("new"),
        entry.at,
        entry.actor_telegram_id,
        notes if isinstance(notes, dict) else {},
    )


# A card's row is locked by setting one of its columns to itself: whoever saves a field of the
# same card next waits until this update commits, then reads what it wrote (SQLite has one writer
# at a time anyway; PostgreSQL's row lock does this). Then "the value the editor saw" is compared
# with the value as it really is.
_LOCK = {CardKind.PERSON: Person.name, CardKind.ORGANISATION: Organisation.name, CardKind.PROJECT: Project.title}


async def _lock(session: AsyncSession, target: Target) -> bool:
    model, column = MODELS[target.card], _LOCK[target.card]
    locked = await session.execute(
        update(model)
        .where(model.id == target.id)
        .values({column.key: column})
        .execution_options(synchronize_session=False)
    )
    return bool(locked.rowcount)  # type: ignore[attr-defined]


async def _write(session: AsyncSession, target: Target, field: Field, value: Value, notes: Notes) -> Notes:
    if field.column is None:
        return await RELATIONS[field.name][1](session, target.id, value, notes)
    model = MODELS[target.card]
    await session.execute(update(model).where(model.id == target.id).values({field.column: value}))
    return {}


async def _record(
    session: AsyncSession,
    target: Target,
    field: Field,
    verb: str,
    *,
    old: Value,
    new: Value,
    actor: int,
    now: datetime,
    notes: Notes,
    **more: Any,
) -> None:
    """The audit entry of a change (with the names its values stand for, as the log shows them),
    and the revision moved so that every instance sees the change."""
    old_text = ", ".join(ref.name for ref in await labels(session, field, old))
    new_text = ", ".join(ref.name for ref in await labels(session, field, new))
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"{verb}.{target.card.noun}",
        target=_target_key(target),
        field=field.name,
        old=old,
        new=new,
        old_text=old_text,
        new_text=new_text,
        name=target.name,
        **({"notes": notes} if notes else {}),
        **more,
    )
    await bump_directory_revision(session)


# --- fields stored outside the card's own row -----------------------------------------------


async def _language(session: AsyncSession, person_id: int) -> Value:
    return await session.scalar(select(Account.language).where(Account.person_id == person_id))


async def _set_language(session: AsyncSession, person_id: int, value: Value, _notes: Notes) -> Notes:
    await session.execute(update(Account).where(Account.person_id == person_id).values(language=value))
    return {}


async def _partners(session: AsyncSession, project_id: int) -> Value:
    return list(
        await session.scalars(
            select(ProjectPartner.organisation_id)
            .where(ProjectPartner.project_id == project_id)
            .order_by(ProjectPartner.id)
        )
    )


async def _set_partners(session: AsyncSession, project_id: int, value: Value, notes: Notes) -> Notes:
    """Partners kept keep their role; those removed are returned with theirs; those added get
    the role `notes` remember for them (an undo), else none."""
    wanted = ids(value)
    rows = {
        row.organisation_id: row
        for row in await session.scalars(select(ProjectPartner).where(ProjectPartner.project_id == project_id))
    }
    removed: Notes = {}
    for organisation_id, row in rows.items():
        if organisation_id not in wanted:
            removed[str(organisation_id)] = row.role
            await session.delete(row)
    for organisation_id in wanted:
        if organisation_id not in rows:
            session.add(
                ProjectPartner(
                    project_id=project_id, organisation_id=organisation_id, role=notes.get(str(organisation_id))
                )
            )
    await session.flush()
    return removed


async def _contacts(session: AsyncSession, project_id: int) -> Value:
    return list(
        await session.scalars(
            select(ProjectPerson.person_id)
            .where(ProjectPerson.project_id == project_id, ProjectPerson.role == "contact")
            .order_by(ProjectPerson.id)
        )
    )


async def _set_contacts(session: AsyncSession, project_id: int, value: Value, _notes: Notes) -> Notes:
    wanted = ids(value)
    have = ids(await _contacts(session, project_id))
    await session.execute(
        delete(ProjectPerson).where(
            ProjectPerson.project_id == project_id,
            ProjectPerson.role == "contact",
            ProjectPerson.person_id.not_in(wanted),
        )
    )
    for person_id in wanted:
        if person_id not in have:
            session.add(ProjectPerson(project_id=project_id, person_id=person_id, role="contact"))
    await session.flush()
    return {}


Reader = Callable[[AsyncSession, int], Awaitable[Value]]
Writer = Callable[[AsyncSession, int, Value, Notes], Awaitable[Notes]]
# The fields of the table whose `column` is None, by name.
RELATIONS: dict[str, tuple[Reader, Writer]] = {
    "language": (_language, _set_language),
    "partners": (_partners, _set_partners),
    "contacts": (_contacts, _set_contacts),
}
