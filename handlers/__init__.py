"""aiogram Routers, a package per feature (its routers, texts and keyboards, CallbackData, and
the messages it schedules): filter -> service -> render."""

from __future__ import annotations

from aiogram import Router

from bot.runtime import Job


def routers() -> list[Router]:
    """In dispatch order: group chats are answered first, the catch-alls come last."""
    from handlers.admin import denied as admin_denied
    from handlers.admin import invites, members, panel
    from handlers.announcements import audience, chats, compose, dialog, editing, listing, reading, sending, settings
    from handlers.announcements import denied as announcements_denied
    from handlers.away import router as away
    from handlers.calendar import router as calendar
    from handlers.common import fallback
    from handlers.directory import browse, edit, lifecycle, me, new, search
    from handlers.events import compose as events_compose
    from handlers.events import manage as events_manage
    from handlers.events import rsvp as events_rsvp
    from handlers.help_requests import answers as help_requests
    from handlers.joining import decision
    from handlers.joining import router as joining
    from handlers.mydata import router as mydata
    from handlers.privacy import router as privacy
    from handlers.reports import dialog as reports
    from handlers.reports import manage as reports_manage
    from handlers.reports import pause as reports_pause
    from handlers.reports import sent as reports_sent
    from handlers.reports import status as reports_status
    from handlers.roadmap import answers as roadmap_answers
    from handlers.roadmap import browse as roadmap
    from handlers.roadmap import decisions as roadmap_decisions
    from handlers.roadmap import denied as roadmap_denied
    from handlers.roadmap import manage as roadmap_manage
    from handlers.roadmap import owners as roadmap_owners
    from handlers.roadmap import protocol as roadmap_protocol
    from handlers.roadmap import protocol_items as roadmap_protocol_items
    from handlers.start import router as start

    modules = (
        fallback.groups,
        start.router,
        joining.router,
        decision.router,
        panel.router,
        members.router,
        invites.router,
        admin_denied.router,
        reports_manage.router,
        reports_manage.denied,
        reports.router,
        reports_sent.router,
        reports_pause.router,
        reports_status.router,
        help_requests.router,
        # announcements: composing step by step (then the buttons no step took), the edits of
        # scheduled ones, the list, the chats; what others meet after all of them
        compose.router,
        audience.router,
        sending.router,
        dialog.stale,
        editing.router,
        listing.router,
        reading.router,
        chats.router,
        announcements_denied.router,
        events_compose.router,
        events_manage.router,
        events_compose.denied,
        events_rsvp.router,
        settings.router,
        settings.denied,
        privacy.router,
        mydata.router,
        away.router,
        calendar.router,
        calendar.denied,
        roadmap_protocol_items.router,
        roadmap_protocol.router,
        roadmap_protocol.denied,
        browse.router,
        me.router,
        edit.router,
        new.router,
        lifecycle.router,
        roadmap.router,
        roadmap_manage.router,
        roadmap_owners.router,
        roadmap_answers.router,
        roadmap_decisions.router,
        roadmap_denied.router,
        search.router,
        fallback.router,
    )
    return [routes.build() for routes in modules]


def jobs() -> list[Job]:
    """What each scheduler tick runs, in this order: every feature's scheduled messages."""
    from handlers.announcements.progress import announcements_tick
    from handlers.announcements.scheduled import reading_tick
    from handlers.events.scheduled import events_tick
    from handlers.reports.scheduled import checkins_tick
    from handlers.roadmap.scheduled import roadmap_tick

    return [roadmap_tick, checkins_tick, announcements_tick, reading_tick, events_tick]
