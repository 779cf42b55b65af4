"""Reading what someone typed for a card field: cleaned, checked, or refused with the reason.

One reader per kind of value (phone, e-mail, website, country, other name), so that a better
one replaces it in one line. Text is kept as typed (HTML too: every card escapes what it shows)."""

from __future__ import annotations

import re
from collections.abc import Callable

# Invisible characters that only hide what a value really is (zero widths, byte order marks,
# control codes); line breaks are read separately.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
# Items of a list are typed comma-, semicolon- or line-separated.
_SEPARATORS = re.compile(r"[\n,;]+")
_PHONE_NOTE = re.compile(r"\s*\(?\s*(факс|fax|доб\.?\s*\d+|ext\.?\s*\d+)\s*\)?\s*$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d\s().\-]+$")
_EMAIL = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}$")
_WEBSITE = re.compile(
    r"^(?:https?://)?(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?::\d{1,5})?(?:/\S*)?$", re.IGNORECASE
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class Invalid(ValueError):
    """What is wrong with a typed value: `reason` names the message, `details` fill it in."""

    def __init__(self, reason: str, **details: str | int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def _clean(raw: str) -> str:
    return _INVISIBLE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def text(raw: str, *, limit: int, multiline: bool) -> str:
    """Spaces collapsed; line breaks kept in a multi-line text (at most one empty line in a row)."""
    cleaned = _clean(raw)
    if multiline:
        joined = "\n".join(" ".join(line.split()) for line in cleaned.split("\n"))
        value = re.sub(r"\n{3,}", "\n\n", joined).strip()
    else:
        value = " ".join(cleaned.split())
    if not value:
        raise Invalid("empty")
    if len(value) > limit:
        raise Invalid("too_long", length=len(value), limit=limit)
    return value


def items(raw: str, *, item: Callable[[str], str], limit: int, max_items: int) -> list[str]:
    """A whole list typed at once (it replaces the old one), each item read by `item`; repeats dropped."""
    cleaned = _clean(raw)
    if len(cleaned) > limit * max_items:
        raise Invalid("too_long", length=len(cleaned), limit=limit * max_items)
    parts = [part for part in (" ".join(piece.split()) for piece in _SEPARATORS.split(cleaned)) if part]
    if not parts:
        raise Invalid("empty")
    if len(parts) > max_items:
        raise Invalid("too_many", n=len(parts), limit=max_items)
    found: list[str] = []
    for part in parts:
        if len(part) > limit:
            raise Invalid("item_too_long", value=part[:40] + "…", limit=limit)
        value = item(part)
        if value not in found:
            found.append(value)
    return found


def phone(typed: str) -> str:
    """A phone number: digits with + ( ) - . and spaces, 7 to 15 digits, optionally followed by a
    note that it is a fax or by an extension, kept as typed.

    PHONES (branch phones13, not merged yet): bot/services/contacts.py parse_phone (phonenumbers,
    E.164) replaces this body, as its parse_email does email's."""
    note = _PHONE_NOTE.search(typed)
    number = typed[: note.start()] if note else typed
    digits = re.sub(r"\D", "", number)
    if not _PHONE.match(number.strip()) or not 7 <= len(digits) <= 15:
        raise Invalid("phone", value=typed)
    return " ".join(typed.split())


def email(typed: str) -> str:
    address = typed.strip().strip("<>")
    if not _EMAIL.match(address):
        raise Invalid("email", value=typed)
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def website(typed: str) -> str:
    """A web address; one typed without its scheme gets https://."""
    address = typed.strip()
    if not _WEBSITE.match(address):
        raise Invalid("website", value=typed)
    return address if "://" in address else "https://" + address


def country(typed: str) -> str:
    """An ISO 3166 two-letter code, as the dataset has it (RU, FI, NO …)."""
    code = typed.strip().upper()
    if not _COUNTRY.match(code):
        raise Invalid("country", value=typed)
    return code


def alias(typed: str) -> str:
    """Another name of an organisation: any text."""
    return " ".join(typed.split())
