"""Announcements: /announce composed step by step (compose, audience, sending; the dialog's states,
typed data and stale buttons in dialog), scheduled ones edited (editing), /announcements and the
acts on one (listing), live figures and the tick (progress), recipients confirming reading
(reading) and the one reminder of those who have not (scheduled), the chats the bot is in (chats),
what others meet (denied), and /settings."""
