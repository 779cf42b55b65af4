"""Callback data of the main menu's buttons (each feature answers its own)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Every number a button carries goes to the database as a 64-bit integer: a forged button with
# a larger one must fail to parse (and get the "out of date" answer), not overflow in the driver.
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class MenuItem(StrEnum):
    """A top-level section; the values are in buttons already sent."""

    PROJECTS = "projects"
    ORGS = "orgs"
    FIND = "find"
    JOIN = "join"
    LANGUAGE = "lang"
    ROADMAP = "roadmap"
    STATUS = "status"
    SETTINGS = "settings"
    ADMIN = "admin"
    REPORTS = "reports"
    ANNOUNCEMENTS = "announcements"
    PRIVACY = "privacy"
    NEW = "new"  # the secretariat's wizard of a new card


class Menu(CallbackData, prefix="m"):
    name: MenuItem
