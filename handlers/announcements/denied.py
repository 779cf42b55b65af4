"""What someone outside the secretariat meets on the commands and buttons of announcements."""

from __future__ import annotations

from handlers.announcements.callbacks import AnnouncementAct, AnnounceStep, ChatApproval
from handlers.common.filters import refuse
from handlers.common.routes import Routes

router = Routes("announcements_denied")
refuse(
    router,
    "access.secretariat_only",
    commands=("announce", "announcements"),
    buttons=(AnnounceStep.filter(), AnnouncementAct.filter(), ChatApproval.filter()),
)
