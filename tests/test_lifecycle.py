"""The secretariat's hand on the directory: cards created, archived (gone from search, lists,
pickers, check-ins and audiences, kept in history) and restored, and duplicates merged with
every link moved."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, directory
from bot.services.access import link_account, roles_of
from bot.services.announcements.audiences import Audience, resolve
from bot.services.directory import lifecycle, merge
from bot.services.directory.dataset import dump_yaml, export_dataset, import_dataset, load_dataset
from bot.services.directory.fields import CardKind
from bot.services.directory.lifecycle import NewOrganisation, NewPerson, NewProject, Result
from bot.services.directory.privacy import ANY_MEMBER
from bot.services.directory.search import DirectorySearch
from bot.services.reports import led_projects
from bot.services.reports.checkins import leader_chats
from bot.services.revision import directory_revision
from bot.settings import BUNDLED_DATASET
from models import (
    Account,
    CheckinPause,
    Invite,
    JoinRequest,
    Organisation,
    Person,
    PersonRole,
    Project,
    ProjectPartner,
    ProjectPerson,
    Report,
    Revocation,
    RoadmapItem,
    RoadmapOwner,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRETARY = 1001
PERSON, ORG, PROJECT = CardKind.PERSON, CardKind.ORGANISATION, CardKind.PROJECT


async def key_id(session: AsyncSession, model: type[Person] | type[Organisation] | type[Project], key: str) -> int:
    found = await session.scalar(select(model.id).where(model.key == key))
    assert found is not None, key
    return found


async def found(session: AsyncSession, query: str, kind: str) -> list[int]:
    return [doc.id for doc in await DirectorySearch().pick(session, query, kind, limit=10)]


async def account(session: AsyncSession, telegram_id: int, person_id: int | None = None) -> None:
    session.add(Account(telegram_id=telegram_id, first_name="x", person_id=person_id, created_at=NOW))
    await session.flush()


async def test_a_person_made_with_a_new_organisation_is_found_at_once(session: AsyncSession) -> None:
    revision = await directory_revision(session)
    person_id = await lifecycle.create_person(
        session,
        NewPerson(
            "Ковалёва Анна Петровна",
            position="Директор",
            new_organisation=NewOrganisation("ЭкоВектор", "company", "RU", website="https://ecovector.ru"),
            phones=["+7 921 000-11-22"],
            emails=["a.kovaleva@ecovector.ru"],
        ),
        actor=SECRETARY,
        now=NOW,
    )
    person = await session.get(Person, person_id)
    assert person is not None and person.organisation_id is not None and person.status == "active"
    org = await session.get(Organisation, person.organisation_id)
    assert org is not None and (org.name, org.kind, org.country, org.website) == (
        "ЭкоВектор",
        "company",
        "RU",
        "https://ecovector.ru",
    )
    assert await directory_revision(session) > revision
    assert (await found(session, "Ковалёва", "person"))[:1] == [person_id]
    assert await found(session, "ЭкоВектор", "organisation") == [org.id]
    rows = await audit.recent(session, limit=5)
    assert {(r.action, r.target_name) for r in rows} >= {
        ("create.person", "Ковалёва Анна Петровна"),
        ("create.organisation", "ЭкоВектор"),
    }


async def test_a_project_gets_its_leader_and_partners_but_not_archived_ones(session: AsyncSession) -> None:
    leader = await key_id(session, Organisation, "green-net-finland")
    partner = await key_id(session, Organisation, "zhilishchny-komitet")
    gone = await key_id(session, Organisation, "komitet-po-stroitelstvu")
    await lifecycle.archive(session, ORG, gone, actor=SECRETARY, now=NOW)
    project_id = await lifecycle.create_project(
        session,
        NewProject("Чистый двор", "initiative", leader_id=leader, partner_ids=[partner, gone, partner]),
        actor=SECRETARY,
        now=NOW,
    )
    card = await directory.project_card(session, project_id)
    assert card is not None and card.leader is not None and card.leader.id == leader
    assert [p.id for p in card.partners] == [partner]
    assert (await found(session, "Чистый двор", "project"))[:1] == [project_id]


async def test_an_archived_project_leaves_lists_search_checkins_and_audiences(session: AsyncSession) -> None:
    project_id = await key_id(session, Project, "effektivny-svet")
    leader = await key_id(session, Person, "blinov-ivan")
    session.add(ProjectPerson(project_id=project_id, person_id=leader, role="leader"))
    await account(session, 5005)
    await link_account(session, 5005, leader, "member", NOW, via="test")
    assert "leader" in await roles_of(session, leader)
    leaders = Audience("leaders")
    chosen = Audience("projects", (str(project_id),))
    assert 5005 in await resolve(
        session, leaders, "general", urgent=False, admin_ids=frozenset(), default_language="ru"
    )

    outcome = await lifecycle.archive(session, PROJECT, project_id, actor=SECRETARY, now=NOW)
    assert outcome.result is Result.DONE and outcome.name == "Эффективный свет"
    page = await directory.projects_page(session, offset=0, limit=100)
    assert project_id not in [row.id for row in page.items]
    assert project_id not in await found(session, "Эффективный свет", "project")
    assert await directory.project_card(session, project_id) is None
    assert (await directory.project_card(session, project_id, archived=True)) is not None
    org_card = await directory.organisation_card(session, await key_id(session, Organisation, "green-net-finland"))
    assert org_card is not None and project_id not in [p.id for p in org_card.led + org_card.joined]
    assert project_id not in [lc.project_id for lc in await leader_chats(session, "ru")], "no check-ins"
    assert await led_projects(session, leader) == [] and "leader" not in await roles_of(session, leader)
    for chosen_audience in (leaders, chosen):
        chats = await resolve(
            session, chosen_audience, "general", urgent=False, admin_ids=frozenset(), default_language="ru"
        )
        assert 5005 not in chats, chosen_audience
    state = await lifecycle.state(session, PROJECT, project_id)
    assert state is not None and state.archived_at == NOW
    assert (await lifecycle.archived(session, offset=0, limit=10)).items[0].id == project_id
    again = await lifecycle.archive(session, PROJECT, project_id, actor=SECRETARY, now=NOW)
    assert again.result is Result.ALREADY

    assert (await lifecycle.restore(session, PROJECT, project_id, actor=SECRETARY, now=NOW)).result is Result.DONE
    assert (await found(session, "Эффективный свет", "project"))[:1] == [project_id]
    assert project_id in [row.id for row in (await directory.projects_page(session, offset=0, limit=100)).items]
    assert "leader" in await roles_of(session, leader)
    assert (await lifecycle.restore(session, PROJECT, project_id, actor=SECRETARY, now=NOW)).result is Result.ALREADY
    actions = [r.action for r in await audit.recent(session, limit=3)]
    assert actions[:2] == ["restore.project", "archive.project"]


async def test_an_archived_organisation_leaves_lists_and_cards(session: AsyncSession) -> None:
    org_id = await key_id(session, Organisation, "green-net-finland")
    await lifecycle.archive(session, ORG, org_id, actor=SECRETARY, now=NOW)
    page, _ = await directory.organisations_page(session, country="FI", offset=0, limit=100)
    assert org_id not in [ref.id for ref in page.items]
    assert org_id not in await found(session, "Green Net Finland", "organisation")
    assert await directory.organisation_card(session, org_id) is None
    led = await session.scalar(select(Project.id).where(Project.leader_id == org_id))
    if led is not None:
        card = await directory.project_card(session, led)
        assert card is not None and card.leader is None
    await lifecycle.restore(session, ORG, org_id, actor=SECRETARY, now=NOW)
    assert (await found(session, "Green Net Finland", "organisation"))[:1] == [org_id]


async def test_an_archived_person_loses_access_and_leaves_search(session: AsyncSession) -> None:
    person_id = await key_id(session, Person, "blinov-ivan")
    await account(session, 5005)
    await link_account(session, 5005, person_id, "member", NOW, via="test")
    session.add(Invite(code="bound", person_id=person_id, created_by=SECRETARY, created_at=NOW, expires_at=NOW))
    await session.flush()
    assert (await lifecycle.archive(session, PERSON, person_id, actor=5005, now=NOW)).result is Result.OWN

    outcome = await lifecycle.archive(session, PERSON, person_id, actor=SECRETARY, now=NOW)
    assert outcome.result is Result.DONE and outcome.telegram_id == 5005
    assert await session.scalar(select(Account.person_id).where(Account.telegram_id == 5005)) is None
    assert await session.get(Revocation, person_id) is not None
    assert await session.scalar(select(Invite.revoked).where(Invite.code == "bound"))
    assert person_id not in await found(session, "Блинов", "person")
    assert await directory.person_card(session, person_id, ANY_MEMBER) is None
    card = await directory.person_card(session, person_id, ANY_MEMBER, archived=True)
    assert card is not None and card.name.startswith("Блинов")

    await lifecycle.restore(session, PERSON, person_id, actor=SECRETARY, now=NOW)
    assert (await found(session, "Блинов", "person"))[:1] == [person_id]
    assert await roles_of(session, person_id) == set(), "access comes back by an invite, as after a revocation"

    never_in = await key_id(session, Person, "zakharova-galina")
    await lifecycle.archive(session, PERSON, never_in, actor=SECRETARY, now=NOW)
    assert await session.get(Revocation, never_in) is None, "restored, they may join by phone as before"


async def test_a_merge_moves_every_link_and_unites_contacts(session: AsyncSession) -> None:
    keep = await key_id(session, Person, "zakharova-galina")
    twin = await lifecycle.create_person(
        session,
        NewPerson(
            "Захарова Г.А.",
            position="Начальник отдела",
            phones=["8 (921) 940-75-78", "+7 999 123-45-67"],
            emails=["ZAKHAROVA@kvs.gov.spb.ru", "galina@example.ru"],
        ),
        actor=SECRETARY,
        now=NOW,
    )
    projects = list(await session.scalars(select(Project.id).order_by(Project.id).limit(2)))
    item = RoadmapItem(number=901, title="t", description="d")
    session.add(item)
    await session.flush()
    session.add_all(
        [
            # both contacts of one project: the kept one's link stays, the twin's goes
            ProjectPerson(project_id=projects[0], person_id=keep, role="contact"),
            ProjectPerson(project_id=projects[0], person_id=twin, role="contact"),
            ProjectPerson(project_id=projects[1], person_id=twin, role="leader"),
            RoadmapOwner(item_id=item.id, person_id=keep),
            RoadmapOwner(item_id=item.id, person_id=twin),
            Report(
                token="r1",
                project_id=projects[1],
                person_id=twin,
                submitted_by=5,
                status="green",
                done="d",
                created_at=NOW,
                local_day=NOW.date(),
            ),
            CheckinPause(person_id=twin, until=date(2027, 1, 15)),
            JoinRequest(telegram_id=77, full_name="Захарова", organisation="КВС", created_at=NOW, person_id=twin),
            PersonRole(person_id=twin, role="member"),
            PersonRole(person_id=twin, role="secretariat"),
            PersonRole(person_id=keep, role="member"),
        ]
    )
    await account(session, 7007, twin)
    revision = await directory_revision(session)

    planned = await merge.plan(session, PERSON, twin, keep, actor=SECRETARY)
    assert isinstance(planned, merge.Plan)
    assert planned.moved == {
        "accounts": 1,
        "roles": 1,
        "projects": 1,
        "reports": 1,
        "pauses": 1,
        "join_requests": 1,
    }
    assert planned.dropped == {"roles": 1, "projects": 1, "roadmap": 1}
    assert planned.phones == ["+7 999 123-45-67"] and planned.emails == ["galina@example.ru"]

    done = await merge.merge(session, PERSON, twin, keep, actor=SECRETARY, now=NOW)
    assert done == planned
    links = [
        (ProjectPerson, ProjectPerson.person_id),
        (RoadmapOwner, RoadmapOwner.person_id),
        (Report, Report.person_id),
        (CheckinPause, CheckinPause.person_id),
        (JoinRequest, JoinRequest.person_id),
        (PersonRole, PersonRole.person_id),
        (Account, Account.person_id),
    ]
    for model, column in links:
        assert not await session.scalar(select(func.count()).select_from(model).where(column == twin)), model
    assert (
        await session.scalar(select(func.count()).select_from(ProjectPerson).where(ProjectPerson.person_id == keep))
        == 2
    )
    assert (
        await session.scalar(select(func.count()).select_from(RoadmapOwner).where(RoadmapOwner.person_id == keep)) == 1
    )
    assert await roles_of(session, keep) == {"member", "secretariat", "leader"}
    assert await session.scalar(select(Account.person_id).where(Account.telegram_id == 7007)) == keep
    kept = await session.get(Person, keep)
    assert kept is not None
    assert kept.phones[-1] == "+7 999 123-45-67" and len(kept.phones) == 4
    assert kept.emails == ["zakharova@kvs.gov.spb.ru", "galina@example.ru"]
    duplicate = await session.get(Person, twin)
    assert duplicate is not None and duplicate.status == "archived" and duplicate.merged_into_id == keep
    state = await lifecycle.state(session, PERSON, twin)
    assert state is not None and state.merged_into is not None and state.merged_into.id == keep
    assert twin not in await found(session, "Захарова", "person")
    assert await directory_revision(session) > revision
    entry = (await audit.recent(session, limit=1))[0]
    assert (entry.action, entry.target_name, entry.details["into_name"]) == (
        "merge.person",
        "Захарова Г.А.",
        "Захарова Галина Анатольевна",
    )
    assert await merge.merge(session, PERSON, twin, keep, actor=SECRETARY, now=NOW) is merge.Result.ALREADY
    assert await merge.plan(session, PERSON, keep, keep, actor=SECRETARY) is merge.Result.SAME


async def test_the_kept_account_stays_and_the_twins_is_unlinked(session: AsyncSession) -> None:
    keep = await key_id(session, Person, "zakharova-galina")
    twin = await key_id(session, Person, "blinov-ivan")
    await account(session, 5007, keep)
    await account(session, 5005, twin)
    assert await merge.plan(session, PERSON, twin, keep, actor=5005) is merge.Result.OWN
    done = await merge.merge(session, PERSON, twin, keep, actor=SECRETARY, now=NOW)
    assert isinstance(done, merge.Plan) and done.dropped == {"accounts": 1}
    assert await session.scalar(select(Account.person_id).where(Account.telegram_id == 5005)) is None
    assert await session.scalar(select(Account.person_id).where(Account.telegram_id == 5007)) == keep


async def test_merged_organisations_keep_their_projects_people_and_names(session: AsyncSession) -> None:
    keep = await key_id(session, Organisation, "zhilishchny-komitet")
    twin = await lifecycle.create_organisation(
        session,
        NewOrganisation("Жилкомитет СПб", "government", "RU", website="https://gov.spb.ru/zhk"),
        actor=1,
        now=NOW,
    )
    projects = [
        await lifecycle.create_project(session, NewProject(title, "initiative"), actor=SECRETARY, now=NOW)
        for title in ("Первый", "Второй")
    ]
    person = await key_id(session, Person, "blinov-ivan")
    await session.execute(
        Person.__table__.update().where(Person.id == person).values(organisation_id=twin)  # type: ignore[attr-defined]
    )
    session.add_all(
        [
            ProjectPartner(project_id=projects[0], organisation_id=keep, role="партнёр"),
            ProjectPartner(project_id=projects[0], organisation_id=twin, role="дубль"),
            ProjectPartner(project_id=projects[1], organisation_id=twin, role="соисполнитель"),
        ]
    )
    await session.flush()
    done = await merge.merge(session, ORG, twin, keep, actor=SECRETARY, now=NOW)
    assert isinstance(done, merge.Plan)
    assert done.moved == {"people": 1, "partners": 1} and done.dropped == {"partners": 1}
    assert done.aliases == ["Жилкомитет СПб"]
    roles = dict(
        (row.project_id, row.role)
        for row in await session.scalars(
            select(ProjectPartner).where(
                ProjectPartner.organisation_id == keep, ProjectPartner.project_id.in_(projects)
            )
        )
    )
    assert roles == {projects[0]: "партнёр", projects[1]: "соисполнитель"}
    assert await session.scalar(select(Person.organisation_id).where(Person.id == person)) == keep
    kept = await session.get(Organisation, keep)
    assert kept is not None and "Жилкомитет СПб" in kept.aliases
    assert (await found(session, "Жилкомитет СПб", "organisation"))[:1] == [keep], "the old name finds the kept one"


async def test_the_export_keeps_what_is_archived(session: AsyncSession, tmp_path: Path) -> None:
    project_id = await key_id(session, Project, "effektivny-svet")
    await lifecycle.archive(session, PROJECT, project_id, actor=SECRETARY, now=NOW)
    await lifecycle.archive(session, PERSON, await key_id(session, Person, "blinov-ivan"), actor=SECRETARY, now=NOW)
    exported = await export_dataset(session)
    flagged = {
        entry["key"]
        for section in ("organisations", "people", "projects")
        for entry in exported[section]
        if "archived" in entry
    }
    assert flagged == {"effektivny-svet", "blinov-ivan"}, "only archived cards say so"

    path = tmp_path / "export.yaml"
    path.write_text(dump_yaml(exported), encoding="utf-8")
    assert not (await import_dataset(session, load_dataset(path))).changed, "it round-trips"
    await lifecycle.restore(session, PROJECT, project_id, actor=SECRETARY, now=NOW)
    assert (await import_dataset(session, load_dataset(path))).updated == {"projects": 1}
    state = await lifecycle.state(session, PROJECT, project_id)
    assert state is not None and state.archived_at is not None, "the file's word is taken"
    # the bundled file says nothing of archives: importing it again keeps them
    assert not (await import_dataset(session, load_dataset(BUNDLED_DATASET))).changed
    state = await lifecycle.state(session, PROJECT, project_id)
    assert state is not None and state.archived_at is not None, "a file that says nothing leaves it as it is"
