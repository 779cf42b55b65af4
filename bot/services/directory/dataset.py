"""Loading, validating, importing and exporting the cluster dataset (data/cluster.yaml)."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import contacts
from bot.services.directory import lifecycle
from bot.services.directory.dataset_schema import DatasetIn
from bot.services.directory.lifecycle import ARCHIVED
from bot.services.directory.privacy import Audience
from bot.services.revision import bump_directory_revision
from models import (
    ClusterFigure,
    ClusterInfo,
    Organisation,
    Person,
    Project,
    ProjectPartner,
    ProjectPerson,
    RoadmapItem,
    RoadmapOwner,
)

# Who sees a person's phones and e-mails: a file that leaves them out keeps the choice made in the bot.
CONTACT_CHOICES = ("phones_visibility", "emails_visibility")
# A person's contact fields: what forgetting erased, and an import then leaves alone.
CONTACTS = ("phones", "emails")


@dataclass(frozen=True)
class Problem:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class ImportReport:
    created: Tally[str] = field(default_factory=Tally)
    updated: Tally[str] = field(default_factory=Tally)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class DatasetError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class Loaded:
    data: DatasetIn
    # Contacts that could not be read as a phone number or an e-mail address: imported as written.
    kept: list[Problem]


def load_dataset(path: Path) -> DatasetIn:
    """Parse, validate and normalise a dataset file; raise DatasetError listing every problem found."""
    return read_dataset(path).data


def read_dataset(path: Path) -> Loaded:
    """load_dataset, and the contacts it kept as written (for `clusterbot import` to report)."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError([Problem(name, exc.strerror or str(exc))]) from exc
    try:
        root = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise DatasetError([Problem(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from exc
    if not isinstance(raw, dict):
        raise DatasetError([Problem(name, "expected a mapping with cluster, organisations, people, projects, roadmap")])
    try:
        dataset = DatasetIn.model_validate(raw)
    except ValidationError as exc:
        raise DatasetError([Problem(_locate(name, root, err["loc"]), err["msg"]) for err in exc.errors()]) from exc
    problems = [Problem(_locate(name, root, loc), msg) for loc, msg in _reference_problems(dataset)]
    if problems:
        raise DatasetError(problems)
    kept = [Problem(_locate(name, root, loc), msg) for loc, msg in _normalise_contacts(dataset)]
    return Loaded(dataset, kept)


def _normalise_contacts(data: DatasetIn) -> list[tuple[tuple[Any, ...], str]]:
    """Phones to E.164 and e-mail addresses to their normal form, in place (a value written twice
    is kept once); what cannot be read is kept as written, and said where."""
    kept: list[tuple[tuple[Any, ...], str]] = []
    for i, person in enumerate(data.people):
        for section, normalise in (("phones", contacts.normalise_phones), ("emails", contacts.normalise_emails)):
            written = getattr(person, section)
            normalised = normalise(written)
            setattr(person, section, normalised.values)
            kept += [
                (("people", i, section, j), f"kept as written, {why.detail}: {written[j]!r}")
                for j, why in normalised.kept
            ]
    return kept


def _locate(name: str, root: yaml.Node | None, loc: tuple[Any, ...]) -> str:
    """`file:line (path.to[3].field)` for a pydantic location, following the YAML node tree."""
    node, line = root, None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"{name}:{line} ({path})" if line else f"{name} ({path})"


def _reference_problems(data: DatasetIn) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    for section in ("organisations", "people", "projects"):
        seen: set[str] = set()
        for i, entry in enumerate(getattr(data, section)):
            if entry.key in seen:
                problems.append(((section, i, "key"), f"duplicate key {entry.key!r}"))
            seen.add(entry.key)
    numbers: set[int] = set()
    for i, item in enumerate(data.roadmap):
        if item.number in numbers:
            problems.append((("roadmap", i, "number"), f"duplicate number {item.number}"))
        numbers.add(item.number)

    orgs = {o.key for o in data.organisations}
    people = {p.key for p in data.people}

    def need(known: set[str], value: str | None, loc: tuple[Any, ...], what: str) -> None:
        if value is not None and value not in known:
            problems.append((loc, f"unknown {what} {value!r}"))

    for i, person in enumerate(data.people):
        need(orgs, person.organisation, ("people", i, "organisation"), "organisation")
    for i, project in enumerate(data.projects):
        need(orgs, project.leader, ("projects", i, "leader"), "organisation")
        for j, partner in enumerate(project.partners):
            need(orgs, partner.organisation, ("projects", i, "partners", j, "organisation"), "organisation")
        for part in ("leaders", "contacts"):
            for j, key in enumerate(getattr(project, part)):
                need(people, key, ("projects", i, part, j), "person")
    for i, item in enumerate(data.roadmap):
        for j, owner in enumerate(item.owners):
            if (owner.organisation is None) == (owner.person is None):
                problems.append((("roadmap", i, "owners", j), "give exactly one of organisation or person"))
            need(orgs, owner.organisation, ("roadmap", i, "owners", j, "organisation"), "organisation")
            need(people, owner.person, ("roadmap", i, "owners", j, "person"), "person")
    return problems


async def directory_is_empty(session: AsyncSession) -> bool:
    return not await session.scalar(select(func.count()).select_from(Organisation))


async def import_dataset(session: AsyncSession, data: DatasetIn) -> ImportReport:
    """Upsert everything by key; relations are replaced by the file's. Idempotent."""
    report = ImportReport()

    def apply(section: str, row: Any, values: dict[str, Any], is_new: bool) -> None:
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if is_new:
            report.created[section] += 1
            session.add(row)
        elif changed:
            report.updated[section] += 1

    info = await session.get(ClusterInfo, 1)
    apply("cluster", info or ClusterInfo(id=1), data.cluster.model_dump(exclude={"figures"}), info is None)

    async def by_key(
        section: str, model: type[Any], entries: list[Any], values: Callable[[int, Any], dict[str, Any]]
    ) -> dict[str, Any]:
        rows = {row.key: row for row in await session.scalars(select(model))}
        for position, entry in enumerate(entries):
            existing = rows.get(entry.key)
            rows[entry.key] = existing or model()
            apply(section, rows[entry.key], values(position, entry), existing is None)
        await session.flush()
        return rows

    await by_key(
        "figures",
        ClusterFigure,
        data.cluster.figures,
        lambda position, figure: {**figure.model_dump(), "position": position},
    )
    org_rows = await by_key(
        "organisations", Organisation, data.organisations, lambda _, org: org.model_dump(exclude={"archived"})
    )
    # Whoever had the bot forget them keeps no contacts, whatever the file says.
    forgotten = set(await session.scalars(select(Person.key).where(Person.forgotten_at.is_not(None))))
    person_rows = await by_key(
        "people",
        Person,
        data.people,
        lambda _, person: {
            **person.model_dump(
                exclude={
                    "organisation",
                    "archived",
                    *(c for c in CONTACT_CHOICES if getattr(person, c) is None),
                    *(CONTACTS if person.key in forgotten else ()),
                }
            ),
            "organisation_id": org_rows[person.organisation].id if person.organisation else None,
        },
    )
    project_rows = await by_key(
        "projects",
        Project,
        data.projects,
        lambda _, project: {
            **project.model_dump(exclude={"leader", "partners", "leaders", "contacts", "archived"}),
            "leader_id": org_rows[project.leader].id if project.leader else None,
        },
    )

    wanted_partners = {
        (project_rows[p.key].id, org_rows[x.organisation].id): x.role for p in data.projects for x in p.partners
    }
    wanted_people = {
        (project_rows[p.key].id, person_rows[key].id, part[:-1])
        for p in data.projects
        for part in ("leaders", "contacts")
        for key in getattr(p, part)
    }
    now = datetime.now(UTC)
    for section, rows, entries in (
        ("organisations", org_rows, data.organisations),
        ("people", person_rows, data.people),
        ("projects", project_rows, data.projects),
    ):
        _archive_as_written(section, rows, entries, report, now)
    await _sync_partners(session, wanted_partners, report)
    await _sync_project_people(session, wanted_people, report)
    await _import_roadmap(session, data, org_rows, person_rows, apply, report)

    if report.changed:
        await bump_directory_revision(session)
    await session.flush()
    return report


def _archive_as_written(
    section: str, rows: dict[str, Any], entries: list[Any], report: ImportReport, now: datetime
) -> None:
    """Archived or not as the file says (where it says so): archived now, or back in the directory."""
    for entry in entries:
        row = rows[entry.key]
        if entry.archived is None or entry.archived == lifecycle.is_archived(row):
            continue
        row.archived_at = now if entry.archived else None
        if isinstance(row, Person):
            row.status = ARCHIVED if entry.archived else "active"
        report.updated[section] += 1


async def _sync_partners(
    session: AsyncSession, wanted: dict[tuple[int, int], str | None], report: ImportReport
) -> None:
    existing = {(r.project_id, r.organisation_id): r for r in await session.scalars(select(ProjectPartner))}
    for pair, role in wanted.items():
        row = existing.get(pair)
        if row is None:
            session.add(ProjectPartner(project_id=pair[0], organisation_id=pair[1], role=role))
            report.created["partners"] += 1
        elif row.role != role:
            row.role = role
            report.updated["partners"] += 1
    for pair, row in existing.items():
        if pair not in wanted:
            await session.delete(row)
            report.updated["partners"] += 1


async def _sync_project_people(session: AsyncSession, wanted: set[tuple[int, int, str]], report: ImportReport) -> None:
    existing = {(r.project_id, r.person_id, r.role): r for r in await session.scalars(select(ProjectPerson))}
    for triple in wanted - existing.keys():
        session.add(ProjectPerson(project_id=triple[0], person_id=triple[1], role=triple[2]))
        report.created["project_people"] += 1
    for triple in existing.keys() - wanted:
        await session.delete(existing[triple])
        report.updated["project_people"] += 1


async def _import_roadmap(
    session: AsyncSession,
    data: DatasetIn,
    org_rows: dict[str, Organisation],
    person_rows: dict[str, Person],
    apply: Callable[[str, Any, dict[str, Any], bool], None],
    report: ImportReport,
) -> None:
    # Deadlines and owners are the secretariat's once set in the bot: the file only fills blanks.
    items = {i.number: i for i in await session.scalars(select(RoadmapItem))}
    for entry in data.roadmap:
        row = items.get(entry.number)
        target = row or RoadmapItem()
        values: dict[str, Any] = entry.model_dump(include={"number", "title", "description", "source"})
        if entry.deadline is not None:
            values["deadline"] = datetime.combine(entry.deadline, time(12), tzinfo=UTC)
        apply("roadmap", target, values, row is None)
        if not entry.owners:
            continue
        await session.flush()
        if await session.scalar(select(func.count()).where(RoadmapOwner.item_id == target.id)):
            continue
        for owner in entry.owners:
            session.add(
                RoadmapOwner(
                    item_id=target.id,
                    organisation_id=org_rows[owner.organisation].id if owner.organisation else None,
                    person_id=person_rows[owner.person].id if owner.person else None,
                )
            )
        report.updated["roadmap"] += 1


async def export_dataset(session: AsyncSession) -> dict[str, Any]:
    """The directory as a dataset dict in the file's format (round-trips through import)."""
    orgs = list(await session.scalars(select(Organisation).order_by(Organisation.id)))
    org_key = {o.id: o.key for o in orgs}
    people = list(await session.scalars(select(Person).order_by(Person.id)))
    person_key = {p.id: p.key for p in people}
    info = await session.get(ClusterInfo, 1)
    figures = await session.scalars(select(ClusterFigure).order_by(ClusterFigure.position))
    partners = await session.scalars(select(ProjectPartner).order_by(ProjectPartner.id))
    project_people = await session.scalars(select(ProjectPerson).order_by(ProjectPerson.id))
    owners = await session.scalars(select(RoadmapOwner).order_by(RoadmapOwner.id))

    partners_of: dict[int, list[dict[str, Any]]] = {}
    for partner in partners:
        partners_of.setdefault(partner.project_id, []).append(
            {"organisation": org_key[partner.organisation_id], "role": partner.role}
        )
    people_of: dict[tuple[int, str], list[str]] = {}
    for part in project_people:
        people_of.setdefault((part.project_id, part.role), []).append(person_key[part.person_id])
    owners_of: dict[int, list[dict[str, Any]]] = {}
    for owner in owners:
        owners_of.setdefault(owner.item_id, []).append(
            {"organisation": org_key[owner.organisation_id]}
            if owner.organisation_id
            else {"person": person_key[owner.person_id or 0]}
        )

    def columns(row: Any, names: list[str]) -> dict[str, Any]:
        return {n: getattr(row, n) for n in names}

    def archived(row: Organisation | Person | Project) -> dict[str, Any]:
        # only an archived card says so, so that the file stays as it was written
        return {"archived": True} if lifecycle.is_archived(row) else {}

    cluster: dict[str, Any] = (
        columns(info, ["name", "name_en", "founded", "description", "description_en"]) if info else {"name": ""}
    )
    cluster["figures"] = [columns(f, ["key", "label", "label_en", "value", "value_en"]) for f in figures]
    org_fields = [
        "key",
        "name",
        "legal_form",
        "name_en",
        "aliases",
        "kind",
        "country",
        "region",
        "cluster_role",
        "website",
        "description",
    ]
    project_fields = [
        "key",
        "title",
        "title_en",
        "kind",
        "programme",
        "period",
        "status",
        "goal",
        "tasks",
        "results",
        "prospects",
        "budget",
        "summary",
    ]
    return {
        "cluster": cluster,
        "organisations": [columns(o, org_fields) | archived(o) for o in orgs],
        "people": [
            {
                **columns(p, ["key", "name", "name_en", "position"]),
                "organisation": org_key.get(p.organisation_id) if p.organisation_id else None,
                "phones": p.phones,
                "emails": p.emails,
                # only a choice other than the default, so that the file stays as it was written
                **{c: getattr(p, c) for c in CONTACT_CHOICES if getattr(p, c) != Audience.MEMBERS},
                "helps_with": p.helps_with,
                **archived(p),
            }
            for p in people
        ],
        "projects": [
            {
                **columns(p, project_fields),
                "leader": org_key.get(p.leader_id) if p.leader_id else None,
                "partners": partners_of.get(p.id, []),
                "leaders": people_of.get((p.id, "leader"), []),
                "contacts": people_of.get((p.id, "contact"), []),
                **archived(p),
            }
            for p in await session.scalars(select(Project).order_by(Project.id))
        ],
        "roadmap": [
            {
                **columns(i, ["number", "title", "description", "source"]),
                "deadline": i.deadline.date() if i.deadline else None,
                "owners": owners_of.get(i.id, []),
            }
            for i in await session.scalars(select(RoadmapItem).order_by(RoadmapItem.number))
        ],
    }


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
