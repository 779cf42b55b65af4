"""What announcements send on a tick: the one reminder to those an announcement asking for reading
reached who have not confirmed it, ACK_REMIND_HOURS after it started."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.services import outbox
from bot.services.announcements import URGENT, reading
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
            for person in due.recipients:
                text, markup = render.read_reminder(Translator(person.language), view, settings.tz)
                messages.append(
                    Outgoing(
                        key=reading.reminder_key(view.id, person.chat_id),
                        chat_id=person.chat_id,
                        kind=reading.REMINDER,
                        text=text,
                        reply_markup=markup.model_dump(exclude_none=True),
                        reply_to=person.message_id,
                        # as the announcement itself: an urgent one does not wait for a dialog to end
                        urgent=view.category == URGENT,
                    )
                )
        added = await outbox.enqueue(session, messages, now)
    app.metrics.count_enqueued(messages, added)
