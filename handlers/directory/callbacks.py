"""Callback data of the directory's lists and cards."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

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
