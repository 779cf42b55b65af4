"""The edit dialog's screens stay within one Telegram message (4,096 characters as shown) with
the longest values a card may hold, even ones imported longer than a save allows."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from bot.i18n import Translator
from bot.services.directory import Ref
from bot.services.directory.edits import Change, Target
from bot.services.directory.fields import FIELDS, CardKind, Editor, Field, Kind, Value
from handlers.directory import edit_ui

TELEGRAM_TEXT = 4096
TARGET = Target(CardKind.PROJECT, 1, Editor.SECRETARIAT, "П" * 300, "P" * 300)


def as_shown(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def longest(field: Field) -> tuple[Value, list[Ref]]:
    """A value longer than any a save allows: 5,000 characters of words, or the most items."""
    if field.kind is Kind.CHOICE:
        return field.choices[0], [Ref(0, field.choices[0])]
    if field.kind is Kind.TEXT:
        text = "слово " * 833
        return text, [Ref(0, text)]
    items = [Ref(n, "Название организации <b>&</b> " * 3, name_en="Name " * 10) for n in range(field.max_items)]
    return [r.id for r in items], items


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.card.noun}.{f.name}")
def test_every_screen_fits_one_message(field: Field, language: str) -> None:
    t = Translator(language)
    value, items = longest(field)
    screens = [
        edit_ui.question(t, TARGET, field, "token", seen=value, seen_items=items, picked=items, query="q" * 200)[0],
        edit_ui.preview(t, TARGET, field, "token", old=value, old_items=items, new=value, new_items=items)[0],
        edit_ui.conflict(
            t,
            field,
            now=edit_ui.value_text(t, field, items, value, edit_ui.MAIN),
            mine=edit_ui.value_text(t, field, items, value, edit_ui.SHORT),
        ),
        edit_ui.undo_confirm(
            t,
            TARGET,
            Change(1, field, value, value, datetime.now(UTC), None, {}),
            now=edit_ui.value_text(t, field, items, value, edit_ui.HALF),
            back=edit_ui.value_text(t, field, items, value, edit_ui.HALF),
        )[0],
    ]
    for screen in screens:
        assert len(as_shown(screen)) <= TELEGRAM_TEXT, (field.name, len(as_shown(screen)))
