"""aiogram Routers, one module per feature: filter -> service -> render."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    """In dispatch order: group chats are answered first, the catch-alls come last."""
    from handlers import admin, directory, fallback, join, reports, reports_manage, search, start

    modules = (fallback.groups, start.router, join.router, admin.router, reports_manage.router, reports.router, directory.router, search.router, fallback.router)
    return [routes.build() for routes in modules]
