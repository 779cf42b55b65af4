"""Who is told what about reports and leaders, as outbox rows: the secretariat of trouble and of
its end, a project's leaders of a report made on their behalf, a person of leading a project or
no longer. Each key makes its notice go out once, whatever is tapped twice. The texts are the
handlers' (handlers/reports/ui.py), passed in as `Texts`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access
from bot.services.notices import Rendered, in_languages, notice, to_secretariat
from bot.services.outbox import Outgoing
from bot.services.reports import TROUBLE, PersonRef, ProjectRef, ReportView, latest
from bot.services.reports.checkins import leader_chats

if TYPE_CHECKING:
    from bot.settings import Settings


class Texts(Protocol):
    """How each notice reads, in the reader's language."""

    def alert(self, t: Translator, report: ReportView) -> Rendered:
        """To the secretariat: a leader reports trouble."""

    def cleared(self, t: Translator, report: ReportView, latest: ReportView | None, *, withdrawn: bool) -> Rendered:
        """To the secretariat: the trouble of `report` is over (`latest` is the project's status now)."""

    def behalf(self, t: Translator, report: ReportView) -> Rendered:
        """To a project's leaders: the secretariat reported for them."""

    def leading(self, t: Translator, project: ProjectRef, *, adding: bool) -> Rendered:
        """To a person: they lead the project now, or no longer."""


async def reported(
    session: AsyncSession,
    report: ReportView,
    was: ReportView | None,
    settings: Settings,
    texts: Texts,
    *,
    edited: bool,
) -> list[Outgoing]:
    """A report just sent or edited (`was`: the project's latest before, or the edited one as it
    was). One made on the leaders' behalf reaches the leaders when sent; one at risk or blocked
    reaches the secretariat at once, not only in the digest (once per report and status); one
    that ends the trouble `was` reported reaches it too, once."""
    if report.on_behalf:
        return [] if edited else await _to_leaders(session, report, settings, texts)
    if report.status in TROUBLE:
        return await to_secretariat(
            session,
            settings,
            lambda chat: f"report-alert:{report.id}:{report.status}:{chat}",
            lambda t: texts.alert(t, report),
        )
    if was is not None and was.status in TROUBLE:
        return await _cleared(session, report, report, settings, texts, withdrawn=False)
    return []


async def withdrawn(session: AsyncSession, report: ReportView, settings: Settings, texts: Texts) -> list[Outgoing]:
    """A leader's report of trouble withdrawn: the secretariat hears the trouble is over, unless
    the project's latest report now is in trouble too."""
    if report.on_behalf or report.status not in TROUBLE:
        return []
    now = await latest(session, report.project.id)
    if now is not None and now.status in TROUBLE:
        return []
    return await _cleared(session, report, now, settings, texts, withdrawn=True)


async def _cleared(
    session: AsyncSession,
    report: ReportView,
    now: ReportView | None,
    settings: Settings,
    texts: Texts,
    *,
    withdrawn: bool,
) -> list[Outgoing]:
    return await to_secretariat(
        session,
        settings,
        lambda chat: f"report-cleared:{report.id}:{chat}",
        lambda t: texts.cleared(t, report, now, withdrawn=withdrawn),
    )


async def _to_leaders(session: AsyncSession, report: ReportView, settings: Settings, texts: Texts) -> list[Outgoing]:
    rendered = in_languages(lambda t: texts.behalf(t, report))
    return [
        notice(f"report-behalf:{report.id}:{lc.telegram_id}", lc.telegram_id, rendered(lc.language))
        for lc in await leader_chats(session, settings.default_language)
        if lc.project_id == report.project.id and lc.telegram_id is not None
    ]


async def leadership(
    session: AsyncSession,
    person: PersonRef,
    project: ProjectRef,
    settings: Settings,
    texts: Texts,
    *,
    adding: bool,
    now: datetime,
) -> list[Outgoing]:
    """The person learns they lead the project now (with a Report button), or no longer; nothing
    for someone not in Telegram. Each change is told, even one undoing the one before."""
    if person.telegram_id is None:
        return []
    language = await access.account_language(session, person.telegram_id, settings.default_language)
    key = f"leader:{project.id}:{person.id}:{int(now.timestamp())}:{int(adding)}"
    return [notice(key, person.telegram_id, texts.leading(Translator(language), project, adding=adding))]
