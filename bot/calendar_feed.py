"""`GET /calendar/<token>.ics` on the instance's HTTP server: a member's personal calendar feed
(bot/services/calendar_feed). Anything but a live token gets a bare 404, whatever was wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.health import APP
from bot.i18n import Translator
from bot.services import calendar_feed, ical

if TYPE_CHECKING:
    from bot.http_server import HttpServer

# Calendar apps poll every few hours at most; a proxy or the app itself must not keep a copy
# that outlives a revocation by long.
HEADERS = {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}


async def _feed(request: web.Request) -> web.Response:
    app = request.app[APP]
    name = request.match_info["name"]
    token = name.removesuffix(calendar_feed.SUFFIX)
    now = app.clock()
    async with app.database.sessions() as session:
        whose = await calendar_feed.owner(
            session, token, admin_ids=app.settings.admin_ids, default_language=app.settings.default_language
        )
        if whose is None or token == name:
            return web.Response(status=404)
        found = await calendar_feed.entries(session, whose, now=now, tz=app.settings.tz)
    body = ical.build(found, now=now, name=Translator(whose.language).plain("calendar.name"))
    return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=HEADERS)


def add_routes(server: HttpServer) -> None:
    """After bot.health's add_routes, which gives the server the runtime."""
    server.web.router.add_get(calendar_feed.PREFIX + "{name}", _feed)
