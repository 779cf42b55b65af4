"""Phone numbers and e-mail addresses, read and checked by the libraries that keep up with the
world's numbering plans and address rules (phonenumbers, email-validator).

A stored phone is its E.164 form ("+78125766980"), optionally followed by a note in brackets
("+78125766980 (факс)", "+78121234567 (доб. 123)"): the note is what the number is, which E.164
has no room for. A number without a country code is Russian (the cluster's home); one with a code
keeps it. A stored value that is not in this form was kept as written (an import could not read
it) and is shown as it is."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

DEFAULT_REGION = "RU"
# Longer than any number with an extension and a note; a 5,000-character paste is refused at once.
MAX_PHONE_LENGTH = 60
MAX_NOTE_LENGTH = 40
# The most RFC 5321 lets through (email-validator checks it too, but only after parsing it all).
MAX_EMAIL_LENGTH = 254

PHONE_REASONS = ("empty", "too_long", "letter", "symbol", "too_short", "country", "invalid")
EMAIL_REASONS = ("empty", "too_long", "no_at", "invalid")

# "(факс)", "(приёмная)" at the end: a note needs a letter, so "(812)" stays part of the number.
_NOTE = re.compile(r"\s*\(([^()]*[^\W\d_][^()]*)\)\s*$")
# An extension as people write it after the number: "доб. 123", "ext 12"; kept as a note.
_EXTENSION = re.compile(r"[\s,;]*((?:доб|ext|вн)\.?\s*\d{1,7})\s*$", re.IGNORECASE)
_NOTE_CHARACTERS = re.compile(r"^[\w .,;:/№#\-–]+$")
_NUMBER_CHARACTERS = re.compile(r"[\d\s()+\-.–/]")
_LETTER = re.compile(r"[^\W\d_]")
_STORED = re.compile(r"^(\+\d{4,15})(?: \((.+)\))?$")
_MOBILE = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True)
class Rejected:
    """Why a value is not a phone number (PHONE_REASONS) or an e-mail address (EMAIL_REASONS):
    `reason` for the reply to the user, `detail` in English for logs and `clusterbot import`."""

    reason: str
    detail: str


@dataclass(frozen=True)
class Phone:
    e164: str
    note: str | None = None

    @property
    def stored(self) -> str:
        return f"{self.e164} ({self.note})" if self.note else self.e164


def parse_phone(text: str, region: str = DEFAULT_REGION) -> Phone | Rejected:
    """A phone number as someone typed it ("8 (812) 123-45-67", "+358 40 123 4567 (факс)"), or
    why it is none. Only numbers valid in their country's plan pass: a digit too many or few
    is a typo to be caught now, not a contact that never answers."""
    text = text.strip()
    if not text:
        return Rejected("empty", "empty")
    if len(text) > MAX_PHONE_LENGTH:
        return Rejected("too_long", f"longer than {MAX_PHONE_LENGTH} characters")
    notes: list[str]
    number, notes = text, []
    for pattern in (_NOTE, _EXTENSION):
        if found := pattern.search(number):
            notes.insert(0, " ".join(found.group(1).split()))
            number = number[: found.start()]
    note = ", ".join(notes) or None
    if note and (len(note) > MAX_NOTE_LENGTH or not _NOTE_CHARACTERS.match(note)):
        return Rejected("symbol", f"a note in brackets may hold letters, digits and punctuation: {note!r}")
    if stray := _NUMBER_CHARACTERS.sub("", number):
        if _LETTER.match(stray):
            return Rejected("letter", f"a letter in the number: {stray[0]!r}")
        return Rejected("symbol", f"not a character of a phone number: {stray[0]!r}")
    if "+" in number.lstrip()[1:]:
        return Rejected("symbol", "a plus sign only goes before the country code")
    try:
        parsed = phonenumbers.parse(number, region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            return Rejected("country", "no such country code")
        if exc.error_type == NumberParseException.TOO_LONG:
            return Rejected("too_long", "too many digits")
        return Rejected("too_short", "too few digits")
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible == ValidationResult.TOO_SHORT:
        return Rejected("too_short", "too few digits")
    if possible == ValidationResult.TOO_LONG:
        return Rejected("too_long", "too many digits")
    if possible == ValidationResult.INVALID_COUNTRY_CODE:
        return Rejected("country", "no such country code")
    if possible == ValidationResult.INVALID_LENGTH:
        return Rejected("invalid", f"the wrong number of digits for +{parsed.country_code}")
    if not phonenumbers.is_valid_number(parsed):
        return Rejected("invalid", f"no such number in the numbering plan of +{parsed.country_code}")
    return Phone(phonenumbers.format_number(parsed, PhoneNumberFormat.E164), note)


def parse_email(text: str) -> str | Rejected:
    """The address in its normal form (the domain in lower case), checked by its syntax only:
    no DNS look-up, so it works offline and never waits on the network."""
    text = text.strip()
    if not text:
        return Rejected("empty", "empty")
    if len(text) > MAX_EMAIL_LENGTH:
        return Rejected("too_long", f"longer than {MAX_EMAIL_LENGTH} characters")
    if "@" not in text:
        return Rejected("no_at", "an address needs an @-sign")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        return Rejected("invalid", str(exc))


@dataclass(frozen=True)
class Normalised:
    values: list[str]
    # (place among the values given, why) of each value kept as written
    kept: list[tuple[int, Rejected]]


def normalise_phones(values: Sequence[str]) -> Normalised:
    """Phones as a dataset or an older database has them, in their stored form."""
    return _normalised(values, lambda text: parsed.stored if isinstance(parsed := parse_phone(text), Phone) else parsed)


def normalise_emails(values: Sequence[str]) -> Normalised:
    return _normalised(values, parse_email)


def _normalised(values: Sequence[str], normalise: Callable[[str], str | Rejected]) -> Normalised:
    """Each value in its normal form, once; one that cannot be read, as written."""
    normal: list[str] = []
    kept: list[tuple[int, Rejected]] = []
    for place, value in enumerate(values):
        result = normalise(value)
        if isinstance(result, Rejected):
            kept.append((place, result))
        normal.append(value if isinstance(result, Rejected) else result)
    return Normalised(list(dict.fromkeys(normal)), kept)


def split_stored(stored: str) -> tuple[str | None, str | None]:
    """(E.164, note) of a stored phone; (None, None) for one kept as written."""
    found = _STORED.match(stored)
    return (found.group(1), found.group(2)) if found else (None, None)


def readable_phone(stored: str) -> str:
    """How a card shows a stored phone: "+7 812 123-45-67 (факс)"; one kept as written, as it is."""
    e164, note = split_stored(stored)
    if e164 is None:
        return stored
    number = phonenumbers.format_number(phonenumbers.parse(e164), PhoneNumberFormat.INTERNATIONAL)
    return f"{number} ({note})" if note else number


def dialable_phone(stored: str) -> str:
    """The number of a contact card to save: readable, without its note."""
    e164, _ = split_stored(stored)
    return readable_phone(e164) if e164 else stored


def is_mobile(stored: str) -> bool:
    e164, _ = split_stored(stored)
    return e164 is not None and phonenumbers.number_type(phonenumbers.parse(e164)) in _MOBILE


def telegram_phone(raw: str) -> str | None:
    """The E.164 form of the number Telegram gives with a shared contact. Telegram writes it with
    its country code, mostly without the plus ("79211234567"); a number typed the Russian way
    ("8 921 …") is read as Russian."""
    digits = re.sub(r"\D", "", raw)
    candidates = [raw if raw.lstrip().startswith("+") else "+" + digits, raw]
    for candidate in candidates:
        parsed = parse_phone(candidate)
        if isinstance(parsed, Phone):
            return parsed.e164
    return None
