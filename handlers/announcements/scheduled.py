"""What announcements send on a tick: the one reminder to those an announcement asking for reading
reached who have not confirmed it, ACK_REMIND_HOURS after it started."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.services import outbox
from bot.services.announcements import URGENT, AnnouncementView, reading
from bot.services.notices import Rendered, in_languages
from bot.services.outbox import Outgoing
from handlers.announcements import ui as render

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def reading_tick(app: Runtime) -> None:
    settings, now = app.settings, app.clock()
    async with app.database.sessions.begin() as session:
        messages = []
        for due in await reading.claim_reminders(
            session,
            now,
            timedelta(hours=settings.ack_remind_hours),
            now.astimezone(settings.tz).date(),
            settings.default_language,
            admin_ids=settings.admin_ids,
        ):
            view = due.announcement
            reminder = _reminder(view, settings.tz)
            for person in due.recipients:
                text, markup = reminder(person.language)
                messages.append(
                    Outgoing(
                        key=reading.reminder_key(view.id, person.chat_id),
                        chat_id=person.chat_id,
                        kind=reading.REMINDER,
                        text=text,
                        reply_markup=markup,
                        reply_to=person.message_id,
                        # as the announcement itself: an urgent one does not wait for a dialog to end
                        urgent=view.category == URGENT,
                    )
                )
        added = await outbox.enqueue(session, messages, now)
    app.metrics.count_enqueued(messages, added)


def _reminder(view: AnnouncementView, tz: tzinfo) -> Callable[[str], Rendered]:
    """The reminder of `view` in a language: rendered once per language, not once per recipient."""

    def rendered(t: Translator) -> Rendered:
        text, markup = render.read_reminder(t, view, tz)
        return text, markup.model_dump(exclude_none=True)

    return in_languages(rendered)
