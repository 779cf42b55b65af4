"""aiogram Routers, one module per feature: filter -> service -> render."""

from __future__ import annotations

from aiogram import Router

from bot.runtime import Job


def routers() -> list[Router]:
    """In dispatch order: group chats are answered first, the catch-alls come last."""
    from handlers import (
        admin,
        announcements,
        directory,
        fallback,
        join,
        reports,
        reports_manage,
        roadmap,
        search,
        settings,
        start,
    )

    modules = (
        fallback.groups,
        start.router,
        join.router,
        admin.router,
        reports_manage.router,
        reports.router,
        announcements.router,
        announcements.denied,
        announcements.chats,
        settings.router,
        directory.router,
        roadmap.router,
        search.router,
        fallback.router,
    )
    return [routes.build() for routes in modules]


def jobs() -> list[Job]:
    """What each scheduler tick runs, in this order: every feature's scheduled messages."""
    from handlers.announcements_report import announcements_tick
    from scheduler.checkins import checkins_tick
    from scheduler.roadmap import roadmap_tick

    return [roadmap_tick, checkins_tick, announcements_tick]
