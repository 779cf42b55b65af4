"""Reading the directory: the cluster, project/organisation lists and cards, person cards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import away, contacts
from bot.services.directory.privacy import Audience, Looker, audience, may_see, visible_contacts
from models import (
    Account,
    ClusterFigure,
    ClusterInfo,
    Organisation,
    Person,
    Project,
    ProjectPartner,
    ProjectPerson,
)

T = TypeVar("T")
FAX = re.compile(r"факс|fax", re.IGNORECASE)
CYRILLIC_FULL_NAME = re.compile(r"^[А-ЯЁ][а-яё-]+ [А-ЯЁ][а-яё-]+ [А-ЯЁ][а-яё-]+$")
PROJECT_KINDS = ("flagship", "city_cluster", "international", "initiative")
# The order of kinds in an organisation list: the city's bodies first, then the cluster's own
# associations, then companies and the rest.
ORGANISATION_KINDS = (
    "government",
    "public_institution",
    "association",
    "company",
    "research",
    "university",
    "fund",
    "international",
    "representative_office",
    "other",
)
_KIND_PLACE = case(
    {kind: place for place, kind in enumerate(ORGANISATION_KINDS)},
    value=Organisation.kind,
    else_=len(ORGANISATION_KINDS),
)


@dataclass(frozen=True)
class Figure:
    label: str
    label_en: str | None
    value: str
    value_en: str | None


@dataclass(frozen=True)
class ClusterView:
    name: str
    name_en: str | None
    description: str | None
    description_en: str | None
    figures: list[Figure]


@dataclass(frozen=True)
class Ref:
    """A named link to another card."""

    id: int
    name: str
    note: str | None = None
    name_en: str | None = None


@dataclass(frozen=True)
class ProjectRow:
    id: int
    title: str
    title_en: str | None
    kind: str


@dataclass(frozen=True)
class ProjectCard:
    id: int
    title: str
    title_en: str | None
    kind: str
    programme: str | None
    period: str | None
    status: str
    leader: Ref | None
    partners: list[Ref]
    leaders: list[Ref]
    contacts: list[Ref]
    goal: str | None
    tasks: str | None
    results: str | None
    prospects: str | None
    budget: str | None
    summary: str | None


@dataclass(frozen=True)
class OrganisationCard:
    id: int
    name: str
    legal_form: str | None
    name_en: str | None
    kind: str
    country: str
    region: str | None
    cluster_role: str
    website: str | None
    description: str | None
    led: list[Ref]
    joined: list[Ref]
    people: list[Ref]


@dataclass(frozen=True)
class PersonCard:
    id: int
    name: str
    name_en: str | None
    position: str | None
    organisation: Ref | None
    affiliation: str | None
    # only those the reader of the card may see (see privacy.may_see)
    phones: list[str]
    emails: list[str]
    telegram_username: str | None
    projects: list[Ref]
    # who the person shows each kind to, and whether the card is the reader's own
    phones_visibility: Audience
    emails_visibility: Audience
    own: bool
    helps_with: str | None = None
    # The last day the person is away (bot/services/away.py), for the secretariat; else None.
    away_until: date | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


async def refs(
    session: AsyncSession, model: type[Person] | type[Organisation], ids: list[int], *where: ColumnElement[bool]
) -> dict[int, Ref]:
    """The cards of `model` among `ids` (and meeting `where`), by id, as links with their English names."""
    rows = await session.execute(select(model.id, model.name, model.name_en).where(model.id.in_(ids), *where))
    return {row.id: Ref(row.id, row.name, name_en=row.name_en) for row in rows}


async def cluster_view(session: AsyncSession) -> ClusterView | None:
    info = await session.get(ClusterInfo, 1)
    if info is None:
        return None
    figures = await session.scalars(select(ClusterFigure).order_by(ClusterFigure.position))
    return ClusterView(
        info.name,
        info.name_en,
        info.description,
        info.description_en,
        [Figure(f.label, f.label_en, f.value, f.value_en) for f in figures],
    )


async def projects_page(session: AsyncSession, *, offset: int, limit: int) -> Page[ProjectRow]:
    """Projects grouped by kind (flagship first), then by title."""
    order = {kind: n for n, kind in enumerate(PROJECT_KINDS)}
    rows = list(
        await session.execute(
            select(Project.id, Project.title, Project.title_en, Project.kind).where(Project.archived_at.is_(None))
        )
    )
    rows.sort(key=lambda r: (order.get(r.kind, len(order)), r.title.lower()))
    items = [ProjectRow(r.id, r.title, r.title_en, r.kind) for r in rows[offset : offset + limit]]
    return Page(items, len(rows), offset, limit)


async def organisation_facets(session: AsyncSession) -> list[tuple[str, int]]:
    """Countries with their organisation counts, biggest first."""
    rows = await session.execute(
        select(Organisation.country, func.count())
        .where(Organisation.archived_at.is_(None))
        .group_by(Organisation.country)
        .order_by(func.count().desc())
    )
    return [(country, count) for country, count in rows]


async def organisations_page(
    session: AsyncSession, *, country: str | None, offset: int, limit: int
) -> tuple[Page[Ref], list[tuple[str, int]]]:
    """A page of organisations grouped by kind (see ORGANISATION_KINDS), by name within a kind,
    each Ref's note its kind; and how many there are of each kind, in that order (their sum is
    the page's total). An offset past the end (a list grown shorter, a forged button) gives the
    first page."""
    where = [Organisation.archived_at.is_(None), *([Organisation.country == country] if country else [])]
    kinds = [
        (kind, count)
        for kind, count in await session.execute(
            select(Organisation.kind, func.count()).where(*where).group_by(Organisation.kind).order_by(_KIND_PLACE)
        )
    ]
    total = sum(count for _, count in kinds)
    offset = offset if offset < total else 0
    rows = await session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.name_en)
        .where(*where)
        .order_by(_KIND_PLACE, Organisation.name)
        .offset(offset)
        .limit(limit)
    )
    return Page([Ref(r.id, r.name, r.kind, r.name_en) for r in rows], total, offset, limit), kinds


async def project_card(session: AsyncSession, project_id: int, *, archived: bool = False) -> ProjectCard | None:
    """None when there is no such project, or it is archived (unless `archived`: the secretariat
    opens archived cards). Archived organisations and people are left out of it."""
    project = await session.get(Project, project_id)
    if project is None or project.archived_at is not None and not archived:
        return None
    leader = await _live_organisation(session, project.leader_id)
    partners = await session.execute(
        select(Organisation.id, Organisation.name, ProjectPartner.role, Organisation.name_en)
        .join(ProjectPartner, ProjectPartner.organisation_id == Organisation.id)
        .where(ProjectPartner.project_id == project_id, Organisation.archived_at.is_(None))
        .order_by(ProjectPartner.id)
    )
    people = (
        await session.execute(
            select(Person.id, Person.name, Person.position, ProjectPerson.role)
            .join(ProjectPerson, ProjectPerson.person_id == Person.id)
            .where(ProjectPerson.project_id == project_id, Person.status == "active")
            .order_by(ProjectPerson.id)
        )
    ).all()
    return ProjectCard(
        id=project.id,
        title=project.title,
        title_en=project.title_en,
        kind=project.kind,
        programme=project.programme,
        period=project.period,
        status=project.status,
        leader=Ref(leader.id, leader.name, name_en=leader.name_en) if leader else None,
        partners=[Ref(r.id, r.name, r.role, r.name_en) for r in partners],
        leaders=[Ref(r.id, r.name, r.position) for r in people if r.role == "leader"],
        contacts=[Ref(r.id, r.name, r.position) for r in people if r.role == "contact"],
        goal=project.goal,
        tasks=project.tasks,
        results=project.results,
        prospects=project.prospects,
        budget=project.budget,
        summary=project.summary,
    )


async def organisation_card(session: AsyncSession, org_id: int, *, archived: bool = False) -> OrganisationCard | None:
    """None when there is no such organisation, or it is archived (unless `archived`)."""
    org = await session.get(Organisation, org_id)
    if org is None or org.archived_at is not None and not archived:
        return None
    led = await session.execute(
        select(Project.id, Project.title, Project.title_en)
        .where(Project.leader_id == org_id, Project.archived_at.is_(None))
        .order_by(Project.title)
    )
    joined = await session.execute(
        select(Project.id, Project.title, Project.title_en)
        .join(ProjectPartner, ProjectPartner.project_id == Project.id)
        .where(ProjectPartner.organisation_id == org_id, Project.archived_at.is_(None))
        .order_by(Project.title)
    )
    people = await session.execute(
        select(Person.id, Person.name, Person.position)
        .where(Person.organisation_id == org_id, Person.status == "active")
        .order_by(Person.name)
    )
    return OrganisationCard(
        id=org.id,
        name=org.name,
        legal_form=org.legal_form,
        name_en=org.name_en,
        kind=org.kind,
        country=org.country,
        region=org.region,
        cluster_role=org.cluster_role,
        website=org.website,
        description=org.description,
        led=[Ref(r.id, r.title, name_en=r.title_en) for r in led],
        joined=[Ref(r.id, r.title, name_en=r.title_en) for r in joined],
        people=[Ref(r.id, r.name, r.position) for r in people],
    )


async def person_card(
    session: AsyncSession,
    person_id: int,
    looker: Looker,
    *,
    today: date | None = None,
    archived: bool = False,
) -> PersonCard | None:
    """The card with the contacts the looker may see; None for a person not listed (access
    revoked, or archived — unless `archived`: the secretariat opens archived cards). Given
    `today`, the secretariat also sees until when the person is away."""
    person = await session.get(Person, person_id)
    if person is None or person.status not in ("active", "archived" if archived else "active"):
        return None
    org = await _live_organisation(session, person.organisation_id)
    username = await session.scalar(select(Account.username).where(Account.person_id == person_id))
    projects = await session.execute(
        select(Project.id, Project.title, ProjectPerson.role, Project.title_en)
        .join(ProjectPerson, ProjectPerson.project_id == Project.id)
        .where(ProjectPerson.person_id == person_id, Project.archived_at.is_(None))
        .order_by(Project.title)
    )
    contacts = visible_contacts(
        person.id,
        person.phones or [],
        person.emails or [],
        person.phones_visibility,
        person.emails_visibility,
        looker,
    )
    return PersonCard(
        id=person.id,
        name=person.name,
        name_en=person.name_en,
        position=person.position,
        organisation=Ref(org.id, org.name, name_en=org.name_en) if org else None,
        affiliation=person.affiliation,
        phones=contacts.phones,
        emails=contacts.emails,
        # Their @username reaches them like a phone: shown where a phone or an e-mail would be.
        telegram_username=username
        if may_see(person.phones_visibility, person.id, looker) or may_see(person.emails_visibility, person.id, looker)
        else None,
        projects=[Ref(r.id, r.title, r.role, r.title_en) for r in projects],
        phones_visibility=audience(person.phones_visibility),
        emails_visibility=audience(person.emails_visibility),
        own=looker.person_id == person.id,
        helps_with=person.helps_with,
        away_until=await away.until(session, person.id, today) if today and looker.is_secretariat else None,
    )


async def _live_organisation(session: AsyncSession, org_id: int | None) -> Organisation | None:
    org = await session.get(Organisation, org_id) if org_id else None
    return org if org is not None and org.archived_at is None else None


def is_fax(phone: str) -> bool:
    return bool(FAX.search(phone))


def contact_phone(phones: list[str]) -> str | None:
    """The number worth saving as a contact, readable: a mobile when there is one, never a fax."""
    voice = [p for p in phones if not is_fax(p)]
    mobile = [p for p in voice if contacts.is_mobile(p)]
    chosen = next(iter(mobile or voice), None)
    return contacts.dialable_phone(chosen) if chosen else None


def contact_names(name: str) -> tuple[str, str | None]:
    """(first, last) for a Telegram contact: «Фамилия Имя Отчество» becomes «Имя Отчество» + «Фамилия»."""
    if CYRILLIC_FULL_NAME.match(name):
        surname, rest = name.split(" ", 1)
        return rest, surname
    first, _, last = name.partition(" ")
    return first or name, last or None
