"""The events' tick: reminders a day and an hour before to those coming → outbox; reports whose
answers were held back by the edit throttle are brought up to date."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.services import events, outbox
from bot.services.events import reminders
from bot.services.notices import Rendered, in_languages
from bot.services.outbox import Outgoing
from handlers.events import report, ui

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def events_tick(app: Runtime) -> None:
    settings, now = app.settings, app.clock()
    async with app.database.sessions.begin() as session:
        messages = []
        for due in await reminders.collect(session, now, settings.tz, settings.reminder_hour):
            reminder = _reminder(due, settings.tz)
            for person in due.recipients:
                text, markup = reminder(person.language)
                messages.append(
                    Outgoing(
                        key=reminders.reminder_key(due.event, due.kind, person.chat_id),
                        chat_id=person.chat_id,
                        kind="event_reminder",
                        text=text,
                        reply_markup=markup,
                    )
                )
        added = await outbox.enqueue(session, messages, now)
    app.metrics.count_enqueued(messages, added)
    async with app.database.sessions.begin() as session:
        for event_id in await events.reports_behind(session, now, report.every(settings)):
            await report.refresh(app.bot, session, settings, event_id, now)


def _reminder(due: reminders.ReminderDue, tz: ZoneInfo) -> Callable[[str], Rendered]:
    """The reminder in a language: rendered once per language, not once per recipient."""

    def rendered(t: Translator) -> Rendered:
        text, markup = ui.reminder(t, due.event, due.kind, tz)
        return text, markup.model_dump(exclude_none=True)

    return in_languages(rendered)
