"""What someone outside the secretariat meets on the panel's commands and buttons."""

from __future__ import annotations

from aiogram import F

from handlers.admin.callbacks import AuditPage, MemberAction, MembersPage, NewInvite
from handlers.common.callbacks import Menu, MenuItem
from handlers.common.filters import refuse
from handlers.common.routes import Routes

router = Routes("admin_denied")
refuse(
    router,
    "access.secretariat_only",
    commands=("admin", "members", "invite", "audit"),
    buttons=(
        Menu.filter(F.name == MenuItem.ADMIN),
        *(factory.filter() for factory in (MembersPage, MemberAction, NewInvite, AuditPage)),
    ),
)
