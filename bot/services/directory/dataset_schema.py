"""The shape of data/cluster.yaml (see data/SCHEMA.md), validated with pydantic."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.services.directory.privacy import Audience

Slug = str  # checked by a pattern on each field below
SLUG = r"^[a-z0-9][a-z0-9-]*$"

OrganisationKind = Literal[
    "company",
    "association",
    "public_institution",
    "government",
    "research",
    "university",
    "fund",
    "international",
    "representative_office",
    "other",
]
ClusterRole = Literal["founder", "member", "partner", "government", "network"]
ProjectKind = Literal["city_cluster", "international", "initiative", "flagship"]
ProjectStatus = Literal["active", "completed", "planned"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FigureIn(Strict):
    key: Slug = Field(pattern=SLUG, max_length=64)
    label: str = Field(min_length=1)
    label_en: str | None = None
    value: str = Field(min_length=1)
    value_en: str | None = None


class ClusterIn(Strict):
    name: str = Field(min_length=1)
    name_en: str | None = None
    founded: date | None = None
    description: str | None = None
    description_en: str | None = None
    figures: list[FigureIn] = []


class OrganisationIn(Strict):
    key: Slug = Field(pattern=SLUG, max_length=100)
    name: str = Field(min_length=1)
    legal_form: str | None = Field(default=None, max_length=50)
    name_en: str | None = None
    aliases: list[str] = []
    kind: OrganisationKind = "other"
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: str | None = None
    cluster_role: ClusterRole = "member"
    website: str | None = None
    description: str | None = None
    # Archived by the secretariat (out of search and lists); left out: as it is in the bot.
    archived: bool | None = None


class PersonIn(Strict):
    key: Slug = Field(pattern=SLUG, max_length=100)
    name: str = Field(min_length=1)
    name_en: str | None = None
    position: str | None = None
    organisation: Slug | None = None
    phones: list[str] = []
    emails: list[str] = []
    # Who sees them (members, secretariat, nobody); left out: the person's choice made in the bot
    # stays, and a new person's contacts are open to members.
    phones_visibility: Audience | None = None
    emails_visibility: Audience | None = None
    helps_with: str | None = Field(default=None, max_length=300)
    # Archived by the secretariat (out of search and lists); left out: as it is in the bot.
    archived: bool | None = None


class PartnerIn(Strict):
    organisation: Slug
    role: str | None = None


class ProjectIn(Strict):
    key: Slug = Field(pattern=SLUG, max_length=100)
    title: str = Field(min_length=1)
    title_en: str | None = None
    kind: ProjectKind
    programme: str | None = None
    period: str | None = None
    status: ProjectStatus = "active"
    leader: Slug | None = None
    partners: list[PartnerIn] = []
    leaders: list[Slug] = []
    contacts: list[Slug] = []
    goal: str | None = None
    tasks: str | None = None
    results: str | None = None
    prospects: str | None = None
    budget: str | None = None
    summary: str | None = None
    # Archived by the secretariat (out of search and lists); left out: as it is in the bot.
    archived: bool | None = None


class RoadmapOwnerIn(Strict):
    organisation: Slug | None = None
    person: Slug | None = None


class RoadmapItemIn(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    source: str | None = None
    deadline: date | None = None
    owners: list[RoadmapOwnerIn] = []


class DatasetIn(Strict):
    cluster: ClusterIn
    organisations: list[OrganisationIn] = []
    people: list[PersonIn] = []
    projects: list[ProjectIn] = []
    roadmap: list[RoadmapItemIn] = []
