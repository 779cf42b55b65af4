"""The check-in tick: prompts and nudges owed to silent leaders, and the weekly digest to the
secretariat, derived from the database and enqueued in the outbox under unique keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access, outbox, reports
from bot.services.outbox import Outgoing
from bot.services.reports import attention, checkins
from bot.settings import Settings
from handlers.reports import ui as render

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def checkins_tick(app: Runtime) -> None:
    now = app.clock()
    for derive in (prompts, digests):
        async with app.database.sessions.begin() as session:
            messages = await derive(session, app.settings, now)
            added = await outbox.enqueue(session, messages, now)
        app.metrics.count_enqueued(messages, added)


async def prompts(session: AsyncSession, settings: Settings, now: datetime) -> list[Outgoing]:
    due = await checkins.due_prompts(
        session,
        now,
        settings.tz,
        default=checkins.default_cadence(settings),
        nudge_after=timedelta(hours=settings.report_nudge_hours),
        default_language=settings.default_language,
        calendar=settings.work_calendar,
    )
    titles = await checkins.project_titles(session, {d.project_id for d in due})
    # Co-leaders of a project share one text and keyboard per language: built once.
    made: dict[tuple[str, int, str], tuple[str, dict[str, object]]] = {}
    messages = []
    for d in due:
        if (d.kind, d.project_id, d.language) not in made:
            project = reports.ProjectRef(d.project_id, *titles[d.project_id])
            text, markup = render.prompt(Translator(d.language), d.kind, project, d.period, d.period_start, settings.tz)
            made[d.kind, d.project_id, d.language] = text, _dump(markup)
        text, markup_data = made[d.kind, d.project_id, d.language]
        messages.append(Outgoing(key=d.key, chat_id=d.chat_id, kind=d.kind, text=text, reply_markup=markup_data))
    return messages


async def digests(session: AsyncSession, settings: Settings, now: datetime) -> list[Outgoing]:
    """The weekly digest, once per secretary; nothing while nobody leads a project or reported,
    and nothing for a digest time further back than WEEKLY_GRACE."""
    at = checkins.weekly_due(
        now, settings.tz, settings.report_digest_day, settings.report_digest_hour, settings.work_calendar
    )
    if at is None:
        return []
    prefix = f"digest:{at.date().isoformat()}"
    chats = await access.secretariat_chats(
        session, settings.admin_ids, settings.default_language, away_on=now.astimezone(settings.tz).date()
    )
    decided = await outbox.sent_keys(session, [f"{prefix}:{chat}:0" for chat, _ in chats])
    owed = [(chat, language) for chat, language in chats if f"{prefix}:{chat}:0" not in decided]
    if not owed or not await reports.has_anything(session):
        return []
    default = checkins.default_cadence(settings)
    # The digest sums up the period that closed last, not the one that has just opened.
    view = await reports.overview(
        session, now, settings.tz, default=default, default_language=settings.default_language, closed=True
    )
    end = checkins.period_start(default, now, settings.tz)
    assert end is not None
    start = checkins.period_start(default, end - reports.INSTANT, settings.tz)
    assert start is not None
    rules = attention.rules_of(settings)
    found, totals = await attention.digest(session, start, end, now, rules)
    texts: dict[str, list[str]] = {}
    messages = []
    for chat, language in owed:
        if language not in texts:
            t = Translator(language)
            heading = (
                t("reports.digest_title", day=render.day(at, settings.tz))
                + "\n"
                + t(
                    "reports.digest_period",
                    start=start.astimezone(settings.tz).strftime("%d.%m"),
                    end=(end - timedelta(days=1)).astimezone(settings.tz).strftime("%d.%m"),
                )
            )
            texts[language] = render.overview_text(
                t,
                view,
                settings.tz,
                heading,
                closed=True,
                attention=render.attention_lines(t, found.attention, settings.tz),
                tail=render.totals_lines(t, totals),
            )
        messages += [
            Outgoing(key=f"{prefix}:{chat}:{n}", chat_id=chat, kind="digest", text=text)
            for n, text in enumerate(texts[language])
        ]
    return messages


def _dump(markup: InlineKeyboardMarkup) -> dict[str, object]:
    return markup.model_dump(exclude_none=True)
