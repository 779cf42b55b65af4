"""Who is told what about help requests, as outbox rows: the secretariat of a new request (with
whom it could go to), its recipients of the request (with the leaders' contacts they may see),
the project's leaders of whom it went to and of each answer, the secretariat of each answer.
Each key makes its notice go out once. The texts are the handlers' (handlers/help_requests/ui.py)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access
from bot.services.directory.privacy import Onlooker
from bot.services.help_requests import Answer, Forwarding, HelpView, PersonContact, Target, contact
from bot.services.notices import Rendered, to_account, to_secretariat
from bot.services.outbox import Outgoing
from bot.services.reports import TROUBLE, ReportView, project_leaders

if TYPE_CHECKING:
    from bot.settings import Settings


class Texts(Protocol):
    """How each notice reads, in the reader's language."""

    def alert(self, t: Translator, request: HelpView, trouble: ReportView | None) -> Rendered:
        """To the secretariat: a project asks for help (in a report of `trouble`, told as its alert
        tells it); a button per candidate, or that there is none."""

    def request(self, t: Translator, request: HelpView, leaders: list[PersonContact]) -> Rendered:
        """To a recipient: the request, its leaders as the recipient may see them, Can help / Not me."""

    def asked(self, t: Translator, request: HelpView, target: Target, reached: int) -> Rendered:
        """To a leader: the secretariat sent their request to `target` (`reached` people)."""

    def answered(
        self, t: Translator, request: HelpView, helper: PersonContact, choice: Answer, *, to_leader: bool
    ) -> Rendered:
        """To a leader (with the helper's contacts they may see) or the secretariat: an answer."""


async def opened(
    session: AsyncSession, settings: Settings, request: HelpView, report: ReportView, texts: Texts
) -> list[Outgoing]:
    """The secretariat's alert of a new request. A leader's report of trouble that asks for help
    is one alert, not two: this one, under the key of the trouble alert (bot.services.reports.
    notices), which the outbox then takes once."""
    if report.status in TROUBLE and not report.on_behalf:
        return await to_secretariat(
            session,
            settings,
            lambda chat: f"report-alert:{report.id}:{report.status}:{chat}",
            lambda t: texts.alert(t, request, report),
        )
    return await to_secretariat(
        session, settings, lambda chat: f"help-alert:{request.id}:{chat}", lambda t: texts.alert(t, request, None)
    )


async def forwarded(
    session: AsyncSession, settings: Settings, request: HelpView, sent: Forwarding, texts: Texts
) -> list[Outgoing]:
    """The request to each new recipient; the leaders learn whom it went to."""
    assert sent.target is not None
    leaders = await project_leaders(session, request.project.id)
    messages = []
    for recipient in sent.recipients:
        looker = await _looker(session, recipient.person_id)
        shown = [c for leader in leaders if (c := await contact(session, leader.id, looker)) is not None]
        key = f"help-request:{request.id}:{recipient.telegram_id}"
        messages.append(
            await to_account(
                session, settings, recipient.telegram_id, key, partial(texts.request, request=request, leaders=shown)
            )
        )
    target = sent.target
    for leader in leaders:
        if leader.telegram_id is not None:
            key = f"help-asked:{request.id}:{target.kind}{target.id}:{leader.telegram_id}"
            messages.append(
                await to_account(
                    session,
                    settings,
                    leader.telegram_id,
                    key,
                    lambda t: texts.asked(t, request, target, len(sent.recipients)),
                )
            )
    return messages


async def answered(
    session: AsyncSession,
    settings: Settings,
    request: HelpView,
    helper_id: int,
    helper_chat: int,
    choice: Answer,
    texts: Texts,
) -> list[Outgoing]:
    """An answer to the leaders (a helper's contacts as each leader may see them) and the secretariat."""
    messages = []
    for leader in await project_leaders(session, request.project.id):
        if leader.telegram_id is None:
            continue
        helper = await contact(session, helper_id, await _looker(session, leader.id))
        if helper is not None:
            key = f"help-answer:{request.id}:{helper_chat}:{leader.telegram_id}"
            messages.append(
                await to_account(
                    session,
                    settings,
                    leader.telegram_id,
                    key,
                    partial(texts.answered, request=request, helper=helper, choice=choice, to_leader=True),
                )
            )
    secretariat = await contact(session, helper_id, Onlooker(is_secretariat=True))
    if secretariat is not None:
        told = {message.chat_id for message in messages}  # a leader of the secretariat hears it once
        messages += [
            message
            for message in await to_secretariat(
                session,
                settings,
                lambda chat: f"help-answer-s:{request.id}:{helper_chat}:{chat}",
                lambda t: texts.answered(t, request, secretariat, choice, to_leader=False),
            )
            if message.chat_id not in told
        ]
    return messages


async def _looker(session: AsyncSession, person_id: int) -> Onlooker:
    """A member as the privacy rules see them."""
    roles = await access.roles_of(session, person_id)
    return Onlooker(person_id=person_id, is_secretariat="secretariat" in roles)
