"""The roadmap's tick: due reminders, escalations, unreachable owners and the weekly nudge → outbox."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.services import access, outbox, roadmap
from bot.services.outbox import Outgoing
from bot.services.reports import checkins
from bot.services.roadmap import reminders
from handlers.roadmap import ui as view

if TYPE_CHECKING:
    from bot.runtime import Runtime


@cache
def _translator(language: str) -> Translator:
    return Translator(language)


async def roadmap_tick(app: Runtime) -> None:
    settings, now, tz = app.settings, app.clock(), app.settings.tz
    async with app.database.sessions.begin() as session:
        due = await reminders.collect(
            session, reminders.policy_of(settings), now, settings.default_language, limit=settings.reminder_tick_items
        )
        secretariat = await access.secretariat_chats(session, settings.admin_ids, settings.default_language)
        messages: list[Outgoing] = []
        for item in due:
            if item.due is not None:
                rendered = {
                    language: view.reminder(_translator(language), item, now=now, tz=tz)
                    for language in {person.language for person in item.recipients}
                }
                for person in item.recipients:
                    text, markup = rendered[person.language]
                    messages.append(
                        Outgoing(
                            key=reminders.reminder_key(item.item_id, item.due, person.person_id),
                            chat_id=person.chat_id,
                            kind="reminder",
                            text=text,
                            reply_markup=markup,
                        )
                    )
            deadline_day = reminders.local_day(item.deadline, tz)
            for chat, language in secretariat:
                t = _translator(language)
                card = view.to_card(t, item.item_id)
                if item.escalate is not None:
                    messages.append(
                        Outgoing(
                            key=f"rm:{item.item_id}:escalate:c{chat}:{item.escalate.day}",
                            chat_id=chat,
                            kind="reminder",
                            text=view.escalation(t, item, tz=tz),
                            reply_markup=card,
                        )
                    )
                if item.due is not None:
                    # Once per owner and deadline, not at every reminder.
                    messages += [
                        Outgoing(
                            key=f"rm:{item.item_id}:unreachable:{kind}{ref}:c{chat}:{deadline_day}",
                            chat_id=chat,
                            kind="reminder",
                            text=view.unreachable(t, item, name),
                            reply_markup=card,
                        )
                        for kind, ref, name in item.unreachable
                    ]
        nudge_at = checkins.weekly_time(now, tz, settings.roadmap_nudge_weekday, settings.reminder_hour)
        week = roadmap.week_key(nudge_at, tz)
        nudge_keys = {chat: f"rm:nudge:{week}:c{chat}" for chat, _ in secretariat}
        sent = await outbox.sent_keys(session, list(nudge_keys.values()))
        if (
            now - nudge_at <= checkins.WEEKLY_GRACE
            and len(sent) < len(nudge_keys)
            and (lacking := await roadmap.needing_attention(session))
        ):
            for chat, language in secretariat:
                listing, buttons = view.nudge(_translator(language), lacking)
                messages.append(
                    Outgoing(
                        key=nudge_keys[chat],
                        chat_id=chat,
                        kind="nudge",
                        text=listing,
                        reply_markup=buttons.model_dump(exclude_none=True),
                    )
                )
        added = await outbox.enqueue(session, messages, now)
    app.metrics.count_enqueued(messages, added)
