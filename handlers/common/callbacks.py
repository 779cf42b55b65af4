"""Callback data of the main menu's buttons (each feature answers its own)."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Every number a button carries goes to the database as a 64-bit integer: a forged button with
# a larger one must fail to parse (and get the "out of date" answer), not overflow in the driver.
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class Menu(CallbackData, prefix="m"):
    """A top-level section: projects, orgs, join, find, admin, lang."""

    name: str
