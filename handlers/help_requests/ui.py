"""Texts and buttons of help requests: the secretariat's alert with a forward button per
candidate, the request as its recipients get it, the notices to leaders and the secretariat, and
the project card's lines."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator, escape
from bot.services.help_requests import Answer, HelpView, PersonContact, Target
from bot.services.notices import Rendered
from bot.services.reports import ReportView
from handlers.common.render import localized, short
from handlers.directory.ui import email_lines, phone_lines
from handlers.help_requests.callbacks import HelpAction, HelpButton
from handlers.reports.ui import alert_lines, title

# The request's text in a notice, and on the card (where several may stand, at most CARD_LIST of
# them: the card stays one message).
TEXT_CUT, CARD_CUT, CARD_LIST = 1000, 150, 5
NAME_CUT = 40


def _for_outbox(text: str, markup: InlineKeyboardMarkup) -> Rendered:
    return text, markup.model_dump(exclude_none=True)


def _resolve(t: Translator, request: HelpView, action: HelpAction = HelpAction.RESOLVE) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t("helpreq.resolve"), callback_data=HelpButton(request=request.id, action=action).pack()
    )


def _request_lines(t: Translator, request: HelpView) -> list[str]:
    return [
        t("helpreq.project", project=title(t, request.project), author=request.author or "—"),
        f"<i>{escape(short(request.text, TEXT_CUT))}</i>",
    ]


def alert_keyboard(t: Translator, request: HelpView) -> InlineKeyboardMarkup:
    """A forward button per candidate (marked once it was sent), and Resolved while it is open."""
    rows = []
    for target in request.candidates:
        sent = (target.kind.value, target.id) in request.forwarded
        label = "helpreq.forwarded_button" if sent else "helpreq.forward_button"
        data = HelpButton(request=request.id, action=HelpAction.FORWARD, kind=target.kind, target=target.id)
        rows.append(
            [
                InlineKeyboardButton(
                    text=t.plain(label, name=short(localized(t, target.name, target.name_en), NAME_CUT)),
                    callback_data=data.pack(),
                )
            ]
        )
    if request.open:
        rows.append([_resolve(t, request)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def contact_lines(person: PersonContact) -> list[str]:
    """The phones and e-mails the person shows the reader, as cards show them."""
    return phone_lines(person.contacts.phones) + email_lines(person.contacts.emails)


def leader_lines(t: Translator, leaders: list[PersonContact]) -> list[str]:
    """The leaders as the reader may see them: contacts they share, or how to answer through the bot."""
    if not leaders:
        return [t("helpreq.no_leader")]
    lines = []
    for leader in leaders:
        if leader.shown:
            lines += [t("helpreq.leader_contact", name=leader.name), *contact_lines(leader)]
        else:
            lines.append(t("helpreq.leader_hidden", name=leader.name))
    return lines


class Notices:
    """The texts of the notices (bot/services/help_requests/notices.Texts), as the outbox takes them."""

    @staticmethod
    def alert(t: Translator, request: HelpView, trouble: ReportView | None) -> Rendered:
        head = alert_lines(t, trouble) if trouble else [t("helpreq.alert"), *_request_lines(t, request)]
        lines = [*head, ""]
        lines.append(t("helpreq.candidates" if request.candidates else "helpreq.no_candidates"))
        return _for_outbox("\n".join(lines), alert_keyboard(t, request))

    @staticmethod
    def request(t: Translator, request: HelpView, leaders: list[PersonContact]) -> Rendered:
        lines = [t("helpreq.to_you"), *_request_lines(t, request), "", *leader_lines(t, leaders)]
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=t("helpreq.can"),
                        callback_data=HelpButton(request=request.id, action=HelpAction.CAN).pack(),
                    ),
                    InlineKeyboardButton(
                        text=t("helpreq.wrong"),
                        callback_data=HelpButton(request=request.id, action=HelpAction.WRONG).pack(),
                    ),
                ]
            ]
        )
        return _for_outbox("\n".join(lines), markup)

    @staticmethod
    def asked(t: Translator, request: HelpView, target: Target, reached: int) -> Rendered:
        text = t("helpreq.asked", project=title(t, request.project), name=localized(t, target.name, target.name_en))
        text += "\n" + t.plural("helpreq.reached", reached, count=reached)
        text += "\n" + f"<i>{escape(short(request.text, CARD_CUT))}</i>"
        return _for_outbox(text, InlineKeyboardMarkup(inline_keyboard=[[_resolve(t, request)]]))

    @staticmethod
    def answered(
        t: Translator, request: HelpView, helper: PersonContact, choice: Answer, *, to_leader: bool
    ) -> Rendered:
        key = "helpreq.answer_can" if choice == Answer.CAN else "helpreq.answer_wrong"
        lines = [
            t(key, name=helper.name, project=title(t, request.project)),
            f"<i>{escape(short(request.text, CARD_CUT))}</i>",
        ]
        if choice == Answer.CAN and to_leader:
            lines += contact_lines(helper) if helper.shown else [t("helpreq.helper_hidden")]
        markup = InlineKeyboardMarkup(inline_keyboard=[[_resolve(t, request)]] if to_leader and request.open else [])
        return _for_outbox("\n".join(lines), markup)


NOTICES = Notices()


def answered_text(t: Translator, text: str, choice: Answer) -> str:
    """The request as its recipient sees it once they answered."""
    return f"{text}\n\n" + t(
        "helpreq.your_answer", answer=t("helpreq.can" if choice == Answer.CAN else "helpreq.wrong")
    )


def card_lines(t: Translator, requests: list[HelpView]) -> str:
    """The oldest open requests (CARD_LIST of them, then how many more)."""
    lines = [t("helpreq.card_title")]
    more, requests = len(requests) - CARD_LIST, requests[:CARD_LIST]
    marks = [f"{n}." for n in range(1, len(requests) + 1)] if len(requests) > 1 else ["•"]
    lines += [f"{mark} <i>{escape(short(r.text, CARD_CUT))}</i>" for mark, r in zip(marks, requests, strict=True)]
    if more > 0:
        lines.append(t("helpreq.card_more", count=more))
    return "\n".join(lines)


def card_buttons(t: Translator, requests: list[HelpView]) -> list[list[InlineKeyboardButton]]:
    """«Resolved» per listed request, numbered when there are several."""
    requests = requests[:CARD_LIST]
    if len(requests) == 1:
        return [[_resolve(t, requests[0], HelpAction.RESOLVE_ON_CARD)]]
    return [
        [
            InlineKeyboardButton(
                text=t("helpreq.resolve_numbered", number=n),
                callback_data=HelpButton(request=r.id, action=HelpAction.RESOLVE_ON_CARD).pack(),
            )
            for n, r in enumerate(requests, 1)
        ]
    ]
