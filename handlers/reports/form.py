"""The report dialog's states and the data it keeps between updates (in the FSM storage)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict, cast

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup


class ReportForm(StatesGroup):
    project = State()
    status = State()
    percent = State()
    done = State()
    next = State()
    help = State()
    preview = State()


class ReportDialog(TypedDict, total=False):
    """A dialog's data: its token (the buttons of any other dialog are stale), the project, whether
    the secretariat reports on the leaders' behalf, the report edited (when editing), what the
    previous report planned and asked help with (a new report answers against them), the answers
    so far, each under its question's state name, and the files attached."""

    token: str
    project: int
    title: str
    title_en: str | None
    behalf: bool
    edit: int
    planned: str | None
    asked: str | None
    status: str
    percent: int | None
    done: str
    next: str | None
    help: str | None
    attachments: list[dict[str, Any]]


# The questions in order, then the preview.
STEPS = (ReportForm.status, ReportForm.percent, ReportForm.done, ReportForm.next, ReportForm.help, ReportForm.preview)
Answer = Literal["status", "percent", "done", "next", "help"]
TextAnswer = Literal["done", "next", "help"]
SkippedAnswer = Literal["percent", "next", "help"]
# By state name: the answer a question asks for (those typed, those that may be skipped, any).
TEXT_ANSWER: dict[str | None, TextAnswer] = {
    ReportForm.done.state: "done",
    ReportForm.next.state: "next",
    ReportForm.help.state: "help",
}
SKIPPED_ANSWER: dict[str | None, SkippedAnswer] = {
    ReportForm.percent.state: "percent",
    ReportForm.next.state: "next",
    ReportForm.help.state: "help",
}
ANSWER: dict[str | None, Answer] = {
    ReportForm.status.state: "status",
    ReportForm.percent.state: "percent",
    **TEXT_ANSWER,
}


def after(current: str | None) -> State:
    """The question after the state `current` (the first one after the project)."""
    names = [step.state for step in STEPS]
    return STEPS[names.index(current) + 1] if current in names else STEPS[0]


async def dialog_of(state: FSMContext) -> ReportDialog:
    return cast(ReportDialog, await state.get_data())


async def update_dialog(state: FSMContext, changes: ReportDialog) -> ReportDialog:
    return cast(ReportDialog, await state.update_data(changes))
