"""Callback data of the directory's lists and cards, of editing them, and of the secretariat's
creating, archiving and merging of cards."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.services.directory.fields import CardKind
from handlers.common.callbacks import Int64


class ProjectsPage(CallbackData, prefix="pp"):
    offset: Int64


class Country(CallbackData, prefix="co"):
    """Open a country's organisation list ("" for every country) as a new message."""

    code: str


class OrgsPage(CallbackData, prefix="op"):
    country: str  # "" for every country
    offset: Int64


class Card(CallbackData, prefix="c"):
    """kind: p (project), o (organisation), h (person)."""

    kind: str
    id: Int64


class Section(CallbackData, prefix="s"):
    """A long part of a project card, shown in pages."""

    project: Int64
    name: str
    part: Int64


# --- editing cards (handlers/directory/edit.py) ----------------------------------------------


class EditCard(CallbackData, prefix="ed"):
    """The fields of a card its viewer may edit, as buttons."""

    card: CardKind
    id: Int64


class EditField(CallbackData, prefix="ef"):
    """Begin the dialog of one field (a name of bot.services.directory.fields)."""

    card: CardKind
    id: Int64
    field: str


class EditAction(StrEnum):
    SAVE = "save"
    AGAIN = "again"  # from the preview back to the question
    CANCEL = "cancel"
    CLEAR = "clear"
    CHOOSE = "choose"  # value: one of a choice field's values
    PICK = "pick"  # value: the id of a card found (one organisation; or added to a list)
    DROP = "drop"  # value: the id of a card taken off a list
    DONE = "done"  # the list is complete: to the preview


class EditStep(CallbackData, prefix="es"):
    """A button of the edit dialog `token` (buttons of another dialog are out of date)."""

    token: str
    action: EditAction
    value: str = ""


class UndoAction(StrEnum):
    ASK = "ask"
    CONFIRM = "yes"


class UndoChange(CallbackData, prefix="eu"):
    """Undo the change `change` (its audit log id) of a card, after a confirmation."""

    card: CardKind
    id: Int64
    change: Int64
    action: UndoAction


# --- the secretariat: new cards, archive, merge (handlers/directory/new.py, lifecycle.py) --------


class NewCard(CallbackData, prefix="nc"):
    """Begin the wizard of a new card of this kind."""

    card: CardKind


class NewAction(StrEnum):
    CHOOSE = "choose"  # value: one of a choice's values
    PICK = "pick"  # value: the id of an organisation found
    NEW_ORGANISATION = "new_org"  # the person's organisation is made on the way
    SKIP = "skip"  # leave an optional field empty
    DONE = "done"  # the list of partners is complete
    CREATE = "create"
    CANCEL = "cancel"


class NewStep(CallbackData, prefix="ns"):
    """A button of the wizard `token` (those of an earlier wizard are out of date)."""

    token: str
    action: NewAction
    value: str = ""


class LifecycleAction(StrEnum):
    ARCHIVE = "archive"  # asks first
    ARCHIVE_YES = "archive_yes"
    RESTORE = "restore"
    MERGE = "merge"  # asks for the card to keep


class CardLifecycle(CallbackData, prefix="lc"):
    card: CardKind
    id: Int64
    action: LifecycleAction


class MergeAction(StrEnum):
    PREVIEW = "preview"
    CONFIRM = "confirm"
    CANCEL = "cancel"


class MergeInto(CallbackData, prefix="mi"):
    """Merge the duplicate `id` into `keep`: what it would do, then do it."""

    card: CardKind
    id: Int64
    keep: Int64
    action: MergeAction


class ArchivePage(CallbackData, prefix="ar"):
    offset: Int64
