"""The cluster's directory: organisations, people, projects and who does what in them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class ClusterInfo(Base):
    """The single row describing the cluster itself."""

    __tablename__ = "cluster_info"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    founded: Mapped[date | None]


class ClusterFigure(Base):
    __tablename__ = "cluster_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(Text)
    label_en: Mapped[str | None] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    value_en: Mapped[str | None] = mapped_column(Text)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    legal_form: Mapped[str | None] = mapped_column(String(50))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    kind: Mapped[str] = mapped_column(String(40), default="other")
    country: Mapped[str] = mapped_column(String(2), default="RU")
    region: Mapped[str | None] = mapped_column(Text)
    cluster_role: Mapped[str] = mapped_column(String(40), default="member")
    website: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    # Archived by the secretariat: out of search, lists and pickers, still named by history.
    archived_at: Mapped[datetime | None]
    # A duplicate merged into another organisation (archived too): the one it lives on as.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))

    people: Mapped[list[Person]] = relationship(back_populates="organisation")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    # The organisation as a joining person named it, when it matched none in the directory.
    affiliation: Mapped[str | None] = mapped_column(Text)
    phones: Mapped[list[str]] = mapped_column(default=list)
    emails: Mapped[list[str]] = mapped_column(default=list)
    # Who besides the person sees each kind of contact: members, secretariat or nobody (the
    # person's own choice, see bot.services.directory.privacy).
    phones_visibility: Mapped[str] = mapped_column(String(20), default="members", server_default="members")
    emails_visibility: Mapped[str] = mapped_column(String(20), default="members", server_default="members")
    # What the person offers the cluster, in their words (up to 300 characters; searchable).
    helps_with: Mapped[str | None] = mapped_column(Text)
    # active: may be granted access; revoked: the secretariat withdrew it; archived: the
    # secretariat archived the card (then archived_at says when). Only active people are listed.
    status: Mapped[str] = mapped_column(String(20), default="active")
    # When the person had the bot forget them (bot.services.mydata.forget): their contacts were
    # erased, and an import of the dataset does not bring them back.
    forgotten_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]
    # A duplicate merged into another person (archived too): the one it lives on as.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    programme: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    goal: Mapped[str | None] = mapped_column(Text)
    tasks: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    prospects: Mapped[str | None] = mapped_column(Text)
    budget: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    # Archived by the secretariat: out of search, lists, pickers and check-ins; reports and the
    # audit log still name it.
    archived_at: Mapped[datetime | None]

    leader: Mapped[Organisation | None] = relationship()


class ProjectPartner(Base):
    __tablename__ = "project_partners"
    __table_args__ = (UniqueConstraint("project_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(Text)


class ProjectPerson(Base):
    """A person's part in a project: `leader` reports for it, `contact` answers questions."""

    __tablename__ = "project_people"
    __table_args__ = (UniqueConstraint("project_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
