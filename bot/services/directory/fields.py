"""The table of what can be edited on a card, by whom: one row per field of a person, an
organisation or a project. The edit dialog, its checks and the undo all read this table, so a
field added here is editable everywhere at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.services.directory import ORGANISATION_KINDS, PROJECT_KINDS, values

# A field's value as the dialog keeps it and the audit log records it (JSON).
Value = str | int | list[str] | list[int] | None


class CardKind(StrEnum):
    """The letters are the directory's card buttons' (handlers/directory/callbacks.py Card)."""

    PERSON = "h"
    ORGANISATION = "o"
    PROJECT = "p"

    @property
    def noun(self) -> str:
        """person | organisation | project: the audit log's names (`person:5`, `edit.person`)."""
        return self.name.lower()


class Editor(StrEnum):
    """Who the viewer is to a card: the person themselves, a leader of the project, or the
    secretariat (who may edit every field)."""

    SELF = "self"
    LEADER = "leader"
    SECRETARIAT = "secretariat"


class Kind(StrEnum):
    TEXT = "text"  # typed; one line unless `multiline`
    LINES = "lines"  # typed items (phones, e-mails, other names), each read by `item`
    CHOICE = "choice"  # one of `choices`, by buttons
    ORGANISATION = "organisation"  # one organisation of the directory, found by typing part of its name
    ORGANISATIONS = "organisations"  # several, added and removed one at a time
    PEOPLE = "people"  # several people of the directory


@dataclass(frozen=True)
class Field:
    card: CardKind
    name: str
    kind: Kind
    # Who besides the secretariat may edit it.
    editors: frozenset[Editor] = frozenset()
    limit: int = 300  # characters of a text, or of each item
    required: bool = False  # may not be cleared (a name, a title)
    multiline: bool = False
    choices: tuple[str, ...] = ()
    # The translation key prefix of a choice's label ("status." + "active").
    labels: str = ""
    # Reads one typed item (LINES) or checks the whole text (TEXT); raises values.Invalid.
    item: Callable[[str], str] | None = None
    max_items: int = 10
    # The column of the card's table it is stored in; None: stored elsewhere (see edits.RELATIONS).
    column: str | None = None

    @property
    def refs(self) -> bool:
        """Its value names cards of the directory (ids), not text."""
        return self.kind in (Kind.ORGANISATION, Kind.ORGANISATIONS, Kind.PEOPLE)

    def empty(self) -> Value:
        return [] if self.kind in (Kind.LINES, Kind.ORGANISATIONS, Kind.PEOPLE) else None

    def read(self, typed: str) -> Value:
        """The value of typed text (TEXT and LINES fields); raises values.Invalid naming what is wrong."""
        if self.kind is Kind.LINES:
            assert self.item is not None
            return values.items(typed, item=self.item, limit=self.limit, max_items=self.max_items)
        value = values.text(typed, limit=self.limit, multiline=self.multiline)
        return self.item(value) if self.item else value


LONG = 3500  # a long text (goal, results …): its preview with the old value fits one message
SELF = frozenset({Editor.SELF})
LEADER = frozenset({Editor.LEADER})
PERSON, ORG, PROJECT = CardKind.PERSON, CardKind.ORGANISATION, CardKind.PROJECT


def _text(
    card: CardKind,
    name: str,
    limit: int = 300,
    *,
    editors: frozenset[Editor] = frozenset(),
    required: bool = False,
    item: Callable[[str], str] | None = None,
) -> Field:
    return Field(card, name, Kind.TEXT, editors, limit=limit, required=required, item=item, column=name)


def _long(card: CardKind, name: str, editors: frozenset[Editor] = frozenset()) -> Field:
    return Field(card, name, Kind.TEXT, editors, limit=LONG, multiline=True, column=name)


FIELDS: tuple[Field, ...] = (
    # A person: what they fix themselves first, then what only the secretariat corrects.
    _text(PERSON, "position", 400, editors=SELF),
    Field(PERSON, "organisation", Kind.ORGANISATION, SELF, column="organisation_id"),
    Field(PERSON, "phones", Kind.LINES, SELF, limit=60, item=values.phone, column="phones"),
    Field(PERSON, "emails", Kind.LINES, SELF, limit=120, item=values.email, column="emails"),
    Field(PERSON, "helps_with", Kind.TEXT, SELF, limit=300, multiline=True, column="helps_with"),
    Field(PERSON, "language", Kind.CHOICE, SELF, choices=("ru", "en"), labels="edit.language."),
    _text(PERSON, "name", 200, required=True),
    _text(PERSON, "name_en", 200),
    # A project: what its leaders keep up to date, then the secretariat's.
    _long(PROJECT, "goal", LEADER),
    _long(PROJECT, "tasks", LEADER),
    _long(PROJECT, "results", LEADER),
    _long(PROJECT, "prospects", LEADER),
    Field(
        PROJECT,
        "status",
        Kind.CHOICE,
        LEADER,
        choices=("active", "completed", "planned"),
        labels="status.",
        column="status",
    ),
    Field(PROJECT, "partners", Kind.ORGANISATIONS, LEADER, max_items=60),
    Field(PROJECT, "contacts", Kind.PEOPLE, LEADER, max_items=20),
    _text(PROJECT, "title", 300, required=True),
    _text(PROJECT, "title_en", 300),
    Field(PROJECT, "kind", Kind.CHOICE, choices=PROJECT_KINDS, labels="kind.", column="kind"),
    _text(PROJECT, "programme"),
    _text(PROJECT, "period", 100),
    Field(PROJECT, "leader", Kind.ORGANISATION, column="leader_id"),
    _text(PROJECT, "budget"),
    _long(PROJECT, "summary"),
    # An organisation: the secretariat's alone.
    _text(ORG, "name", 300, required=True),
    _text(ORG, "name_en", 300),
    _text(ORG, "legal_form", 50),
    Field(ORG, "aliases", Kind.LINES, limit=100, max_items=20, item=values.alias, column="aliases"),
    Field(ORG, "kind", Kind.CHOICE, choices=ORGANISATION_KINDS, labels="orgkind.", column="kind"),
    Field(
        ORG,
        "cluster_role",
        Kind.CHOICE,
        choices=("founder", "member", "partner", "government", "network"),
        labels="clusterrole.",
        column="cluster_role",
    ),
    _text(ORG, "country", 40, required=True, item=values.country),
    _text(ORG, "region", 200),
    _text(ORG, "website", 300, item=values.website),
    _long(ORG, "description"),
)
_BY_NAME = {(field.card, field.name): field for field in FIELDS}


def field_of(card: CardKind, name: str) -> Field | None:
    return _BY_NAME.get((card, name))


def fields_of(card: CardKind) -> list[Field]:
    return [field for field in FIELDS if field.card == card]
