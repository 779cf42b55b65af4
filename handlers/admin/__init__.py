"""The secretariat's panel: join requests, members and roles, invites, audit log."""
