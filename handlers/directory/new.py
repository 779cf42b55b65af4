"""/new (and «➕ Add» in the secretariat's panel): a short wizard makes a new organisation, person
or project. Each step is one field of the card (bot/services/directory/fields.py: the same
limits and checks as editing it): typed and checked, or picked by buttons — a kind, a country,
an organisation found by typing part of its name; a person's organisation can be made on the way.
A preview, then the card is made (bot/services/directory/lifecycle.py) and shown."""

from __future__ import annotations

import secrets
from typing import Any, TypedDict, cast

from aiogram import F
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import directory
from bot.services.access import Viewer
from bot.services.contacts import readable_phone
from bot.services.directory import lifecycle
from bot.services.directory.fields import CardKind, Field, Kind, field_of
from bot.services.directory.lifecycle import NewOrganisation, NewPerson, NewProject
from bot.services.directory.search import DirectorySearch
from bot.services.directory.search_index import Doc
from bot.services.directory.values import Invalid
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import SecretariatOnly, restricted
from handlers.common.messages import edit_text, show
from handlers.common.routes import Routes, command
from handlers.directory import new_ui
from handlers.directory.browse import card_reply, send_person
from handlers.directory.callbacks import NewAction, NewCard, NewStep
from handlers.directory.new_ui import COUNTRY, STEPS

router = restricted(Routes("new"), SecretariatOnly())
PICKS = 8
NEW_ORGANISATION = "new_organisation"  # a person's values: the organisation made on the way


class NewForm(StatesGroup):
    step = State()  # a step's question: typed, or one of its buttons
    preview = State()  # waiting for Create


class Frame(TypedDict):
    card: str  # CardKind
    step: int  # the index of the field asked for in STEPS
    values: dict[str, Any]


class NewDialog(TypedDict):
    token: str  # the wizard's buttons carry it: those of an earlier one are out of date
    # the card being made, and above it the organisation made on the way for a person
    frames: list[Frame]


class Wizard:
    """The wizard going on, as InWizard found it."""

    def __init__(self, state: FSMContext, dialog: NewDialog) -> None:
        self.state, self.dialog = state, dialog

    @property
    def frame(self) -> Frame:
        return self.dialog["frames"][-1]

    @property
    def card(self) -> CardKind:
        return CardKind(self.frame["card"])

    @property
    def field(self) -> Field:
        found = field_of(self.card, STEPS[self.card][self.frame["step"]])
        assert found is not None, self.frame
        return found

    async def keep(self, step: State) -> None:
        await self.state.set_data(self.dialog)
        await self.state.set_state(step)


class InWizard(Filter):
    """The wizard of this chat, for what is typed in it and for its buttons (of its token only)."""

    async def __call__(
        self,
        event: TelegramObject,
        state: FSMContext,
        callback_data: NewStep | None = None,
        raw_state: str | None = None,
    ) -> bool | dict[str, Any]:
        if raw_state not in (NewForm.step.state, NewForm.preview.state):
            return False
        dialog = cast(NewDialog, await state.get_data())
        if not dialog.get("frames") or callback_data is not None and callback_data.token != dialog.get("token"):
            return False
        return {"wizard": Wizard(state, dialog)}


@router.message(command("new"))
@router.callback_query(Menu.filter(F.name == MenuItem.NEW))
async def choose_kind(event: Message | CallbackQuery, t: Translator) -> None:
    await show(event, *new_ui.kinds(t), edit=False)


@router.callback_query(NewCard.filter())
async def begin(
    query: CallbackQuery, callback_data: NewCard, state: FSMContext, session: AsyncSession, t: Translator
) -> None:
    dialog: NewDialog = {"token": secrets.token_hex(4), "frames": [_frame(callback_data.card)]}
    wizard = Wizard(state, dialog)
    await wizard.keep(NewForm.step)
    await ask(query, session, t, wizard, edit=False)


def _frame(card: CardKind) -> Frame:
    return {"card": card.value, "step": 0, "values": {}}


async def ask(
    event: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    wizard: Wizard,
    *,
    found: list[Doc] | None = None,
    query: str = "",
    edit: bool = True,
) -> None:
    field, frame = wizard.field, wizard.frame
    countries = [code for code, _ in await directory.organisation_facets(session)] if field.name == COUNTRY else []
    picked = frame["values"].get(field.name, []) if field.kind is Kind.ORGANISATIONS else []
    names = await lifecycle.organisation_names(session, picked)
    text, markup = new_ui.question(
        t,
        wizard.dialog["token"],
        wizard.card,
        field,
        countries=countries,
        found=found,
        query=query,
        picked=[names[i] for i in picked if i in names],
        may_make_organisation=wizard.card is CardKind.PERSON
        and field.kind is Kind.ORGANISATION
        and len(wizard.dialog["frames"]) == 1,
    )
    await show(event, text, markup, edit=edit)


async def advance(
    event: Message | CallbackQuery, session: AsyncSession, t: Translator, wizard: Wizard, value: Any
) -> None:
    """Keep the step's value and ask the next; after the last, the preview (an organisation made
    on the way goes back to the person's wizard first)."""
    frames = wizard.dialog["frames"]
    wizard.frame["values"][wizard.field.name] = value
    wizard.frame["step"] += 1
    if wizard.frame["step"] == len(STEPS[wizard.card]) and len(frames) > 1:
        made = frames.pop()
        wizard.frame["values"][NEW_ORGANISATION] = made["values"]
        wizard.frame["step"] += 1  # its organisation is the one made
    if wizard.frame["step"] < len(STEPS[wizard.card]):
        await wizard.keep(NewForm.step)
        await ask(event, session, t, wizard, edit=isinstance(event, CallbackQuery))
        return
    await wizard.keep(NewForm.preview)
    lines = await _shown(session, t, wizard.card, wizard.frame["values"])
    made_on_the_way = wizard.frame["values"].get(NEW_ORGANISATION)
    organisation = await _shown(session, t, CardKind.ORGANISATION, made_on_the_way) if made_on_the_way else []
    await show(
        event,
        *new_ui.preview(t, wizard.dialog["token"], wizard.card, lines, organisation),
        edit=isinstance(event, CallbackQuery),
    )


async def _shown(session: AsyncSession, t: Translator, card: CardKind, values: dict[str, Any]) -> list[tuple[str, str]]:
    """Each field as the preview shows it: text, the names of organisations, a choice's label."""
    lines = []
    for name in STEPS[card]:
        field, value = field_of(card, name), values.get(name)
        assert field is not None
        if field.refs:
            ids = value if isinstance(value, list) else [value] if value else []
            found = await lifecycle.organisation_names(session, ids)
            shown = ", ".join(found[i].name for i in ids if i in found)
            if name == "organisation" and values.get(NEW_ORGANISATION):
                shown = values[NEW_ORGANISATION]["name"]
        elif field.kind is Kind.CHOICE and value:
            shown = t.plain(field.labels + value)
        elif name == COUNTRY and value:
            shown = t.plain("country." + value) if t.has("country." + value) else value
        elif name == "phones":
            shown = ", ".join(readable_phone(phone) for phone in value or [])
        else:
            shown = ", ".join(value) if isinstance(value, list) else value or ""
        lines.append((new_ui.label(t, card, name), shown or "—"))
    return lines


@router.message(NewForm.step, F.text, ~F.text.startswith("/"), InWizard())
async def typed(
    message: Message, wizard: Wizard, session: AsyncSession, t: Translator, search: DirectorySearch
) -> None:
    field, text = wizard.field, message.text or ""
    if field.kind is Kind.CHOICE:
        await message.answer(t("new.use_buttons"))
        await ask(message, session, t, wizard, edit=False)
        return
    if field.refs:
        query = " ".join(text.split())[:200]
        found = await search.pick(session, query, "organisation", limit=PICKS) if query else []
        await ask(message, session, t, wizard, found=found, query=query, edit=False)
        return
    try:
        value = field.read(text)
    except Invalid as problem:
        await message.answer(new_ui.invalid(t, problem))
        return
    await advance(message, session, t, wizard, value)


@router.message(NewForm.step, InWizard())
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("new.text_please"))


@router.callback_query(NewStep.filter(F.action == NewAction.CHOOSE), NewForm.step, InWizard())
async def chosen(
    query: CallbackQuery, callback_data: NewStep, wizard: Wizard, session: AsyncSession, t: Translator
) -> None:
    field, value = wizard.field, callback_data.value
    if field.kind is Kind.CHOICE and value in field.choices:
        await advance(query, session, t, wizard, value)
    elif field.name == COUNTRY and _readable(field, value):
        await advance(query, session, t, wizard, field.read(value))
    else:
        await query.answer(t.plain("new.stale"), show_alert=True)


def _readable(field: Field, value: str) -> bool:
    try:
        field.read(value)
    except Invalid:
        return False
    return True


@router.callback_query(NewStep.filter(F.action == NewAction.PICK), NewForm.step, InWizard())
async def picked(
    query: CallbackQuery, callback_data: NewStep, wizard: Wizard, session: AsyncSession, t: Translator
) -> None:
    field, values = wizard.field, wizard.frame["values"]
    organisation_id = int(callback_data.value) if callback_data.value.isdigit() else 0
    if not field.refs or not await lifecycle.organisation_names(session, [organisation_id]):
        await query.answer(t.plain("button.gone"), show_alert=True)
        return
    if field.kind is Kind.ORGANISATION:
        await advance(query, session, t, wizard, organisation_id)
        return
    chosen: list[int] = values.get(field.name, [])
    if organisation_id not in chosen and len(chosen) >= field.max_items:
        await query.answer(t.plain("new.list_full", limit=field.max_items), show_alert=True)
        return
    values[field.name] = [*chosen, organisation_id] if organisation_id not in chosen else chosen
    await wizard.keep(NewForm.step)
    await ask(query, session, t, wizard)


@router.callback_query(NewStep.filter(F.action == NewAction.NEW_ORGANISATION), NewForm.step, InWizard())
async def organisation_on_the_way(query: CallbackQuery, wizard: Wizard, session: AsyncSession, t: Translator) -> None:
    if wizard.card is not CardKind.PERSON or wizard.field.kind is not Kind.ORGANISATION:
        await query.answer(t.plain("new.stale"), show_alert=True)
        return
    wizard.dialog["frames"].append(_frame(CardKind.ORGANISATION))
    await wizard.keep(NewForm.step)
    await ask(query, session, t, wizard)


@router.callback_query(NewStep.filter(F.action == NewAction.SKIP), NewForm.step, InWizard())
async def skipped(query: CallbackQuery, wizard: Wizard, session: AsyncSession, t: Translator) -> None:
    if wizard.field.required or wizard.field.kind is Kind.CHOICE:
        await query.answer(t.plain("new.required"), show_alert=True)
        return
    await advance(query, session, t, wizard, wizard.field.empty())


@router.callback_query(NewStep.filter(F.action == NewAction.DONE), NewForm.step, InWizard())
async def listed(query: CallbackQuery, wizard: Wizard, session: AsyncSession, t: Translator) -> None:
    await advance(query, session, t, wizard, list(wizard.frame["values"].get(wizard.field.name, [])))


@router.callback_query(NewStep.filter(F.action == NewAction.CANCEL), InWizard())
async def cancel(query: CallbackQuery, wizard: Wizard, t: Translator) -> None:
    await wizard.state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, t("new.cancelled"))


@router.callback_query(NewStep.filter(F.action == NewAction.CREATE), NewForm.preview, InWizard())
async def create(
    query: CallbackQuery, wizard: Wizard, session: AsyncSession, viewer: Viewer, t: Translator, clock: Clock
) -> None:
    card, values = wizard.card, wizard.frame["values"]
    actor, now = viewer.telegram_id, clock()
    if card is CardKind.ORGANISATION:
        made = await lifecycle.create_organisation(session, _organisation(values), actor=actor, now=now)
    elif card is CardKind.PERSON:
        person = NewPerson(
            values["name"],
            position=values.get("position"),
            organisation_id=values.get("organisation"),
            new_organisation=_organisation(values[NEW_ORGANISATION]) if values.get(NEW_ORGANISATION) else None,
            phones=values.get("phones") or [],
            emails=values.get("emails") or [],
        )
        made = await lifecycle.create_person(session, person, actor=actor, now=now)
    else:
        project = NewProject(
            values["title"], values["kind"], leader_id=values.get("leader"), partner_ids=values.get("partners") or []
        )
        made = await lifecycle.create_project(session, project, actor=actor, now=now)
    await wizard.state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, t(f"new.created.{card.noun}", name=values.get("name") or values.get("title")))
    await _show_card(query, session, viewer, t, card, made)


def _organisation(values: dict[str, Any]) -> NewOrganisation:
    return NewOrganisation(
        values["name"],
        values.get("kind") or "other",
        values["country"],
        values.get("website"),
        values.get("description"),
    )


async def _show_card(
    query: CallbackQuery, session: AsyncSession, viewer: Viewer, t: Translator, card: CardKind, card_id: int
) -> None:
    """The card made, as a new message under the wizard's."""
    if not isinstance(query.message, Message):
        return
    if card is CardKind.PERSON:
        person = await directory.person_card(session, card_id, viewer)
        if person is not None:
            await send_person(query.message, person, session, viewer, t)
        return
    reply = await card_reply(card.value, card_id, session, viewer, t)
    if reply is not None:
        await query.message.answer(reply[0], reply_markup=reply[1])


# Buttons the filters above did not pass: of an earlier wizard, or of a step already taken.
@router.callback_query(NewStep.filter())
async def stale(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t.plain("new.stale"), show_alert=True)
