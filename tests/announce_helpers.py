"""Helpers of the announcement tests: members seeded into the directory, composing through the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import Account, Organisation, Person, PersonRole, Project, ProjectPerson
from tests.conftest import ADMIN
from tests.emulator import BotAPIEmulator, Call


def sent(calls, method: str = "sendMessage"):  # type: ignore[no-untyped-def]
    return [c for c in calls if c.method == method and c.ok]


def button(call: Call, text_part: str) -> str:
    for b in call.buttons:
        if text_part in b["text"] and "callback_data" in b:
            return b["callback_data"]
    raise AssertionError(f"no button with {text_part!r} in {[b['text'] for b in call.buttons]}")


def alerts(calls: list[Call]) -> list[str]:
    return [c.params.get("text") or "" for c in calls if c.method == "answerCallbackQuery"]


@dataclass
class Cast:
    """Members seeded for a test, by what makes them part of an audience."""

    leader: int  # leads project `project` (ProjectPerson)
    partner: int  # works at the project's leader organisation
    finn: int  # works at a Finnish organisation, reads English
    plain: list[int]  # other members
    project: int
    project_title: str

    @property
    def members(self) -> set[int]:
        return {self.leader, self.partner, self.finn, *self.plain, ADMIN.id}


async def seed(app, now: datetime, *, extra: int = 2) -> Cast:  # type: ignore[no-untyped-def]
    """Members with accounts; ADMIN's account exists once they wrote to the bot."""
    async with app.database.sessions.begin() as session:
        project = await session.scalar(select(Project).where(Project.leader_id.is_not(None)).order_by(Project.id))
        finnish = await session.scalar(select(Organisation.id).where(Organisation.country == "FI"))
        ids = iter(range(910001, 920000))

        async def member(key: str, organisation: int | None, language: str | None = "ru") -> int:
            person = Person(key=key, name=f"Person {key}", organisation_id=organisation, phones=[], emails=[])
            session.add(person)
            await session.flush()
            session.add(PersonRole(person_id=person.id, role="member"))
            telegram_id = next(ids)
            session.add(
                Account(
                    telegram_id=telegram_id,
                    first_name=key,
                    person_id=person.id,
                    telegram_language=language,
                    created_at=now,
                )
            )
            return telegram_id

        leader = await member("t-leader", None)
        session.add(
            ProjectPerson(
                project_id=project.id,
                person_id=(await session.scalar(select(Person.id).where(Person.key == "t-leader"))),
                role="leader",
            )
        )
        partner = await member("t-partner", project.leader_id)
        finn = await member("t-finn", finnish, "en")
        plain = [await member(f"t-plain-{n}", None) for n in range(extra)]
        return Cast(leader, partner, finn, plain, project.id, project.title)


async def compose(
    emulator: BotAPIEmulator,
    text: str,
    *,
    entities: list | None = None,  # type: ignore[type-arg]
    category: str = "Общее",
    audience: tuple[str, ...] = ("Всем участникам",),
) -> Call:
    """/announce → text → no attachment → category → audience buttons; returns the summary message."""
    await emulator.ask(ADMIN, "/announce")
    calls = await emulator.wait_handled(emulator.send_message(ADMIN, text, entities=entities))
    prompt = sent(calls)[-1]
    calls = await emulator.tap(ADMIN, prompt, button(prompt, "Без вложения"))
    return await choose(emulator, calls, category, audience)


async def choose(emulator: BotAPIEmulator, calls: list[Call], category: str, audience: tuple[str, ...]) -> Call:
    picker = sent(calls)[-1]
    calls = await emulator.tap(ADMIN, picker, button(picker, category))
    picker = next(c for c in calls if c.method == "editMessageText")
    for label in audience:
        calls = await emulator.tap(ADMIN, picker, button(picker, label))
        edits = [c for c in calls if c.method in ("editMessageText", "editMessageReplyMarkup")]
        if sent(calls):
            break
        picker = edits[-1]  # the picker as edited: new text or ticked buttons
    return sent(calls)[-1]


def received(emulator: BotAPIEmulator, text_part: str, method: str = "sendMessage") -> list[int]:
    """The chats that got a message containing `text_part`, once per message."""
    return sorted(
        int(c.chat_id) for c in sent(emulator.calls, method) if text_part in (c.text or "") and c.chat_id != ADMIN.id
    )
