"""Translations: message catalogs in bot/locales/<lang>/<feature>.yaml, HTML-safe formatting."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("ru", "en")


class Html(str):
    """Text that is already safe HTML and must not be escaped again."""


@cache
def catalog(language: str) -> dict[str, str]:
    """Every feature file of the language merged; one feature's keys never silently replace another's."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALES / language).glob("*.yaml")):
        with path.open(encoding="utf-8") as f:
            part: dict[str, str] = yaml.safe_load(f) or {}
        if clash := messages.keys() & part.keys():
            raise ValueError(f"{path}: keys defined in another file too: {sorted(clash)}")
        messages |= part
    return messages


class Translator:
    """`t("key", name=...)`: the message in this language; string arguments are HTML-escaped
    unless they are `Html`, so user and database text can never break the markup."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else LANGUAGES[0]
        self._messages = catalog(self.language)

    def __call__(self, key: str, /, **kwargs: Any) -> str:
        template = self._template(key)
        if not kwargs:
            return template
        return template.format(**{k: _safe(v) for k, v in kwargs.items()})

    def _template(self, key: str) -> str:
        return self._messages.get(key) or catalog(LANGUAGES[0]).get(key) or key

    def plain(self, key: str, /, **kwargs: Any) -> str:
        """For plain-text places (button alerts, contact names): nothing is escaped."""
        return self._template(key).format(**kwargs)

    def plural(self, key: str, count: int, /, **kwargs: Any) -> str:
        """The message `key.one`, `key.few` or `key.many` that fits `count` (1 день, 2 дня, 5 дней)."""
        return self(f"{key}.{plural_form(count, self.language)}", **kwargs)

    def has(self, key: str) -> bool:
        return key in self._messages


def plural_form(count: int, language: str) -> str:
    """one | few | many: the form a counted noun takes (Russian has three; English one and many)."""
    n = abs(count)
    if language != "ru":
        return "one" if n == 1 else "many"
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _safe(value: Any) -> Any:
    if isinstance(value, Html):
        return str(value)
    if isinstance(value, str):
        return html.escape(value, quote=False)
    return value


def escape(text: str | None) -> Html:
    return Html(html.escape(text or "", quote=False))
