"""aiogram Routers, a package per feature (its routers, texts and keyboards, CallbackData, and
the messages it schedules): filter -> service -> render."""

from __future__ import annotations

from aiogram import Router

from bot.runtime import Job


def routers() -> list[Router]:
    """In dispatch order: group chats are answered first, the catch-alls come last."""
    from handlers.admin import router as admin
    from handlers.announcements import router as announcements
    from handlers.announcements import settings
    from handlers.common import fallback
    from handlers.directory import browse, lifecycle, new, search
    from handlers.joining import router as joining
    from handlers.privacy import router as privacy
    from handlers.reports import dialog as reports
    from handlers.reports import manage as reports_manage
    from handlers.roadmap import router as roadmap
    from handlers.start import router as start

    modules = (
        fallback.groups,
        start.router,
        joining.router,
        admin.router,
        reports_manage.router,
        reports.router,
        announcements.router,
        announcements.denied,
        announcements.chats,
        settings.router,
        privacy.router,
        browse.router,
        new.router,
        lifecycle.router,
        roadmap.router,
        search.router,
        fallback.router,
    )
    return [routes.build() for routes in modules]


def jobs() -> list[Job]:
    """What each scheduler tick runs, in this order: every feature's scheduled messages."""
    from handlers.announcements.progress import announcements_tick
    from handlers.reports.scheduled import checkins_tick
    from handlers.roadmap.scheduled import roadmap_tick

    return [roadmap_tick, checkins_tick, announcements_tick]
