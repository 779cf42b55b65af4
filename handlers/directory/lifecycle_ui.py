"""Texts and keyboards of archiving, restoring and merging cards, and of the archive's list (the
secretariat's)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.services.contacts import readable_phone
from bot.services.directory import Page
from bot.services.directory.fields import CardKind
from bot.services.directory.lifecycle import ArchivedRow, State
from bot.services.directory.merge import Plan
from bot.services.directory.search_index import Doc
from handlers.common.callbacks import Menu
from handlers.common.render import localized, pager, short
from handlers.directory.callbacks import (
    ArchivePage,
    Card,
    CardLifecycle,
    LifecycleAction,
    MergeAction,
    MergeInto,
)

ICONS = {CardKind.PERSON: "👤", CardKind.ORGANISATION: "🏢", CardKind.PROJECT: "📁"}


def marked(
    t: Translator, card: CardKind, card_id: int, state: State, text: str, markup: InlineKeyboardMarkup
) -> tuple[str, InlineKeyboardMarkup]:
    """A card as the secretariat sees it: an archived one says so (and which card a merged one
    lives on as) and offers to restore it; a listed one offers to archive it, or merge it."""
    rows: list[list[InlineKeyboardButton]] = []
    if state.archived_at is not None:
        text = t("archive.marked") + "\n" + text
        if state.merged_into is not None:
            name = localized(t, state.merged_into.name, state.merged_into.name_en)
            text += "\n\n" + t("merge.marked", name=name)
            rows.append(
                [
                    InlineKeyboardButton(
                        text=f"{ICONS[card]} {short(name)}",
                        callback_data=Card(kind=card.value, id=state.merged_into.id).pack(),
                    )
                ]
            )
        rows.append([_button(t("archive.restore"), card, card_id, LifecycleAction.RESTORE)])
    else:
        buttons = [_button(t("archive.archive"), card, card_id, LifecycleAction.ARCHIVE)]
        if card is not CardKind.PROJECT:
            buttons.append(_button(t("merge.button"), card, card_id, LifecycleAction.MERGE))
        rows.append(buttons)
    return text, InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, *rows])


def _button(text: str, card: CardKind, card_id: int, action: LifecycleAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=CardLifecycle(card=card, id=card_id, action=action).pack())


def archive_confirm(t: Translator, card: CardKind, card_id: int, name: str) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("archive.yes"), callback_data=CardLifecycle(card=card, id=card_id, action=LifecycleAction.ARCHIVE_YES)
    )
    kb.button(text=t("archive.no"), callback_data=Card(kind=card.value, id=card_id))
    kb.adjust(1)
    return t(f"archive.confirm.{card.noun}", name=name), kb.as_markup()


def archived_now(t: Translator, card: CardKind, card_id: int, name: str) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("archive.restore"), callback_data=CardLifecycle(card=card, id=card_id, action=LifecycleAction.RESTORE)
    )
    kb.button(text=t("archive.button"), callback_data=ArchivePage(offset=0))
    kb.adjust(1)
    return t("archive.done", name=name), kb.as_markup()


def archive_list(t: Translator, page: Page[ArchivedRow], tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("archive.title", count=page.total)] if page.total else [t("archive.empty")]
    kb = InlineKeyboardBuilder()
    for row in page.items:
        when = row.archived_at.astimezone(tz).strftime("%d.%m.%Y")
        kb.row(
            InlineKeyboardButton(
                text=short(f"{ICONS[row.card]} {row.name} · {when}"),
                callback_data=Card(kind=row.card.value, id=row.id).pack(),
            )
        )
    pager(kb, page, lambda offset: ArchivePage(offset=offset))
    kb.row(InlineKeyboardButton(text=t("admin.to_panel"), callback_data=Menu(name="admin").pack()))
    return "\n".join(lines), kb.as_markup()


def merge_ask(t: Translator, card: CardKind, name: str) -> str:
    return t(f"merge.ask.{card.noun}", name=name)


def merge_found(
    t: Translator, card: CardKind, card_id: int, found: list[Doc], query: str
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for doc in found:
        label = localized(t, doc.title, doc.title_en)
        subtitle = localized(t, doc.subtitle, doc.subtitle_en) if card is CardKind.PERSON else ""
        kb.button(
            text=short(f"{ICONS[card]} {label}" + (f" — {subtitle}" if subtitle else "")),
            callback_data=MergeInto(card=card, id=card_id, keep=doc.id, action=MergeAction.PREVIEW),
        )
    kb.button(text=t("merge.cancel"), callback_data=MergeInto(card=card, id=card_id, keep=0, action=MergeAction.CANCEL))
    kb.adjust(1)
    text = t("merge.found", query=query) if found else t("merge.nobody", query=query)
    return text, kb.as_markup()


def merge_preview(t: Translator, plan: Plan) -> tuple[str, InlineKeyboardMarkup]:
    """What moves to the card kept, what is dropped as the kept card has it, what is added."""
    card = plan.card
    lines = [
        t(
            "merge.preview",
            duplicate=localized(t, plan.duplicate.name, plan.duplicate.name_en),
            keep=localized(t, plan.keep.name, plan.keep.name_en),
        )
    ]
    lines += [t(f"merge.moved.{name}", count=count) for name, count in plan.moved.items()]
    lines += [t(f"merge.dropped.{name}", count=count) for name, count in plan.dropped.items()]
    if plan.phones:
        lines.append(t("merge.phones", phones=", ".join(readable_phone(phone) for phone in plan.phones)))
    if plan.emails:
        lines.append(t("merge.emails", emails=", ".join(plan.emails)))
    if plan.aliases:
        lines.append(t("merge.aliases", names=", ".join(plan.aliases)))
    if not plan.moved and not plan.dropped and not plan.phones and not plan.emails and not plan.aliases:
        lines.append(t("merge.nothing"))
    lines.append(t("merge.then"))
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("merge.confirm"),
        callback_data=MergeInto(card=card, id=plan.duplicate.id, keep=plan.keep.id, action=MergeAction.CONFIRM),
    )
    kb.button(
        text=t("merge.cancel"),
        callback_data=MergeInto(card=card, id=plan.duplicate.id, keep=0, action=MergeAction.CANCEL),
    )
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup()


def merged(t: Translator, plan: Plan) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    keep = localized(t, plan.keep.name, plan.keep.name_en)
    kb.button(text=f"{ICONS[plan.card]} {short(keep)}", callback_data=Card(kind=plan.card.value, id=plan.keep.id))
    return t(
        "merge.done", duplicate=localized(t, plan.duplicate.name, plan.duplicate.name_en), keep=keep
    ), kb.as_markup()
