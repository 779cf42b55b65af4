"""What the tests share: the users they act as, reading what the bot sent, the steps a
user takes (joining, reporting, announcing), and set-ups straight in the database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, open_database
from bot.services import roadmap
from bot.settings import Settings
from models import (
    Account,
    Organisation,
    Person,
    PersonRole,
    Project,
    ProjectPerson,
    Report,
    RoadmapItem,
)
from tests.emulator import BotAPIEmulator, Call, User
from tests.harness import FakeClock, RunningBot

# ---------------------------------------------------------------- who acts
ADMIN = User(id=1001, first_name="Sekretar", last_name="Clustera", username="secretary", language_code="ru")
GUEST = User(id=2002, first_name="Гость", username="guest", language_code="ru")
GUEST_EN = User(id=2003, first_name="Visitor", username="visitor", language_code="en")
# Users who join as the directory person of their name (see `join`); the report tests make Blinov
# the leader of PROJECT.
BLINOV = User(id=5005, first_name="Иван", last_name="Блинов", language_code="ru")
ZAKHAROVA = User(id=5006, first_name="Галина", last_name="Захарова", language_code="ru")
MEMBER_EN = User(id=5105, first_name="Ivan", language_code="en")  # joins as blinov-ivan, reads English
GALINA = User(id=7007, first_name="Galina", username="galina_z", language_code="en")  # Захарова too, in English
PROJECT = "effektivny-svet"
# Roadmap owners: two people of one organisation and one person; a second organisation nobody of
# which is linked (see `item_with_owners`).
ORG_A = User(id=3101, first_name="Николай", username="pitirimov")
ORG_B = User(id=3102, first_name="Святослав", username="kuzmenko")
SOLO = User(id=3103, first_name="Иван", username="blinov", language_code="en")


class Actor(TypedDict):
    """Who acts, as the roadmap services take it."""

    actor: int
    actor_name: str
    now: datetime


# ---------------------------------------------------------------- what the bot sent
def sent(calls: Iterable[Call], method: str = "sendMessage") -> list[Call]:
    return [c for c in calls if c.method == method and c.ok]


def last_text(calls: Iterable[Call]) -> str:
    return sent(calls)[-1].text


def shown(calls: list[Call]) -> Call:
    """The last message the bot sent or edited in these calls."""
    return [c for c in calls if c.method in ("sendMessage", "editMessageText") and c.ok][-1]


def button(call: Call, text_part: str) -> str:
    """The callback data of the first button whose label contains `text_part`."""
    for b in call.buttons:
        if text_part in b["text"] and "callback_data" in b:
            return str(b["callback_data"])
    raise AssertionError(f"no button with {text_part!r} in {[b['text'] for b in call.buttons]}")


def alert(calls: list[Call]) -> str:
    """The answer to the tapped button."""
    return str(next(c for c in calls if c.method == "answerCallbackQuery").params.get("text") or "")


def alerts(calls: list[Call]) -> list[str]:
    return [str(c.params.get("text") or "") for c in calls if c.method == "answerCallbackQuery"]


def texts(emulator: BotAPIEmulator, chat_id: int, part: str = "") -> list[str]:
    """The texts of the messages sent to the chat, those containing `part`."""
    return [c.text for c in sent(emulator.calls_of("sendMessage", chat_id)) if part in c.text]


def messages_to(emulator: BotAPIEmulator, user: User) -> list[Call]:
    return sent(emulator.calls_of("sendMessage", user.id))


def received(emulator: BotAPIEmulator, text_part: str, method: str = "sendMessage") -> list[int]:
    """The chats but the secretary's that got a message containing `text_part`, once per message."""
    return sorted(c.chat for c in sent(emulator.calls, method) if text_part in c.text and c.chat_id != ADMIN.id)


INVITE_LINK = re.compile(r"start=(inv_[\w-]+)")


def invite_link(calls: list[Call]) -> str:
    """The start parameter of the invite link in the last message."""
    found = INVITE_LINK.search(last_text(calls))
    assert found, last_text(calls)
    return found.group(1)


# ---------------------------------------------------------------- the running bot
async def with_outbox(bot: RunningBot, emulator: BotAPIEmulator, calls: list[Call]) -> list[Call]:
    """An update's calls, then what the sender delivered of the messages it put into the outbox."""
    seen = emulator.calls[-1].seq
    await bot.app.sender.deliver_due()
    return [*calls, *(c for c in emulator.calls if c.seq > seen and c.method.lower() != "getupdates")]


async def reminded(bot: RunningBot, clock: FakeClock, when: datetime) -> None:
    """The scheduler's tick at `when`, and the delivery of what it sends."""
    clock.now = when
    await bot.tick()
    await bot.app.sender.deliver_due()


# ---------------------------------------------------------------- the database behind the bot
def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def directory_phone(settings: Settings, key: str) -> str:
    """The directory person's last phone, as they would share it to join."""
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        person = await session.scalar(select(Person).where(Person.key == key))
    await database.close()
    assert person is not None, key
    return person.phones[-1]


async def directory_person(session: AsyncSession, key: str) -> Person:
    found = await session.scalar(select(Person).where(Person.key == key))
    assert found is not None, key
    return found


async def first_project(session: AsyncSession) -> int:
    """The id of the dataset's first project."""
    project_id = await session.scalar(select(Project.id).order_by(Project.id))
    assert project_id is not None
    return project_id


async def db_leader(settings: Settings, person_key: str, project_key: str = PROJECT) -> int:
    """Make the person a leader of the project straight in the database; returns the project id."""
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        person_id = await session.scalar(select(Person.id).where(Person.key == person_key))
        project_id = await session.scalar(select(Project.id).where(Project.key == project_key))
        assert person_id is not None and project_id is not None
        session.add(ProjectPerson(project_id=project_id, person_id=person_id, role="leader"))
    await database.close()
    return project_id


async def add_report(
    settings: Settings,
    project_key: str,
    person_key: str,
    status: str,
    at: datetime,
    percent: int | None = None,
    help_needed: str | None = None,
    *,
    done: str | None = None,
    next_steps: str = "Дальше",
) -> None:
    """A report of the person on the project made at `at`, straight in the database."""
    database = await open_database(settings, load_bundled=False)
    async with database.sessions.begin() as session:
        project_id = await session.scalar(select(Project.id).where(Project.key == project_key))
        person_id = await session.scalar(select(Person.id).where(Person.key == person_key))
        session.add(
            Report(
                token=f"{project_id}-{int(at.timestamp())}",  # PostgreSQL holds 40 characters
                project_id=project_id,
                person_id=person_id,
                submitted_by=1,
                status=status,
                percent=percent,
                done=done or f"Работы по {project_key}",
                next_steps=next_steps,
                help_needed=help_needed,
                attachments=[],
                created_at=at,
                local_day=at.date(),
            )
        )
    await database.close()


async def reports_in_db(settings: Settings) -> list[Report]:
    database = await open_database(settings, load_bundled=False)
    async with database.sessions() as session:
        rows = list(await session.scalars(select(Report).order_by(Report.id)))
    await database.close()
    return rows


# ---------------------------------------------------------------- joining and members
async def join(emulator: BotAPIEmulator, settings: Settings, user: User, person_key: str) -> None:
    """The user joins as the directory person with this key, by sharing their phone."""
    await emulator.ask(user, "/join")
    calls = await emulator.wait_handled(emulator.send_contact(user, await directory_phone(settings, person_key)))
    assert "Добро пожаловать" in sent(calls)[0].text or "Welcome" in sent(calls)[0].text


async def revoke(bot: RunningBot, emulator: BotAPIEmulator, name: str) -> None:
    """The secretariat closes the member's access from their card, and they are told."""
    listing = sent(await emulator.ask(ADMIN, "/members"))[0]
    card = next(c for c in await emulator.tap(ADMIN, listing, button(listing, name)) if c.method == "editMessageText")
    confirm = next(
        c for c in await emulator.tap(ADMIN, card, button(card, "Закрыть доступ")) if c.method == "editMessageText"
    )
    await with_outbox(bot, emulator, await emulator.tap(ADMIN, confirm, button(confirm, "Да")))


# ---------------------------------------------------------------- progress reports
PROMPT, NUDGE = "Пора рассказать", "Напоминание"


async def leader(
    emulator: BotAPIEmulator,
    settings: Settings,
    user: User = BLINOV,
    person_key: str = "blinov-ivan",
    project_key: str = PROJECT,
) -> int:
    """The user joins and leads the project; returns the project id."""
    await join(emulator, settings, user, person_key)
    return await db_leader(settings, person_key, project_key)


async def fill_report(
    emulator: BotAPIEmulator,
    user: User,
    first: Call,
    *,
    status: str = "есть риски",
    percent: str = "50%",
    done: str = "Провели энергоаудит двух домов",
    next_steps: str | None = "Монтаж светильников",
    help_text: str | None = None,
) -> Call:
    """From the status question to the preview, by buttons and text; returns the preview."""
    calls = await emulator.tap(user, first, button(first, status))
    step = shown(calls)
    calls = await emulator.tap(user, step, button(step, percent))
    assert "Что сделано" in shown(calls).text
    calls = await emulator.ask(user, done)
    step = shown(calls)
    calls = await (
        emulator.ask(user, next_steps) if next_steps else emulator.tap(user, step, button(step, "Пропустить"))
    )
    step = shown(calls)
    assert "помощь" in step.text
    calls = await (emulator.ask(user, help_text) if help_text else emulator.tap(user, step, button(step, "не нужна")))
    return shown(calls)


# ---------------------------------------------------------------- the roadmap
PEOPLE = {ORG_A.id: "pitirimov-nikolay", ORG_B.id: "kuzmenko-svyatoslav", SOLO.id: "blinov-ivan"}
LINKED_ORG = "gorodskoe-obedinenie-domovladeltsev"
UNLINKED_ORG = "pravitelstvo-spb"
# 15.12.2026, end of the day in Moscow; the test clock starts on 23.11.2026 09:00 UTC.
DEADLINE = datetime(2026, 12, 15, 20, 59, tzinfo=UTC)
D14 = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # 10:30 in Moscow, the d14 reminder of DEADLINE
D7 = datetime(2026, 12, 8, 7, 30, tzinfo=UTC)
D3 = datetime(2026, 12, 12, 7, 30, tzinfo=UTC)


async def link_people(app: App) -> dict[int, int]:
    async with app.database.sessions.begin() as session:
        return await link_people_in(session, app.clock())


async def link_people_in(session: AsyncSession, now: datetime) -> dict[int, int]:
    """Accounts of the three owners, linked to their directory people as members; user id → person id."""
    found = {}
    for user_id, key in PEOPLE.items():
        person_id = await session.scalar(select(Person.id).where(Person.key == key))
        assert person_id is not None
        session.add(
            Account(
                telegram_id=user_id,
                first_name=key,
                person_id=person_id,
                created_at=now,
                telegram_language="en" if user_id == SOLO.id else "ru",
            )
        )
        session.add(PersonRole(person_id=person_id, role="member"))
        found[user_id] = person_id
    await session.flush()
    return found


async def item_with_owners(app: App, *, number: int = 1, deadline: datetime = DEADLINE) -> int:
    async with app.database.sessions.begin() as session:
        return await item_with_owners_in(session, app.clock(), number=number, deadline=deadline)


async def item_with_owners_in(
    session: AsyncSession, now: datetime, *, number: int = 1, deadline: datetime = DEADLINE
) -> int:
    """Item `number` due at `deadline`, owned by the linked organisation, the unlinked one and SOLO."""
    people = await link_people_in(session, now)
    item_id = await session.scalar(select(RoadmapItem.id).where(RoadmapItem.number == number))
    assert item_id is not None
    who = Actor(actor=ADMIN.id, actor_name="Sekretar", now=now)
    assert await roadmap.set_deadline(session, item_id, deadline, **who)
    for key in (LINKED_ORG, UNLINKED_ORG):
        org_id = await session.scalar(select(Organisation.id).where(Organisation.key == key))
        assert await roadmap.add_owner(session, item_id, organisation_id=org_id, **who)
    assert await roadmap.add_owner(session, item_id, person_id=people[SOLO.id], **who)
    return item_id


async def item(bot: RunningBot, number: int) -> RoadmapItem:
    async with bot.app.database.sessions() as session:
        found = await session.scalar(select(RoadmapItem).where(RoadmapItem.number == number))
        assert found is not None
        return found


async def assign(bot: RunningBot, emulator: BotAPIEmulator, number: int, *names: str) -> None:
    """The secretariat makes owners of item `number` through the owners editor, one name after another."""
    listing = sent(await emulator.ask(ADMIN, "/roadmap"))[-1]
    card = sent(await emulator.tap(ADMIN, listing, button(listing, f"{number}. ")))[-1]
    await emulator.tap(ADMIN, card, button(card, "Ответственные"))
    for name in names:
        choices = sent(await emulator.ask(ADMIN, name))[-1]
        await emulator.tap(ADMIN, choices, button(choices, name))
    await bot.app.sender.deliver_due()


# ---------------------------------------------------------------- announcements
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


async def seed(app: App, now: datetime, *, extra: int = 2) -> Cast:
    """Members with accounts; ADMIN's account exists once they wrote to the bot."""
    async with app.database.sessions.begin() as session:
        project = await session.scalar(select(Project).where(Project.leader_id.is_not(None)).order_by(Project.id))
        finnish = await session.scalar(select(Organisation.id).where(Organisation.country == "FI"))
        assert project is not None
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
    entities: list[dict[str, object]] | None = None,
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
    """The category, then the audience buttons; returns the summary message."""
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


async def send_now(emulator: BotAPIEmulator, summary: Call) -> Call:
    """Send the composed announcement now; returns its report (the summary, edited)."""
    calls = await emulator.tap(ADMIN, summary, button(summary, "Отправить сейчас"))
    return next(c for c in calls if c.method == "editMessageText")


async def schedule(emulator: BotAPIEmulator, summary: Call, when: str = "24.11.2026 12:00") -> Call:
    """Schedule the composed announcement; returns the confirmation."""
    await emulator.tap(ADMIN, summary, button(summary, "Запланировать"))
    return sent(await emulator.ask(ADMIN, when))[-1]
