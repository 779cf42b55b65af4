"""Decorator-style handler registration that can build a fresh aiogram Router on demand.

aiogram attaches a Router to one Dispatcher for life, but a restart inside one process (as the
end-to-end tests do) needs a new Dispatcher; so modules record their handlers here and
`build()` makes the Router."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Command

Handler = Callable[..., Any]


def command(*names: str) -> Command:
    """A command filter that does not mind the case, as people type: /FIND is /find."""
    return Command(*names, ignore_case=True)


class Routes:
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[tuple[str, Handler, tuple[Any, ...]]] = []
        self._filters: list[tuple[str, tuple[Any, ...]]] = []

    def message(self, *filters: Any) -> Callable[[Handler], Handler]:
        return self._record("message", filters)

    def callback_query(self, *filters: Any) -> Callable[[Handler], Handler]:
        return self._record("callback_query", filters)

    def inline_query(self, *filters: Any) -> Callable[[Handler], Handler]:
        return self._record("inline_query", filters)

    def my_chat_member(self, *filters: Any) -> Callable[[Handler], Handler]:
        return self._record("my_chat_member", filters)

    def filter(self, observer: str, *filters: Any) -> None:
        """Filters every handler of one update type in this router must pass."""
        self._filters.append((observer, filters))

    def _record(self, observer: str, filters: tuple[Any, ...]) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._handlers.append((observer, handler, filters))
            return handler

        return register

    def build(self) -> Router:
        router = Router(name=self.name)
        for observer, filters in self._filters:
            getattr(router, observer).filter(*filters)
        for observer, handler, filters in self._handlers:
            getattr(router, observer).register(handler, *filters)
        return router
