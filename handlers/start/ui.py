"""Texts and keyboards of /start: the welcome and the main menu."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator, escape
from bot.services.directory import ClusterView
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.render import short

WELCOME_FIGURES = 5


def main_menu(t: Translator, *, member: bool, secretariat: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("menu.projects"), callback_data=Menu(name=MenuItem.PROJECTS))
    kb.button(text=t("menu.orgs"), callback_data=Menu(name=MenuItem.ORGS))
    kb.button(text=t("menu.find"), callback_data=Menu(name=MenuItem.FIND))
    if member:
        kb.button(text=t("menu.roadmap"), callback_data=Menu(name=MenuItem.ROADMAP))
        kb.button(text=t("menu.status"), callback_data=Menu(name=MenuItem.STATUS))
        kb.button(text=t("menu.settings"), callback_data=Menu(name=MenuItem.SETTINGS))
    else:
        kb.button(text=t("menu.join"), callback_data=Menu(name=MenuItem.JOIN))
    if secretariat:
        kb.button(text=t("menu.admin"), callback_data=Menu(name=MenuItem.ADMIN))
    kb.button(text=t("menu.language"), callback_data=Menu(name=MenuItem.LANGUAGE))
    kb.adjust(2)
    return kb.as_markup()


def welcome(t: Translator, cluster: ClusterView | None, *, name: str, member: bool) -> str:
    lines = [t("start.member" if member else "start.guest", name=name)]
    if cluster:
        english = t.language == "en"
        lines.append("")
        lines.append(f"<b>{escape(cluster.name_en if english and cluster.name_en else cluster.name)}</b>")
        description = cluster.description_en if english and cluster.description_en else cluster.description
        if description:
            lines.append(escape(short(description, 600)))
        figures = [
            f"• {escape(f.label_en if english and f.label_en else f.label)}: "
            f"<b>{escape(f.value_en if english and f.value_en else f.value)}</b>"
            for f in cluster.figures[:WELCOME_FIGURES]
        ]
        if figures:
            lines += ["", *figures]
    if not member:
        lines += ["", t("start.guest_hint")]
    return "\n".join(lines)
