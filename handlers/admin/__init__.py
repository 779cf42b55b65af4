"""The secretariat's panel: the panel and audit log (panel), members and their roles (members),
invite links (invites), and what others meet (denied)."""
