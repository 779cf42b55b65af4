"""Callback data of every inline button (aiogram CallbackData factories, each within 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Menu(CallbackData, prefix="m"):
    """A top-level section: projects, orgs, join, find, admin, lang."""

    name: str


class ProjectsPage(CallbackData, prefix="pp"):
    offset: int


class Country(CallbackData, prefix="co"):
    """Open a country's organisation list ("" for every country) as a new message."""

    code: str


class OrgsPage(CallbackData, prefix="op"):
    country: str  # "" for every country
    offset: int


class Card(CallbackData, prefix="c"):
    """kind: p (project), o (organisation), h (person)."""

    kind: str
    id: int


class Section(CallbackData, prefix="s"):
    """A long part of a project card, shown in pages."""

    project: int
    name: str
    part: int


class Language(CallbackData, prefix="lang"):
    code: str


class Decide(CallbackData, prefix="jd"):
    request: int
    approve: bool


class MembersPage(CallbackData, prefix="mp"):
    offset: int


class MemberAction(CallbackData, prefix="ma"):
    """action: show, grant, remove, revoke, confirm_revoke."""

    person: int
    action: str
    role: str = ""


class NewInvite(CallbackData, prefix="ni"):
    """person 0: an invite for someone not yet in the directory."""

    role: str
    person: int = 0


class AuditPage(CallbackData, prefix="ap"):
    offset: int
