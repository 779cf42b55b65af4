"""SQLAlchemy models, the engine/session factory and migrations."""

from models.access import Account, AuditEntry, Invite, JoinRequest, PersonRole, Revocation
from models.announcements import Announcement, AnnouncementRead, BotChat, CategoryMute
from models.base import Base
from models.calendar import CalendarFeed
from models.directory import (
    ClusterFigure,
    ClusterInfo,
    Organisation,
    Person,
    Project,
    ProjectPartner,
    ProjectPerson,
)
from models.events import Event, EventInvite
from models.help_requests import HelpForward, HelpRecipient, HelpRequest
from models.inbox import InboxUpdate
from models.outbox import Lease, OutboxMessage
from models.reports import CheckinPause, ProjectCadence, Report
from models.roadmap import RoadmapEvent, RoadmapImport, RoadmapItem, RoadmapOwner
from models.state import Counter, DialogMark, FsmRecord

__all__ = [
    "Account",
    "Announcement",
    "AnnouncementRead",
    "AuditEntry",
    "Base",
    "BotChat",
    "CalendarFeed",
    "CategoryMute",
    "CheckinPause",
    "ClusterFigure",
    "ClusterInfo",
    "Counter",
    "DialogMark",
    "Event",
    "EventInvite",
    "FsmRecord",
    "HelpForward",
    "HelpRecipient",
    "HelpRequest",
    "InboxUpdate",
    "Invite",
    "JoinRequest",
    "Lease",
    "OutboxMessage",
    "Organisation",
    "Person",
    "PersonRole",
    "Project",
    "ProjectCadence",
    "ProjectPartner",
    "ProjectPerson",
    "Report",
    "Revocation",
    "RoadmapEvent",
    "RoadmapImport",
    "RoadmapItem",
    "RoadmapOwner",
]
