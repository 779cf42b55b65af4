"""Working days: the calendars themselves, and check-ins, nudges, the digest and roadmap reminders
around the New Year holidays (31.12–8.01) and a Russian moved working day, through the real tick
with the injected clock; a leader of a Finnish organisation on the Finnish calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select, update

from bot.app import App
from bot.services import workdays
from models import Account, Organisation, OutboxMessage, Person, Project, ProjectPerson
from tests.emulator import BotAPIEmulator
from tests.harness import FakeClock, RunningBot
from tests.steps import ADMIN, LINKED_ORG, ORG_A, SOLO, button, item_with_owners, sent
from tests.test_reminders import people

MSK = ZoneInfo("Europe/Moscow")


def test_russian_calendar_with_its_transfers() -> None:
    # The New Year holidays of 2027, 31.12.2026 made a day off by the transfer from 4.01.
    assert [
        d.day for d in (date(2026, 12, 28) + timedelta(days=n) for n in range(16)) if workdays.is_working(d, "RU")
    ] == [
        28,
        29,
        30,
        11,
        12,
    ]
    assert workdays.next_working(date(2026, 12, 31), "RU") == date(2027, 1, 11)
    assert workdays.previous_working(date(2027, 1, 8), "RU") == date(2026, 12, 30)
    # 2027: Saturday 20.02 is a working day, Monday 22.02 a day off in exchange.
    assert workdays.is_working(date(2027, 2, 20), "RU") and not workdays.is_working(date(2027, 2, 22), "RU")
    assert workdays.previous_working(date(2027, 2, 21), "RU") == date(2027, 2, 20)
    assert workdays.holiday_name(date(2027, 1, 7), "RU") and workdays.holiday_name(date(2027, 2, 20), "RU") is None


def test_every_working_weekend_is_a_transfer_the_library_knows() -> None:
    """Each weekend day added as a working day is the other half of a day off `holidays` has as
    "substituted from" it: the data add nothing the decrees do not say."""
    for day in workdays.WORKING_WEEKENDS["RU"]:
        assert day.weekday() >= 5
        labels = holidays.RU(years=day.year, language="en_US").values()
        assert any(day.strftime("%m/%d/%Y") in label for label in labels), day


def test_finnish_and_unknown_calendars() -> None:
    assert workdays.is_working(date(2027, 1, 4), "FI") and not workdays.is_working(date(2027, 1, 6), "FI")
    assert workdays.calendar_for("FI", "RU") == "FI"
    assert workdays.calendar_for("ZZ", "RU") == "RU" and workdays.calendar_for(None, "RU") == "RU"
    moment = datetime(2027, 1, 2, 7, 0, tzinfo=UTC)  # Saturday 10:00 in Moscow
    assert workdays.moved_forward(moment, "FI", MSK) == datetime(2027, 1, 4, 7, 0, tzinfo=UTC)
    assert workdays.moved_back(moment, "FI", MSK) == datetime(2026, 12, 31, 7, 0, tzinfo=UTC)


async def _sent_days(app: App, kinds: tuple[str, ...]) -> dict[str, date]:
    """Each enqueued key of these kinds → the local day it was decided on."""
    async with app.database.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.key, OutboxMessage.created_at).where(OutboxMessage.kind.in_(kinds))
        )
        return {key: at.replace(tzinfo=UTC).astimezone(MSK).date() for key, at in rows}


async def _tick_until(bot: RunningBot, clock: FakeClock, until: datetime, step: timedelta = timedelta(hours=6)) -> None:
    while clock() < until:
        await bot.tick()
        clock.advance(seconds=step.total_seconds())


async def _leaders(app: App) -> tuple[int, int, int]:
    """A project led by someone of a Russian organisation and someone of a Finnish one."""
    async with app.database.sessions.begin() as session:
        project_id = (await session.scalars(select(Project.id).order_by(Project.id))).first()
        assert project_id is not None
        ids = []
        for n, org_key in enumerate(("green-net-finland", None)):
            org = await session.scalar(select(Organisation.id).where(Organisation.key == org_key)) if org_key else None
            person = Person(key=f"wd-leader-{n}", name=f"Leader {n}", organisation_id=org, phones=[], emails=[])
            session.add(person)
            await session.flush()
            session.add(ProjectPerson(project_id=project_id, person_id=person.id, role="leader"))
            session.add(Account(telegram_id=9100 + n, first_name="L", person_id=person.id, created_at=app.clock()))
            ids.append(person.id)
        return project_id, ids[0], ids[1]


async def test_checkins_nudges_and_digest_wait_for_the_working_day_across_new_year(
    bot: RunningBot, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 12, 28, 7, 30, tzinfo=UTC)  # Monday 10:30 in Moscow
    project, finn, russian = await _leaders(bot.app)
    await _tick_until(bot, clock, datetime(2027, 1, 12, 12, tzinfo=UTC))
    sent = await _sent_days(bot.app, ("checkin", "nudge", "digest"))

    def of(person: int) -> dict[str, date]:
        return {k.split(":")[0] + "@" + k.split(":")[2]: day for k, day in sent.items() if k.endswith(f":{person}")}

    # Russia: no prompt for the week of 4.01 (all holidays); its prompt would wait until 11.01,
    # when the next week's has opened.
    assert of(russian) == {
        "checkin@2026-12-28": date(2026, 12, 28),
        "nudge@2026-12-28": date(2026, 12, 29),
        "checkin@2027-01-11": date(2027, 1, 11),
        "nudge@2027-01-11": date(2027, 1, 12),
    }
    # Finland works on 4.01 (6.01 is Epiphany): asked and nudged as usual.
    assert of(finn) == {
        "checkin@2026-12-28": date(2026, 12, 28),
        "nudge@2026-12-28": date(2026, 12, 29),
        "checkin@2027-01-04": date(2027, 1, 4),
        "nudge@2027-01-04": date(2027, 1, 5),
        "checkin@2027-01-11": date(2027, 1, 11),
        "nudge@2027-01-11": date(2027, 1, 12),
    }
    # The secretariat (WORK_CALENDAR=RU): Tuesday 5.01's digest on Monday 11.01, under its own date.
    digests = {k.split(":")[1]: day for k, day in sent.items() if k.startswith("digest:") and f":{ADMIN.id}:0" in k}
    assert digests == {
        "2026-12-29": date(2026, 12, 29),
        "2027-01-05": date(2027, 1, 11),
        "2027-01-12": date(2027, 1, 12),
    }
    assert project


async def _reminder_days(bot: RunningBot, person: int) -> dict[str, date]:
    sent = await _sent_days(bot.app, ("reminder",))
    return {f"{k.split(':')[2]}@{k.split(':')[4]}": day for k, day in sent.items() if k.split(":")[3] == f"p{person}"}


async def test_reminders_on_days_off_go_out_the_working_day_before_new_year(bot: RunningBot, clock: FakeClock) -> None:
    clock.now = datetime(2026, 12, 20, 7, 30, tzinfo=UTC)
    await item_with_owners(bot.app, deadline=datetime(2027, 1, 8, 20, 59, tzinfo=UTC))  # Friday 8.01, a holiday
    await _tick_until(bot, clock, datetime(2027, 1, 15, 12, tzinfo=UTC))
    ids = await people(bot)
    # d7 (1.01), d3 (5.01), d1 (7.01) and d0 (8.01) all fall on Wednesday 30.12: one reminder.
    assert await _reminder_days(bot, ids[ORG_A.id]) == {
        "d14@2026-12-25": date(2026, 12, 25),
        "d0@2027-01-08": date(2026, 12, 30),
        "overdue@2027-01-11": date(2027, 1, 11),
        "overdue@2027-01-14": date(2027, 1, 14),
        "overdue@2027-01-17": date(2027, 1, 15),  # a Sunday's on Friday
    }


async def test_each_owner_is_reminded_by_their_own_calendar(bot: RunningBot, clock: FakeClock) -> None:
    """The same item, due on Friday 8.01.2027: a Russian holiday, a Finnish working day."""
    clock.now = datetime(2026, 12, 20, 7, 30, tzinfo=UTC)
    await item_with_owners(bot.app, deadline=datetime(2027, 1, 8, 20, 59, tzinfo=UTC))
    async with bot.app.database.sessions.begin() as session:
        await session.execute(update(Organisation).where(Organisation.key == LINKED_ORG).values(country="FI"))
    await _tick_until(bot, clock, datetime(2027, 1, 15, 12, tzinfo=UTC))
    ids = await people(bot)
    # SOLO, of a Russian organisation: everything from 1.01 to 8.01 comes on Wednesday 30.12.
    assert await _reminder_days(bot, ids[SOLO.id]) == {
        "d14@2026-12-25": date(2026, 12, 25),
        "d0@2027-01-08": date(2026, 12, 30),
        "overdue@2027-01-11": date(2027, 1, 11),
        "overdue@2027-01-14": date(2027, 1, 14),
        "overdue@2027-01-17": date(2027, 1, 15),
    }
    # ORG_A, of the organisation now in Finland: Christmas (24–26.12) and 1.01 are days off there,
    # 5, 7 and 8.01 are not (6.01, Epiphany, is).
    assert await _reminder_days(bot, ids[ORG_A.id]) == {
        "d14@2026-12-25": date(2026, 12, 23),
        "d7@2027-01-01": date(2026, 12, 31),
        "d3@2027-01-05": date(2027, 1, 5),
        "d1@2027-01-07": date(2027, 1, 7),
        "d0@2027-01-08": date(2027, 1, 8),
        "overdue@2027-01-11": date(2027, 1, 11),
        "overdue@2027-01-14": date(2027, 1, 14),
        "overdue@2027-01-17": date(2027, 1, 15),
    }


async def test_a_reminder_goes_out_on_a_moved_working_saturday(bot: RunningBot, clock: FakeClock) -> None:
    clock.now = datetime(2027, 2, 1, 7, 30, tzinfo=UTC)
    # Monday 22.02.2027: a day off for Saturday 20.02, which is a working day.
    await item_with_owners(bot.app, deadline=datetime(2027, 2, 22, 20, 59, tzinfo=UTC))
    await _tick_until(bot, clock, datetime(2027, 2, 23, 12, tzinfo=UTC))
    ids = await people(bot)
    assert await _reminder_days(bot, ids[SOLO.id]) == {
        "d14@2027-02-08": date(2027, 2, 8),
        "d7@2027-02-15": date(2027, 2, 15),
        "d3@2027-02-19": date(2027, 2, 19),
        "d0@2027-02-22": date(2027, 2, 20),
    }


async def test_a_deadline_on_a_day_off_is_warned_of_and_shown_on_the_card(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    panel = next(c for c in sent(await emulator.ask(ADMIN, "/admin")) if c.buttons)
    listing = sent(await emulator.tap(ADMIN, panel, button(panel, "Дорожная карта")))[-1]
    await emulator.tap(ADMIN, listing, button(listing, "Новый пункт"))
    await emulator.ask(ADMIN, "Зелёные закупки")
    await emulator.ask(ADMIN, "Перечень продукции")
    card = sent(await emulator.ask(ADMIN, "-"))[-1]
    await emulator.tap(ADMIN, card, button(card, "Срок"))
    warning, card = sent(await emulator.ask(ADMIN, "07.01.2027"))[-2:]
    assert "07.01.2027 — нерабочий день (Рождество Христово)" in warning.text and "30.12.2026" in warning.text
    assert "Срок сохранён" in warning.text
    assert "⚠️ Срок 07.01.2027 — нерабочий день" in card.text
    # A Saturday made a working day is not warned of; a plain Saturday is, as a weekend.
    await emulator.tap(ADMIN, card, button(card, "Срок"))
    [card] = sent(await emulator.ask(ADMIN, "20.02.2027"))
    assert "нерабочий" not in card.text and "20.02.2027" in card.text
    await emulator.tap(ADMIN, card, button(card, "Срок"))
    warning = sent(await emulator.ask(ADMIN, "27.02.2027"))[0]
    assert "(выходной)" in warning.text and "26.02.2027" in warning.text
